/**
 * Pooling of token states [batch, sequence, hidden] into one L2-normalised vector per text.
 * Batches are right-padded, so a text's real tokens are rows 0 … length − 1.
 */
import { normalize } from '../../../core/vectors';
import type { Pooling } from './presets';

/**
 * Pools text `b` of a batch output. `data` is [batch, seq, hidden] row-major (or [batch, hidden]
 * for `model` pooling); `length` is the text's real token count (≥ 1). Returns a fresh,
 * L2-normalised vector (a zero vector stays zero).
 */
export function poolOne(data: Float32Array, b: number, seq: number, hidden: number, length: number, pooling: Pooling): Float32Array {
  const out = new Float32Array(hidden);
  if (pooling === 'model') {
    out.set(data.subarray(b * hidden, (b + 1) * hidden));
  } else {
    const base = b * seq * hidden;
    if (pooling === 'cls') out.set(data.subarray(base, base + hidden));
    else if (pooling === 'last') out.set(data.subarray(base + (length - 1) * hidden, base + length * hidden));
    else if (pooling === 'max') {
      out.fill(-Infinity);
      for (let t = 0; t < length; t++) {
        const row = base + t * hidden;
        for (let j = 0; j < hidden; j++) if (data[row + j]! > out[j]!) out[j] = data[row + j]!;
      }
    } else {
      // Mean in float64 accumulators, then one rounding.
      const acc = new Float64Array(hidden);
      for (let t = 0; t < length; t++) {
        const row = base + t * hidden;
        for (let j = 0; j < hidden; j++) acc[j]! += data[row + j]!;
      }
      for (let j = 0; j < hidden; j++) out[j] = acc[j]! / length;
    }
  }
  normalize(out);
  return out;
}
