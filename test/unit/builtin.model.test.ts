import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_MODEL_CONFIG } from '../../src/core/builtin/featurizer';
import { buildCharNgramOnnx, generateEmbeddingTable, referenceEmbed } from '../../src/core/builtin/model';
import { cosine, dot } from '../../src/core/vectors';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BuiltinEngine, builtinFingerprint } from '../../src/runtime/model/builtinEngine';

const TERMS = [
  '丰田', '丰田汽车', '普拉多', '霸道SUV', '陆地巡洋舰', 'Land Cruiser', 'land-cruiser', 'LAND CRUISER', 'ＳＵＶ', 'SUV',
  'suv', 'RAV4', 'rav 4', 'V8发动机', '2.7L', '4WD四驱', '四轮驱动', '越野车', '越野', '汽车', '车', 'a', 'ab', 'x1',
  'BMW X5', '宝马X5', 'Mercedes-Benz', '奔驰', 'カローラ', 'トヨタ', '도요타', '현대자동차', 'Ünïcödé', 'naïve café',
  'Привет', 'αβγ', '𠀋𠀌', '丰田🚗', '🚗', '🙂🙂', '', ' ', '   ', ',.;!?', '。、「」', '——', '（）', '#@%^&*', '\t\n',
  '丰田汽车'.repeat(80), 'word '.repeat(100),
];

test('ONNX output equals the TS reference (same table + featuriser) within 1e-5', async () => {
  const table = generateEmbeddingTable(BUILTIN_MODEL_CONFIG);
  const modelBytes = buildCharNgramOnnx(BUILTIN_MODEL_CONFIG, table);
  // Small batches so the length-sorted batching and padding are exercised too.
  const engine = await BuiltinEngine.create({ id: 'test', config: BUILTIN_MODEL_CONFIG, model: { bytes: modelBytes }, threads: 1, maxBatchTexts: 7 });
  try {
    const got = await engine.embed(TERMS);
    assert.equal(got.length, TERMS.length);
    let maxDiff = 0;
    TERMS.forEach((t, i) => {
      const want = referenceEmbed(t, BUILTIN_MODEL_CONFIG, table);
      assert.equal(got[i]!.length, BUILTIN_MODEL_CONFIG.dimension);
      for (let d = 0; d < want.length; d++) maxDiff = Math.max(maxDiff, Math.abs(got[i]![d]! - want[d]!));
      const n = Math.sqrt(dot(got[i]!, got[i]!));
      if (engine.analyze(t).unknownOnly) assert.equal(n, 0, `zero vector for ${JSON.stringify(t)}`);
      else assert.ok(Math.abs(n - 1) < 1e-5, `unit norm for ${JSON.stringify(t)}: ${n}`);
    });
    assert.ok(maxDiff < 1e-5, `max abs diff ${maxDiff}`);
    assert.ok(got.every((v) => v.every(Number.isFinite)), 'no NaN for empty or punctuation-only texts');
  } finally {
    await engine.dispose();
  }
});

test('the model bytes are deterministic', () => {
  const a = buildCharNgramOnnx(BUILTIN_MODEL_CONFIG);
  const b = buildCharNgramOnnx(BUILTIN_MODEL_CONFIG);
  assert.equal(Buffer.compare(a, b), 0);
});

test('surface overlap is similar, aliases without overlap are not (what the untrained model knows)', () => {
  const table = generateEmbeddingTable(BUILTIN_MODEL_CONFIG);
  const e = (t: string) => referenceEmbed(t, BUILTIN_MODEL_CONFIG, table);
  assert.ok(cosine(e('丰田'), e('丰田汽车')) > 0.5);
  assert.ok(cosine(e('普拉多'), e('霸道SUV')) < 0.2);
  assert.equal(cosine(e('SUV'), e('ＳＵＶ')), 1);
});

test('a session opened from the model file gives the same vectors and fingerprint as one from its bytes', async () => {
  const config = { ...BUILTIN_MODEL_CONFIG, buckets: 4099, dimension: 16 };
  const table = generateEmbeddingTable(config);
  const modelBytes = buildCharNgramOnnx(config, table);
  const dir = mkdtempSync(path.join(tmpdir(), 'synonym-lens-model-path-'));
  const file = path.join(dir, 'model.onnx');
  writeFileSync(file, modelBytes);
  const fromBytes = await BuiltinEngine.create({ id: 'bytes', config, model: { bytes: modelBytes }, threads: 1 });
  const fromPath = await BuiltinEngine.create({ id: 'path', config, model: { path: file }, threads: 1 });
  try {
    assert.equal(fromPath.fingerprint, builtinFingerprint(modelBytes, config));
    assert.equal(fromPath.fingerprint, fromBytes.fingerprint);
    const [a, b] = [await fromBytes.embed(TERMS), await fromPath.embed(TERMS)];
    assert.deepEqual(b, a);
    // Another config over the same file is another model.
    const other = await BuiltinEngine.create({ id: 'other', config: { ...config, seed: config.seed + 1 }, model: { path: file }, threads: 1 });
    assert.notEqual(other.fingerprint, fromPath.fingerprint);
    await other.dispose();
  } finally {
    await fromBytes.dispose();
    await fromPath.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
