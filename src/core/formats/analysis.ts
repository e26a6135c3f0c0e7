/**
 * What a search engine's analyzer does to synonym rules, from the tokens it makes of each term
 * (the Lucene helper, `java/SynonymAnalysis.java`, produces them; this module only reads them).
 * Lucene analyzes every term of a rule before it builds its synonym map, so a rule that reads
 * well as text can behave otherwise in the index:
 * - a term that becomes several tokens makes a multi-token rule, which only `synonym_graph`
 *   applies correctly at query time;
 * - a term that becomes no token (a stop word) never matches;
 * - two rules whose terms analyze to the same tokens are one rule to the engine;
 * - a rule whose terms all analyze to the same tokens maps a term to itself: it changes nothing.
 */
import type { Cell, Dictionary } from '../csv/types';

/** One rule as the engine applies it: a CSV row of synonyms, or a Solr / ES rule. */
export interface AnalysisRule {
  /** Data row index (a Solr or ES rule is a row). */
  row: number;
  /** The rule's terms, in order: an equivalent rule's every term, an explicit rule's left side. */
  inputs: Cell[];
  /** An explicit (one-way) rule's right side; undefined for an equivalent rule. */
  outputs?: Cell[];
}

/**
 * The synonym rules of a dictionary, from its label-1 pairs: each row with a two-way pair is an
 * equivalent rule of its term and synonyms; a row of one-way pairs is an explicit rule from its
 * pairs' left terms to their right terms. Label-0 rows and refused rules (no pairs) are no rules.
 */
export function analysisRules(dict: Dictionary): AnalysisRule[] {
  const out: AnalysisRule[] = [];
  const pairs = dict.pairs;
  let i = 0;
  while (i < pairs.length) {
    const row = pairs[i].row;
    let j = i;
    while (j < pairs.length && pairs[j].row === row) j++;
    const positive = pairs.slice(i, j).filter((p) => p.label === 1);
    i = j;
    if (!positive.length) continue;
    const oneWay = positive.filter((p) => p.oneWay);
    if (oneWay.length === positive.length) {
      out.push({ row, inputs: distinctCells(oneWay.map((p) => p.a)), outputs: distinctCells(oneWay.map((p) => p.b)) });
    } else {
      const twoWay = positive.filter((p) => !p.oneWay);
      out.push({ row, inputs: distinctCells([twoWay[0].a, ...twoWay.map((p) => p.b)]) });
    }
  }
  return out;
}

function distinctCells(cells: readonly Cell[]): Cell[] {
  const seen = new Set<Cell>();
  return cells.filter((c) => !seen.has(c) && seen.add(c));
}

export type AnalysisFinding =
  /** The term is several tokens (`tokens.length` ≥ 2). */
  | { kind: 'multi-token'; row: number; cell: Cell; tokens: readonly string[] }
  /** The analyzer removes the term entirely (a stop word, or punctuation only). */
  | { kind: 'eliminated'; row: number; cell: Cell }
  /** The rule's terms analyze to the same tokens as an earlier rule's (`firstRow`), though they are written otherwise. */
  | { kind: 'same-tokens'; row: number; cells: readonly Cell[]; firstRow: number; firstCells: readonly Cell[]; tokens: readonly string[] }
  /** Every term of the rule analyzes to `tokens`: the rule maps them to themselves. */
  | { kind: 'no-op'; row: number; cells: readonly Cell[]; tokens: readonly string[] };

/** Joins tokens for comparison; NUL never occurs in an analyzed token of a text term. */
const SEPARATOR = '\u0000';

/**
 * The findings of a dictionary's rules given each term's tokens (`tokensOf(term)`, the analyzer's
 * output for the trimmed cell text; undefined when not analyzed, and such a term is skipped along
 * with the rule-level checks of its rule). In row order; per rule, term findings first.
 */
export function analysisFindings(rules: readonly AnalysisRule[], tokensOf: (term: string) => readonly string[] | undefined): AnalysisFinding[] {
  const out: AnalysisFinding[] = [];
  const firstByKey = new Map<string, { rule: AnalysisRule; textKey: string }>();
  for (const rule of rules) {
    const cells = [...rule.inputs, ...(rule.outputs ?? [])];
    let complete = true;
    const analyzed: string[] = [];
    for (const cell of cells) {
      const tokens = tokensOf(cell.text);
      if (!tokens) {
        complete = false;
        continue;
      }
      if (tokens.length === 0) out.push({ kind: 'eliminated', row: rule.row, cell });
      else if (tokens.length > 1) out.push({ kind: 'multi-token', row: rule.row, cell, tokens });
      analyzed.push(tokens.join(SEPARATOR));
    }
    // Rule-level checks need every term analyzed and something left of it.
    if (!complete || analyzed.every((a) => a === '')) continue;
    const distinct = new Set(analyzed.filter((a) => a !== ''));
    if (cells.length > 1 && distinct.size === 1 && analyzed.every((a) => a !== '')) {
      out.push({ kind: 'no-op', row: rule.row, cells, tokens: [...distinct][0].split(SEPARATOR) });
      continue;
    }
    const side = (cs: readonly Cell[], from: number) => [...new Set(analyzed.slice(from, from + cs.length).filter((a) => a !== ''))].sort();
    const key = JSON.stringify([side(rule.inputs, 0), rule.outputs ? side(rule.outputs, rule.inputs.length) : null]);
    const textKey = JSON.stringify([rule.inputs.map((c) => c.text).sort(), rule.outputs?.map((c) => c.text).sort() ?? null]);
    const first = firstByKey.get(key);
    if (!first) firstByKey.set(key, { rule, textKey });
    else if (first.textKey !== textKey) {
      // The same text twice is a duplicate the pair checks already report; only analysis makes these equal.
      const firstCells = [...first.rule.inputs, ...(first.rule.outputs ?? [])];
      out.push({ kind: 'same-tokens', row: rule.row, cells, firstRow: first.rule.row, firstCells, tokens: [...distinct].sort()[0].split(SEPARATOR) });
    }
  }
  return out;
}

/** The distinct trimmed terms of the rules, in order of first appearance (what to send the analyzer). */
export function analysisTerms(rules: readonly AnalysisRule[]): string[] {
  const seen = new Set<string>();
  for (const r of rules) for (const c of [...r.inputs, ...(r.outputs ?? [])]) seen.add(c.text);
  return [...seen];
}
