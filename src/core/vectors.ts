/**
 * Vector maths over `Float32Array`s: dot products, cosine, normalisation, a contiguous row matrix
 * and exact top-k search. Engines return L2-normalised vectors, so cosine = dot product there.
 *
 * Top-k over a large matrix (a hover's neighbours among 140,000 terms × 128 dimensions) scans a
 * copy of the rows quantised to int8 with a WebAssembly SIMD kernel, bounds each row's
 * quantisation error, and re-scores exactly every row whose bound could reach the top k: the
 * result is the exact top k, not an approximation (see `topK`).
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
 * the storage. Change rows only through `add` and `set`: they also keep `topK`'s quantised copy
 * in step, which writing through a `row`/`data` view would not.
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
    const q = this.count + 1 >= PREFILTER_MIN_ROWS ? quantizedOf(this) : undefined;
    this.count++;
    // The int8 copy is made once the matrix is large enough to be searched through it, then kept
    // in step row by row, so no search pays for building it.
    q?.put(this.count - 1, vector);
    return this.count - 1;
  }

  /** Overwrites row `index` with `vector`. */
  set(index: number, vector: ArrayLike<number>): void {
    this.check(index);
    if (vector.length !== this.dim) throw new RangeError(`row has length ${vector.length}, matrix dimension is ${this.dim}`);
    this.buffer.set(vector, index * this.dim);
    quantized.get(this)?.put(index, vector);
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

/** Rows scored per block in `topK`'s scan; 256 rows × 128 dims × 4 B = 128 KiB stays in L2. */
const TOPK_BLOCK_ROWS = 256;

/**
 * From this many rows on, `topK` scans the int8 copy first (below, a plain scan is as fast as
 * building and keeping the copy).
 */
export const PREFILTER_MIN_ROWS = 2048;

/**
 * Exact top-k by dot product of `query` (length dim) against every row of `matrix`. For
 * L2-normalised rows and query the scores are cosines in [-1, 1].
 * Returns at most `k` hits sorted by score descending, ties by lower index first.
 * `exclude` skips rows (e.g. the query's own row): a set of indices or a predicate.
 *
 * How: below `PREFILTER_MIN_ROWS` rows (or without WebAssembly SIMD) every row is scored in
 * blocks. Above, the matrix keeps a copy of its rows quantised to int8 (per-row scale), and a
 * WebAssembly SIMD kernel scores that copy against the query quantised to int16 — 4× less memory
 * to stream than float32, 16 components per load. For each row the quantisation error bounds
 * the gap between that approximate score and the exact one (Cauchy–Schwarz:
 * |v·x − ṽ·x̃| ≤ ‖v − ṽ‖‖x‖ + ‖ṽ‖‖x − x̃‖, with a margin for float rounding). Every row whose
 * upper bound reaches the k-th best lower bound is then scored exactly, as in the plain scan:
 * any row of the true top k is among them, so the result — indices, order and scores — is the
 * plain scan's. Typically a few dozen rows of 140,000 are re-scored.
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
  const best = new Best(k);

  const candidates = rows >= PREFILTER_MIN_ROWS ? quantizedOf(matrix)?.candidates(q, k, rows, skip) : undefined;
  if (candidates) {
    for (const r of candidates) best.offer(scoreRow(data, r * dim, q, dim), r);
    return best.sorted();
  }

  const scores = new Float64Array(TOPK_BLOCK_ROWS);
  for (let start = 0; start < rows; start += TOPK_BLOCK_ROWS) {
    const end = Math.min(rows, start + TOPK_BLOCK_ROWS);
    // Score the whole block first (a tight loop the JIT keeps in registers), then select.
    for (let r = start; r < end; r++) scores[r - start] = scoreRow(data, r * dim, q, dim);
    for (let r = start; r < end; r++) {
      if (skip && skip(r)) continue;
      best.offer(scores[r - start]!, r);
    }
  }
  return best.sorted();
}

/**
 * The exact score of the row at offset `off`: float64 sums of float32 products, two
 * accumulators. Both of `topK`'s paths score with this one function, so they agree to the bit.
 */
function scoreRow(data: Float32Array, off: number, q: Float32Array, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let d = 0;
  for (; d + 1 < dim; d += 2) {
    s0 += data[off + d]! * q[d]!;
    s1 += data[off + d + 1]! * q[d + 1]!;
  }
  if (d < dim) s0 += data[off + d]! * q[d]!;
  return s0 + s1;
}

/** The best k hits offered so far: a min-heap keyed by (score, −index), its root the worst kept. */
class Best {
  private readonly score: Float64Array;
  private readonly index: Int32Array;
  private size = 0;

  constructor(private readonly k: number) {
    this.score = new Float64Array(k);
    this.index = new Int32Array(k);
  }

  offer(score: number, index: number): void {
    if (this.size < this.k) {
      this.score[this.size] = score;
      this.index[this.size] = index;
      this.up(this.size++);
    } else if (worse(this.score[0]!, this.index[0]!, score, index)) {
      this.score[0] = score;
      this.index[0] = index;
      this.down(0);
    }
  }

  /** The hits, best first (ties: lower index first). */
  sorted(): ScoredIndex[] {
    const out: ScoredIndex[] = [];
    for (let i = 0; i < this.size; i++) out.push({ index: this.index[i]!, score: this.score[i]! });
    return out.sort((a, b) => b.score - a.score || a.index - b.index);
  }

  private up(pos: number): void {
    while (pos > 0) {
      const p = (pos - 1) >> 1;
      if (!worse(this.score[pos]!, this.index[pos]!, this.score[p]!, this.index[p]!)) return;
      this.swap(pos, p);
      pos = p;
    }
  }

  private down(pos: number): void {
    for (;;) {
      const l = 2 * pos + 1;
      if (l >= this.size) return;
      const r = l + 1;
      let m = l;
      if (r < this.size && worse(this.score[r]!, this.index[r]!, this.score[l]!, this.index[l]!)) m = r;
      if (!worse(this.score[m]!, this.index[m]!, this.score[pos]!, this.index[pos]!)) return;
      this.swap(pos, m);
      pos = m;
    }
  }

  private swap(a: number, b: number): void {
    const s = this.score[a]!;
    this.score[a] = this.score[b]!;
    this.score[b] = s;
    const i = this.index[a]!;
    this.index[a] = this.index[b]!;
    this.index[b] = i;
  }
}

function worse(sa: number, ia: number, sb: number, ib: number): boolean {
  return sa < sb || (sa === sb && ia > ib);
}

// ------------------------------------------------------------------------------------------------
// The int8 copy and its WebAssembly SIMD kernel.
//
// The kernel is written here as bytes (a tiny encoder below) rather than compiled from C or WAT:
// it is one loop, and the project then needs no toolchain. Core has no DOM or Node types, so the
// few WebAssembly calls used are declared here.

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface WasmApi {
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}

/**
 * `scores(rows, stride, rowsPtr, queryPtr, scalesPtr, outPtr)`: out[r] (f32) = scale[r] (f32) ·
 * Σ int8 row r · int16 query.
 */
type ScoresKernel = (rows: number, stride: number, rowsPtr: number, queryPtr: number, scalesPtr: number, outPtr: number) => void;

const PAGE = 65536;
/** Bytes per quantised row are the dimension rounded up to this (the kernel's step). */
const STRIDE_ALIGN = 32;

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));

/**
 * The module: imports `env.memory`, exports `scores` (see `ScoresKernel`). Per row, 32 bytes per
 * step: two 16-byte loads, each sign-extended to two i16x8 halves, multiplied with the int16
 * query and pairwise-added into i32 lanes (`i32x4.dot_i16x8_s`), four accumulators, then a
 * horizontal sum — integer arithmetic, exact (no overflow: see `queryLevels`) — times the row's
 * scale in f32, so the search reads one float per row afterwards (rounding: see `candidates`).
 */
function kernelBytes(): Uint8Array {
  const I32 = 0x7f;
  const V128 = 0x7b;
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const tee = (i: number) => [0x22, i];
  const i32 = (n: number) => [0x41, ...sleb(n)];
  const simd = (op: number) => [0xfd, ...uleb(op)];
  const load = (offset: number) => [...simd(0x00), 4, ...uleb(offset)]; // v128.load align=16
  const zero = [...simd(0x0c), ...new Array<number>(16).fill(0)]; // v128.const 0
  const extendLow = simd(135); // i16x8.extend_low_i8x16_s
  const extendHigh = simd(136); // i16x8.extend_high_i8x16_s
  const dot = simd(186); // i32x4.dot_i16x8_s
  const addV = simd(174); // i32x4.add
  const lane = (l: number) => [...simd(27), l]; // i32x4.extract_lane
  const add = [0x6a];
  // Params 0 rows, 1 stride, 2 rowsPtr, 3 queryPtr, 4 scalesPtr, 5 outPtr; locals 6 r, 7 p,
  // 8 rowEnd, 9 qp, 10–13 accumulators, 14 x.
  const [ROWS, STRIDE, MAT, Q, SCALES, OUT, R, P, END, QP, A0, A1, A2, A3, X] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
  const rowOffset4 = (base: number) => [...get(base), ...get(R), ...i32(2), 0x74, ...add]; // base + 4r
  const accumulate = (acc: number, x: number[], half: number[], qOff: number) => [...get(acc), ...x, ...half, ...get(QP), ...load(qOff), ...dot, ...addV, ...set(acc)];
  const body = [
    ...i32(0), ...set(R), ...get(MAT), ...set(P),
    0x02, 0x40, 0x03, 0x40, // block, loop
    ...get(R), ...get(ROWS), 0x4f, 0x0d, 1, // if r >= rows: break
    ...zero, ...set(A0), ...zero, ...set(A1), ...zero, ...set(A2), ...zero, ...set(A3),
    ...get(P), ...get(STRIDE), ...add, ...set(END), ...get(Q), ...set(QP),
    0x03, 0x40, // loop over the row, 32 bytes a step
    ...accumulate(A0, [...get(P), ...load(0), ...tee(X)], extendLow, 0),
    ...accumulate(A1, get(X), extendHigh, 16),
    ...accumulate(A2, [...get(P), ...load(16), ...tee(X)], extendLow, 32),
    ...accumulate(A3, get(X), extendHigh, 48),
    ...get(QP), ...i32(64), ...add, ...set(QP),
    ...get(P), ...i32(32), ...add, ...tee(P), ...get(END), 0x49, 0x0d, 0, // while p < rowEnd
    0x0b,
    // out[r] = f32(horizontal sum of the four accumulators) · scales[r]
    ...rowOffset4(OUT),
    ...get(A0), ...get(A1), ...addV, ...get(A2), ...get(A3), ...addV, ...addV, ...tee(X),
    ...lane(0), ...get(X), ...lane(1), ...add, ...get(X), ...lane(2), ...add, ...get(X), ...lane(3), ...add,
    0xb2, // f32.convert_i32_s
    ...rowOffset4(SCALES), 0x2a, 2, 0, // f32.load
    0x94, // f32.mul
    0x38, 2, 0, // f32.store
    ...get(R), ...i32(1), ...add, ...set(R),
    0x0c, 0, // continue
    0x0b, 0x0b, // end loop, end block
  ];
  const code = [...vec([[4, I32], [5, V128]]), ...body, 0x0b]; // locals: 4 × i32, 5 × v128
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32]]), 0]])), // type: (i32 ×6) → ()
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 1]])), // import memory, min 1 page
    ...section(3, vec([[0]])), // one function of type 0
    ...section(7, vec([[...name('scores'), 0x00, 0]])), // export it
    ...section(10, vec([[...uleb(code.length), ...code]])),
  ]);
}

/** The compiled kernel module, or null when this runtime has no WebAssembly SIMD. */
let kernelModule: object | null | undefined;

function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

function compiledKernel(): object | null {
  if (kernelModule !== undefined) return kernelModule;
  kernelModule = null;
  const api = wasmApi();
  try {
    const bytes = kernelBytes();
    if (api && api.validate(bytes)) kernelModule = new api.Module(bytes);
  } catch {
    kernelModule = null;
  }
  return kernelModule;
}

/** The int8 copy of each matrix that has reached `PREFILTER_MIN_ROWS` rows. */
const quantized = new WeakMap<VectorMatrix, QuantizedRows>();

function quantizedOf(matrix: VectorMatrix): QuantizedRows | undefined {
  let q = quantized.get(matrix);
  if (!q) {
    const module = compiledKernel();
    if (!module) return undefined;
    q = new QuantizedRows(matrix.dim, module, matrix.rows);
    const data = matrix.data;
    for (let r = 0; r < matrix.rows; r++) q.put(r, data.subarray(r * matrix.dim, (r + 1) * matrix.dim));
    quantized.set(matrix, q);
  }
  return q;
}

/**
 * Rows quantised to int8 with an f32 scale per row (max |v_i| ↦ 127), in WebAssembly memory laid
 * out as [int16 query | rows × stride bytes | f32 scale per row | f32 scores]; plus, in JS, per
 * row the error ‖v − ṽ‖ and the norm ‖ṽ‖ of the dequantised row ṽ = scale · levels.
 */
class QuantizedRows {
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

  /** Makes room for `capacity` rows; the scales move up past the longer rows area. */
  private reserve(capacity: number): void {
    if (capacity <= this.capacity) return;
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
    const lows = new Float64Array(k);
    let size = 0;
    let threshold = -Infinity;
    const seen: number[] = [];
    for (let r = 0; r < rows; r++) {
      const approx = scaled[r]! * qs;
      if (approx + widest < threshold) continue;
      const b = bound(r);
      if (approx + b < threshold) continue;
      if (skip && skip(r)) continue;
      seen.push(r);
      const low = approx - b;
      if (size < k) {
        let i = size++;
        while (i > 0 && lows[(i - 1) >> 1]! > low) {
          lows[i] = lows[(i - 1) >> 1]!;
          i = (i - 1) >> 1;
        }
        lows[i] = low;
      } else if (low > lows[0]!) {
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          if (l >= k) break;
          const c = l + 1 < k && lows[l + 1]! < lows[l]! ? l + 1 : l;
          if (!(lows[c]! < low)) break;
          lows[i] = lows[c]!;
          i = c;
        }
        lows[i] = low;
      }
      if (size === k) threshold = lows[0]!;
    }
    const out: number[] = [];
    for (const r of seen) if (scaled[r]! * qs + bound(r) >= threshold) out.push(r);
    return out;
  }
}
