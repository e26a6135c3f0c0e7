/** Bad model folders: one precise `ModelLoadError` each, and no engine left half-open. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TransformerEngine } from '../../src/runtime/model/transformer/engine';
import { ModelLoadError, type ModelErrorCode } from '../../src/runtime/model/transformer/errors';
import { makeModel, tempRoot, type MakeModelOptions } from '../helpers/fixtures';

const { root, cleanup } = tempRoot();
after(cleanup);
let counter = 0;
const model = (o: MakeModelOptions) => makeModel(path.join(root, `e${counter++}`), o);

async function rejectsWith(dir: string, code: ModelErrorCode, message: RegExp, options = {}): Promise<void> {
  await assert.rejects(TransformerEngine.load(dir, options), (err: unknown) => {
    assert.ok(err instanceof ModelLoadError, `not a ModelLoadError: ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, message);
    return true;
  });
}

test('missing folder, missing ONNX file, missing tokenizer.json → missing-file', async () => {
  await rejectsWith(path.join(root, 'nope'), 'missing-file', /Model folder not found/);
  const a = model({ arch: 'bert' });
  rmSync(path.join(a.dir, 'onnx', 'model.onnx'));
  await rejectsWith(a.dir, 'missing-file', /No ONNX model in .*model\.onnx/);
  const b = model({ arch: 'bert' });
  rmSync(path.join(b.dir, 'tokenizer.json'));
  await rejectsWith(b.dir, 'missing-file', /tokenizer\.json is missing/);
});

test('a variant that is not there → missing-file naming it', async () => {
  const m = model({ arch: 'bert' });
  await rejectsWith(m.dir, 'missing-file', /model_quantized\.onnx/, { variant: 'quantized' });
});

test('missing external data file → missing-file', async () => {
  const m = model({ arch: 'bert', layout: 'external' });
  rmSync(path.join(m.dir, 'onnx', 'model.onnx_data'));
  await rejectsWith(m.dir, 'missing-file', /external data/i);
});

test('not an ONNX file → not-onnx', async () => {
  const m = model({ arch: 'bert' });
  writeFileSync(path.join(m.dir, 'onnx', 'model.onnx'), 'this is not protobuf at all, just text\n'.repeat(10));
  await rejectsWith(m.dir, 'not-onnx', /Not an ONNX model/);
  writeFileSync(path.join(m.dir, 'onnx', 'model.onnx'), '');
  await rejectsWith(m.dir, 'not-onnx', /empty/);
});

test('tokenizer ids beyond the embedding table → vocab-mismatch', async () => {
  const m = model({ arch: 'bert', vocabRows: 50 });
  await rejectsWith(m.dir, 'vocab-mismatch', /tokenizer does not match the model: it produces ids up to \d+/);
});

test('outputs the engine cannot pool → unknown-io listing them', async () => {
  const m = model({ arch: 'bert', renameOutputsTo: 'logits' });
  await rejectsWith(m.dir, 'unknown-io', /has no output the engine can pool: it has logits_0/);
});

test('a model larger than the memory budget → too-large, before onnxruntime is asked', async () => {
  const m = model({ arch: 'bert' });
  await rejectsWith(m.dir, 'too-large', /too large for the memory available/, { memoryBudgetBytes: 1000 });
});

test('invalid tokenizer.json → bad-tokenizer', async () => {
  const m = model({ arch: 'bert' });
  writeFileSync(path.join(m.dir, 'tokenizer.json'), '{ not json');
  await rejectsWith(m.dir, 'bad-tokenizer', /not valid JSON/);
});
