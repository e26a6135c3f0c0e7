/**
 * Quick fixes on a flagged pair of a dictionary without a label column, against the real server:
 * "Mark as not a synonym" records the verdict in the decisions file beside it (one edit that
 * creates it with its header, or appends a line), after which the pair is no longer flagged;
 * "Add a label column…" labels every row in one edit; "Remove this pair" removes the pair alone.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { FileChangeType, DidChangeWatchedFilesNotification, type CodeAction, type CreateFile, type Diagnostic, type TextDocumentEdit, type TextEdit } from 'vscode-languageserver-protocol';
import { parseDecisions } from '../../src/core/decisions';
import type { PairScoresResult } from '../../src/shared/protocol';
import { startServer, type TestServer } from './client';

const dir = mkdtempSync(path.join(tmpdir(), 'synonym-lens-decisions-'));
const dictFile = path.join(dir, 'plain.synonyms.csv');
const decisionsFile = path.join(dir, 'plain.synonyms.decisions.csv');
const uri = pathToFileURL(dictFile).toString();
const decisionsUri = pathToFileURL(decisionsFile).toString();
const TEXT = '标准词,近似词\n普拉多,霸道SUV\n宝马,BMW\n';

let server: TestServer;
before(async () => {
  writeFileSync(dictFile, TEXT);
  server = await startServer();
});
after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const apply = (text: string, edits: TextEdit[]) => TextDocument.applyEdits(TextDocument.create('x', 'csv', 1, text), edits);
const flaggedOnLine = (line: number) => (d: Diagnostic[]) => d.some((x) => x.code === 'low-similarity' && x.range.start.line === line);

test('a flagged pair of a file without a label column: decisions file, label column, remove — and a decided pair is no longer flagged', async () => {
  server.open(uri, TEXT);
  const published = await server.waitDiagnostics(uri, flaggedOnLine(1), { what: '普拉多 ~ 霸道SUV flagged' });
  const low = published.diagnostics.find((d) => d.code === 'low-similarity' && d.range.start.line === 1)!;
  const actions = await server.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: low.range, context: { diagnostics: [low] } });
  const titles = actions.map((a) => a.title);
  assert.ok(!titles.includes('Mark as negative (label 0)'), titles.join('\n'));

  // One label column for every row, this pair 0: the header's own language names it.
  const labelled = actions.find((a) => a.title === 'Add a label column and mark as not a synonym (label 0)');
  assert.ok(labelled?.edit?.documentChanges, titles.join('\n'));
  const [labelEdit] = labelled.edit.documentChanges as TextDocumentEdit[];
  assert.equal(apply(TEXT, labelEdit!.edits as TextEdit[]), '标准词,近似词,标签\n普拉多,霸道SUV,0\n宝马,BMW,1\n');

  // Remove this pair: the row alone, every other byte kept.
  const remove = actions.find((a) => a.title === 'Remove this pair (line 2)');
  assert.ok(remove?.edit?.documentChanges, titles.join('\n'));
  assert.equal(apply(TEXT, (remove.edit.documentChanges[0] as TextDocumentEdit).edits as TextEdit[]), '标准词,近似词\n宝马,BMW\n');

  // The decisions file: created with its header and the verdict, in one edit.
  const mark = actions.find((a) => a.title === 'Mark as not a synonym (recorded in plain.synonyms.decisions.csv)');
  assert.ok(mark?.edit?.documentChanges, titles.join('\n'));
  const [create, insert] = mark.edit.documentChanges as [CreateFile, TextDocumentEdit];
  assert.deepEqual(create, { kind: 'create', uri: decisionsUri, options: { ignoreIfExists: true } });
  assert.equal(insert.textDocument.uri, decisionsUri);
  // … and the client saves it right after (the diagnostics read decisions from disk).
  assert.deepEqual(mark.command, { title: mark.title, command: 'synonymLens.saveDecisions', arguments: [decisionsUri] });
  const written = apply('', insert.edits as TextEdit[]);
  const decisions = parseDecisions(written);
  assert.deepEqual(decisions.map((d) => [d.term, d.synonym, d.label]), [['普拉多', '霸道SUV', 0]]);
  assert.match(written, /^term,synonym,label,decided_at\n普拉多,霸道SUV,0,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);

  // The client applied it and saved the file: the watcher tells the server; the pair is scored as
  // a non-synonym now (its cosine is low, as a non-synonym's should be), so it is not flagged.
  writeFileSync(decisionsFile, written);
  const after = server.diagnostics.events.length;
  await server.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: decisionsUri, type: FileChangeType.Created }] });
  const republished = await server.waitDiagnostics(uri, (d) => !flaggedOnLine(1)(d), { after, what: 'the decided pair no longer flagged' });
  assert.ok(republished.diagnostics.every((d) => d.range.start.line !== 1), JSON.stringify(republished.diagnostics));
  const scores = await server.request<PairScoresResult>('synonymLens/pairScores', { uri });
  const decided = scores.pairs.find((p) => p.term === '普拉多')!;
  assert.deepEqual([decided.label, decided.flagged], [0, false], 'the table scores it as the diagnostics do');

  // A second verdict appends one line after the existing bytes (no second header, no create).
  const bmw = republished.diagnostics.find((d) => d.code === 'low-similarity' && d.range.start.line === 2);
  if (bmw) {
    const again = await server.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: bmw.range, context: { diagnostics: [bmw] } });
    const second = again.find((a) => a.title.startsWith('Mark as not a synonym'))!;
    assert.equal(second.edit!.documentChanges!.length, 1);
    const appended = apply(written, (second.edit!.documentChanges![0] as TextDocumentEdit).edits as TextEdit[]);
    assert.ok(appended.startsWith(written));
    assert.equal(parseDecisions(appended).length, 2);
  }
  assert.equal(readFileSync(dictFile, 'utf8'), TEXT, 'the dictionary itself is untouched');
  server.close(uri);
});
