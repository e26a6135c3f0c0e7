/**
 * The transformer engine against an independent reference forward pass (test/helpers/reference.ts)
 * on generated BERT and XLM-R models: every pooling mode, with and without token_type_ids, with
 * external data, in the folder layouts users have — within 1e-4.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TransformerEngine } from '../../src/runtime/model/transformer/engine';
import { CancelledError } from '../../src/runtime/model/engine';
import type { Pooling } from '../../src/runtime/model/transformer/presets';
import { makeModel, tempRoot, TERMS, type MakeModelOptions, type TestModel } from '../helpers/fixtures';
import { referenceEmbedding, referenceForward, type ReferencePooling } from '../helpers/reference';

const { root, cleanup } = tempRoot();
after(cleanup);

// Mixed lengths (1–7 characters), Latin and unknown text, and a repeated term.
const SAMPLE = [...TERMS.slice(0, 24), '霸道SUV', 'SUV car', '汽车', TERMS[0]!, '\u{1F600}'];

let counter = 0;
function model(o: MakeModelOptions): TestModel {
  return makeModel(path.join(root, `m${counter++}`), o);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

function maxPoolReference(states: Float64Array[]): Float64Array {
  const v = Float64Array.from(states[0]!);
  for (const s of states) for (let j = 0; j < v.length; j++) v[j] = Math.max(v[j]!, s[j]!);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

async function assertMatchesReference(m: TestModel, pooling: Exclude<Pooling, 'model'> | undefined, expectPooling: ReferencePooling | 'max', options: { prefix?: string; batchSize?: number } = {}): Promise<TransformerEngine> {
  const engine = await TransformerEngine.load(m.dir, { pooling, threads: 2, ...options });
  try {
    const got = await engine.embed(SAMPLE);
    assert.equal(got.length, SAMPLE.length);
    SAMPLE.forEach((text, i) => {
      const states = referenceForward(m.weights, m.ids((options.prefix ?? '') + text));
      const want = expectPooling === 'max' ? maxPoolReference(states) : referenceEmbedding(states, expectPooling);
      assert.equal(got[i]!.length, m.weights.shape.hidden);
      const d = maxDiff(got[i]!, want);
      assert.ok(d < 1e-4, `${text}: max |Δ| ${d}`);
    });
  } finally {
    await engine.dispose();
  }
  return engine;
}

for (const pooling of ['cls', 'mean', 'last', 'max'] as const) {
  test(`BERT with token_type_ids, ${pooling} pooling = reference within 1e-4`, async () => {
    await assertMatchesReference(model({ arch: 'bert' }), pooling, pooling);
  });
  test(`XLM-R (no token_type_ids, positions from padding_idx), ${pooling} pooling = reference within 1e-4`, async () => {
    await assertMatchesReference(model({ arch: 'xlmr' }), pooling, pooling);
  });
}

test('BERT without a token_type_ids input = reference (mean, CLS)', async () => {
  const m = model({ arch: 'bert', tokenTypeInput: false });
  await assertMatchesReference(m, 'mean', 'mean');
  await assertMatchesReference(m, 'cls', 'cls');
});

test('external data (onnx/model.onnx + model.onnx_data) = reference, BERT and XLM-R', async () => {
  await assertMatchesReference(model({ arch: 'bert', layout: 'external' }), 'cls', 'cls');
  await assertMatchesReference(model({ arch: 'xlmr', layout: 'external' }), 'mean', 'mean');
});

test('flat layout (model.onnx at the top) loads', async () => {
  await assertMatchesReference(model({ arch: 'bert', layout: 'flat' }), 'mean', 'mean');
});

test('a sentence_embedding output is used as is (pooling "model") and equals mean pooling', async () => {
  const m = model({ arch: 'xlmr', sentenceEmbedding: true, poolerOutput: true });
  const engine = await TransformerEngine.load(m.dir);
  assert.equal(engine.info.pooling, 'model');
  assert.equal(engine.info.output, 'sentence_embedding');
  await engine.dispose();
  await assertMatchesReference(m, undefined, 'mean');
});

test('token_embeddings output (sentence-transformers export) and 1_Pooling CLS config', async () => {
  const m = model({
    arch: 'bert',
    hiddenOutputName: 'token_embeddings',
    extraFiles: {
      'modules.json': [
        { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
        { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
        { idx: 2, name: '2', path: '2_Normalize', type: 'sentence_transformers.models.Normalize' },
      ],
      '1_Pooling/config.json': { word_embedding_dimension: 32, pooling_mode_cls_token: true, pooling_mode_mean_tokens: false },
    },
  });
  const engine = await assertMatchesReference(m, undefined, 'cls');
  assert.equal(engine.info.pooling, 'cls');
  assert.equal(engine.info.output, 'token_embeddings');
});

test('e5 preset from download metadata: mean pooling and the `query: ` prefix', async () => {
  const m = model({ arch: 'xlmr', extraFiles: { '.synonym-lens-download.json': { repo: 'intfloat/multilingual-e5-small', revision: 'main' } } });
  const engine = await assertMatchesReference(m, undefined, 'mean', { prefix: 'query: ' });
  assert.equal(engine.info.prefix, 'query: ');
  assert.equal(engine.info.pooling, 'mean');
  assert.equal(engine.id, 'intfloat/multilingual-e5-small');
});

test('batching: small batches, large batches and order give the same vectors', async () => {
  const m = model({ arch: 'bert' });
  const a = await TransformerEngine.load(m.dir, { batchSize: 3, pooling: 'mean' });
  const b = await TransformerEngine.load(m.dir, { batchSize: 256, pooling: 'mean' });
  const texts = TERMS.slice(0, 80);
  const va = await a.embed(texts);
  const vb = await b.embed([...texts].reverse());
  texts.forEach((_, i) => assert.ok(maxDiff(va[i]!, vb[texts.length - 1 - i]!) < 1e-5));
  assert.equal(a.fingerprint, b.fingerprint);
  // Concurrent calls share the session one batch at a time.
  const [c1, c2] = await Promise.all([a.embed(texts.slice(0, 10)), a.embed(texts.slice(10, 20))]);
  c1.forEach((v, i) => assert.ok(maxDiff(v, va[i]!) < 1e-6));
  c2.forEach((v, i) => assert.ok(maxDiff(v, va[10 + i]!) < 1e-6));
  await a.dispose();
  await b.dispose();
});

test('cancellation between batches rejects with CancelledError', async () => {
  const m = model({ arch: 'bert' });
  const engine = await TransformerEngine.load(m.dir, { batchSize: 2 });
  let checks = 0;
  const token = {
    get isCancellationRequested() {
      return ++checks > 2;
    },
  };
  await assert.rejects(engine.embed(TERMS.slice(0, 20), token), CancelledError);
  await engine.dispose();
});

test('analyze: units, unknown-only terms, truncation; fingerprint and dimension', async () => {
  const m = model({ arch: 'bert', maxPositions: 8 });
  const engine = await TransformerEngine.load(m.dir);
  assert.equal(engine.maxInputLength, 8);
  assert.equal(engine.dimension, 32);
  assert.match(engine.fingerprint, /^[0-9a-f]{64}$/);
  assert.deepEqual(engine.analyze('\u{1F600}'), { units: 1, unknownUnits: 1, unknownOnly: true, truncated: false });
  const known = engine.analyze(TERMS[0]!);
  assert.equal(known.unknownOnly, false);
  assert.equal(known.unknownUnits, 0);
  const long = TERMS.find((t) => t.length >= 7) ?? TERMS.slice(0, 4).join('');
  assert.equal(engine.analyze(long).truncated, true);
  const [v] = await engine.embed([long]);
  assert.ok(Math.abs(Math.hypot(...v!) - 1) < 1e-5);
  await engine.dispose();
});

test('the threads option reaches the session', async () => {
  const m = model({ arch: 'bert' });
  const engine = await TransformerEngine.load(m.dir, { threads: 1 });
  assert.equal(engine.info.threads, 1);
  await engine.dispose();
});

test('HF cache layout: models--ORG--NAME/snapshots/REV with refs/main, id from the path, preset applied', async () => {
  const repoDir = path.join(root, 'hub', 'models--BAAI--bge-small-zh-v1.5');
  const snap = path.join(repoDir, 'snapshots', 'abc123');
  makeModel(snap, { arch: 'bert' });
  mkdirSync(path.join(repoDir, 'refs'), { recursive: true });
  writeFileSync(path.join(repoDir, 'refs', 'main'), 'abc123');
  for (const dir of [repoDir, snap]) {
    const engine = await TransformerEngine.load(dir);
    assert.equal(engine.id, 'BAAI/bge-small-zh-v1.5');
    assert.equal(engine.info.pooling, 'cls');
    assert.equal(engine.info.dir, snap);
    await engine.dispose();
  }
});
