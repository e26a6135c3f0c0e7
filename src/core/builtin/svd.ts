/**
 * Truncated SVD of a sparse matrix by the randomized range finder (Halko, Martinsson & Tropp 2011,
 * algorithms 4.4 and 5.1): Y = X·Ω with a seeded Gaussian Ω, a few power iterations
 * (re-orthonormalised each half step), Q = orth(Y), B = Qᵀ·X, then the small eigenproblem of B·Bᵀ
 * by cyclic Jacobi. Deterministic for a given seed (no threads, fixed summation order).
 * Dense blocks are row-major Float64Array for the sparse products and column-major inside
 * `orthonormalize` (contiguous columns for Gram–Schmidt).
 */
import { Random } from '../random';

/** A sparse matrix in compressed sparse row form. */
export interface CsrMatrix {
  readonly rows: number;
  readonly cols: number;
  /** rows + 1 offsets into `indices` / `values`. */
  readonly indptr: Uint32Array;
  readonly indices: Uint32Array;
  readonly values: Float32Array;
}

export interface TruncatedSvd {
  /** Row embeddings U·S: [rows × k], row-major Float32Array. */
  readonly rowVectors: Float32Array;
  /** Right singular vectors V, [cols × k] row-major: a new sparse row x folds in as x·V (its U·S coordinates, like `rowVectors`). */
  readonly foldIn: Float32Array;
  readonly singularValues: Float64Array;
  readonly k: number;
}

/** X · B for a row-major dense B (X.cols × l); returns X.rows × l row-major (contiguous rows: cache-friendly). */
function mulXB(x: CsrMatrix, b: Float64Array, l: number): Float64Array {
  const y = new Float64Array(x.rows * l);
  for (let i = 0; i < x.rows; i++) {
    const yo = i * l;
    for (let p = x.indptr[i]!; p < x.indptr[i + 1]!; p++) {
      const bo = x.indices[p]! * l;
      const v = x.values[p]!;
      for (let j = 0; j < l; j++) y[yo + j]! += v * b[bo + j]!;
    }
  }
  return y;
}

/** Xᵀ · Q for a row-major Q (X.rows × l); returns X.cols × l row-major. */
function mulXtQ(x: CsrMatrix, q: Float64Array, l: number): Float64Array {
  const z = new Float64Array(x.cols * l);
  for (let i = 0; i < x.rows; i++) {
    const qo = i * l;
    for (let p = x.indptr[i]!; p < x.indptr[i + 1]!; p++) {
      const zo = x.indices[p]! * l;
      const v = x.values[p]!;
      for (let j = 0; j < l; j++) z[zo + j]! += v * q[qo + j]!;
    }
  }
  return z;
}

/** Transposes an r × c row-major block into c × r row-major (= the block column-major). */
function transpose(a: Float64Array, r: number, c: number): Float64Array {
  const t = new Float64Array(a.length);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j * r + i] = a[i * c + j]!;
  return t;
}

/** Orthonormal columns of a row-major (n × l) block, returned row-major. */
function orthonormalRows(a: Float64Array, n: number, l: number): Float64Array {
  const cm = transpose(a, n, l);
  orthonormalize(cm, n, l);
  return transpose(cm, l, n);
}

/** Orthonormalises the l columns of a column-major (n × l) block in place (modified Gram–Schmidt, twice). */
export function orthonormalize(a: Float64Array, n: number, l: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < l; j++) {
      const cj = j * n;
      for (let k = 0; k < j; k++) {
        const ck = k * n;
        let dot = 0;
        for (let i = 0; i < n; i++) dot += a[ck + i]! * a[cj + i]!;
        for (let i = 0; i < n; i++) a[cj + i]! -= dot * a[ck + i]!;
      }
      let norm = 0;
      for (let i = 0; i < n; i++) norm += a[cj + i]! * a[cj + i]!;
      norm = Math.sqrt(norm);
      // A (numerically) dependent column becomes zero rather than noise.
      const inv = norm > 1e-10 ? 1 / norm : 0;
      for (let i = 0; i < n; i++) a[cj + i]! *= inv;
    }
  }
}

/** Eigen-decomposition of a symmetric l × l matrix (row-major) by cyclic Jacobi: values and column eigenvectors (row-major l × l). */
export function symmetricEigen(m: Float64Array, l: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(m);
  const v = new Float64Array(l * l);
  for (let i = 0; i < l; i++) v[i * l + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < l; p++) for (let q = p + 1; q < l; q++) off += a[p * l + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < l; p++) {
      for (let q = p + 1; q < l; q++) {
        const apq = a[p * l + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * l + q]! - a[p * l + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < l; k++) {
          const akp = a[k * l + p]!;
          const akq = a[k * l + q]!;
          a[k * l + p] = c * akp - s * akq;
          a[k * l + q] = s * akp + c * akq;
        }
        for (let k = 0; k < l; k++) {
          const apk = a[p * l + k]!;
          const aqk = a[q * l + k]!;
          a[p * l + k] = c * apk - s * aqk;
          a[q * l + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < l; k++) {
          const vkp = v[k * l + p]!;
          const vkq = v[k * l + q]!;
          v[k * l + p] = c * vkp - s * vkq;
          v[k * l + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(l);
  for (let i = 0; i < l; i++) values[i] = a[i * l + i]!;
  return { values, vectors: v };
}

/** Rank-k truncated SVD of `x` (see the module comment); `oversample` extra columns, `powerIterations` passes. */
export function randomizedSvd(x: CsrMatrix, k: number, options: { seed: number; oversample?: number; powerIterations?: number }): TruncatedSvd {
  const l = Math.min(k + (options.oversample ?? 10), x.rows, x.cols);
  // Dense blocks here are row-major: Ω (cols × l), Y = Q (rows × l), Z (cols × l).
  const omega = new Random(options.seed).fillNormal(new Float64Array(x.cols * l));
  let y = orthonormalRows(mulXB(x, omega, l), x.rows, l);
  for (let it = 0; it < (options.powerIterations ?? 2); it++) {
    const z = orthonormalRows(mulXtQ(x, y, l), x.cols, l);
    y = orthonormalRows(mulXB(x, z, l), x.rows, l);
  }
  // Bᵀ = Xᵀ·Q (cols × l, row-major); B·Bᵀ = (Bᵀ)ᵀ·Bᵀ (l × l), accumulated row by row.
  const bt = mulXtQ(x, y, l);
  const gram = new Float64Array(l * l);
  for (let c = 0; c < x.cols; c++) {
    const o = c * l;
    for (let i = 0; i < l; i++) {
      const bi = bt[o + i]!;
      if (bi === 0) continue;
      for (let j = i; j < l; j++) gram[i * l + j]! += bi * bt[o + j]!;
    }
  }
  for (let i = 0; i < l; i++) for (let j = 0; j < i; j++) gram[i * l + j] = gram[j * l + i]!;
  const { values, vectors } = symmetricEigen(gram, l);
  const order = Array.from({ length: l }, (_, i) => i).sort((a, b) => values[b]! - values[a]! || a - b);
  const kk = Math.min(k, l);
  const sv = new Float64Array(kk);
  for (let r = 0; r < kk; r++) sv[r] = Math.sqrt(Math.max(0, values[order[r]!]!));
  // B = W·S·Vᵀ with W the eigenvectors of B·Bᵀ, so U·S = Q·W·S and V = Bᵀ·W·S⁻¹.
  const rowVectors = new Float32Array(x.rows * kk);
  for (let i = 0; i < x.rows; i++) {
    for (let r = 0; r < kk; r++) {
      const col = order[r]!;
      let s = 0;
      for (let j = 0; j < l; j++) s += y[i * l + j]! * vectors[j * l + col]!;
      rowVectors[i * kk + r] = s * sv[r]!;
    }
  }
  const foldIn = new Float32Array(x.cols * kk);
  for (let c = 0; c < x.cols; c++) {
    for (let r = 0; r < kk; r++) {
      const col = order[r]!;
      let s = 0;
      for (let j = 0; j < l; j++) s += bt[c * l + j]! * vectors[j * l + col]!;
      foldIn[c * kk + r] = sv[r]! > 0 ? s / sv[r]! : 0;
    }
  }
  return { rowVectors, foldIn, singularValues: sv, k: kk };
}
