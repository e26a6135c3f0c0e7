/**
 * Evaluation of a model (any term → vector lookup) on labelled pairs: the metrics a user reads
 * after "Fine-tune Model", as one JSON-able object and as Markdown.
 */
import { termKey } from '../dictionary';
import { dot } from '../vectors';
import {
  averagePrecision,
  bestAccuracy,
  bestF1,
  classificationReport,
  formatClassificationReport,
  formatFixed,
  meanWhere,
  predict,
  rocAuc,
  type ClassificationReport,
} from './metrics';
import { TermGroups } from './split';
import type { TextPair } from './types';

/**
 * Evaluation figures. Keys are snake_case because they are the CLI's `--json` contract
 * (`evaluate`), mirroring sentence-transformers' evaluator names. Cosines in [-1, 1]; NaN
 * (JSON `null`) where a figure is undefined (e.g. ROC-AUC without negatives).
 */
export interface Evaluation {
  /** Pairs scored (pairs whose two vectors were available). */
  n: number;
  /** Accuracy at `threshold` (predict synonym when cosine ≥ threshold). */
  accuracy: number;
  threshold: number;
  best_accuracy: number;
  best_threshold: number;
  /** Best F1 of class 1, with its threshold, precision and recall. */
  f1: number;
  f1_threshold: number;
  precision: number;
  recall: number;
  /** Average precision (sklearn definition). */
  ap: number;
  /** ROC-AUC (sklearn definition, ties count ½). */
  roc_auc: number;
  mean_cos_pos: number;
  mean_cos_neg: number;
  /** sklearn `classification_report(output_dict=True)` at `threshold`. */
  report: ClassificationReport;
  /** Retrieval: terms with at least one synonym in the vocabulary (queries). */
  retrieval_queries: number;
  /** Mean over queries of the share of their synonyms among the top 1 / top 10 other terms. */
  recall_at_1: number;
  recall_at_10: number;
  /** Mean reciprocal rank of the first synonym among all other vocabulary terms. */
  mrr: number;
  /** Size of the vocabulary searched. */
  vocabulary: number;
}

export interface RetrievalResult {
  queries: number;
  recallAt1: number;
  recallAt10: number;
  mrr: number;
}

/**
 * Exact retrieval metrics. `vectors[i]` are L2-normalised (so dot = cosine); `relevant` maps a query
 * row to the rows of its synonyms (other rows). Each query is ranked against every other row;
 * a relevant row's rank is 1 + the rows scoring higher + the rows scoring equal with a lower index
 * (the same tie order as `KnnIndex.search`). recall@k of a query = share of its relevant rows with rank ≤ k.
 */
export function retrievalMetrics(vectors: readonly Float32Array[], relevant: ReadonlyMap<number, readonly number[]>): RetrievalResult {
  let queries = 0;
  let r1 = 0;
  let r10 = 0;
  let mrr = 0;
  const scores = new Float64Array(vectors.length);
  for (const [q, rel] of relevant) {
    if (rel.length === 0) continue;
    queries++;
    const v = vectors[q]!;
    for (let j = 0; j < vectors.length; j++) scores[j] = j === q ? -Infinity : dot(v, vectors[j]!);
    let best = Infinity;
    let hit1 = 0;
    let hit10 = 0;
    for (const r of rel) {
      const s = scores[r]!;
      let rank = 1;
      for (let j = 0; j < vectors.length; j++) {
        const sj = scores[j]!;
        if (sj > s || (sj === s && j < r)) rank++;
      }
      if (rank <= 1) hit1++;
      if (rank <= 10) hit10++;
      if (rank < best) best = rank;
    }
    r1 += hit1 / rel.length;
    r10 += hit10 / rel.length;
    mrr += 1 / best;
  }
  return queries === 0
    ? { queries, recallAt1: NaN, recallAt10: NaN, mrr: NaN }
    : { queries, recallAt1: r1 / queries, recallAt10: r10 / queries, mrr: mrr / queries };
}

/**
 * Queries for retrieval: every vocabulary term that has a synonym in `pairs`; its relevant rows are
 * the other members of its synonym group (connected component of the label-1 pairs) that are in
 * the vocabulary. Terms are matched by `termKey`; duplicates in `vocabulary` keep the first row.
 */
export function retrievalQueries(pairs: readonly TextPair[], vocabulary: readonly string[]): Map<number, number[]> {
  const groups = TermGroups.ofPairs(pairs.filter((p) => p.label === 1));
  const row = new Map<string, number>();
  vocabulary.forEach((t, i) => {
    const k = termKey(t);
    if (!row.has(k)) row.set(k, i);
  });
  const members = new Map<number, number[]>();
  for (const [k, i] of row) {
    if (!groups.has(k)) continue;
    const g = groups.group(k);
    let list = members.get(g);
    if (!list) members.set(g, (list = []));
    list.push(i);
  }
  const out = new Map<number, number[]>();
  for (const list of members.values()) {
    if (list.length < 2) continue;
    for (const q of list) out.set(q, list.filter((r) => r !== q));
  }
  return out;
}

export interface EvaluateOptions {
  /** Cosine threshold of the classification report, in [-1, 1]. Default 0.5 (the classic recipe's). */
  threshold?: number;
  /**
   * Terms searched for retrieval (e.g. every term of the dictionary, train and dev). Default: the
   * terms of `pairs`. Queries are the terms of `pairs` with synonyms.
   */
  vocabulary?: readonly string[];
}

/** Terms of pairs, by `termKey`, spelled as first seen, in order. */
export function termsOf(pairs: readonly TextPair[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const p of pairs)
    for (const t of [p.a, p.b]) {
      const k = termKey(t);
      if (k !== '' && !seen.has(k)) {
        seen.add(k);
        out.push(t);
      }
    }
  return out;
}

/**
 * Evaluates `vectorOf` (term → L2-normalised vector, or undefined when unavailable) on labelled
 * pairs. Pairs with a missing vector are left out of every figure (`n` counts the rest).
 */
export function evaluate(
  pairs: readonly TextPair[],
  vectorOf: (term: string) => Float32Array | undefined,
  options: EvaluateOptions = {},
): Evaluation {
  const threshold = options.threshold ?? 0.5;
  const labels: (0 | 1)[] = [];
  const scores: number[] = [];
  for (const p of pairs) {
    const a = vectorOf(p.a);
    const b = vectorOf(p.b);
    if (!a || !b) continue;
    labels.push(p.label);
    scores.push(Math.max(-1, Math.min(1, dot(a, b))));
  }
  const report = classificationReport(
    labels,
    scores.map((s) => predict(s, threshold)),
  );
  const acc = bestAccuracy(labels, scores);
  const f1 = bestF1(labels, scores);

  const vocabulary = (options.vocabulary ?? termsOf(pairs)).filter((t) => vectorOf(t) !== undefined);
  const vectors = vocabulary.map((t) => vectorOf(t)!);
  const retrieval = retrievalMetrics(vectors, retrievalQueries(pairs, vocabulary));

  return {
    n: labels.length,
    accuracy: report.accuracy,
    threshold,
    best_accuracy: acc.value,
    best_threshold: acc.threshold,
    f1: f1.value,
    f1_threshold: f1.threshold,
    precision: f1.precision,
    recall: f1.recall,
    ap: averagePrecision(labels, scores),
    roc_auc: rocAuc(labels, scores),
    mean_cos_pos: meanWhere(labels, scores, 1),
    mean_cos_neg: meanWhere(labels, scores, 0),
    report,
    retrieval_queries: retrieval.queries,
    recall_at_1: retrieval.recallAt1,
    recall_at_10: retrieval.recallAt10,
    mrr: retrieval.mrr,
    vocabulary: vocabulary.length,
  };
}

const fmt = (x: number, digits = 4) => (Number.isNaN(x) ? '–' : formatFixed(x, digits));

/**
 * Markdown for one evaluation, or a before/after table when `after` is given (with a Δ column),
 * followed by the classification report(s) at the threshold as sklearn prints them.
 */
export function evaluationMarkdown(before: Evaluation, after?: Evaluation, titles: [string, string] = ['before', 'after']): string {
  const rows: [string, keyof Evaluation][] = [
    ['pairs', 'n'],
    [`accuracy @ ${before.threshold}`, 'accuracy'],
    ['best accuracy', 'best_accuracy'],
    ['best-accuracy threshold', 'best_threshold'],
    ['best F1', 'f1'],
    ['best-F1 threshold', 'f1_threshold'],
    ['precision @ best F1', 'precision'],
    ['recall @ best F1', 'recall'],
    ['average precision', 'ap'],
    ['ROC-AUC', 'roc_auc'],
    ['mean cosine, synonyms', 'mean_cos_pos'],
    ['mean cosine, non-synonyms', 'mean_cos_neg'],
    ['retrieval queries', 'retrieval_queries'],
    ['recall@1', 'recall_at_1'],
    ['recall@10', 'recall_at_10'],
    ['MRR', 'mrr'],
  ];
  const cell = (e: Evaluation, k: keyof Evaluation) => {
    const v = e[k] as number;
    return k === 'n' || k === 'retrieval_queries' ? String(v) : fmt(v);
  };
  let md: string;
  if (after) {
    md = `| metric | ${titles[0]} | ${titles[1]} | Δ |\n|---|---:|---:|---:|\n`;
    for (const [name, k] of rows) {
      const d = (after[k] as number) - (before[k] as number);
      const delta = k === 'n' || k === 'retrieval_queries' ? '' : Number.isNaN(d) ? '–' : (d >= 0 ? '+' : '') + fmt(d);
      md += `| ${name} | ${cell(before, k)} | ${cell(after, k)} | ${delta} |\n`;
    }
  } else {
    md = '| metric | value |\n|---|---:|\n';
    for (const [name, k] of rows) md += `| ${name} | ${cell(before, k)} |\n`;
  }
  const reports = after ? ([[titles[0], before], [titles[1], after]] as const) : ([['', before]] as const);
  for (const [title, e] of reports) {
    md += `\nClassification report at cosine ${e.threshold}${title ? ` (${title})` : ''}:\n\n\`\`\`\n${formatClassificationReport(e.report)}\`\`\`\n`;
  }
  return md;
}
