/**
 * Truncated SVD of a sparse matrix by the randomized range finder (Halko, Martinsson & Tropp 2011,
 * algorithms 4.4 and 5.1): Y = X·Ω with a seeded Gaussian Ω, a few power iterations
 * (re-orthonormalised each half step), Q = orth(Y), B = Qᵀ·X, then the small eigenproblem of B·Bᵀ
 * by cyclic Jacobi. Deterministic for a given seed (no threads, fixed summation order).
 * Dense blocks are column-major Float64Array (column j at [j·rows, (j+1)·rows)).
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

/** Y[:, j] = X · B[:, j] for a column-major dense B (X.cols × l); returns X.rows × l column-major. */
function mulXB(x: CsrMatrix, b: Float64Array, l: number): Float64Array {
  const y = new Float64Array(x.rows * l);
  const row = new Float64Array(l);
  for (let i = 0; i < x.rows; i++) {
    row.fill(0);
    for (let p = x.indptr[i]!; p < x.indptr[i + 1]!; p++) {
      const c = x.indices[p]!;
      const v = x.values[p]!;
      for (let j = 0; j < l; j++) row[j]! += v * b[j * x.cols + c]!;
    }
    for (let j = 0; j < l; j++) y[j * x.rows + i] = row[j]!;
  }
  return y;
}

/** Z = Xᵀ · Q for a column-major Q (X.rows × l); returns X.cols × l column-major. */
function mulXtQ(x: CsrMatrix, q: Float64Array, l: number): Float64Array {
  const z = new Float64Array(x.cols * l);
  for (let i = 0; i < x.rows; i++) {
    for (let p = x.indptr[i]!; p < x.indptr[i + 1]!; p++) {
      const c = x.indices[p]!;
      const v = x.values[p]!;
      for (let j = 0; j < l; j++) z[j * x.cols + c]! += v * q[j * x.rows + i]!;
    }
  }
  return z;
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
  const omega = new Random(options.seed).fillNormal(new Float64Array(x.cols * l));
  let y = mulXB(x, omega, l);
  orthonormalize(y, x.rows, l);
  for (let it = 0; it < (options.powerIterations ?? 2); it++) {
    const z = mulXtQ(x, y, l);
    orthonormalize(z, x.cols, l);
    y = mulXB(x, z, l);
    orthonormalize(y, x.rows, l);
  }
  // Bᵀ = Xᵀ·Q (cols × l); B·Bᵀ = (Bᵀ)ᵀ·Bᵀ (l × l).
  const bt = mulXtQ(x, y, l);
  const gram = new Float64Array(l * l);
  for (let i = 0; i < l; i++) {
    for (let j = i; j < l; j++) {
      let s = 0;
      for (let c = 0; c < x.cols; c++) s += bt[i * x.cols + c]! * bt[j * x.cols + c]!;
      gram[i * l + j] = s;
      gram[j * l + i] = s;
    }
  }
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
      for (let j = 0; j < l; j++) s += y[j * x.rows + i]! * vectors[j * l + col]!;
      rowVectors[i * kk + r] = s * sv[r]!;
    }
  }
  const foldIn = new Float32Array(x.cols * kk);
  for (let c = 0; c < x.cols; c++) {
    for (let r = 0; r < kk; r++) {
      const col = order[r]!;
      let s = 0;
      for (let j = 0; j < l; j++) s += bt[j * x.cols + c]! * vectors[j * l + col]!;
      foldIn[c * kk + r] = sv[r]! > 0 ? s / sv[r]! : 0;
    }
  }
  return { rowVectors, foldIn, singularValues: sv, k: kk };
}
