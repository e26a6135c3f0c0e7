/**
 * Choosing the number of epochs on held-out training groups (used by `trainCharNgram`).
 *
 * Fine-tuning overfits at different speeds on different dictionaries: on the WordNet benchmark a
 * few epochs beat 10 by 0.02–0.03 held-out AUC for `cosine` and `mnrl`, while on the Chinese list
 * 4–10 are equal (docs/quality.md, "Third round"). So a run first trains on the training pairs minus
 * a share of their synonym groups (`validation`, default 10 %; split as `splitByGroup` does, so no
 * validation term is trained on), scores those held-out pairs — with sampled negatives when they have
 * none — by ROC-AUC after every epoch, and stops once `patience` epochs in a row have not beaten the
 * best. Then it trains again, on every training pair, for the best epoch count: the returned model
 * has seen all the data, with the learning-rate schedule of the epochs it runs.
 *
 * Collapse guard: AUC ranks pairs, so it does not see every vector drifting together (which breaks
 * fixed thresholds such as the diagnostics'). An epoch only counts as best when the mean cosine of
 * random pairs of the training side's terms (held-out ones included) has risen by at most
 * `COLLAPSE_LIMIT` over the untrained model (pairs from different synonym groups); and when the final, shorter run has risen by more
 * (short schedules leave the spread penalty little time), a run of `epochs` on every pair — the
 * behaviour without a choice — is made too, and the model that moved random pairs less is kept.
 *
 * The choice is skipped (one run on every pair, for `epochs`) when `validation` is 0, when there is
 * a single epoch, or when the held-out share would have fewer than `MIN_VALIDATION_POSITIVES`
 * synonym pairs or no non-synonym pair: an AUC over a handful of pairs moves by tenths between
 * epochs and would pick an epoch count at random (a 60-row sample dictionary holds out 4 pairs).
 *
 * Small dictionaries still get the collapse guard, which needs no held-out pair: when the choice is
 * skipped for want of held-out pairs (not when `validation` is 0 or there is one epoch), the one run
 * on every pair measures the random-pair mean cosine after each epoch and stops at the first epoch
 * that raises it by more than `COLLAPSE_LIMIT` (`CollapseStop`). The model of the epoch before is
 * then trained again (a run of that many epochs) and kept unless it moved random pairs more than the
 * stopped run. A cosent run on the 58-row sample dictionary without it raised the held-out
 * negatives' mean cosine from 0.06 to 0.24 and lost a third of its held-out AUC (docs/quality.md).
 */
import { Random } from '../random';
import { dot } from '../vectors';
import { rocAuc } from './metrics';
import { splitForScoring, TermGroups } from './split';
import type { TextPair } from './types';

/** Default share of the training groups held out to choose the epoch count. */
export const DEFAULT_VALIDATION_FRACTION = 0.1;
/** Default number of epochs without a better validation AUC before the choosing run stops. */
export const DEFAULT_PATIENCE = 2;
/**
 * Largest rise of the random-pair mean cosine an epoch may cause and still be chosen. Runs of the
 * full default schedule stay within 0.01 on the benchmark's data; the benchmark's goal is 0.05.
 */
export const COLLAPSE_LIMIT = 0.02;
/** Fewest synonym pairs the held-out share must have for the choice to be made. */
export const MIN_VALIDATION_POSITIVES = 20;
/** Random term pairs in the collapse guard. */
const GUARD_PAIRS = 1000;

/** Which run of a training job an event belongs to. */
export type TrainStage = 'choose-epochs' | 'final';

/** Options of the epoch choice, part of the trainer's options. */
export interface EpochChoiceOptions {
  /**
   * Share of the training pairs' synonym groups held out to choose the number of epochs, in
   * [0, 0.5]. Default 0.1; 0 trains once, for `epochs`, on every pair.
   */
  validation?: number;
  /** Epochs without a better validation AUC before the choosing run stops. Default 2. */
  patience?: number;
  seed?: number;
}

/** What the choice measured (part of the training result and the report). */
export interface EpochSelection {
  /** Share of the groups held out. */
  fraction: number;
  /** Pairs trained on in the choosing run, and validation pairs scored (negatives included). */
  trainPairs: number;
  validationPairs: number;
  /** Validation ROC-AUC before training ([0]) and after each epoch of the choosing run ([1…]). */
  aucByEpoch: number[];
  /** Rise of the random-pair mean cosine over the untrained model, per epoch ([0] = 0). */
  randomCosRiseByEpoch: number[];
  /** Epoch limit asked for. */
  maxEpochs: number;
  /** The best epoch of the choosing run (earliest on a tie; `maxEpochs` when none passed the guard). */
  bestEpoch: number;
  /** Epochs of the returned model: `bestEpoch`, or `maxEpochs` after a fallback. */
  epochs: number;
  /** True when the final run of `bestEpoch` epochs failed the collapse guard, so one of `maxEpochs` was made too. */
  redone: boolean;
  /** True when that run of `maxEpochs` moved random pairs less than the short one and is the returned model. */
  fallback: boolean;
}

/**
 * What the collapse guard did in a run without an epoch choice (too few held-out pairs): part of the
 * training result and the report.
 */
export interface CollapseStop {
  /** Epoch limit asked for. */
  maxEpochs: number;
  /** Rise of the random-pair mean cosine over the untrained model after each epoch of the guarded run ([0] = 0). */
  randomCosRiseByEpoch: number[];
  /** The epoch whose rise passed `COLLAPSE_LIMIT` (the run stopped there); absent when none did. */
  stoppedAt?: number;
  /** Epochs of the returned model: `maxEpochs`, `stoppedAt − 1` when that rerun is kept, else `stoppedAt`. */
  epochs: number;
  /** Rise of the returned model. */
  rise: number;
  /** The bound on the rise (`COLLAPSE_LIMIT`). */
  limit: number;
}

/** A text's vector (unit length), or undefined when the model has none for it. */
export type VectorOf = (text: string) => ArrayLike<number> | undefined;

/**
 * Trains one model on `pairs` for `epochs` epochs and returns it with a way to embed texts with it;
 * `onEpochEnd(epoch, vectorOf)` is called after each epoch (from 1) and returns true to stop there.
 */
export type FitFunction<R> = (
  pairs: readonly TextPair[],
  epochs: number,
  stage: TrainStage,
  onEpochEnd?: (epoch: number, vectorOf: VectorOf) => boolean,
) => { result: R; vectorOf: VectorOf };

/** The choosing run's split, or undefined when the data cannot be split with both labels held out. */
export function validationSplit(pairs: readonly TextPair[], fraction: number, seed: number): { train: TextPair[]; validation: TextPair[] } | undefined {
  if (!(fraction > 0)) return undefined;
  const split = splitForScoring(pairs, { devFraction: fraction, seed });
  if (!split.train.some((p) => p.label === 1)) return undefined;
  if (split.dev.filter((p) => p.label === 1).length < MIN_VALIDATION_POSITIVES) return undefined;
  if (!split.dev.some((p) => p.label === 0)) return undefined;
  return { train: split.train, validation: split.dev };
}

function cosine(vectorOf: VectorOf, a: string, b: string): number {
  const x = vectorOf(a);
  const y = vectorOf(b);
  return x && y ? dot(x, y) : 0;
}

/** `vectorOf` computing each text once (a text recurs across validation and guard pairs). */
function memo(vectorOf: VectorOf): VectorOf {
  const cache = new Map<string, ArrayLike<number> | undefined>();
  return (t) => {
    if (!cache.has(t)) cache.set(t, vectorOf(t));
    return cache.get(t);
  };
}

/** ROC-AUC of `pairs` under `vectorOf` (a text without a vector scores 0). */
export function pairAuc(pairs: readonly TextPair[], vectorOf: VectorOf): number {
  return rocAuc(
    pairs.map((p) => p.label),
    pairs.map((p) => cosine(vectorOf, p.a, p.b)),
  );
}

/**
 * Seeded random pairs of `pairs`' terms from different synonym groups, for the collapse guard: a
 * pair of synonyms should move together, and in a small dictionary such pairs are a few per cent
 * of random pairs (24 terms in 12 groups: one in 23), enough to pass the limit on their own.
 * Fewer than `count` (none) when nearly every draw falls within one group.
 */
function randomTermPairs(pairs: readonly TextPair[], count: number, seed: number): [string, string][] {
  const groups = TermGroups.ofPairs(pairs);
  const terms = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
  const group = terms.map((t) => groups.group(t));
  const rng = new Random(seed);
  const out: [string, string][] = [];
  if (terms.length < 2) return out;
  for (let draws = 0; out.length < count && draws < count * 20; draws++) {
    const i = rng.nextInt(terms.length);
    const j = rng.nextInt(terms.length);
    if (group[i] !== group[j]) out.push([terms[i]!, terms[j]!]);
  }
  return out;
}

/**
 * Runs `fit` as the module comment describes. `baseVectorOf` embeds with the untrained model (for
 * `aucByEpoch[0]` and the collapse guard's reference).
 */
export function fitWithEpochChoice<R>(
  pairs: readonly TextPair[],
  maxEpochs: number,
  options: EpochChoiceOptions,
  baseVectorOf: VectorOf,
  fit: FitFunction<R>,
): { result: R; selection?: EpochSelection; collapseStop?: CollapseStop } {
  const fraction = options.validation ?? DEFAULT_VALIDATION_FRACTION;
  if (!(fraction >= 0 && fraction <= 0.5)) throw new RangeError(`validation must be in [0, 0.5], got ${fraction}`);
  const patience = options.patience ?? DEFAULT_PATIENCE;
  if (!(Number.isInteger(patience) && patience >= 1)) throw new RangeError(`patience must be a positive integer, got ${patience}`);
  const seed = options.seed ?? 42;
  if (!(maxEpochs > 1 && fraction > 0)) return { result: fit(pairs, maxEpochs, 'final').result };

  const guardPairs = randomTermPairs(pairs, GUARD_PAIRS, seed);
  const meanCos = (vectorOf: VectorOf) => guardPairs.reduce((s, [a, b]) => s + cosine(vectorOf, a, b), 0) / Math.max(1, guardPairs.length);
  const base = memo(baseVectorOf);
  const baseCos = meanCos(base);
  const split = validationSplit(pairs, fraction, seed);
  if (!split) return guardedRun(pairs, maxEpochs, fit, (vectorOf) => meanCos(memo(vectorOf)) - baseCos);

  const aucByEpoch = [pairAuc(split.validation, base)];
  const randomCosRiseByEpoch = [0];
  let best = 0;
  fit(split.train, maxEpochs, 'choose-epochs', (epoch, current) => {
    const vectorOf = memo(current);
    const auc = pairAuc(split.validation, vectorOf);
    const rise = meanCos(vectorOf) - baseCos;
    aucByEpoch.push(auc);
    randomCosRiseByEpoch.push(rise);
    if (rise <= COLLAPSE_LIMIT && (best === 0 || auc > aucByEpoch[best]!)) best = epoch;
    return best > 0 && epoch - best >= patience;
  });
  const bestEpoch = best > 0 ? best : maxEpochs;
  let final = fit(pairs, bestEpoch, 'final');
  const shortRise = meanCos(final.vectorOf) - baseCos;
  const redone = bestEpoch < maxEpochs && shortRise > COLLAPSE_LIMIT;
  let fallback = false;
  if (redone) {
    // The run without a choice; kept only if it moved random pairs less than the short run did.
    const full = fit(pairs, maxEpochs, 'final');
    if (meanCos(full.vectorOf) - baseCos <= shortRise) {
      final = full;
      fallback = true;
    }
  }
  const selection: EpochSelection = {
    fraction,
    trainPairs: split.train.length,
    validationPairs: split.validation.length,
    aucByEpoch,
    randomCosRiseByEpoch,
    maxEpochs,
    bestEpoch,
    epochs: fallback ? maxEpochs : bestEpoch,
    redone,
    fallback,
  };
  return { result: final.result, selection };
}

/**
 * One run on every pair for at most `maxEpochs`, stopped at the first epoch whose random-pair rise
 * (`riseOf`) passes `COLLAPSE_LIMIT`; then a run of one epoch fewer, kept unless it rose more.
 */
function guardedRun<R>(pairs: readonly TextPair[], maxEpochs: number, fit: FitFunction<R>, riseOf: (vectorOf: VectorOf) => number): { result: R; collapseStop: CollapseStop } {
  const randomCosRiseByEpoch = [0];
  let stoppedAt: number | undefined;
  const run = fit(pairs, maxEpochs, 'final', (epoch, vectorOf) => {
    const rise = riseOf(vectorOf);
    randomCosRiseByEpoch.push(rise);
    if (rise > COLLAPSE_LIMIT) stoppedAt = epoch;
    return stoppedAt !== undefined;
  });
  const limit = COLLAPSE_LIMIT;
  if (stoppedAt === undefined) return { result: run.result, collapseStop: { maxEpochs, randomCosRiseByEpoch, epochs: maxEpochs, rise: randomCosRiseByEpoch.at(-1)!, limit } };
  const stoppedRise = randomCosRiseByEpoch[stoppedAt]!;
  if (stoppedAt > 1) {
    const shorter = fit(pairs, stoppedAt - 1, 'final');
    const rise = riseOf(shorter.vectorOf);
    if (rise <= stoppedRise) return { result: shorter.result, collapseStop: { maxEpochs, randomCosRiseByEpoch, stoppedAt, epochs: stoppedAt - 1, rise, limit } };
  }
  return { result: run.result, collapseStop: { maxEpochs, randomCosRiseByEpoch, stoppedAt, epochs: stoppedAt, rise: stoppedRise, limit } };
}
