/**
 * Fine-tuned transformer exports (src/runtime/learn/exportTransformer.ts, transformerFineTune.ts):
 * a generated BERT / XLM-R model gets a trained adapter, is exported as one ONNX graph, and the
 * folder is loaded (a) by our `loadEngine` and (b) by plain onnxruntime-node with the folder's own
 * tokenizer, on padded batches — both must equal the in-process adapter outputs within 1e-5, for
 * every pooling mode, external data, an MLP adapter, a base that already outputs
 * `sentence_embedding`, and a prefix. The identity adapter reproduces the base engine.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { applyAdapter, identityAdapter, trainAdapter, type Adapter } from '../../src/core/learn/adapter';
import { type TextPair } from '../../src/core/learn/types';
import { CancelledError } from '../../src/core/cancellation';
import { readOnnxSummary } from '../../src/core/onnx/reader';
import type { EmbeddingEngine } from '../../src/runtime/model/engine';
import { loadEngine } from '../../src/runtime/model/load';
import { TermTokenizer } from '../../src/runtime/model/transformer';
import { TransformerEngine, type TransformerEngineOptions } from '../../src/runtime/model/transformer/engine';
import { exportTransformerModel } from '../../src/runtime/learn/exportTransformer';
import { fineTuneTransformer } from '../../src/runtime/learn/transformerFineTune';
import { attr, encodeModel, GraphBuilder } from '../../src/core/onnx/writer';
import { makeModel, tempRoot, TERMS, type MakeModelOptions } from '../helpers/fixtures';
import { rng } from '../helpers/encoderModel';
import { smallWordPieceVocab, wordPieceTokenizer } from '../helpers/tokenizers';

const { root, cleanup } = tempRoot('synonym-lens-tfexport-');
after(cleanup);

let counter = 0;
const fresh = (name: string) => path.join(root, `${name}-${counter++}`);

// Mixed lengths, Latin, unknown-only text and a repeated term: padded batches exercise the mask.
const SAMPLE = [...TERMS.slice(0, 20), '霸道SUV', 'SUV car', '汽车', TERMS[0]!, '\u{1F600}'];
/** Toy synonym pairs over the test vocabulary: consecutive terms. */
const PAIRS: TextPair[] = Array.from({ length: 16 }, (_, i) => ({ a: TERMS[2 * i]!, b: TERMS[2 * i + 1]!, label: 1 as const }));

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

async function withEngine<T>(engine: EmbeddingEngine, fn: (e: EmbeddingEngine) => Promise<T>): Promise<T> {
  try {
    return await fn(engine);
  } finally {
    await engine.dispose();
  }
}

/** The exported folder's ONNX file, run by plain onnxruntime-node on one right-padded batch. */
async function plainOnnxruntime(dir: string, texts: readonly string[], prefix: string, maxLength: number): Promise<Float32Array[]> {
  const json = (f: string) => (existsSync(path.join(dir, f)) ? JSON.parse(readFileSync(path.join(dir, f), 'utf8')) : {});
  const tokenizer = TermTokenizer.fromJson(json('tokenizer.json'), json('tokenizer_config.json'), json('config.json'), maxLength);
  const encoded = texts.map((t) => tokenizer.encode(prefix + t));
  const seq = Math.max(...encoded.map((e) => e.ids.length));
  const ids = new BigInt64Array(texts.length * seq).fill(BigInt(tokenizer.padId));
  const mask = new BigInt64Array(texts.length * seq);
  const types = new BigInt64Array(texts.length * seq);
  encoded.forEach((e, b) =>
    e.ids.forEach((id, t) => {
      ids[b * seq + t] = BigInt(id);
      mask[b * seq + t] = 1n;
      types[b * seq + t] = BigInt(e.typeIds[t]!);
    }),
  );
  const onnx = readdirSync(dir).find((f) => f.endsWith('.onnx'))!;
  const session = await ort.InferenceSession.create(path.join(dir, onnx));
  try {
    const dims = [texts.length, seq];
    const feeds: Record<string, ort.Tensor> = { input_ids: new ort.Tensor('int64', ids, dims), attention_mask: new ort.Tensor('int64', mask, dims) };
    if (session.inputNames.includes('token_type_ids')) feeds.token_type_ids = new ort.Tensor('int64', types, dims);
    const out = (await session.run(feeds, ['sentence_embedding'])).sentence_embedding!;
    assert.deepEqual(out.dims, [texts.length, out.dims[1]]);
    const dim = out.dims[1]!;
    const data = out.data as Float32Array;
    return texts.map((_, b) => data.slice(b * dim, (b + 1) * dim));
  } finally {
    await session.release();
  }
}

interface Case {
  model: MakeModelOptions;
  engine?: TransformerEngineOptions;
  /** Train an adapter of this kind (default linear); `identity` exports W = 0. */
  adapter?: 'linear' | 'mlp' | 'identity';
}

/** Trains (or not) an adapter over the base engine, exports, and checks both loaders against it. */
async function checkExport(c: Case): Promise<{ out: string; adapter: Adapter; base: Float32Array[] }> {
  const m = makeModel(fresh('base'), c.model);
  const engine = await TransformerEngine.load(m.dir, { threads: 1, ...c.engine });
  let adapter: Adapter;
  let base: Float32Array[];
  let out: string;
  try {
    const texts = [...new Set([...SAMPLE, ...PAIRS.flatMap((p) => [p.a, p.b])])];
    const vectors = new Map((await engine.embed(texts)).map((v, i) => [texts[i]!, v]));
    base = SAMPLE.map((t) => vectors.get(t)!);
    adapter =
      c.adapter === 'identity'
        ? identityAdapter(engine.dimension)
        : trainAdapter(engine.dimension, (t) => vectors.get(t), PAIRS, { loss: 'mnrl', kind: c.adapter ?? 'linear', epochs: 4, batchSize: 8, learningRate: 0.05, seed: 3 }).adapter;
    out = exportTransformerModel({
      outDir: fresh('tuned'),
      base: engine,
      adapter,
      provenance: { training_file_sha256: 'ab'.repeat(32), loss: 'mnrl', hyper_parameters: { epochs: 4 } },
    });
  } finally {
    await engine.dispose();
  }
  const want = base.map((v) => applyAdapter(adapter, v));
  if (c.adapter !== 'identity') assert.ok(Math.max(...want.map((w, i) => maxDiff(w, base[i]!))) > 1e-2, 'the trained adapter should change the vectors');

  // (a) our engine: the graph's `sentence_embedding` is used as is.
  await withEngine(await loadEngine(out, { threads: 1 }), async (tuned) => {
    const t = tuned as TransformerEngine;
    assert.equal(t.info.pooling, 'model');
    assert.equal(t.info.output, 'sentence_embedding');
    assert.equal(t.id, path.basename(out));
    // CLS pooling inside the graph: the encoder's last layer runs for the first token only.
    assert.equal(t.info.firstTokenOnly.applied, c.engine?.pooling === 'cls', t.info.firstTokenOnly.detail);
    const got = await tuned.embed(SAMPLE);
    SAMPLE.forEach((text, i) => assert.ok(maxDiff(got[i]!, want[i]!) <= 1e-5, `engine, ${text}: max |Δ| ${maxDiff(got[i]!, want[i]!)}`));
  });
  // (b) plain onnxruntime-node, all texts in one padded batch.
  const meta = JSON.parse(readFileSync(path.join(out, 'synonym-lens.json'), 'utf8'));
  const plain = await plainOnnxruntime(out, SAMPLE, meta.prefix, meta.max_length);
  SAMPLE.forEach((text, i) => assert.ok(maxDiff(plain[i]!, want[i]!) <= 1e-5, `onnxruntime, ${text}: max |Δ| ${maxDiff(plain[i]!, want[i]!)}`));
  return { out, adapter, base };
}

for (const pooling of ['cls', 'mean', 'max', 'last'] as const) {
  test(`BERT, ${pooling} pooling: export = in-process adapter (our engine and plain onnxruntime, ≤ 1e-5)`, async () => {
    const { out } = await checkExport({ model: { arch: 'bert', layout: 'flat' }, engine: { pooling } });
    const meta = JSON.parse(readFileSync(path.join(out, 'synonym-lens.json'), 'utf8'));
    assert.equal(meta.pooling, 'in-graph');
    assert.equal(meta.base_pooling, pooling);
    assert.equal(meta.loss, 'mnrl');
    assert.equal(meta.adapter.kind, 'linear');
    assert.match(meta.base_fingerprint, /^[0-9a-f]{64}$/);
    assert.match(meta.model_sha256, /^[0-9a-f]{64}$/);
    assert.ok(!Number.isNaN(Date.parse(meta.date)));
    const config = JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8'));
    assert.equal(config.fine_tuned, true);
    assert.equal(config.model_type, 'bert');
  });
}

test('XLM-R (no token_type_ids), mean pooling, MLP adapter: export = in-process adapter', async () => {
  await checkExport({ model: { arch: 'xlmr' }, engine: { pooling: 'mean' }, adapter: 'mlp' });
});

test('external data: onnx/model.onnx + model.onnx_data → model.onnx + model.onnx_data, loads both ways', async () => {
  const { out } = await checkExport({ model: { arch: 'bert', layout: 'external' }, engine: { pooling: 'cls' } });
  assert.deepEqual(readdirSync(out).filter((f) => f.includes('.onnx')).sort(), ['model.onnx', 'model.onnx_data']);
  assert.deepEqual(readOnnxSummary(readFileSync(path.join(out, 'model.onnx'))).externalDataLocations, ['model.onnx_data']);
});

test('a base that already outputs sentence_embedding (in-graph mean pooling) is extended, and so is an export of it', async () => {
  const first = await checkExport({ model: { arch: 'bert', sentenceEmbedding: true } });
  // Fine-tune the fine-tuned model again: its sentence_embedding is renamed, a second adapter appended.
  const engine = await TransformerEngine.load(first.out, { threads: 1 });
  const again = identityAdapter(engine.dimension);
  const out = exportTransformerModel({ outDir: fresh('again'), base: engine, adapter: again, provenance: { training_file_sha256: '', loss: 'cosine', hyper_parameters: {} } });
  const want = await engine.embed(SAMPLE);
  await engine.dispose();
  await withEngine(await loadEngine(out, { threads: 1 }), async (e) => {
    const got = await e.embed(SAMPLE);
    SAMPLE.forEach((t, i) => assert.ok(maxDiff(got[i]!, want[i]!) <= 1e-5, `${t}: ${maxDiff(got[i]!, want[i]!)}`));
  });
});

test('the identity adapter exports a model equal to the base engine (normalised embeddings)', async () => {
  for (const pooling of ['cls', 'mean'] as const) {
    const { out, base } = await checkExport({ model: { arch: 'bert' }, engine: { pooling }, adapter: 'identity' });
    await withEngine(await loadEngine(out, { threads: 1 }), async (e) => {
      const got = await e.embed(SAMPLE);
      SAMPLE.forEach((t, i) => assert.ok(maxDiff(got[i]!, base[i]!) <= 1e-5, `${pooling} ${t}: ${maxDiff(got[i]!, base[i]!)}`));
    });
  }
});

test('the base engine\'s prefix travels with the export', async () => {
  const { out } = await checkExport({ model: { arch: 'bert' }, engine: { pooling: 'mean', prefix: 'query: ' } });
  const e = (await loadEngine(out, { threads: 1 })) as TransformerEngine;
  assert.equal(e.info.prefix, 'query: ');
  await e.dispose();
});

test('refuses an existing folder and the base folder; leaves no temporary folder', async () => {
  const m = makeModel(fresh('base'), { arch: 'bert' });
  const engine = await TransformerEngine.load(m.dir, { threads: 1, pooling: 'cls' });
  try {
    const adapter = identityAdapter(engine.dimension);
    const provenance = { training_file_sha256: '', loss: 'cosine', hyper_parameters: {} };
    assert.throws(() => exportTransformerModel({ outDir: m.dir, base: engine, adapter, provenance }), /base model folder/);
    const before = readdirSync(root).length;
    const existing = fresh('exists');
    exportTransformerModel({ outDir: existing, base: engine, adapter, provenance });
    assert.throws(() => exportTransformerModel({ outDir: existing, base: engine, adapter, provenance }), /already exists/);
    assert.equal(readdirSync(root).length, before + 1);
    assert.throws(() => exportTransformerModel({ outDir: fresh('wrong-dim'), base: engine, adapter: identityAdapter(engine.dimension + 1), provenance }), /dimensions/);
    assert.equal(readdirSync(root).filter((f) => f.includes('.tmp-')).length, 0);
  } finally {
    await engine.dispose();
  }
});

test('fineTuneTransformer: trains, evaluates before/after, exports a folder that reproduces `after`; cancellation writes nothing', async () => {
  const m = makeModel(fresh('base'), { arch: 'bert' });
  const engine = await TransformerEngine.load(m.dir, { threads: 1, pooling: 'cls' });
  try {
    const dev: TextPair[] = [
      { a: TERMS[40]!, b: TERMS[41]!, label: 1 },
      { a: TERMS[42]!, b: TERMS[43]!, label: 1 },
      { a: TERMS[40]!, b: TERMS[43]!, label: 0 },
      { a: TERMS[42]!, b: TERMS[41]!, label: 0 },
    ];
    const phases: string[] = [];
    let steps = 0;
    const outDir = fresh('ft');
    const r = await fineTuneTransformer({
      baseDir: m.dir,
      engine,
      trainPairs: PAIRS,
      devPairs: dev,
      options: { loss: 'mnrl', epochs: 3, validation: 0, batchSize: 8, learningRate: 0.02, seed: 5 },
      outDir,
      provenance: { training_file_sha256: 'cd'.repeat(32), training_file: 'toy.synonyms.csv' },
      onProgress: (e) => (e.type === 'phase' ? phases.push(e.message) : e.type === 'step' ? steps++ : undefined),
    });
    assert.equal(r.modelDir, path.resolve(outDir));
    assert.equal(steps, r.training.totalSteps);
    assert.ok(phases.some((p) => p.startsWith('embedding terms')) && phases.includes('writing the model'), phases.join('; '));
    assert.equal(r.before.n, 4);
    assert.equal(r.after.n, 4);
    const meta = JSON.parse(readFileSync(path.join(outDir, 'synonym-lens.json'), 'utf8'));
    assert.equal(meta.training_file, 'toy.synonyms.csv');
    assert.equal(meta.base_model, engine.id);
    assert.equal(meta.base_fingerprint, engine.fingerprint);
    assert.deepEqual(meta.metrics_after.roc_auc, r.after.roc_auc);
    assert.equal(meta.hyper_parameters.epochs, 3);
    const terms = [dev[0]!.a, dev[0]!.b, PAIRS[0]!.a];
    await withEngine(await loadEngine(outDir, { threads: 1 }), async (e) => {
      const got = await e.embed(terms);
      terms.forEach((t, i) => assert.ok(maxDiff(got[i]!, r.vectorsAfter.get(t)!) <= 1e-5, t));
    });

    // Cancelled during training: CancelledError, no folder.
    let n = 0;
    const token = { get isCancellationRequested() { return n >= 2; } };
    const cancelledDir = fresh('cancelled');
    await assert.rejects(
      fineTuneTransformer({ baseDir: m.dir, engine, trainPairs: PAIRS, devPairs: dev, options: { loss: 'cosine', epochs: 3 }, outDir: cancelledDir, token, onProgress: (e) => void (e.type === 'step' && n++) }),
      (err: unknown) => err instanceof CancelledError,
    );
    assert.equal(existsSync(cancelledDir), false);
    assert.equal(readdirSync(root).filter((f) => f.includes('cancelled')).length, 0);
  } finally {
    await engine.dispose();
  }
});

/**
 * A minimal "encoder" at a chosen opset: last_hidden_state = tanh(embedding[input_ids]). Real
 * exports use opsets 11–17+, and Unsqueeze/ReduceSum (13) and ReduceMax (18) changed form.
 */
function writeTinyEncoder(dir: string, opset: number): void {
  const tokenizer = wordPieceTokenizer(smallWordPieceVocab(TERMS, 300));
  const vocab = Object.keys(tokenizer.model.vocab).length;
  const H = 12;
  const r = rng(opset);
  const g = new GraphBuilder('tiny');
  const ids = g.input('input_ids', 'int64', ['batch', 'sequence']);
  g.input('attention_mask', 'int64', ['batch', 'sequence']);
  const table = g.initializer('emb', 'float32', [vocab, H], Float32Array.from({ length: vocab * H }, () => r() * 2 - 1));
  g.output(g.node('Tanh', [g.node('Gather', [table, ids], { axis: attr.int(0) })]), 'float32', ['batch', 'sequence', H], 'last_hidden_state');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'model.onnx'), encodeModel({ graph: g.build(), opsets: [{ domain: '', version: opset }], irVersion: opset >= 18 ? 8 : 7 }));
  writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ model_type: 'bert', vocab_size: vocab, max_position_embeddings: 64 }));
}

for (const opset of [11, 13, 18])
  test(`opset ${opset} base: every pooling mode exports and matches (attribute vs input forms of Unsqueeze/ReduceSum/ReduceMax)`, async () => {
    for (const pooling of ['cls', 'mean', 'max', 'last'] as const) {
      const dir = fresh(`tiny${opset}`);
      writeTinyEncoder(dir, opset);
      const engine = await TransformerEngine.load(dir, { threads: 1, pooling });
      const texts = [...new Set([...SAMPLE, ...PAIRS.flatMap((p) => [p.a, p.b])])];
      const vectors = new Map((await engine.embed(texts)).map((v, i) => [texts[i]!, v]));
      const adapter = trainAdapter(engine.dimension, (t) => vectors.get(t), PAIRS, { loss: 'cosine', kind: 'mlp', hidden: 7, epochs: 2, batchSize: 8, learningRate: 0.05 }).adapter;
      const out = exportTransformerModel({ outDir: fresh('tinyout'), base: engine, adapter, provenance: { training_file_sha256: '', loss: 'cosine', hyper_parameters: {} } });
      await engine.dispose();
      const want = SAMPLE.map((t) => applyAdapter(adapter, vectors.get(t)!));
      const plain = await plainOnnxruntime(out, SAMPLE, '', 64);
      SAMPLE.forEach((t, i) => assert.ok(maxDiff(plain[i]!, want[i]!) <= 1e-5, `opset ${opset} ${pooling} ${t}: ${maxDiff(plain[i]!, want[i]!)}`));
    }
  });
