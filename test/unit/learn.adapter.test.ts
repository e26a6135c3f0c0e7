/**
 * The residual adapter over frozen embeddings (src/core/learn/adapter.ts): gradients against
 * central differences for every loss (linear and MLP, with the spread and anchor penalties), loss
 * decreasing on a toy set, identity at initialisation, determinism, progress and cancellation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  adapterBatchLossAndGradient,
  adapterFromParameters,
  adapterParameterCount,
  applyAdapter,
  identityAdapter,
  initialAdapterParameters,
  trainAdapter,
  type AdapterShape,
} from '../../src/core/learn/adapter';
import { DEFAULT_LOSS_PARAMS, LOSS_NAMES } from '../../src/core/learn/losses';
import type { TrainProgress } from '../../src/core/learn/train';
import { type TextPair } from '../../src/core/learn/types';
import { CancelledError } from '../../src/core/cancellation';
import { Random } from '../../src/core/random';

const DIM = 6;

/** A deterministic unit vector per text (stands in for a frozen encoder). */
function baseVector(text: string, dim = DIM): Float32Array {
  let seed = 17;
  for (const ch of text) seed = Math.imul(seed ^ ch.codePointAt(0)!, 0x9e3779b1);
  const rng = new Random(seed);
  const v = Float32Array.from({ length: dim }, () => rng.nextNormal());
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function unit(rng: Random, dim: number): Float64Array {
  const v = Float64Array.from({ length: dim }, () => rng.nextNormal());
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

const batch = { a: [0, 2, 4, 6], b: [1, 3, 5, 7], labels: [1, 1, 0, 1] as (0 | 1)[] };

const shapes: AdapterShape[] = [
  { kind: 'linear', dim: DIM, hidden: 0 },
  { kind: 'mlp', dim: DIM, hidden: 5 },
];

for (const shape of shapes)
  for (const [loss, spread, anchor] of [...LOSS_NAMES.map((l) => [l, 0, 0] as const), ['cosine', 0.7, 0.3] as const]) {
    test(`gradient check (central differences, float64): ${shape.kind} ${loss}${spread ? ` + spread ${spread} + anchor ${anchor}` : ''}`, () => {
      const rng = new Random(5);
      const inputs = Array.from({ length: 8 }, () => unit(rng, DIM));
      // Start away from the identity so every parameter has a gradient (W = 0 zeroes the MLP's W1 gradient).
      const theta0 = initialAdapterParameters(shape, rng);
      const theta = theta0.map((t) => t + 0.3 * rng.nextNormal());
      const lossAt = (t: Float64Array) =>
        adapterBatchLossAndGradient(shape, t, inputs, batch, loss, DEFAULT_LOSS_PARAMS, new Float64Array(t.length), spread, anchor, theta0);
      const grad = new Float64Array(theta.length);
      const l0 = adapterBatchLossAndGradient(shape, theta, inputs, batch, loss, DEFAULT_LOSS_PARAMS, grad, spread, anchor, theta0);
      assert.ok(l0 > 0, `${loss} is already 0 on the check batch`);
      assert.equal(theta.length, adapterParameterCount(shape));
      const h = 1e-6;
      let nonzero = 0;
      for (let k = 0; k < theta.length; k++) {
        const plus = Float64Array.from(theta);
        plus[k]! += h;
        const minus = Float64Array.from(theta);
        minus[k]! -= h;
        const numeric = (lossAt(plus) - lossAt(minus)) / (2 * h);
        assert.ok(Math.abs(numeric - grad[k]!) <= 1e-5 * Math.max(1, Math.abs(numeric)), `${shape.kind} ${loss} θ[${k}]: numeric ${numeric}, analytic ${grad[k]}`);
        if (grad[k] !== 0) nonzero++;
      }
      assert.ok(nonzero > theta.length / 2, `only ${nonzero} of ${theta.length} gradients are non-zero`);
    });
  }

test('the initial adapter is the identity (linear and MLP)', () => {
  for (const shape of shapes) {
    const adapter = adapterFromParameters(shape, initialAdapterParameters(shape, new Random(1)));
    for (const t of ['汽车', '轿车', 'car']) {
      const x = baseVector(t);
      const y = applyAdapter(adapter, x);
      for (let d = 0; d < DIM; d++) assert.ok(Math.abs(y[d]! - x[d]!) < 1e-7, `${shape.kind} ${t}[${d}]: ${y[d]} vs ${x[d]}`);
    }
  }
  const id = identityAdapter(4);
  assert.equal(id.kind, 'linear');
  assert.deepEqual([...applyAdapter(id, [0.6, 0, 0.8, 0])], [...Float32Array.of(0.6, 0, 0.8, 0)]);
});

// Pairs whose base vectors are unrelated: only the adapter can make them similar.
const toyPairs: TextPair[] = [
  ['汽车', '轿车'], ['手机', '电话'], ['电脑', '计算机'], ['马铃薯', '土豆'], ['番茄', '西红柿'], ['自行车', '单车'],
  ['出租车', '的士'], ['冰箱', '雪柜'], ['摩托', '机车'], ['玉米', '苞谷'], ['眼镜', '镜片'], ['衣服', '服装'],
].map(([a, b]) => ({ a: a!, b: b!, label: 1 as const }));

const TOY_DIM = 16;
const toyVector = (t: string) => baseVector(t, TOY_DIM);
const meanCos = (f: (t: string) => Float32Array) =>
  toyPairs.reduce((s, p) => s + f(p.a).reduce((x, v, d) => x + v * f(p.b)[d]!, 0), 0) / toyPairs.length;

for (const kind of ['linear', 'mlp'] as const)
  for (const loss of LOSS_NAMES) {
    test(`loss decreases on a toy set and positives get closer: ${kind} ${loss}`, () => {
      const r = trainAdapter(TOY_DIM, toyVector, toyPairs, { loss, kind, epochs: 40, batchSize: 4, learningRate: 0.02, seed: 1, validation: 0 });
      assert.equal(r.pairs, toyPairs.length);
      assert.ok(r.epochLosses.at(-1)! < r.epochLosses[0]!, `${kind} ${loss}: ${r.epochLosses[0]} → ${r.epochLosses.at(-1)}`);
      const before = meanCos(toyVector);
      const after = meanCos((t) => applyAdapter(r.adapter, toyVector(t)));
      assert.ok(after > before + 0.1, `${kind} ${loss}: mean positive cosine ${before} → ${after}`);
    });
  }

test('same seed → the same adapter bit for bit; another seed differs', () => {
  const run = (seed: number) => trainAdapter(TOY_DIM, toyVector, toyPairs, { loss: 'mnrl', kind: 'mlp', hidden: 8, epochs: 3, batchSize: 4, seed });
  const a = run(3);
  const b = run(3);
  const c = run(4);
  assert.equal(a.adapter.kind, 'mlp');
  if (a.adapter.kind !== 'mlp' || b.adapter.kind !== 'mlp' || c.adapter.kind !== 'mlp') return;
  assert.deepEqual(a.adapter.w2, b.adapter.w2);
  assert.deepEqual(a.adapter.w1, b.adapter.w1);
  assert.deepEqual(a.epochLosses, b.epochLosses);
  assert.notDeepEqual(a.adapter.w2, c.adapter.w2);
});

test('progress events follow train.ts; cancellation throws CancelledError', () => {
  const events: TrainProgress[] = [];
  const r = trainAdapter(TOY_DIM, toyVector, toyPairs, { loss: 'cosine', epochs: 2, batchSize: 4, validation: 0, onProgress: (e) => events.push(e) });
  assert.equal(events[0]!.type, 'start');
  assert.equal(events.at(-1)!.type, 'done');
  const steps = events.filter((e) => e.type === 'step');
  assert.equal(steps.length, r.totalSteps);
  assert.equal(events.filter((e) => e.type === 'epoch').length, 2);
  assert.ok(steps.every((e, i) => e.type === 'step' && e.step === i + 1 && Number.isFinite(e.loss) && e.learningRate > 0));

  let seen = 0;
  const token = { get isCancellationRequested() { return seen >= 3; } };
  assert.throws(
    () => trainAdapter(TOY_DIM, toyVector, toyPairs, { loss: 'cosine', epochs: 5, batchSize: 4, token, onProgress: (e) => { if (e.type === 'step') seen++; } }),
    (err: unknown) => err instanceof CancelledError && err.name === 'CancelledError',
  );
  assert.equal(seen, 3);
});

test('pairs without a vector or with the same term twice are skipped', () => {
  const pairs: TextPair[] = [...toyPairs, { a: '未知', b: '汽车', label: 1 }, { a: 'Car', b: 'car ', label: 1 }];
  const r = trainAdapter(TOY_DIM, (t) => (t === '未知' ? undefined : toyVector(t)), pairs, { loss: 'mnrl', epochs: 1 });
  assert.equal(r.pairs, toyPairs.length);
});

test('the adapter chooses its epoch count on held-out groups too: staged runs, the final one on every pair, deterministic', () => {
  // 150 groups whose two terms have nearby base vectors only in the first three dimensions, so
  // training has something that carries over to held-out groups.
  const dim = 8;
  const pairs: TextPair[] = [];
  for (let g = 0; g < 150; g++) pairs.push({ a: `g${g} term`, b: `g${g} synonym`, label: 1 });
  const vectorOf = (t: string) => {
    const group = Number(/^g(\d+)/.exec(t)![1]);
    const shared = baseVector(`group ${group}`, dim);
    const own = baseVector(t, dim);
    const v = shared.map((x, d) => (d < 3 ? x : 0.3 * x + own[d]!));
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  const run = () => {
    const events: TrainProgress[] = [];
    const r = trainAdapter(dim, vectorOf, pairs, { loss: 'mnrl', epochs: 6, validation: 0.2, batchSize: 16, learningRate: 0.01, seed: 3, onProgress: (e) => events.push(e) });
    return { r, starts: events.filter((e): e is Extract<TrainProgress, { type: 'start' }> => e.type === 'start') };
  };
  const { r, starts } = run();
  const s = r.epochSelection;
  assert.ok(s, 'an epoch selection');
  assert.deepEqual([s.maxEpochs, s.fraction], [6, 0.2]);
  assert.ok(s.bestEpoch >= 1 && s.bestEpoch < s.aucByEpoch.length, JSON.stringify(s));
  assert.deepEqual(starts.slice(0, 2).map((e) => e.stage), ['choose-epochs', 'final']);
  assert.ok(starts[0]!.pairs < starts[1]!.pairs, 'the choosing run has fewer pairs');
  assert.equal(starts[1]!.pairs, r.pairs, 'the final run trains on every pair');
  assert.equal(r.epochLosses.length, s.epochs);
  assert.ok(Number.isFinite(s.aucByEpoch[0]!) && s.aucByEpoch.slice(1).every(Number.isFinite));
  // Determinism, and `validation: 0` trains every epoch once.
  assert.deepEqual(run().r.epochSelection, s);
  const fixed = trainAdapter(dim, vectorOf, pairs, { loss: 'mnrl', epochs: 6, batchSize: 16, learningRate: 0.01, seed: 3, validation: 0 });
  assert.equal(fixed.epochSelection, undefined);
  assert.equal(fixed.epochLosses.length, 6);
});
