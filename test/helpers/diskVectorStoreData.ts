/** Deterministic test vectors for the vector store tests: a text's vector follows from its characters. */
export function vectorOf(text: string, dim: number): Float32Array {
  const v = new Float32Array(dim);
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  for (let k = 0; k < dim; k++) {
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995);
    v[k] = ((h >>> 0) / 2 ** 32) * 2 - 1;
  }
  return v;
}
