/**
 * The webviews in the display language: each page draws the strings table the host gives it (the
 * one the extension builds with `vscode.l10n.t`, here from l10n/bundle.l10n.zh-cn.json), hard-codes
 * no English of its own, and keeps the strict CSP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { evaluate } from '../../src/core/learn/evaluate';
import type { EvaluationReport } from '../../src/shared/webviewProtocol';
import { openWebview, requireChromium, type Webview } from './harness';

it('headless Chromium is installed (Debian package "chromium")', () => requireChromium());

/** No run of three or more Latin letters outside what the data itself put there. */
const englishWords = (text: string, allowed: RegExp) => (text.replace(allowed, '').match(/[A-Za-z]{3,}/g) ?? []);

describe('table webview in Chinese', () => {
  let w: Webview;
  before(async () => {
    w = await openWebview({ view: 'table', language: 'zh-cn' });
    // No header: the column titles come from the strings table.
    await w.send({ type: 'document', uri: 'file:///d.synonyms.csv', version: 1, text: '普拉多,霸道SUV\n汽车,轿车\n' });
    await w.page.waitForSelector('#grid[data-version="1"]');
  });
  after(async () => {
    await w?.close();
  });

  it('labels buttons, columns, the filter and the status bar in Chinese', async () => {
    assert.equal(await w.page.getAttribute('html', 'lang'), 'zh-cn');
    assert.equal((await w.page.textContent('#add-row'))?.trim(), '添加行');
    assert.equal(await w.page.getAttribute('#add-row', 'title'), '在所选行之后插入一行（Insert）');
    assert.equal((await w.page.textContent('#next-problem'))?.trim(), '下一个问题');
    assert.equal(await w.page.getAttribute('#filter', 'placeholder'), '筛选行（须匹配所有词）');
    assert.equal(await w.page.getAttribute('#issues-only', 'label'), '仅显示问题');
    assert.equal(await w.page.getAttribute('#grid', 'aria-label'), '同义词表格');
    assert.deepEqual(await w.page.$$eval('.grid-header-cell', (els) => els.map((e) => e.textContent)), ['#', '标准词', '同义词', '相似度']);
    assert.equal(await w.page.getAttribute('.grid-header-cell[data-col="c1"]', 'title'), '按同义词排序');
    assert.equal(await w.page.textContent('#counts'), '显示 2 行，共 2 行');
    assert.equal(await w.page.textContent('#score-status'), '相似度：正在等待语言服务器…');
    await w.send({ type: 'scores', version: 1, modelId: 'builtin', threshold: 0.5, negativeThreshold: 0.5, pairs: [{ row: 0, term: '普拉多', synonym: '霸道SUV', label: 1, cosine: -0.18, flagged: true }] });
    await w.page.waitForFunction(() => document.querySelector('#score-status')?.textContent?.includes('builtin'));
    assert.equal(await w.page.textContent('#score-status'), '模型 builtin · 阈值 0.5 · 1 个被标记');
    const bar = await w.page.textContent('.toolbar');
    assert.deepEqual(englishWords(bar ?? '', /Insert|Delete|Enter|Shift/g), [], `English in the toolbar: ${bar}`);
    assert.deepEqual(await w.problems(), []);
  });
});

describe('heatmap webview in Chinese', () => {
  let w: Webview;
  before(async () => {
    w = await openWebview({ view: 'heatmap', language: 'zh-cn' });
    const terms = ['普拉多', '霸道SUV', '汽车'];
    await w.send({
      type: 'matrix',
      data: { uri: 'file:///d.synonyms.csv', version: 1, modelId: 'builtin', terms, groups: [0, 0, 1], matrix: [1, 0.2, 0.1, 0.2, 1, 0.3, 0.1, 0.3, 1], pairs: [{ i: 0, j: 1, label: 1, row: 0, line: 1 }], threshold: 0.5, truncated: false, tunedUnavailable: '此词典还没有微调模型' },
    });
    await w.page.waitForFunction(() => document.querySelector('#heatmap')?.getAttribute('data-terms') === '3');
  });
  after(async () => {
    await w?.close();
  });

  it('labels the controls, the legend and the summary in Chinese', async () => {
    assert.equal((await w.page.textContent('#export-png'))?.trim(), '导出 PNG');
    assert.equal((await w.page.textContent('#refresh'))?.trim(), '刷新');
    assert.equal(await w.page.getAttribute('#outline', 'label'), '阈值轮廓线');
    assert.deepEqual(await w.page.$$eval('#mode vscode-option', (els) => els.map((e) => e.textContent)), ['模型 A', '模型 B', '差值（B − A）']);
    assert.equal(await w.page.getAttribute('#heatmap', 'aria-label'), '相似度热力图');
    assert.equal(await w.page.textContent('#info'), '3 个词 · 词典中 1 个词对 · builtin');
    assert.equal(await w.page.textContent('.legend-title'), '余弦相似度');
    assert.deepEqual(await w.problems(), []);
  });
});

describe('report webview in Chinese', () => {
  let w: Webview;
  before(async () => {
    w = await openWebview({ view: 'report', language: 'zh-cn' });
    const pairs = [
      { a: 'a', b: 'b', label: 1 as const },
      { a: 'a', b: 'c', label: 0 as const },
    ];
    const v = (t: string) => (t === 'a' ? Float32Array.of(1, 0) : t === 'b' ? Float32Array.of(0.8, 0.6) : Float32Array.of(0, 1));
    const e = evaluate(pairs, v);
    const report: EvaluationReport = JSON.parse(JSON.stringify({ before: e, after: e, scores: { before: [{ cosine: 0.8, label: 1 }, { cosine: 0, label: 0 }] }, epochLosses: [0.5, 0.3] }));
    await w.send({ type: 'report', report });
    await w.page.waitForSelector('#metrics table');
  });
  after(async () => {
    await w?.close();
  });

  it('titles sections, tables and charts in Chinese', async () => {
    assert.equal(await w.page.textContent('h1'), '评估报告');
    assert.deepEqual(await w.page.$$eval('h2', (els) => els.map((e) => e.textContent)), ['微调前后的指标', '分类报告', '按标签的得分分布', '精确率–召回率曲线与 ROC 曲线', '训练损失']);
    assert.deepEqual(await w.page.$$eval('#metrics thead th', (els) => els.map((e) => e.textContent)), ['指标', '微调前', '微调后', 'Δ']);
    assert.deepEqual(await w.page.$$eval('tr[data-metric="n"] td', (tds) => tds.map((t) => t.textContent)), ['词对数', '2', '2', '']);
    assert.equal(await w.page.textContent('#classification caption'), '微调前 — 余弦相似度阈值 0.5');
    const histogram = await w.page.textContent('#histogram svg');
    assert.match(histogram ?? '', /同义词（1）/);
    assert.match(histogram ?? '', /阈值 0\.5/);
    assert.deepEqual(await w.problems(), []);
  });
});
