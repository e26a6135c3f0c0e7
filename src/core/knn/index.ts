/**
 * Exact nearest-neighbour search by dot product over a matrix of rows (cosine for L2-normalised
 * rows): a hover's neighbours among 140,000 terms × 128 dimensions, the neighbours of every term
 * in vector adjustment, the CLI's `neighbors`.
 *
 * A `KnnIndex` owns its rows. Below `PREFILTER_MIN_ROWS` rows (or without WebAssembly SIMD) a
 * search scores every row in blocks. From there on the index keeps a copy of its rows quantised to
 * int8 (per-row scale), made once when the index reaches that size (or by the first search from
 * then on, `prefilterOnSearch`) and then kept in step by `add` and `set`; a WebAssembly SIMD kernel scores that copy against the query quantised to int16 — 4×
 * less memory to stream than float32, 16 components per load. For each row the quantisation error
 * bounds the gap between that approximate score and the exact one (Cauchy–Schwarz:
 * |v·x − ṽ·x̃| ≤ ‖v − ṽ‖‖x‖ + ‖ṽ‖‖x − x̃‖, with a margin for float rounding). Every row whose upper
 * bound reaches the k-th best lower bound is then scored exactly, as in the plain scan: any row of
 * the true top k is among them, so the result — indices, order and scores (both paths score with
core's `dotAt`) — is the plain scan's.
 * Typically a few dozen rows of 140,000 are re-scored.
 */
import { dotAt, VectorMatrix } from '../vectors';
import { BestK } from './heap';
import { quantize, type QuantizedRows } from './quantized';
import type { ScoredIndex } from './types';

export type { ScoredIndex } from './types';

/** Rows scored per block in the plain scan; 256 rows × 128 dims × 4 B = 128 KiB stays in L2. */
const BLOCK_ROWS = 256;

/** From this many rows on, a search scans the int8 copy first (below, a plain scan is as fast). */
export const PREFILTER_MIN_ROWS = 2048;

/** Rows a search leaves out: a set of indices or a predicate. */
export type Exclude = ReadonlySet<number> | ((index: number) => boolean);

export class KnnIndex {
  private readonly matrix: VectorMatrix;
  /** The int8 copy: undefined until the index is large enough, null when the runtime has no SIMD. */
  private quantized: QuantizedRows | null | undefined;

  /** From this many rows on, searches go through the int8 copy. */
  private readonly prefilterFrom: number;
  /** Whether the int8 copy is made by the first search that needs it rather than by `add`. */
  private readonly prefilterOnSearch: boolean;

  /**
   * @param dim columns per row; @param capacity initial rows to reserve; @param options.prefilterFrom
   * the row count from which searches use the int8 copy (default `PREFILTER_MIN_ROWS`): an index
   * searched many times (every group of a dictionary against a term list) pays for the copy once,
   * so it may start lower. @param options.prefilterOnSearch make the int8 copy at the first search
   * that needs it instead of when `add` reaches that size: an index filled in bulk and perhaps never
   * searched (the vocabulary of a dictionary reopened with stored vectors) does not quantise every
   * row on the way; that first search pays for it once.
   */
  constructor(dim: number, capacity = 16, options: { prefilterFrom?: number; prefilterOnSearch?: boolean } = {}) {
    this.matrix = new VectorMatrix(dim, capacity);
    this.prefilterFrom = Math.max(1, options.prefilterFrom ?? PREFILTER_MIN_ROWS);
    this.prefilterOnSearch = options.prefilterOnSearch === true;
  }

  /** An index holding copies of `rows` (each of length `dim`). */
  static of(rows: readonly ArrayLike<number>[], dim?: number): KnnIndex {
    const d = dim ?? rows[0]?.length;
    if (d === undefined) throw new RangeError('cannot infer the dimension of an empty row list');
    const index = new KnnIndex(d, rows.length);
    for (const r of rows) index.add(r);
    return index;
  }

  get dim(): number {
    return this.matrix.dim;
  }

  get rows(): number {
    return this.matrix.rows;
  }

  /** The rows, row-major (a read-only view: change rows through `add` and `set` only). */
  get data(): Float32Array {
    return this.matrix.data;
  }

  /** A read-only view of row `index`; copy it with `.slice()` to keep it. */
  row(index: number): Float32Array {
    return this.matrix.row(index);
  }

  /** Rows the float storage holds before it grows. */
  get capacity(): number {
    return this.matrix.capacity;
  }

  /** Makes room for `rows` rows at once (the float rows, and the int8 copy once there is one). */
  reserve(rows: number): void {
    this.matrix.reserve(rows);
    this.quantized?.reserve(rows);
  }

  /** Appends a copy of `vector` and returns its row index. */
  add(vector: ArrayLike<number>): number {
    if (vector.length !== this.dim) throw new RangeError(`row has length ${vector.length}, matrix dimension is ${this.dim}`);
    return this.addWith((row) => row.set(vector));
  }

  /** Appends a row that `fill` writes in place (`VectorMatrix.addWith`) and returns its index. */
  addWith(fill: (row: Float32Array) => void): number {
    const r = this.matrix.addWith(fill);
    if (this.quantized) this.quantized.put(r, this.matrix.row(r));
    // Made once the index is large enough to be searched through it, then kept in step row by
    // row, so no search pays for building it (unless told to wait for the first search).
    else if (!this.prefilterOnSearch) this.quantizeIfLarge();
    return r;
  }

  /** Makes the int8 copy once the index has `prefilterFrom` rows (and the runtime has SIMD). */
  private quantizeIfLarge(): void {
    if (this.quantized !== undefined || this.matrix.rows < this.prefilterFrom) return;
    this.quantized = quantize(this.dim, this.matrix.data, this.matrix.rows, Math.max(this.matrix.rows * 2, this.matrix.capacity)) ?? null;
  }

  /** Overwrites row `index` with `vector`. */
  set(index: number, vector: ArrayLike<number>): void {
    this.matrix.set(index, vector);
    this.quantized?.put(index, vector);
  }

  /**
   * Exact top-k by dot product of `query` (length dim) against every row not excluded. Returns at
   * most `k` hits sorted by score descending, ties by lower index first.
   */
  search(query: ArrayLike<number>, k: number, exclude?: Exclude): ScoredIndex[] {
    const dim = this.dim;
    if (query.length !== dim) throw new RangeError(`query has length ${query.length}, matrix dimension is ${dim}`);
    const rows = this.rows;
    if (k <= 0 || rows === 0) return [];
    const skip = exclude === undefined ? undefined : typeof exclude === 'function' ? exclude : (i: number) => exclude.has(i);
    const data = this.matrix.data;
    const q = query instanceof Float32Array ? query : Float32Array.from(query);
    const best = new BestK(k);

    this.quantizeIfLarge();
    const candidates = this.quantized?.candidates(q, k, rows, skip);
    if (candidates) {
      for (const r of candidates) best.offer(dotAt(data, r * dim, q, 0, dim), r);
      return best.sorted();
    }

    const scores = new Float64Array(BLOCK_ROWS);
    for (let start = 0; start < rows; start += BLOCK_ROWS) {
      const end = Math.min(rows, start + BLOCK_ROWS);
      // Score the whole block first (a tight loop the JIT keeps in registers), then select.
      for (let r = start; r < end; r++) scores[r - start] = dotAt(data, r * dim, q, 0, dim);
      for (let r = start; r < end; r++) {
        if (skip && skip(r)) continue;
        best.offer(scores[r - start]!, r);
      }
    }
    return best.sorted();
  }
}
