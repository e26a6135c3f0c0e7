/**
 * The one validator of learning-job options. Both front ends hand it the values they received (the
 * language server a request's JSON, the CLI its parsed flags) and map a `LearningOptionError` to
 * their own terms: `InvalidParams` naming `option`, or a usage error naming `--<option>`. The
 * rules (ranges, names, which base takes which option) live here only.
 */
import { ADAPTER_KINDS, type AdapterKind } from '../../core/learn/adapter';
import { ADJUST_METHODS, type AdjustMethod } from '../../core/learn/adjust';
import { DEFAULT_VALIDATION_FRACTION } from '../../core/learn/epochs';
import { LOSS_NAMES, type LossName } from '../../core/learn/losses';

/** An option a job cannot take: `option` is its camelCase name, `problem` the rest of the sentence. */
export class LearningOptionError extends Error {
  constructor(
    readonly option: string,
    readonly problem: string,
  ) {
    super(`${option} ${problem}`);
    this.name = 'LearningOptionError';
  }
}

/** The dictionary itself cannot be learned from (no synonym pair, malformed CSV). */
export class LearningInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LearningInputError';
  }
}

/** Fine-tuning options after validation: absent ones take the job's defaults. */
export interface FineTuneOptions {
  /** Undefined: `cosent` when the dictionary has label-0 pairs, else `mnrl` (the job decides). */
  loss?: LossName;
  epochs: number;
  validation: number;
  batchSize: number;
  /** Undefined: the base kind's default (`DEFAULT_LR` in jobs.ts). */
  lr?: number;
  seed: number;
  /** Char-n-gram bases: shape features (default true) and learned per-kind weights (default false). */
  shapeFeatures?: boolean;
  learnOrderWeights?: boolean;
  /** Transformer bases: the adapter kind (default `linear`). */
  adapter?: AdapterKind;
  /**
   * Also adjust the dictionary's terms as the fine-tuned model embeds them and write the table into
   * the new folder (`adjusted/`, see model/adjusted.ts). Default: no table.
   */
  adjust?: AdjustMethod;
}

/** What a front end received; `null` counts as absent (a client may send a setting's "none" so). */
export type RawFineTuneOptions = { [K in keyof FineTuneOptions]?: unknown };

export const FINE_TUNE_DEFAULTS = { epochs: 10, batchSize: 32, seed: 42, maxEpochs: 100_000, maxBatchSize: 4096 } as const;

const absent = (v: unknown): boolean => v === undefined || v === null;

function oneOf<T extends string>(option: string, v: unknown, allowed: readonly T[]): T | undefined {
  if (absent(v)) return undefined;
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  throw new LearningOptionError(option, `must be one of ${allowed.join(', ')}, got '${String(v)}'`);
}

function wholeNumber(option: string, v: unknown, fallback: number, max: number): number {
  if (absent(v)) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) throw new LearningOptionError(option, `must be a positive whole number (at most ${max}), got '${String(v)}'`);
  return v;
}

function numberIn(option: string, v: unknown, fallback: number, min: number, max: number): number {
  if (absent(v)) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new LearningOptionError(option, `must be a number, got '${String(v)}'`);
  if (v < min || v > max) throw new LearningOptionError(option, `must be between ${min} and ${max}, got ${v}`);
  return v;
}

function flag(option: string, v: unknown): boolean | undefined {
  if (absent(v)) return undefined;
  if (typeof v !== 'boolean') throw new LearningOptionError(option, 'must be true or false');
  return v;
}

/**
 * Validates fine-tuning options. `loss: 'auto'` is the default choice (as the setting names it).
 * `base` is what the model will be trained from: an MLP adapter exists only over a transformer's
 * frozen encoder, so asking for one on a char-n-gram base is an error, not a silent no-op.
 */
export function fineTuneOptions(raw: RawFineTuneOptions, base: { id: string; transformer: boolean }): FineTuneOptions {
  if (!absent(raw.loss) && raw.loss !== 'auto' && !(LOSS_NAMES as readonly unknown[]).includes(raw.loss))
    throw new LearningOptionError('loss', `must be auto or one of ${LOSS_NAMES.join(', ')}, got '${String(raw.loss)}'`);
  const loss = raw.loss === 'auto' ? undefined : oneOf('loss', raw.loss, LOSS_NAMES);
  const lr = absent(raw.lr) ? undefined : raw.lr;
  if (lr !== undefined && (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0)) throw new LearningOptionError('lr', `must be a positive number, got '${String(lr)}'`);
  const seed = absent(raw.seed) ? FINE_TUNE_DEFAULTS.seed : raw.seed;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new LearningOptionError('seed', `must be a whole number, got '${String(seed)}'`);
  const adapter = oneOf('adapter', raw.adapter, ADAPTER_KINDS);
  if (adapter === 'mlp' && !base.transformer) {
    throw new LearningOptionError('adapter', `mlp is for transformer models; ${base.id} is a char-n-gram model, whose table is trained instead`);
  }
  return {
    loss,
    epochs: wholeNumber('epochs', raw.epochs, FINE_TUNE_DEFAULTS.epochs, FINE_TUNE_DEFAULTS.maxEpochs),
    validation: numberIn('validation', raw.validation, DEFAULT_VALIDATION_FRACTION, 0, 0.5),
    batchSize: wholeNumber('batchSize', raw.batchSize, FINE_TUNE_DEFAULTS.batchSize, FINE_TUNE_DEFAULTS.maxBatchSize),
    lr: lr as number | undefined,
    seed,
    shapeFeatures: flag('shapeFeatures', raw.shapeFeatures),
    learnOrderWeights: flag('learnOrderWeights', raw.learnOrderWeights),
    adapter,
    adjust: oneOf('adjust', raw.adjust, ADJUST_METHODS),
  };
}

/** An adjustment method; absent: `fallback`. */
export function adjustMethod(raw: unknown, fallback: AdjustMethod = 'retrofit'): AdjustMethod {
  return oneOf('method', raw, ADJUST_METHODS) ?? fallback;
}

/** The cosine threshold of an evaluation's classification report, in [-1, 1]; default 0.5. */
export function evaluationThreshold(raw: unknown): number {
  return numberIn('threshold', raw, 0.5, -1, 1);
}
