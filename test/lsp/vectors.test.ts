/**
 * Persistent vectors against the real bundled server: a transformer model's vectors are written to
 * SYNONYM_LENS_VECTORS_DIR, the next server reads them back (its load log counts them) and
 * publishes the same diagnostics, and a corrupted vector file costs one log line, not a crash or a
 * wrong diagnostic. Every wait is on a message; nothing sleeps.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startServer, has } from './client';
import { makeModel } from '../helpers/fixtures';

const dir = mkdtempSync(path.join(tmpdir(), 'synonym-lens-vectors-lsp-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const model = makeModel(path.join(dir, 'model'), { arch: 'xlmr' });
const vectorsDir = path.join(dir, 'vectors');
const dictPath = path.join(dir, 'terms.csv');
const text = 'term,synonym,label\ncar,automobile,1\nphone,telephone,1\ncar,phone,0\nbig,large,1\n';
writeFileSync(dictPath, text);
const uri = pathToFileURL(dictPath).toString();

/** One server run: opens the dictionary, returns the complete diagnostics and the model's load log line. */
async function run() {
  // Threshold 1 flags positive pairs, so the first publish with a low-similarity diagnostic is the model's (complete) one.
  const server = await startServer({ env: { SYNONYM_LENS_VECTORS_DIR: vectorsDir }, settings: { model: model.dir, diagnostics: { threshold: 1, negativeThreshold: 1 } } });
  try {
    server.open(uri, text);
    const published = await server.waitDiagnostics(uri, has('low-similarity'), {
      what: 'the model diagnostics',
      timeoutMs: 60_000,
    });
    const loaded = await server.logs.wait((m) => /^Model .* loaded in/.test(m), 'the model load line', 10_000);
    return { diagnostics: published.diagnostics.map((d) => `${d.range.start.line}:${d.code}:${d.message}`).sort(), loaded, logs: server.logs.events };
  } finally {
    await server.stop();
  }
}

test('a transformer model keeps its vectors on disk; the next server reads them back; a corrupt file is one log line', async () => {
  const first = await run();
  assert.match(first.loaded, /vectors kept in .*vectors\.slv \(0 stored\)/);
  // The store's folder (32 hex digits of its fingerprint's hash), beside the model records' `models/`.
  const [folder] = readdirSync(vectorsDir).filter((f) => /^[0-9a-f]{32}$/.test(f));
  const file = path.join(vectorsDir, folder!, 'vectors.slv');

  const second = await run();
  // car, automobile, phone, telephone, big, large
  assert.match(second.loaded, /\(6 stored\)/);
  assert.deepEqual(second.diagnostics, first.diagnostics);

  const bytes = readFileSync(file);
  for (let i = 100; i < bytes.length - 100; i += 97) bytes[i] ^= 0x5a;
  writeFileSync(file, bytes);
  const third = await run();
  assert.ok(third.logs.some((m) => /vector store .*skipped \d+ corrupt bytes/.test(m)), third.logs.join('\n'));
  assert.deepEqual(third.diagnostics, first.diagnostics);
});
