/**
 * Fine-tuning of a transformer model: the encoder stays frozen, every distinct term (train, dev and
 * the retrieval vocabulary) is embedded once by the base engine, a residual adapter is trained on
 * those cached vectors (src/core/learn/adapter.ts), the held-out pairs are evaluated before and
 * after, and the result is exported as one standalone model folder (exportTransformer.ts).
 *
 * Async (the engine's `embed` is), unlike the char-n-gram path; the training loop itself is
 * synchronous, so run this in the training worker and share the cancellation flag through a
 * `SharedArrayBuffer`. A cancelled or failed run leaves no output folder.
 */
import { applyAdapter, trainAdapter, type Adapter, type AdapterKind, type AdapterTrainResult } from '../../core/learn/adapter';
import type { PhaseProgress } from './jobs';
import { evaluate, termsOf, type Evaluation } from '../../core/learn/evaluate';
import type { LossName, LossParams } from '../../core/learn/losses';
import { DEFAULT_VALIDATION_FRACTION } from '../../core/learn/epochs';
import type { TrainProgress } from '../../core/learn/train';
import { type TextPair } from '../../core/learn/types';
import { CancelledError, type CancellationFlag } from '../../core/cancellation';
import type { EmbeddingEngine } from '../model/engine';
import type { FineTuneProvenance } from './export';
import { exportTransformerModel, type TransformerExportBase } from './exportTransformer';

/** The training loop's events plus named phases (structurally the pipeline's `JobProgress`). */
export type TransformerFineTuneProgress = TrainProgress | PhaseProgress;

export interface TransformerFineTuneOptions {
  loss: LossName;
  /** Default 10; with `validation` the limit of the epoch choice. */
  epochs?: number;
  /** Share of training groups held out to choose the epoch count (`epochs.ts`); default 0.1, 0 off. */
  validation?: number;
  /** Default 32. */
  batchSize?: number;
  /** Peak Adam learning rate; default 1e-3 (not the char-n-gram default 0.01). */
  learningRate?: number;
  /** Default 42. */
  seed?: number;
  warmupRatio?: number;
  /** `linear` (default) or `mlp` (one hidden layer, residual). */
  adapter?: AdapterKind;
  /** Hidden width of the `mlp`; default the embedding dimension. */
  hidden?: number;
  /** L2 pull toward the identity map; default 1e-3. */
  anchor?: number;
  /** Collapse guard μ (train.ts `spread`); default 1. */
  spread?: number;
  inBatchNegatives?: boolean;
  lossParams?: Partial<LossParams>;
  /** Cosine threshold of the evaluation's classification report; default 0.5. */
  threshold?: number;
}

export interface FineTuneTransformerParams {
  /** The base model folder as the user named it (refused as `outDir`, like the engine's own folder). */
  baseDir: string;
  /** The loaded base model (a `TransformerEngine`). */
  engine: EmbeddingEngine & TransformerExportBase;
  /** Training pairs and held-out pairs (split by group, dev negatives sampled: see pipeline.ts). */
  trainPairs: readonly TextPair[];
  devPairs: readonly TextPair[];
  options: TransformerFineTuneOptions;
  /** Folder to create (must not exist). */
  outDir: string;
  /** Retrieval vocabulary of the evaluation; default the terms of train and dev. */
  vocabulary?: readonly string[];
  /** Provenance for `synonym-lens.json` (training file hash …); metrics, loss, hyper-parameters are filled in. */
  provenance?: Partial<FineTuneProvenance>;
  onProgress?: (event: TransformerFineTuneProgress) => void;
  token?: CancellationFlag;
}

export interface FineTuneTransformerResult {
  /** Absolute path of the written folder. */
  modelDir: string;
  /** Held-out evaluation with the base model and with the adapter. */
  before: Evaluation;
  after: Evaluation;
  adapter: Adapter;
  training: Omit<AdapterTrainResult, 'adapter'>;
  /** Base and adapted vectors of every embedded term (e.g. the report's per-pair cosines). */
  vectorsBefore: ReadonlyMap<string, Float32Array>;
  vectorsAfter: ReadonlyMap<string, Float32Array>;
}

/** Terms per `embed` call: small enough for progress and cancellation between calls. */
const EMBED_CHUNK = 256;

function cancelled(token: CancellationFlag | undefined): void {
  if (token?.isCancellationRequested) throw new CancelledError();
}

/**
 * Trains an adapter over `engine` on `trainPairs`, evaluates on `devPairs` before and after, and
 * writes the fine-tuned model to `outDir`. Rejects with `CancelledError` (name
 * `CancelledError`) when `token` is set; nothing is written then.
 */
export async function fineTuneTransformer(params: FineTuneTransformerParams): Promise<FineTuneTransformerResult> {
  const { engine, options, token } = params;
  const progress = params.onProgress ?? (() => undefined);
  const vocabulary = params.vocabulary ?? termsOf([...params.trainPairs, ...params.devPairs]);

  // 1. Embed every distinct text once with the frozen encoder.
  const texts = [...new Set([...params.trainPairs.flatMap((p) => [p.a, p.b]), ...params.devPairs.flatMap((p) => [p.a, p.b]), ...vocabulary])];
  const before = new Map<string, Float32Array>();
  for (let start = 0; start < texts.length; start += EMBED_CHUNK) {
    cancelled(token);
    progress({ type: 'phase', phase: 'embed-terms', message: `embedding terms with ${engine.id}: ${start}/${texts.length}`, done: start, total: texts.length, model: engine.id });
    const chunk = texts.slice(start, start + EMBED_CHUNK);
    let vectors: Float32Array[];
    try {
      vectors = await engine.embed(chunk, token);
    } catch (err) {
      if ((err as Error).name === 'CancelledError') throw new CancelledError();
      throw err;
    }
    chunk.forEach((t, i) => before.set(t, vectors[i]!));
  }
  cancelled(token);

  // 2. Train the adapter on the cached vectors.
  progress({ type: 'phase', phase: 'train-adapter', message: 'training the adapter' });
  const trained = trainAdapter(engine.dimension, (t) => before.get(t), params.trainPairs, {
    loss: options.loss,
    epochs: options.epochs,
    validation: options.validation,
    batchSize: options.batchSize,
    learningRate: options.learningRate,
    seed: options.seed,
    warmupRatio: options.warmupRatio,
    kind: options.adapter,
    hidden: options.hidden,
    anchor: options.anchor,
    spread: options.spread,
    inBatchNegatives: options.inBatchNegatives,
    lossParams: options.lossParams,
    onProgress: progress,
    token,
  });
  cancelled(token);

  // 3. Held-out evaluation, base vs adapted.
  progress({ type: 'phase', phase: 'evaluate-held-out', message: 'evaluating on held-out pairs' });
  const after = new Map<string, Float32Array>();
  for (const [t, v] of before) after.set(t, applyAdapter(trained.adapter, v));
  const evalOptions = { vocabulary, threshold: options.threshold };
  const evalBefore = evaluate(params.devPairs, (t) => before.get(t), evalOptions);
  cancelled(token);
  const evalAfter = evaluate(params.devPairs, (t) => after.get(t), evalOptions);
  cancelled(token);

  // 4. Export.
  progress({ type: 'phase', phase: 'write-model', message: 'writing the model' });
  const hyperParameters = {
    adapter: trained.adapter.kind,
    ...(trained.adapter.kind === 'mlp' ? { hidden: trained.adapter.hidden } : {}),
    epochs: trained.epochSelection?.epochs ?? trained.collapseStop?.epochs ?? options.epochs ?? 10,
    max_epochs: options.epochs ?? 10,
    validation: options.validation ?? DEFAULT_VALIDATION_FRACTION,
    batch_size: options.batchSize ?? 32,
    lr: options.learningRate ?? 1e-3,
    seed: options.seed ?? 42,
    warmup_ratio: options.warmupRatio ?? 0.1,
    anchor: options.anchor ?? 1e-3,
    spread: options.spread ?? 1,
    total_steps: trained.totalSteps,
    train_pairs: trained.pairs,
  };
  const modelDir = exportTransformerModel({
    outDir: params.outDir,
    baseDir: params.baseDir,
    base: engine,
    adapter: trained.adapter,
    provenance: {
      training_file_sha256: '',
      ...params.provenance,
      loss: options.loss,
      hyper_parameters: { ...hyperParameters, ...params.provenance?.hyper_parameters },
      metrics_before: evalBefore,
      metrics_after: evalAfter,
    },
  });
  const { adapter, ...training } = trained;
  return { modelDir, before: evalBefore, after: evalAfter, adapter, training, vectorsBefore: before, vectorsAfter: after };
}
