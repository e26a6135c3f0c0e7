/**
 * Rows quantised to int8 for `KnnIndex`'s prefilter: a WebAssembly SIMD scan over the copy, a
 * bound on each row's quantisation error, and the rows whose exact score may reach the top k.
 */
import { BestK } from './heap';
import { compiledKernel, PAGE, STRIDE_ALIGN, wasmApi, type ScoresKernel, type WasmMemory } from './int8Kernel';

/** A copy of `rows` (row-major, `dim` per row) quantised for the prefilter, or undefined without WebAssembly SIMD. */
export function quantize(dim: number, data: Float32Array, rows: number, capacity: number): QuantizedRows | undefined {
  const module = compiledKernel();
  if (!module) return undefined;
  const q = new QuantizedRows(dim, module, Math.max(rows, capacity));
  for (let r = 0; r < rows; r++) q.put(r, data.subarray(r * dim, (r + 1) * dim));
  return q;
}

/**
 * Rows quantised to int8 with an f32 scale per row (max |v_i| ↦ 127), in WebAssembly memory laid
 * out as [int16 query | rows × stride bytes | f32 scale per row | f32 scores]; plus, in JS, per
 * row the error ‖v − ṽ‖ and the norm ‖ṽ‖ of the dequantised row ṽ = scale · levels.
 */
export class QuantizedRows {
  private readonly stride: number;
  /** Query levels: |query| ↦ this, small enough that no int32 sum can overflow. */
  private readonly queryLevels: number;
  private readonly memory: WasmMemory;
  private readonly scores: ScoresKernel;
  private readonly rowsAt: number;
  private capacity = 0;
  /** Views of the whole memory, renewed when the memory grows. */
  private bytes: Int8Array;
  private floats: Float32Array;
  private error = new Float64Array(0);
  private norm = new Float64Array(0);
  /** Upper bounds of `error[r]` and of `norm[r] + error[r]` over all rows (never lowered). */
  private maxError = 0;
  private maxExtent = 0;
  /** Rows holding NaN or ±Infinity: then `candidates` defers to the plain scan. */
  private nonFinite = new Set<number>();

  constructor(
    private readonly dim: number,
    module: object,
    capacity: number,
  ) {
    const api = wasmApi()!;
    this.stride = Math.ceil(dim / STRIDE_ALIGN) * STRIDE_ALIGN;
    this.queryLevels = Math.min(32767, Math.floor(0x7fffffff / (127 * this.stride)));
    this.rowsAt = Math.ceil((this.stride * 2) / 64) * 64;
    this.memory = new api.Memory({ initial: 1 });
    this.bytes = new Int8Array(this.memory.buffer);
    this.floats = new Float32Array(this.memory.buffer);
    this.scores = new api.Instance(module, { env: { memory: this.memory } }).exports.scores as ScoresKernel;
    this.reserve(Math.max(1024, capacity));
  }

  /** Where the f32 scale per row lies (after the rows). */
  private get scalesAt(): number {
    return this.rowsAt + this.capacity * this.stride;
  }

  /** Where the kernel writes its f32 scores (scratch, after the scales). */
  private get outAt(): number {
    return this.scalesAt + this.capacity * 4;
  }

  /**
   * Makes room for at least `wanted` rows (1.5× the current room or more, so many small
   * reservations stay linear); the scales move up past the longer rows area.
   */
  reserve(wanted: number): void {
    if (wanted <= this.capacity) return;
    const capacity = Math.max(wanted, Math.floor(this.capacity * 1.5));
    const oldScales = this.scalesAt;
    const oldCapacity = this.capacity;
    const bytes = this.rowsAt + capacity * this.stride + capacity * 8;
    const pages = Math.ceil(bytes / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (pages > 0) {
      this.memory.grow(pages);
      this.bytes = new Int8Array(this.memory.buffer);
      this.floats = new Float32Array(this.memory.buffer);
    }
    this.capacity = capacity;
    this.bytes.copyWithin(this.scalesAt, oldScales, oldScales + oldCapacity * 4);
    const grow = (a: Float64Array) => {
      const b = new Float64Array(capacity);
      b.set(a);
      return b;
    };
    this.error = grow(this.error);
    this.norm = grow(this.norm);
  }

  /** Quantises `vector` into row `index` (a new last row or an existing one). */
  put(index: number, vector: ArrayLike<number>): void {
    if (index >= this.capacity) this.reserve(Math.max(index + 1, this.capacity * 2));
    const dim = this.dim;
    let max = 0;
    for (let i = 0; i < dim; i++) {
      const a = Math.abs(vector[i]!);
      if (!(a <= max)) max = a; // NaN too
    }
    if (!Number.isFinite(max)) {
      this.nonFinite.add(index);
      return;
    }
    this.nonFinite.delete(index);
    // The scale is an f32, as the kernel uses it; the levels and errors are computed with it.
    const scale = Math.fround(max / 127);
    const inverse = scale > 0 ? 1 / scale : 0;
    const bytes = this.bytes;
    const at = this.rowsAt + index * this.stride;
    bytes.fill(0, at + dim, at + this.stride); // padding: this memory may have held scores
    let err2 = 0;
    let norm2 = 0;
    for (let i = 0; i < dim; i++) {
      const v = vector[i]!;
      const level = Math.max(-127, Math.min(127, Math.round(v * inverse)));
      bytes[at + i] = level;
      const back = level * scale;
      err2 += (v - back) * (v - back);
      norm2 += back * back;
    }
    const error = Math.sqrt(err2);
    const norm = Math.sqrt(norm2);
    this.floats[this.scalesAt / 4 + index] = scale;
    this.error[index] = error;
    this.norm[index] = norm;
    this.maxError = Math.max(this.maxError, error);
    this.maxExtent = Math.max(this.maxExtent, norm + error);
  }

  /**
   * Rows (not skipped) whose exact score may be among the best k, ascending; undefined when the
   * query or a row is not finite (then the plain scan decides).
   */
  candidates(q: Float32Array, k: number, rows: number, skip?: (index: number) => boolean): number[] | undefined {
    const dim = this.dim;
    if (this.nonFinite.size > 0) return undefined;
    let max = 0;
    let qn2 = 0;
    for (let i = 0; i < dim; i++) {
      const a = Math.abs(q[i]!);
      if (!(a <= max)) max = a;
      qn2 += q[i]! * q[i]!;
    }
    if (!Number.isFinite(max) || max === 0) return undefined;
    const qs = max / this.queryLevels;
    const query = new Int16Array(this.memory.buffer, 0, dim);
    let e2 = 0;
    for (let i = 0; i < dim; i++) {
      const level = Math.round(q[i]! / qs);
      query[i] = level;
      e2 += (q[i]! - level * qs) * (q[i]! - level * qs);
    }
    const qn = Math.sqrt(qn2);
    const qe = Math.sqrt(e2);
    this.scores(rows, this.stride, this.rowsAt, 0, this.scalesAt, this.outAt);
    const scaled = new Float32Array(this.memory.buffer, this.outAt, rows);
    const { error, norm } = this;
    // Row r's exact score lies within approx ± bound; the bound's last term covers float
    // rounding: the kernel's two f32 roundings (≈ 1.2e-7 of |approx|), the exact scores' float64
    // sums and the bound's own arithmetic, all well below 1e-6 relative.
    const slack = qe + 1e-6 * qn;
    const bound = (r: number) => error[r]! * qn + (norm[r]! + error[r]!) * slack;

    // One pass keeps the k-th best lower bound so far, T (a min-heap of k lower bounds over rows
    // not skipped; T only rises), and collects the rows whose upper bound reaches T when seen.
    // The true top k are among those (their upper bounds reach the final T), and a last filter
    // against the final T drops the rest. Most rows fail on their approximate score plus the
    // widest bound of any row, which costs one load.
    const widest = this.maxError * qn + this.maxExtent * slack;
    const lows = new BestK(k);
    const seen: number[] = [];
    for (let r = 0; r < rows; r++) {
      const approx = scaled[r]! * qs;
      const threshold = lows.floor;
      if (approx + widest < threshold) continue;
      const b = bound(r);
      if (approx + b < threshold) continue;
      if (skip && skip(r)) continue;
      seen.push(r);
      lows.offer(approx - b, r);
    }
    const threshold = lows.floor;
    const out: number[] = [];
    for (const r of seen) if (scaled[r]! * qs + bound(r) >= threshold) out.push(r);
    return out;
  }
}
