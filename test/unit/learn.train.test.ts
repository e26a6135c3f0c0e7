import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_MODEL_CONFIG, type CharNgramModelConfig } from '../../src/core/builtin/featurizer';
import { generateEmbeddingTable, referenceEmbed } from '../../src/core/builtin/model';
import { linearWarmupLr } from '../../src/core/learn/adam';
import { DEFAULT_LOSS_PARAMS, LOSS_NAMES, type LossName } from '../../src/core/learn/losses';
import { batchLossAndGradient, featureTable, noDuplicateBatches, prepareTrainingData, runTrainingLoop, trainCharNgram, type TrainProgress } from '../../src/core/learn/train';
import { type TextPair } from '../../src/core/learn/types';
import { CancelledError } from '../../src/core/cancellation';
import { Random } from '../../src/core/random';

const small: CharNgramModelConfig = { ...BUILTIN_MODEL_CONFIG, buckets: 97, dimension: 8, seed: 3 };

const texts = ['汽车', '轿车', '越野车', '吉普', '手机', '电话', '苹果', '香蕉'];
const batchPairs = { a: [0, 2, 4, 6], b: [1, 3, 5, 7], labels: [1, 1, 0, 1] as (0 | 1)[] };

for (const [loss, spread] of [...LOSS_NAMES.map((l) => [l, 0] as const), ['cosine', 0.7] as const]) {
  test(`gradient check (central differences, float64): ${loss}${spread ? ` + spread ${spread}` : ''}`, () => {
    const table = Float64Array.from(generateEmbeddingTable(small));
    const feats = featureTable(texts, small);
    const dim = small.dimension;
    const lossAt = (t: Float64Array) =>
      batchLossAndGradient(t, dim, feats, batchPairs, loss, DEFAULT_LOSS_PARAMS, new Float64Array(t.length), new Uint8Array(small.buckets), spread).loss;
    const grad = new Float64Array(table.length);
    const { rows, loss: l0 } = batchLossAndGradient(table, dim, feats, batchPairs, loss, DEFAULT_LOSS_PARAMS, grad, new Uint8Array(small.buckets), spread);
    assert.ok(l0 > 0, `${loss} is already 0 on the check batch`);
    const rng = new Random(11);
    const h = 1e-6;
    let checked = 0;
    for (let n = 0; n < 40; n++) {
      const row = rows[rng.nextInt(rows.length)]!;
      const k = row * dim + rng.nextInt(dim);
      const plus = Float64Array.from(table);
      plus[k]! += h;
      const minus = Float64Array.from(table);
      minus[k]! -= h;
      const numeric = (lossAt(plus) - lossAt(minus)) / (2 * h);
      assert.ok(Math.abs(numeric - grad[k]!) <= 1e-5 * Math.max(1, Math.abs(numeric)), `${loss} [${k}]: numeric ${numeric}, analytic ${grad[k]}`);
      checked++;
    }
    assert.equal(checked, 40);
  });
}

// A toy dictionary: pairs that share no character, so only training can make them similar.
const toyPairs: TextPair[] = [
  ['汽车', '轿车'], ['手机', '电话'], ['电脑', '计算机'], ['马铃薯', '土豆'], ['番茄', '西红柿'], ['自行车', '单车'],
  ['出租车', '的士'], ['冰箱', '雪柜'], ['摩托', '机车'], ['玉米', '苞谷'], ['眼镜', '镜片'], ['衣服', '服装'],
].map(([a, b]) => ({ a: a!, b: b!, label: 1 as const }));

for (const loss of LOSS_NAMES) {
  test(`loss decreases on a toy set and positives get closer: ${loss}`, () => {
    const table = generateEmbeddingTable(small);
    // validation 0: exactly 30 epochs (this rate moves random pairs together, which the collapse guard would stop).
    const r = trainCharNgram(table, small, toyPairs, { loss, epochs: 30, batchSize: 4, learningRate: 0.05, seed: 1, validation: 0 });
    assert.ok(r.epochLosses.at(-1)! < r.epochLosses[0]!, `${loss}: ${r.epochLosses[0]} → ${r.epochLosses.at(-1)}`);
    const meanCos = (t: Float32Array, c: CharNgramModelConfig) =>
      toyPairs.reduce((s, p) => s + referenceEmbed(p.a, c, t).reduce((x, v, d) => x + v * referenceEmbed(p.b, c, t)[d]!, 0), 0) / toyPairs.length;
    assert.ok(meanCos(r.table, r.config) > meanCos(table, small) + 0.1, `${loss}: mean positive cosine ${meanCos(table, small)} → ${meanCos(r.table, r.config)}`);
  });
}

test('training is deterministic for a seed and leaves the input table alone', () => {
  const table = generateEmbeddingTable(small);
  const copy = Float32Array.from(table);
  const opts = { loss: 'mnrl' as LossName, epochs: 3, batchSize: 4, seed: 9 };
  const r1 = trainCharNgram(table, small, toyPairs, opts);
  const r2 = trainCharNgram(table, small, toyPairs, opts);
  assert.deepEqual(r1.table, r2.table);
  assert.deepEqual(table, copy);
  assert.notDeepEqual(trainCharNgram(table, small, toyPairs, { ...opts, seed: 10 }).table, r1.table);
});

test('cancellation is checked before every step and throws CancelledError', () => {
  const events: TrainProgress[] = [];
  const token = { isCancellationRequested: false };
  assert.throws(
    () =>
      trainCharNgram(generateEmbeddingTable(small), small, toyPairs, {
        loss: 'cosine',
        epochs: 5,
        batchSize: 4,
        token,
        onProgress: (e) => {
          events.push(e);
          if (e.type === 'step' && e.step === 2) token.isCancellationRequested = true;
        },
      }),
    (err: unknown) => err instanceof CancelledError && err.name === 'CancelledError',
  );
  assert.deepEqual(events.map((e) => e.type), ['start', 'step', 'step']);
});

test('progress events: start, steps with loss and ETA, epochs, done', () => {
  const events: TrainProgress[] = [];
  const r = trainCharNgram(generateEmbeddingTable(small), small, toyPairs, { loss: 'cosent', epochs: 2, batchSize: 6, validation: 0, onProgress: (e) => events.push(e) });
  assert.equal(events[0]!.type, 'start');
  assert.equal(events.at(-1)!.type, 'done');
  const steps = events.filter((e) => e.type === 'step');
  assert.equal(steps.length, r.totalSteps);
  assert.deepEqual(steps.map((e) => e.step), steps.map((_, i) => i + 1));
  assert.equal(events.filter((e) => e.type === 'epoch').length, 2);
});

test('the ETA comes from this run\'s measured step times: none before a measurement, setup and earlier runs excluded', () => {
  const texts = [...new Set(toyPairs.flatMap((p) => [p.a, p.b]))];
  const prepared = prepareTrainingData(toyPairs, { loss: 'cosine' }, (t) => texts.indexOf(t), () => true);
  const events: TrainProgress[] = [];
  // The job started an hour ago (embedding, an earlier epoch-choosing run); the steps themselves take milliseconds.
  const started = Date.now() - 3_600_000;
  runTrainingLoop(prepared, new Random(1), { epochs: 3, batchSize: 2, lr: 0.01, onProgress: (e) => events.push(e) }, started, () => 0.5);
  const steps = events.filter((e): e is Extract<TrainProgress, { type: 'step' }> => e.type === 'step');
  assert.ok(steps.length >= 4, `${steps.length} steps`);
  assert.equal(steps[0]!.etaMs, undefined, 'no ETA before a step time is measured');
  assert.ok(steps[0]!.elapsedMs >= 3_600_000, 'elapsedMs still counts from the job start');
  for (const e of steps.slice(1)) {
    const left = e.totalSteps - e.step;
    assert.ok(e.etaMs !== undefined, `step ${e.step}: no ETA`);
    // Counting the hour of setup would give ≥ 3.6e6 / step ms per remaining step.
    assert.ok(e.etaMs >= 0 && e.etaMs < 60_000, `step ${e.step}: ETA ${e.etaMs} ms for ${left} steps`);
  }
  assert.equal(steps.at(-1)!.etaMs, 0);
});

test('no-duplicate batches never repeat a text inside a batch and keep every pair', () => {
  const pairs: [number, number][] = [[0, 1], [0, 2], [3, 4], [1, 5], [6, 7], [8, 0]];
  const batches = noDuplicateBatches([0, 1, 2, 3, 4, 5], (i) => pairs[i]!, 3);
  assert.deepEqual(batches.flat().sort(), [0, 1, 2, 3, 4, 5]);
  for (const b of batches) {
    const t = b.flatMap((i) => pairs[i]!);
    assert.equal(new Set(t).size, t.length);
  }
});

test('warm-up then linear decay', () => {
  assert.equal(linearWarmupLr(0, 100, 10, 1), 0.1);
  assert.equal(linearWarmupLr(9, 100, 10, 1), 1);
  assert.equal(linearWarmupLr(10, 100, 10, 1), 1);
  assert.ok(Math.abs(linearWarmupLr(99, 100, 10, 1) - 1 / 90) < 1e-12);
});
