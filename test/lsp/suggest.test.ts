/**
 * Protocol tests of `synonymLens/suggest` against the real bundled server: ranked candidates with
 * work-done progress, the decisions file next to the dictionary honoured, clear errors for bad
 * term lists and decisions files, and a long run that keeps answering hovers and is cancelled
 * from the request. Every wait is on a message; nothing sleeps.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource, ErrorCodes, LSPErrorCodes, type Hover } from 'vscode-languageserver-protocol/node';
import type { SuggestResult } from '../../src/shared/protocol';
import { has, root, startServer, type TestServer } from './client';

const dir = mkdtempSync(path.join(tmpdir(), 'synonym-lens-suggest-'));
const dictPath = path.join(dir, 'cars.synonyms.csv');
copyFileSync(path.join(root, 'samples/cars.synonyms.csv'), dictPath);
const uri = pathToFileURL(dictPath).toString();
const text = readFileSync(dictPath, 'utf8');
const queries = path.join(dir, 'queries.csv');
writeFileSync(queries, 'query,count\n丰田车,120\n豐田,40\nToyota汽车,3\n本田车,50\n凯美瑞轿车,9\n红色宝马,5\n蓝色宝马,4\n雅阁轿车,8\n');

let server: TestServer;

before(async () => {
  server = await startServer();
  server.open(uri, text);
  await server.waitDiagnostics(uri, has('low-similarity'), { what: 'similarity diagnostics', timeoutMs: 60_000 });
});

after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('suggest ranks candidates with evidence and variants, with work-done progress', async () => {
  const cursor = server.progress.cursor;
  const r = await server.request<SuggestResult>('synonymLens/suggest', { uri, termLists: ['queries.csv'], k: 3 });
  assert.equal(r.uri, uri);
  assert.equal(r.version, 1);
  assert.match(r.modelId, /^builtin:/);
  assert.equal(r.newTerms, 8);
  for (let i = 1; i < r.suggestions.length; i++) assert.ok(r.suggestions[i - 1]!.score >= r.suggestions[i]!.score);
  const toyota = r.suggestions.find((s) => s.term === '丰田' && s.candidate === 'Toyota汽车')!;
  assert.equal(toyota.kind, 'synonym');
  assert.deepEqual(toyota.group, ['丰田', '丰田汽车', 'TOYOTA']);
  assert.equal(toyota.evidence.count, 3);
  assert.ok(r.suggestions.some((s) => s.candidate === '豐田' && s.kind === 'traditional-simplified'));

  const events = server.progress.events.slice(cursor);
  const begin = events.find((e) => e.value.kind === 'begin') as { token: string; value: { title?: string; cancellable?: boolean } } | undefined;
  assert.ok(begin, 'no begin');
  assert.equal(begin.value.title, 'Finding synonym suggestions');
  assert.equal(begin.value.cancellable, true);
  const mine = events.filter((e) => e.token === begin.token);
  assert.ok(mine.some((e) => e.value.kind === 'report' && /^embedding \d+\/\d+ terms$/.test(e.value.message ?? '')), JSON.stringify(mine.map((e) => e.value.message)));
  await server.progress.wait((e) => e.token === begin.token && e.value.kind === 'end', 'progress end', 5000, cursor);
});

test('the decisions file next to the dictionary is honoured; a bad one is refused with its line', async () => {
  const decisions = path.join(dir, 'cars.synonyms.decisions.csv');
  writeFileSync(decisions, 'term,synonym,label,decided_at\nToyota汽车,丰田,0,2026-12-05T18:40:00Z\n');
  const r = await server.request<SuggestResult>('synonymLens/suggest', { uri, termLists: [queries], k: 3 });
  assert.equal(r.decisions, 1);
  assert.ok(!r.suggestions.some((s) => s.term === '丰田' && s.candidate === 'Toyota汽车'));
  writeFileSync(decisions, 'term,synonym,label,decided_at\nToyota汽车,丰田,maybe,2026-12-05\n');
  await assert.rejects(server.request('synonymLens/suggest', { uri, termLists: [queries] }), (e: { code?: number; message?: string }) => {
    assert.equal(e.code, ErrorCodes.InvalidParams);
    assert.match(e.message ?? '', /cars\.synonyms\.decisions\.csv: Line 2 of the decisions file: the label is "maybe"/);
    return true;
  });
  rmSync(decisions);
});

test('bad term lists and parameters are InvalidParams with a clear message', async () => {
  const bad = path.join(dir, 'bad.csv');
  writeFileSync(bad, 'name,count\nx,1\n');
  const cases: [unknown, RegExp][] = [
    [{ uri, termLists: [bad] }, /bad\.csv: The CSV header "name,count" has no term column/],
    [{ uri, termLists: [path.join(dir, 'missing.txt')] }, /Cannot read the term list .*missing\.txt \(unreadable\)/],
    [{ uri }, /No term list: pass termLists or set synonymLens\.vocabularyFiles/],
    [{ uri, termLists: [queries], k: 0 }, /k must be a whole number from 1 to 100/],
    [{ uri: pathToFileURL(path.join(dir, 'closed.csv')).toString(), termLists: [queries] }, /is not open/],
  ];
  for (const [params, message] of cases) {
    await assert.rejects(server.request('synonymLens/suggest', params), (e: { code?: number; message?: string }) => {
      assert.equal(e.code, ErrorCodes.InvalidParams, JSON.stringify(params));
      assert.match(e.message ?? '', message);
      return true;
    });
  }
});

test('a long run keeps answering hovers and is cancelled with RequestCancelled', async () => {
  // 30,000 made-up terms: pairing 10,000 of them among themselves takes seconds.
  const big = path.join(dir, 'big.txt');
  const chars = [...'丰田本田宝马奔驰奥迪大众汽车轿车越野车皮卡凯美瑞雅阁思域途观帕萨特高尔夫'];
  const lines: string[] = [];
  for (let i = 0; lines.length < 30_000; i++) lines.push(`${chars[i % chars.length]}${chars[(i * 7) % chars.length]}${chars[(i * 13) % chars.length]}${i}`);
  writeFileSync(big, lines.join('\n'));
  const cursor = server.progress.cursor;
  const cts = new CancellationTokenSource();
  let settled = false;
  const pending = server.request<SuggestResult>('synonymLens/suggest', { uri, termLists: [big] }, cts);
  pending.then(() => (settled = true), () => (settled = true));
  await server.progress.wait((e) => e.value.kind === 'report' && /^new groups /.test(e.value.message ?? ''), 'a new-groups report', 60_000, cursor);
  const hover = await server.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 1 } });
  assert.ok(hover, 'no hover during the run');
  assert.equal(settled, false, 'the run ended before the hover was answered; make it longer');
  cts.cancel();
  await assert.rejects(pending, (e: { code?: number }) => e.code === LSPErrorCodes.RequestCancelled);
  await server.progress.wait((e) => e.value.kind === 'end', 'progress end after cancel', 5000, cursor);
});
