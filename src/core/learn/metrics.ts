/**
 * Binary-classification metrics over pair scores (cosine in [-1, 1]) and labels (1 = synonyms).
 *
 * Definitions follow scikit-learn so numbers can be checked against it:
 * - `classificationReport` = `sklearn.metrics.classification_report(y, pred, output_dict=True)`
 *   with `zero_division=0`; `formatClassificationReport` prints its text form (digits = 2).
 * - `averagePrecision` = `average_precision_score`: Σₙ (Rₙ − Rₙ₋₁) Pₙ over distinct thresholds.
 * - `rocAuc` = `roc_auc_score`: the area under the ROC curve through all distinct thresholds,
 *   i.e. ties between a positive and a negative count one half (Mann–Whitney U / (P·N)).
 * - `bestAccuracy` / `bestF1` are sentence-transformers' `BinaryClassificationEvaluator` searches,
 *   with one difference: cut points lie only between *distinct* scores (its loop may split tied
 *   scores, which no threshold can do). The threshold is the midpoint of the two scores around the
 *   cut; predictions are `score ≥ threshold`.
 */

/** Prediction rule used everywhere: a pair is predicted synonymous when cosine ≥ threshold. */
export function predict(score: number, threshold: number): 0 | 1 {
  return score >= threshold ? 1 : 0;
}

export interface ClassReport {
  precision: number;
  recall: number;
  'f1-score': number;
  support: number;
}

/** sklearn's `classification_report(..., output_dict=True)` for labels 0 and 1. */
export interface ClassificationReport {
  '0': ClassReport;
  '1': ClassReport;
  accuracy: number;
  'macro avg': ClassReport;
  'weighted avg': ClassReport;
}

const safeDiv = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/** Classification report of predictions `pred` against `labels` (zero_division = 0). */
export function classificationReport(labels: readonly (0 | 1)[], pred: readonly (0 | 1)[]): ClassificationReport {
  if (labels.length !== pred.length) throw new RangeError('labels and predictions differ in length');
  let tp = 0;
  let tn = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) pred[i] === 1 ? tp++ : fn++;
    else pred[i] === 1 ? fp++ : tn++;
  }
  const cls = (t: number, f: number, m: number): ClassReport => {
    // For a class c: t = correctly predicted c, f = predicted c wrongly, m = c missed.
    const precision = safeDiv(t, t + f);
    const recall = safeDiv(t, t + m);
    return { precision, recall, 'f1-score': safeDiv(2 * precision * recall, precision + recall), support: t + m };
  };
  const c1 = cls(tp, fp, fn);
  const c0 = cls(tn, fn, fp);
  const n = labels.length;
  const avg = (w0: number, w1: number): ClassReport => ({
    precision: w0 * c0.precision + w1 * c1.precision,
    recall: w0 * c0.recall + w1 * c1.recall,
    'f1-score': w0 * c0['f1-score'] + w1 * c1['f1-score'],
    support: n,
  });
  return {
    '0': c0,
    '1': c1,
    accuracy: safeDiv(tp + tn, n),
    'macro avg': avg(0.5, 0.5),
    'weighted avg': n === 0 ? avg(0, 0) : avg(c0.support / n, c1.support / n),
  };
}

/**
 * Python's `format(x, '.{digits}f')`: like `toFixed`, but an exact binary tie rounds half to even
 * (Python) rather than up (JavaScript), e.g. 0.125 → "0.12".
 */
export function formatFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return String(x);
  const exact = Math.abs(x).toFixed(100); // exact for the magnitudes metrics produce
  const dotAt = exact.indexOf('.');
  const rest = exact.slice(dotAt + 1 + digits);
  if (/^50*$/.test(rest)) {
    const truncated = exact.slice(0, dotAt + 1 + digits).replace(/\.$/, '');
    const lastDigit = Number(truncated.replace('.', '').slice(-1));
    if (lastDigit % 2 === 0) return (x < 0 ? '-' : '') + truncated;
  }
  return x.toFixed(digits);
}

/** The text form of sklearn's `classification_report` (digits = 2, target names "0" and "1"). */
export function formatClassificationReport(r: ClassificationReport, digits = 2): string {
  const width = Math.max('weighted avg'.length, digits);
  const right = (s: string, w: number) => s.padStart(w);
  const headers = ['precision', 'recall', 'f1-score', 'support'];
  let out = right('', width) + ' ' + headers.map((h) => ' ' + right(h, 9)).join('') + '\n\n';
  const row = (name: string, c: ClassReport) =>
    right(name, width) +
    ' ' +
    [c.precision, c.recall, c['f1-score']].map((v) => ' ' + right(formatFixed(v, digits), 9)).join('') +
    ' ' +
    right(String(c.support), 9) +
    '\n';
  out += row('0', r['0']) + row('1', r['1']) + '\n';
  out += right('accuracy', width) + ' ' + ' ' + right('', 9) + ' ' + right('', 9) + ' ' + right(formatFixed(r.accuracy, digits), 9);
  out += ' ' + right(String(r['macro avg'].support), 9) + '\n';
  out += row('macro avg', r['macro avg']) + row('weighted avg', r['weighted avg']);
  return out;
}

/** Indices of `scores` sorted by score descending (stable: ties keep input order). */
function descendingOrder(scores: readonly number[]): number[] {
  const order = scores.map((_, i) => i);
  order.sort((i, j) => scores[j]! - scores[i]! || i - j);
  return order;
}

/**
 * Average precision (sklearn `average_precision_score`): Σ (Rₙ − Rₙ₋₁)·Pₙ, one term per distinct
 * score (tied scores enter together). NaN when there is no positive.
 */
export function averagePrecision(labels: readonly (0 | 1)[], scores: readonly number[]): number {
  const positives = labels.reduce<number>((s, l) => s + l, 0);
  if (positives === 0) return NaN;
  const order = descendingOrder(scores);
  let tp = 0;
  let seen = 0;
  let prevRecall = 0;
  let ap = 0;
  for (let k = 0; k < order.length; ) {
    const s = scores[order[k]!]!;
    while (k < order.length && scores[order[k]!] === s) {
      tp += labels[order[k]!]!;
      seen++;
      k++;
    }
    const recall = tp / positives;
    ap += (recall - prevRecall) * (tp / seen);
    prevRecall = recall;
  }
  return ap;
}

/**
 * ROC-AUC (sklearn `roc_auc_score`): probability that a random positive scores above a random
 * negative, ties counting ½ — the trapezoidal area sklearn computes. NaN unless both classes occur.
 */
export function rocAuc(labels: readonly (0 | 1)[], scores: readonly number[]): number {
  const order = descendingOrder(scores);
  let positives = 0;
  let negatives = 0;
  for (const l of labels) l === 1 ? positives++ : negatives++;
  if (positives === 0 || negatives === 0) return NaN;
  // Walk from the highest score: each negative beats no positive seen before it; within a tie
  // group every positive–negative pair counts one half.
  let posAbove = 0;
  let wins = 0;
  for (let k = 0; k < order.length; ) {
    const s = scores[order[k]!]!;
    let p = 0;
    let n = 0;
    while (k < order.length && scores[order[k]!] === s) {
      labels[order[k]!] === 1 ? p++ : n++;
      k++;
    }
    wins += n * posAbove + 0.5 * n * p;
    posAbove += p;
  }
  return wins / (positives * negatives);
}

export interface ThresholdResult {
  /** Accuracy or F1 in [0, 1]. */
  value: number;
  /** Cosine threshold (predict 1 when score ≥ threshold). */
  threshold: number;
}

/** Distinct-score groups in descending order: [score, positives, negatives]. */
function groups(labels: readonly (0 | 1)[], scores: readonly number[]): [number, number, number][] {
  const order = descendingOrder(scores);
  const out: [number, number, number][] = [];
  for (const i of order) {
    const last = out[out.length - 1];
    if (last && last[0] === scores[i]) labels[i] === 1 ? last[1]++ : last[2]++;
    else out.push([scores[i]!, labels[i] === 1 ? 1 : 0, labels[i] === 1 ? 0 : 1]);
  }
  return out;
}

/**
 * The best accuracy over thresholds between distinct scores, and that threshold (the midpoint of
 * the scores around the cut). As in sentence-transformers, the cut after the lowest score (all
 * predicted positive) is not tried, and the first best cut wins.
 */
export function bestAccuracy(labels: readonly (0 | 1)[], scores: readonly number[]): ThresholdResult {
  const g = groups(labels, scores);
  const n = labels.length;
  let positivesSoFar = 0;
  let remainingNegatives = labels.filter((l) => l === 0).length;
  let best: ThresholdResult = { value: 0, threshold: -1 };
  for (let k = 0; k + 1 < g.length; k++) {
    positivesSoFar += g[k]![1];
    remainingNegatives -= g[k]![2];
    const acc = (positivesSoFar + remainingNegatives) / n;
    if (acc > best.value) best = { value: acc, threshold: (g[k]![0] + g[k + 1]![0]) / 2 };
  }
  return best;
}

export interface F1Result extends ThresholdResult {
  precision: number;
  recall: number;
}

/** The best F1 of class 1 over thresholds between distinct scores, with its precision and recall. */
export function bestF1(labels: readonly (0 | 1)[], scores: readonly number[]): F1Result {
  const g = groups(labels, scores);
  const positives = labels.filter((l) => l === 1).length;
  let extracted = 0;
  let correct = 0;
  let best: F1Result = { value: 0, threshold: 0, precision: 0, recall: 0 };
  for (let k = 0; k + 1 < g.length; k++) {
    extracted += g[k]![1] + g[k]![2];
    correct += g[k]![1];
    if (correct === 0) continue;
    const precision = correct / extracted;
    const recall = correct / positives;
    const f1 = (2 * precision * recall) / (precision + recall);
    if (f1 > best.value) best = { value: f1, threshold: (g[k]![0] + g[k + 1]![0]) / 2, precision, recall };
  }
  return best;
}

/** Mean of `scores` where `labels` equals `label`; NaN when there is none. */
export function meanWhere(labels: readonly (0 | 1)[], scores: readonly number[], label: 0 | 1): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === label) {
      s += scores[i]!;
      n++;
    }
  }
  return n === 0 ? NaN : s / n;
}
