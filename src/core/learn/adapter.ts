/**
 * Embedding adapters for frozen transformer encoders: the encoder is run once per distinct term,
 * and a small map on top of its embeddings is trained from the dictionary's pairs — the approach
 * Chroma's and LlamaIndex's embedding adapters take. Generalises to every text the encoder embeds,
 * at the cost of one dim × dim matrix product per text.
 *
 * Input x is the base model's embedding exactly as its engine returns it (pooled, L2-normalised).
 * Normalised rather than raw pooled vectors because (1) that is all the engine interface exposes,
 * (2) graphs that pool in-graph (`sentence_embedding`) only give normalised vectors, and (3) unit
 * inputs make the bias term and the learning rate mean the same for every model. At W = 0, b = 0
 * the adapter is the identity up to rounding, since normalize(normalize(v)) = normalize(v).
 *
 * - `linear`: y = normalize(x + x·W + b), W [dim × dim] and b start at 0 (identity).
 * - `mlp`:    y = normalize(x + relu(x·W1 + b1)·W2 + b2), W2 and b2 start at 0 (identity),
 *             W1 ~ N(0, 1) (seeded; pre-activations of unit inputs are then ~N(0, 1)), b1 = 0.
 * Matrices are [in, out] row-major — what ONNX MatMul multiplies from the right — so
 * (x·W)_j = Σ_i x_i W[i·out + j]. The exporter (src/runtime/learn/exportTransformer.ts) appends the
 * same operations, in the same order, to the encoder's graph.
 *
 * Gradients by hand, from the losses' dL/dy (losses.ts): through the normalisation
 * dL/dz = (g − y (y·g)) / ‖z‖; then dL/dW[i][j] += x_i dL/dz_j, dL/db += dL/dz (linear), and the
 * chain rule through W2, the ReLU and W1 (mlp). Checked against central differences in
 * test/unit/learn.adapter.test.ts.
 *
 * Training follows `trainCharNgram` (train.ts): the same batching (no text twice in a batch),
 * in-batch negatives for pair losses on positive-only data, the `spread` guard against collapse,
 * Adam (dense here: every parameter has a gradient every step) with linear warm-up and decay, the
 * same progress events and `CancelledError`; `anchor` is the L2 pull of every parameter
 * toward its initial value, i.e. toward the identity map. Deterministic for a seed; synchronous.
 */
import { Random } from '../random';
import { LazyAdam } from './adam';
import { computeLoss, DEFAULT_LOSS_PARAMS, type EmbeddedBatch, type LossParams } from './losses';
import { fitWithEpochChoice, type CollapseStop, type EpochSelection, type TrainStage, type VectorOf } from './epochs';
import { prepareTrainingData, runTrainingLoop, type IndexBatch, type TrainOptions } from './train';
import type { TextPair } from './types';

export const ADAPTER_KINDS = ['linear', 'mlp'] as const;
export type AdapterKind = (typeof ADAPTER_KINDS)[number];

/** Shape of an adapter: `hidden` is the MLP's width (0 for `linear`). */
export interface AdapterShape {
  readonly kind: AdapterKind;
  readonly dim: number;
  readonly hidden: number;
}

/** Trained adapter weights (float32, as exported). Matrices [in, out] row-major. */
export type Adapter =
  | { readonly kind: 'linear'; readonly dim: number; readonly weight: Float32Array; readonly bias: Float32Array }
  | {
      readonly kind: 'mlp';
      readonly dim: number;
      readonly hidden: number;
      readonly w1: Float32Array;
      readonly b1: Float32Array;
      readonly w2: Float32Array;
      readonly b2: Float32Array;
    };

/**
 * Number of parameters of the flat vector θ: `linear` [W (dim·dim), b (dim)];
 * `mlp` [W1 (dim·hidden), b1 (hidden), W2 (hidden·dim), b2 (dim)].
 */
export function adapterParameterCount(shape: AdapterShape): number {
  const { dim, hidden } = shape;
  return shape.kind === 'linear' ? dim * dim + dim : 2 * dim * hidden + hidden + dim;
}

/** Initial θ: the identity map (see the file comment); W1 of `mlp` is drawn from `rng`. */
export function initialAdapterParameters(shape: AdapterShape, rng: Random): Float64Array {
  const theta = new Float64Array(adapterParameterCount(shape));
  if (shape.kind === 'mlp') for (let k = 0; k < shape.dim * shape.hidden; k++) theta[k] = rng.nextNormal();
  return theta;
}

/** The float32 weights of θ. */
export function adapterFromParameters(shape: AdapterShape, theta: Float64Array): Adapter {
  const { dim, hidden } = shape;
  const part = (from: number, length: number) => Float32Array.from(theta.subarray(from, from + length));
  if (shape.kind === 'linear') return { kind: 'linear', dim, weight: part(0, dim * dim), bias: part(dim * dim, dim) };
  let at = 0;
  const w1 = part(at, dim * hidden);
  at += dim * hidden;
  const b1 = part(at, hidden);
  at += hidden;
  const w2 = part(at, hidden * dim);
  at += hidden * dim;
  return { kind: 'mlp', dim, hidden, w1, b1, w2, b2: part(at, dim) };
}

/** θ (float64) of float32 weights, e.g. to continue from or check an exported adapter. */
export function adapterParameters(adapter: Adapter): { shape: AdapterShape; theta: Float64Array } {
  const parts = adapter.kind === 'linear' ? [adapter.weight, adapter.bias] : [adapter.w1, adapter.b1, adapter.w2, adapter.b2];
  const theta = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    theta.set(p, at);
    at += p.length;
  }
  return { shape: { kind: adapter.kind, dim: adapter.dim, hidden: adapter.kind === 'mlp' ? adapter.hidden : 0 }, theta };
}

/** The identity adapter of `dim` (all weights 0; an `mlp` with W1 = 0 too). */
export function identityAdapter(dim: number, kind: AdapterKind = 'linear', hidden = dim): Adapter {
  const shape: AdapterShape = { kind, dim, hidden: kind === 'mlp' ? hidden : 0 };
  return adapterFromParameters(shape, new Float64Array(adapterParameterCount(shape)));
}

interface Forward {
  /** Unit output (zero if z is zero). */
  y: Float64Array;
  /** ‖z‖ before normalisation. */
  norm: number;
  /** MLP pre-activations x·W1 + b1. */
  pre?: Float64Array;
}

/** y = normalize(x + f(x)) in float64, with θ laid out as in `adapterParameterCount`. */
function forward(shape: AdapterShape, theta: ArrayLike<number>, x: ArrayLike<number>): Forward {
  const { dim, hidden } = shape;
  const z = new Float64Array(dim);
  let pre: Float64Array | undefined;
  if (shape.kind === 'linear') {
    // z = (x + x·W) + b, summed in this order (the exported graph's order).
    for (let i = 0; i < dim; i++) {
      const xi = x[i]!;
      if (xi === 0) continue;
      const off = i * dim;
      for (let j = 0; j < dim; j++) z[j]! += xi * theta[off + j]!;
    }
    const b = dim * dim;
    for (let j = 0; j < dim; j++) z[j] = x[j]! + z[j]! + theta[b + j]!;
  } else {
    const b1 = dim * hidden;
    const w2 = b1 + hidden;
    const b2 = w2 + hidden * dim;
    pre = new Float64Array(hidden);
    for (let i = 0; i < dim; i++) {
      const xi = x[i]!;
      if (xi === 0) continue;
      const off = i * hidden;
      for (let k = 0; k < hidden; k++) pre[k]! += xi * theta[off + k]!;
    }
    for (let k = 0; k < hidden; k++) {
      pre[k]! += theta[b1 + k]!;
      const hk = pre[k]! > 0 ? pre[k]! : 0;
      if (hk === 0) continue;
      const off = w2 + k * dim;
      for (let j = 0; j < dim; j++) z[j]! += hk * theta[off + j]!;
    }
    // z = x + (h·W2 + b2), the exported graph's order.
    for (let j = 0; j < dim; j++) z[j] = x[j]! + (z[j]! + theta[b2 + j]!);
  }
  let sq = 0;
  for (let j = 0; j < dim; j++) sq += z[j]! * z[j]!;
  const norm = Math.sqrt(sq);
  if (norm > 0) for (let j = 0; j < dim; j++) z[j]! /= norm;
  return { y: z, norm, pre };
}

/**
 * The adapted embedding of `x` (the base model's L2-normalised embedding): a unit float32 vector,
 * computed in float64 from the float32 weights — what the exported graph outputs, within float32
 * rounding.
 */
export function applyAdapter(adapter: Adapter, x: ArrayLike<number>): Float32Array {
  if (x.length !== adapter.dim) throw new RangeError(`adapter expects ${adapter.dim} values, got ${x.length}`);
  let flat = flattened.get(adapter);
  if (!flat) flattened.set(adapter, (flat = adapterParameters(adapter)));
  return Float32Array.from(forward(flat.shape, flat.theta, x).y);
}

/** θ of adapters already applied (adapters are treated as immutable once trained). */
const flattened = new WeakMap<Adapter, { shape: AdapterShape; theta: Float64Array }>();

/** Adds dL/dθ of one text, given g = dL/dy, into `grad`. */
function backward(shape: AdapterShape, theta: Float64Array, x: Float64Array, f: Forward, g: Float64Array, grad: Float64Array): void {
  const { dim, hidden } = shape;
  if (f.norm === 0) return;
  const y = f.y;
  let yg = 0;
  for (let j = 0; j < dim; j++) yg += y[j]! * g[j]!;
  const dz = new Float64Array(dim);
  for (let j = 0; j < dim; j++) dz[j] = (g[j]! - y[j]! * yg) / f.norm;
  if (shape.kind === 'linear') {
    for (let i = 0; i < dim; i++) {
      const xi = x[i]!;
      if (xi === 0) continue;
      const off = i * dim;
      for (let j = 0; j < dim; j++) grad[off + j]! += xi * dz[j]!;
    }
    const b = dim * dim;
    for (let j = 0; j < dim; j++) grad[b + j]! += dz[j]!;
    return;
  }
  const b1 = dim * hidden;
  const w2 = b1 + hidden;
  const b2 = w2 + hidden * dim;
  const pre = f.pre!;
  const dpre = new Float64Array(hidden);
  for (let k = 0; k < hidden; k++) {
    const off = w2 + k * dim;
    const hk = pre[k]! > 0 ? pre[k]! : 0;
    let dh = 0;
    for (let j = 0; j < dim; j++) {
      grad[off + j]! += hk * dz[j]!;
      dh += theta[off + j]! * dz[j]!;
    }
    dpre[k] = pre[k]! > 0 ? dh : 0;
  }
  for (let j = 0; j < dim; j++) grad[b2 + j]! += dz[j]!;
  for (let i = 0; i < dim; i++) {
    const xi = x[i]!;
    if (xi === 0) continue;
    const off = i * hidden;
    for (let k = 0; k < hidden; k++) grad[off + k]! += xi * dpre[k]!;
  }
  for (let k = 0; k < hidden; k++) grad[b1 + k]! += dpre[k]!;
}

/**
 * Loss of one batch and its gradient with respect to θ, accumulated into `grad`. `inputs[t]` is
 * text t's base embedding. Includes the `spread` penalty μ‖ē‖² on the batch's distinct outputs (as
 * train.ts) and, when `theta0` is given, the `anchor` penalty λ/2 ‖θ − θ₀‖². Exposed for the
 * gradient check.
 */
export function adapterBatchLossAndGradient(
  shape: AdapterShape,
  theta: Float64Array,
  inputs: readonly Float64Array[],
  batch: IndexBatch,
  loss: TrainOptions['loss'],
  params: LossParams,
  grad: Float64Array,
  spread = 0,
  anchor = 0,
  theta0?: Float64Array,
): number {
  const { dim } = shape;
  const outs = new Map<number, Forward>();
  for (const t of [...batch.a, ...batch.b]) if (!outs.has(t)) outs.set(t, forward(shape, theta, inputs[t]!));
  const embedded: EmbeddedBatch = {
    a: batch.a.map((t) => outs.get(t)!.y),
    b: batch.b.map((t) => outs.get(t)!.y),
    labels: batch.labels,
  };
  const r = computeLoss(loss, embedded, params);
  const gradY = new Map<number, Float64Array>();
  const add = (t: number, g: Float64Array) => {
    const acc = gradY.get(t);
    if (acc) for (let d = 0; d < dim; d++) acc[d]! += g[d]!;
    else gradY.set(t, Float64Array.from(g));
  };
  batch.a.forEach((t, i) => add(t, r.gradA[i]!));
  batch.b.forEach((t, i) => add(t, r.gradB[i]!));
  let total = r.loss;
  if (spread > 0) {
    // μ‖ē‖² over the distinct outputs: holds the mean cosine of unrelated texts near 0 (train.ts).
    const live = [...outs.keys()].filter((t) => outs.get(t)!.norm > 0);
    const mean = new Float64Array(dim);
    for (const t of live) {
      const y = outs.get(t)!.y;
      for (let d = 0; d < dim; d++) mean[d]! += y[d]! / live.length;
    }
    let sq = 0;
    for (let d = 0; d < dim; d++) sq += mean[d]! * mean[d]!;
    total += spread * sq;
    const g = mean.map((m) => (2 * spread * m) / live.length);
    for (const t of live) add(t, g);
  }
  for (const [t, g] of gradY) backward(shape, theta, inputs[t]!, outs.get(t)!, g, grad);
  if (anchor > 0 && theta0) {
    let sq = 0;
    for (let k = 0; k < theta.length; k++) {
      const d = theta[k]! - theta0[k]!;
      sq += d * d;
      grad[k]! += anchor * d;
    }
    total += (anchor / 2) * sq;
  }
  return total;
}

export interface AdapterTrainOptions extends TrainOptions {
  /** `linear` (default) or a one-hidden-layer residual `mlp`. */
  kind?: AdapterKind;
  /** Width of the `mlp`'s hidden layer. Default: the embedding dimension. */
  hidden?: number;
  /** Peak Adam learning rate. Default 1e-3 (a dense matrix: every weight moves every step). */
  learningRate?: number;
  /** λ of λ/2 ‖θ − θ₀‖², the pull toward the identity map. Default 1e-3 (0 disables). */
  anchor?: number;
}

export interface AdapterTrainResult {
  adapter: Adapter;
  totalSteps: number;
  /** Mean batch loss per epoch of the final run (including the spread and anchor penalties). */
  epochLosses: number[];
  /** How the epoch count was chosen (`epochs.ts`); absent when it was not. */
  epochSelection?: EpochSelection;
  /** What the collapse guard did when the epoch count could not be chosen (too few held-out pairs; `epochs.ts`). */
  collapseStop?: CollapseStop;
  /** Pairs trained on (after dropping self-pairs and texts without an input vector). */
  pairs: number;
  elapsedMs: number;
}

/**
 * Trains an adapter over frozen embeddings. `vectorOf(text)` gives a text's base embedding
 * (L2-normalised, `dim` values), or undefined to skip its pairs; it is called once per distinct
 * text. `mnrl` trains on label-1 pairs only; pairs whose two texts share a `termKey` are skipped.
 */
export function trainAdapter(
  dim: number,
  vectorOf: (text: string) => ArrayLike<number> | undefined,
  pairs: readonly TextPair[],
  options: AdapterTrainOptions,
): AdapterTrainResult {
  const started = Date.now();
  const base = (t: string) => {
    const v = vectorOf(t);
    return v === undefined || v.length !== dim ? undefined : v;
  };
  const { result, selection, collapseStop } = fitWithEpochChoice(pairs, options.epochs ?? 10, options, base, (fitPairs, epochs, stage, onEpochEnd) =>
    fitAdapter(dim, vectorOf, fitPairs, { ...options, epochs }, started, stage, onEpochEnd),
  );
  return { ...result, ...(selection ? { epochSelection: selection } : {}), ...(collapseStop ? { collapseStop } : {}), elapsedMs: Date.now() - started };
}

/** One training run of `trainAdapter` (no epoch choice); `onEpochEnd` as in `FitFunction`. */
function fitAdapter(
  dim: number,
  vectorOf: (text: string) => ArrayLike<number> | undefined,
  pairs: readonly TextPair[],
  options: AdapterTrainOptions & { epochs: number },
  started: number,
  stage: TrainStage,
  onEpochEnd?: (epoch: number, vectorOf: VectorOf) => boolean,
): { result: AdapterTrainResult; vectorOf: VectorOf } {
  const kind = options.kind ?? 'linear';
  const shape: AdapterShape = { kind, dim, hidden: kind === 'mlp' ? Math.max(1, Math.floor(options.hidden ?? dim)) : 0 };
  const epochs = options.epochs;
  const batchSize = options.batchSize ?? 32;
  const lr = options.learningRate ?? 1e-3;
  const anchor = options.anchor ?? 1e-3;
  const spread = options.spread ?? 1;
  const params: LossParams = { ...DEFAULT_LOSS_PARAMS, ...options.lossParams };
  const rng = new Random(options.seed ?? 42);

  const textIndex = new Map<string, number>();
  const inputs: (Float64Array | undefined)[] = [];
  const textOf = (s: string): number => {
    let i = textIndex.get(s);
    if (i === undefined) {
      i = inputs.length;
      textIndex.set(s, i);
      const v = vectorOf(s);
      if (v !== undefined && v.length !== dim) throw new RangeError(`vector of "${s}" has ${v.length} values, expected ${dim}`);
      inputs.push(v === undefined ? undefined : Float64Array.from(v));
    }
    return i;
  };
  const prepared = prepareTrainingData(pairs, options, textOf, (i) => inputs[i] !== undefined);

  // The initial θ draws from the same generator before the shuffles, so a seed fixes both.
  const theta0 = initialAdapterParameters(shape, rng);
  const theta = Float64Array.from(theta0);
  const grad = new Float64Array(theta.length);
  // One row spanning every parameter: LazyAdam's update of that row is dense Adam.
  const adam = new LazyAdam(theta.length, theta.length);
  const vectors = inputs as Float64Array[]; // only texts with vectors are referenced by `prepared`
  // The adapted vector of any text under θ as it is now (undefined without a base vector).
  const adapted = (t: string) => {
    const x = vectorOf(t);
    return x === undefined || x.length !== dim ? undefined : forward(shape, theta, Float64Array.from(x)).y;
  };
  const epochEnd = onEpochEnd && ((epoch: number) => onEpochEnd(epoch, adapted));
  const { totalSteps, epochLosses, elapsedMs } = runTrainingLoop(prepared, rng, { ...options, epochs, batchSize, lr, stage, onEpochEnd: epochEnd }, started, (batch, rate) => {
    grad.fill(0);
    const loss = adapterBatchLossAndGradient(shape, theta, vectors, batch, options.loss, params, grad, spread, anchor, theta0);
    adam.step(theta, grad, [0], rate);
    return loss;
  });
  const adapter = adapterFromParameters(shape, theta);
  return {
    result: { adapter, totalSteps, epochLosses, pairs: prepared.data.length, elapsedMs },
    vectorOf: (t) => {
      const x = vectorOf(t);
      return x === undefined || x.length !== dim ? undefined : applyAdapter(adapter, x);
    },
  };
}
