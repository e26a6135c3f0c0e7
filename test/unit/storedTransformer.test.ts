/**
 * Model records (src/runtime/model/storedTransformer.ts): a transformer model opened before opens
 * from its record with no onnxruntime session, says the same as the full engine, loads in full at
 * the first embedding, and notices files replaced with another model that keep their size and dates.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openTransformer, StoredTransformerEngine } from '../../src/runtime/model/storedTransformer';
import { ModelLoadError, TransformerEngine } from '../../src/runtime/model/transformer';
import { makeModel, tempRoot } from '../helpers/fixtures';

const { root, cleanup } = tempRoot('synonym-lens-stored-');
after(cleanup);
const texts = ['汽车', '轿车', 'car phone', '手机壳'];

test('the second open of a model comes from its record: same identity and analysis, the session only at the first embedding', async () => {
  const m = makeModel(path.join(root, 'a'), { arch: 'xlmr' });
  const records = { root: path.join(root, 'vectors-a') };
  const full = await openTransformer(m.dir, { threads: 1 }, records);
  assert.ok(full instanceof TransformerEngine);
  const recordFiles = readdirSync(path.join(records.root, 'models'));
  assert.equal(recordFiles.length, 1);
  assert.match(recordFiles[0]!, /^[0-9a-f]{32}\.json$/);

  const stored = await openTransformer(m.dir, { threads: 1 }, records);
  assert.ok(stored instanceof StoredTransformerEngine);
  assert.equal(stored.fullLoadStarted, false);
  assert.deepEqual([stored.id, stored.fingerprint, stored.dimension, stored.maxInputLength], [full.id, full.fingerprint, full.dimension, full.maxInputLength]);
  for (const t of texts) assert.deepEqual(stored.analyze(t), full.analyze(t));
  assert.equal(stored.fullLoadStarted, false);
  assert.deepEqual(await stored.embed([]), []);
  assert.equal(stored.fullLoadStarted, false);

  const expected = await full.embed(texts);
  const outcomes: { error?: unknown }[] = [];
  stored.onFullLoad((o) => outcomes.push(o));
  const got = await stored.embed(texts);
  assert.equal(stored.fullLoadStarted, true);
  assert.deepEqual(outcomes.map((o) => o.error), [undefined]);
  assert.deepEqual(got, expected);
  await full.dispose();
  await stored.dispose();
});

test('a touched model file or other options mean a full load again', async () => {
  const m = makeModel(path.join(root, 'b'), { arch: 'xlmr' });
  const records = { root: path.join(root, 'vectors-b') };
  await (await openTransformer(m.dir, { threads: 1 }, records)).dispose();
  const onnx = path.join(m.dir, 'onnx', 'model.onnx');
  const later = new Date(statSync(onnx).mtimeMs + 5000);
  utimesSync(onnx, later, later);
  const again = await openTransformer(m.dir, { threads: 1 }, records);
  assert.ok(again instanceof TransformerEngine);
  await again.dispose();
  // Recorded anew for the touched file.
  const third = await openTransformer(m.dir, { threads: 1 }, records);
  assert.ok(third instanceof StoredTransformerEngine);
  await third.dispose();
  const otherLength = await openTransformer(m.dir, { threads: 1, maxLength: 16 }, records);
  assert.ok(otherLength instanceof TransformerEngine);
  await otherLength.dispose();
});

test('files replaced by another model keeping size, dates and inode: the full load refuses it, removes the record, tells the listener once', async () => {
  const m = makeModel(path.join(root, 'c'), { arch: 'xlmr' });
  const records = { root: path.join(root, 'vectors-c') };
  const onnx = path.join(m.dir, 'onnx', 'model.onnx');
  // Whole seconds, so that the dates can be put back exactly (utimes takes them as a double).
  utimesSync(onnx, 1_700_000_000, 1_700_000_000);
  await (await openTransformer(m.dir, { threads: 1 }, records)).dispose();
  const before = statSync(onnx);
  // Same shapes, other weights: the same number of bytes, written in place (same inode), dates put back.
  const other = makeModel(path.join(root, 'c-other'), { arch: 'xlmr', seed: 99 });
  const bytes = readFileSync(path.join(other.dir, 'onnx', 'model.onnx'));
  assert.equal(bytes.length, before.size);
  assert.notDeepEqual(bytes, readFileSync(onnx));
  writeFileSync(onnx, bytes);
  utimesSync(onnx, 1_700_000_000, 1_700_000_000);
  const after = statSync(onnx);
  assert.deepEqual([after.ino, after.size, after.mtimeMs], [before.ino, before.size, before.mtimeMs]);

  const stored = await openTransformer(m.dir, { threads: 1 }, records);
  assert.ok(stored instanceof StoredTransformerEngine);
  const failures: unknown[] = [];
  stored.onFullLoad((o) => failures.push(o.error));
  await assert.rejects(stored.embed(texts), (e: unknown) => e instanceof ModelLoadError && e.code === 'model-changed' && e.messageId === 'storedModelChanged' && e.message.includes(m.dir));
  await assert.rejects(stored.embed(texts), (e: unknown) => e instanceof ModelLoadError && e.code === 'model-changed');
  assert.equal(failures.length, 1);
  assert.ok(failures[0] instanceof ModelLoadError);
  assert.deepEqual(readdirSync(path.join(records.root, 'models')), []);
  await stored.dispose();

  const reloaded = await openTransformer(m.dir, { threads: 1 }, records);
  assert.ok(reloaded instanceof TransformerEngine);
  assert.notEqual(reloaded.fingerprint, stored.fingerprint);
  await reloaded.dispose();
});

test('an unreadable or foreign record is ignored (a full load writes a good one)', async () => {
  const m = makeModel(path.join(root, 'd'), { arch: 'xlmr' });
  const records = { root: path.join(root, 'vectors-d') };
  await (await openTransformer(m.dir, { threads: 1 }, records)).dispose();
  const [name] = readdirSync(path.join(records.root, 'models'));
  const file = path.join(records.root, 'models', name!);
  writeFileSync(file, '{"format": 1, "key": "x"');
  const a = await openTransformer(m.dir, { threads: 1 }, records);
  assert.ok(a instanceof TransformerEngine);
  await a.dispose();
  assert.ok(existsSync(file));
  const b = await openTransformer(m.dir, { threads: 1 }, records);
  assert.ok(b instanceof StoredTransformerEngine);
  await b.dispose();
});
