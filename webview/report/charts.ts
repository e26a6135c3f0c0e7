/**
 * Small SVG charts for the evaluation report (histogram, curves). Text goes in through
 * `textContent` only; colours come from CSS classes bound to VS Code's chart colours.
 */
import { svg } from '../common/dom';
import { format } from '../common/strings';
import type { ReportStrings, ScoredPair } from '../../src/shared/webviewProtocol';

/** The histogram's texts (from the page's strings table). */
export type HistogramLabels = Pick<ReportStrings, 'axisCosine' | 'axisPairs' | 'threshold' | 'legendSynonyms' | 'legendNonSynonyms'>;

const W = 420;
const H = 240;
const M = { left: 44, right: 12, top: 12, bottom: 34 };

export interface Series {
  name: string;
  /** CSS class: `s0`…`s3` map to chart colours. */
  cls: string;
  points: [number, number][];
  dashed?: boolean;
}

interface Axis {
  lo: number;
  hi: number;
  label: string;
}

function scale(a: Axis, px0: number, px1: number) {
  return (v: number) => px0 + ((v - a.lo) / (a.hi - a.lo || 1)) * (px1 - px0);
}

/** Ticks at multiples of a round step (1, 2, 2.5 or 5 × 10^k), at most about `count` + 1 of them. */
function niceTicks(a: Axis, count = 5): number[] {
  const span = a.hi - a.lo || 1;
  const raw = span / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const out: number[] = [];
  for (let v = Math.ceil(a.lo / step - 1e-9) * step; v <= a.hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function frame(title: string, x: Axis, y: Axis): { root: SVGSVGElement; sx: (v: number) => number; sy: (v: number) => number } {
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, className: 'chart', role: 'img', 'aria-label': title });
  const sx = scale(x, M.left, W - M.right);
  const sy = scale(y, H - M.bottom, M.top);
  const axes = svg('g', { className: 'axes' });
  axes.append(svg('line', { x1: M.left, y1: H - M.bottom, x2: W - M.right, y2: H - M.bottom }), svg('line', { x1: M.left, y1: M.top, x2: M.left, y2: H - M.bottom }));
  for (const t of niceTicks(x)) {
    axes.append(svg('text', { x: sx(t), y: H - M.bottom + 14, 'text-anchor': 'middle', text: fmt(t) }));
  }
  for (const t of niceTicks(y, 4)) {
    axes.append(svg('text', { x: M.left - 4, y: sy(t) + 4, 'text-anchor': 'end', text: fmt(t) }));
    axes.append(svg('line', { className: 'grid', x1: M.left, y1: sy(t), x2: W - M.right, y2: sy(t) }));
  }
  axes.append(svg('text', { x: (M.left + W - M.right) / 2, y: H - 4, 'text-anchor': 'middle', className: 'axis-label', text: x.label }));
  axes.append(svg('text', { x: 10, y: (M.top + H - M.bottom) / 2, 'text-anchor': 'middle', className: 'axis-label', transform: `rotate(-90 10 ${(M.top + H - M.bottom) / 2})`, text: y.label }));
  root.append(axes);
  return { root, sx, sy };
}

function fmt(v: number): string {
  if (Math.abs(v) >= 100) return String(Math.round(v));
  return Number(v.toFixed(2)).toString().replace('-', '−');
}

function legend(root: SVGSVGElement, series: readonly { name: string; cls: string }[]): void {
  series.forEach((s, k) => {
    const y = M.top + 6 + k * 14;
    root.append(svg('rect', { className: `swatch ${s.cls}`, x: W - M.right - 120, y: y - 7, width: 10, height: 10 }));
    root.append(svg('text', { className: 'legend-text', x: W - M.right - 106, y: y + 2, text: s.name }));
  });
}

/** Line chart of several series over shared axes. */
export function lineChart(title: string, series: readonly Series[], x: Axis, y: Axis): SVGSVGElement {
  const { root, sx, sy } = frame(title, x, y);
  for (const s of series) {
    if (s.points.length === 0) continue;
    const d = s.points.map(([a, b], i) => `${i ? 'L' : 'M'}${sx(a).toFixed(1)},${sy(b).toFixed(1)}`).join('');
    root.append(svg('path', { className: `line ${s.cls}${s.dashed ? ' dashed' : ''}`, d }));
  }
  legend(root, series);
  return root;
}

/**
 * Histogram of cosines by label (two overlaid series of bars, bins of `binWidth` over [lo, hi]),
 * with the threshold marked.
 */
export function histogram(title: string, pairs: readonly ScoredPair[], threshold: number, labels: HistogramLabels, binWidth = 0.05): SVGSVGElement {
  let lo = Math.min(0, ...pairs.map((p) => p.cosine));
  lo = Math.max(-1, Math.floor(lo / binWidth) * binWidth);
  const hi = 1;
  const bins = Math.max(1, Math.round((hi - lo) / binWidth));
  const counts = [new Array<number>(bins).fill(0), new Array<number>(bins).fill(0)];
  for (const p of pairs) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor((p.cosine - lo) / binWidth)));
    counts[p.label]![b]!++;
  }
  const max = Math.max(1, ...counts[0]!, ...counts[1]!);
  const { root, sx, sy } = frame(title, { lo, hi, label: labels.axisCosine }, { lo: 0, hi: max, label: labels.axisPairs });
  for (const label of [0, 1] as const) {
    counts[label]!.forEach((c, b) => {
      if (c === 0) return;
      const x0 = sx(lo + b * binWidth);
      const x1 = sx(lo + (b + 1) * binWidth);
      root.append(svg('rect', { className: `bar ${label === 1 ? 's0' : 's1'}`, x: x0 + 0.5, y: sy(c), width: Math.max(1, x1 - x0 - 1), height: sy(0) - sy(c), 'data-label': label, 'data-count': c }));
    });
  }
  const tx = sx(threshold);
  root.append(svg('line', { className: 'threshold', x1: tx, y1: M.top, x2: tx, y2: H - M.bottom }));
  root.append(svg('text', { className: 'threshold-text', x: tx + 3, y: H - M.bottom - 4, text: format(labels.threshold, fmt(threshold)) }));
  legend(root, [
    { name: format(labels.legendSynonyms, pairs.filter((p) => p.label === 1).length), cls: 's0' },
    { name: format(labels.legendNonSynonyms, pairs.filter((p) => p.label === 0).length), cls: 's1' },
  ]);
  return root;
}

/** Precision–recall points (recall, precision), thresholds from high to low, ties together. */
export function prCurve(pairs: readonly ScoredPair[]): [number, number][] {
  const sorted = [...pairs].sort((a, b) => b.cosine - a.cosine);
  const positives = sorted.filter((p) => p.label === 1).length;
  if (positives === 0) return [];
  const out: [number, number][] = [[0, 1]];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < sorted.length; k++) {
    if (sorted[k]!.label === 1) tp++;
    else fp++;
    if (k + 1 < sorted.length && sorted[k + 1]!.cosine === sorted[k]!.cosine) continue;
    out.push([tp / positives, tp / (tp + fp)]);
  }
  return out;
}

/** ROC points (false-positive rate, true-positive rate), ties together. */
export function rocCurve(pairs: readonly ScoredPair[]): [number, number][] {
  const sorted = [...pairs].sort((a, b) => b.cosine - a.cosine);
  const pos = sorted.filter((p) => p.label === 1).length;
  const neg = sorted.length - pos;
  if (pos === 0 || neg === 0) return [];
  const out: [number, number][] = [[0, 0]];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < sorted.length; k++) {
    if (sorted[k]!.label === 1) tp++;
    else fp++;
    if (k + 1 < sorted.length && sorted[k + 1]!.cosine === sorted[k]!.cosine) continue;
    out.push([fp / neg, tp / pos]);
  }
  return out;
}
