/**
 * A large dictionary against the real bundled server: its model diagnostics arrive progressively,
 * the top of the file first, and a hover is answered while the rest is still being embedded.
 * Every wait is on a message; nothing sleeps.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, Hover, PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { startServer } from './client';

const dir = mkdtempSync(path.join(tmpdir(), 'synonym-lens-large-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const rows = 20_000;
// Distinct terms on every row (40,000 to embed); a threshold of 1 flags every pair as low similarity.
const text = 'term,synonym\n' + Array.from({ length: rows }, (_, i) => `alpha${i}x,beta${i}y\n`).join('');
const lowLines = (d: Diagnostic[]) => d.filter((x) => x.code === 'low-similarity').map((x) => x.range.start.line);

test('model diagnostics of a large file arrive progressively, top rows first; a hover is answered meanwhile', async () => {
  const server = await startServer({ settings: { diagnostics: { threshold: 1, negativeThreshold: 1, maxPerFile: 1_000_000 } } });
  try {
    const uri = pathToFileURL(path.join(dir, 'large.csv')).toString();
    server.open(uri, text);
    const complete = server.waitDiagnostics(uri, (d) => lowLines(d).length === rows, { timeoutMs: 300_000, what: 'every row flagged' });
    let completeArrived = false;
    void complete.then(() => (completeArrived = true), () => undefined);
    const partial = await server.waitDiagnostics(uri, (d) => lowLines(d).length > 0 && lowLines(d).length < rows, { timeoutMs: 300_000, what: 'a partial publish' });
    // While the rest is embedded, a hover is answered before the complete publish.
    const hover = await server.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 2 } });
    const answeredBeforeComplete = !completeArrived;
    assert.ok(hover, 'no hover on the first term');
    assert.ok(answeredBeforeComplete, 'the hover waited for the whole file');
    const final = await complete;
    // The partial publish flagged exactly the first rows of the file.
    const partialLines = lowLines(partial.diagnostics).sort((x, y) => x - y);
    assert.deepEqual(partialLines, Array.from({ length: partialLines.length }, (_, i) => i + 1));
    const publishes = server.diagnostics.events.filter((e: PublishDiagnosticsParams) => e.uri === uri);
    assert.ok(publishes.indexOf(final) > publishes.indexOf(partial));
  } finally {
    await server.stop();
  }
});
