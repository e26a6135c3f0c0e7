/**
 * Diagnostics are capped per file (`synonymLens.diagnostics.maxPerFile`) against the real bundled
 * server: a problem on every row collapses into one diagnostic that counts the rows, the publish
 * stays small, and past the cap one summary diagnostic says how many more there are. Every wait is
 * on a message; nothing sleeps.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { startServer } from './client';

const dir = mkdtempSync(path.join(tmpdir(), 'synonym-lens-cap-'));
after(() => rmSync(dir, { recursive: true, force: true }));
// No model diagnostics: nothing is below -1 or above 1, so every publish has the same structural set.
const quiet = { threshold: -1, negativeThreshold: 1 };

/** The first publish for `text` (opened as `name`) with the given settings, and its JSON size. */
async function publish(name: string, text: string, diagnostics: Record<string, unknown>) {
  const server = await startServer({ settings: { diagnostics: { ...quiet, ...diagnostics } } });
  try {
    const uri = pathToFileURL(path.join(dir, name)).toString();
    server.open(uri, text);
    const p = await server.waitDiagnostics(uri, (d) => d.length > 0, { timeoutMs: 120_000 });
    return { diagnostics: p.diagnostics, bytes: Buffer.byteLength(JSON.stringify(p)) };
  } finally {
    await server.stop();
  }
}

test('a stray quote on each of 20,000 rows is one diagnostic counting the other rows, in a small publish', async () => {
  const rows = 20_000;
  const text = 'term,synonym\n' + Array.from({ length: rows }, (_, i) => `a${i}"b,c${i}\n`).join('');
  const { diagnostics, bytes } = await publish('quotes.csv', text, {});
  const stray = diagnostics.filter((d) => d.code === 'stray-quote');
  assert.equal(stray.length, 1, JSON.stringify(diagnostics.slice(0, 3)));
  assert.equal(stray[0]!.range.start.line, 1);
  assert.match(stray[0]!.message as string, /^Line 2, column \d+: quote inside an unquoted field.* — and 19,999 more rows with this problem \(stray-quote\)$/);
  assert.ok(diagnostics.length <= 5000);
  assert.ok(bytes < 1_000_000, `publish of ${bytes} bytes`);
});

test('past maxPerFile the first diagnostics in document order stay and one summary counts the rest', async () => {
  // Two rows each of six problems: none is repeated enough to collapse at a cap of 10.
  const rows = ['lonely', 'alone', ',no term,1', ',none,0', 'x,y,maybe', 'p,q,perhaps', 'z,z,1', 'w,w,1', 'a,b,1,extra', 'c,d,1,more', 'e"f,g,1', 'h"i,j,1'];
  const text = 'term,synonym,label\n' + rows.map((r) => `${r}\n`).join('');
  const all = (await publish('mixed.csv', text, { maxPerFile: 1000 })).diagnostics;
  assert.ok(all.length > 10, `${all.length} diagnostics uncapped`);
  const capped = (await publish('mixed.csv', text, { maxPerFile: 10 })).diagnostics;
  assert.equal(capped.length, 10);
  const summary = capped.filter((d) => d.code === 'too-many-diagnostics');
  assert.equal(summary.length, 1);
  assert.deepEqual(summary[0]!.range.start, { line: 0, character: 0 });
  assert.equal(summary[0]!.source, 'synonym-lens');
  assert.match(summary[0]!.codeDescription!.href, /diagnostics\.md#too-many-diagnostics$/);
  assert.match(summary[0]!.message as string, new RegExp(`^${all.length - 9} more problems are not shown: at most 10 per file \\(setting synonymLens\\.diagnostics\\.maxPerFile\\)\\. To see them all, run the command "Synonym Lens: Show All Problems" \\(a quick fix here\\) or: synonym-lens check ".*mixed\\.csv"$`));
  const key = (d: Diagnostic) => `${d.range.start.line}:${d.range.start.character}:${d.code}:${d.message}`;
  const byPosition = (x: Diagnostic, y: Diagnostic) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character;
  assert.deepEqual(capped.filter((d) => d !== summary[0]).map(key), [...all].sort(byPosition).slice(0, 9).map(key));
});
