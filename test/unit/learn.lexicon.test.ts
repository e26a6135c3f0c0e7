// Fine-tuning a char-ngram-v2 model: the char n-gram table trains, the lexicon half stays frozen
// and is carried byte for byte into the exported folder, which the engine loads through onnxruntime.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILTIN_MODEL_CONFIG, CHAR_NGRAM_MODEL_TYPE, type CharNgramModelConfig } from '../../src/core/builtin/featurizer';
import { formatLexiconVocabulary, lexiconLookup } from '../../src/core/builtin/lexicon';
import { generateEmbeddingTable } from '../../src/core/builtin/model';
import { buildCharNgramV2Onnx, MODEL_LICENSE_TEXT, referenceEmbedCharNgram, type QuantizedTable } from '../../src/core/builtin/modelV2';
import { batchLossAndGradient, featureTable, requantizeRows, trainCharNgram } from '../../src/core/learn/train';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/learn/losses';
import { meaningVector } from '../../src/core/builtin/modelV2';
import type { TextPair } from '../../src/core/learn/types';
import { readCharNgramBase, readInitializer } from '../../src/runtime/learn/baseModel';
import { exportCharNgramModel } from '../../src/runtime/learn/export';
import { loadEngine } from '../../src/runtime/model/load';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'synonym-lens-learn-lexicon-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

// A small v2 model: a 512 × 8 char table and a 4-dimensional meaning table of five rows.
const ROW_WORDS = [['发动机', '發動機'], ['引擎'], ['汽车', '汽車'], ['香蕉'], ['陷阱', '圈套']];
const MEANING: QuantizedTable = {
  rows: 5,
  dimension: 4,
  values: Int8Array.from([127, 10, 0, 0, 120, 20, 5, 0, 0, 127, 0, 0, 0, 0, 127, 0, 0, 0, 3, 127]),
  scales: Float32Array.from([0.01, 0.02, 0.01, 0.005, 0.01]),
};
const CONFIG: CharNgramModelConfig = {
  ...BUILTIN_MODEL_CONFIG,
  version: 'test-v2',
  buckets: 512,
  dimension: 8,
  seed: 11,
  lexicon: { rows: 5, dimension: 4, alpha: 0.5, maxUnknownShare: 1, maxWordLength: 8 },
};
const WORDS = formatLexiconVocabulary(ROW_WORDS);

function writeV2Folder(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'model.onnx'), buildCharNgramV2Onnx(CONFIG, CONFIG.lexicon!, generateEmbeddingTable(CONFIG), MEANING));
  writeFileSync(path.join(dir, 'lexicon.txt'), WORDS);
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ model_type: CHAR_NGRAM_MODEL_TYPE, featurizer: CONFIG, license: 'CC-BY-SA-4.0' }));
}

// Synonyms the lexicon knows (发动机 ~ 引擎) and ones only spelling can learn (domain names).
const PAIRS: TextPair[] = [
  ['普拉多', '霸道'],
  ['凯美瑞', '佳美'],
  ['途观', '途观L'],
  ['汉兰达', '汉兰达混动'],
  ['发动机', '引擎'],
  ['卡罗拉', '花冠'],
  ['雅阁', '雅阁混动'],
  ['帕杰罗', '帕杰罗劲畅'],
].map(([a, b]) => ({ a: a!, b: b!, label: 1 as const }));

const base = path.join(tmp, 'base-v2');
writeV2Folder(base);

test('a v2 base is read with its lexicon half: word list, int8 meaning table and scales as the graph has them', () => {
  const b = readCharNgramBase(base, 'builtin');
  assert.equal(b.id, 'builtin:test-v2');
  assert.ok(b.lexicon);
  assert.deepEqual(b.lexicon.meaning.values, MEANING.values);
  assert.deepEqual(b.lexicon.meaning.scales, MEANING.scales);
  assert.equal(b.lexicon.words, WORDS);
  assert.equal(b.lexicon.vocab.get('發動機'), 0);
  // A folder that says it has a lexicon half but lacks the word list is refused with the file named.
  const broken = path.join(tmp, 'no-words');
  writeV2Folder(broken);
  rmSync(path.join(broken, 'lexicon.txt'));
  assert.throws(() => readCharNgramBase(broken, 'x'), /lexicon\.txt/);
});

test('the frozen-lexicon gradient matches finite differences of the joined v2 vector', () => {
  const b = readCharNgramBase(base, 'builtin');
  const texts = ['发动机', '引擎', '普拉多', '霸道'];
  const features = { ...featureTable(texts, CONFIG), meaning: { vectors: texts.map((t) => meaningVector(t, b.lexicon!)), alpha: 0.5 } };
  const batch = { a: [0, 2], b: [1, 3], labels: [1, 1] as (0 | 1)[] };
  const table = Float64Array.from(b.table);
  const grad = new Float64Array(table.length);
  const { loss, rows } = batchLossAndGradient(table, 8, features, batch, 'cosine', DEFAULT_LOSS_PARAMS, grad, new Uint8Array(512));
  const h = 1e-6;
  let checked = 0;
  for (const row of rows.slice(0, 6)) {
    for (const d of [0, 5]) {
      const k = row * 8 + d;
      const saved = table[k]!;
      table[k] = saved + h;
      const up = batchLossAndGradient(table, 8, features, batch, 'cosine', DEFAULT_LOSS_PARAMS, new Float64Array(table.length), new Uint8Array(512)).loss;
      table[k] = saved;
      assert.ok(Math.abs((up - loss) / h - grad[k]!) < 1e-4, `row ${row} dim ${d}: ${(up - loss) / h} vs ${grad[k]}`);
      checked++;
    }
  }
  assert.ok(checked >= 6);
});

test('fine-tuning a v2 base trains the char table, leaves the lexicon half as it was, and brings the training pairs closer', () => {
  const b = readCharNgramBase(base, 'builtin');
  const lexiconBefore = { values: Int8Array.from(b.lexicon!.meaning.values), scales: Float32Array.from(b.lexicon!.meaning.scales) };
  assert.throws(() => trainCharNgram(b.table, b.config, PAIRS, { loss: 'mnrl' }), /lexicon half/);
  const r = trainCharNgram(b.table, b.config, PAIRS, { loss: 'mnrl', epochs: 8, seed: 3, validation: 0 }, b.lexicon);
  assert.deepEqual(r.config.lexicon, CONFIG.lexicon, 'the trained config keeps the lexicon half');
  assert.deepEqual(b.lexicon!.meaning.values, lexiconBefore.values);
  assert.deepEqual(b.lexicon!.meaning.scales, lexiconBefore.scales);
  assert.ok(r.table.some((x, i) => x !== b.table[i]), 'the char table changed');
  const cos = (cfg: CharNgramModelConfig, table: Float32Array, p: TextPair) => {
    const x = referenceEmbedCharNgram(p.a, cfg, table, b.lexicon);
    const y = referenceEmbedCharNgram(p.b, cfg, table, b.lexicon);
    return x.reduce((s, v, d) => s + v * y[d]!, 0);
  };
  const mean = (cfg: CharNgramModelConfig, table: Float32Array) => PAIRS.reduce((s, p) => s + cos(cfg, table, p), 0) / PAIRS.length;
  assert.ok(mean(r.config, r.table) > mean(b.config, b.table) + 0.05, `${mean(b.config, b.table)} → ${mean(r.config, r.table)}`);
  // The meaning half still speaks: 发动机 ~ 引擎 share meaning, not a character.
  assert.ok(cos(r.config, r.table, PAIRS[4]!) > 0.4);
});

test('the exported v2 folder carries the lexicon bytes and licence, and onnxruntime embeds as the TS reference (≤ 1e-5)', async () => {
  const b = readCharNgramBase(base, 'builtin');
  const r = trainCharNgram(b.table, b.config, PAIRS, { loss: 'mnrl', epochs: 4, seed: 3, validation: 0 }, b.lexicon);
  const out = path.join(tmp, 'tuned-v2');
  assert.throws(
    () => exportCharNgramModel({ outDir: path.join(tmp, 'never'), config: r.config, table: r.table, provenance: { base_model: b.id, base_fingerprint: b.fingerprint, training_file_sha256: '0', loss: 'mnrl', hyper_parameters: {} } }),
    /lexicon half/,
  );
  exportCharNgramModel({
    outDir: out,
    config: r.config,
    table: r.table,
    baseDir: base,
    lexicon: { meaning: b.lexicon!.meaning, words: b.lexicon!.words },
    provenance: { base_model: b.id, base_fingerprint: b.fingerprint, training_file_sha256: '0', loss: 'mnrl', hyper_parameters: {} },
  });
  const baseModel = readFileSync(path.join(base, 'model.onnx'));
  const tunedModel = readFileSync(path.join(out, 'model.onnx'));
  for (const [name, type] of [['lexicon_int8', 3], ['lexicon_scale', 1]] as const)
    assert.deepEqual(readInitializer(tunedModel, name, type), readInitializer(baseModel, name, type), `${name} unchanged`);
  assert.notDeepEqual(readInitializer(tunedModel, 'table', 1), readInitializer(baseModel, 'table', 1));
  assert.deepEqual(readFileSync(path.join(out, 'lexicon.txt')), readFileSync(path.join(base, 'lexicon.txt')));
  assert.equal(readFileSync(path.join(out, 'LICENSE'), 'utf8'), MODEL_LICENSE_TEXT);
  assert.match(readFileSync(path.join(out, 'NOTICE'), 'utf8'), /fine-tuned by Synonym Lens from builtin:test-v2[\s\S]*CC BY-SA 4\.0[\s\S]*CC-CEDICT/);
  const config = JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8'));
  assert.equal(config.license, 'CC-BY-SA-4.0');
  assert.deepEqual(config.featurizer.lexicon, CONFIG.lexicon);
  const provenance = JSON.parse(readFileSync(path.join(out, 'synonym-lens.json'), 'utf8'));
  assert.deepEqual([provenance.base_model, provenance.license], ['builtin:test-v2', 'CC-BY-SA-4.0']);

  // The fine-tuned folder is a base again, lexicon half included.
  const again = readCharNgramBase(out, path.basename(out));
  assert.deepEqual(again.lexicon!.meaning.values, b.lexicon!.meaning.values);

  const engine = await loadEngine(out, { threads: 1 });
  try {
    assert.equal(engine.dimension, 12);
    const texts = ['普拉多', '霸道', '发动机', '引擎', '汽车发动机', 'car', ''];
    const got = await engine.embed(texts);
    texts.forEach((t, i) => {
      const want = referenceEmbedCharNgram(t, r.config, r.table, b.lexicon);
      const diff = Math.max(...want.map((x, d) => Math.abs(x - got[i]![d]!)));
      assert.ok(diff <= 1e-5, `${t}: ${diff}`);
    });
  } finally {
    await engine.dispose();
  }
  assert.ok(existsSync(path.join(out, 'model.onnx')));
});

test('end to end (trainLexicon): the meaning rows\' gradient matches finite differences, and the trained rows are re-quantised into a new table', () => {
  const b = readCharNgramBase(base, 'builtin');
  const texts = ['发动机', '引擎', '汽车', '香蕉'];
  const rows = texts.map((t) => Int32Array.from(lexiconLookup(t, b.lexicon!.vocab, b.lexicon!.config).rows));
  const lex = new Float32Array(5 * 4);
  for (let r = 0; r < 5; r++) for (let d = 0; d < 4; d++) lex[r * 4 + d] = MEANING.values[r * 4 + d]! * MEANING.scales[r]!;
  const features = { ...featureTable(texts, CONFIG), meaning: { vectors: [], alpha: 0.5, trainable: { rows, table: lex, dimension: 4 } } };
  const batch = { a: [0, 2], b: [1, 3], labels: [1, 0] as (0 | 1)[] };
  const table = Float64Array.from(b.table);
  const lossOf = (meaningGrad?: { grad: Float64Array; touched: Uint8Array; rows: number[] }) =>
    batchLossAndGradient(table, 8, features, batch, 'cosine', DEFAULT_LOSS_PARAMS, new Float64Array(table.length), new Uint8Array(512), 0, meaningGrad ? { meaningGrad } : {});
  const g = { grad: new Float64Array(lex.length), touched: new Uint8Array(5), rows: [] as number[] };
  const { loss } = lossOf(g);
  assert.deepEqual([...g.rows].sort(), [0, 1, 2, 3]);
  const h = 1e-3; // float32 table: a larger step, a looser tolerance
  for (const r of g.rows) {
    for (const d of [0, 1, 2, 3]) {
      const saved = lex[r * 4 + d]!;
      lex[r * 4 + d] = saved + h;
      const up = lossOf().loss;
      lex[r * 4 + d] = saved - h;
      const down = lossOf().loss;
      lex[r * 4 + d] = saved;
      assert.ok(Math.abs((up - down) / (2 * h) - g.grad[r * 4 + d]!) < 2e-3, `row ${r} dim ${d}: ${(up - down) / (2 * h)} vs ${g.grad[r * 4 + d]}`);
    }
  }
  assert.ok(Number.isFinite(loss));

  const r = trainCharNgram(b.table, b.config, PAIRS, { loss: 'mnrl', epochs: 4, seed: 3, validation: 0, trainLexicon: true }, b.lexicon);
  assert.ok(r.meaning, 'the trained meaning table is returned');
  assert.deepEqual(b.lexicon!.meaning.values, MEANING.values, 'the base table is not modified');
  const changed = [...Array(5).keys()].filter((row) => r.meaning!.values.subarray(row * 4, row * 4 + 4).some((x, d) => x !== MEANING.values[row * 4 + d]) || r.meaning!.scales[row] !== MEANING.scales[row]);
  assert.ok(changed.length > 0 && !changed.includes(2) && !changed.includes(3), `rows used by training pairs only: ${changed}`);
  const q = requantizeRows(MEANING, [4], Float32Array.from([0.5, -1, 0, 0.25]));
  assert.deepEqual([...q.values.subarray(16, 20)], [64, -127, 0, 32]);
  assert.equal(q.scales[4], Math.fround(1 / 127));
  assert.deepEqual(q.values.subarray(0, 16), MEANING.values.subarray(0, 16));
});
