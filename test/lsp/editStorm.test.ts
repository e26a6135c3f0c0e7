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
import { TextDocument } from 'vscode-languageserver-textdocument';
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

test('one-row edits, a row added and a row removed, back to back: the last version publishes what a fresh open of its text publishes', async () => {
  // Flags on most pairs (positives below 0.9, negatives above -1), with duplicates, reversed
  // duplicates, self pairs, conflicting labels and a short row: every kind of diagnostic moves.
  const settings = { diagnostics: { threshold: 0.9, negativeThreshold: -1 } };
  const lines = ['term,synonym,label', ...Array.from({ length: 3000 }, (_, i) => (i % 97 === 0 ? `w${i % 13}` : i % 89 === 0 ? `s${i},s${i},1` : i % 7 === 0 ? `s${i % 300},t${i % 200},1` : `t${i % 700},s${i % 900},${i % 5 === 0 ? 0 : 1}`))];
  const text = (ls: string[]) => ls.join('\n') + '\n';
  const termsOf = (ls: string[]) => new Set(ls.slice(1).flatMap((l) => l.split(',').slice(0, 2)).filter(Boolean)).size;
  const edited = await startServer({ settings });
  const fresh = await startServer({ settings });
  try {
    const uri = pathToFileURL(path.join(tmpdir(), 'synonym-lens-edited.csv')).toString();
    edited.open(uri, text(lines));
    await edited.waitStatus((s) => s.state === 'ready' && s.vocabularySize >= termsOf(lines), { what: 'the complete status of the open', timeoutMs: 60_000 });
    let version = 1;
    const replace = (line: number, by: string) => {
      version = edited.change(uri, [{ range: { start: { line, character: 0 }, end: { line, character: lines[line]!.length } }, text: by }]);
      lines[line] = by;
    };
    for (let k = 0; k < 40; k++) replace(1 + ((k * 733) % 3000), k % 3 === 0 ? `t${k % 700},t${k % 700},1` : k % 3 === 1 ? `e${k},t${k},0` : `e${k}`);
    version = edited.change(uri, [{ range: { start: { line: 1500, character: 0 }, end: { line: 1500, character: 0 } }, text: 'added,row,1\n' }]);
    lines.splice(1500, 0, 'added,row,1');
    version = edited.change(uri, [{ range: { start: { line: 2000, character: 0 }, end: { line: 2001, character: 0 } }, text: '' }]);
    lines.splice(2000, 1);
    replace(2500, 't1,s1,1');
    const last = await edited.waitDiagnostics(uri, (_, v) => v === version, { what: `the publish of version ${version}`, timeoutMs: 60_000 });

    const freshUri = pathToFileURL(path.join(tmpdir(), 'synonym-lens-fresh.csv')).toString();
    fresh.open(freshUri, text(lines));
    await fresh.waitStatus((s) => s.state === 'ready' && s.vocabularySize >= termsOf(lines), { what: 'the complete status of the fresh open', timeoutMs: 60_000 });
    const opened = fresh.diagnostics.events.filter((e) => e.uri === freshUri).at(-1)!;
    // The same but for the document's URI and version.
    const same = (d: typeof last.diagnostics) => JSON.stringify(d).replaceAll(freshUri, uri).replace(/"version":\d+/g, '"version":0');
    assert.ok(opened.diagnostics.some((d) => d.code === 'low-similarity') && opened.diagnostics.some((d) => d.code === 'duplicate-pair'), 'model and structural diagnostics');
    assert.equal(same(last.diagnostics), same(opened.diagnostics));
  } finally {
    await Promise.all([edited.stop(), fresh.stop()]);
  }
});

test('single edits, each published before the next, with a cap that collapses codes: each publish is what a fresh open of its text publishes', async () => {
  // maxPerFile 300: low-similarity warnings and duplicates (more than 30 each) collapse into their
  // first, which the publish of an edit makes on demand (ModelDiagnosticList, capParts).
  const settings = { diagnostics: { threshold: 0.9, negativeThreshold: -1, maxPerFile: 300 } };
  const lines = ['term,synonym,label', ...Array.from({ length: 3000 }, (_, i) => (i % 97 === 0 ? `w${i % 13}` : i % 89 === 0 ? `s${i},s${i},1` : i % 7 === 0 ? `s${i % 300},t${i % 200},1` : `t${i % 700},s${i % 900},${i % 5 === 0 ? 0 : 1}`))];
  const termsOf = (t: string) => new Set(t.split('\n').slice(1).flatMap((l) => l.split(',').slice(0, 2)).filter(Boolean)).size;
  let doc = TextDocument.create('file:///mirror.csv', 'csv', 1, lines.join('\n') + '\n');
  const edited = await startServer({ settings });
  const fresh = await startServer({ settings });
  try {
    const uri = pathToFileURL(path.join(tmpdir(), 'synonym-lens-single.csv')).toString();
    edited.open(uri, doc.getText());
    await edited.waitStatus((s) => s.state === 'ready' && s.vocabularySize >= termsOf(doc.getText()), { what: 'the complete status of the open', timeoutMs: 60_000 });
    // A character typed into a row, a new term, a row made a duplicate, a row added, a row removed.
    const changes = [
      { range: { start: { line: 1200, character: 0 }, end: { line: 1200, character: 0 } }, text: 'y' },
      { range: { start: { line: 1700, character: 0 }, end: { line: 1700, character: lines[1700]!.length } }, text: 'brandnew,term,1' },
      { range: { start: { line: 2100, character: 0 }, end: { line: 2100, character: lines[2100]!.length } }, text: lines[2102]! },
      { range: { start: { line: 900, character: 0 }, end: { line: 900, character: 0 } }, text: 'added,row,1\n' },
      { range: { start: { line: 400, character: 0 }, end: { line: 401, character: 0 } }, text: '' },
    ];
    for (const [k, change] of changes.entries()) {
      const version = edited.change(uri, [change]);
      doc = TextDocument.update(doc, [change], version);
      const published = await edited.waitDiagnostics(uri, (_, v) => v === version, { what: `the publish of version ${version}`, timeoutMs: 60_000 });
      // A fresh open of the same text (its own file name), complete once its status counts every term.
      const freshUri = pathToFileURL(path.join(tmpdir(), `synonym-lens-single-fresh-${k}.csv`)).toString();
      const after = fresh.statuses.cursor;
      fresh.open(freshUri, doc.getText());
      await fresh.waitStatus((s) => s.state === 'ready' && s.vocabularySize >= termsOf(doc.getText()), { after, what: 'the complete status of the fresh open', timeoutMs: 60_000 });
      const opened = fresh.diagnostics.events.filter((e) => e.uri === freshUri).at(-1)!;
      fresh.close(freshUri);
      const same = (d: unknown) => JSON.stringify(d).replaceAll(freshUri, uri).replace(/"version":\d+/g, '"version":0');
      assert.ok(opened.diagnostics.some((d) => /more rows with this problem/.test(String(d.message))), 'a code collapsed by the cap');
      assert.equal(same(published.diagnostics), same(opened.diagnostics), JSON.stringify(change));
    }
  } finally {
    await Promise.all([edited.stop(), fresh.stop()]);
  }
});
