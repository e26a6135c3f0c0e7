/**
 * The similarity heatmap webview: the cosine matrix of a dictionary's terms in synonym-group order
 * on a canvas (one pixel per cell in an offscreen image, scaled without smoothing), a legend, a
 * hover tooltip, click → reveal the pair in the editor, a threshold contour, base / fine-tuned /
 * difference modes, PNG export.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { FromHeatmapMessage, HeatmapData, HeatmapMode, HeatmapPair, HeatmapState, HeatmapStrings, ToHeatmapMessage } from '../../src/shared/webviewProtocol';
import { Host } from '../common/host';
import { formatCosine, h, setText } from '../common/dom';
import { format, pageStrings } from '../common/strings';
import { cssOf, divergingLut, parseColor, sequentialLut, type Rgb } from './colors';
import { divergingDomain, paintMatrix, sequentialDomain, type Domain } from './render';

const S = pageStrings<HeatmapStrings>();

type ValueElement = HTMLElement & { value: string; disabled: boolean };
type CheckElement = HTMLElement & { checked: boolean; disabled: boolean };

/** Labels are drawn when a cell is at least this many CSS pixels. */
const LABEL_MIN_CELL = 11;
const LABEL_SPACE = 110;
/**
 * Up to this many terms the labels stay readable: a panel too small for them scrolls instead (the
 * matrix keeps LABEL_MIN_CELL-pixel cells). Beyond, the cells shrink to fit and a note says why
 * there are no labels (a canvas of more than ~1,400 pixels a side costs too much memory).
 */
const LABELLED_MAX = 120;
/** Above this many terms the threshold contour is drawn into the cell image instead of as lines. */
const DENSE_TERMS = 200;

const host = new Host<ToHeatmapMessage, FromHeatmapMessage, HeatmapState>(onMessage);
const state: HeatmapState = { mode: 'base', outline: true, ...host.getState() };

// ---------------------------------------------------------------------------------------------
// Layout

const modeSelect = h(
  'vscode-single-select',
  { id: 'mode', 'aria-label': S.matrixLabel },
  h('vscode-option', { value: 'base' }, S.baseModel),
  h('vscode-option', { value: 'tuned' }, S.fineTuned),
  h('vscode-option', { value: 'difference' }, S.difference),
) as ValueElement;
/** The two models compared: the host lists them by name; a choice asks it for their matrices. */
const modelASelect = h('select', { id: 'model-a', 'aria-label': S.modelA, className: 'model-select' }) as HTMLSelectElement;
const modelBSelect = h('select', { id: 'model-b', 'aria-label': S.modelB, className: 'model-select' }) as HTMLSelectElement;
const models = h('span', { className: 'models' }, h('label', { text: S.modelA }, modelASelect), h('label', { text: S.modelB }, modelBSelect));
const outlineBox = h('vscode-checkbox', { id: 'outline', label: S.thresholdOutline }) as CheckElement;
const exportButton = h('vscode-button', { id: 'export-png', secondary: true, title: S.exportPngTitle }, S.exportPng);
const refreshButton = h('vscode-button', { id: 'refresh', secondary: true, title: S.refreshTitle }, S.refresh);
const info = h('span', { id: 'info', className: 'muted' });
// The tooltip sits on a wrapper too: a disabled control may not receive the hover that shows its own.
const modeWrap = h('span', { className: 'mode' }, modeSelect);
const toolbar = h('div', { className: 'toolbar', role: 'toolbar' }, models, modeWrap, outlineBox, exportButton, refreshButton, info);

const canvas = h('canvas', { id: 'heatmap', tabindex: 0, role: 'img', 'aria-label': S.heatmapLabel });
const overlay = h('canvas', { id: 'overlay', 'aria-hidden': 'true' });
const tipTitle = h('div', { className: 'tip-title' });
const tipCosine = h('div', { className: 'tip-cosine' });
const tipPair = h('div', { className: 'tip-pair' });
const tooltip = h('div', { id: 'tooltip', role: 'tooltip', hidden: true }, tipTitle, tipCosine, tipPair);
const wrap = h('div', { className: 'canvas-wrap' }, canvas, overlay, tooltip);
const legendBar = h('canvas', { id: 'legend-bar', width: 256, height: 1 });
const legendTicks = h('div', { className: 'legend-ticks' });
const legendTitle = h('span', { className: 'legend-title' });
const legend = h('div', { id: 'legend', className: 'legend' }, legendTitle, h('div', { className: 'legend-scale' }, legendBar, legendTicks));
const messageLine = h('span', { id: 'message', role: 'status', 'aria-live': 'polite' });
const labelsNote = h('span', { id: 'labels-note', className: 'muted' });
const app = document.getElementById('app')!;
app.append(toolbar, wrap, legend, h('div', { className: 'statusbar' }, messageLine, labelsNote));

outlineBox.checked = state.outline ?? true;
modeSelect.value = state.mode ?? 'base';

// ---------------------------------------------------------------------------------------------
// Data and rendering

let data: HeatmapData | undefined;
let n = 0;
let base: Float32Array = new Float32Array(0);
let tuned: Float32Array | undefined;
let difference: Float32Array | undefined;
let pairIndex = new Map<number, HeatmapPair>();
/** The n×n image of the current mode. */
const image = document.createElement('canvas');
/** Geometry of the drawn matrix in CSS pixels. */
let geom = { x0: 0, y0: 0, size: 0, cell: 0 };
let cursor: { i: number; j: number } | undefined;
let current: { values: Float32Array; domain: Domain; lut: Uint32Array } | undefined;

function onMessage(m: Exclude<ToHeatmapMessage, { type: 'response' }>): void {
  switch (m.type) {
    case 'loading':
      setText(messageLine, m.message);
      app.setAttribute('aria-busy', 'true');
      return;
    case 'failed':
      setText(messageLine, m.message);
      app.setAttribute('aria-busy', 'false');
      return;
    case 'matrix':
      setData(m.data);
      return;
  }
}

function setData(d: HeatmapData): void {
  data = d;
  n = d.terms.length;
  base = d.matrix instanceof Float32Array ? d.matrix : Float32Array.from(d.matrix);
  tuned = d.tuned ? (d.tuned instanceof Float32Array ? d.tuned : Float32Array.from(d.tuned)) : undefined;
  difference = undefined;
  pairIndex = new Map();
  for (const p of d.pairs) {
    pairIndex.set(p.i * n + p.j, p);
    pairIndex.set(p.j * n + p.i, p);
  }
  fillModels(modelASelect, d.models, d.modelA ?? '');
  fillModels(modelBSelect, d.models, d.modelB);
  modeSelect.disabled = !tuned;
  // A disabled control says why: usually that no model has been fine-tuned yet.
  modeWrap.title = modeSelect.title = tuned ? S.modeTitle : (d.tunedUnavailable ?? S.noTunedModel);
  if (!tuned && state.mode !== 'base') state.mode = 'base';
  modeSelect.value = state.mode ?? 'base';
  state.uri = d.uri;
  state.focus = d.focus;
  state.terms = d.requestedTerms;
  if (d.modelA !== undefined && d.modelB !== undefined) state.compare = { a: d.modelA, b: d.modelB };
  host.setState({ ...state });
  const model = tuned && d.tunedModelId ? `${d.modelId} → ${d.tunedModelId}` : d.modelId;
  setText(info, format(d.truncated ? S.infoTruncated : S.info, n.toLocaleString('en'), d.pairs.length.toLocaleString('en'), model));
  setText(messageLine, d.truncated ? format(S.onlyFirst, n) : '');
  cursor = undefined;
  repaint();
  app.setAttribute('aria-busy', 'false');
}

/** Fills a model picker with the host's entries (as text: a folder name is never markup), `selected` chosen. */
function fillModels(select: HTMLSelectElement, entries: HeatmapData['models'], selected: string | undefined): void {
  const list = entries ?? [];
  select.replaceChildren(...list.map((m) => h('option', { value: m.key, text: m.label })));
  if (selected !== undefined && list.some((m) => m.key === selected)) select.value = selected;
  else select.selectedIndex = -1;
  select.disabled = list.length < 2;
}

function isLightTheme(): boolean {
  const c = document.body.classList;
  return c.contains('vscode-light') || c.contains('vscode-high-contrast-light');
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

function themeBackground(): Rgb {
  return parseColor(getComputedStyle(document.body).backgroundColor) ?? parseColor(cssVar('--vscode-editor-background', '#1e1e1e')) ?? [30, 30, 30];
}

function packCss(css: string): number {
  const [r, g, b] = parseColor(css) ?? [241, 76, 76];
  return ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

/** Recomputes the image for the mode (colours, domain, contour) and draws it. */
function repaint(): void {
  if (!data) return;
  const started = performance.now();
  const mode: HeatmapMode = state.mode ?? 'base';
  let values: Float32Array;
  let domain: Domain;
  let lut: Uint32Array;
  if (mode === 'difference' && tuned) {
    if (!difference) {
      difference = new Float32Array(n * n);
      for (let p = 0; p < n * n; p++) difference[p] = tuned[p]! - base[p]!;
    }
    values = difference;
    domain = divergingDomain(values);
    lut = divergingLut(themeBackground());
  } else {
    values = mode === 'tuned' && tuned ? tuned : base;
    domain = sequentialDomain(values, n);
    lut = sequentialLut(isLightTheme());
  }
  current = { values, domain, lut };
  image.width = n;
  image.height = n;
  const ctx = image.getContext('2d')!;
  const pixels = ctx.createImageData(Math.max(1, n), Math.max(1, n));
  // Dense matrices (cells of a pixel or two) get the contour baked into the image; larger cells
  // get thin vector lines in draw(), which would otherwise fill whole cells with the colour.
  const outline =
    state.outline && mode !== 'difference' && n > DENSE_TERMS ? { threshold: data.threshold, color: packCss(cssVar('--vscode-charts-red', '#f14c4c')) } : undefined;
  if (n > 0) {
    paintMatrix(values, n, domain, lut, new Uint32Array(pixels.data.buffer), outline);
    ctx.putImageData(pixels, 0, 0);
  }
  draw();
  drawLegend();
  const ms = performance.now() - started;
  // Read by the benchmark and the tests: the time from data to pixels on screen (before the frame).
  canvas.dataset.renderMs = ms.toFixed(1);
  canvas.dataset.terms = String(n);
  canvas.dataset.mode = mode;
}

/** Scales the image onto the visible canvas and draws group blocks, labels and the focus term. */
function draw(): void {
  const dpr = window.devicePixelRatio || 1;
  const viewW = wrap.clientWidth;
  const viewH = wrap.clientHeight;
  const fits = Math.min(viewW, viewH) / Math.max(1, n) >= LABEL_MIN_CELL || Math.min(viewW, viewH) - LABEL_SPACE >= n * LABEL_MIN_CELL;
  // A small panel scrolls rather than dropping the labels (up to LABELLED_MAX terms).
  const needed = !fits && n > 0 && n <= LABELLED_MAX ? LABEL_SPACE + n * LABEL_MIN_CELL : 0;
  const w = Math.max(viewW, needed);
  const hgt = Math.max(viewH, needed);
  wrap.classList.toggle('scrolls', needed > 0);
  setText(labelsNote, n > LABELLED_MAX && !fits ? format(S.labelsHidden, n.toLocaleString('en')) : '');
  for (const c of [canvas, overlay]) {
    c.width = Math.max(1, Math.floor(w * dpr));
    c.height = Math.max(1, Math.floor(hgt * dpr));
    c.style.width = `${w}px`;
    c.style.height = `${hgt}px`;
  }
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, hgt);
  if (!data || n === 0) return;
  const labels = Math.min(w, hgt) / n >= LABEL_MIN_CELL || Math.min(w, hgt) - LABEL_SPACE >= n * LABEL_MIN_CELL;
  canvas.dataset.labels = String(labels);
  const margin = labels ? LABEL_SPACE : 0;
  const size = Math.max(0, Math.min(w, hgt) - margin);
  const cell = size / n;
  geom = { x0: margin, y0: margin, size, cell };
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(image, 0, 0, n, n, geom.x0, geom.y0, size, size);

  if (state.outline && state.mode !== 'difference' && n <= DENSE_TERMS && current) drawContour(ctx, current.values, data.threshold, cell);

  // Synonym groups: a frame around each diagonal block of two or more terms.
  ctx.strokeStyle = cssVar('--vscode-editor-foreground', '#d4d4d4');
  ctx.globalAlpha = 0.8;
  ctx.lineWidth = 1;
  const groups = data.groups;
  for (let s = 0; s < n; ) {
    let e = s + 1;
    while (e < n && groups[e] === groups[s]) e++;
    if (e - s >= 2 && (e - s) * cell >= 3) ctx.strokeRect(geom.x0 + s * cell + 0.5, geom.y0 + s * cell + 0.5, (e - s) * cell - 1, (e - s) * cell - 1);
    s = e;
  }
  ctx.globalAlpha = 1;

  if (labels) {
    ctx.fillStyle = cssVar('--vscode-foreground', '#cccccc');
    ctx.font = `${Math.min(12, Math.max(9, cell - 2))}px ${cssVar('--vscode-font-family', 'sans-serif')}`;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'right';
    for (let i = 0; i < n; i++) {
      // fillText draws the term as pixels: nothing in it is ever parsed as markup.
      ctx.fillText(clip(data.terms[i]!), geom.x0 - 4, geom.y0 + (i + 0.5) * cell, LABEL_SPACE - 8);
    }
    ctx.save();
    ctx.translate(geom.x0, geom.y0);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'left';
    for (let j = 0; j < n; j++) ctx.fillText(clip(data.terms[j]!), 4, (j + 0.5) * cell, LABEL_SPACE - 8);
    ctx.restore();
  }
  const focus = data.focus === undefined ? -1 : data.terms.indexOf(data.focus);
  if (focus >= 0) {
    ctx.strokeStyle = cssVar('--vscode-focusBorder', '#007fd4');
    ctx.lineWidth = 2;
    ctx.strokeRect(geom.x0 + focus * cell, geom.y0, Math.max(cell, 2), size);
    ctx.strokeRect(geom.x0, geom.y0 + focus * cell, size, Math.max(cell, 2));
  }
  drawCursor();
}

/** The threshold contour: a line on every cell edge with cosine ≥ threshold on one side only. */
function drawContour(ctx: CanvasRenderingContext2D, values: Float32Array, t: number, cell: number): void {
  ctx.beginPath();
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const above = values[i * n + j]! >= t;
      if (j + 1 < n && above !== values[i * n + j + 1]! >= t) {
        const x = geom.x0 + (j + 1) * cell;
        ctx.moveTo(x, geom.y0 + i * cell);
        ctx.lineTo(x, geom.y0 + (i + 1) * cell);
      }
      if (i + 1 < n && above !== values[(i + 1) * n + j]! >= t) {
        const y = geom.y0 + (i + 1) * cell;
        ctx.moveTo(geom.x0 + j * cell, y);
        ctx.lineTo(geom.x0 + (j + 1) * cell, y);
      }
    }
  }
  ctx.strokeStyle = cssVar('--vscode-charts-red', '#f14c4c');
  ctx.lineWidth = Math.max(1, Math.min(2, cell / 6));
  ctx.stroke();
}

function clip(s: string): string {
  return s.length > 24 ? `${s.slice(0, 23)}…` : s;
}

function drawLegend(): void {
  if (!current || !data) return;
  const ctx = legendBar.getContext('2d')!;
  const img = ctx.createImageData(256, 1);
  new Uint32Array(img.data.buffer).set(current.lut);
  ctx.putImageData(img, 0, 0);
  const { lo, hi } = current.domain;
  const difference = state.mode === 'difference';
  setText(legendTitle, difference ? S.legendDifference : S.legendCosine);
  const showThreshold = !difference && data.threshold > lo && data.threshold < hi;
  const ticks: [number, string, string][] = [
    [lo, formatCosine(lo), ''],
    [hi, formatCosine(hi), ''],
  ];
  // The middle tick would collide with the threshold's label when they are close.
  if (!showThreshold || Math.abs(data.threshold - (lo + hi) / 2) > (hi - lo) * 0.15) ticks.splice(1, 0, [(lo + hi) / 2, formatCosine((lo + hi) / 2), '']);
  if (showThreshold) ticks.push([data.threshold, format(S.thresholdTick, formatCosine(data.threshold)), 'threshold']);
  legendTicks.replaceChildren(
    ...ticks.map(([v, text, cls]) => {
      const t = h('span', { className: `tick ${cls}`, text });
      t.style.left = `${((v - lo) / (hi - lo)) * 100}%`;
      return t;
    }),
  );
  legend.style.setProperty('--outline-color', cssOf(packCss(cssVar('--vscode-charts-red', '#f14c4c'))));
}

// ---------------------------------------------------------------------------------------------
// Hover, keyboard, click

function cellAt(x: number, y: number): { i: number; j: number } | undefined {
  if (!data || geom.cell <= 0) return undefined;
  const j = Math.floor((x - geom.x0) / geom.cell);
  const i = Math.floor((y - geom.y0) / geom.cell);
  return i >= 0 && j >= 0 && i < n && j < n ? { i, j } : undefined;
}

function describe(i: number, j: number): void {
  if (!data || !current) return;
  const a = data.terms[i]!;
  const b = data.terms[j]!;
  setText(tipTitle, `${a} ↔ ${b}`);
  const p = i * n + j;
  const mode = state.mode ?? 'base';
  const cos = !tuned
    ? format(S.tipCosine, formatCosine(base[p]!))
    : mode === 'difference'
      ? format(S.tipCosineDifference, formatCosine(base[p]!), formatCosine(tuned[p]!), formatCosine(tuned[p]! - base[p]!))
      : format(S.tipCosineTuned, formatCosine(base[p]!), formatCosine(tuned[p]!));
  setText(tipCosine, cos);
  const pair = pairIndex.get(p);
  setText(tipPair, i === j ? S.sameTerm : pair ? format(S.inDictionary, pair.label, pair.line + 1) : S.notInDictionary);
  tooltip.dataset.i = String(i);
  tooltip.dataset.j = String(j);
}

function showTooltip(i: number, j: number, x: number, y: number): void {
  describe(i, j);
  tooltip.hidden = false;
  const w = wrap.scrollLeft + wrap.clientWidth;
  const left = x + 14 + tooltip.offsetWidth > w ? x - 14 - tooltip.offsetWidth : x + 14;
  tooltip.style.left = `${Math.max(0, left)}px`;
  tooltip.style.top = `${Math.max(0, y + 14)}px`;
}

function drawCursor(): void {
  const dpr = window.devicePixelRatio || 1;
  const ctx = overlay.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, overlay.width, overlay.height);
  if (!cursor) return;
  const c = Math.max(geom.cell, 3);
  ctx.strokeStyle = cssVar('--vscode-focusBorder', '#007fd4');
  ctx.lineWidth = 2;
  ctx.strokeRect(geom.x0 + cursor.j * geom.cell - (c - geom.cell) / 2, geom.y0 + cursor.i * geom.cell - (c - geom.cell) / 2, c, c);
}

canvas.addEventListener('mousemove', (e) => {
  const hit = cellAt(e.offsetX, e.offsetY);
  if (!hit) {
    tooltip.hidden = true;
    return;
  }
  cursor = hit;
  drawCursor();
  showTooltip(hit.i, hit.j, e.offsetX, e.offsetY);
});
canvas.addEventListener('mouseleave', () => {
  tooltip.hidden = true;
});
canvas.addEventListener('click', (e) => {
  const hit = cellAt(e.offsetX, e.offsetY);
  if (hit) reveal(hit.i, hit.j);
});
canvas.addEventListener('keydown', (e) => {
  if (!data || n === 0) return;
  const c = cursor ?? { i: 0, j: 0 };
  const step = e.shiftKey ? 10 : 1;
  const move: Record<string, [number, number]> = { ArrowUp: [-step, 0], ArrowDown: [step, 0], ArrowLeft: [0, -step], ArrowRight: [0, step] };
  const d = move[e.key];
  if (d) {
    cursor = { i: Math.max(0, Math.min(n - 1, c.i + d[0])), j: Math.max(0, Math.min(n - 1, c.j + d[1])) };
    drawCursor();
    showTooltip(cursor.i, cursor.j, geom.x0 + (cursor.j + 1) * geom.cell, geom.y0 + (cursor.i + 1) * geom.cell);
    e.preventDefault();
  } else if (e.key === 'Enter' && cursor) {
    reveal(cursor.i, cursor.j);
    e.preventDefault();
  } else if (e.key === 'Escape') {
    tooltip.hidden = true;
  }
});

function reveal(i: number, j: number): void {
  if (!data) return;
  const pair = pairIndex.get(i * n + j);
  host.post({ type: 'revealPair', a: data.terms[i]!, b: data.terms[j]!, row: pair?.row });
}

// ---------------------------------------------------------------------------------------------
// Controls

for (const select of [modelASelect, modelBSelect]) {
  select.addEventListener('change', () => {
    if (modelASelect.selectedIndex < 0 || modelBSelect.selectedIndex < 0) return;
    state.compare = { a: modelASelect.value, b: modelBSelect.value };
    host.setState({ ...state });
    host.post({ type: 'compare', a: modelASelect.value, b: modelBSelect.value });
  });
}
modeSelect.addEventListener('change', () => {
  state.mode = (modeSelect.value as HeatmapMode) || 'base';
  host.setState({ ...state });
  repaint();
});
outlineBox.addEventListener('change', () => {
  state.outline = outlineBox.checked;
  host.setState({ ...state });
  repaint();
});
refreshButton.addEventListener('click', () => host.post({ type: 'refresh' }));
exportButton.addEventListener('click', () => {
  if (!data) return;
  // The PNG is the matrix as drawn (labels, groups, contour) over the theme's background.
  const out = document.createElement('canvas');
  out.width = canvas.width;
  out.height = canvas.height;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = getComputedStyle(document.body).backgroundColor || '#1e1e1e';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(canvas, 0, 0);
  const name = `${(data.uri.split('/').pop() ?? 'dictionary').replace(/\.csv$/i, '').replace(/[^\w.-]+/g, '_')}-heatmap.png`;
  host.request<{ saved: boolean }>({ type: 'exportPng', dataUrl: out.toDataURL('image/png'), suggestedName: name }).then(
    (r) => setText(messageLine, r.saved ? S.pngSaved : ''),
    (e: unknown) => setText(messageLine, format(S.exportFailed, e instanceof Error ? e.message : String(e))),
  );
});

new ResizeObserver(() => draw()).observe(wrap);
// VS Code changes the body class and the CSS variables when the colour theme changes.
const themeObserver = new MutationObserver(() => repaint());
themeObserver.observe(document.body, { attributes: true, attributeFilter: ['class'] });
themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });

host.post({ type: 'ready' });
