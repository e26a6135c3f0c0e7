/**
 * Vector maths over `Float32Array`s: dot products, cosine, normalisation, a contiguous row matrix
 * and exact top-k search. Engines return L2-normalised vectors, so cosine = dot product there.
 */

/** Dot product Σ a[i]·b[i] over the common length (vectors should have equal length). */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  // Four accumulators break the dependency chain; sums are in float64.
  for (; i + 3 < n; i += 4) {
    s0 += a[i]! * b[i]!;
    s1 += a[i + 1]! * b[i + 1]!;
    s2 += a[i + 2]! * b[i + 2]!;
    s3 += a[i + 3]! * b[i + 3]!;
  }
  for (; i < n; i++) s0 += a[i]! * b[i]!;
  return s0 + s1 + s2 + s3;
}

/** Euclidean norm ‖v‖₂. */
export function norm(v: ArrayLike<number>): number {
  return Math.sqrt(dot(v, v));
}

/**
 * Cosine similarity in [-1, 1] (clamped against rounding). 0 when either vector is zero, so an
 * empty or punctuation-only term is "unrelated" rather than NaN.
 */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const na = norm(a);
  const nb = norm(b);
  if (na === 0 || nb === 0) return 0;
  const c = dot(a, b) / (na * nb);
  return c > 1 ? 1 : c < -1 ? -1 : c;
}

/** Scales `v` in place to unit L2 norm; a zero vector stays zero. Returns the original norm. */
export function normalize(v: Float32Array | Float64Array): number {
  const n = norm(v);
  if (n > 0) {
    const inv = 1 / n;
    for (let i = 0; i < v.length; i++) v[i]! *= inv;
  }
  return n;
}

/**
 * Rows of equal dimension stored contiguously in one `Float32Array` (row-major, rows × dim),
 * growing by doubling. `row(i)` returns a view that is invalidated by a later `add` that grows
 * the storage.
 */
export class VectorMatrix {
  readonly dim: number;
  private buffer: Float32Array;
  private count = 0;

  /** @param dim columns per row; @param capacity initial rows to reserve. */
  constructor(dim: number, capacity = 16) {
    if (!Number.isInteger(dim) || dim <= 0) throw new RangeError(`dimension must be a positive integer, got ${dim}`);
    this.dim = dim;
    this.buffer = new Float32Array(dim * Math.max(1, capacity));
  }

  /** Builds a matrix holding copies of `rows` (each of length `dim`). */
  static from(rows: readonly ArrayLike<number>[], dim?: number): VectorMatrix {
    const d = dim ?? rows[0]?.length;
    if (d === undefined) throw new RangeError('cannot infer the dimension of an empty row list');
    const m = new VectorMatrix(d, rows.length);
    for (const r of rows) m.add(r);
    return m;
  }

  /** Number of rows. */
  get rows(): number {
    return this.count;
  }

  /** The used part of the storage, rows × dim, row-major (a view). */
  get data(): Float32Array {
    return this.buffer.subarray(0, this.count * this.dim);
  }

  /** Appends a copy of `vector` (length `dim`) and returns its row index. */
  add(vector: ArrayLike<number>): number {
    if (vector.length !== this.dim) throw new RangeError(`row has length ${vector.length}, matrix dimension is ${this.dim}`);
    if ((this.count + 1) * this.dim > this.buffer.length) {
      const grown = new Float32Array(this.buffer.length * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    this.buffer.set(vector, this.count * this.dim);
    return this.count++;
  }

  /** Overwrites row `index` with `vector`. */
  set(index: number, vector: ArrayLike<number>): void {
    this.check(index);
    if (vector.length !== this.dim) throw new RangeError(`row has length ${vector.length}, matrix dimension is ${this.dim}`);
    this.buffer.set(vector, index * this.dim);
  }

  /** A view of row `index` (length `dim`); copy it with `.slice()` to keep it. */
  row(index: number): Float32Array {
    this.check(index);
    return this.buffer.subarray(index * this.dim, (index + 1) * this.dim);
  }

  private check(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.count)
      throw new RangeError(`row ${index} out of range [0, ${this.count})`);
  }
}

/** One search hit: the row index and its score (dot product; cosine for normalised rows). */
export interface ScoredIndex {
  index: number;
  score: number;
}

/** Rows scored per block in `topK`; 256 rows × 128 dims × 4 B = 128 KiB stays in L2. */
const TOPK_BLOCK_ROWS = 256;

/**
 * Exact top-k by dot product of `query` (length dim) against every row of `matrix`, processed in
 * blocks of rows. For L2-normalised rows and query the scores are cosines in [-1, 1].
 * Returns at most `k` hits sorted by score descending, ties by lower index first.
 * `exclude` skips rows (e.g. the query's own row): a set of indices or a predicate.
 */
export function topK(
  matrix: VectorMatrix,
  query: ArrayLike<number>,
  k: number,
  exclude?: ReadonlySet<number> | ((index: number) => boolean),
): ScoredIndex[] {
  const dim = matrix.dim;
  if (query.length !== dim) throw new RangeError(`query has length ${query.length}, matrix dimension is ${dim}`);
  const rows = matrix.rows;
  if (k <= 0 || rows === 0) return [];
  const skip = exclude === undefined ? undefined : typeof exclude === 'function' ? exclude : (i: number) => exclude.has(i);
  const data = matrix.data;
  const q = query instanceof Float32Array ? query : Float32Array.from(query);

  // Min-heap of the best k so far, keyed by (score, -index): the root is the worst kept hit.
  const heapScore = new Float64Array(k);
  const heapIndex = new Int32Array(k);
  let size = 0;
  const worse = (sa: number, ia: number, sb: number, ib: number) => sa < sb || (sa === sb && ia > ib);
  const siftDown = (pos: number) => {
    for (;;) {
      const l = 2 * pos + 1;
      if (l >= size) return;
      const r = l + 1;
      let m = l;
      if (r < size && worse(heapScore[r]!, heapIndex[r]!, heapScore[l]!, heapIndex[l]!)) m = r;
      if (!worse(heapScore[m]!, heapIndex[m]!, heapScore[pos]!, heapIndex[pos]!)) return;
      swap(pos, m);
      pos = m;
    }
  };
  const siftUp = (pos: number) => {
    while (pos > 0) {
      const p = (pos - 1) >> 1;
      if (!worse(heapScore[pos]!, heapIndex[pos]!, heapScore[p]!, heapIndex[p]!)) return;
      swap(pos, p);
      pos = p;
    }
  };
  const swap = (a: number, b: number) => {
    const s = heapScore[a]!;
    heapScore[a] = heapScore[b]!;
    heapScore[b] = s;
    const i = heapIndex[a]!;
    heapIndex[a] = heapIndex[b]!;
    heapIndex[b] = i;
  };

  const scores = new Float64Array(TOPK_BLOCK_ROWS);
  for (let start = 0; start < rows; start += TOPK_BLOCK_ROWS) {
    const end = Math.min(rows, start + TOPK_BLOCK_ROWS);
    // Score the whole block first (a tight loop the JIT keeps in registers), then select.
    for (let r = start; r < end; r++) {
      const off = r * dim;
      let s0 = 0;
      let s1 = 0;
      let d = 0;
      for (; d + 1 < dim; d += 2) {
        s0 += data[off + d]! * q[d]!;
        s1 += data[off + d + 1]! * q[d + 1]!;
      }
      if (d < dim) s0 += data[off + d]! * q[d]!;
      scores[r - start] = s0 + s1;
    }
    for (let r = start; r < end; r++) {
      if (skip && skip(r)) continue;
      const s = scores[r - start]!;
      if (size < k) {
        heapScore[size] = s;
        heapIndex[size] = r;
        siftUp(size++);
      } else if (worse(heapScore[0]!, heapIndex[0]!, s, r)) {
        heapScore[0] = s;
        heapIndex[0] = r;
        siftDown(0);
      }
    }
  }

  const out: ScoredIndex[] = [];
  for (let i = 0; i < size; i++) out.push({ index: heapIndex[i]!, score: heapScore[i]! });
  out.sort((a, b) => b.score - a.score || a.index - b.index);
  return out;
}
