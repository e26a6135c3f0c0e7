/**
 * Synonym suggestions: which terms of a term list should join which synonym group of a
 * dictionary, and which new terms form groups of their own — ranked, with their evidence, spelling
 * variants told apart, decided pairs and attribute-only differences left out.
 *
 * Two steps, so that the caller embeds in between with whatever model it has:
 * 1. `planSuggestions(dict, list)` — the dictionary's terms and groups, and the new terms (list
 *    terms the dictionary does not have, by `termKey`): the texts to embed;
 * 2. `suggest(plan, dictVectors, newVectors, context)` — the ranking, over L2-normalised vectors,
 *    with core's exact `KnnIndex` search (int8 prefilter on large lists) for every neighbour search.
 *
 * The score of a candidate (see `ScoreWeights`): cosine + 0.1 · 1/(mutual rank) + 0.05 ·
 * popularity, where the mutual rank is the worse of the two ranks (the candidate among the
 * group's nearest new terms; the group among the candidate's nearest groups) and popularity is
 * log(1 + count) / log(1 + largest count) of the list (0 without counts).
 */

import type { Dictionary } from '../csv/types';
import { synonymGroups, termKey, uniqueTerms } from '../dictionary';
import { dotAt } from '../vectors';
import { KnnIndex } from '../knn';
import { throwIfCancelled, type CancellationFlag } from '../cancellation';
import type { DecisionIndex } from '../decisions';
import type { AttributeList } from './attributes';
import type { ListTerm } from './termList';
import { classifyPair, hasHan, pinyinKey, VARIANT_KINDS, variantKey, type CandidateKind, type SpellingTools } from './kinds';

/** A synonym group of the dictionary: its standard term (first member) and members (indices into `dictTerms`). */
export interface SuggestionGroup {
  standard: string;
  members: number[];
}

/** What `suggest` works on: the texts to embed, in order. */
export interface SuggestionPlan {
  /** Every distinct dictionary term (`uniqueTerms`). */
  dictTerms: string[];
  /** Groups over `dictTerms`: the label-1 synonym groups, then each remaining term alone. */
  groups: SuggestionGroup[];
  /** List terms not in the dictionary (by `termKey`, first spelling, counts added up). */
  newTerms: ListTerm[];
}

/**
 * The dictionary's terms and groups and the list's new terms. A term of the list that the
 * dictionary already has (any group, any label) is never a candidate.
 */
export function planSuggestions(dict: Dictionary, list: readonly ListTerm[]): SuggestionPlan {
  const dictTerms = uniqueTerms(dict);
  const index = new Map(dictTerms.map((t, i) => [termKey(t), i]));
  const grouped = new Set<number>();
  const groups: SuggestionGroup[] = [];
  for (const g of synonymGroups(dict.pairs)) {
    const members = g.map((t) => index.get(termKey(t))!);
    for (const m of members) grouped.add(m);
    groups.push({ standard: dictTerms[members[0]!]!, members });
  }
  dictTerms.forEach((t, i) => {
    if (!grouped.has(i)) groups.push({ standard: t, members: [i] });
  });
  const newTerms: ListTerm[] = [];
  const at = new Map<string, number>();
  for (const t of list) {
    const key = termKey(t.term);
    if (key === '' || index.has(key)) continue;
    const i = at.get(key);
    if (i === undefined) {
      at.set(key, newTerms.length);
      newTerms.push({ ...t });
    } else if (t.count !== undefined) newTerms[i]!.count = (newTerms[i]!.count ?? 0) + t.count;
  }
  return { dictTerms, groups, newTerms };
}

/** Weights of the score's parts (see the module comment). */
export interface ScoreWeights {
  cosine: number;
  mutual: number;
  count: number;
}

export const DEFAULT_WEIGHTS: ScoreWeights = { cosine: 1, mutual: 0.1, count: 0.05 };

export interface SuggestOptions {
  /** Synonym candidates kept per group and per new term (default 10). */
  k?: number;
  /** Synonym candidates scoring below this are left out (default: none). Variants are always kept. */
  minScore?: number;
  /** How many of a candidate's nearest groups are searched for the back rank (default 10). */
  backRanks?: number;
  /** New terms paired among themselves: the most counted (else the first) this many (default 10,000). */
  newPairTerms?: number;
  weights?: ScoreWeights;
}

/** Why a candidate was proposed. Ranks are 1-based; null when beyond the searched depth. */
export interface Evidence {
  /** Cosine in [-1, 1] with the nearest member of the group (with the other term for a new pair). */
  cosine: number;
  /** The group member it is nearest to (the other term for a new pair). */
  nearest: string;
  /** The candidate's rank among the group's (the term's) nearest new terms. */
  rank: number | null;
  /** The group's (the term's) rank among the candidate's nearest groups (new terms). */
  rankBack: number | null;
  /** The candidate's count in the term list, when it has one. */
  count?: number;
}

export interface Suggestion {
  /** The group's standard term, or for a new group the more counted (else earlier) new term. */
  term: string;
  /** The list term proposed. */
  candidate: string;
  score: number;
  kind: CandidateKind;
  /** The members of the group the candidate would join; null when both terms are new (a new group). */
  group: string[] | null;
  evidence: Evidence;
}

/** Progress of a suggestion run, for a progress bar. */
export type SuggestProgress =
  | { stage: 'groups'; done: number; total: number }
  | { stage: 'new-pairs'; done: number; total: number }
  | { stage: 'variants' };

export interface SuggestContext {
  tools: SpellingTools;
  decisions?: DecisionIndex;
  attributes?: AttributeList;
  options?: SuggestOptions;
  flag?: CancellationFlag;
  onProgress?: (p: SuggestProgress) => void;
}

/** Cancellation and progress are checked every this many queries. */
const STEP = 64;

/**
 * Ranked suggestions, highest score first (ties: term, then candidate, in code-point order).
 * `dictVectors` row i is `plan.dictTerms[i]`'s L2-normalised vector, `newVectors` row j
 * `plan.newTerms[j]`'s. Throws `CancelledError` when `context.flag` is set.
 */
export function suggest(plan: SuggestionPlan, dictVectors: KnnIndex, newVectors: KnnIndex, context: SuggestContext): Suggestion[] {
  const { dictTerms, groups, newTerms } = plan;
  if (dictVectors.rows !== dictTerms.length || newVectors.rows !== newTerms.length) {
    throw new RangeError(`vectors for ${dictVectors.rows} + ${newVectors.rows} terms, plan has ${dictTerms.length} + ${newTerms.length}`);
  }
  const opts = context.options ?? {};
  const k = opts.k ?? 10;
  const minScore = opts.minScore ?? -Infinity;
  const backRanks = opts.backRanks ?? 10;
  const w = opts.weights ?? DEFAULT_WEIGHTS;
  const { tools, decisions, attributes, flag, onProgress } = context;
  const dim = dictVectors.dim;
  const groupOf = new Int32Array(dictTerms.length);
  groups.forEach((g, gi) => g.members.forEach((m) => (groupOf[m] = gi)));

  const maxCount = newTerms.reduce((m, t) => Math.max(m, t.count ?? 0), 0);
  const popularity = (j: number) => (maxCount > 0 ? Math.log1p(newTerms[j]!.count ?? 0) / Math.log1p(maxCount) : 0);
  const score = (cos: number, rank: number | null, rankBack: number | null, j: number) =>
    w.cosine * cos + (rank !== null && rankBack !== null ? w.mutual / Math.max(rank, rankBack) : 0) + w.count * popularity(j);
  const withCount = (e: Evidence, j: number): Evidence => (newTerms[j]!.count !== undefined ? { ...e, count: newTerms[j]!.count } : e);
  const blocked = (a: string, b: string) => (decisions?.has(a, b) ?? false) || (attributes?.differOnlyInAttributes(a, b) ?? false);

  // The back rank: group g's place among new term j's nearest groups, searched once per term.
  const backCache = new Map<number, Map<number, number>>();
  const backRank = (j: number, g: number): number | null => {
    let ranks = backCache.get(j);
    if (!ranks) {
      ranks = new Map();
      const hits = dictVectors.search(newVectors.row(j), backRanks * 3);
      for (const h of hits) {
        const gi = groupOf[h.index]!;
        if (!ranks.has(gi) && ranks.size < backRanks) ranks.set(gi, ranks.size + 1);
      }
      backCache.set(j, ranks);
    }
    return ranks.get(g) ?? null;
  };

  const out: Suggestion[] = [];
  /** `${group}\0${new term}` and `${new}\0${new}` already proposed (so variants are not proposed twice). */
  const proposed = new Set<string>();
  // Against the member it is the closest variant of (earliest in the cascade): a traditional copy
  // of one member stays that even when another member sounds the same.
  const kindAgainst = (candidate: string, members: readonly number[]): CandidateKind => {
    let best: CandidateKind = 'synonym';
    for (const m of members) {
      const kind = classifyPair(dictTerms[m]!, candidate, tools);
      if (kind !== 'synonym' && (best === 'synonym' || VARIANT_KINDS.indexOf(kind) < VARIANT_KINDS.indexOf(best))) best = kind;
    }
    return best;
  };

  // 1. Candidates per group: the nearest new terms of any member.
  const depth = 2 * k + 10;
  if (newTerms.length > 0) {
    for (let gi = 0; gi < groups.length; gi++) {
      if (gi % STEP === 0) {
        throwIfCancelled(flag);
        onProgress?.({ stage: 'groups', done: gi, total: groups.length });
      }
      const g = groups[gi]!;
      const best = new Map<number, { cos: number; member: number }>();
      for (const m of g.members) {
        for (const h of newVectors.search(dictVectors.row(m), depth)) {
          const seen = best.get(h.index);
          if (!seen || h.score > seen.cos) best.set(h.index, { cos: h.score, member: m });
        }
      }
      const ranked = [...best.entries()].sort((a, b) => b[1].cos - a[1].cos || a[0] - b[0]);
      let kept = 0;
      for (let r = 0; r < ranked.length && kept < k; r++) {
        const [j, { cos, member }] = ranked[r]!;
        const candidate = newTerms[j]!.term;
        if (g.members.some((m) => blocked(dictTerms[m]!, candidate))) continue;
        const rank = r + 1;
        const rankBack = backRank(j, gi);
        const s = score(cos, rank, rankBack, j);
        const kind = kindAgainst(candidate, g.members);
        if (kind === 'synonym' && s < minScore) continue;
        kept++;
        proposed.add(`${gi}\u0000${j}`);
        out.push({
          term: g.standard,
          candidate,
          score: s,
          kind,
          group: g.members.map((m) => dictTerms[m]!),
          evidence: withCount({ cosine: cos, nearest: dictTerms[member]!, rank, rankBack }, j),
        });
      }
    }
  }

  // 2. New groups: mutual neighbours among the new terms (the most counted ones on a long list).
  const limit = Math.min(newTerms.length, opts.newPairTerms ?? 10_000);
  let pool = Array.from({ length: newTerms.length }, (_, j) => j);
  if (limit < newTerms.length) {
    pool = pool.sort((a, b) => (newTerms[b]!.count ?? 0) - (newTerms[a]!.count ?? 0) || a - b).slice(0, limit).sort((a, b) => a - b);
  }
  const poolMatrix = limit === newTerms.length ? newVectors : KnnIndex.of(pool.map((j) => newVectors.row(j)), dim);
  const rankOf = new Map<string, number>(); // `${x}\0${y}` → y's rank among x's neighbours (pool indices)
  const pairCos = new Map<string, number>();
  for (let x = 0; x < pool.length; x++) {
    if (x % STEP === 0) {
      throwIfCancelled(flag);
      onProgress?.({ stage: 'new-pairs', done: x, total: pool.length });
    }
    const hits = poolMatrix.search(poolMatrix.row(x), k, (i) => i === x);
    hits.forEach((h, r) => {
      rankOf.set(`${x}\u0000${h.index}`, r + 1);
      pairCos.set(x < h.index ? `${x}\u0000${h.index}` : `${h.index}\u0000${x}`, h.score);
    });
  }
  // Which of a new pair is the term: the more counted, else the earlier in the list.
  const first = (a: number, b: number) => ((newTerms[a]!.count ?? 0) > (newTerms[b]!.count ?? 0) || ((newTerms[a]!.count ?? 0) === (newTerms[b]!.count ?? 0) && a < b) ? a : b);
  const newPair = (a: number, b: number, cos: number, rank: number | null, rankBack: number | null, kind?: CandidateKind): Suggestion | undefined => {
    const t = first(a, b);
    const c = t === a ? b : a;
    const term = newTerms[t]!.term;
    const candidate = newTerms[c]!.term;
    const key = t < c ? `${t}\u0000${c}` : `${c}\u0000${t}`;
    if (proposed.has(`n\u0000${key}`)) return undefined;
    const k2 = kind ?? classifyPair(term, candidate, tools);
    if (k2 === 'synonym' && blocked(term, candidate)) return undefined;
    if (k2 !== 'synonym' && decisions?.has(term, candidate)) return undefined;
    const s = score(cos, rank, rankBack, c);
    if (k2 === 'synonym' && s < minScore) return undefined;
    proposed.add(`n\u0000${key}`);
    return { term, candidate, score: s, kind: k2, group: null, evidence: withCount({ cosine: cos, nearest: term, rank, rankBack }, c) };
  };
  for (const [key, cos] of pairCos) {
    const [x, y] = key.split('\u0000').map(Number) as [number, number];
    const a = pool[x]!;
    const b = pool[y]!;
    const t = first(a, b);
    const [tx, cx] = t === a ? [x, y] : [y, x];
    const s = newPair(a, b, cos, rankOf.get(`${tx}\u0000${cx}`) ?? null, rankOf.get(`${cx}\u0000${tx}`) ?? null);
    if (s) out.push(s);
  }

  // 3. Spelling variants the embedding missed: same variant key (width, case, script, spacing) or
  //    same pinyin, whatever their cosine. Pinyin buckets of more than 4 terms are homophones,
  //    not slips, and are skipped.
  throwIfCancelled(flag);
  onProgress?.({ stage: 'variants' });
  const buckets = new Map<string, { dict: number[]; fresh: number[] }>();
  const put = (key: string | undefined, side: 'dict' | 'fresh', i: number) => {
    if (key === undefined) return;
    let b = buckets.get(key);
    if (!b) buckets.set(key, (b = { dict: [], fresh: [] }));
    b[side].push(i);
  };
  const pinyinOf = (t: string) => (hasHan(t) ? pinyinKey(t, tools) : undefined);
  dictTerms.forEach((t, i) => {
    put(`v\u0000${variantKey(t, tools)}`, 'dict', i);
    const p = pinyinOf(t);
    if (p !== undefined) put(`p\u0000${p}`, 'dict', i);
  });
  newTerms.forEach((t, j) => {
    put(`v\u0000${variantKey(t.term, tools)}`, 'fresh', j);
    const p = pinyinOf(t.term);
    if (p !== undefined) put(`p\u0000${p}`, 'fresh', j);
  });
  for (const [key, b] of buckets) {
    if (b.fresh.length === 0 || b.dict.length + b.fresh.length < 2) continue;
    if (key.startsWith('p') && b.dict.length + b.fresh.length > 4) continue;
    for (const j of b.fresh) {
      for (const gi of new Set(b.dict.map((m) => groupOf[m]!))) {
        if (proposed.has(`${gi}\u0000${j}`)) continue;
        const g = groups[gi]!;
        const candidate = newTerms[j]!.term;
        const kind = kindAgainst(candidate, g.members);
        if (kind === 'synonym' || g.members.some((m) => decisions?.has(dictTerms[m]!, candidate))) continue;
        let member = g.members[0]!;
        let cos = -Infinity;
        for (const m of g.members) {
          const c = dotAt(dictVectors.data, m * dim, newVectors.data, j * dim, dim);
          if (c > cos) [cos, member] = [c, m];
        }
        proposed.add(`${gi}\u0000${j}`);
        const rankBack = backRank(j, gi);
        out.push({
          term: g.standard,
          candidate,
          score: score(cos, null, rankBack, j),
          kind,
          group: g.members.map((m) => dictTerms[m]!),
          evidence: withCount({ cosine: cos, nearest: dictTerms[member]!, rank: null, rankBack }, j),
        });
      }
      for (const j2 of b.fresh) {
        if (j2 <= j) continue;
        const kind = classifyPair(newTerms[j]!.term, newTerms[j2]!.term, tools);
        if (kind === 'synonym') continue;
        const s = newPair(j, j2, dotAt(newVectors.data, j * dim, newVectors.data, j2 * dim, dim), null, null, kind);
        if (s) out.push(s);
      }
    }
  }
  return out.sort((a, b) => b.score - a.score || cmp(a.term, b.term) || cmp(a.candidate, b.candidate));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
