/**
 * `synonymLens/decidePairs` against the real bundled server — the edits behind the Synonym
 * Suggestions view's accept and reject: an accepted pair goes in after its group's last row (a
 * new group at the end), several at one place in order; a rejection is a label-0 row in a file
 * with a label column, else a line of the decisions file beside it (created with its header). Every
 * other byte stays identical, and a decided pair is not suggested again.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ErrorCodes, ResponseError, type CreateFile, type TextDocumentEdit, type TextEdit } from 'vscode-languageserver-protocol';
import { parseDecisions } from '../../src/core/decisions';
import type { DecidePairsResult, FineTuneResult, SuggestResult } from '../../src/shared/protocol';
import { has, root, startServer, type TestServer } from './client';

const dir = mkdtempSync(path.join(tmpdir(), 'synonym-lens-decide-'));
const labelled = path.join(dir, 'cars.synonyms.csv');
copyFileSync(path.join(root, 'samples/cars.synonyms.csv'), labelled);
const labelledUri = pathToFileURL(labelled).toString();
const labelledText = readFileSync(labelled, 'utf8');
const plain = path.join(dir, 'plain.synonyms.csv');
const plainText = '标准词,近似词\r\n普拉多,霸道SUV\r\n普拉多,陆地巡洋舰普拉多\r\n宝马,BMW\r\n';
writeFileSync(plain, plainText);
const plainUri = pathToFileURL(plain).toString();
const decisionsFile = path.join(dir, 'plain.synonyms.decisions.csv');
const decisionsUri = pathToFileURL(decisionsFile).toString();
writeFileSync(path.join(dir, 'terms.txt'), '霸道\n普拉多2700\n宝马汽车\nBMW X3\n卡罗拉\nCorolla\n');

let server: TestServer;
before(async () => {
  server = await startServer();
  server.open(labelledUri, labelledText);
  server.open(plainUri, plainText);
  await server.waitDiagnostics(labelledUri, has('low-similarity'), { what: 'similarity diagnostics', timeoutMs: 60_000 });
});
after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const apply = (text: string, edits: TextEdit[]) => TextDocument.applyEdits(TextDocument.create('x', 'csv', 1, text), edits);
const editsOf = (r: DecidePairsResult) => r.edit.documentChanges as (TextDocumentEdit | CreateFile)[];
const decide = (uri: string, verdict: 'accept' | 'reject', pairs: { term: string; candidate: string; group?: string[] | null }[]) =>
  server.request<DecidePairsResult>('synonymLens/decidePairs', { uri, verdict, pairs });

test('accept in a labelled file: a label-1 row after the last row of the group; several in order; a new group at the end', async () => {
  const r = await decide(labelledUri, 'accept', [
    { term: '普拉多', candidate: '霸道', group: ['普拉多', '霸道SUV', '陆地巡洋舰普拉多'] },
    { term: '普拉多', candidate: '普拉多2700', group: ['普拉多', '霸道SUV', '陆地巡洋舰普拉多'] },
    { term: '卡罗拉', candidate: 'Corolla', group: null },
  ]);
  assert.equal(r.recordedIn, 'dictionary');
  assert.equal(r.target, labelledUri);
  const [change] = editsOf(r) as TextDocumentEdit[];
  assert.deepEqual(change!.textDocument, { uri: labelledUri, version: 1 });
  const after = apply(labelledText, change!.edits as TextEdit[]);
  const lines = labelledText.split('\n');
  // The group's last synonym row is 普拉多,陆地巡洋舰普拉多,1 (line 3); the label-0 rows after it are not the group's.
  const last = lines.indexOf('普拉多,陆地巡洋舰普拉多,1');
  assert.equal(last, 2);
  const expected = [...lines.slice(0, last + 1), '普拉多,霸道,1', '普拉多,普拉多2700,1', ...lines.slice(last + 1)];
  expected.splice(expected.length - 1, 0, '卡罗拉,Corolla,1');
  assert.equal(after, expected.join('\n'));
});

test('reject in a labelled file: a label-0 row, the rest byte for byte', async () => {
  const r = await decide(labelledUri, 'reject', [{ term: '宝马', candidate: '宝马汽车', group: ['宝马', 'BMW', '别摸我'] }]);
  assert.equal(r.recordedIn, 'dictionary');
  const after = apply(labelledText, (editsOf(r)[0] as TextDocumentEdit).edits as TextEdit[]);
  assert.equal(after, labelledText.replace('宝马,别摸我,1\n', '宝马,别摸我,1\n宝马,宝马汽车,0\n'));
});

test('without a label column: accept is a row in the file\'s line breaks, reject a line of the decisions file it creates', async () => {
  const a = await decide(plainUri, 'accept', [{ term: '宝马', candidate: 'BMW X3', group: ['宝马', 'BMW'] }]);
  assert.equal(apply(plainText, (editsOf(a)[0] as TextDocumentEdit).edits as TextEdit[]), plainText + '宝马,BMW X3\r\n');

  const r = await decide(plainUri, 'reject', [{ term: '普拉多', candidate: '霸道', group: ['普拉多', '霸道SUV', '陆地巡洋舰普拉多'] }]);
  assert.equal(r.recordedIn, 'decisions');
  assert.equal(r.target, decisionsUri);
  const [create, insert] = editsOf(r) as [CreateFile, TextDocumentEdit];
  assert.deepEqual(create, { kind: 'create', uri: decisionsUri, options: { ignoreIfExists: true } });
  const written = apply('', insert.edits as TextEdit[]);
  assert.deepEqual(parseDecisions(written).map((d) => [d.term, d.synonym, d.label]), [['普拉多', '霸道', 0]]);

  // Saved, the rejection is honoured: 霸道 is not suggested for 普拉多's group again.
  const before = await server.request<SuggestResult>('synonymLens/suggest', { uri: plainUri, termLists: ['terms.txt'], k: 10 });
  assert.ok(before.suggestions.some((s) => s.candidate === '霸道' && s.term === '普拉多'), JSON.stringify(before.suggestions.slice(0, 10)));
  writeFileSync(decisionsFile, written);
  const again = await server.request<SuggestResult>('synonymLens/suggest', { uri: plainUri, termLists: ['terms.txt'], k: 10 });
  assert.ok(!again.suggestions.some((s) => s.candidate === '霸道' && s.group?.includes('普拉多')), JSON.stringify(again.suggestions.slice(0, 10)));
  assert.equal(again.decisions, 1);

  // A second rejection appends after the existing bytes, no second header, no create.
  const r2 = await decide(plainUri, 'reject', [{ term: '宝马', candidate: '宝马汽车' }]);
  const changes = editsOf(r2);
  assert.equal(changes.length, 1);
  const appended = apply(written, (changes[0] as TextDocumentEdit).edits as TextEdit[]);
  assert.ok(appended.startsWith(written));
  assert.equal(parseDecisions(appended).length, 2);
});

test('bad verdicts and pairs are InvalidParams', async () => {
  for (const params of [
    { uri: plainUri, verdict: 'maybe', pairs: [{ term: 'a', candidate: 'b' }] },
    { uri: plainUri, verdict: 'accept', pairs: [] },
    { uri: plainUri, verdict: 'accept', pairs: [{ term: ' ', candidate: 'b' }] },
  ]) {
    await assert.rejects(server.request('synonymLens/decidePairs', params), (e: unknown) => e instanceof ResponseError && e.code === ErrorCodes.InvalidParams, JSON.stringify(params));
  }
});

test('Fine-tune Model learns the decisions file\'s rejections as label-0 pairs (hard negatives)', async () => {
  // The decisions file holds the rejection saved above (普拉多 ~ 霸道); a second one is appended.
  const decisions = parseDecisions(readFileSync(decisionsFile, 'utf8'));
  assert.equal(decisions.length, 1);
  writeFileSync(decisionsFile, readFileSync(decisionsFile, 'utf8') + `宝马,宝马汽车,0,2026-12-05T12:00:00Z\r\n`);
  const result = await server.request<FineTuneResult>('synonymLens/fineTune', { uri: plainUri, epochs: 1, validation: 0, outDir: 'tuned-decisions' });
  // 3 synonym pairs of the file and 2 rejections; label-0 pairs make `auto` choose CoSENT.
  assert.equal(result.report.data.pairs, 5);
  assert.equal(result.report.loss, 'cosent');
  // The same without decisions: the file's 3 pairs and the loss for positives only.
  rmSync(decisionsFile);
  const plainRun = await server.request<FineTuneResult>('synonymLens/fineTune', { uri: plainUri, epochs: 1, validation: 0, outDir: 'tuned-plain' });
  assert.equal(plainRun.report.data.pairs, 3);
  assert.equal(plainRun.report.loss, 'mnrl');
});
