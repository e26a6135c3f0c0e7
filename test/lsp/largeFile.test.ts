/**
 * A large dictionary against the real bundled server: a file too large to parse at once is read
 * in steps while requests are answered, with progress; its model diagnostics arrive
 * progressively, the rows editors show first, else the top of the file; a hover is answered
 * while the rest is still being embedded. Every wait is on a message; nothing sleeps.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, Hover, PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { codes, startServer } from './client';

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

test('a file too large to parse at once is read in steps: a hover is answered meanwhile, progress shows, then the structural publish', async () => {
  const server = await startServer({ settings: { diagnostics: { maxPerFile: 1_000_000 } } });
  try {
    const uri = pathToFileURL(path.join(dir, 'read-in-steps.csv')).toString();
    // 60,000 rows (1.4 MB, past the size read at once); the last two rows have structural problems.
    const big = text + Array.from({ length: 40_000 }, (_, i) => `gamma${i}x,delta${i}y\n`).join('') + 'alpha1x,beta1y\nst"ray,quote\n';
    const lines = big.split('\n').length - 1;
    server.open(uri, big);
    const hover = await server.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 2 } });
    const publishedBeforeHover = server.diagnostics.events.some((e: PublishDiagnosticsParams) => e.uri === uri);
    assert.equal(publishedBeforeHover, false, 'the hover waited for the parse');
    assert.equal(hover, null, 'a hover while the file is read has nothing to show yet');
    const structural = await server.waitDiagnostics(uri, (d) => d.length > 0, { timeoutMs: 120_000, what: 'the structural publish' });
    assert.deepEqual(codes(structural.diagnostics), ['duplicate-pair', 'stray-quote']);
    assert.deepEqual(structural.diagnostics.map((d) => d.range.start.line).sort((x, y) => x - y), [lines - 2, lines - 1]);
    // Progress: reading, then done, both before the structural publish.
    const progress = server.documentProgress.events.filter((p) => p.uri === uri);
    assert.equal(progress[0]?.phase, 'reading');
    assert.ok(progress[0].done <= progress[0].total && progress[0].total === big.length, JSON.stringify(progress[0]));
    assert.ok(progress.some((p) => p.phase === 'done'), JSON.stringify(progress));
    const after = await server.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 2 } });
    assert.ok(after, 'no hover once the file is read');
  } finally {
    await server.stop();
  }
});

test('the rows editors show are embedded and published first', async () => {
  const server = await startServer({ settings: { diagnostics: { threshold: 1, negativeThreshold: 1, maxPerFile: 1_000_000 } } });
  try {
    const uri = pathToFileURL(path.join(dir, 'visible.csv')).toString();
    server.open(uri, text);
    const shown = { from: 15_000, to: 15_039 };
    await server.connection.sendNotification('synonymLens/visibleRanges', { uri, ranges: [{ start: { line: shown.from, character: 0 }, end: { line: shown.to, character: 0 } }] });
    const first = await server.waitDiagnostics(uri, (d) => lowLines(d).length > 0, { timeoutMs: 300_000, what: 'the first model diagnostics' });
    const lines = lowLines(first.diagnostics).sort((x, y) => x - y);
    assert.deepEqual(lines, Array.from({ length: shown.to - shown.from + 1 }, (_, i) => shown.from + i));
    // Then the rest, with embedding progress for the status item, ending in done.
    await server.waitDiagnostics(uri, (d) => lowLines(d).length === rows, { timeoutMs: 300_000, what: 'every row flagged' });
    const progress = server.documentProgress.events.filter((p) => p.uri === uri);
    assert.ok(progress.some((p) => p.phase === 'embedding' && p.total === 2 * rows), JSON.stringify(progress.slice(0, 3)));
    assert.equal(progress.at(-1)?.phase, 'done');
  } finally {
    await server.stop();
  }
});

test('SYNONYM_LENS_TRACE_REQUESTS=1 traces a hover answered while a large file is read (start, answer); off, stderr has no trace', async () => {
  const big = text + Array.from({ length: 40_000 }, (_, i) => `gamma${i}x,delta${i}y\n`).join('');
  for (const traced of [true, false]) {
    const server = await startServer({ settings: { diagnostics: { maxPerFile: 1_000_000 } }, env: traced ? { SYNONYM_LENS_TRACE_REQUESTS: '1' } : { SYNONYM_LENS_TRACE_REQUESTS: '' } });
    try {
      const uri = pathToFileURL(path.join(dir, `traced-${traced}.csv`)).toString();
      server.open(uri, big);
      const hover = await server.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 2 } });
      assert.equal(hover, null, 'a hover while the file is read has nothing to show yet');
      assert.equal(server.diagnostics.events.some((e: PublishDiagnosticsParams) => e.uri === uri), false, 'the hover waited for the parse');
      await server.waitDiagnostics(uri, () => true, { timeoutMs: 120_000, what: 'the structural publish' });
      // A request after the publish: its trace lines come after the hover's on the same pipe.
      await server.request('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 5, character: 0 } } });
      if (traced) {
        await server.stderr.wait((l) => /\] inlayHint answered in \d/.test(l), 'the inlay hint request traced', 60_000);
        const lines = server.stderr.events;
        const start = lines.findIndex((l) => /^\[trace \d+\] hover start$/.test(l));
        const answered = lines.findIndex((l) => /^\[trace \d+\] hover answered in \d+\.\d ms$/.test(l));
        assert.ok(start >= 0 && answered > start, lines.join('\n'));
      } else {
        // Everything the server wrote to stderr: until the pipe closes.
        await server.stop();
        const err = server.child.stderr!;
        if (!err.closed) await new Promise((resolve) => err.once('close', resolve));
        assert.deepEqual(server.stderr.events.filter((l) => l.includes('[trace')), []);
      }
    } finally {
      await server.stop();
    }
  }
});
