import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BUILTIN_MODEL_CONFIG,
  featureBucket,
  featureKind,
  featureKindCount,
  featureKindNames,
  featurize,
  parseCharNgramConfig,
  shapeFeature,
  caseFeature,
  type CharNgramModelConfig,
} from '../../src/core/builtin/featurizer';
import { generateEmbeddingTable, referenceEmbed } from '../../src/core/builtin/model';
import { DEFAULT_LOSS_PARAMS, LOSS_NAMES } from '../../src/core/learn/losses';
import { batchLossAndGradient, featureTable, trainCharNgram } from '../../src/core/learn/train';
import type { TextPair } from '../../src/core/learn/types';

// Feature kinds, learned order weights α and shape features (docs/learning.md, "What generalises").

const small: CharNgramModelConfig = { ...BUILTIN_MODEL_CONFIG, buckets: 97, dimension: 8, seed: 3 };
const cos = (x: Float32Array, y: Float32Array) => x.reduce((s, v, d) => s + v * y[d]!, 0);

test('feature kinds: CJK 1/2/3-grams, word 3/4/5-grams, whole word; the default weights stay 1/n', () => {
  assert.equal(featureKindCount(BUILTIN_MODEL_CONFIG), 7);
  assert.deepEqual(featureKindNames(BUILTIN_MODEL_CONFIG), ['cjk-1', 'cjk-2', 'cjk-3', 'word-3', 'word-4', 'word-5', 'word']);
  const f = featurize('丰田 suv');
  // 丰, 丰田, 田 | <suv>, <su, <suv, <suv>, suv, suv>, uv>
  assert.deepEqual([...f.kinds], [0, 1, 0, 6, 3, 4, 5, 3, 4, 3]);
  assert.ok(f.weights.every((w) => w === Math.fround(1 / 10)));
  assert.equal(featureKind(BUILTIN_MODEL_CONFIG, 'whole'), 6);
});

test('orderWeights pool a feature of kind o with α_o/n', () => {
  const alpha = [2, 0.5, 1, 1, 1, 1, 1];
  const f = featurize('丰田车', { ...BUILTIN_MODEL_CONFIG, orderWeights: alpha });
  // 丰, 丰田, 丰田车, 田, 田车, 车
  assert.deepEqual([...f.kinds], [0, 1, 2, 0, 1, 0]);
  assert.deepEqual([...f.weights], [2, 0.5, 1, 2, 0.5, 2].map((a) => Math.fround(a / 6)));
});

test('shape features: one per kind present, keyed by its capped count, weighted by its share', () => {
  const config = { ...BUILTIN_MODEL_CONFIG, shapeFeatures: true };
  assert.equal(featureKindCount(config), 8);
  const f = featurize('丰田车', config);
  const shape = featureKind(config, 'shape');
  assert.equal(f.ids.length, 6 + 3);
  assert.deepEqual([...f.kinds.slice(6)], [shape, shape, shape]);
  assert.deepEqual([...f.ids.slice(6)], [shapeFeature(0, 3), shapeFeature(1, 2), shapeFeature(2, 1)].map((s) => featureBucket(s, config.buckets)));
  assert.deepEqual([...f.weights.slice(6)], [3 / 6, 2 / 6, 1 / 6].map(Math.fround));
  assert.equal(shapeFeature(0, 30), shapeFeature(0, 8), 'counts above the cap share a feature');
  assert.notEqual(shapeFeature(0, 2), shapeFeature(0, 3));
  assert.equal(featurize('', config).ids.length, 0, 'a featureless text gets no shape feature');
});

test('the case feature: capitals or not, read before lower-casing, weighted by the word n-grams\' share; none without cased letters', () => {
  const config: CharNgramModelConfig = { ...BUILTIN_MODEL_CONFIG, shapeFeatures: true, caseFeature: true };
  const shape = featureKind(config, 'shape');
  const upper = featurize('Borneo', config);
  const lower = featurize('borneo', config);
  const plain = featurize('Borneo', { ...config, caseFeature: undefined });
  assert.equal(upper.ids.length, plain.ids.length + 1);
  assert.deepEqual([...upper.ids.slice(0, -1)], [...plain.ids], 'every other feature is as without the case feature');
  assert.deepEqual([...upper.ids.slice(0, -1)], [...lower.ids.slice(0, -1)], 'lower-casing still makes them one term otherwise');
  assert.equal(upper.ids.at(-1), featureBucket(caseFeature(true), config.buckets));
  assert.equal(lower.ids.at(-1), featureBucket(caseFeature(false), config.buckets));
  assert.equal(upper.kinds.at(-1), shape);
  assert.equal(upper.weights.at(-1), 1, 'all of its n-grams are word n-grams');
  // Mixed: 2 CJK unigrams + 1 bigram, then `<ab>` and the 3/4-grams of `<ab>`: 4 word features of 7.
  const mixed = featurize('丰田 AB', config);
  assert.equal(mixed.ids.at(-1), featureBucket(caseFeature(true), config.buckets));
  assert.equal(mixed.weights.at(-1), Math.fround(4 / 7));
  for (const t of ['丰田', '6', 'ＳＵＶ'.toLowerCase().replace('ｓ', '')]) {
    const f = featurize(t, config);
    const hasCase = [...f.ids].some((id) => id === featureBucket(caseFeature(true), config.buckets) || id === featureBucket(caseFeature(false), config.buckets));
    assert.equal(hasCase, /\p{L}/u.test(t) && !/\p{Script=Han}/u.test(t), t);
  }
  assert.equal(featurize('ＳＵＶ', config).ids.at(-1), featureBucket(caseFeature(true), config.buckets), 'NFKC first: full-width capitals are capitals');
  assert.notEqual(caseFeature(true), caseFeature(false));
  assert.throws(() => parseCharNgramConfig({ ...BUILTIN_MODEL_CONFIG, caseFeature: true }), /"caseFeature" needs "shapeFeatures"/);
  assert.throws(() => parseCharNgramConfig({ ...BUILTIN_MODEL_CONFIG, shapeFeatures: true, caseFeature: 1 }), /caseFeature/);
  assert.deepEqual(parseCharNgramConfig(JSON.parse(JSON.stringify(config))), config);
});

test('parseCharNgramConfig: the shipped config round-trips without the new keys; bad values are refused', () => {
  const plain = parseCharNgramConfig(JSON.parse(JSON.stringify(BUILTIN_MODEL_CONFIG)));
  assert.equal(JSON.stringify(plain), JSON.stringify(BUILTIN_MODEL_CONFIG), 'the base fingerprint (JSON of the config) is unchanged');
  const tuned = { ...BUILTIN_MODEL_CONFIG, shapeFeatures: true, orderWeights: [1, 2, 3, 4, 5, 6, 7, 1] };
  assert.deepEqual(parseCharNgramConfig(JSON.parse(JSON.stringify(tuned))), tuned);
  assert.throws(() => parseCharNgramConfig({ ...BUILTIN_MODEL_CONFIG, orderWeights: [1, 2] }), /orderWeights/);
  assert.throws(() => parseCharNgramConfig({ ...BUILTIN_MODEL_CONFIG, orderWeights: [0, 0, 0, 0, 0, 0, 0] }), /orderWeights/);
  assert.throws(() => parseCharNgramConfig({ ...BUILTIN_MODEL_CONFIG, orderWeights: [1, 1, 1, 1, 1, 1, -1] }), /orderWeights/);
  assert.throws(() => parseCharNgramConfig({ ...BUILTIN_MODEL_CONFIG, shapeFeatures: 'yes' }), /shapeFeatures/);
});

test('gradient of the order weights α (central differences, float64)', () => {
  const config = { ...small, shapeFeatures: true };
  const texts = ['汽车', '轿车', '越野车', '吉普', 'jeep', 'suv car', '苹果', '香蕉'];
  const batch = { a: [0, 2, 4, 6], b: [1, 3, 5, 7], labels: [1, 1, 0, 1] as (0 | 1)[] };
  const table = Float64Array.from(generateEmbeddingTable(small));
  const feats = featureTable(texts, config);
  const kinds = featureKindCount(config);
  const alpha = Float64Array.from({ length: kinds }, (_, o) => 0.5 + 0.2 * o);
  for (const loss of LOSS_NAMES) {
    const lossAt = (a: Float64Array) =>
      batchLossAndGradient(table, small.dimension, feats, batch, loss, DEFAULT_LOSS_PARAMS, new Float64Array(table.length), new Uint8Array(small.buckets), 0.5, { alpha: a }).loss;
    const alphaGrad = new Float64Array(kinds);
    batchLossAndGradient(table, small.dimension, feats, batch, loss, DEFAULT_LOSS_PARAMS, new Float64Array(table.length), new Uint8Array(small.buckets), 0.5, { alpha, alphaGrad });
    assert.ok(alphaGrad.some((g) => g !== 0), `${loss}: no gradient`);
    for (let o = 0; o < kinds; o++) {
      const h = 1e-6;
      const plus = Float64Array.from(alpha);
      plus[o]! += h;
      const minus = Float64Array.from(alpha);
      minus[o]! -= h;
      const numeric = (lossAt(plus) - lossAt(minus)) / (2 * h);
      assert.ok(Math.abs(numeric - alphaGrad[o]!) <= 1e-5 * Math.max(1, Math.abs(numeric)), `${loss} α[${o}]: numeric ${numeric}, analytic ${alphaGrad[o]}`);
    }
  }
});

const toyPairs: TextPair[] = [
  ['汽车', '轿车'], ['手机', '电话'], ['电脑', '计算机'], ['马铃薯', '土豆'], ['番茄', '西红柿'], ['自行车', '单车'],
].map(([a, b]) => ({ a: a!, b: b!, label: 1 as const }));

test('shape rows start at zero: before any step the fine-tuned config embeds exactly as the base', () => {
  // The shipped bucket count: the 56 shape rows hit none of these texts' n-gram rows (checked), so
  // zeroing them changes nothing else. (A colliding n-gram would lose its random row.)
  const config: CharNgramModelConfig = { ...BUILTIN_MODEL_CONFIG, dimension: 8 };
  const table = generateEmbeddingTable(config);
  const r = trainCharNgram(table, config, toyPairs, { loss: 'cosine', epochs: 0 });
  assert.equal(r.config.shapeFeatures, true);
  assert.equal(r.config.caseFeature, true);
  const shapeRows = new Set<number>();
  for (let o = 0; o < 7; o++) for (let c = 1; c <= 8; c++) shapeRows.add(featureBucket(shapeFeature(o, c), config.buckets));
  for (const capitalised of [true, false]) shapeRows.add(featureBucket(caseFeature(capitalised), config.buckets));
  assert.equal(shapeRows.size, 58);
  for (let row = 0; row < config.buckets; row++) {
    const zero = r.table.subarray(row * 8, row * 8 + 8).every((v) => v === 0);
    assert.equal(zero, shapeRows.has(row), `row ${row}`);
  }
  for (const t of ['汽车', '越野车', 'suv', '未见过的词 abc']) {
    assert.ok(![...featurize(t, config).ids].some((id) => shapeRows.has(id)), `${t} collides with a shape row`);
    const before = referenceEmbed(t, config, table);
    const after = referenceEmbed(t, r.config, r.table);
    assert.ok(Math.max(...before.map((v, d) => Math.abs(v - after[d]!))) < 1e-6, t);
  }
  const off = trainCharNgram(table, config, toyPairs, { loss: 'cosine', epochs: 2, shapeFeatures: false });
  assert.equal(off.config, config, 'without shape features or α the config is the input');
  const noCase = trainCharNgram(table, config, toyPairs, { loss: 'cosine', epochs: 0, caseFeature: false });
  assert.deepEqual([noCase.config.shapeFeatures, noCase.config.caseFeature], [true, undefined]);
  // A model tuned before the case feature existed (shape features, no case) gets it on its next run.
  const again = trainCharNgram(noCase.table, noCase.config, toyPairs, { loss: 'cosine', epochs: 0 });
  assert.equal(again.config.caseFeature, true);
  for (const capitalised of [true, false]) {
    const row = featureBucket(caseFeature(capitalised), config.buckets);
    assert.ok(again.table.subarray(row * 8, row * 8 + 8).every((v) => v === 0), 'its case rows start at zero');
  }
});

test('shape features carry what synonyms share in form to terms never trained on', () => {
  // Positives pair 4-character idioms with 4-character idioms and 2-character words with 2-character
  // words; negatives mix the two lengths. No held-out term shares a character with a trained one.
  const idioms = ['一心一意', '三心二意', '七上八下', '九牛一毛', '十全十美', '千军万马', '万紫千红', '四面八方'];
  const words = ['苹果', '香蕉', '西瓜', '葡萄', '桌子', '椅子', '铅笔', '橡皮'];
  const pairs: TextPair[] = [];
  for (let i = 0; i < 8; i += 2) {
    pairs.push({ a: idioms[i]!, b: idioms[i + 1]!, label: 1 }, { a: words[i]!, b: words[i + 1]!, label: 1 });
    pairs.push({ a: idioms[i]!, b: words[i + 1]!, label: 0 }, { a: words[i]!, b: idioms[(i + 3) % 8]!, label: 0 });
  }
  const config: CharNgramModelConfig = { ...BUILTIN_MODEL_CONFIG, buckets: 4099, dimension: 16, seed: 5 };
  const table = generateEmbeddingTable(config);
  // validation 0: all 40 epochs (learning form pulls same-length terms of different groups together, which the collapse guard would stop).
  const opts = { loss: 'contrastive' as const, epochs: 40, batchSize: 8, learningRate: 0.05, seed: 2, validation: 0 };
  const gap = (t: Float32Array, c: CharNgramModelConfig) => {
    const e = (s: string) => referenceEmbed(s, c, t);
    // unseen: same length vs different length
    return cos(e('风和日丽'), e('鸟语花香')) + cos(e('河流'), e('湖泊')) - cos(e('风和日丽'), e('河流')) - cos(e('鸟语花香'), e('湖泊'));
  };
  const withShape = trainCharNgram(table, config, pairs, opts);
  const without = trainCharNgram(table, config, pairs, { ...opts, shapeFeatures: false });
  assert.ok(gap(withShape.table, withShape.config) > gap(table, config) + 0.5, `with shape: ${gap(table, config)} → ${gap(withShape.table, withShape.config)}`);
  assert.ok(Math.abs(gap(without.table, without.config) - gap(table, config)) < 0.2, `without: ${gap(table, config)} → ${gap(without.table, without.config)}`);
});

test('learned order weights: deterministic, exported in the config, and a tuned model can be tuned again', () => {
  const table = generateEmbeddingTable(small);
  const opts = { loss: 'mnrl' as const, epochs: 5, batchSize: 3, seed: 4, learnOrderWeights: true, orderLearningRate: 0.2 };
  const r1 = trainCharNgram(table, small, toyPairs, opts);
  const r2 = trainCharNgram(table, small, toyPairs, opts);
  assert.deepEqual(r1.config, r2.config);
  assert.deepEqual(r1.table, r2.table);
  const alpha = r1.config.orderWeights!;
  assert.equal(alpha.length, 8);
  assert.ok(alpha.some((a, o) => o < 7 && a !== 1), `α moved: ${alpha}`);
  assert.equal(alpha[7], 1, 'the shape kind keeps α = 1 (its rows carry the scale)');
  // Fine-tuning the tuned model starts from its α and its shape rows (zero steps = no change).
  const again = trainCharNgram(r1.table, r1.config, toyPairs, { ...opts, epochs: 0 });
  assert.deepEqual(again.config, r1.config);
  assert.deepEqual(again.table, r1.table);
});
