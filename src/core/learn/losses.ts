/**
 * Training losses over a batch of L2-normalised embedding pairs, named and defined as in
 * sentence-transformers, each with its hand-derived gradient with respect to the embeddings.
 *
 * Every loss here is a function of cosines c = a·b of unit vectors, so each computes dL/dc for the
 * cosines it uses and `pairGradients` turns those into dL/da_i = Σ_j dL/dc_ij · b_j (and back).
 * The gradient through the normalisation e = s/‖s‖ is applied by the trainer.
 */

export const LOSS_NAMES = ['cosine', 'mnrl', 'cosent', 'contrastive'] as const;
export type LossName = (typeof LOSS_NAMES)[number];


export interface LossParams {
  /** Multiplier of cosines in `mnrl` and `cosent` (sentence-transformers' default 20). */
  scale: number;
  /** Margin of `contrastive` in cosine distance 1 − c (sentence-transformers' default 0.5). */
  margin: number;
}

export const DEFAULT_LOSS_PARAMS: LossParams = { scale: 20, margin: 0.5 };

/** A batch of unit vectors: pair i is (a[i], b[i]) with label labels[i]. */
export interface EmbeddedBatch {
  a: readonly Float64Array[];
  b: readonly Float64Array[];
  labels: readonly (0 | 1)[];
}

export interface LossResult {
  loss: number;
  /** dL/da[i] and dL/db[i], same shapes as the batch's vectors. */
  gradA: Float64Array[];
  gradB: Float64Array[];
}

function dot(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let d = 0; d < x.length; d++) s += x[d]! * y[d]!;
  return s;
}

function axpy(out: Float64Array, alpha: number, x: Float64Array): void {
  if (alpha === 0) return;
  for (let d = 0; d < out.length; d++) out[d]! += alpha * x[d]!;
}

function zeros(batch: EmbeddedBatch): LossResult {
  const dim = batch.a[0]?.length ?? 0;
  return {
    loss: 0,
    gradA: batch.a.map(() => new Float64Array(dim)),
    gradB: batch.b.map(() => new Float64Array(dim)),
  };
}

/** Adds dL/dc_ij for c_ij = a_i·b_j to the gradients. */
function addCosGrad(r: LossResult, batch: EmbeddedBatch, i: number, j: number, g: number): void {
  axpy(r.gradA[i]!, g, batch.b[j] as Float64Array);
  axpy(r.gradB[j]!, g, batch.a[i] as Float64Array);
}

/** CosineSimilarityLoss: mean over the batch of (c_i − label_i)². */
export function cosineLoss(batch: EmbeddedBatch): LossResult {
  const r = zeros(batch);
  const n = batch.labels.length;
  for (let i = 0; i < n; i++) {
    const diff = dot(batch.a[i]!, batch.b[i]!) - batch.labels[i]!;
    r.loss += (diff * diff) / n;
    addCosGrad(r, batch, i, i, (2 * diff) / n);
  }
  return r;
}

/**
 * MultipleNegativesRankingLoss: for each anchor a_i, cross-entropy of softmax_j(scale·a_i·b_j)
 * against j = i, averaged over anchors; the other pairs' b_j are the negatives. Labels are ignored
 * (the trainer feeds label-1 pairs with no repeated term in a batch).
 */
export function mnrlLoss(batch: EmbeddedBatch, params: LossParams = DEFAULT_LOSS_PARAMS): LossResult {
  const r = zeros(batch);
  const n = batch.a.length;
  const logits = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let j = 0; j < n; j++) {
      logits[j] = params.scale * dot(batch.a[i]!, batch.b[j]!);
      if (logits[j]! > max) max = logits[j]!;
    }
    let z = 0;
    for (let j = 0; j < n; j++) z += Math.exp(logits[j]! - max);
    r.loss += (max + Math.log(z) - logits[i]!) / n;
    for (let j = 0; j < n; j++) {
      const p = Math.exp(logits[j]! - max) / z;
      addCosGrad(r, batch, i, j, (params.scale * (p - (i === j ? 1 : 0))) / n);
    }
  }
  return r;
}

/**
 * CoSENTLoss: log(1 + Σ_{label_i < label_j} exp(scale·(c_i − c_j))) — every negative pair should
 * score below every positive pair of the batch. 0 with no gradient when the batch has one class.
 */
export function cosentLoss(batch: EmbeddedBatch, params: LossParams = DEFAULT_LOSS_PARAMS): LossResult {
  const r = zeros(batch);
  const n = batch.labels.length;
  const c = batch.a.map((a, i) => dot(a, batch.b[i]!));
  const terms: [number, number, number][] = [];
  let max = 0; // the constant term exp(0) = 1 is part of the log-sum-exp
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      if (batch.labels[i]! < batch.labels[j]!) {
        const t = params.scale * (c[i]! - c[j]!);
        terms.push([i, j, t]);
        if (t > max) max = t;
      }
  let z = Math.exp(-max);
  for (const [, , t] of terms) z += Math.exp(t - max);
  r.loss = max + Math.log(z);
  const gc = new Float64Array(n);
  for (const [i, j, t] of terms) {
    const p = Math.exp(t - max) / z;
    gc[i]! += params.scale * p;
    gc[j]! -= params.scale * p;
  }
  for (let i = 0; i < n; i++) addCosGrad(r, batch, i, i, gc[i]!);
  return r;
}

/**
 * OnlineContrastiveLoss with cosine distance d = 1 − c: hard positives (d above the smallest
 * negative distance) add d², hard negatives (d below the largest positive distance) add
 * max(0, margin − d)²; summed, not averaged, as in sentence-transformers. With at most one
 * example of a class, the other class is compared with its own mean, as there.
 */
export function contrastiveLoss(batch: EmbeddedBatch, params: LossParams = DEFAULT_LOSS_PARAMS): LossResult {
  const r = zeros(batch);
  const n = batch.labels.length;
  const d = batch.a.map((a, i) => 1 - dot(a, batch.b[i]!));
  const pos = d.filter((_, i) => batch.labels[i] === 1);
  const neg = d.filter((_, i) => batch.labels[i] === 0);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const negCut = pos.length > 1 ? Math.max(...pos) : mean(neg);
  const posCut = neg.length > 1 ? Math.min(...neg) : mean(pos);
  for (let i = 0; i < n; i++) {
    const di = d[i]!;
    if (batch.labels[i] === 1) {
      if (di > posCut) {
        r.loss += di * di;
        addCosGrad(r, batch, i, i, -2 * di); // dd/dc = −1
      }
    } else if (di < negCut) {
      const h = params.margin - di;
      if (h > 0) {
        r.loss += h * h;
        addCosGrad(r, batch, i, i, 2 * h);
      }
    }
  }
  return r;
}

/** The loss `name` of a batch of unit vectors, with its gradients. */
export function computeLoss(name: LossName, batch: EmbeddedBatch, params: LossParams = DEFAULT_LOSS_PARAMS): LossResult {
  switch (name) {
    case 'cosine':
      return cosineLoss(batch);
    case 'mnrl':
      return mnrlLoss(batch, params);
    case 'cosent':
      return cosentLoss(batch, params);
    case 'contrastive':
      return contrastiveLoss(batch, params);
  }
}
