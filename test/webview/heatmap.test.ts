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
    assert.equal(await w.page.textContent('.legend-title'), 'Δ cosine (B − A)');
    await w.page.hover('#heatmap', { position: await cellCentre(w, 0, 1) });
    await w.page.waitForFunction(() => document.querySelector('#tooltip .tip-cosine')?.textContent === 'cosine 0.800 A · 0.900 B · Δ 0.100');
    assert.equal((await w.state<{ mode: string }>()).mode, 'difference');
  });
});

describe('heatmap webview: models by name, any two compared', () => {
  let w: Webview;
  before(async () => {
    w = await openWebview({ view: 'heatmap', viewport: { width: 900, height: 800 } });
  });
  after(async () => {
    await w?.close();
  });

  const MODELS = [
    { key: '', label: 'Model in use: cars-20261205 (fine-tuned)' },
    { key: 'builtin', label: 'Embedded model (builtin)' },
    { key: 'builtin:char-ngram-v1', label: 'Previous embedded model (builtin:char-ngram-v1)' },
    { key: '/w/.synonym-lens/models/<b>other</b>-1', label: '<b>other</b>-1 (fine-tuned, 12/5/2026)' },
  ];

  it('names each model in the A and B pickers, the drawn ones chosen, and asks the host for another pair', async () => {
    await w.send({ type: 'matrix', data: { ...DATA, tuned: TUNED, tunedModelId: 'builtin:char-ngram-v2', models: MODELS, modelA: '', modelB: 'builtin' } });
    await w.page.waitForSelector('#model-b option', { state: 'attached' });
    const options = await w.page.$$eval('#model-a option', (o) => o.map((x) => [x.getAttribute('value'), x.textContent]));
    assert.deepEqual(options, MODELS.map((m) => [m.key, m.label]));
    assert.equal(await w.page.$eval('#model-a', (s) => (s as HTMLSelectElement).value), '');
    assert.equal(await w.page.$eval('#model-b', (s) => (s as HTMLSelectElement).value), 'builtin');
    assert.equal(await w.page.locator('#app b').count(), 0, 'a folder name is text');
    // Any two: the fine-tuned folder of another file against the previous embedded model.
    const from = (await w.posted()).length;
    await w.page.selectOption('#model-a', 'builtin:char-ngram-v1');
    const m = await w.waitForPosted<{ a: string; b: string }>('compare', from);
    assert.deepEqual({ a: m.a, b: m.b }, { a: 'builtin:char-ngram-v1', b: 'builtin' });
    assert.deepEqual((await w.state<{ compare: unknown }>()).compare, { a: 'builtin:char-ngram-v1', b: 'builtin' });
  });

  it('says why B cannot be drawn, and keeps the pickers for choosing another', async () => {
    await w.send({ type: 'matrix', data: { ...DATA, tunedUnavailable: 'Models A and B are the same model (m): choose another model as B.', models: MODELS, modelA: '', modelB: '' } });
    await w.page.waitForFunction(() => (document.getElementById('mode') as HTMLElement & { disabled: boolean }).disabled);
    assert.equal(await w.page.getAttribute('.mode', 'title'), 'Models A and B are the same model (m): choose another model as B.');
    assert.equal(await w.page.$eval('#model-b', (s) => (s as HTMLSelectElement).disabled), false);
  });
});

describe('heatmap webview in a small panel', () => {
  it('keeps 39 terms labelled by scrolling; beyond 120 terms, shrinks without labels and says why', async () => {
    const w = await openWebview({ view: 'heatmap', viewport: { width: 420, height: 360 } });
    try {
      const data = (n: number) => {
        const terms = Array.from({ length: n }, (_, i) => `词${i}`);
        const matrix = Array.from({ length: n * n }, (_, p) => (p % (n + 1) === 0 ? 1 : 0.2));
        return { uri: 'file:///w/small.csv', version: 1, modelId: 'm', terms, groups: terms.map((_, i) => i), matrix, pairs: [], threshold: 0.5, truncated: false };
      };
      await w.send({ type: 'matrix', data: data(39) });
      await w.page.waitForSelector('#heatmap[data-terms="39"]');
      assert.equal(await w.page.getAttribute('#heatmap', 'data-labels'), 'true');
      const size = await w.page.$eval('#heatmap', (c) => [(c as HTMLElement).clientWidth, c.parentElement!.clientWidth, c.parentElement!.scrollWidth]);
      assert.equal(size[0], 110 + 39 * 11, 'cells keep the size labels need');
      assert.ok(size[2] > size[1], `the panel scrolls (${size.join(', ')})`);
      assert.equal(await w.page.textContent('#labels-note'), '');

      await w.send({ type: 'matrix', data: data(300) });
      await w.page.waitForSelector('#heatmap[data-terms="300"]');
      assert.equal(await w.page.getAttribute('#heatmap', 'data-labels'), 'false');
      assert.match((await w.page.textContent('#labels-note')) ?? '', /^300 terms are too many to label: hover a cell/);
    } finally {
      await w.close();
    }
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
