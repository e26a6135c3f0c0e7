import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_MODEL_CONFIG, type CharNgramModelConfig } from '../../src/core/builtin/featurizer';
import { generateEmbeddingTable, referenceEmbed } from '../../src/core/builtin/model';
import { termKey } from '../../src/core/dictionary';
import {
  COLLAPSE_LIMIT,
  DEFAULT_PATIENCE,
  DEFAULT_VALIDATION_FRACTION,
  fitWithEpochChoice,
  MIN_VALIDATION_POSITIVES,
  pairAuc,
  validationSplit,
  type EpochChoiceOptions,
  type EpochSelection,
  type FitFunction,
  type TrainStage,
  type VectorOf,
} from '../../src/core/learn/epochs';
import { sampleNegatives, splitByGroup } from '../../src/core/learn/split';
import { trainCharNgram, type TrainOptions, type TrainProgress, type TrainResult } from '../../src/core/learn/train';
import { type TextPair } from '../../src/core/learn/types';
import { CancelledError } from '../../src/core/cancellation';

// Choosing the number of epochs on held-out groups (src/core/learn/epochs.ts) and its use in
// trainCharNgram. The first tests drive `fitWithEpochChoice` with a scripted fake `fit` whose
// per-epoch vectors have a known validation AUC; the last ones run the real trainer on a small model.

const small: CharNgramModelConfig = { ...BUILTIN_MODEL_CONFIG, buckets: 97, dimension: 8, seed: 3 };
const smallTable = generateEmbeddingTable(small);

// ---------------------------------------------------------------------------------------------
// Synthetic data for the fake fit: 100 groups of two made-up Latin terms, one positive pair each.

const GROUPS = 100;
const latinPairs: TextPair[] = Array.from({ length: GROUPS }, (_, g) => ({ a: `Zor${g}ka`, b: `vel${g}mi`, label: 1 as const }));
const groupOfKey = new Map<string, number>();
latinPairs.forEach((p, g) => {
  groupOfKey.set(termKey(p.a), g);
  groupOfKey.set(termKey(p.b), g);
});
const allTerms = latinPairs.flatMap((p) => [p.a, p.b]);
const termIndex = new Map(allTerms.map((t, i) => [termKey(t), i]));
const DIM = 1 + allTerms.length + GROUPS;

const OPTS: EpochChoiceOptions = { validation: 0.5, patience: 2, seed: 7 };
const split = validationSplit(latinPairs, OPTS.validation!, OPTS.seed!) ?? { train: [], validation: [] };
/** Groups of the validation positives, in order of appearance. */
const validationGroups = [...new Set(split.validation.filter((p) => p.label === 1).map((p) => groupOfKey.get(termKey(p.a))!))];

/**
 * Vectors in which the first `level` validation groups are "learned": their two terms share a
 * one-hot group vector (cosine 1); every other term has its own one-hot vector (cosine 0 with every
 * other term). So the validation AUC is 0.5 + 0.5·level/V (V validation groups, one positive each).
 * `common` > 0 adds a shared direction: every pair's cosine is then ≥ `common` (collapse), with the
 * same ranking of pairs; `commonIn` limits that to the terms of some groups.
 */
function levelVectors(level: number, common = 0, commonIn?: (group: number) => boolean): VectorOf {
  const resolved = new Set(validationGroups.slice(0, level));
  return (text) => {
    const key = termKey(text);
    const t = termIndex.get(key);
    if (t === undefined) return undefined;
    const g = groupOfKey.get(key)!;
    const c = !commonIn || commonIn(g) ? common : 0;
    const v = new Float64Array(DIM);
    v[0] = Math.sqrt(c);
    v[resolved.has(g) ? 1 + allTerms.length + g : 1 + t] = Math.sqrt(1 - c);
    return v;
  };
}
const COLLAPSED = 0.9;

interface FitCall {
  pairs: readonly TextPair[];
  epochs: number;
  stage: TrainStage;
  withCallback: boolean;
  /** What onEpochEnd returned, per epoch asked. */
  stops: boolean[];
}

/**
 * A fake `fit`: the choosing run reports `perEpoch[e - 1]` after epoch e (until told to stop); a
 * run returns `finalVectors(epochs)` as its model's vectors and `stage:epochs` as its result.
 */
function fakeFit(perEpoch: VectorOf[], finalVectors: (epochs: number) => VectorOf = () => levelVectors(validationGroups.length)) {
  const calls: FitCall[] = [];
  const fit: FitFunction<string> = (pairs, epochs, stage, onEpochEnd) => {
    const call: FitCall = { pairs, epochs, stage, withCallback: onEpochEnd !== undefined, stops: [] };
    calls.push(call);
    if (onEpochEnd) {
      for (let e = 1; e <= epochs; e++) {
        const stop = onEpochEnd(e, perEpoch[e - 1]!);
        call.stops.push(stop);
        if (stop) break;
      }
    }
    return { result: `${stage}:${epochs}`, vectorOf: finalVectors(epochs) };
  };
  return { fit, calls };
}

const aucAt = (level: number, common = 0) => pairAuc(split.validation, levelVectors(level, common));

test('test data: the validation split of the fake-fit data holds several groups and sampled negatives', () => {
  assert.ok(validationSplit(latinPairs, OPTS.validation!, OPTS.seed!), 'no validation split');
  assert.ok(validationGroups.length >= Math.max(MIN_VALIDATION_POSITIVES, 24), `${validationGroups.length} validation groups`);
  assert.ok(split.validation.some((p) => p.label === 0), 'validation has negatives');
  // The scripted vectors give the AUC they are built for.
  const v = validationGroups.length;
  for (const level of [0, 1, 5, v]) assert.equal(aucAt(level), 0.5 + (0.5 * level) / v);
  assert.equal(aucAt(v, COLLAPSED), 1, 'a collapsed model can still rank perfectly');
});

test('fitWithEpochChoice: stops after `patience` epochs without a better AUC, picks the argmax, retrains on every pair', () => {
  const levels = [1, 3, 6, 4, 2, 24, 24, 24]; // rises to epoch 3, falls; the later peak is never reached
  const { fit, calls } = fakeFit(levels.map((l) => levelVectors(l)));
  const base = levelVectors(2);
  const r = fitWithEpochChoice(latinPairs, 8, OPTS, base, fit);

  assert.equal(calls.length, 2);
  const [choose, final] = calls;
  // The choosing run: asked for up to 8 epochs, stopped after epoch 5 (= best 3 + patience 2).
  assert.equal(choose!.stage, 'choose-epochs');
  assert.equal(choose!.epochs, 8);
  assert.deepEqual(choose!.stops, [false, false, false, false, true]);
  // Trained on the training side of the split only: fewer pairs, no validation term.
  assert.deepEqual(choose!.pairs, split.train);
  assert.ok(choose!.pairs.length < latinPairs.length, 'the choosing run has fewer pairs');
  const validationKeys = new Set(split.validation.flatMap((p) => [termKey(p.a), termKey(p.b)]));
  for (const p of choose!.pairs) {
    assert.ok(!validationKeys.has(termKey(p.a)) && !validationKeys.has(termKey(p.b)), `${p.a} ~ ${p.b} is a validation term`);
  }
  // The final run: every pair, bestEpoch epochs, no callback.
  assert.equal(final!.stage, 'final');
  assert.equal(final!.epochs, 3);
  assert.equal(final!.pairs, latinPairs);
  assert.equal(final!.withCallback, false);
  assert.equal(r.result, 'final:3');

  const s = r.selection!;
  assert.equal(s.bestEpoch, 3);
  assert.equal(s.epochs, 3);
  assert.equal(s.maxEpochs, 8);
  assert.equal(s.fallback, false);
  assert.equal(s.fraction, 0.5);
  assert.equal(s.trainPairs, split.train.length);
  assert.equal(s.validationPairs, split.validation.length);
  // [0] is the base model's AUC, then one per epoch run.
  assert.deepEqual(s.aucByEpoch, [aucAt(2), ...levels.slice(0, 5).map((l) => aucAt(l))]);
  assert.equal(s.aucByEpoch[0], pairAuc(split.validation, base));
  assert.equal(s.randomCosRiseByEpoch.length, 6);
  assert.equal(s.randomCosRiseByEpoch[0], 0);
  assert.ok(s.randomCosRiseByEpoch.every((x) => x <= COLLAPSE_LIMIT), `${s.randomCosRiseByEpoch}`);
});

test('fitWithEpochChoice: the earliest epoch wins a tie; patience and its default set how long the run goes on', () => {
  const levels = [2, 5, 5, 3, 1, 1, 9, 9, 9, 9];
  const run = (patience?: number) => {
    const { fit, calls } = fakeFit(levels.map((l) => levelVectors(l)));
    const r = fitWithEpochChoice(latinPairs, 10, { ...OPTS, patience }, levelVectors(0), fit);
    return { r, calls };
  };
  assert.equal(DEFAULT_PATIENCE, 2);
  for (const [patience, epochsRun] of [[undefined, 4], [1, 3], [2, 4], [3, 5], [4, 6]] as const) {
    const { r, calls } = run(patience);
    assert.equal(r.selection!.bestEpoch, 2, `patience ${patience}`);
    assert.equal(calls[0]!.stops.length, epochsRun, `patience ${patience}`);
    assert.equal(calls[0]!.stops.filter(Boolean).length, 1);
    assert.equal(r.selection!.aucByEpoch.length, epochsRun + 1);
    assert.equal(calls[1]!.epochs, 2);
  }
  // Patience 5 reaches epoch 7, which beats epoch 2; then 8–10 do not beat it, and the limit ends the run.
  const { r, calls } = run(5);
  assert.equal(r.selection!.bestEpoch, 7);
  assert.deepEqual(calls[0]!.stops, [false, false, false, false, false, false, false, false, false, false]);
  assert.equal(calls[1]!.epochs, 7);
});

test('fitWithEpochChoice: an AUC that keeps rising runs every epoch and keeps them all', () => {
  const levels = [1, 2, 3, 4, 5, 6];
  const { fit, calls } = fakeFit(levels.map((l) => levelVectors(l)));
  const r = fitWithEpochChoice(latinPairs, 6, OPTS, levelVectors(0), fit);
  assert.deepEqual(calls[0]!.stops, [false, false, false, false, false, false]);
  assert.deepEqual(calls.map((c) => [c.stage, c.epochs]), [['choose-epochs', 6], ['final', 6]]);
  assert.equal(r.selection!.bestEpoch, 6);
  assert.equal(r.selection!.epochs, 6);
  assert.equal(r.selection!.fallback, false);
});

test('collapse guard: an epoch with every pair near-identical is never chosen, even with the best AUC', () => {
  const v = validationGroups.length;
  const { fit, calls } = fakeFit([levelVectors(1), levelVectors(3), levelVectors(v, COLLAPSED), levelVectors(2), levelVectors(v)]);
  const r = fitWithEpochChoice(latinPairs, 5, OPTS, levelVectors(0), fit);
  const s = r.selection!;
  assert.equal(Math.max(...s.aucByEpoch), s.aucByEpoch[3], 'the collapsed epoch has the highest AUC');
  assert.equal(s.aucByEpoch[3], 1);
  assert.ok(s.randomCosRiseByEpoch[3]! > 0.8, `rise ${s.randomCosRiseByEpoch[3]}`);
  assert.equal(s.bestEpoch, 2);
  // Epoch 3 does not count as an improvement, so the run stops after epoch 4 (2 + patience).
  assert.deepEqual(calls[0]!.stops, [false, false, false, true]);
  assert.equal(calls[1]!.epochs, 2);
  assert.equal(s.fallback, false);
});

test('collapse guard: a collapsed first epoch is skipped; the first epoch that passes becomes the best', () => {
  const v = validationGroups.length;
  const { fit, calls } = fakeFit([levelVectors(v, COLLAPSED), levelVectors(2), levelVectors(1), levelVectors(1), levelVectors(9)]);
  const r = fitWithEpochChoice(latinPairs, 5, OPTS, levelVectors(4), fit);
  // Epoch 2 is worse than the base model (level 4) and still the best trained epoch.
  assert.ok(r.selection!.aucByEpoch[2]! < r.selection!.aucByEpoch[0]!, 'epoch 2 is below the base AUC');
  assert.equal(r.selection!.bestEpoch, 2);
  assert.deepEqual(calls[0]!.stops, [false, false, false, true]);
});

test('collapse guard: the limit is a rise of COLLAPSE_LIMIT in the random-pair mean cosine', () => {
  assert.ok(COLLAPSE_LIMIT > 0.002 && COLLAPSE_LIMIT < 0.5, `${COLLAPSE_LIMIT}`);
  // levelVectors(0, c): every pair of distinct terms has cosine c exactly, so the rise over level 0 is c.
  const { fit, calls } = fakeFit([
    levelVectors(0, COLLAPSE_LIMIT + 0.001),
    levelVectors(0, COLLAPSE_LIMIT - 0.001),
    levelVectors(validationGroups.length, COLLAPSE_LIMIT + 0.001),
    levelVectors(0),
  ]);
  const r = fitWithEpochChoice(latinPairs, 4, OPTS, levelVectors(0), fit);
  const rise = r.selection!.randomCosRiseByEpoch;
  assert.ok(Math.abs(rise[1]! - (COLLAPSE_LIMIT + 0.001)) < 1e-9, `${rise}`);
  assert.ok(Math.abs(rise[2]! - (COLLAPSE_LIMIT - 0.001)) < 1e-9, `${rise}`);
  assert.equal(r.selection!.aucByEpoch[3], 1);
  assert.equal(r.selection!.bestEpoch, 2);
  assert.deepEqual(calls[0]!.stops, [false, false, false, true]);
});

test('collapse guard: random pairs are drawn from every term, not only the validation terms', () => {
  const validation = new Set(validationGroups);
  const trainingSideOnly = (g: number) => !validation.has(g);
  const v = validationGroups.length;
  // Epoch 2: held-out terms untouched and perfectly ranked, but every training-side term drifts together.
  const { fit, calls } = fakeFit([levelVectors(1), levelVectors(v, COLLAPSED, trainingSideOnly), levelVectors(2), levelVectors(1)]);
  const r = fitWithEpochChoice(latinPairs, 4, OPTS, levelVectors(0), fit);
  const s = r.selection!;
  assert.equal(s.aucByEpoch[2], 1);
  assert.ok(s.randomCosRiseByEpoch[2]! > 0.1, `rise ${s.randomCosRiseByEpoch[2]}`);
  assert.equal(s.bestEpoch, 3);
  assert.equal(calls[0]!.stops.length, 4);
});

test('collapse guard: when no epoch passes, bestEpoch is maxEpochs and there is one final run', () => {
  const v = validationGroups.length;
  const { fit, calls } = fakeFit([1, 5, 9, 3].map((l) => levelVectors(l, COLLAPSED)), () => levelVectors(v, COLLAPSED));
  const r = fitWithEpochChoice(latinPairs, 4, OPTS, levelVectors(0), fit);
  assert.deepEqual(calls[0]!.stops, [false, false, false, false], 'patience only counts from a best epoch');
  assert.deepEqual(calls.map((c) => [c.stage, c.epochs]), [['choose-epochs', 4], ['final', 4]]);
  assert.equal(r.selection!.bestEpoch, 4);
  assert.equal(r.selection!.epochs, 4);
  assert.equal(r.selection!.fallback, false);
  assert.equal(r.result, 'final:4');
});

test('collapse guard: a collapsed final run of bestEpoch epochs is redone with maxEpochs (fallback)', () => {
  const v = validationGroups.length;
  const { fit, calls } = fakeFit([1, 4, 2, 1, 1, 1].map((l) => levelVectors(l)), (epochs) => (epochs === 2 ? levelVectors(v, COLLAPSED) : levelVectors(v)));
  const r = fitWithEpochChoice(latinPairs, 6, OPTS, levelVectors(0), fit);
  assert.deepEqual(calls.map((c) => [c.stage, c.epochs]), [['choose-epochs', 6], ['final', 2], ['final', 6]]);
  assert.equal(calls[2]!.pairs, latinPairs);
  assert.equal(calls[2]!.withCallback, false);
  assert.equal(r.result, 'final:6');
  const s = r.selection!;
  assert.equal(s.fallback, true);
  assert.equal(s.bestEpoch, 2);
  assert.equal(s.epochs, 6);
  assert.equal(s.maxEpochs, 6);
  // A final run that stays below the limit is kept.
  const kept = fakeFit([1, 4, 2, 1, 1, 1].map((l) => levelVectors(l)), () => levelVectors(v, COLLAPSE_LIMIT / 2));
  const r2 = fitWithEpochChoice(latinPairs, 6, OPTS, levelVectors(0), kept.fit);
  assert.deepEqual(kept.calls.map((c) => [c.stage, c.epochs]), [['choose-epochs', 6], ['final', 2]]);
  assert.equal(r2.selection!.fallback, false);
  assert.equal(r2.selection!.redone, false);
  assert.equal(r2.selection!.epochs, 2);
  // A run of maxEpochs that moves random pairs even more than the collapsed short run is made but not kept.
  const worse = fakeFit([1, 4, 2, 1, 1, 1].map((l) => levelVectors(l)), (epochs) => levelVectors(v, epochs === 2 ? COLLAPSE_LIMIT * 2 : COLLAPSED));
  const r3 = fitWithEpochChoice(latinPairs, 6, OPTS, levelVectors(0), worse.fit);
  assert.deepEqual(worse.calls.map((c) => [c.stage, c.epochs]), [['choose-epochs', 6], ['final', 2], ['final', 6]]);
  assert.deepEqual([r3.selection!.redone, r3.selection!.fallback, r3.selection!.epochs, r3.result], [true, false, 2, 'final:2']);
});

test('skips: validation 0, one epoch (or none), a single synonym group, no negatives to sample → one run on every pair', () => {
  const never = () => {
    throw new Error('the choosing run should not be asked for an epoch');
  };
  /** No epoch choice: one run on every pair; guarded (collapse guard only) when the data is what stopped the choice. */
  const single = (pairs: readonly TextPair[], maxEpochs: number, options: EpochChoiceOptions, guarded = false) => {
    const { fit, calls } = fakeFit(guarded ? Array.from({ length: maxEpochs }, () => levelVectors(0)) : [never, never]);
    const r = fitWithEpochChoice(pairs, maxEpochs, options, levelVectors(0), fit);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.pairs, pairs);
    assert.equal(calls[0]!.epochs, maxEpochs);
    assert.equal(calls[0]!.stage, 'final');
    assert.equal(calls[0]!.withCallback, guarded);
    assert.equal(r.selection, undefined);
    assert.ok(!('selection' in r) || r.selection === undefined, 'no selection key');
    assert.equal(r.result, `final:${maxEpochs}`);
    if (guarded) {
      // Every epoch passed the guard (no rise), so the run went to the end.
      assert.deepEqual(calls[0]!.stops, new Array(maxEpochs).fill(false));
      assert.deepEqual(r.collapseStop, { maxEpochs, randomCosRiseByEpoch: new Array(maxEpochs + 1).fill(0), epochs: maxEpochs, rise: 0, limit: COLLAPSE_LIMIT });
    } else assert.equal(r.collapseStop, undefined);
  };
  single(latinPairs, 8, { ...OPTS, validation: 0 });
  single(latinPairs, 1, OPTS);
  single(latinPairs, 1, {});
  single(latinPairs, 0, OPTS);
  const oneGroup: TextPair[] = [
    { a: 'Zorka', b: 'zorkan', label: 1 },
    { a: 'Zorka', b: 'zorkina', label: 1 },
    { a: 'zorkan', b: 'Zorkette', label: 1 },
  ];
  single(oneGroup, 8, OPTS, true);
  single(oneGroup, 8, {}, true);
  // A share so small that fewer than MIN_VALIDATION_POSITIVES synonym pairs are held out.
  single(latinPairs, 8, { validation: 0.01 }, true);
  assert.equal(validationSplit(latinPairs, 0.01, 42), undefined);
  // Enough held-out synonym pairs, but all in one group: no negative can be sampled within a group.
  const star: TextPair[] = Array.from({ length: MIN_VALIDATION_POSITIVES + 5 }, (_, i) => ({ a: 'Hubba', b: `spoke${i}x`, label: 1 as const }));
  const starData = [...star, ...latinPairs.slice(0, 30)];
  const seed = Array.from({ length: 200 }, (_, i) => i).find((s) => {
    const dev = splitByGroup(starData, { devFraction: 0.3, seed: s }).dev;
    return dev.length === star.length && dev.every((p) => p.a === 'Hubba');
  });
  assert.ok(seed !== undefined, 'a seed that holds out the star group alone');
  assert.equal(validationSplit(starData, 0.3, seed!), undefined);
  single(starData, 8, { validation: 0.3, seed }, true);
});

test('collapse guard without held-out pairs: stops at the first epoch past the limit and keeps the shorter rerun', () => {
  const few = { validation: 0.01, seed: 3 };
  const over = COLLAPSE_LIMIT + 0.001;
  // Epoch 3 passes the limit: the run stops there, and a run of 2 epochs is made and kept.
  const a = fakeFit([0, COLLAPSE_LIMIT / 2, over, 0.5, 0.5].map((c) => levelVectors(0, c)), (epochs) => levelVectors(0, epochs === 2 ? COLLAPSE_LIMIT / 2 : over));
  const r = fitWithEpochChoice(latinPairs, 5, few, levelVectors(0), a.fit);
  assert.deepEqual(a.calls.map((c) => [c.stage, c.epochs, c.withCallback]), [['final', 5, true], ['final', 2, false]]);
  assert.deepEqual(a.calls[0]!.stops, [false, false, true]);
  assert.equal(r.result, 'final:2');
  const c = r.collapseStop!;
  assert.equal(r.selection, undefined);
  assert.deepEqual([c.stoppedAt, c.epochs, c.maxEpochs, c.limit], [3, 2, 5, COLLAPSE_LIMIT]);
  assert.equal(c.randomCosRiseByEpoch.length, 4);
  assert.ok(Math.abs(c.randomCosRiseByEpoch[3]! - over) < 1e-9 && Math.abs(c.rise - COLLAPSE_LIMIT / 2) < 1e-9, JSON.stringify(c));
  // A rerun that moves random pairs more than the stopped run is not kept.
  const b = fakeFit([0, over].map((c) => levelVectors(0, c)), (epochs) => levelVectors(0, epochs === 1 ? 0.5 : over));
  const r2 = fitWithEpochChoice(latinPairs, 5, few, levelVectors(0), b.fit);
  assert.deepEqual(b.calls.map((c) => [c.stage, c.epochs]), [['final', 5], ['final', 1]]);
  assert.equal(r2.result, 'final:5', 'the stopped run (after 2 of 5 epochs) is kept');
  assert.deepEqual([r2.collapseStop!.stoppedAt, r2.collapseStop!.epochs], [2, 2]);
  // Collapse in the first epoch: nothing shorter to train; that model is kept.
  const d = fakeFit([levelVectors(0, 0.5)]);
  const r3 = fitWithEpochChoice(latinPairs, 5, few, levelVectors(0), d.fit);
  assert.equal(d.calls.length, 1);
  assert.deepEqual([r3.collapseStop!.stoppedAt, r3.collapseStop!.epochs], [1, 1]);
});

test('validationSplit: the held-out share needs MIN_VALIDATION_POSITIVES synonym pairs', () => {
  assert.ok(Number.isInteger(MIN_VALIDATION_POSITIVES) && MIN_VALIDATION_POSITIVES >= 1);
  // One positive per group: splitByGroup holds out ceil(fraction × groups) groups.
  const below = validationSplit(latinPairs, (MIN_VALIDATION_POSITIVES - 1.5) / GROUPS, 3);
  const at = validationSplit(latinPairs, (MIN_VALIDATION_POSITIVES - 0.5) / GROUPS, 3);
  assert.equal(below, undefined);
  assert.ok(at, 'exactly MIN_VALIDATION_POSITIVES held-out positives are enough');
  assert.equal(at.validation.filter((p) => p.label === 1).length, MIN_VALIDATION_POSITIVES);
  assert.ok(at.validation.some((p) => p.label === 0), 'with sampled negatives');
  // fitWithEpochChoice skips the choice below it and makes it at it.
  const { fit, calls } = fakeFit(Array.from({ length: 4 }, () => levelVectors(0)));
  assert.equal(fitWithEpochChoice(latinPairs, 4, { validation: (MIN_VALIDATION_POSITIVES - 1.5) / GROUPS, seed: 3 }, levelVectors(0), fit).selection, undefined);
  assert.ok(fitWithEpochChoice(latinPairs, 4, { validation: (MIN_VALIDATION_POSITIVES - 0.5) / GROUPS, seed: 3 }, levelVectors(0), fit).selection, 'a selection');
  assert.deepEqual(calls.map((c) => c.stage), ['final', 'choose-epochs', 'final']);
});

test('bad options throw RangeError before anything is trained', () => {
  for (const bad of [{ validation: 0.7 }, { validation: -0.1 }, { validation: Number.NaN }, { patience: 0 }, { patience: 1.5 }, { patience: -1 }]) {
    const { fit, calls } = fakeFit([]);
    assert.throws(() => fitWithEpochChoice(latinPairs, 8, bad, levelVectors(0), fit), RangeError, JSON.stringify(bad));
    assert.throws(() => fitWithEpochChoice(latinPairs, 1, bad, levelVectors(0), fit), RangeError, `${JSON.stringify(bad)}, one epoch`);
    assert.equal(calls.length, 0);
  }
  // The ends of the ranges are accepted.
  for (const ok of [{ validation: 0.5, patience: 1 }, { validation: 0 }]) {
    const { fit } = fakeFit(Array.from({ length: 8 }, () => levelVectors(1)));
    assert.doesNotThrow(() => fitWithEpochChoice(latinPairs, 8, ok, levelVectors(0), fit));
  }
  assert.throws(
    () => trainCharNgram(generateEmbeddingTable(small), small, latinPairs, { loss: 'cosine', validation: 0.6 }),
    RangeError,
    'trainCharNgram passes the options on',
  );
});

test('validationSplit: positive-only data gets sampled negatives in validation', () => {
  const s = validationSplit(latinPairs, 0.25, 5)!;
  const byGroup = splitByGroup(latinPairs, { devFraction: 0.25, seed: 5 });
  assert.deepEqual(s.train, byGroup.train);
  assert.ok(s.train.every((p) => p.label === 1), 'train is positive-only');
  const positives = byGroup.dev;
  assert.deepEqual(s.validation.slice(0, positives.length), positives);
  const negatives = s.validation.slice(positives.length);
  assert.deepEqual(negatives, sampleNegatives(positives, { seed: 5 }));
  assert.equal(negatives.length, positives.length);
  assert.ok(negatives.every((p) => p.label === 0), 'the rest are negatives');
  const devKeys = new Set(positives.flatMap((p) => [termKey(p.a), termKey(p.b)]));
  for (const p of negatives) {
    assert.ok(devKeys.has(termKey(p.a)) && devKeys.has(termKey(p.b)), 'negatives are drawn among validation terms');
    assert.notEqual(groupOfKey.get(termKey(p.a)), groupOfKey.get(termKey(p.b)), 'never two synonyms');
  }
  // Deterministic for a seed.
  assert.deepEqual(validationSplit(latinPairs, 0.25, 5), s);
  assert.notDeepEqual(validationSplit(latinPairs, 0.25, 6), s);
  assert.equal(validationSplit(latinPairs, 0, 5), undefined);
});

test('validationSplit: data with label-0 rows keeps its own negatives and samples none', () => {
  // Each group also has a negative with a term of its own, which follows the group to its side.
  const pairs: TextPair[] = latinPairs.flatMap((p, g) => [p, { a: p.a, b: `quux${g}`, label: 0 as const }]);
  const s = validationSplit(pairs, 0.25, 5)!;
  const byGroup = splitByGroup(pairs, { devFraction: 0.25, seed: 5 });
  assert.deepEqual(s.validation, byGroup.dev);
  assert.deepEqual(s.train, byGroup.train);
  const inputNegatives = new Set(pairs.filter((p) => p.label === 0));
  const validationNegatives = s.validation.filter((p) => p.label === 0);
  assert.ok(validationNegatives.length > 0, 'some validation negatives');
  assert.ok(validationNegatives.every((p) => inputNegatives.has(p)), 'every validation negative is an input row');
  assert.equal(validationNegatives.length, s.validation.filter((p) => p.label === 1).length);
  assert.ok(s.train.some((p) => p.label === 0), 'train keeps its negatives');
});

// ---------------------------------------------------------------------------------------------
// The real trainer.


/**
 * 110 made-up Chinese synonym groups of three terms (two pairs each; 10 % of them hold out more than
 * MIN_VALIDATION_POSITIVES pairs); a group's terms share characters.
 */
const cjk = (i: number) => String.fromCodePoint(0x4e00 + ((i * 131) % 5000));
const cjkPairs: TextPair[] = [];
for (let g = 0; g < 110; g++) {
  const [x, y, z] = [cjk(3 * g), cjk(3 * g + 1), cjk(3 * g + 2)];
  cjkPairs.push({ a: x + y, b: x + z, label: 1 }, { a: x + y, b: y + z + x, label: 1 });
}

function train(options: Partial<TrainOptions> = {}) {
  const events: TrainProgress[] = [];
  const r = trainCharNgram(smallTable, small, cjkPairs, { loss: 'cosine', batchSize: 16, ...options, onProgress: (e) => events.push(e) });
  return { r, events };
}

const bytes = (t: Float32Array) => Buffer.from(t.buffer, t.byteOffset, t.byteLength);

/** Events of each run (from one 'start' to the next). */
function runsOf(events: TrainProgress[]): TrainProgress[][] {
  const runs: TrainProgress[][] = [];
  for (const e of events) {
    if (e.type === 'start') runs.push([]);
    runs.at(-1)!.push(e);
  }
  return runs;
}

/** What every trainCharNgram result with an epoch choice must satisfy. */
function checkSelection(r: TrainResult, events: TrainProgress[], maxEpochs: number, patience = DEFAULT_PATIENCE) {
  const s: EpochSelection = r.epochSelection!;
  assert.ok(s, 'an epoch selection');
  assert.equal(s.maxEpochs, maxEpochs);
  const ran = s.aucByEpoch.length - 1;
  assert.ok(ran >= 1 && ran <= maxEpochs, 'epochs run in [1, maxEpochs]');
  assert.equal(s.randomCosRiseByEpoch.length, s.aucByEpoch.length);
  assert.equal(s.randomCosRiseByEpoch[0], 0);
  assert.ok(s.bestEpoch >= 1 && s.bestEpoch <= ran, `best ${s.bestEpoch} of ${ran} epochs run`);
  assert.ok(s.epochs <= maxEpochs, 'epochs ≤ maxEpochs');
  assert.equal(s.epochs, s.fallback ? maxEpochs : s.bestEpoch);
  assert.ok(s.redone || !s.fallback, 'a fallback only after a redone run');
  // bestEpoch is the earliest argmax among the epochs that pass the guard (or the limit when none does).
  const passing = s.aucByEpoch.map((a, e) => ({ a, e })).filter(({ e }) => e > 0 && s.randomCosRiseByEpoch[e]! <= COLLAPSE_LIMIT);
  if (passing.length === 0) {
    assert.equal(s.bestEpoch, maxEpochs);
    assert.equal(ran, maxEpochs);
  } else {
    const top = Math.max(...passing.map((x) => x.a));
    assert.equal(s.bestEpoch, passing.find((x) => x.a === top)!.e);
    // The choosing run went on until the limit or `patience` epochs past the best.
    assert.ok(ran === maxEpochs || ran - s.bestEpoch === patience, `ran ${ran}, best ${s.bestEpoch}`);
  }

  const runs = runsOf(events);
  const starts = runs.map((run) => run[0] as Extract<TrainProgress, { type: 'start' }>);
  assert.deepEqual(starts.map((e) => e.stage), ['choose-epochs', 'final', ...(s.redone ? ['final'] : [])]);
  assert.deepEqual(starts.map((e) => e.epochs), [maxEpochs, s.bestEpoch, ...(s.redone ? [maxEpochs] : [])]);
  // The choosing run: fewer pairs, one epoch event per AUC after the first, then done.
  assert.equal(starts[0]!.pairs, s.trainPairs);
  assert.ok(starts[0]!.pairs < starts.at(-1)!.pairs, 'the choosing run has fewer pairs');
  assert.equal(runs[0]!.filter((e) => e.type === 'epoch').length, ran);
  assert.equal(runs[0]!.at(-1)!.type, 'done');
  // The returned model is the kept final run's (the redone one after a fallback), run to its end.
  const keptRun = s.redone && !s.fallback ? 1 : runs.length - 1;
  const last = runs[keptRun]!;
  const steps = last.filter((e) => e.type === 'step');
  assert.equal(starts[keptRun]!.pairs, r.pairs);
  assert.equal(steps.length, r.totalSteps);
  assert.equal(starts[keptRun]!.totalSteps, r.totalSteps);
  assert.deepEqual(steps.map((e) => e.step), steps.map((_, i) => i + 1));
  assert.deepEqual(last.at(-1), { ...last.at(-1), type: 'done', totalSteps: r.totalSteps });
  assert.equal(last.filter((e) => e.type === 'epoch').length, s.epochs);
  assert.equal(r.epochLosses.length, s.epochs);
}

test('trainCharNgram: default options choose the epochs on 10 % of the groups and report it', () => {
  const { r, events } = train({ epochs: 6 });
  checkSelection(r, events, 6);
  const s = r.epochSelection!;
  assert.equal(s.fraction, DEFAULT_VALIDATION_FRACTION);
  assert.equal(DEFAULT_VALIDATION_FRACTION, 0.1);
  // On this data the choosing run stops early: patience epochs after its best, before the limit.
  assert.equal(s.aucByEpoch.length - 1, s.bestEpoch + DEFAULT_PATIENCE, `${s.aucByEpoch}`);
  assert.ok(s.aucByEpoch.length - 1 < 6, 'stopped before the limit');
  // The split and the base AUC are those of validationSplit / pairAuc with the trainer's seed (42).
  const v = validationSplit(cjkPairs, 0.1, 42)!;
  assert.equal(s.trainPairs, v.train.length);
  assert.equal(s.validationPairs, v.validation.length);
  assert.equal(s.aucByEpoch[0], pairAuc(v.validation, (t) => referenceEmbed(t, small, smallTable)));
  // The returned model is exactly a run without choice for the chosen epoch count.
  const plain = trainCharNgram(smallTable, small, cjkPairs, { loss: 'cosine', batchSize: 16, epochs: s.epochs, validation: 0 });
  assert.ok(bytes(plain.table).equals(bytes(r.table)), 'same table as without choice');
  assert.deepEqual(plain.epochLosses, r.epochLosses);
  assert.equal(plain.totalSteps, r.totalSteps);
});

test('trainCharNgram: other losses and a fallback run keep the same invariants', () => {
  for (const loss of ['mnrl', 'contrastive'] as const) {
    const { r, events } = train({ loss });
    checkSelection(r, events, 10);
    // On this data no epoch of these losses passes the guard: the whole limit is run and kept.
    const s = r.epochSelection!;
    assert.ok(s.randomCosRiseByEpoch.slice(1).every((x) => x > COLLAPSE_LIMIT), `${loss}: ${s.randomCosRiseByEpoch}`);
    assert.deepEqual([s.bestEpoch, s.epochs, s.fallback, s.aucByEpoch.length], [10, 10, false, 11]);
  }
  // On this data (seed 5) cosent's best epoch (1) collapses when rerun on every pair, so a run of all
  // 10 epochs is made too; that one moves random pairs even more, so the short run is kept.
  const { r, events } = train({ loss: 'cosent', seed: 5 });
  checkSelection(r, events, 10);
  const s = r.epochSelection!;
  assert.deepEqual([s.redone, s.fallback, s.epochs], [true, false, s.bestEpoch]);
  assert.equal(runsOf(events).length, 3);
  const short = trainCharNgram(smallTable, small, cjkPairs, { loss: 'cosent', batchSize: 16, seed: 5, validation: 0, epochs: s.bestEpoch });
  assert.ok(bytes(short.table).equals(bytes(r.table)), 'the kept model is the short final run');
});

test('trainCharNgram: validation 0 trains once, for `epochs`, deterministically', () => {
  const a = train({ epochs: 4, validation: 0 });
  const b = train({ epochs: 4, validation: 0 });
  assert.equal(a.r.epochSelection, undefined);
  assert.ok(!('epochSelection' in a.r), 'no epochSelection key');
  assert.ok(bytes(a.r.table).equals(bytes(b.r.table)), 'identical tables');
  const starts = a.events.filter((e) => e.type === 'start');
  assert.deepEqual(starts.map((e) => [e.stage, e.epochs, e.pairs]), [['final', 4, cjkPairs.length]]);
  assert.equal(a.events.filter((e) => e.type === 'epoch').length, 4);
  assert.equal(a.r.epochLosses.length, 4);
  assert.equal(a.events.filter((e) => e.type === 'step').length, a.r.totalSteps);
  // One epoch: no choice either.
  assert.equal(train({ epochs: 1 }).r.epochSelection, undefined);
});

test('trainCharNgram: two runs with the same seed give byte-identical tables and the same selection', () => {
  const a = train({ seed: 5 });
  const b = train({ seed: 5 });
  assert.ok(a.r.epochSelection, 'an epoch selection');
  assert.ok(bytes(a.r.table).equals(bytes(b.r.table)), 'identical tables');
  assert.deepEqual(a.r.epochSelection, b.r.epochSelection);
  assert.deepEqual(a.r.config, b.r.config);
  const c = train({ seed: 6 });
  assert.notDeepEqual(c.r.epochSelection!.aucByEpoch, a.r.epochSelection!.aucByEpoch, 'the seed drives the split');
});

test('trainCharNgram: cancellation works during the choosing run', () => {
  const events: TrainProgress[] = [];
  const token = { isCancellationRequested: false };
  assert.throws(
    () =>
      trainCharNgram(smallTable, small, cjkPairs, {
        loss: 'cosine',
        batchSize: 8,
        token,
        onProgress: (e) => {
          events.push(e);
          if (e.type === 'step' && e.step === 3) token.isCancellationRequested = true;
        },
      }),
    (err: unknown) => err instanceof CancelledError && err.name === 'CancelledError',
  );
  assert.deepEqual(events.map((e) => e.type), ['start', 'step', 'step', 'step']);
  assert.equal((events[0] as Extract<TrainProgress, { type: 'start' }>).stage, 'choose-epochs');
  // Cancelled after a completed epoch of the choosing run, too.
  const later: TrainProgress[] = [];
  const token2 = { isCancellationRequested: false };
  assert.throws(
    () =>
      trainCharNgram(smallTable, small, cjkPairs, {
        loss: 'cosine',
        batchSize: 8,
        token: token2,
        onProgress: (e) => {
          later.push(e);
          if (e.type === 'epoch' && e.epoch === 2) token2.isCancellationRequested = true;
        },
      }),
    CancelledError,
  );
  assert.ok(later.every((e) => e.type !== 'start' || e.stage === 'choose-epochs'), 'the final run never started');
  assert.equal(later.filter((e) => e.type === 'epoch').length, 2);
});

test('real trainer, small dictionary (no epoch choice): the collapse guard stops a run that pulls random pairs together, and lets one that does not run on', () => {
  // 20 groups: 10 % hold out 4 synonym pairs, fewer than MIN_VALIDATION_POSITIVES.
  const few = cjkPairs.slice(0, 40);
  const base: Partial<TrainOptions> = { epochs: 8, batchSize: 8, learningRate: 0.01 };
  const run = (options: Partial<TrainOptions>) => trainCharNgram(smallTable, small, few, { loss: 'cosine', ...base, ...options });

  // contrastive at this rate raises the random-pair mean cosine past the limit in epoch 3.
  const stopped = run({ loss: 'contrastive' });
  const c = stopped.collapseStop!;
  assert.equal(stopped.epochSelection, undefined);
  assert.equal(c.stoppedAt, 3, JSON.stringify(c));
  assert.ok(c.randomCosRiseByEpoch[3]! > COLLAPSE_LIMIT && c.randomCosRiseByEpoch.slice(0, 3).every((x) => x <= COLLAPSE_LIMIT), JSON.stringify(c));
  assert.equal(c.epochs, 2);
  assert.ok(c.rise <= COLLAPSE_LIMIT, `the kept run's rise ${c.rise}`);
  assert.equal(stopped.epochLosses.length, 2, 'the returned model is the run of 2 epochs');
  const twoEpochs = run({ loss: 'contrastive', epochs: 2, validation: 0 });
  assert.equal(twoEpochs.collapseStop, undefined, 'validation 0: no guard');
  assert.ok(bytes(stopped.table).equals(bytes(twoEpochs.table)), 'the same model as a plain run of 2 epochs');

  // cosine at the same rate keeps random pairs apart: every epoch runs.
  const kept = run({ loss: 'cosine' });
  assert.equal(kept.collapseStop!.stoppedAt, undefined);
  assert.equal(kept.collapseStop!.epochs, 8);
  assert.equal(kept.collapseStop!.randomCosRiseByEpoch.length, 9);
  assert.ok(kept.collapseStop!.randomCosRiseByEpoch.every((x) => x <= COLLAPSE_LIMIT));
  assert.equal(kept.epochLosses.length, 8);
});
