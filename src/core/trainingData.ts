/**
 * Training data for fine-tuning big embedding models elsewhere (on GPUs, with FlagEmbedding or
 * sentence-transformers): each term of a synonym group as a query, the other members as
 * positives, and hard negatives — the terms the curator rejected for it (label-0 pairs of the
 * dictionary and of its decisions file) first, then the terms the current model puts nearest that
 * are not in its group. Layouts, exactly as those projects document them (docs/training-data.md):
 *
 * - FlagEmbedding: JSON Lines, one `{"query": str, "pos": [str], "neg": [str]}` per line;
 * - sentence-transformers: CSV `anchor,positive,negative`, one triplet a row.
 */

import type { Pair } from './csv/types';
import { formatRecord } from './csv/serialize';
import { synonymGroups, termKey } from './dictionary';
import { DecisionIndex, pairKey, type Decision } from './decisions';
import type { KnnIndex } from './knn';
import { throwIfCancelled, type CancellationFlag } from './cancellation';

/** One query with its positives and negatives (FlagEmbedding's record). */
export interface TrainingExample {
  query: string;
  pos: string[];
  neg: string[];
}

export type TrainingFormat = 'flagembedding' | 'sentence-transformers';
export const TRAINING_FORMATS: readonly TrainingFormat[] = ['flagembedding', 'sentence-transformers'];

export interface TrainingExampleOptions {
  /** Negatives per query, rejected ones included (default 7: FlagEmbedding's train_group_size 8 is 1 positive + 7 negatives). */
  negatives?: number;
  flag?: CancellationFlag;
}

/**
 * The standing verdicts of a dictionary's label-0 pairs and then of its decisions file (later
 * verdicts win, so a decision taken back in the file overrides the dictionary's label 0).
 */
export function standingDecisions(pairs: readonly Pair[], fileDecisions: readonly Decision[] = []): DecisionIndex {
  const index = new DecisionIndex();
  // A dictionary row has no date; the epoch marks it as older than any decision in the file.
  for (const p of pairs) if (p.label === 0) index.add({ term: p.a.text, synonym: p.b.text, label: 0, decidedAt: '1970-01-01' });
  for (const d of fileDecisions) index.add(d);
  return index;
}

/**
 * The pairs a fine-tuning run learns from: the dictionary's labelled pairs, then each standing
 * rejection of its decisions file (label 0) whose pair the dictionary does not already have, as a
 * label-0 pair, so a rejected suggestion is a hard negative of the next fine-tune. Accepted
 * decisions are in the dictionary itself and add nothing.
 */
export function withRejectedPairs<P extends { a: string; b: string; label: 0 | 1 }>(pairs: readonly P[], fileDecisions: readonly Decision[]): (P | { a: string; b: string; label: 0 })[] {
  if (fileDecisions.length === 0) return [...pairs];
  const have = new Set(pairs.map((p) => pairKey(p.a, p.b)));
  const out: (P | { a: string; b: string; label: 0 })[] = [...pairs];
  for (const d of new DecisionIndex(fileDecisions).rejected()) {
    const key = pairKey(d.term, d.synonym);
    if (have.has(key)) continue;
    have.add(key);
    out.push({ a: d.term, b: d.synonym, label: 0 });
  }
  return out;
}

/**
 * One example per term of each synonym group (groups of label-1 pairs): the term as `query`, the
 * other members as `pos`, and up to `negatives` `neg`: its rejected partners, then the nearest
 * terms of `terms` by cosine outside its group, never a pair decided as synonyms. `vectors` row i
 * is `terms[i]`'s L2-normalised vector; `terms` must hold every group member. Throws
 * `CancelledError` when `flag` is set.
 */
export function trainingExamples(
  pairs: readonly Pair[],
  terms: readonly string[],
  vectors: KnnIndex,
  decisions: DecisionIndex,
  options: TrainingExampleOptions = {},
): TrainingExample[] {
  const negatives = options.negatives ?? 7;
  const row = new Map<string, number>();
  terms.forEach((t, i) => {
    if (!row.has(termKey(t))) row.set(termKey(t), i);
  });
  const rejectedOf = new Map<string, string[]>();
  for (const d of decisions.rejected()) {
    for (const [a, b] of [[d.term, d.synonym], [d.synonym, d.term]] as const) {
      const list = rejectedOf.get(termKey(a)) ?? [];
      list.push(b.trim());
      rejectedOf.set(termKey(a), list);
    }
  }
  const out: TrainingExample[] = [];
  let n = 0;
  for (const group of synonymGroups(pairs)) {
    const inGroup = new Set(group.map(termKey));
    for (const query of group) {
      if (n++ % 64 === 0) throwIfCancelled(options.flag);
      const pos = group.filter((t) => t !== query);
      const neg: string[] = [];
      const taken = new Set<string>();
      const offer = (t: string) => {
        const key = termKey(t);
        if (neg.length >= negatives || inGroup.has(key) || taken.has(key) || decisions.get(query, t)?.label === 1) return;
        taken.add(key);
        neg.push(t);
      };
      for (const t of rejectedOf.get(termKey(query)) ?? []) offer(t);
      const r = row.get(termKey(query));
      if (r === undefined) throw new RangeError(`no vector for the group member '${query}'`);
      if (neg.length < negatives) {
        const want = negatives - neg.length + group.length + taken.size;
        for (const h of vectors.search(vectors.row(r), want, (i) => inGroup.has(termKey(terms[i]!)))) offer(terms[h.index]!);
      }
      out.push({ query, pos, neg });
    }
  }
  return out;
}

/** FlagEmbedding's JSON Lines: one `{"query","pos","neg"}` object a line, UTF-8, `\n` after each. */
export function flagEmbeddingJsonl(examples: readonly TrainingExample[]): string {
  return examples.map((e) => JSON.stringify({ query: e.query, pos: e.pos, neg: e.neg }) + '\n').join('');
}

/**
 * sentence-transformers triplets: a CSV with the header `anchor,positive,negative` and a row per
 * (query, positive), its negative taken in turn from the query's negatives (so a query with
 * several positives meets several of its negatives). Queries without a negative give no row.
 */
export function sentenceTransformersCsv(examples: readonly TrainingExample[]): string {
  let out = 'anchor,positive,negative\n';
  for (const e of examples) {
    if (e.neg.length === 0) continue;
    e.pos.forEach((p, i) => {
      out += formatRecord([e.query, p, e.neg[i % e.neg.length]!]) + '\n';
    });
  }
  return out;
}

/** The file text of `examples` in `format`. */
export function formatTrainingData(examples: readonly TrainingExample[], format: TrainingFormat): string {
  return format === 'flagembedding' ? flagEmbeddingJsonl(examples) : sentenceTransformersCsv(examples);
}
