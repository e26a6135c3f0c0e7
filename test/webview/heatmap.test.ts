/**
 * The heatmap webview in headless Chromium: drawing, the tooltip, click → revealPair, the
 * colour scale per theme, modes, PNG export, hostile terms drawn as text, 2,000 terms.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { viridis } from '../../webview/heatmap/colors';
import { openWebview, requireChromium, type Webview } from './harness';

// A missing browser is a failure with the package to install, never a silent skip.
it('headless Chromium is installed (Debian package "chromium")', () => requireChromium());

const TERMS = ['普拉多', '霸道SUV', 'apple', 'pomme', '<img src=x onerror=alert(1)>', 'car'];
const N = TERMS.length;

function matrix(f: (i: number, j: number) => number): number[] {
  const m: number[] = [];
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) m.push(i === j ? 1 : f(Math.min(i, j), Math.max(i, j)));
  return m;
}
const BASE = matrix((i, j) => (j === i + 1 && i % 2 === 0 ? 0.8 : 0.1 * ((i + j) % 4)));
const TUNED = matrix((i, j) => (j === i + 1 && i % 2 === 0 ? 0.9 : 0.05));

const DATA = {
  uri: 'file:///w/cars.synonyms.csv',
  version: 7,
  modelId: 'builtin:test',
  terms: TERMS,
  groups: [0, 0, 1, 1, 2, 3],
  matrix: BASE,
  pairs: [
    { i: 0, j: 1, label: 1, row: 0, line: 1 },
    { i: 2, j: 3, label: 1, row: 4, line: 5 },
    { i: 4, j: 5, label: 0, row: 9, line: 10 },
  ],
  threshold: 0.5,
  truncated: false,
  focus: 'apple',
};

/** CSS-pixel centre of cell (i, j) relative to the canvas, from the drawn geometry. */
async function cellCentre(w: Webview, i: number, j: number): Promise<{ x: number; y: number }> {
  return w.page.evaluate(
    ({ i, j, n }) => {
      // The matrix is drawn as a square in the bottom-right of the canvas (labels take the margin).
      const c = document.getElementById('heatmap') as HTMLCanvasElement;
      const w = c.clientWidth;
      const h = c.clientHeight;
      const side = Math.min(w, h);
      const margin = side / n >= 11 || side - 110 >= n * 11 ? 110 : 0;
      const cell = (side - margin) / n;
      return { x: margin + (j + 0.5) * cell, y: margin + (i + 0.5) * cell };
    },
    { i, j, n: N },
  );
}

async function pixelAt(w: Webview, x: number, y: number): Promise<number[]> {
  return w.page.evaluate(
    ({ x, y }) => {
      const c = document.getElementById('heatmap') as HTMLCanvasElement;
      const dpr = c.width / c.clientWidth;
      return Array.from(c.getContext('2d')!.getImageData(Math.floor(x * dpr), Math.floor(y * dpr), 1, 1).data);
    },
    { x, y },
  );
}

describe('heatmap webview', () => {
  let w: Webview;
  before(async () => {
    w = await openWebview({ view: 'heatmap', viewport: { width: 900, height: 800 } });
    await w.send({ type: 'matrix', data: DATA });
    await w.page.waitForSelector('#heatmap[data-terms="6"]');
  });
  after(async () => {
    await w?.close();
  });

  it('draws the matrix with the perceptual scale (viridis on a dark theme) and a legend', async () => {
    const { x, y } = await cellCentre(w, 5, 5);
    const [r, g, b] = await pixelAt(w, x, y);
    assert.deepEqual([r, g, b], viridis(1), 'cosine 1 is the top of the scale');
    const ticks = await w.page.$$eval('.legend-ticks .tick', (els) => els.map((e) => e.textContent));
    assert.ok(ticks.includes('threshold 0.500'), ticks.join(','));
    assert.match((await w.page.textContent('#info')) ?? '', /6 terms · 3 dictionary pairs · builtin:test/);
    assert.deepEqual(await w.state(), { mode: 'base', outline: true, uri: DATA.uri, focus: 'apple' });
  });

  it('shows a tooltip with the pair, its cosine and whether it is in the dictionary', async () => {
    const { x, y } = await cellCentre(w, 0, 1);
    await w.page.hover('#heatmap', { position: { x, y } });
    await w.page.waitForSelector('#tooltip:not([hidden])');
    assert.equal(await w.page.textContent('#tooltip .tip-title'), '普拉多 ↔ 霸道SUV');
    assert.equal(await w.page.textContent('#tooltip .tip-cosine'), 'cosine 0.800');
    assert.equal(await w.page.textContent('#tooltip .tip-pair'), 'in dictionary: yes, label 1 (line 2)');
    const c = await cellCentre(w, 1, 2);
    await w.page.hover('#heatmap', { position: c });
    await w.page.waitForFunction(() => document.querySelector('#tooltip .tip-pair')?.textContent === 'in dictionary: no');
  });

  it('click → revealPair with both terms and the dictionary row', async () => {
    const from = (await w.posted()).length;
    await w.page.click('#heatmap', { position: await cellCentre(w, 3, 2) });
    const m = await w.waitForPosted<{ a: string; b: string; row?: number }>('revealPair', from);
    assert.deepEqual({ a: m.a, b: m.b, row: m.row }, { a: 'pomme', b: 'apple', row: 4 });
  });

  it('keyboard: arrows move the cursor, Enter reveals', async () => {
    await w.page.focus('#heatmap');
    const from = (await w.posted()).length;
    await w.page.keyboard.press('ArrowRight');
    await w.page.keyboard.press('ArrowDown');
    await w.page.keyboard.press('Enter');
    const m = await w.waitForPosted<{ a: string; b: string }>('revealPair', from);
    assert.ok(TERMS.includes(m.a) && TERMS.includes(m.b));
  });

  it('keeps hostile terms inert (tooltip text, canvas labels)', async () => {
    await w.page.hover('#heatmap', { position: await cellCentre(w, 4, 5) });
    await w.page.waitForFunction(() => document.querySelector('#tooltip .tip-title')?.textContent === '<img src=x onerror=alert(1)> ↔ car');
    assert.equal(await w.page.textContent('#tooltip .tip-pair'), 'in dictionary: yes, label 0 (line 11)');
    assert.equal(await w.page.locator('#app img').count(), 0);
    assert.deepEqual(w.dialogs, []);
    assert.deepEqual(await w.problems(), []);
  });

  it('exports a PNG through the host', async () => {
    const from = (await w.posted()).length;
    await w.page.click('#export-png');
    const m = await w.waitForPosted<{ requestId: number; dataUrl: string; suggestedName: string }>('exportPng', from);
    assert.ok(m.dataUrl.startsWith('data:image/png;base64,'));
    assert.equal(m.suggestedName, 'cars.synonyms-heatmap.png');
    await w.send({ type: 'response', requestId: m.requestId, ok: true, result: { saved: true } });
    await w.page.waitForFunction(() => document.querySelector('#message')?.textContent === 'PNG saved.');
  });

  it('keeps the mode toggle disabled without a fine-tuned matrix, its tooltip saying why', async () => {
    await w.send({ type: 'matrix', data: { ...DATA, tunedUnavailable: 'run Fine-tune Model first' } });
    await w.page.waitForFunction(() => (document.getElementById('mode') as HTMLElement & { disabled: boolean }).disabled && document.getElementById('mode')!.title === 'run Fine-tune Model first');
    assert.equal(await w.page.getAttribute('.mode', 'title'), 'run Fine-tune Model first');
  });

  it('switches to the fine-tuned matrix and the difference when one is given', async () => {
    await w.send({ type: 'matrix', data: { ...DATA, tuned: TUNED, tunedModelId: 'tuned:1' } });
    await w.page.waitForFunction(() => !(document.getElementById('mode') as HTMLElement & { disabled: boolean }).disabled);
    await w.page.evaluate(() => {
      const s = document.getElementById('mode') as HTMLElement & { value: string };
      s.value = 'difference';
      s.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await w.page.waitForSelector('#heatmap[data-mode="difference"]');
    assert.equal(await w.page.textContent('.legend-title'), 'Δ cosine (tuned − base)');
    await w.page.hover('#heatmap', { position: await cellCentre(w, 0, 1) });
    await w.page.waitForFunction(() => document.querySelector('#tooltip .tip-cosine')?.textContent === 'cosine 0.800 base · 0.900 tuned · Δ 0.100');
    assert.equal((await w.state<{ mode: string }>()).mode, 'difference');
  });
});

describe('heatmap webview, light theme and 2,000 terms', () => {
  let w: Webview;
  before(async () => {
    w = await openWebview({ view: 'heatmap', theme: 'vscode-light', viewport: { width: 900, height: 800 } });
  });
  after(async () => {
    await w?.close();
  });

  it('reverses the scale on light themes (high similarity dark)', async () => {
    await w.send({ type: 'matrix', data: DATA });
    await w.page.waitForSelector('#heatmap[data-terms="6"]');
    const { x, y } = await cellCentre(w, 5, 5);
    assert.deepEqual((await pixelAt(w, x, y)).slice(0, 3), viridis(0));
  });

  it('renders 2,000 terms (4M cells)', async () => {
    await w.page.evaluate(() => {
      const n = 2000;
      const m = new Float32Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = i === j ? 1 : Math.cos(i * 0.37 + j * 0.11) * 0.5 + 0.3;
      const terms = Array.from({ length: n }, (_, i) => `term${i}`);
      const groups = terms.map((_, i) => Math.floor(i / 4));
      window.postMessage({ type: 'matrix', data: { uri: 'file:///big.csv', version: 1, modelId: 'm', terms, groups, matrix: m, pairs: [], threshold: 0.5, truncated: false } }, '*');
    });
    await w.page.waitForSelector('#heatmap[data-terms="2000"]');
    const ms = Number(await w.page.getAttribute('#heatmap', 'data-render-ms'));
    assert.ok(ms > 0);
  });
});
