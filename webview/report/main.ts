/**
 * The evaluation report webview: before/after metrics, classification reports, score histograms
 * by label with the threshold, PR and ROC curves, and the training loss, from an
 * `EvaluationReport` the host sends (and `setState` keeps, so a restored panel needs nothing).
 */
import type { ClassificationReport } from '../../src/core/learn/metrics';
import type { Evaluation } from '../../src/core/learn/evaluate';
import type { EvaluationReport, FromReportMessage, ReportState, ReportStrings, ScoredPair, ToReportMessage } from '../../src/shared/webviewProtocol';
import { Host } from '../common/host';
import { h } from '../common/dom';
import { format, pageStrings } from '../common/strings';
import { histogram, lineChart, prCurve, rocCurve, type Series } from './charts';

const S = pageStrings<ReportStrings>();

const host = new Host<ToReportMessage, FromReportMessage, ReportState>((m) => {
  if (m.type === 'report') {
    host.setState({ report: m.report, source: m.source });
    render(m.report, m.source);
  }
});
const app = document.getElementById('app')!;

/** Metric rows: label, key, and whether a higher value is better (undefined: neither). */
const METRICS: [string, keyof Evaluation, boolean | undefined][] = [
  [S.metricPairs, 'n', undefined],
  [S.metricAccuracyAt, 'accuracy', true],
  [S.metricBestAccuracy, 'best_accuracy', true],
  [S.metricBestAccuracyThreshold, 'best_threshold', undefined],
  [S.metricBestF1, 'f1', true],
  [S.metricBestF1Threshold, 'f1_threshold', undefined],
  [S.metricPrecisionAtBestF1, 'precision', true],
  [S.metricRecallAtBestF1, 'recall', true],
  [S.metricAveragePrecision, 'ap', true],
  [S.metricRocAuc, 'roc_auc', true],
  [S.metricMeanCosinePositive, 'mean_cos_pos', true],
  [S.metricMeanCosineNegative, 'mean_cos_neg', false],
  [S.metricRetrievalQueries, 'retrieval_queries', undefined],
  [S.metricRecallAt1, 'recall_at_1', true],
  [S.metricRecallAt10, 'recall_at_10', true],
  [S.metricMrr, 'mrr', true],
  [S.metricVocabulary, 'vocabulary', undefined],
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
  const head = h('tr', {}, h('th', { text: S.colMetric }), h('th', { text: after ? S.colBefore : S.colValue }));
  if (after) head.append(h('th', { text: S.colAfter }), h('th', { text: 'Δ' }));
  const rows = METRICS.map(([label, key, higherBetter]) => {
    const count = COUNTS.has(key);
    const b = num(before[key]);
    const tr = h('tr', { 'data-metric': key }, h('td', { text: key === 'accuracy' ? format(label, before.threshold) : label }), h('td', { className: 'num', text: fmt(b, count) }));
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
  t.append(h('caption', { text: format(S.classificationCaption, title, threshold) }));
  t.append(h('thead', {}, h('tr', {}, ...['', S.colPrecision, S.colRecall, S.colF1, S.colSupport].map((x) => h('th', { text: x })))));
  const body = h('tbody');
  if (r) {
    const rows: [string, keyof ClassificationReport][] = [
      [S.rowNotSynonyms, '0'],
      [S.rowSynonyms, '1'],
      [S.rowMacroAvg, 'macro avg'],
      [S.rowWeightedAvg, 'weighted avg'],
    ];
    for (const [name, key] of rows) {
      const c = r[key] as ClassificationReport['0'];
      body.append(h('tr', {}, h('td', { text: name }), ...[c.precision, c.recall, c['f1-score']].map((v) => h('td', { className: 'num', text: fmt(num(v)).slice(0, 6) })), h('td', { className: 'num', text: String(c.support) })));
    }
    body.append(h('tr', {}, h('td', { text: S.rowAccuracy }), h('td'), h('td'), h('td', { className: 'num', text: fmt(num(r.accuracy)).slice(0, 6) }), h('td', { className: 'num', text: String(r['weighted avg'].support) })));
  }
  t.append(body);
  return t;
}

/** The banner of an evaluation on the model's own training data, above everything else (undefined otherwise). */
function trainingWarning(report: EvaluationReport): HTMLElement | undefined {
  const t = report.training;
  if (!t || typeof t.pairs !== 'number' || typeof t.trainedPairs !== 'number') return undefined;
  const what = t.kind === 'same-file' ? format(S.trainingSameFile, t.trainedPairs, t.pairs) : format(S.trainingOverlap, t.trainedPairs, t.pairs, t.trainingFile ?? '');
  return h(
    'div',
    { className: 'warning-banner', id: 'training-warning', role: 'alert' },
    h('strong', { text: what }),
    h('p', { text: t.heldOutAvailable ? S.trainingHeldOutHint : S.trainingOtherFileHint }),
  );
}

function render(report: EvaluationReport, source?: string): void {
  const { before, after } = report;
  const parts: Node[] = [];
  const meta = [
    report.dictionary && format(S.metaDictionary, report.dictionary),
    report.baseModelId && format(S.metaBaseModel, report.baseModelId),
    report.modelId && format(S.metaModel, report.modelId),
    report.createdAt && new Date(report.createdAt).toLocaleString(),
    source && format(S.metaSource, source),
  ].filter((x): x is string => typeof x === 'string' && x !== '');
  parts.push(h('header', {}, h('h1', { text: report.title ?? S.reportTitle }), h('p', { className: 'muted', id: 'meta', text: meta.join(' · ') })));
  const warning = trainingWarning(report);
  if (warning) parts.push(warning);
  if (report.heldOut) parts.push(h('p', { className: 'note', id: 'held-out-note', text: format(S.heldOutNote, report.before.n) }));

  parts.push(section(after ? S.metricsBeforeAfter : S.metrics, 'metrics', metricsTable(before, after)));
  const training = trainingTable(report);
  if (training) parts.push(section(S.trainingRun, 'training', training));
  const reports = h('div', { className: 'side-by-side' }, classificationTable(after ? S.before : S.classificationReport, before.report, before.threshold));
  if (after) reports.append(classificationTable(S.after, after.report, after.threshold));
  parts.push(section(S.classificationReport, 'classification', reports));

  const scored: [string, ScoredPair[] | undefined, number][] = [
    [after ? S.before : S.scores, report.scores?.before, before.threshold],
    [S.after, report.scores?.after, after?.threshold ?? before.threshold],
  ];
  const withScores = scored.filter(([, s]) => s && s.length > 0) as [string, ScoredPair[], number][];
  if (withScores.length > 0) {
    parts.push(section(S.scoreDistribution, 'histogram', h('div', { className: 'side-by-side' }, ...withScores.map(([name, s, t]) => figure(name, histogram(format(S.histogramTitle, name), s, t, S))))));
    const pr: Series[] = withScores.map(([name, s], k) => ({ name, cls: `s${k}`, points: prCurve(s) }));
    const roc: Series[] = withScores.map(([name, s], k) => ({ name, cls: `s${k}`, points: rocCurve(s) }));
    roc.push({ name: S.chance, cls: 's3', points: [[0, 0], [1, 1]], dashed: true });
    parts.push(
      section(
        S.curves,
        'curves',
        h(
          'div',
          { className: 'side-by-side' },
          figure(S.precisionRecall, lineChart(S.precisionRecallCurve, pr, { lo: 0, hi: 1, label: S.axisRecall }, { lo: 0, hi: 1, label: S.axisPrecision })),
          figure(S.roc, lineChart(S.rocCurve, roc, { lo: 0, hi: 1, label: S.axisFalsePositiveRate }, { lo: 0, hi: 1, label: S.axisTruePositiveRate })),
        ),
      ),
    );
  }

  const epochs = report.epochLosses ?? [];
  const steps = report.stepLosses ?? [];
  if (epochs.length > 0 || steps.length > 0) {
    const series: Series[] = [];
    const stepsPerEpoch = steps.length > 0 && epochs.length > 0 ? (steps[steps.length - 1]!.step + 1) / epochs.length : 1;
    if (steps.length > 0) series.push({ name: S.stepLoss, cls: 's2', points: steps.map((s) => [s.step / stepsPerEpoch, s.loss]) });
    if (epochs.length > 0) series.push({ name: S.epochMean, cls: 's0', points: epochs.map((l, i) => [i + 1, l]) });
    const all = [...epochs, ...steps.map((s) => s.loss)].filter(Number.isFinite);
    const hi = Math.max(...all);
    const lo = Math.min(0, ...all);
    const xs = series.flatMap((s) => s.points.map((p) => p[0]));
    parts.push(section(S.trainingLoss, 'loss', figure(S.trainingLoss, lineChart(S.trainingLossCurve, series, { lo: Math.min(0, ...xs), hi: Math.max(1, ...xs), label: S.axisEpoch }, { lo, hi: hi * 1.05 || 1, label: S.axisLoss }))));
  }
  const choice = epochChoice(report);
  if (choice) parts.push(choice);
  app.replaceChildren(...parts);
  app.setAttribute('aria-busy', 'false');
}

/**
 * How the run chose its epoch count (`epochSelection`): what happened, in words, and the held-out
 * AUC after each epoch of the choosing run with the chosen epoch marked.
 */
function epochChoice(r: EvaluationReport): HTMLElement | undefined {
  const s = r.epochSelection;
  const c = r.collapseStop;
  if (!s && c && typeof c.stoppedAt === 'number' && Array.isArray(c.randomCosRiseByEpoch)) {
    const rise = c.randomCosRiseByEpoch[c.stoppedAt];
    const text = format(S.collapseStopSummary, c.epochs, c.maxEpochs, c.stoppedAt, typeof rise === 'number' ? rise.toFixed(3) : '–', c.limit);
    return section(S.epochChoice, 'epochs', h('p', { className: 'muted', text }));
  }
  if (!s || !Array.isArray(s.aucByEpoch)) return undefined;
  const points = s.aucByEpoch.map((a, e) => [e, a] as [number, number]).filter(([, a]) => Number.isFinite(a));
  if (points.length === 0) return undefined;
  const text = [format(S.epochChoiceSummary, s.epochs, s.maxEpochs, s.validationPairs, Math.round(s.fraction * 100))];
  if (s.fallback) text.push(format(S.epochChoiceFallback, s.bestEpoch, s.maxEpochs));
  else if (s.redone) text.push(format(S.epochChoiceRedone, s.maxEpochs));
  const ys = points.map(([, a]) => a);
  const lo = Math.max(0, Math.floor(Math.min(...ys) * 20) / 20 - 0.05);
  const hi = Math.min(1, Math.ceil(Math.max(...ys) * 20) / 20 + 0.05);
  const series: Series[] = [
    { name: S.validationAuc, cls: 's0', points },
    { name: S.chosenEpoch, cls: 's3', points: [[s.bestEpoch, lo], [s.bestEpoch, hi]], dashed: true },
  ];
  return section(
    S.epochChoice,
    'epochs',
    h('p', { className: 'muted', text: text.join(' ') }),
    figure(S.validationAucCurve, lineChart(S.validationAucCurve, series, { lo: 0, hi: Math.max(1, points.at(-1)![0]), label: S.axisEpoch }, { lo, hi, label: S.axisRocAuc })),
  );
}

/** Data split, loss and hyper-parameters of a fine-tuning run, when the report has them. */
function trainingTable(r: EvaluationReport): HTMLElement | undefined {
  const rows: [string, string][] = [];
  if (r.data) {
    rows.push([S.trainingPairs, `${r.data.pairs} (${r.data.train} / ${r.data.dev} / ${r.data.dropped})`]);
    if (r.data.sampledNegatives) rows.push([S.trainingSampledNegatives, String(r.data.sampledNegatives)]);
  }
  if (r.loss) rows.push([S.trainingLossName, r.loss]);
  const chosen = r.epochSelection ?? (r.collapseStop?.stoppedAt !== undefined ? r.collapseStop : undefined);
  if (chosen) rows.push([S.trainingEpochsChosen, format(S.epochsOfMax, chosen.epochs, chosen.maxEpochs)]);
  for (const [k, v] of Object.entries(r.hyperParameters ?? {})) rows.push([k, String(v)]);
  if (typeof r.elapsedMs === 'number') rows.push([S.trainingTime, format(S.seconds, (r.elapsedMs / 1000).toFixed(1))]);
  if (rows.length === 0) return undefined;
  return h('table', { className: 'training' }, h('tbody', {}, ...rows.map(([k, v]) => h('tr', {}, h('td', { text: k }), h('td', { className: 'num', text: v })))));
}

function figure(caption: string, chart: SVGSVGElement): HTMLElement {
  return h('figure', {}, chart, h('figcaption', { text: caption }));
}

const saved = host.getState();
if (saved.report) render(saved.report, saved.source);
host.post({ type: 'ready' });
