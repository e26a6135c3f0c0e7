/**
 * The evaluation report webview: before/after metrics, classification reports, score histograms
 * by label with the threshold, PR and ROC curves, and the training loss, from an
 * `EvaluationReport` the host sends (and `setState` keeps, so a restored panel needs nothing).
 */
import type { ClassificationReport } from '../../src/core/learn/metrics';
import type { Evaluation } from '../../src/core/learn/evaluate';
import type { EvaluationReport, FromReportMessage, ReportState, ScoredPair, ToReportMessage } from '../../src/shared/webviewProtocol';
import { Host } from '../common/host';
import { h } from '../common/dom';
import { histogram, lineChart, prCurve, rocCurve, type Series } from './charts';

const host = new Host<ToReportMessage, FromReportMessage, ReportState>((m) => {
  if (m.type === 'report') {
    host.setState({ report: m.report, source: m.source });
    render(m.report, m.source);
  }
});
const app = document.getElementById('app')!;

/** Metric rows: label, key, and whether a higher value is better (undefined: neither). */
const METRICS: [string, keyof Evaluation, boolean | undefined][] = [
  ['pairs', 'n', undefined],
  ['accuracy @ threshold', 'accuracy', true],
  ['best accuracy', 'best_accuracy', true],
  ['best-accuracy threshold', 'best_threshold', undefined],
  ['best F1', 'f1', true],
  ['best-F1 threshold', 'f1_threshold', undefined],
  ['precision @ best F1', 'precision', true],
  ['recall @ best F1', 'recall', true],
  ['average precision', 'ap', true],
  ['ROC-AUC', 'roc_auc', true],
  ['mean cosine, synonyms', 'mean_cos_pos', true],
  ['mean cosine, non-synonyms', 'mean_cos_neg', false],
  ['retrieval queries', 'retrieval_queries', undefined],
  ['recall@1', 'recall_at_1', true],
  ['recall@10', 'recall_at_10', true],
  ['MRR', 'mrr', true],
  ['vocabulary', 'vocabulary', undefined],
];
const COUNTS = new Set<keyof Evaluation>(['n', 'retrieval_queries', 'vocabulary']);

/** JSON turns NaN into null; both read as "undefined figure". */
function num(v: unknown): number {
  return typeof v === 'number' ? v : NaN;
}

function fmt(v: number, count = false): string {
  if (!Number.isFinite(v)) return '–';
  return count ? v.toLocaleString('en') : v.toFixed(4).replace('-', '−');
}

function section(title: string, id: string, ...content: Node[]): HTMLElement {
  return h('section', { id, className: 'report-section' }, h('h2', { text: title }), ...content);
}

function metricsTable(before: Evaluation, after: Evaluation | undefined): HTMLElement {
  const head = h('tr', {}, h('th', { text: 'metric' }), h('th', { text: after ? 'before' : 'value' }));
  if (after) head.append(h('th', { text: 'after' }), h('th', { text: 'Δ' }));
  const rows = METRICS.map(([label, key, higherBetter]) => {
    const count = COUNTS.has(key);
    const b = num(before[key]);
    const tr = h('tr', { 'data-metric': key }, h('td', { text: key === 'accuracy' ? `accuracy @ ${before.threshold}` : label }), h('td', { className: 'num', text: fmt(b, count) }));
    if (after) {
      const a = num(after[key]);
      const d = a - b;
      const delta = h('td', { className: 'num delta', text: count || !Number.isFinite(d) ? '' : `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(4)}` });
      if (higherBetter !== undefined && Number.isFinite(d) && Math.abs(d) > 1e-9) delta.classList.add((d > 0) === higherBetter ? 'better' : 'worse');
      tr.append(h('td', { className: 'num', text: fmt(a, count) }), delta);
    }
    return tr;
  });
  return h('table', { className: 'metrics' }, h('thead', {}, head), h('tbody', {}, ...rows));
}

function classificationTable(title: string, r: ClassificationReport | undefined, threshold: number): HTMLElement {
  const t = h('table', { className: 'classification' });
  t.append(h('caption', { text: `${title} — at cosine ${threshold}` }));
  t.append(h('thead', {}, h('tr', {}, ...['', 'precision', 'recall', 'f1-score', 'support'].map((x) => h('th', { text: x })))));
  const body = h('tbody');
  if (r) {
    const rows: [string, keyof ClassificationReport][] = [
      ['0 (not synonyms)', '0'],
      ['1 (synonyms)', '1'],
      ['macro avg', 'macro avg'],
      ['weighted avg', 'weighted avg'],
    ];
    for (const [name, key] of rows) {
      const c = r[key] as ClassificationReport['0'];
      body.append(h('tr', {}, h('td', { text: name }), ...[c.precision, c.recall, c['f1-score']].map((v) => h('td', { className: 'num', text: fmt(num(v)).slice(0, 6) })), h('td', { className: 'num', text: String(c.support) })));
    }
    body.append(h('tr', {}, h('td', { text: 'accuracy' }), h('td'), h('td'), h('td', { className: 'num', text: fmt(num(r.accuracy)).slice(0, 6) }), h('td', { className: 'num', text: String(r['weighted avg'].support) })));
  }
  t.append(body);
  return t;
}

function render(report: EvaluationReport, source?: string): void {
  const { before, after } = report;
  const parts: Node[] = [];
  const meta = [
    report.dictionary && `dictionary ${report.dictionary}`,
    report.baseModelId && `base model ${report.baseModelId}`,
    report.modelId && `model ${report.modelId}`,
    report.createdAt && new Date(report.createdAt).toLocaleString(),
    source && `from ${source}`,
  ].filter((x): x is string => typeof x === 'string' && x !== '');
  parts.push(h('header', {}, h('h1', { text: report.title ?? 'Evaluation report' }), h('p', { className: 'muted', id: 'meta', text: meta.join(' · ') })));

  parts.push(section(after ? 'Metrics before and after fine-tuning' : 'Metrics', 'metrics', metricsTable(before, after)));
  const training = trainingTable(report);
  if (training) parts.push(section('Training run', 'training', training));
  const reports = h('div', { className: 'side-by-side' }, classificationTable(after ? 'Before' : 'Classification report', before.report, before.threshold));
  if (after) reports.append(classificationTable('After', after.report, after.threshold));
  parts.push(section('Classification report', 'classification', reports));

  const scored: [string, ScoredPair[] | undefined, number][] = [
    [after ? 'Before' : 'Scores', report.scores?.before, before.threshold],
    ['After', report.scores?.after, after?.threshold ?? before.threshold],
  ];
  const withScores = scored.filter(([, s]) => s && s.length > 0) as [string, ScoredPair[], number][];
  if (withScores.length > 0) {
    parts.push(section('Score distribution by label', 'histogram', h('div', { className: 'side-by-side' }, ...withScores.map(([name, s, t]) => figure(name, histogram(`${name}: cosine histogram by label`, s, t))))));
    const pr: Series[] = withScores.map(([name, s], k) => ({ name, cls: `s${k}`, points: prCurve(s) }));
    const roc: Series[] = withScores.map(([name, s], k) => ({ name, cls: `s${k}`, points: rocCurve(s) }));
    roc.push({ name: 'chance', cls: 's3', points: [[0, 0], [1, 1]], dashed: true });
    parts.push(
      section(
        'Precision–recall and ROC',
        'curves',
        h(
          'div',
          { className: 'side-by-side' },
          figure('Precision–recall', lineChart('Precision–recall curve', pr, { lo: 0, hi: 1, label: 'recall' }, { lo: 0, hi: 1, label: 'precision' })),
          figure('ROC', lineChart('ROC curve', roc, { lo: 0, hi: 1, label: 'false-positive rate' }, { lo: 0, hi: 1, label: 'true-positive rate' })),
        ),
      ),
    );
  }

  const epochs = report.epochLosses ?? [];
  const steps = report.stepLosses ?? [];
  if (epochs.length > 0 || steps.length > 0) {
    const series: Series[] = [];
    const stepsPerEpoch = steps.length > 0 && epochs.length > 0 ? (steps[steps.length - 1]!.step + 1) / epochs.length : 1;
    if (steps.length > 0) series.push({ name: 'step loss', cls: 's2', points: steps.map((s) => [s.step / stepsPerEpoch, s.loss]) });
    if (epochs.length > 0) series.push({ name: 'epoch mean', cls: 's0', points: epochs.map((l, i) => [i + 1, l]) });
    const all = [...epochs, ...steps.map((s) => s.loss)].filter(Number.isFinite);
    const hi = Math.max(...all);
    const lo = Math.min(0, ...all);
    const xs = series.flatMap((s) => s.points.map((p) => p[0]));
    parts.push(section('Training loss', 'loss', figure('Training loss', lineChart('Training loss curve', series, { lo: Math.min(0, ...xs), hi: Math.max(1, ...xs), label: 'epoch' }, { lo, hi: hi * 1.05 || 1, label: 'loss' }))));
  }
  app.replaceChildren(...parts);
  app.setAttribute('aria-busy', 'false');
}

/** Data split, loss and hyper-parameters of a fine-tuning run, when the report has them. */
function trainingTable(r: EvaluationReport): HTMLElement | undefined {
  const rows: [string, string][] = [];
  if (r.data) {
    rows.push(['pairs (train / dev / dropped)', `${r.data.pairs} (${r.data.train} / ${r.data.dev} / ${r.data.dropped})`]);
    if (r.data.sampledNegatives) rows.push(['sampled non-synonyms (dev)', String(r.data.sampledNegatives)]);
  }
  if (r.loss) rows.push(['loss', r.loss]);
  for (const [k, v] of Object.entries(r.hyperParameters ?? {})) rows.push([k, String(v)]);
  if (typeof r.elapsedMs === 'number') rows.push(['time', `${(r.elapsedMs / 1000).toFixed(1)} s`]);
  if (rows.length === 0) return undefined;
  return h('table', { className: 'training' }, h('tbody', {}, ...rows.map(([k, v]) => h('tr', {}, h('td', { text: k }), h('td', { className: 'num', text: v })))));
}

function figure(caption: string, chart: SVGSVGElement): HTMLElement {
  return h('figure', {}, chart, h('figcaption', { text: caption }));
}

const saved = host.getState();
if (saved.report) render(saved.report, saved.source);
host.post({ type: 'ready' });
