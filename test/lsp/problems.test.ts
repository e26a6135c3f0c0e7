/**
 * `synonymLens/problems` against the real bundled server: every problem of a file, past the
 * diagnostics cap and with no repeat collapsed, in document order and in pages; a page of a
 * superseded version answers ContentModified; the summary diagnostic's quick fix runs "Show All
 * Problems". Every wait is on a message; nothing sleeps.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol/node';
import type { Problem, ProblemsResult } from '../../src/shared/protocol';
import { startServer } from './client';

const dir = mkdtempSync(path.join(tmpdir(), 'synonym-lens-problems-'));
after(() => rmSync(dir, { recursive: true, force: true }));
// No model diagnostics: nothing is below -1 or above 1.
const quiet = { threshold: -1, negativeThreshold: 1 };
const key = (d: Diagnostic | Problem) => `${d.range.start.line}:${d.range.start.character}:${String(d.code)}:${String(d.message)}`;

// Twelve kinds of problem on twelve rows, then a stray quote on each of 300 rows: capped at 10,
// the quotes collapse into one diagnostic and a summary stands for the rest.
const mixed = ['lonely', 'alone', ',no term,1', ',none,0', 'x,y,maybe', 'p,q,perhaps', 'z,z,1', 'w,w,1', 'a,b,1,extra', 'c,d,1,more', 'e"f,g,1', 'h"i,j,1'];
const quotes = Array.from({ length: 300 }, (_, i) => `s${i}"t,u${i},1`);
const text = 'term,synonym,label\n' + [...mixed, ...quotes].map((r) => `${r}\n`).join('');

async function uncapped(name: string): Promise<Diagnostic[]> {
  const server = await startServer({ settings: { diagnostics: { ...quiet, maxPerFile: 1_000_000 } } });
  try {
    const uri = pathToFileURL(path.join(dir, name)).toString();
    server.open(uri, text);
    return (await server.waitDiagnostics(uri, (d) => d.length > 0, { timeoutMs: 60_000 })).diagnostics;
  } finally {
    await server.stop();
  }
}

test('every problem past the cap, uncapped and uncollapsed, in document order and in pages', async () => {
  const all = await uncapped('all.csv');
  assert.ok(all.length > 300, `${all.length} diagnostics uncapped`);
  const server = await startServer({ settings: { diagnostics: { ...quiet, maxPerFile: 10 } } });
  try {
    const uri = pathToFileURL(path.join(dir, 'all.csv')).toString();
    server.open(uri, text);
    const published = await server.waitDiagnostics(uri, (d) => d.length > 0, { timeoutMs: 60_000 });
    assert.equal(published.diagnostics.length, 10);
    assert.equal(published.diagnostics.filter((d) => d.code === 'too-many-diagnostics').length, 1);

    const whole = await server.request<ProblemsResult>('synonymLens/problems', { uri });
    assert.equal(whole.version, 1);
    assert.equal(whole.total, all.length);
    assert.deepEqual(whole.problems.map(key).sort(), all.map(key).sort());
    assert.equal(whole.problems.filter((p) => p.code === 'stray-quote').length, 302);
    for (let i = 1; i < whole.problems.length; i++) {
      const [x, y] = [whole.problems[i - 1]!.range.start, whole.problems[i]!.range.start];
      assert.ok(x.line < y.line || (x.line === y.line && x.character <= y.character), `problem ${i} at ${y.line}:${y.character} after ${x.line}:${x.character}`);
    }
    // Pages of 100 of the same version, put together, are the whole list.
    const paged: Problem[] = [];
    for (let offset = 0; offset < whole.total; offset += 100) {
      const page = await server.request<ProblemsResult>('synonymLens/problems', { uri, version: 1, offset, limit: 100 });
      assert.equal(page.total, whole.total);
      assert.equal(page.offset, offset);
      assert.ok(page.problems.length <= 100);
      paged.push(...page.problems);
    }
    assert.deepEqual(paged, whole.problems);

    // The summary diagnostic's quick fix runs the command with the document.
    const summary = published.diagnostics.find((d) => d.code === 'too-many-diagnostics')!;
    const actions = await server.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: summary.range,
      context: { diagnostics: [summary] },
    });
    const show = actions.find((a) => a.command?.command === 'synonymLens.showAllProblems');
    assert.ok(show, JSON.stringify(actions.map((a) => a.title)));
    assert.deepEqual(show.command!.arguments, [{ uri }]);
    assert.deepEqual(show.diagnostics, [summary]);
  } finally {
    await server.stop();
  }
});

test('a page of a superseded version answers ContentModified; the new version is listed', async () => {
  const server = await startServer({ settings: { diagnostics: { ...quiet, maxPerFile: 10 } } });
  try {
    const uri = pathToFileURL(path.join(dir, 'edited.csv')).toString();
    server.open(uri, text);
    await server.waitDiagnostics(uri, (d) => d.length > 0, { timeoutMs: 60_000 });
    const first = await server.request<ProblemsResult>('synonymLens/problems', { uri, version: 1, limit: 5 });
    // Delete the first stray-quote row of the 300.
    const line = 1 + mixed.length;
    const version = server.change(uri, [{ range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, text: '' }]);
    await assert.rejects(server.request('synonymLens/problems', { uri, version: 1, offset: 5, limit: 5 }), (e: { code?: number }) => e.code === -32801);
    const now = await server.request<ProblemsResult>('synonymLens/problems', { uri, version });
    assert.equal(now.version, version);
    assert.equal(now.total, first.total - 1);
    await assert.rejects(server.request('synonymLens/problems', { uri: pathToFileURL(path.join(dir, 'not-open.csv')).toString() }), (e: { code?: number }) => e.code === -32602);
  } finally {
    await server.stop();
  }
});
