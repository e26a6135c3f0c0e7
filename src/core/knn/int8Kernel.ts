/**
 * The WebAssembly SIMD kernel that scores int8 rows against an int16 query (`QuantizedRows`).
 *
 * The kernel is written here as bytes (a tiny encoder below) rather than compiled from C or WAT:
 * it is one loop, and the project then needs no toolchain. Core has no DOM or Node types, so the
 * few WebAssembly calls used are declared here.
 */

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

export interface WasmApi {
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}

/**
 * `scores(rows, stride, rowsPtr, queryPtr, scalesPtr, outPtr)`: out[r] (f32) = scale[r] (f32) ·
 * Σ int8 row r · int16 query.
 */
export type ScoresKernel = (rows: number, stride: number, rowsPtr: number, queryPtr: number, scalesPtr: number, outPtr: number) => void;

export const PAGE = 65536;
/** Bytes per quantised row are the dimension rounded up to this (the kernel's step). */
export const STRIDE_ALIGN = 32;

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

export function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

export function compiledKernel(): object | null {
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
