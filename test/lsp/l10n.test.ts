/**
 * The language server in the editor's display language, over JSON-RPC against the real bundled
 * `dist/server.js`: with the zh-cn l10n bundle in `initializationOptions.l10nBundle` (what the
 * extension passes when VS Code runs in Chinese) diagnostics, hovers, inlay hints, code actions and
 * model loading errors are Chinese; without one they are English.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CodeAction, Diagnostic, Hover, InlayHint, MarkupContent } from 'vscode-languageserver-protocol/node';
import { fixtureUri, fixturesDir, has, root, startServer, type TestServer } from './client';

const carsText = readFileSync(path.join(fixturesDir, 'cars.synonyms.csv'), 'utf8');
const zhBundle = JSON.parse(readFileSync(path.join(root, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
const cars = fixtureUri('cars.synonyms.csv');
// An invalid label on line 2: a parser problem.
const broken = fixtureUri('broken.synonyms.csv');
const brokenText = 'term,synonym,label\n汽车,轿车,yes\n';

const message = (ds: Diagnostic[], code: string, line: number) => {
  const m = ds.find((d) => d.code === code && d.range.start.line === line)?.message;
  return typeof m === 'object' ? m.value : m;
};

async function openAll(s: TestServer): Promise<{ cars: Diagnostic[]; broken: Diagnostic[] }> {
  s.open(cars, carsText);
  s.open(broken, brokenText);
  const c = await s.waitDiagnostics(cars, has('low-similarity'), { what: 'similarity diagnostics of cars' });
  const b = await s.waitDiagnostics(broken, has('invalid-label'), { what: 'parser diagnostics' });
  return { cars: c.diagnostics, broken: b.diagnostics };
}

describe('server messages with the zh-cn bundle', () => {
  let s: TestServer;
  let ds: { cars: Diagnostic[]; broken: Diagnostic[] };
  before(async () => {
    s = await startServer({ initializationOptions: { l10nBundle: zhBundle } });
    ds = await openAll(s);
  });
  after(async () => {
    await s?.stop();
  });

  test('diagnostics are Chinese, with the same codes and values', () => {
    assert.match(message(ds.cars, 'low-similarity', 3)!, /^汽车 ~ 苹果：余弦相似度 -?\d\.\d\d < 0\.50 — 模型不认为它们是同义词$/);
    assert.match(message(ds.cars, 'negative-too-similar', 8)!, /^电动汽车 ~ 电动汽车充电：余弦相似度 \d\.\d\d > 0\.50，但标签为 0 — 模型把这对非同义词混淆了$/);
    assert.equal(message(ds.cars, 'duplicate-pair', 5), '第 6 行："普拉多" ~ "霸道SUV" 与第 2 行重复。');
    assert.equal(message(ds.cars, 'self-pair', 6), '第 7 行："汽车" ~ "汽车" 把一个词与它自身配对。');
    const dup = ds.cars.find((d) => d.code === 'duplicate-pair')!;
    assert.equal(dup.relatedInformation?.[0]?.message, '首次出现：普拉多 ~ 霸道SUV（标签 1，第 2 行）');
    assert.equal(message(ds.broken, 'invalid-label', 1), '第 2 行第 3 列：标签为“yes”；应为 1（同义词）或 0（非同义词）。');
  });

  test('hover labels and command links are Chinese; the links still work', async () => {
    const hover = await s.request<Hover>('textDocument/hover', { textDocument: { uri: cars }, position: { line: 1, character: 1 } });
    const md = (hover.contents as MarkupContent).value;
    assert.match(md, /^\*\*普拉多\*\*/);
    assert.match(md, /同义词组：霸道SUV/);
    assert.match(md, /最近邻（builtin\\:[^，]+，共 \d+ 个词）：/);
    assert.match(md, /霸道SUV `-?\d\.\d\d` ✓ 同义词/);
    assert.match(md, /\d\. \S+ `-?\d\.\d\d` — 仅为近邻（低于阈值 0\.50）/);
    assert.match(md, /\[在热力图中显示\]\(command:synonymLens\.showHeatmap\?/);
    assert.ok(!/Synonym group|Nearest neighbours|Add as synonym|neighbour only/.test(md), md);
    // With a threshold every neighbour passes, each is offered as a synonym.
    const original = s.settings;
    try {
      await s.setSettings({ ...original, diagnostics: { threshold: -1 } });
      const low = await s.request<Hover>('textDocument/hover', { textDocument: { uri: cars }, position: { line: 1, character: 1 } });
      assert.match((low.contents as MarkupContent).value, /\[添加为同义词\]\(command:synonymLens\.addSynonym\?%5B%7B[^ )]+ "将这个词对追加到词典"\)/);
    } finally {
      await s.setSettings(original);
    }
  });

  test('inlay hint tooltips and code action titles are Chinese', async () => {
    const hints = await s.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: cars }, range: { start: { line: 0, character: 0 }, end: { line: 4, character: 0 } } });
    assert.ok(hints.length >= 2);
    for (const h of hints) assert.match((h.tooltip as MarkupContent).value, /^余弦相似度 -?\d\.\d\d [<≥] 0\.50（阈值）：/);
    const low = ds.cars.find((d) => d.code === 'low-similarity' && d.range.start.line === 3)!;
    const actions = await s.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: cars }, range: low.range, context: { diagnostics: [low] } });
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('标记为非同义词（标签 0）'), titles.join('\n'));
    assert.ok(titles.includes('在此文件上微调模型'), titles.join('\n'));
    const dup = ds.cars.find((d) => d.code === 'duplicate-pair')!;
    const fixes = await s.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: cars }, range: dup.range, context: { diagnostics: [dup] } });
    assert.ok(fixes.some((a) => a.title === '删除行：重复的词对（第 6 行）'), fixes.map((a) => a.title).join('\n'));
  });

  test('learning jobs report their progress in Chinese (the worker sends phase ids)', async () => {
    const cursor = s.progress.cursor;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'synonym-lens-l10n-'));
    try {
      await s.request('synonymLens/fineTune', { uri: cars, epochs: 2, outDir: path.join(dir, 'tuned') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const events = s.progress.events.slice(cursor);
    const begin = events.find((e) => e.value.kind === 'begin') as { token: string | number; value: { title?: string } } | undefined;
    assert.equal(begin?.value.title, '正在微调模型');
    const messages = events.filter((e) => e.token === begin!.token).map((e) => e.value.message ?? '');
    assert.ok(messages.some((m) => /^第 \d\/2 轮，损失 \d/.test(m)), messages.join('\n'));
    assert.ok(messages.includes('正在用留出的词对评估'), messages.join('\n'));
    assert.ok(!messages.some((m) => /epoch|evaluating|writing/.test(m)), messages.join('\n'));
  });
});

describe('server messages without a bundle', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(async () => {
    await s?.stop();
  });

  test('are English, as core writes them (the CLI prints the same texts)', async () => {
    const ds = await openAll(s);
    assert.match(message(ds.cars, 'low-similarity', 3)!, /^汽车 ~ 苹果: cosine -?\d\.\d\d < 0\.50 — the model does not treat these as synonyms$/);
    assert.equal(message(ds.cars, 'duplicate-pair', 5), 'Line 6: "普拉多" ~ "霸道SUV" repeats line 2.');
    assert.equal(message(ds.broken, 'invalid-label', 1), 'Line 2, column 3: the label is "yes"; expected 1 (synonyms) or 0 (not synonyms).');
    const hover = await s.request<Hover>('textDocument/hover', { textDocument: { uri: cars }, position: { line: 1, character: 1 } });
    assert.match((hover.contents as MarkupContent).value, /Synonym group: 霸道SUV[\s\S]*neighbour only \(below the threshold 0\.50\)/);
  });
});

describe('a broken model setting in the display language', () => {
  const folder = '/nonexistent/model-folder';
  async function brokenModel(initializationOptions?: Record<string, unknown>): Promise<{ status: string; hover: string; request: unknown }> {
    const s = await startServer({ settings: { model: folder }, ...(initializationOptions ? { initializationOptions } : {}) });
    try {
      s.open(cars, carsText);
      const status = await s.waitStatus((x) => x.state === 'error', { what: 'the model error' });
      const hover = await s.request<Hover>('textDocument/hover', { textDocument: { uri: cars }, position: { line: 1, character: 1 } });
      const request = await s.request('synonymLens/pairScores', { uri: cars }).then(
        () => assert.fail('pairScores answered without a model'),
        (e: unknown) => e,
      );
      // The hover's markdown escapes punctuation (`model\-folder`): read it as text.
      return { status: status.error!, hover: (hover.contents as MarkupContent).value.replace(/\\(.)/g, '$1'), request };
    } finally {
      await s.stop();
    }
  }

  test('with the zh-cn bundle the status, the hover and a refused request say why in Chinese', async () => {
    const r = await brokenModel({ l10nBundle: zhBundle });
    assert.equal(r.status, `找不到模型文件夹：${folder}`);
    assert.ok(r.hover.includes(`模型 model-folder 加载失败：找不到模型文件夹：${folder}`), r.hover);
    assert.match(String((r.request as Error).message), /^模型 model-folder 不可用：找不到模型文件夹：/);
  });

  test('without a bundle they are English, the text the CLI prints', async () => {
    const r = await brokenModel();
    assert.equal(r.status, `Model folder not found: ${folder}`);
    assert.ok(r.hover.includes(`Model model-folder failed to load: Model folder not found: ${folder}`), r.hover);
    assert.match(String((r.request as Error).message), /^Model model-folder is not available: Model folder not found: /);
  });
});
