/**
 * The learning use cases, once, for both front ends: fine-tune, adjust vectors, evaluate. Each takes
 * validated options (`options.ts`), a dictionary's text, a model and a `JobControl` (abort signal,
 * progress callback), runs its heavy part in the training worker (`runner.ts`) and writes any
 * output folder atomically. The language server adds work-done progress and `ResponseError`s
 * around them; the CLI adds argument parsing and printing. Errors: `LearningOptionError` and
 * `LearningInputError` (the caller's input), `CancelledError` (the signal), anything else a failure.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CancelledError, flagOf } from '../../core/cancellation';
import type { AdjustMethod } from '../../core/learn/adjust';
import { termsOf } from '../../core/learn/evaluate';
import { termKey } from '../../core/dictionary';
import { evaluationPairs, splitForScoring } from '../../core/learn/split';
import type { TextPair } from '../../core/learn/types';
import type { TrainingDataOverlap } from '../../shared/protocol';
import { EMBEDDED_TABLE_DIR } from '../model/adjusted';
import { sha256Hex } from './export';
import type { EmbeddingEngine } from '../model/engine';
import { BUILTIN_V1_SPEC, builtinV1ModelDir } from '../model/load';
import { isTransformerFolder, resolveTransformerSpec } from '../model/transformer';
import type { AdjustOutput, EvaluateOutput, FineTuneOutput, JobProgress } from './jobs';
import { LearningOptionError, type FineTuneOptions } from './options';
import { dictionaryPairs, runEvaluate } from './pipeline';
import { runInWorker, runToFolder, stagingFor } from './runner';
import type { Decision } from '../../core/decisions';

/** How a caller steers a job: cancel through `signal`, follow through `onProgress`. */
export interface JobControl {
  signal?: AbortSignal;
  onProgress?: (event: JobProgress) => void;
}

/** A model to train from: its folder, its id (a name for reports) and the spec that names it. */
export interface BaseModel {
  dir: string;
  id: string;
  /** `builtin`, an absolute model folder or a resolved downloaded model's folder. */
  spec: string;
  /** A transformer folder (an adapter is trained) rather than a char-n-gram table (trained itself). */
  transformer: boolean;
}

/** A loaded model a job embeds with. */
export interface ModelHandle {
  engine: EmbeddingEngine;
  id: string;
  spec: string;
}

/**
 * The base model named by `spec`: `builtin`, a model folder (char-n-gram or transformer), or a
 * transformer `org/name` downloaded before or in the Hugging Face cache. Relative folders resolve
 * against `cwd`.
 */
export function resolveBaseModel(spec: string | undefined, cwd = process.cwd()): BaseModel {
  const s = spec?.trim() ? spec.trim() : 'builtin';
  // Fine-tuning trains the char n-gram table: the embedded model's v1 folder is that table alone.
  if (s === 'builtin' || s === BUILTIN_V1_SPEC) return { dir: builtinV1ModelDir(), id: 'builtin', spec: s, transformer: false };
  const downloaded = resolveTransformerSpec(s);
  if (downloaded !== undefined) return { dir: downloaded, id: path.basename(downloaded), spec: downloaded, transformer: true };
  const dir = path.resolve(cwd, s);
  if (!existsSync(path.join(dir, 'config.json'))) throw new LearningOptionError('model', `'${s}' is not a model folder (no config.json)`);
  return { dir, id: path.basename(dir), spec: dir, transformer: isTransformerFolder(dir) };
}

/** Fine-tunes `base` on the dictionary and writes the new model folder `dest` (never overwritten). */
export async function fineTune(
  input: { text: string; dictionary: string; base: BaseModel; dest: string; options: FineTuneOptions; decisions?: Decision[] },
  control: JobControl = {},
): Promise<FineTuneOutput> {
  dictionaryPairs(input.text);
  const { options } = input;
  return runToFolder(
    {
      kind: 'fineTune',
      text: input.text,
      dictionary: input.dictionary,
      ...(input.decisions?.length ? { decisions: input.decisions } : {}),
      baseDir: input.base.dir,
      baseId: input.base.id,
      stagingDir: stagingFor(input.dest),
      modelName: path.basename(input.dest),
      loss: options.loss,
      epochs: options.epochs,
      validation: options.validation,
      batchSize: options.batchSize,
      lr: options.lr,
      seed: options.seed,
      shapeFeatures: options.shapeFeatures,
      learnOrderWeights: options.learnOrderWeights,
      adapter: options.adapter,
      adjust: options.adjust,
    },
    input.dest,
    control,
  );
}

/** Moves the dictionary terms' vectors of `model` (`method`) and writes them as a model folder `dest`. */
export async function adjust(input: { text: string; method: AdjustMethod; model: ModelHandle; dest: string }, control: JobControl = {}): Promise<AdjustOutput> {
  const terms = termsOf(dictionaryPairs(input.text));
  const { engine } = input.model;
  control.onProgress?.({ type: 'phase', phase: 'embed-terms', message: `embedding ${terms.length} terms`, done: 0, total: terms.length });
  const vectors = await engine.embed(terms, control.signal && flagOf(control.signal));
  return runToFolder(
    {
      kind: 'adjust',
      text: input.text,
      method: input.method,
      terms,
      vectors,
      stagingDir: stagingFor(input.dest),
      base: { spec: input.model.spec, id: input.model.id, fingerprint: engine.fingerprint, dimension: engine.dimension },
    },
    input.dest,
    control,
  );
}

/** What an evaluation found: the metrics, their Markdown, every scored pair, and how it was labelled. */
export interface EvaluationOutcome extends EvaluateOutput {
  modelId: string;
  /** Labelled pairs evaluated (the file's, plus sampled negatives when it has none). */
  pairs: number;
  /** Negatives sampled because the file has no label-0 pair (0 otherwise). */
  sampledNegatives: number;
  /** Set when the model was trained on these pairs (see `trainingOverlap`). */
  training?: TrainingDataOverlap;
  /** The evaluation is on the held-out side of the model's own split (`heldOut`). */
  heldOut?: boolean;
}

/** At least this share of the evaluated pairs trained on makes an evaluation "on the training data". */
export const TRAINING_OVERLAP_SHARE = 0.5;

const readJson = (file: string): Record<string, unknown> | undefined => {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

const pairKey = (p: TextPair) => {
  const a = termKey(p.a);
  const b = termKey(p.b);
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
};

/** What a model folder records of its training data: the file's hash and path, the split seed, whether every pair was used. */
interface TrainingRecord {
  sha256: string;
  file?: string;
  seed: number;
  /** Every pair moved the model (vector adjustments; a folder with its own adjusted table): no held-out side. */
  allPairs: boolean;
}

function trainingRecord(modelDir: string): TrainingRecord | undefined {
  const provenance = readJson(path.join(modelDir, 'synonym-lens.json'));
  const config = readJson(path.join(modelDir, 'config.json'));
  const sha = provenance?.training_file_sha256 ?? config?.training_file_sha256;
  if (typeof sha !== 'string' || sha === '') return undefined;
  const hp = provenance?.hyper_parameters as { seed?: unknown } | undefined;
  const seed = typeof hp?.seed === 'number' && Number.isInteger(hp.seed) ? hp.seed : 42;
  const file = typeof provenance?.training_file === 'string' ? provenance.training_file : undefined;
  const allPairs = provenance === undefined || existsSync(path.join(modelDir, EMBEDDED_TABLE_DIR, 'config.json'));
  return { sha256: sha, seed, allPairs, ...(file !== undefined ? { file } : {}) };
}

/**
 * Whether the model in `modelDir` was trained on the pairs of `text`: the text is its training
 * file (same SHA-256), or at least `TRAINING_OVERLAP_SHARE` of its pairs are among the pairs the
 * model trained on (the training file read again from its recorded path, split with the recorded
 * seed). A fine-tuned model trained on its split's train side only, so the held-out side of the
 * same file can be evaluated instead (`heldOutAvailable`); an adjusted-vector table used every pair.
 */
export function trainingOverlap(modelDir: string | undefined, text: string): TrainingDataOverlap | undefined {
  if (modelDir === undefined || !path.isAbsolute(modelDir)) return undefined;
  const record = trainingRecord(modelDir);
  if (!record) return undefined;
  const pairs = dictionaryPairs(text);
  const trainedOn = (training: readonly TextPair[]) => new Set((record.allPairs ? training : splitForScoring(training, { seed: record.seed }).train).map(pairKey));
  if (sha256Hex(text) === record.sha256) {
    const trained = trainedOn(pairs);
    return { kind: 'same-file', pairs: pairs.length, trainedPairs: pairs.filter((p) => trained.has(pairKey(p))).length, heldOutAvailable: !record.allPairs, ...(record.file ? { trainingFile: record.file } : {}) };
  }
  if (record.file === undefined) return undefined;
  let training: TextPair[];
  try {
    training = dictionaryPairs(readFileSync(record.file, 'utf8'));
  } catch {
    return undefined;
  }
  const trained = trainedOn(training);
  const trainedPairs = pairs.filter((p) => trained.has(pairKey(p))).length;
  if (trainedPairs < TRAINING_OVERLAP_SHARE * pairs.length) return undefined;
  return { kind: 'overlap', pairs: pairs.length, trainedPairs, heldOutAvailable: false, trainingFile: record.file };
}

/**
 * Scores every pair of the dictionary with `model` at `threshold`. A file without label-0 pairs gets
 * sampled negatives (as many as its positives, half sharing a character; seeded). Every spelling of
 * every term is embedded once, as the pairs spell it.
 */
export async function evaluate(
  input: { text: string; model: { engine: EmbeddingEngine; id: string }; threshold: number; inWorker?: boolean; modelDir?: string; heldOut?: boolean },
  control: JobControl = {},
): Promise<EvaluationOutcome> {
  const training = trainingOverlap(input.modelDir, input.text);
  if (input.heldOut && !training?.heldOutAvailable) {
    throw new LearningOptionError('heldOut', 'needs a fine-tuned model evaluated on the very file it was trained on (its held-out split is known only then)');
  }
  const record = input.heldOut ? trainingRecord(input.modelDir!) : undefined;
  // The held-out side of the model's own split (same pairs, same seed, same sampled negatives).
  const split = record ? splitForScoring(dictionaryPairs(input.text), { seed: record.seed }) : undefined;
  const labelled = split ? { pairs: split.dev, sampled: split.sampledNegatives } : evaluationPairs(dictionaryPairs(input.text));
  const terms = [...new Set([...termsOf(labelled.pairs), ...labelled.pairs.flatMap((p) => [p.a, p.b])])];
  control.onProgress?.({ type: 'phase', phase: 'embed-terms', message: `embedding ${terms.length} terms`, done: 0, total: terms.length });
  const vectors = await input.model.engine.embed(terms, control.signal && flagOf(control.signal));
  const job = { kind: 'evaluate', pairs: labelled.pairs, terms, vectors, threshold: input.threshold } as const;
  // The server keeps its event loop free (a worker); the CLI has nothing else to do meanwhile.
  const out = input.inWorker
    ? await runInWorker({ ...job, pairs: [...job.pairs] }, control)
    : runEvaluate({ ...job, pairs: [...job.pairs] }, { token: control.signal ? flagOf(control.signal) : { isCancellationRequested: false }, onProgress: control.onProgress ?? (() => undefined) });
  if (control.signal?.aborted) throw new CancelledError();
  return {
    ...out,
    modelId: input.model.id,
    pairs: labelled.pairs.length,
    sampledNegatives: labelled.sampled,
    ...(training && !split ? { training } : {}),
    ...(split ? { heldOut: true } : {}),
  };
}
