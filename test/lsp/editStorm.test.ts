/**
 * An edit storm against the real bundled server: 200 one-row edits sent back to back on a
 * 20,000-row dictionary. Superseded versions are dropped (only a few versions are ever published,
 * in order), and the newest version's diagnostics
 * describe the newest text. The test waits for that version's publish; nothing sleeps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { startServer } from './client';

test('200 edits back to back: superseded versions are not published, the last one is, with its own problems', async () => {
  const rows = 20_000;
  const server = await startServer({ settings: { diagnostics: { threshold: -1, negativeThreshold: 1 } } });
  try {
    const uri = pathToFileURL(path.join(tmpdir(), 'synonym-lens-storm.csv')).toString();
    const lines = ['term,synonym,label', ...Array.from({ length: rows }, (_, i) => `t${i},s${i},1`)];
    server.open(uri, lines.join('\n') + '\n');
    await server.waitDiagnostics(uri, () => true, { what: 'the first publish', timeoutMs: 60_000 });
    const after = server.diagnostics.cursor;
    const edits = 200;
    let version = 1;
    const cellsOf = (line: number) => lines[line]!.split(',');
    for (let k = 0; k < edits; k++) {
      // Row k % 50 + 1 loses its synonym (`t1,s1,1` → `t1,1`: a label is missing), and the next
      // edit puts it back, so only the last edit's row is broken at the end.
      const line = 1 + (k % 50);
      if (k > 0) {
        const prev = 1 + ((k - 1) % 50);
        const [term, synonym] = cellsOf(prev);
        server.change(uri, [{ range: { start: { line: prev, character: term!.length }, end: { line: prev, character: term!.length } }, text: `,${synonym}` }]);
      }
      const [term, synonym] = cellsOf(line);
      version = server.change(uri, [{ range: { start: { line, character: term!.length }, end: { line, character: term!.length + 1 + synonym!.length } }, text: '' }]);
    }
    const last = await server.waitDiagnostics(uri, (_, v) => v === version, { after, what: `the publish of version ${version}`, timeoutMs: 60_000 });
    const published = server.diagnostics.events.slice(after).filter((e) => e.uri === uri).map((e) => e.version!);
    assert.ok(published.length <= 10, `published versions: ${published.join(', ')}`);
    for (let i = 1; i < published.length; i++) assert.ok(published[i]! > published[i - 1]!, `versions in order: ${published.join(', ')}`);
    const brokenLine = 1 + ((edits - 1) % 50);
    assert.deepEqual(
      last.diagnostics.map((d) => [d.code, d.range.start.line]),
      [['column-count', brokenLine]],
    );
  } finally {
    await server.stop();
  }
});
