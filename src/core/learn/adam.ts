/**
 * Adam for an embedding table, with lazy (sparse) row updates, and the learning-rate schedule.
 *
 * Lazy, as TensorFlow's LazyAdam and PyTorch's SparseAdam: a step updates the moments and the
 * values of the rows that received a gradient in that step only; other rows' moments do not decay.
 * Bias correction uses the global step count. For a table of 32768 × 128 where a batch touches a
 * few hundred rows this is ~100× cheaper than dense Adam and, for rows seen every step, identical.
 */

export interface AdamParams {
  beta1: number;
  beta2: number;
  epsilon: number;
}

export const DEFAULT_ADAM: AdamParams = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

export class LazyAdam {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private t = 0;

  /** @param size values in the table; @param dim values per row. */
  constructor(
    size: number,
    private readonly dim: number,
    private readonly params: AdamParams = DEFAULT_ADAM,
  ) {
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.t;
  }

  /**
   * One step at learning rate `lr`: for each row in `rows`, updates `table`'s row from the gradient
   * row in `grad` (same layout as `table`).
   */
  step(table: Float32Array | Float64Array, grad: Float32Array | Float64Array, rows: readonly number[], lr: number): void {
    this.t++;
    const { beta1, beta2, epsilon } = this.params;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    const m = this.m;
    const v = this.v;
    const dim = this.dim;
    for (const row of rows) {
      const off = row * dim;
      for (let k = off; k < off + dim; k++) {
        const g = grad[k]!;
        const mk = (m[k] = beta1 * m[k]! + (1 - beta1) * g);
        const vk = (v[k] = beta2 * v[k]! + (1 - beta2) * g * g);
        table[k]! -= (lr * (mk / c1)) / (Math.sqrt(vk / c2) + epsilon);
      }
    }
  }
}

/**
 * Learning rate at step `step` (0-based) of `total`: linear warm-up over `warmup` steps to `lr`,
 * then linear decay to 0 at `total` — Hugging Face's `get_linear_schedule_with_warmup` (the
 * sentence-transformers default, WarmupLinear), shifted one step so the first step is not lr 0.
 */
export function linearWarmupLr(step: number, total: number, warmup: number, lr: number): number {
  const s = step + 1;
  if (s <= warmup) return (lr * s) / warmup;
  return lr * Math.max(0, (total - step) / Math.max(1, total - warmup));
}
