import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  averagePrecision,
  bestAccuracy,
  bestF1,
  classificationReport,
  formatClassificationReport,
  formatFixed,
  rocAuc,
} from '../../src/core/learn/metrics';
import { evaluate, evaluationMarkdown, retrievalMetrics, retrievalQueries } from '../../src/core/learn/evaluate';
import type { TextPair } from '../../src/core/learn/types';

const close = (actual: number, expected: number, eps = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= eps, `${actual} ≉ ${expected}`);

test('average precision and ROC-AUC match the sklearn documentation examples', () => {
  // sklearn docs: average_precision_score(y, s) → 0.83…, roc_auc_score(y, s) → 0.75
  const y: (0 | 1)[] = [0, 0, 1, 1];
  const s = [0.1, 0.4, 0.35, 0.8];
  close(averagePrecision(y, s), 0.8333333333333333);
  close(rocAuc(y, s), 0.75);
});

test('ties: a tie between a positive and a negative counts one half, tied scores enter AP together', () => {
  close(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]), 0.5);
  close(averagePrecision([1, 0], [0.5, 0.5]), 0.5);
  // P=0.9 beats both, 0.4 ties with one negative and beats the other: (2 + 1.5) / 4
  close(rocAuc([1, 1, 0, 0], [0.9, 0.4, 0.4, 0.1]), 0.875);
  assert.ok(Number.isNaN(rocAuc([1, 1], [0.2, 0.3])));
  assert.ok(Number.isNaN(averagePrecision([0, 0], [0.2, 0.3])));
});

// Worked by hand: labels and cosines of five pairs, threshold 0.5 → predictions [1, 1, 0, 1, 0].
const labels: (0 | 1)[] = [1, 1, 1, 0, 0];
const scores = [0.9, 0.6, 0.3, 0.7, 0.1];

test('classification report by hand and in sklearn text layout', () => {
  const r = classificationReport(labels, scores.map((s) => (s >= 0.5 ? 1 : 0)));
  close(r['1'].precision, 2 / 3);
  close(r['1'].recall, 2 / 3);
  close(r['0'].precision, 0.5);
  assert.equal(r['0'].support, 2);
  close(r.accuracy, 0.6);
  close(r['macro avg'].precision, (0.5 + 2 / 3) / 2);
  close(r['weighted avg']['f1-score'], (2 * 0.5 + 3 * (2 / 3)) / 5);
  assert.equal(
    formatClassificationReport(r),
    [
      '              precision    recall  f1-score   support',
      '',
      '           0       0.50      0.50      0.50         2',
      '           1       0.67      0.67      0.67         3',
      '',
      '    accuracy                           0.60         5',
      '   macro avg       0.58      0.58      0.58         5',
      'weighted avg       0.60      0.60      0.60         5',
      '',
    ].join('\n'),
  );
});

test('zero division gives 0 as sklearn zero_division=0', () => {
  const r = classificationReport([1, 1], [0, 0]);
  assert.equal(r['1'].precision, 0);
  assert.equal(r['0'].precision, 0);
  assert.equal(r['0'].support, 0);
});

test('AUC, AP, best accuracy and best F1 by hand', () => {
  close(rocAuc(labels, scores), 4 / 6);
  close(averagePrecision(labels, scores), 1 / 3 + (1 / 3) * (2 / 3) + (1 / 3) * (3 / 4));
  const acc = bestAccuracy(labels, scores);
  close(acc.value, 0.8);
  close(acc.threshold, 0.2);
  const f1 = bestF1(labels, scores);
  close(f1.value, 6 / 7);
  close(f1.threshold, 0.2);
  close(f1.precision, 0.75);
  close(f1.recall, 1);
});

test('formatFixed rounds exact ties half to even like Python', () => {
  assert.equal(formatFixed(0.125, 2), '0.12');
  assert.equal(formatFixed(0.375, 2), '0.38');
  assert.equal(formatFixed(2.5, 0), '2');
  assert.equal(formatFixed(0.5, 2), '0.50');
  assert.equal(formatFixed(2 / 3, 2), '0.67');
  assert.equal(formatFixed(-0.125, 2), '-0.12');
});

const unit = (...v: number[]) => {
  const n = Math.hypot(...v);
  return Float32Array.from(v.map((x) => x / n));
};

test('retrieval: recall@k and MRR by hand', () => {
  // q=0's synonyms are 1 (rank 2, behind 2) and 3 (rank 3).
  const vectors = [unit(1, 0), unit(0.8, 0.6), unit(0.9, 0.1), unit(0, 1)];
  const r = retrievalMetrics(vectors, new Map([[0, [1, 3]]]));
  assert.equal(r.queries, 1);
  close(r.recallAt1, 0);
  close(r.recallAt10, 1);
  close(r.mrr, 0.5);
});

test('retrieval queries are synonym-group members present in the vocabulary', () => {
  const pairs: TextPair[] = [
    { a: 'A', b: 'b', label: 1 },
    { a: 'b', b: 'c', label: 1 },
    { a: 'a', b: 'x', label: 0 },
  ];
  const q = retrievalQueries(pairs, ['a', 'B', 'x', 'c', 'y']);
  assert.deepEqual([...q.entries()], [
    [0, [1, 3]],
    [1, [0, 3]],
    [3, [0, 1]],
  ]);
});

test('evaluate assembles the JSON keys and renders Markdown', () => {
  const vec: Record<string, Float32Array> = {
    a: unit(1, 0),
    b: unit(0.9, 0.1),
    c: unit(0, 1),
    d: unit(0.1, 0.9),
  };
  const pairs: TextPair[] = [
    { a: 'a', b: 'b', label: 1 },
    { a: 'c', b: 'd', label: 1 },
    { a: 'a', b: 'c', label: 0 },
    { a: 'b', b: 'zz', label: 0 },
  ];
  const e = evaluate(pairs, (t) => vec[t]);
  assert.equal(e.n, 3);
  assert.equal(e.roc_auc, 1);
  assert.equal(e.accuracy, 1);
  assert.equal(e.retrieval_queries, 4);
  assert.equal(e.recall_at_1, 1);
  for (const k of ['n', 'accuracy', 'threshold', 'best_accuracy', 'best_threshold', 'f1', 'f1_threshold', 'precision', 'recall', 'ap', 'roc_auc', 'mean_cos_pos', 'mean_cos_neg', 'report'])
    assert.ok(k in e, k);
  const md = evaluationMarkdown(e, e);
  assert.match(md, /\| ROC-AUC \| 1\.0000 \| 1\.0000 \| \+0\.0000 \|/);
  assert.match(md, /weighted avg/);
});
