/**
 * End-to-end fine-tuning of the built-in char-n-gram model: its embedding table T is trained from
 * labelled pairs so that it generalises to terms that share n-grams with the dictionary's.
 *
 * The model is linear up to the normalisation: for a text with features (id_k, w_k),
 *     s = Σ_k w_k · T[id_k],   e = s / ‖s‖.
 * A loss L(e, …) gives dL/de; through the normalisation dL/ds = (g − e (e·g)) / ‖s‖ with g = dL/de;
 * and dL/dT[id_k] += w_k · dL/ds. Only the rows of the batch's features get a gradient, so the
 * optimiser (lazy Adam, `adam.ts`) updates those rows only.
 *
 * Against collapse (every vector drifting toward one direction, which makes every pair "similar"):
 * - `anchor` adds λ/2 ‖T_r − T⁰_r‖² for each row r touched in a step (L2-SP toward the base model),
 *   so rows move only as far as the pairs demand;
 * - pair losses (`cosine`, `cosent`, `contrastive`) on data without label-0 pairs get in-batch
 *   negatives: each pair (a_i, b_i) adds (a_i, b_{i+1 mod B}) with label 0 when the two terms are in
 *   different synonym groups (the same idea MNRL uses, applied to a pair loss);
 * - `mnrl` uses the other pairs of its batch as negatives by definition.
 * The benchmark measures the mean cosine of random term pairs before and after.
 *
 * The number of epochs is chosen on held-out training groups before the final run (`epochs.ts`,
 * option `validation`); `fitCharNgram` is one run, `trainCharNgram` the choice around it.
 *
 * A `char-ngram-v2` base adds a lexicon (meaning) half, e = [w_c·c ; w_m·m] as its graph joins
 * them (`halfWeights`): frozen by default (the gradient reaches the char table through w_c), or
 * trained too with `trainLexicon` (the rows the training terms use, re-quantised at the end).
 *
 * Deterministic for a seed: one `Random` drives the shuffles; all sums run in a fixed order.
 * Synchronous: run it in a worker thread and cancel through a shared flag (see src/runtime/learn).
 */
import { caseFeature, featureBucket, featureKind, featureKindCount, featurize, SHAPE_COUNT_CAP, shapeFeature, type CharNgramModelConfig } from '../builtin/featurizer';
import { halfWeights, meaningVector, referenceEmbedCharNgram, type LexiconHalf, type QuantizedTable } from '../builtin/modelV2';
import { lexiconLookup } from '../builtin/lexicon';
import { quantizeRow } from '../builtin/lexiconBuild';
import { termKey } from '../dictionary';
import { Random } from '../random';
import { LazyAdam, linearWarmupLr } from './adam';
import { fitWithEpochChoice, type EpochChoiceOptions, type CollapseStop, type EpochSelection, type TrainStage } from './epochs';
import { computeLoss, DEFAULT_LOSS_PARAMS, type EmbeddedBatch, type LossName, type LossParams } from './losses';
import { TermGroups } from './split';
import { CancelledError, type CancellationFlag } from '../cancellation';
import type { TextPair } from './types';

/** Progress of a training run; `type` discriminates. Times in milliseconds. */
export type TrainProgress =
  | { type: 'start'; stage: TrainStage; epochs: number; stepsPerEpoch: number; totalSteps: number; pairs: number }
  /**
   * `etaMs`: time left in this run, from the measured time per step of this run (setup, and any
   * earlier run, excluded); absent until there is a measurement (after the second step, as the
   * first one carries warm-up).
   */
  | { type: 'step'; epoch: number; step: number; totalSteps: number; loss: number; learningRate: number; elapsedMs: number; etaMs?: number }
  | { type: 'epoch'; epoch: number; epochs: number; meanLoss: number; elapsedMs: number }
  | { type: 'done'; totalSteps: number; elapsedMs: number };

export interface TrainOptions extends EpochChoiceOptions {
  loss: LossName;
  /**
   * Passes over the training pairs. Default 10. With `validation` (default 0.1) this is the limit:
   * the epoch count is chosen on held-out groups first (`epochs.ts`).
   */
  epochs?: number;
  /** Pairs per step. Default 32. */
  batchSize?: number;
  /** Peak Adam learning rate. Default 0.01 (table entries are ~N(0, 1/128)). */
  learningRate?: number;
  /** Share of the steps spent warming up linearly, in [0, 1]. Default 0.1. */
  warmupRatio?: number;
  /** PRNG seed for shuffles. Default 42. */
  seed?: number;
  /** λ of the L2 pull of touched rows toward their initial values. Default 1e-3 (0 disables). */
  anchor?: number;
  /**
   * μ of the spread penalty μ‖ē‖² on the mean ē of the batch's unit vectors (see
   * `batchLossAndGradient`); keeps unrelated texts' mean cosine near its start. Default 1 (0 disables).
   */
  spread?: number;
  /**
   * In-batch negatives for pair losses when the training data has no label-0 pair. Default true.
   * Ignored by `mnrl`.
   */
  inBatchNegatives?: boolean;
  /**
   * Learn one pooling weight α per feature kind (`featureKind`: CJK 1/2/3-grams, word 3/4/5-grams,
   * whole word), jointly with the table; exported in the config's `orderWeights`. Default false.
   */
  learnOrderWeights?: boolean;
  /**
   * Add shape features (`CharNgramModelConfig.shapeFeatures`: one feature per n-gram kind and
   * count, i.e. the term's length and form) whose rows start at zero and are learned, so what the
   * dictionary's synonyms share in form carries over to unseen terms. Default true; the exported
   * config then has `shapeFeatures: true`. A base that already has them keeps them.
   */
  shapeFeatures?: boolean;
  /**
   * With shape features, also the case feature (`CharNgramModelConfig.caseFeature`: capitals or
   * not, before lower-casing), its two rows started at zero and learned. Default true.
   */
  caseFeature?: boolean;
  /**
   * With a `char-ngram-v2` base: train the lexicon half's rows too (end to end; the rows the
   * training terms use are learned, anchored like the char rows, and re-quantised to int8 for the
   * export, `TrainResult.meaning`). Default false: the lexicon half stays frozen.
   */
  trainLexicon?: boolean;
  /** Peak Adam learning rate of a trained lexicon row. Default `learningRate`. */
  lexiconLearningRate?: number;
  /** Peak Adam learning rate of log α. Default 0.05. */
  orderLearningRate?: number;
  lossParams?: Partial<LossParams>;
  onProgress?: (event: TrainProgress) => void;
  /** Checked before every step; when set the run throws `CancelledError`. */
  token?: CancellationFlag;
}

export interface TrainResult {
  /** The trained table, a new array of the input's shape [buckets × dimension]. */
  table: Float32Array;
  /**
   * The model's config after training: the input's, with the learned `orderWeights` when
   * `learnOrderWeights` is set. Export and embed with this config, not the base's.
   */
  config: CharNgramModelConfig;
  totalSteps: number;
  /** Mean batch loss per epoch (of the final run). */
  epochLosses: number[];
  /** How the epoch count was chosen; absent when it was not (`validation` 0, one epoch, data too small). */
  epochSelection?: EpochSelection;
  /** What the collapse guard did when the epoch count could not be chosen (too few held-out pairs; `epochs.ts`). */
  collapseStop?: CollapseStop;
  /** Rows of the table that were updated at least once. */
  touchedRows: number;
  /** With `trainLexicon`: the whole meaning table, trained rows re-quantised (export it with this). */
  meaning?: QuantizedTable;
  /** Pairs trained on (after dropping pairs with a featureless or self-paired text). */
  pairs: number;
  elapsedMs: number;
}

/** Featurised texts: parallel ids, base weights (1/n) and, optionally, feature kinds per text. */
export interface FeatureTable {
  ids: Uint32Array[];
  weights: Float32Array[];
  kinds?: Uint8Array[];
  /**
   * The frozen meaning half of a `char-ngram-v2` model: per text its unit meaning vector (zeros when
   * the lexicon has no row for it, `meaningVector`) and the weight α of that half. Each text's vector
   * is then the graph's join [w_c·c ; w_s·m] (`halfWeights`), and only the char table learns.
   */
  meaning?: {
    vectors: Float64Array[];
    alpha: number;
    /**
     * A trainable meaning half instead (`trainLexicon`): per text its rows of `table`
     * ([rows × dimension] float), summed and L2-normalised as the graph does; `vectors` is then unused.
     */
    trainable?: { rows: Int32Array[]; table: Float32Array; dimension: number };
  };
}

/**
 * Optional parameters of `batchLossAndGradient` beyond the table: per-kind pooling weights α (a
 * feature of kind o pools with weight w_k·α_o) and their gradient. Both need `FeatureTable.kinds`.
 */
export interface KindParameters {
  alpha?: Float64Array;
  /** dL/dα is accumulated here when given. */
  alphaGrad?: Float64Array;
  /**
   * With a trainable meaning half: dL/d(meaning table) is accumulated into `grad` (its layout), and
   * each row first reached in this batch is flagged in `touched` and pushed onto `rows`.
   */
  meaningGrad?: { grad: Float32Array | Float64Array; touched: Uint8Array; rows: number[] };
}

/** A batch as text indices into a `FeatureTable`. */
export interface IndexBatch {
  a: number[];
  b: number[];
  labels: (0 | 1)[];
}

/**
 * The batch of one training step: the planned pairs (text indices and labels), plus, when the
 * data has only positives, in-batch negatives — each pair's term against the next pair's synonym,
 * skipped where both texts are in the same synonym group.
 */
export function assembleBatch(
  plan: readonly number[],
  data: readonly { a: number; b: number; label: 0 | 1 }[],
  addNegatives: boolean,
  groupOfText: ReadonlyMap<number, number>,
): IndexBatch {
  const batch: IndexBatch = { a: [], b: [], labels: [] };
  for (const i of plan) {
    batch.a.push(data[i]!.a);
    batch.b.push(data[i]!.b);
    batch.labels.push(data[i]!.label);
  }
  if (addNegatives && plan.length > 1) {
    for (let k = 0; k < plan.length; k++) {
      const a = data[plan[k]!]!.a;
      const b = data[plan[(k + 1) % plan.length]!]!.b;
      if (groupOfText.get(a) === groupOfText.get(b)) continue;
      batch.a.push(a);
      batch.b.push(b);
      batch.labels.push(0);
    }
  }
  return batch;
}

/**
 * Embeddings of texts: `vectors[i]` the model's unit (or zero) output, `chars[i]` the unit char half,
 * `norms[i]` = ‖s_i‖ before its normalisation, `charWeights[i]` the char half's weight in the output
 * (1 without a meaning half).
 */
function embedTexts(table: Float32Array | Float64Array, dim: number, features: FeatureTable, texts: readonly number[], alpha?: Float64Array) {
  const vectors = new Map<number, Float64Array>();
  const chars = new Map<number, Float64Array>();
  const norms = new Map<number, number>();
  const charWeights = new Map<number, number>();
  /** Trainable meaning half: the unit meaning vector and ‖Σ rows‖ of each text. */
  const meanings = new Map<number, { m: Float64Array; norm: number; weight: number }>();
  const trainable = features.meaning?.trainable;
  for (const t of texts) {
    if (vectors.has(t)) continue;
    const s = new Float64Array(dim);
    const ids = features.ids[t]!;
    const w = features.weights[t]!;
    const kinds = features.kinds?.[t];
    for (let k = 0; k < ids.length; k++) {
      const off = ids[k]! * dim;
      const wk = alpha && kinds ? w[k]! * alpha[kinds[k]!]! : w[k]!;
      for (let d = 0; d < dim; d++) s[d]! += wk * table[off + d]!;
    }
    let sq = 0;
    for (let d = 0; d < dim; d++) sq += s[d]! * s[d]!;
    const n = Math.sqrt(sq);
    if (n > 0) for (let d = 0; d < dim; d++) s[d]! /= n;
    chars.set(t, s);
    norms.set(t, n);
    let m = features.meaning?.vectors[t];
    if (trainable) {
      const dl = trainable.dimension;
      m = new Float64Array(dl);
      for (const r of trainable.rows[t]!) for (let d = 0; d < dl; d++) m[d]! += trainable.table[r * dl + d]!;
      let mq = 0;
      for (let d = 0; d < dl; d++) mq += m[d]! * m[d]!;
      const mn = Math.sqrt(mq);
      if (mn > 0) for (let d = 0; d < dl; d++) m[d]! /= mn;
      meanings.set(t, { m, norm: mn, weight: 0 });
    }
    if (!m) {
      vectors.set(t, s);
      charWeights.set(t, 1);
      continue;
    }
    const [wc, wm] = halfWeights(features.meaning!.alpha, n > 0, m.some((x) => x !== 0));
    const v = new Float64Array(dim + m.length);
    for (let d = 0; d < dim; d++) v[d] = wc * s[d]!;
    for (let d = 0; d < m.length; d++) v[dim + d] = wm * m[d]!;
    vectors.set(t, v);
    charWeights.set(t, wc);
    const own = meanings.get(t);
    if (own) own.weight = wm;
  }
  return { vectors, chars, norms, charWeights, meanings };
}

/**
 * Loss of one batch and its gradient with respect to the table, accumulated into `grad` (same
 * layout as `table`); returns the loss and the rows that received a gradient (in first-touch
 * order). Exposed for the gradient check.
 */
export function batchLossAndGradient(
  table: Float32Array | Float64Array,
  dim: number,
  features: FeatureTable,
  batch: IndexBatch,
  loss: LossName,
  params: LossParams,
  grad: Float32Array | Float64Array,
  touched: Uint8Array,
  spread = 0,
  kindParams: KindParameters = {},
): { loss: number; rows: number[] } {
  const { alpha, alphaGrad } = kindParams;
  const { vectors, chars, norms, charWeights, meanings } = embedTexts(table, dim, features, [...batch.a, ...batch.b], alpha);
  // Width of the model's vectors: the char half, plus the meaning half when there is one.
  const width = vectors.size ? vectors.values().next().value!.length : dim;
  const embedded: EmbeddedBatch = {
    a: batch.a.map((t) => vectors.get(t)!),
    b: batch.b.map((t) => vectors.get(t)!),
    labels: batch.labels,
  };
  const r = computeLoss(loss, embedded, params);
  // Sum dL/de per distinct text, then back through the normalisation and the pooling.
  const gradE = new Map<number, Float64Array>();
  const add = (t: number, g: Float64Array) => {
    const acc = gradE.get(t);
    if (acc) for (let d = 0; d < width; d++) acc[d]! += g[d]!;
    else gradE.set(t, Float64Array.from(g));
  };
  batch.a.forEach((t, i) => add(t, r.gradA[i]!));
  batch.b.forEach((t, i) => add(t, r.gradB[i]!));
  let total = r.loss;
  if (spread > 0) {
    // μ‖ē‖², ē the mean of the batch's distinct unit vectors: for n unit vectors
    // ‖ē‖² = 1/n + (n − 1)/n · (mean cosine over distinct pairs), so this pushes the mean cosine
    // of unrelated texts toward 0 — a direct guard against collapse. dR/de_t = 2μ ē / n.
    const mean = new Float64Array(width);
    const live = [...vectors.keys()].filter((t) => norms.get(t)! > 0);
    for (const t of live) {
      const e = vectors.get(t)!;
      for (let d = 0; d < width; d++) mean[d]! += e[d]! / live.length;
    }
    let sq = 0;
    for (let d = 0; d < width; d++) sq += mean[d]! * mean[d]!;
    total += spread * sq;
    const g = mean.map((m) => (2 * spread * m) / live.length);
    for (const t of live) add(t, g);
  }
  const rows: number[] = [];
  const gs = new Float64Array(dim);
  const trainable = features.meaning?.trainable;
  const meaningGrad = kindParams.meaningGrad;
  if (trainable && meaningGrad) {
    // The meaning half enters as w_m·m, m = u/‖u‖, u = Σ rows: dL/du = (w_m g_m − m (m·w_m g_m)) / ‖u‖.
    const dl = trainable.dimension;
    const gu = new Float64Array(dl);
    for (const [t, g] of gradE) {
      const own = meanings.get(t);
      if (!own || own.norm === 0 || own.weight === 0) continue;
      let mg = 0;
      for (let d = 0; d < dl; d++) mg += own.m[d]! * own.weight * g[dim + d]!;
      for (let d = 0; d < dl; d++) gu[d] = (own.weight * g[dim + d]! - own.m[d]! * mg) / own.norm;
      for (const r of trainable.rows[t]!) {
        if (!meaningGrad.touched[r]) {
          meaningGrad.touched[r] = 1;
          meaningGrad.rows.push(r);
        }
        for (let d = 0; d < dl; d++) meaningGrad.grad[r * dl + d]! += gu[d]!;
      }
    }
  }
  for (const [t, g] of gradE) {
    const n = norms.get(t)!;
    if (n === 0) continue; // a featureless text has no gradient
    // The char half c enters the output as w_c·c (the join's norm does not depend on c, a unit
    // vector), so dL/dc = w_c · (dL/de)[0, dim); then back through c's own normalisation.
    const e = chars.get(t)!;
    const wc = charWeights.get(t)!;
    let eg = 0;
    for (let d = 0; d < dim; d++) eg += e[d]! * wc * g[d]!;
    for (let d = 0; d < dim; d++) gs[d] = (wc * g[d]! - e[d]! * eg) / n;
    const ids = features.ids[t]!;
    const w = features.weights[t]!;
    const kinds = features.kinds?.[t];
    for (let k = 0; k < ids.length; k++) {
      const row = ids[k]!;
      const off = row * dim;
      const kind = kinds ? kinds[k]! : 0;
      if (alphaGrad && kinds) {
        // s = Σ_k w_k α_{o_k} T[id_k], so dL/dα_o = Σ_{k of kind o} w_k (dL/ds · T[id_k]).
        let gt = 0;
        for (let d = 0; d < dim; d++) gt += gs[d]! * table[off + d]!;
        alphaGrad[kind]! += w[k]! * gt;
      }
      if (!touched[row]) {
        touched[row] = 1;
        rows.push(row);
      }
      const wk = alpha && kinds ? w[k]! * alpha[kind]! : w[k]!;
      for (let d = 0; d < dim; d++) grad[off + d]! += wk * gs[d]!;
    }
  }
  return { loss: total, rows };
}

/**
 * Batches of `pairs` (indices) in `order`, no text twice in a batch — sentence-transformers'
 * NoDuplicatesBatchSampler: walk the remaining pairs, take each whose texts the batch does not have
 * yet, close the batch at `size`, repeat over what was skipped. The last batch may be smaller.
 */
export function noDuplicateBatches(order: readonly number[], textsOf: (pair: number) => [number, number], size: number): number[][] {
  const batches: number[][] = [];
  let remaining = [...order];
  while (remaining.length > 0) {
    const skipped: number[] = [];
    let batch: number[] = [];
    let texts = new Set<number>();
    for (const p of remaining) {
      const [a, b] = textsOf(p);
      if (batch.length < size && !texts.has(a) && !texts.has(b)) {
        batch.push(p);
        texts.add(a).add(b);
        if (batch.length === size) {
          batches.push(batch);
          batch = [];
          texts = new Set();
        }
      } else skipped.push(p);
    }
    if (batch.length > 0) batches.push(batch);
    remaining = skipped;
  }
  return batches;
}

/** The training pairs as text indices, their synonym groups, and whether to add in-batch negatives. */
export interface PreparedTrainingData {
  data: { a: number; b: number; label: 0 | 1; pair: TextPair }[];
  groupOfText: Map<number, number>;
  addNegatives: boolean;
}

/**
 * Pairs both trainers learn from: `mnrl` keeps label-1 pairs only; pairs of one term (same
 * `termKey`) and pairs with a text the model cannot represent (`usableText` false) are dropped.
 * In-batch negatives are added only for losses that take labels and data without label-0 rows.
 */
export function prepareTrainingData(
  pairs: readonly TextPair[],
  options: Pick<TrainOptions, 'loss' | 'inBatchNegatives'>,
  textOf: (s: string) => number,
  usableText: (i: number) => boolean,
): PreparedTrainingData {
  const usable = pairs.filter((p) => (options.loss === 'mnrl' ? p.label === 1 : true) && termKey(p.a) !== termKey(p.b));
  const data = usable.map((p) => ({ a: textOf(p.a), b: textOf(p.b), label: p.label, pair: p }))
    .filter((d) => usableText(d.a) && usableText(d.b));
  const groups = TermGroups.ofPairs(usable);
  const groupOfText = new Map<number, number>();
  for (const d of data) {
    groupOfText.set(d.a, groups.group(d.pair.a));
    groupOfText.set(d.b, groups.group(d.pair.b));
  }
  const addNegatives = options.loss !== 'mnrl' && (options.inBatchNegatives ?? true) && !data.some((d) => d.label === 0);
  return { data, groupOfText, addNegatives };
}

/**
 * The loop both trainers share: per epoch a seeded shuffle into duplicate-free batches (planned up
 * front, since steps per epoch depend on them), linear warm-up, a cancellation check before every
 * step, and start/step/epoch/done progress. `update(batch, rate)` takes one optimiser step and
 * returns the batch's loss.
 */
export function runTrainingLoop(
  prepared: PreparedTrainingData,
  rng: Random,
  options: Pick<TrainOptions, 'warmupRatio' | 'onProgress' | 'token'> & {
    epochs: number;
    batchSize: number;
    lr: number;
    stage?: TrainStage;
    /** Called after each epoch (from 1); returning true ends the run there. */
    onEpochEnd?: (epoch: number) => boolean;
  },
  started: number,
  update: (batch: IndexBatch, rate: number) => number,
): { totalSteps: number; epochLosses: number[]; elapsedMs: number } {
  const { data, groupOfText, addNegatives } = prepared;
  const { epochs, batchSize, lr } = options;
  const plans: number[][][] = [];
  for (let e = 0; e < epochs; e++) {
    const order = rng.shuffle(data.map((_, i) => i));
    plans.push(noDuplicateBatches(order, (i) => [data[i]!.a, data[i]!.b], batchSize));
  }
  const totalSteps = plans.reduce((s, p) => s + p.length, 0);
  const warmup = Math.ceil((options.warmupRatio ?? 0.1) * totalSteps);
  const epochLosses: number[] = [];
  options.onProgress?.({ type: 'start', stage: options.stage ?? 'final', epochs, stepsPerEpoch: plans[0]?.length ?? 0, totalSteps, pairs: data.length });

  let step = 0;
  let firstStepEnd = 0;
  for (let e = 0; e < epochs; e++) {
    let sum = 0;
    for (const plan of plans[e]!) {
      if (options.token?.isCancellationRequested) throw new CancelledError('training cancelled');
      const rate = linearWarmupLr(step, totalSteps, warmup, lr);
      const loss = update(assembleBatch(plan, data, addNegatives, groupOfText), rate);
      sum += loss;
      step++;
      const now = Date.now();
      if (step === 1) firstStepEnd = now;
      options.onProgress?.({
        type: 'step',
        epoch: e + 1,
        step,
        totalSteps,
        loss,
        learningRate: rate,
        elapsedMs: now - started,
        ...(step >= 2 ? { etaMs: Math.round(((now - firstStepEnd) / (step - 1)) * (totalSteps - step)) } : {}),
      });
    }
    const meanLoss = plans[e]!.length ? sum / plans[e]!.length : 0;
    epochLosses.push(meanLoss);
    options.onProgress?.({ type: 'epoch', epoch: e + 1, epochs, meanLoss, elapsedMs: Date.now() - started });
    if (options.onEpochEnd?.(e + 1)) break;
  }
  const elapsedMs = Date.now() - started;
  options.onProgress?.({ type: 'done', totalSteps: step, elapsedMs });
  return { totalSteps: step, epochLosses, elapsedMs };
}

/**
 * Fine-tunes a copy of `table` ([config.buckets × config.dimension], row-major) on `pairs`.
 * `mnrl` trains on the label-1 pairs only. Pairs whose two texts have the same `termKey`, or a text
 * without features, are skipped. The input table is not modified.
 *
 * A `char-ngram-v2` base (`config.lexicon`) needs its lexicon half (`lexicon`: word list and
 * meaning table). That half is frozen: every loss sees the model's joined vector, but only the char
 * table is trained, and the result is exported with the base's meaning table unchanged.
 */
export function trainCharNgram(
  table: Float32Array,
  config: CharNgramModelConfig,
  pairs: readonly TextPair[],
  options: TrainOptions,
  lexicon?: LexiconHalf,
): TrainResult {
  const started = Date.now();
  if (table.length !== config.buckets * config.dimension) throw new RangeError(`table has ${table.length} values, expected ${config.buckets} × ${config.dimension}`);
  if (config.lexicon && !lexicon) throw new RangeError(`the base ${config.version} has a lexicon half: its word list and meaning table are needed to train it`);
  const { result, selection, collapseStop } = fitWithEpochChoice(
    pairs,
    options.epochs ?? 10,
    options,
    (t) => referenceEmbedCharNgram(t, config, table, lexicon),
    (fitPairs, epochs, stage, onEpochEnd) => fitCharNgram(table, config, fitPairs, { ...options, epochs }, started, stage, onEpochEnd, lexicon),
  );
  return { ...result, ...(selection ? { epochSelection: selection } : {}), ...(collapseStop ? { collapseStop } : {}), elapsedMs: Date.now() - started };
}

/** One training run of `trainCharNgram` (no epoch choice); `onEpochEnd` as in `FitFunction`. */
function fitCharNgram(
  table: Float32Array,
  config: CharNgramModelConfig,
  pairs: readonly TextPair[],
  options: TrainOptions & { epochs: number },
  started: number,
  stage: TrainStage,
  onEpochEnd?: (epoch: number, vectorOf: (text: string) => Float32Array) => boolean,
  lexicon?: LexiconHalf,
): { result: TrainResult; vectorOf: (text: string) => Float32Array } {
  const dim = config.dimension;
  const epochs = options.epochs;
  const batchSize = options.batchSize ?? 32;
  const lr = options.learningRate ?? 0.01;
  const anchor = options.anchor ?? 1e-3;
  const spread = options.spread ?? 1;
  const params: LossParams = { ...DEFAULT_LOSS_PARAMS, ...options.lossParams };
  const rng = new Random(options.seed ?? 42);

  // Featurise every distinct text once, with plain 1/n weights: α (the base's `orderWeights`, or
  // learned) is applied on top, so a fine-tuned model can be fine-tuned again.
  const addShape = (options.shapeFeatures ?? true) && !config.shapeFeatures;
  const shaped: CharNgramModelConfig = addShape ? { ...withoutOrderWeights(config), shapeFeatures: true } : withoutOrderWeights(config);
  const addCase = shaped.shapeFeatures === true && (options.caseFeature ?? true) && !config.caseFeature;
  const plain: CharNgramModelConfig = addCase ? { ...shaped, caseFeature: true } : shaped;
  const kindCount = featureKindCount(plain);
  const textIndex = new Map<string, number>();
  const features: FeatureTable & Required<Pick<FeatureTable, 'kinds'>> = { ids: [], weights: [], kinds: [] };
  const meaning: FeatureTable['meaning'] = config.lexicon && lexicon ? { vectors: [], alpha: config.lexicon.alpha } : undefined;
  if (meaning) features.meaning = meaning;
  // End to end: each text's lexicon rows as local ids into a float copy of the rows they use.
  const trainLex = meaning !== undefined && (options.trainLexicon ?? false);
  const localRow = new Map<number, number>();
  const globalRows: number[] = [];
  const lexRowsOfText: Int32Array[] = [];
  const textOf = (s: string): number => {
    let i = textIndex.get(s);
    if (i === undefined) {
      i = features.ids.length;
      textIndex.set(s, i);
      const f = featurize(s, plain);
      features.ids.push(f.ids);
      features.weights.push(f.weights);
      features.kinds.push(f.kinds);
      if (meaning && !trainLex) meaning.vectors.push(meaningVector(s, lexicon!));
      if (trainLex) {
        const rows = lexiconLookup(s, lexicon!.vocab, lexicon!.config).rows;
        lexRowsOfText.push(Int32Array.from(rows, (r) => {
          let l = localRow.get(r);
          if (l === undefined) {
            l = globalRows.length;
            localRow.set(r, l);
            globalRows.push(r);
          }
          return l;
        }));
      }
    }
    return i;
  };
  const prepared = prepareTrainingData(pairs, options, textOf, (i) => features.ids[i]!.length > 0);
  const dl = lexicon?.config.dimension ?? 0;
  const lexTable = new Float32Array(trainLex ? globalRows.length * dl : 0);
  if (trainLex) {
    const { values, scales } = lexicon!.meaning;
    globalRows.forEach((r, l) => {
      for (let d = 0; d < dl; d++) lexTable[l * dl + d] = values[r * dl + d]! * scales[r]!;
    });
    meaning!.trainable = { rows: lexRowsOfText, table: lexTable, dimension: dl };
  }
  const lexStart = Float32Array.from(lexTable);
  const lexGrad = new Float32Array(lexTable.length);
  const lexTouched = new Uint8Array(globalRows.length);
  const lexAdam = new LazyAdam(lexTable.length, Math.max(1, dl));
  const lexLr = options.lexiconLearningRate ?? options.learningRate ?? 0.01;
  /** The lexicon half as trained so far: the base's, with the trained rows re-quantised. */
  const currentLexicon = (): LexiconHalf | undefined => (trainLex ? { ...lexicon!, meaning: requantizeRows(lexicon!.meaning, globalRows, lexTable) } : lexicon);

  const learnAlpha = options.learnOrderWeights ?? false;
  const alpha = new Float64Array(kindCount).fill(1);
  if (config.orderWeights) {
    if (config.orderWeights.length !== featureKindCount(config)) throw new RangeError(`orderWeights has ${config.orderWeights.length} entries, expected ${featureKindCount(config)}`);
    alpha.set(config.orderWeights);
  }
  const kindParams: KindParameters = {};
  if (learnAlpha || config.orderWeights) kindParams.alpha = alpha;
  // α = α₀·exp(β): positive, and Adam's steps are relative changes of α.
  const alpha0 = Float64Array.from(alpha);
  const beta = new Float64Array(kindCount);
  const betaGrad = new Float64Array(kindCount);
  const alphaGrad = new Float64Array(kindCount);
  const betaAdam = new LazyAdam(kindCount, kindCount);
  const alphaLr = options.orderLearningRate ?? 0.05;
  const shapeKind = plain.shapeFeatures ? featureKind(plain, 'shape') : -1;
  if (learnAlpha) kindParams.alphaGrad = alphaGrad;
  const lexRowsTouched: number[] = [];
  if (trainLex) kindParams.meaningGrad = { grad: lexGrad, touched: lexTouched, rows: lexRowsTouched };

  // New shape rows start at zero, so the untrained model embeds as the base; the anchor pulls
  // toward that start. (A shape feature's bucket may collide with an n-gram's, like any hash.)
  let start = table;
  const zeroRow = (feature: string) => {
    const row = featureBucket(feature, config.buckets);
    start.fill(0, row * dim, (row + 1) * dim);
  };
  if (addShape || addCase) start = Float32Array.from(table);
  if (addShape) for (let o = 0; o < featureKindCount(config); o++) for (let c = 1; c <= SHAPE_COUNT_CAP; c++) zeroRow(shapeFeature(o, c));
  if (addCase) for (const capitalised of [true, false]) zeroRow(caseFeature(capitalised));
  const trained = Float32Array.from(start);
  const grad = new Float32Array(trained.length);
  const touched = new Uint8Array(config.buckets);
  const everTouched = new Uint8Array(config.buckets);
  const adam = new LazyAdam(trained.length, dim);
  const learnedConfig = (): CharNgramModelConfig =>
    learnAlpha || config.orderWeights ? { ...plain, orderWeights: Array.from(alpha, (x) => Math.fround(x)) } : plain;
  const epochEnd = onEpochEnd && ((epoch: number) => {
    const current = learnedConfig();
    const half = currentLexicon();
    return onEpochEnd(epoch, (t) => referenceEmbedCharNgram(t, current, trained, half));
  });
  const { totalSteps, epochLosses, elapsedMs } = runTrainingLoop(prepared, rng, { ...options, epochs, batchSize, lr, stage, onEpochEnd: epochEnd }, started, (batch, rate) => {
    const { loss, rows } = batchLossAndGradient(trained, dim, features, batch, options.loss, params, grad, touched, spread, kindParams);
    if (anchor > 0)
      for (const row of rows)
        for (let k = row * dim; k < (row + 1) * dim; k++) grad[k]! += anchor * (trained[k]! - start[k]!);
    adam.step(trained, grad, rows, rate);
    for (const row of rows) {
      grad.fill(0, row * dim, (row + 1) * dim);
      touched[row] = 0;
      everTouched[row] = 1;
    }
    if (trainLex && lexRowsTouched.length > 0) {
      if (anchor > 0)
        for (const row of lexRowsTouched)
          for (let k = row * dl; k < (row + 1) * dl; k++) lexGrad[k]! += anchor * (lexTable[k]! - lexStart[k]!);
      lexAdam.step(lexTable, lexGrad, lexRowsTouched, lr > 0 ? (rate / lr) * lexLr : 0);
      for (const row of lexRowsTouched) {
        lexGrad.fill(0, row * dl, (row + 1) * dl);
        lexTouched[row] = 0;
      }
      lexRowsTouched.length = 0;
    }
    if (learnAlpha) {
      // α of the shape kind stays fixed: its rows are learned from zero, so their scale is free anyway.
      for (let o = 0; o < kindCount; o++) betaGrad[o] = o === shapeKind ? 0 : alphaGrad[o]! * alpha[o]!;
      betaAdam.step(beta, betaGrad, [0], lr > 0 ? (rate / lr) * alphaLr : 0);
      for (let o = 0; o < kindCount; o++) alpha[o] = alpha0[o]! * Math.exp(beta[o]!);
      alphaGrad.fill(0);
    }
    return loss;
  });
  const trainedConfig = learnedConfig();
  const finalLexicon = currentLexicon();
  return {
    result: {
      table: trained,
      config: trainedConfig,
      ...(trainLex ? { meaning: finalLexicon!.meaning } : {}),
      totalSteps,
      epochLosses,
      touchedRows: everTouched.reduce((s, x) => s + x, 0),
      pairs: prepared.data.length,
      elapsedMs,
    },
    vectorOf: (t) => referenceEmbedCharNgram(t, trainedConfig, trained, finalLexicon),
  };
}

/**
 * `meaning` with rows `rows[l]` replaced by float rows `l` of `table` ([rows.length × dimension]),
 * quantised as the build does (int8, one scale per row: max |x| / 127). A new table; `meaning` is
 * not modified.
 */
export function requantizeRows(meaning: QuantizedTable, rows: readonly number[], table: Float32Array): QuantizedTable {
  const dl = meaning.dimension;
  const values = Int8Array.from(meaning.values);
  const scales = Float32Array.from(meaning.scales);
  rows.forEach((r, l) => quantizeRow(table, l, dl, values, scales, r));
  return { rows: meaning.rows, dimension: dl, values, scales };
}

/** `config` without `orderWeights` (every feature pooled with 1/n). */
export function withoutOrderWeights(config: CharNgramModelConfig): CharNgramModelConfig {
  if (!config.orderWeights) return config;
  const { orderWeights: _, ...rest } = config;
  return rest;
}

/** Featurises texts for `batchLossAndGradient` (tests, tools). */
export function featureTable(texts: readonly string[], config: CharNgramModelConfig): FeatureTable {
  const out: FeatureTable = { ids: [], weights: [], kinds: [] };
  for (const t of texts) {
    const f = featurize(t, config);
    out.ids.push(f.ids);
    out.weights.push(f.weights);
    out.kinds!.push(f.kinds);
  }
  return out;
}
