/**
 * Vector maths over `Float32Array`s: dot products, cosine, normalisation and a contiguous row
 * matrix. Engines return L2-normalised vectors, so cosine = dot product there. Nearest-neighbour
 * search over a matrix is `core/knn` (`KnnIndex`).
 */

/** Dot product Σ a[i]·b[i] over the common length (vectors should have equal length). */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return dotAt(a, 0, b, 0, Math.min(a.length, b.length));
}

/**
 * Dot product of the `n` values starting at offset `ia` of `a` and offset `ib` of `b` (rows of one
 * matrix compare without views: `dotAt(m.data, i * dim, m.data, j * dim, dim)`).
 */
export function dotAt(a: ArrayLike<number>, ia: number, b: ArrayLike<number>, ib: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  // Four accumulators break the dependency chain; sums are in float64.
  for (; i + 3 < n; i += 4) {
    s0 += a[ia + i]! * b[ib + i]!;
    s1 += a[ia + i + 1]! * b[ib + i + 1]!;
    s2 += a[ia + i + 2]! * b[ib + i + 2]!;
    s3 += a[ia + i + 3]! * b[ib + i + 3]!;
  }
  for (; i < n; i++) s0 += a[ia + i]! * b[ib + i]!;
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

  /** Rows the storage holds before it grows. */
  get capacity(): number {
    return this.buffer.length / this.dim;
  }

  /** The used part of the storage, rows × dim, row-major (a view). */
  get data(): Float32Array {
    return this.buffer.subarray(0, this.count * this.dim);
  }

  /**
   * Makes room for `rows` rows in one allocation (a caller about to add many: doubling would
   * allocate and copy about three times the final size on the way). Grows at least 1.5× at a
   * time, so callers reserving a little more on each of many batches do not copy every row each time.
   */
  reserve(rows: number): void {
    if (rows * this.dim <= this.buffer.length) return;
    const capacity = Math.max(rows, Math.floor((this.buffer.length / this.dim) * 1.5));
    const grown = new Float32Array(capacity * this.dim);
    grown.set(this.data);
    this.buffer = grown;
  }

  /** Appends a copy of `vector` (length `dim`) and returns its row index. */
  add(vector: ArrayLike<number>): number {
    if (vector.length !== this.dim) throw new RangeError(`row has length ${vector.length}, matrix dimension is ${this.dim}`);
    return this.addWith((row) => row.set(vector));
  }

  /**
   * Appends a row that `fill` writes in place (a view of the new row, zeros, valid only during the
   * call) and returns its index: a caller with the values elsewhere (bytes read from a file) copies
   * them once, with no array of its own.
   */
  addWith(fill: (row: Float32Array) => void): number {
    if ((this.count + 1) * this.dim > this.buffer.length) {
      const grown = new Float32Array(this.buffer.length * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    fill(this.buffer.subarray(this.count * this.dim, (this.count + 1) * this.dim));
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

