/**
 * Warm reopen with a transformer model against the real bundled server: the second server opens
 * the model from its record (no onnxruntime session: the full load is logged, and it is not) and
 * publishes the same diagnostics from the stored vectors; a term missing from the store loads the
 * model in full; files replaced by another model keeping their size and dates are noticed at that
 * full load: the kept vectors are dropped, the user is told, and the diagnostics come from the new
 * model. Every wait is on a message; nothing sleeps.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startServer } from './client';
import { makeModel } from '../helpers/fixtures';

const dir = mkdtempSync(path.join(tmpdir(), 'synonym-lens-warm-lsp-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const model = makeModel(path.join(dir, 'model'), { arch: 'xlmr' });
const onnx = path.join(model.dir, 'onnx', 'model.onnx');
// Whole seconds, so that the dates can be put back exactly after the file is replaced.
utimesSync(onnx, 1_700_000_000, 1_700_000_000);
const vectorsDir = path.join(dir, 'vectors');
const dictPath = path.join(dir, 'terms.csv');
const base = 'term,synonym,label\ncar,automobile,1\nphone,telephone,1\ncar,phone,0\nbig,large,1\n';
const uri = pathToFileURL(dictPath).toString();
const storeFolders = () => readdirSync(vectorsDir).filter((f) => /^[0-9a-f]{32}$/.test(f));
const terms = (text: string) => new Set(text.split('\n').slice(1).flatMap((l) => l.split(',').slice(0, 2)).filter(Boolean)).size;

/** One server run: opens the dictionary, waits for the status counting all its terms, returns the diagnostics and the logs. */
async function run(text: string) {
  writeFileSync(dictPath, text);
  const server = await startServer({ env: { SYNONYM_LENS_VECTORS_DIR: vectorsDir }, settings: { model: model.dir, diagnostics: { threshold: 1, negativeThreshold: 1 } } });
  try {
    server.open(uri, text);
    // The status sent after the complete publish counts every term.
    await server.waitStatus((s) => s.state === 'ready' && s.vocabularySize >= terms(text), { timeoutMs: 60_000, what: 'the status counting every term' });
    const published = server.diagnostics.events.filter((e) => e.uri === uri).at(-1)!;
    const loaded = await server.logs.wait((m) => /^Model .* loaded in/.test(m), 'the model load line', 10_000);
    return { diagnostics: published.diagnostics.map((d) => `${d.range.start.line}:${d.code}:${d.message}`).sort(), loaded, logs: [...server.logs.events], shown: [...server.shown.events] };
  } finally {
    await server.stop();
  }
}
const fullLoad = (logs: string[]) => logs.filter((m) => /full load for terms missing from the stored vectors/.test(m));

test('a reopened model comes from its record without an onnxruntime session; a missing term loads it in full; a replaced model drops the kept vectors and says so', async () => {
  const cold = await run(base);
  assert.doesNotMatch(cold.loaded, /from its model record/);
  assert.equal(readdirSync(path.join(vectorsDir, 'models')).length, 1, 'the model record');
  assert.ok(cold.diagnostics.some((d) => d.includes('low-similarity')), cold.diagnostics.join('\n'));

  const warm = await run(base);
  assert.match(warm.loaded, /from its model record/);
  assert.match(warm.loaded, /\(6 stored\)/);
  assert.deepEqual(fullLoad(warm.logs), [], 'no full load: every vector came from the store');
  assert.deepEqual(warm.diagnostics, cold.diagnostics);

  // A term the store lacks: the model is loaded in full, once, and the fingerprint holds.
  const grown = await run(base + 'truck,lorry,1\n');
  assert.match(grown.loaded, /from its model record/);
  assert.equal(fullLoad(grown.logs).length, 1, grown.logs.join('\n'));
  assert.deepEqual(grown.shown, []);

  // Another model in the same files, keeping their size, dates and inode.
  const [oldStore] = storeFolders();
  const before = statSync(onnx);
  const other = makeModel(path.join(dir, 'other'), { arch: 'xlmr', seed: 99 });
  const bytes = readFileSync(path.join(other.dir, 'onnx', 'model.onnx'));
  assert.equal(bytes.length, before.size);
  writeFileSync(onnx, bytes);
  utimesSync(onnx, 1_700_000_000, 1_700_000_000);
  assert.equal(statSync(onnx).ino, before.ino);

  const changed = await run(base + 'truck,lorry,1\nship,boat,1\n');
  assert.match(changed.loaded, /from its model record/);
  assert.equal(changed.shown.length, 1, JSON.stringify(changed.shown));
  assert.match(changed.shown[0]!.message, /the model changed since its vectors were kept/);
  assert.ok(changed.logs.some((m) => /the model changed since its vectors were kept/.test(m)), changed.logs.join('\n'));
  // The new model's vectors are in a new store; the old one is gone.
  assert.ok(!existsSync(path.join(vectorsDir, oldStore!)), 'the old vectors were dropped');
  assert.equal(storeFolders().length, 1);
  assert.notEqual(storeFolders()[0], oldStore);
  // Its diagnostics are the replaced model's: the same as a server that never saw the old one.
  rmSync(vectorsDir, { recursive: true, force: true });
  const fresh = await run(base + 'truck,lorry,1\nship,boat,1\n');
  assert.doesNotMatch(fresh.loaded, /from its model record/);
  assert.deepEqual(changed.diagnostics, fresh.diagnostics);
});
