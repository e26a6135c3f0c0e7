/**
 * Protocol tests against the real bundled server (`dist/server.js`), over stdio and IPC.
 * Each test awaits the notifications it expects; nothing sleeps.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CancellationTokenSource,
  LSPErrorCodes,
  type CodeAction,
  type Diagnostic,
  type Hover,
  type InlayHint,
  type MarkupContent,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import type {
  AddPairResult,
  NeighborsResult,
  PairScoresResult,
  SimilarityMatrixResult,
} from '../../src/shared/protocol';
import { codes, fixtureUri, fixturesDir, has, startServer, type TestServer } from './client';
import { makeModel } from '../helpers/fixtures';

const carsText = readFileSync(path.join(fixturesDir, 'cars.synonyms.csv'), 'utf8');
const hostileText = readFileSync(path.join(fixturesDir, 'hostile.synonyms.csv'), 'utf8');
const STRUCTURAL = ['conflicting-label', 'duplicate-pair', 'reversed-duplicate-pair', 'self-pair'];

function applyEdit(text: string, uri: string, edit: WorkspaceEdit | undefined): string {
  assert.ok(edit, 'code action has an edit');
  let edits: TextEdit[] = [];
  if (edit.changes) edits = edit.changes[uri] ?? [];
  for (const dc of edit.documentChanges ?? []) if ('edits' in dc) edits.push(...(dc.edits as TextEdit[]));
  return TextDocument.applyEdits(TextDocument.create(uri, 'synonym-csv', 1, text), edits);
}

const text = (m: string | MarkupContent) => (typeof m === 'string' ? m : m.value);
const range = (sl: number, sc: number, el: number, ec: number) => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });

// One server for the feature tests; the tests that need a fresh process start their own.
let server: TestServer;
const cars = fixtureUri('cars.synonyms.csv');
let carsDiagnostics: Diagnostic[];

before(async () => {
  server = await startServer();
  server.open(cars, carsText);
  carsDiagnostics = (await server.waitDiagnostics(cars, has('low-similarity'), { what: 'similarity diagnostics of cars' })).diagnostics;
});

after(async () => {
  await server?.stop();
});

test('structural diagnostics arrive before the model is ready, then similarity diagnostics follow', async () => {
  const s = await startServer({ transport: 'ipc' });
  try {
    const uri = cars;
    s.open(uri, carsText);
    const first = await s.waitDiagnostics(uri, () => true, { what: 'first diagnostics' });
    assert.deepEqual(codes(first.diagnostics), STRUCTURAL, 'first publish: structural only');
    assert.equal(first.version, 1);
    const loading = await s.waitStatus((x) => x.state === 'loading');
    assert.equal(loading.modelId, 'builtin');
    const full = await s.waitDiagnostics(uri, has('low-similarity'));
    assert.ok(full.diagnostics.some((d) => d.code === 'negative-too-similar'));
    const ready = await s.waitStatus((x) => x.state === 'ready');
    assert.match(ready.modelId, /^builtin:/);
  } finally {
    await s.stop();
  }
});

test('diagnostics have exact cell ranges, codes, source, links and related information', () => {
  const byCode = (code: string) => carsDiagnostics.filter((d) => d.code === code);
  for (const d of carsDiagnostics) {
    assert.equal(d.source, 'synonym-lens');
    assert.match(d.codeDescription!.href, new RegExp(`/docs/diagnostics\\.md#${d.code}$`));
    // The link opens the docs shipped with the extension, offline, and the section exists.
    const docs = fileURLToPath(d.codeDescription!.href.replace(/#.*$/, ''));
    assert.ok(existsSync(docs), docs);
    assert.match(readFileSync(docs, 'utf8'), new RegExp(`^#+ .*\\b${d.code}\\b`, 'm'));
  }
  const low = byCode('low-similarity').find((d) => d.range.start.line === 1)!;
  assert.deepEqual(low.range, range(1, 4, 1, 9), 'range of the synonym cell 霸道SUV');
  assert.match(text(low.message), /^普拉多 ~ 霸道SUV: cosine -?\d\.\d\d < 0\.50 — the model does not treat these as synonyms$/);
  assert.equal(low.severity, 2);

  const dup = byCode('duplicate-pair');
  assert.equal(dup.length, 1);
  assert.deepEqual(dup[0].range, range(5, 4, 5, 9));
  assert.equal(dup[0].relatedInformation?.[0].location.uri, cars);
  assert.deepEqual(dup[0].relatedInformation?.[0].location.range, range(1, 4, 1, 9), 'points at the first occurrence');

  const rev = byCode('reversed-duplicate-pair');
  assert.deepEqual(rev[0].range, range(4, 6, 4, 9));
  assert.deepEqual(rev[0].relatedInformation?.[0].location.range, range(1, 4, 1, 9));

  assert.deepEqual(byCode('self-pair')[0].range, range(6, 3, 6, 5));
  const conflict = byCode('conflicting-label')[0];
  assert.deepEqual(conflict.range, range(7, 6, 7, 7), 'on the label cell');
  assert.equal(conflict.severity, 1);

  const neg = byCode('negative-too-similar');
  assert.equal(neg.length, 1);
  assert.deepEqual(neg[0].range, range(8, 5, 8, 11));
  assert.match(text(neg[0].message), /^电动汽车 ~ 电动汽车充电: cosine 0\.\d\d > 0\.50/);
});

test('an incremental edit re-diagnoses only the new version', async () => {
  const uri = fixtureUri('edit.synonyms.csv');
  server.open(uri, carsText);
  await server.waitDiagnostics(uri, has('low-similarity'));
  const cursor = server.diagnostics.cursor;
  // Row 4 `汽车,苹果,1` → `汽车,小汽车,1`: a pair the model likes, so its warning goes.
  const version = server.change(uri, [{ range: range(3, 3, 3, 5), text: '小汽车' }]);
  const next = await server.waitDiagnostics(uri, (_d, v) => v === version, { after: cursor });
  assert.ok(!next.diagnostics.some((d) => d.code === 'low-similarity' && d.range.start.line === 3), 'line 4 no longer flagged');
  assert.ok(next.diagnostics.some((d) => d.code === 'low-similarity' && d.range.start.line === 1), 'others stay');
  // A request round trip as a barrier: any further publish for this version would precede its answer.
  await server.request('synonymLens/pairScores', { uri });
  assert.deepEqual(
    server.diagnostics.events.slice(cursor).filter((e) => e.uri === uri).map((e) => e.version),
    [version],
    'one publish per version: the new term is embedded before publishing',
  );

  // Two quick edits: only the last version may be published.
  const c2 = server.diagnostics.cursor;
  const v1 = server.change(uri, [{ range: range(3, 3, 3, 6), text: '苹果' }]);
  const v2 = server.change(uri, [{ range: range(3, 3, 3, 5), text: '香蕉' }]);
  const last = await server.waitDiagnostics(uri, (d, v) => v === v2 && d.some((x) => x.range.start.line === 3 && x.code === 'low-similarity'), { after: c2 });
  assert.match(text(last.diagnostics.find((x) => x.range.start.line === 3)!.message), /^汽车 ~ 香蕉/);
  assert.ok(!server.diagnostics.events.slice(c2).some((e) => e.uri === uri && e.version === v1), 'stale version never published');
  server.close(uri);
  await server.waitDiagnostics(uri, (d) => d.length === 0, { after: c2 });
});

test('hover lists neighbours with cosines, marks synonyms and the group, and links commands', async () => {
  const hover = await server.request<Hover>('textDocument/hover', { textDocument: { uri: cars }, position: { line: 1, character: 1 } });
  const md = (hover.contents as MarkupContent).value;
  assert.equal((hover.contents as MarkupContent).kind, 'markdown');
  assert.deepEqual(hover.range, range(1, 0, 1, 3));
  assert.match(md, /^\*\*普拉多\*\*/);
  assert.match(md, /Synonym group: 霸道SUV/);
  assert.match(md, /霸道SUV `-?\d\.\d\d` ✓ synonym/);
  assert.match(md, /1\. \S+ `-?\d\.\d\d`/);
  // The built-in model's neighbours of 普拉多 are all below the default threshold 0.50 (links: next test).
  assert.match(md, /1\. \S+ `-?\d\.\d\d` — neighbour only \(below the threshold 0\.50\)/);
  assert.match(md, /\[Show in heatmap\]\(command:synonymLens\.showHeatmap\?/);
  const none = await server.request<Hover | null>('textDocument/hover', { textDocument: { uri: cars }, position: { line: 1, character: 15 } });
  assert.equal(none, null, 'no hover on the label cell');
});

test('hover offers "Add as synonym" only at or above the model\'s threshold, per-model thresholds applied; the rest are neighbours only', async () => {
  const s = await startServer();
  try {
    s.open(cars, carsText);
    const modelId = (await s.waitStatus((x) => x.state === 'ready')).modelId;
    const neighbours = async () => {
      const hover = await s.request<Hover>('textDocument/hover', { textDocument: { uri: cars }, position: { line: 1, character: 1 } });
      return (hover.contents as MarkupContent).value.split('\n').filter((l) => /^\d+\. /.test(l) && !/✓|✗/.test(l))
        .map((l) => ({ line: l, cosine: Number(/`(-?\d\.\d\d)`/.exec(l)![1]) }));
    };
    const split = async (threshold: number) => {
      await s.setSettings({ diagnostics: { modelThresholds: { [modelId]: { threshold } } } });
      const ns = await neighbours();
      assert.ok(ns.length > 0, 'no unpaired neighbours');
      for (const n of ns) {
        if (n.cosine >= threshold) assert.match(n.line, /\[Add as synonym\]\(command:synonymLens\.addSynonym/, n.line);
        else assert.match(n.line, /— neighbour only \(below the threshold -?\d\.\d\d\)$/, n.line);
      }
      return ns;
    };
    const all = await split(-1);
    assert.ok(all.every((n) => n.line.includes('[Add as synonym]')));
    const link = /\(command:synonymLens\.addSynonym\?([^ )]+)/.exec(all[0]!.line)!;
    const args = JSON.parse(decodeURIComponent(link[1]!));
    assert.equal(args[0].uri, cars);
    assert.equal(args[0].term, '普拉多');
    // A threshold in the widest gap between the shown (rounded) cosines: some are offered, some are not.
    const cosines = all.map((n) => n.cosine).sort((x, y) => x - y);
    let middle = 0;
    let gap = -1;
    for (let i = 1; i < cosines.length; i++) if (cosines[i]! - cosines[i - 1]! > gap) [gap, middle] = [cosines[i]! - cosines[i - 1]!, (cosines[i]! + cosines[i - 1]!) / 2];
    assert.ok(gap >= 0.02, `cosines ${cosines.join(' ')}`);
    const ns = await split(middle);
    assert.ok(ns.some((n) => n.cosine < middle) && ns.some((n) => n.cosine >= middle), `cosines ${cosines.join(' ')}`);
    assert.ok((await split(1)).every((n) => n.line.endsWith('— neighbour only (below the threshold 1.00)')));
  } finally {
    await s.stop();
  }
});

test('hover escapes hostile terms: no link, command or HTML survives', async () => {
  const uri = fixtureUri('hostile.synonyms.csv');
  server.open(uri, hostileText);
  await server.waitDiagnostics(uri, () => true);
  for (const position of [
    { line: 1, character: 3 },
    { line: 1, character: 25 },
  ]) {
    const hover = await server.request<Hover>('textDocument/hover', { textDocument: { uri }, position });
    const md = (hover.contents as MarkupContent).value;
    assert.ok(!md.includes('<img'), 'no raw HTML tag');
    assert.ok(!md.includes('](command:evil'), 'no injected link');
    for (const m of md.matchAll(/\]\((command:[^?)]+)/g)) assert.ok(['command:synonymLens.addSynonym', 'command:synonymLens.showHeatmap'].includes(m[1]), m[1]);
    assert.ok(md.includes('\\[x\\]\\(command\\:evil\\)') || md.includes('&lt;img src\\=x onerror\\=alert\\(1\\)&gt;'), md);
  }
  const hover = await server.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 3 } });
  assert.match((hover.contents as MarkupContent).value, /Synonym group: &lt;img src\\=x onerror\\=alert\\\(1\\\)&gt;/);
  server.close(uri);
});

test('bidi and control characters in terms are shown as escapes in hovers and diagnostics', async () => {
  const uri = fixtureUri('bidi.synonyms.csv');
  server.open(uri, 'term,synonym\n"gpj.\u202eexe","gpj.\u202eexe"\nclear\u001b[2J,clear\n');
  const diagnostics = (await server.waitDiagnostics(uri, (d) => d.some((x) => x.code === 'self-pair'), { what: 'self-pair diagnostic' })).diagnostics;
  const self = diagnostics.find((x) => x.code === 'self-pair')!;
  const text = (m: string | MarkupContent) => (typeof m === 'string' ? m : m.value);
  assert.match(text(self.message), /"gpj\.\\u202eexe" ~ "gpj\.\\u202eexe"/);
  for (const d of diagnostics) assert.ok(!/[\u202e\u001b]/.test(text(d.message) + JSON.stringify(d.relatedInformation ?? [])), text(d.message));
  for (const position of [{ line: 1, character: 2 }, { line: 2, character: 1 }]) {
    const md = ((await server.request<Hover>('textDocument/hover', { textDocument: { uri }, position })).contents as MarkupContent).value;
    assert.ok(!/[\u202e\u001b]/.test(md), md);
    assert.match(md, position.line === 1 ? /\*\*gpj\\\.\\\\u202eexe\*\*/ : /\*\*clear\\\\x1b\\\[2J\*\*/);
  }
  server.close(uri);
});

test('inlay hints show each pair\'s cosine after its synonym cell', async () => {
  const hints = await server.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: cars }, range: range(0, 0, 3, 0) });
  assert.deepEqual(
    hints.map((h) => h.position),
    [
      { line: 1, character: 9 },
      { line: 2, character: 5 },
    ],
  );
  for (const h of hints) {
    assert.match(h.label as string, /^≈ -?\d\.\d\d$/);
    assert.match((h.tooltip as MarkupContent).value, /below|above/);
  }
  await server.setSettings({ inlayHints: { enabled: false } });
  const off = await server.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: cars }, range: range(0, 0, 9, 0) });
  assert.deepEqual(off, []);
  await server.setSettings({});
});

test('code actions: remove duplicate, swap, mark negative, suggest neighbours, fine-tune', async () => {
  const dup = carsDiagnostics.find((d) => d.code === 'duplicate-pair')!;
  const actions = await server.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri: cars },
    range: dup.range,
    context: { diagnostics: [dup] },
  });
  const titles = actions.map((a) => a.title);
  const remove = actions.find((a) => a.title.startsWith('Remove row'))!;
  assert.ok(remove, titles.join('\n'));
  assert.equal(remove.kind, 'quickfix');
  assert.equal(applyEdit(carsText, cars, remove.edit), carsText.replace('普拉多,霸道SUV,1\n汽车,汽车,1', '汽车,汽车,1'));
  assert.ok(remove.edit?.documentChanges?.[0] && 'textDocument' in remove.edit.documentChanges[0] && remove.edit.documentChanges[0].textDocument.version === 1);

  const swap = actions.find((a) => a.title.startsWith('Swap'))!;
  assert.equal(applyEdit(carsText, cars, swap.edit).split('\n')[5], '霸道SUV,普拉多,1');

  const fine = actions.find((a) => a.command?.command === 'synonymLens.fineTune')!;
  assert.deepEqual(fine.command!.arguments, [{ uri: cars }]);

  const suggestions = actions.filter((a) => a.title.startsWith('Add pair'));
  assert.ok(suggestions.length >= 1 && suggestions.length <= 3, titles.join('\n'));
  const added = applyEdit(carsText, cars, suggestions[0].edit).split('\n');
  // The cursor is on the synonym cell 霸道SUV of line 6: suggestions pair that term, below its row.
  assert.match(added[6], /^霸道SUV,[^,]+,1$/, 'inserted after the row, with the label column');
  assert.ok(!/普拉多/.test(added[6]), 'not a term already paired');

  const low = carsDiagnostics.find((d) => d.code === 'low-similarity' && d.range.start.line === 3)!;
  const lowActions = await server.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: cars }, range: low.range, context: { diagnostics: [low] } });
  const mark = lowActions.find((a) => a.title === 'Mark as negative (label 0)')!;
  const marked = applyEdit(carsText, cars, mark.edit);
  assert.equal(marked, carsText.replace('汽车,苹果,1', '汽车,苹果,0'), 'only the label byte changes');
  assert.ok(lowActions.some((a) => a.kind === 'quickfix' && a.command?.command === 'synonymLens.fineTune'));

  const onlyQuickfix = await server.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri: cars },
    range: low.range,
    context: { diagnostics: [low], only: ['quickfix'] },
  });
  assert.ok(onlyQuickfix.every((a) => a.kind === 'quickfix'));
});

test('after an unclosed quote, edits that would write a quote are refused with the reason (code action disabled, addPair error)', async () => {
  const uri = fixtureUri('unclosed.synonyms.csv');
  const text = 'term,synonym\n"丰田,丰田汽车\n宝马,BMW\n奔驰, Benz\n';
  server.open(uri, text);
  await server.waitDiagnostics(uri, (d) => d.some((x) => x.code === 'unterminated-quote'), { what: 'the unclosed quote reported' });
  // Swapping row 4 would write `" Benz"` (edge space needs quotes): that quote would close line 2's.
  const actions = await server.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: range(3, 1, 3, 1), context: { diagnostics: [] } });
  const swap = actions.find((a) => a.title.startsWith('Swap'));
  assert.ok(swap, actions.map((a) => a.title).join('\n'));
  assert.equal(swap.edit, undefined);
  assert.match(swap.disabled?.reason ?? '', /Line 2 has a quote that is never closed/);
  await assert.rejects(server.request('synonymLens/addPair', { uri, term: '奔驰', synonym: 'Mercedes, Benz' }), /Line 2 has a quote that is never closed/);
  // An edit that writes no quote is still fine.
  const add = await server.request<AddPairResult>('synonymLens/addPair', { uri, term: '奔驰', synonym: 'Mercedes' });
  assert.equal(applyEdit(text, uri, { changes: { [uri]: add.edits } }), text + '奔驰,Mercedes\n');
  server.close(uri);
});

test('pairScores flags exactly the pairs the diagnostics flag, a row of several pairs counting each (the table\'s count is the Problems count)', async () => {
  const uri = fixtureUri('several.synonyms.csv');
  // Row 1 pairs 普拉多 with three synonyms; with a threshold of 0.99 every pair but the self pair is flagged.
  server.open(uri, '普拉多,霸道SUV,陆地巡洋舰,Prado\n汽车,汽车\n宝马,BMW\n');
  const saved = server.settings;
  await server.setSettings({ ...saved, diagnostics: { threshold: 0.99 } });
  try {
    const published = await server.waitDiagnostics(uri, (d) => d.filter((x) => x.code === 'low-similarity').length >= 4, { what: 'four low-similarity diagnostics' });
    const scores = await server.request<PairScoresResult>('synonymLens/pairScores', { uri });
    const problems = published.diagnostics.filter((x) => x.code === 'low-similarity' || x.code === 'negative-too-similar');
    assert.equal(scores.pairs.filter((p) => p.row === 0).length, 3);
    assert.equal(scores.pairs.filter((p) => p.flagged).length, problems.length);
    assert.deepEqual(
      scores.pairs.filter((p) => p.flagged).map((p) => p.synonymRange),
      problems.map((d) => d.range),
    );
  } finally {
    await server.setSettings(saved);
    server.close(uri);
  }
});

test('custom requests: pairScores, similarityMatrix, neighbors, addPair', async () => {
  const scores = await server.request<PairScoresResult>('synonymLens/pairScores', { uri: cars });
  assert.equal(scores.version, 1);
  assert.equal(scores.threshold, 0.5);
  assert.equal(scores.pairs.length, 8);
  const first = scores.pairs[0];
  assert.equal(first.term, '普拉多');
  assert.equal(first.synonym, '霸道SUV');
  assert.equal(first.label, 1);
  assert.equal(first.flagged, true);
  assert.deepEqual(first.synonymRange, range(1, 4, 1, 9));
  const self = scores.pairs.find((p) => p.term === '汽车' && p.synonym === '汽车')!;
  assert.ok(Math.abs(self.cosine - 1) < 1e-5);

  const m = await server.request<SimilarityMatrixResult>('synonymLens/similarityMatrix', { uri: cars });
  const n = m.terms.length;
  assert.equal(m.matrix.length, n * n);
  assert.equal(m.groups.length, n);
  assert.deepEqual([...m.groups].sort((a, b) => a - b), m.groups, 'group indices non-decreasing');
  assert.deepEqual(m.terms.slice(0, 2).sort(), ['普拉多', '霸道SUV'].sort(), 'the first group first');
  assert.equal(m.groups[0], m.groups[1]);
  for (let i = 0; i < n; i++) {
    assert.ok(Math.abs(m.matrix[i * n + i] - 1) < 1e-6);
    for (let j = 0; j < n; j++) assert.equal(m.matrix[i * n + j], m.matrix[j * n + i]);
  }
  const pick = await server.request<SimilarityMatrixResult>('synonymLens/similarityMatrix', { uri: cars, terms: ['电动汽车', '苹果', '汽车'] });
  assert.deepEqual(pick.terms, ['汽车', '苹果', '电动汽车'], 'group members in dictionary order, then loose terms');
  assert.deepEqual(pick.groups, [0, 0, 1]);
  const cut = await server.request<SimilarityMatrixResult>('synonymLens/similarityMatrix', { uri: cars, limit: 2 });
  assert.equal(cut.truncated, true);
  assert.equal(cut.matrix.length, 4);

  const nb = await server.request<NeighborsResult>('synonymLens/neighbors', { term: '汽车', k: 3, uri: cars });
  assert.equal(nb.neighbors.length, 3);
  assert.ok(nb.neighbors[0].cosine >= nb.neighbors[1].cosine && nb.neighbors[1].cosine >= nb.neighbors[2].cosine);
  assert.ok(!nb.neighbors.some((x) => x.term === '汽车'), 'the term itself is excluded');
  const car = nb.neighbors.find((x) => x.term === '轿车');
  if (car) assert.equal(car.isSynonym, true);
  const outside = await server.request<NeighborsResult>('synonymLens/neighbors', { term: '越野车', k: 2 });
  assert.equal(outside.neighbors.length, 2, 'a term outside every dictionary is embedded on demand');

  const add = await server.request<AddPairResult>('synonymLens/addPair', { uri: cars, term: '普拉多', synonym: '兰德酷路泽' });
  assert.equal(applyEdit(carsText, cars, { changes: { [cars]: add.edits } }), carsText + '普拉多,兰德酷路泽,1\n');
});

test('vocabulary files feed hover neighbours', async () => {
  const uri = fixtureUri('vocab.synonyms.csv');
  await server.setSettings({ vocabularyFiles: ['vocabulary.txt'] });
  server.open(uri, 'term,synonym\n普拉多,霸道\n');
  await server.waitDiagnostics(uri, () => true);
  await server.logs.wait((m) => /vocabulary\.txt: 3 terms ready/.test(m), 'vocabulary file loaded', 20_000);
  const nb = await server.request<NeighborsResult>('synonymLens/neighbors', { term: '普拉多', k: 50, uri });
  assert.ok(nb.neighbors.some((x) => x.term === '普拉多越野'), JSON.stringify(nb.neighbors));
  server.close(uri);
  await server.setSettings({});
});

test('a changed threshold re-diagnoses open documents', async () => {
  const cursor = server.diagnostics.cursor;
  await server.setSettings({ diagnostics: { threshold: -1, severity: { duplicate: 'off' } } });
  const d = await server.waitDiagnostics(cars, (x) => !x.some((y) => y.code === 'low-similarity'), { after: cursor });
  assert.ok(!d.diagnostics.some((x) => x.code === 'duplicate-pair' || x.code === 'reversed-duplicate-pair'), 'severity off hides the kind');
  assert.ok(d.diagnostics.some((x) => x.code === 'self-pair'));
  const c2 = server.diagnostics.cursor;
  await server.setSettings({});
  await server.waitDiagnostics(cars, has('low-similarity'), { after: c2 });
});

/** Sets the model back to the embedded one and waits for it and for the similarity diagnostics of `cars`. */
async function switchToBuiltin(s: TestServer): Promise<void> {
  const cursor = s.diagnostics.cursor;
  await s.setSettings({ model: 'builtin' });
  await s.waitStatus((x) => x.state === 'ready');
  await s.waitDiagnostics(cars, has('low-similarity'), { after: cursor });
}

test('a newly chosen model that fails to load leaves the previous model serving the open dictionary', async () => {
  const s = await startServer({ settings: {} });
  try {
    s.open(cars, carsText);
    await s.waitDiagnostics(cars, has('low-similarity'), { what: 'diagnostics with the built-in model' });
    const statusCursor = s.statuses.cursor;
    await s.setSettings({ model: '/nonexistent/model-folder' });
    const status = await s.waitStatus((x) => x.state === 'error', { after: statusCursor, what: 'the new model failing' });
    assert.match(status.error!, /not found.*nonexistent/i);
    // An edit after the failure still gets the previous model's similarity diagnostics and hovers.
    const cursor = s.diagnostics.cursor;
    const version = s.change(cars, [{ range: range(0, 0, 0, 0), text: '' }]);
    const d = await s.waitDiagnostics(cars, (_d, v) => v === version, { after: cursor, what: 'diagnostics of the edit' });
    assert.ok(codes(d.diagnostics).includes('low-similarity'), JSON.stringify(codes(d.diagnostics)));
    const hover = await s.request<Hover>('textDocument/hover', { textDocument: { uri: cars }, position: { line: 1, character: 1 } });
    assert.match((hover.contents as MarkupContent).value, /Nearest neighbours \(builtin/);
  } finally {
    await s.stop();
  }
});

test('a broken model folder: status says why, structural diagnostics stay', async () => {
  const s = await startServer({ settings: { model: '/nonexistent/model-folder' } });
  try {
    s.open(cars, carsText);
    const status = await s.waitStatus((x) => x.state === 'error');
    assert.match(status.error!, /not found.*nonexistent/i);
    assert.equal(status.modelId, 'model-folder');
    const d = await s.waitDiagnostics(cars, () => true);
    assert.deepEqual(codes(d.diagnostics), STRUCTURAL);
    const hover = await s.request<Hover>('textDocument/hover', { textDocument: { uri: cars }, position: { line: 1, character: 1 } });
    assert.match((hover.contents as MarkupContent).value, /failed to load: Model folder not found/);
    await assert.rejects(s.request('synonymLens/pairScores', { uri: cars }), /not available/);
    // Fixing the setting loads the model and the similarity diagnostics follow.
    await switchToBuiltin(s);
  } finally {
    await s.stop();
  }
});

test('executionProvider cuda without CUDA binaries: the transformer model fails with the precise reason, the embedded model still runs', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'synonym-lens-ep-'));
  const dir = makeModel(path.join(root, 'bert'), { arch: 'bert' }).dir;
  const s = await startServer({ settings: { model: dir }, initializationOptions: { executionProvider: 'cuda' } });
  try {
    s.open(cars, carsText);
    const status = await s.waitStatus((x) => x.state === 'error');
    assert.match(status.error!, /CUDA execution provider is not installed.*use cpu/);
    // The setting concerns transformer models only: the embedded model loads on the CPU.
    await switchToBuiltin(s);
  } finally {
    await s.stop();
    rmSync(root, { recursive: true, force: true });
  }
});

test('a request cancelled by the client fails with RequestCancelled', async () => {
  const s = await startServer();
  try {
    const uri = fixtureUri('big.synonyms.csv');
    s.open(uri, generate(20_000));
    await s.waitDiagnostics(uri, () => true);
    const source = new CancellationTokenSource();
    const pending = s.request('synonymLens/pairScores', { uri }, source);
    source.cancel();
    await assert.rejects(pending, (e: { code?: number }) => e.code === LSPErrorCodes.RequestCancelled);
    // The server still answers afterwards.
    const scores = await s.request<PairScoresResult>('synonymLens/pairScores', { uri });
    assert.equal(scores.pairs.length, 20_000);
  } finally {
    await s.stop();
  }
});

test('a 1 MB line: term-too-long, and the server keeps answering', async () => {
  const uri = fixtureUri('long.synonyms.csv');
  const long = '长'.repeat(1_000_000);
  server.open(uri, `term,synonym\n普拉多,${long}\n汽车,轿车\n`);
  const d = await server.waitDiagnostics(uri, has('term-too-long'), { timeoutMs: 30_000 });
  const tl = d.diagnostics.find((x) => x.code === 'term-too-long')!;
  assert.deepEqual(tl.range, range(1, 4, 1, 4 + long.length));
  assert.ok(text(tl.message).length < 300);
  const hover = await server.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 1 } });
  assert.match((hover.contents as MarkupContent).value, /\*\*汽车\*\*/);
  server.close(uri);
});

test('a 200k-row file stays responsive: a hover is answered while its diagnostics compute', async () => {
  const s = await startServer();
  try {
    const uri = fixtureUri('huge.synonyms.csv');
    s.open(uri, generate(200_000));
    const structural = await s.waitDiagnostics(uri, () => true, { timeoutMs: 60_000 });
    assert.ok(!structural.diagnostics.some((d) => d.code === 'low-similarity'), 'first publish is structural');
    const t0 = Date.now();
    const hover = await s.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 100_001, character: 2 } });
    const hoverMs = Date.now() - t0;
    const answeredAt = s.diagnostics.cursor;
    assert.match((hover.contents as MarkupContent).value, /\*\*/);
    const full = await s.waitDiagnostics(uri, has('low-similarity'), { timeoutMs: 120_000 });
    assert.ok(s.diagnostics.events.indexOf(full) >= answeredAt, `hover (${hoverMs} ms) answered before the similarity diagnostics were published`);
    assert.ok(hoverMs < 5000, `hover took ${hoverMs} ms`);
    // The big batch reported work-done progress, and ended it (the first similarity publish may
    // be a partial one, the top rows first, while the rest is still embedding).
    const begin = await s.progress.wait((p) => p.value.kind === 'begin', 'progress begin', 1000);
    assert.match(begin.value.message ?? '', /^Embedding \d+ terms of huge\.synonyms\.csv$/);
    await s.progress.wait((p) => p.token === begin.token && p.value.kind === 'end', 'progress end', 120_000);
  } finally {
    await s.stop();
  }
});

/** A dictionary of `rows` pairs with distinct made-up terms (CJK syllables), some flagged. */
function generate(rows: number): string {
  const syl = '安百城大东方光海和华金京丽龙美明南平普奇清荣山盛泰天通万文祥新兴阳雅远月中';
  const word = (i: number) => {
    let s = '';
    do {
      s += syl[i % syl.length];
      i = Math.floor(i / syl.length);
    } while (i > 0);
    return s;
  };
  const lines = ['term,synonym,label'];
  for (let i = 0; i < rows; i++) lines.push(`${word(i)}车,${word(i * 7 + 3)}${i % 3 === 0 ? '车' : '路'},${i % 5 === 0 ? 0 : 1}`);
  return lines.join('\n') + '\n';
}
