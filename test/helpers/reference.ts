/**
 * An independent reference forward pass of the test encoders, in float64 plain TS: no ONNX, no
 * batching, no padding — one sequence at a time, straight from the weights. The engine's batched,
 * padded, length-sorted embeddings must match it within 1e-4.
 */
import type { EncoderWeights } from './encoderModel';

function layerNorm(x: Float64Array, g: Float32Array, b: Float32Array, eps: number): Float64Array {
  let mean = 0;
  for (const v of x) mean += v;
  mean /= x.length;
  let variance = 0;
  for (const v of x) variance += (v - mean) ** 2;
  variance /= x.length;
  const inv = 1 / Math.sqrt(variance + eps);
  return Float64Array.from(x, (v, i) => (v - mean) * inv * g[i]! + b[i]!);
}

/** y = x·W + b with W [in, out] row-major. */
function linear(x: Float64Array, w: Float32Array, b: Float32Array, outDim: number): Float64Array {
  const y = Float64Array.from(b);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const row = i * outDim;
    for (let j = 0; j < outDim; j++) y[j]! += xi * w[row + j]!;
  }
  return y;
}

/** erf from Numerical Recipes' Chebyshev fit of erfc (relative error < 1.2e-7, far below the 1e-4 tolerance). */
function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

/** Token-level hidden states [sequence][hidden] of one unpadded sequence. */
export function referenceForward(w: EncoderWeights, ids: readonly number[], typeIds?: readonly number[]): Float64Array[] {
  const s = w.shape;
  const H = s.hidden;
  const dh = H / s.heads;
  const positions = s.arch === 'bert' ? ids.map((_, i) => i) : ids.map((_, i) => s.padId + 1 + i);
  let x = ids.map((id, i) => {
    const v = new Float64Array(H);
    const t = typeIds?.[i] ?? 0;
    for (let j = 0; j < H; j++) v[j] = w.wordEmb[id * H + j]! + w.posEmb[positions[i]! * H + j]! + w.typeEmb[t * H + j]!;
    return layerNorm(v, w.embLnG, w.embLnB, s.eps);
  });
  for (const l of w.layers) {
    const q = x.map((v) => linear(v, l.wq, l.bq, H));
    const k = x.map((v) => linear(v, l.wk, l.bk, H));
    const val = x.map((v) => linear(v, l.wv, l.bv, H));
    const ctx = x.map(() => new Float64Array(H));
    for (let h = 0; h < s.heads; h++) {
      for (let i = 0; i < x.length; i++) {
        const scores = k.map((kj) => {
          let d = 0;
          for (let c = 0; c < dh; c++) d += q[i]![h * dh + c]! * kj[h * dh + c]!;
          return d / Math.sqrt(dh);
        });
        const max = Math.max(...scores);
        const e = scores.map((sc) => Math.exp(sc - max));
        const z = e.reduce((a, b) => a + b, 0);
        for (let j = 0; j < x.length; j++) for (let c = 0; c < dh; c++) ctx[i]![h * dh + c]! += (e[j]! / z) * val[j]![h * dh + c]!;
      }
    }
    x = x.map((v, i) => {
      const a = linear(ctx[i]!, l.wo, l.bo, H);
      const x1 = layerNorm(Float64Array.from(a, (av, j) => av + v[j]!), l.ln1g, l.ln1b, s.eps);
      const h1 = linear(x1, l.w1, l.b1, s.ffn).map((u) => 0.5 * u * (1 + erf(u / Math.SQRT2)));
      const f = linear(h1, l.w2, l.b2, H);
      return layerNorm(Float64Array.from(f, (fv, j) => fv + x1[j]!), l.ln2g, l.ln2b, s.eps);
    });
  }
  return x;
}

export type ReferencePooling = 'cls' | 'mean' | 'last';

/** Pools token states (all of them: the sequence is unpadded) and L2-normalises. */
export function referenceEmbedding(states: Float64Array[], pooling: ReferencePooling): Float64Array {
  const H = states[0]!.length;
  let v: Float64Array;
  if (pooling === 'cls') v = Float64Array.from(states[0]!);
  else if (pooling === 'last') v = Float64Array.from(states[states.length - 1]!);
  else {
    v = new Float64Array(H);
    for (const st of states) for (let j = 0; j < H; j++) v[j]! += st[j]! / states.length;
  }
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
