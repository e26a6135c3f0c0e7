import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILTIN_MODEL_CONFIG, CHAR_NGRAM_MODEL_TYPE, type CharNgramModelConfig } from '../../src/core/builtin/featurizer';
import { buildCharNgramOnnx, generateEmbeddingTable, referenceEmbed } from '../../src/core/builtin/model';
import { VectorCache } from '../../src/core/cache';
import { CachedEngine } from '../../src/runtime/model/cachedEngine';
import { CancelledError, embedFlat, type EmbeddingEngine } from '../../src/runtime/model/engine';
import { BUILTIN_MODEL_ENV, loadEngine } from '../../src/runtime/model/load';
import { BUILTIN_DEFAULT_THREADS, type BuiltinEngine } from '../../src/runtime/model/builtinEngine';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'synonym-lens-engine-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const SMALL: CharNgramModelConfig = { ...BUILTIN_MODEL_CONFIG, version: 'test-small', buckets: 1024, dimension: 16, seed: 7 };

/** Writes a char-n-gram model folder as the generator/exporter does. */
function writeModelFolder(dir: string, config: CharNgramModelConfig, model: Uint8Array | string = buildCharNgramOnnx(config)): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'model.onnx'), model);
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ model_type: CHAR_NGRAM_MODEL_TYPE, featurizer: config }));
  return dir;
}

const smallDir = writeModelFolder(path.join(tmp, 'my-finetuned'), SMALL);

test('loadEngine("builtin") loads the shipped folder and embeds like the reference', async () => {
  writeModelFolder(path.join(tmp, 'models', 'builtin'), BUILTIN_MODEL_CONFIG);
  const engine = await loadEngine('builtin', { modelsDir: path.join(tmp, 'models'), threads: 1 });
  try {
    assert.equal(engine.id, 'builtin:char-ngram-v1');
    assert.equal(engine.dimension, 128);
    assert.equal(engine.maxInputLength, 256);
    assert.match(engine.fingerprint, /^[0-9a-f]{64}$/);
    const [v] = await engine.embed(['丰田汽车']);
    const want = referenceEmbed('丰田汽车', BUILTIN_MODEL_CONFIG, generateEmbeddingTable(BUILTIN_MODEL_CONFIG));
    assert.ok(v!.every((x, i) => Math.abs(x - want[i]!) < 1e-5));
  } finally {
    await engine.dispose();
  }
});

test('the built-in engine runs 1 intra-op thread unless told otherwise', async () => {
  const one = (await loadEngine(smallDir)) as BuiltinEngine;
  const two = (await loadEngine(smallDir, { threads: 2 })) as BuiltinEngine;
  try {
    assert.equal(one.threads, BUILTIN_DEFAULT_THREADS);
    assert.equal(one.threads, 1);
    assert.equal(two.threads, 2);
  } finally {
    await one.dispose();
    await two.dispose();
  }
});

test('the builtin location can be overridden by SYNONYM_LENS_BUILTIN_MODEL', async () => {
  const saved = process.env[BUILTIN_MODEL_ENV];
  process.env[BUILTIN_MODEL_ENV] = smallDir;
  try {
    const engine = await loadEngine('builtin', { threads: 1 });
    assert.equal(engine.id, 'builtin:test-small');
    assert.equal(engine.dimension, 16);
    await engine.dispose();
    process.env[BUILTIN_MODEL_ENV] = path.join(tmp, 'nowhere');
    await assert.rejects(loadEngine('builtin'), /The built-in model is missing from .*nowhere/);
  } finally {
    if (saved === undefined) delete process.env[BUILTIN_MODEL_ENV];
    else process.env[BUILTIN_MODEL_ENV] = saved;
  }
});

test('a char-n-gram folder loads with its own config; results keep input order across batches', async () => {
  const engine = await loadEngine(smallDir, { threads: 1 });
  try {
    assert.equal(engine.id, 'my-finetuned');
    assert.equal(engine.dimension, 16);
    const table = generateEmbeddingTable(SMALL);
    const texts = Array.from({ length: 700 }, (_, i) => (i % 3 === 0 ? `词${i}` : i % 3 === 1 ? `term ${i}` : '丰田'.repeat(i % 7)));
    const got = await engine.embed(texts);
    texts.forEach((t, i) => {
      const want = referenceEmbed(t, SMALL, table);
      assert.ok(got[i]!.every((x, d) => Math.abs(x - want[d]!) < 1e-5), `text ${i}`);
    });
    assert.deepEqual(await engine.embed([]), []);
  } finally {
    await engine.dispose();
  }
});

test('embedFlat writes embed’s vectors and analyze’s results, into a given array when it is long enough', async () => {
  const engine = await loadEngine(smallDir, { threads: 1 });
  try {
    const texts = Array.from({ length: 600 }, (_, i) => (i % 4 === 0 ? `词${i}` : i % 4 === 1 ? `term ${i}` : i % 4 === 2 ? '。！🚗' : '丰田汽车'.repeat(i % 90)));
    const want = await engine.embed(texts);
    const into = new Float32Array((texts.length + 5) * 16).fill(NaN);
    for (const target of [undefined, into, new Float32Array(16)]) {
      // Twice: the second call reuses the first one's buffers.
      for (let round = 0; round < 2; round++) {
        const { data, analyses } = await embedFlat(engine, texts, undefined, target);
        assert.equal(data.length, texts.length * 16);
        assert.equal(data.buffer === into.buffer, target === into);
        texts.forEach((t, i) => {
          assert.deepEqual(data.subarray(i * 16, (i + 1) * 16), want[i], `text ${i}`);
          assert.deepEqual(analyses[i], engine.analyze(t), `analysis ${i}`);
        });
      }
    }
    assert.ok(Number.isNaN(into[texts.length * 16]), 'nothing written past the texts');
  } finally {
    await engine.dispose();
  }
});

test('analyze reports units, unknown-only and truncation without running the model', async () => {
  const engine = await loadEngine(smallDir, { threads: 1 });
  try {
    assert.deepEqual(engine.analyze('丰田'), { units: 3, unknownUnits: 0, unknownOnly: false, truncated: false });
    assert.deepEqual(engine.analyze('。！🚗'), { units: 0, unknownUnits: 0, unknownOnly: true, truncated: false });
    assert.equal(engine.analyze('丰田汽车'.repeat(100)).truncated, true);
  } finally {
    await engine.dispose();
  }
});

test('embed checks cancellation between batches', async () => {
  const engine = await loadEngine(smallDir, { threads: 1 });
  try {
    await assert.rejects(engine.embed(['a', 'b'], { isCancellationRequested: true }), CancelledError);
  } finally {
    await engine.dispose();
  }
});

test('CachedEngine embeds unchanged terms once', async () => {
  const inner = await loadEngine(smallDir, { threads: 1 });
  const calls: string[][] = [];
  const counting: EmbeddingEngine = {
    id: inner.id,
    fingerprint: inner.fingerprint,
    dimension: inner.dimension,
    maxInputLength: inner.maxInputLength,
    analyze: (t) => inner.analyze(t),
    embed: (texts, token) => {
      calls.push([...texts]);
      return inner.embed(texts, token);
    },
    dispose: () => inner.dispose(),
  };
  const engine = new CachedEngine(counting, new VectorCache(1000));
  try {
    const terms = ['普拉多', '霸道SUV', '陆地巡洋舰', 'Land Cruiser'];
    const a = await engine.embed(terms);
    const b = await engine.embed([...terms].reverse());
    assert.equal(calls.length, 1, 'the model ran once');
    assert.deepEqual(b, [...a].reverse());
    const s = engine.stats();
    assert.equal(s.misses, 4);
    assert.equal(s.hits, 4);
    assert.equal(s.cache.size, 4);
    assert.equal(engine.fingerprint, inner.fingerprint);
  } finally {
    await engine.dispose();
  }
});

test('loadEngine errors are precise', async () => {
  await assert.rejects(loadEngine(path.join(tmp, 'missing')), /^ModelLoadError: Model folder not found: .*missing$/);

  const file = path.join(tmp, 'a-file');
  writeFileSync(file, 'x');
  await assert.rejects(loadEngine(file), /Not a model folder: .*a-file is a file/);

  mkdirSync(path.join(tmp, 'no-config'));
  await assert.rejects(loadEngine(path.join(tmp, 'no-config')), /Model folder has no config\.json: .*no-config/);

  const badJson = path.join(tmp, 'bad-json');
  mkdirSync(badJson);
  writeFileSync(path.join(badJson, 'config.json'), '{ nope');
  await assert.rejects(loadEngine(badJson), /Invalid JSON in .*bad-json.config\.json/);

  const notOnnx = writeModelFolder(path.join(tmp, 'not-onnx'), SMALL, 'this is not a protobuf');
  await assert.rejects(loadEngine(notOnnx), /Not an ONNX model: .*not-onnx.model\.onnx \(onnxruntime: .+\)/);

  const noModel = writeModelFolder(path.join(tmp, 'no-model'), SMALL);
  rmSync(path.join(noModel, 'model.onnx'));
  await assert.rejects(loadEngine(noModel), /Model file not found: .*no-model.model\.onnx/);

  const mismatch = writeModelFolder(path.join(tmp, 'mismatch'), { ...SMALL, dimension: 32 }, buildCharNgramOnnx(SMALL));
  await assert.rejects(loadEngine(mismatch), /mismatch.model\.onnx: .*output has shape \[1, 16\], expected \[1, 32\] \(batch × config\.json dimension\)/);

  const badConfig = path.join(tmp, 'bad-config');
  mkdirSync(badConfig);
  writeFileSync(path.join(badConfig, 'config.json'), JSON.stringify({ model_type: CHAR_NGRAM_MODEL_TYPE, featurizer: { ...SMALL, buckets: -1 } }));
  await assert.rejects(loadEngine(badConfig), /Invalid .*config\.json: featurizer config: "buckets"/);

  const transformer = path.join(tmp, 'bge-small-zh');
  mkdirSync(transformer);
  writeFileSync(path.join(transformer, 'config.json'), JSON.stringify({ model_type: 'bert', hidden_size: 512 }));
  writeFileSync(path.join(transformer, 'model.onnx'), buildCharNgramOnnx(SMALL));
  await assert.rejects(loadEngine(transformer), /bge-small-zh has a transformer config\.json \(model_type bert\) but no tokenizer\.json/);

  const arrayConfig = path.join(tmp, 'array-config');
  mkdirSync(arrayConfig);
  writeFileSync(path.join(arrayConfig, 'config.json'), '[1, 2]');
  await assert.rejects(loadEngine(arrayConfig), /array-config.config\.json must be a JSON object with model_type, but it holds an array/);

  const folderModel = writeModelFolder(path.join(tmp, 'folder-model'), SMALL);
  rmSync(path.join(folderModel, 'model.onnx'));
  mkdirSync(path.join(folderModel, 'model.onnx'));
  await assert.rejects(loadEngine(folderModel), /folder-model.model\.onnx is a folder where a file is expected/);

  const loop = writeModelFolder(path.join(tmp, 'loop-model'), SMALL);
  rmSync(path.join(loop, 'model.onnx'));
  symlinkSync('model.onnx', path.join(loop, 'model.onnx'));
  await assert.rejects(loadEngine(loop), /loop-model.model\.onnx is a symbolic link that loops back on itself/);

  const flat = writeModelFolder(path.join(tmp, 'dimension-1'), { ...SMALL, dimension: 1 }, buildCharNgramOnnx({ ...SMALL, dimension: 1 }));
  await assert.rejects(loadEngine(flat), /dimension-1: the model's vectors have dimension 1; cosine similarity needs at least 2/);
});

test('execution providers: cpu by default, cuda refused precisely when its binaries are absent, unknown names refused', async () => {
  const { resolveExecutionProviders, availableExecutionProviders } = await import('../../src/runtime/model/onnxAdapter');
  assert.ok(availableExecutionProviders().includes('cpu'));
  assert.deepEqual(resolveExecutionProviders(undefined), ['cpu']);
  assert.deepEqual(resolveExecutionProviders('CPU'), ['cpu']);
  const auto = resolveExecutionProviders('auto');
  assert.equal(auto[auto.length - 1], 'cpu');
  if (!availableExecutionProviders().includes('cuda')) {
    assert.throws(() => resolveExecutionProviders('cuda'), /CUDA execution provider is not installed \(available: cpu/);
    assert.deepEqual(auto, ['cpu']);
  }
  assert.throws(() => resolveExecutionProviders('tpu'), /unknown execution provider 'tpu' \(choose cpu, cuda or auto\)/);
});

test('float16 model outputs are converted from half-precision bits, not read as integers', async () => {
  const { OnnxSession } = await import('../../src/runtime/model/onnxAdapter');
  const { GraphBuilder, attr, encodeModel } = await import('../../src/core/onnx/writer');
  // x (float32) → Cast to float16 (TensorProto type 10) → output y (float16)
  const g = new GraphBuilder('f16');
  const x = g.input('x', 'float32', [3]);
  g.output(g.node('Cast', [x], { to: attr.int(10) }), 'float16', [3], 'y');
  const session = await OnnxSession.create(encodeModel({ graph: g.build() }), { threads: 1 });
  try {
    const out = await session.run({ x: { data: new Float32Array([1.5, -2, 0.0999755859375]), dims: [3] } });
    assert.deepEqual([...out.y!.data], [1.5, -2, 0.0999755859375]);
  } finally {
    await session.dispose();
  }
});

test('OnnxSession.run writes an output given in `into` into that array', async () => {
  const { OnnxSession } = await import('../../src/runtime/model/onnxAdapter');
  const { GraphBuilder, encodeModel } = await import('../../src/core/onnx/writer');
  const g = new GraphBuilder('double');
  const x = g.input('x', 'float32', [2, 2]);
  g.output(g.node('Add', [x, x]), 'float32', [2, 2], 'y');
  const session = await OnnxSession.create(encodeModel({ graph: g.build() }), { threads: 1 });
  try {
    const x0 = { x: { data: new Float32Array([1, 2, 3, 4]), dims: [2, 2] } };
    const target = new Float32Array(6).fill(-1);
    const view = target.subarray(1, 5);
    const out = await session.run(x0, ['y'], { y: { data: view, dims: [2, 2] } });
    assert.equal(out.y!.data, view);
    assert.deepEqual([...target], [-1, 2, 4, 6, 8, -1]);
    assert.deepEqual(out.y!.dims, [2, 2]);
    assert.deepEqual([...(await session.run(x0, ['y'])).y!.data], [2, 4, 6, 8]);
  } finally {
    await session.dispose();
  }
});
