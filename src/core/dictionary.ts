/**
 * Pair semantics over a parsed dictionary: term identity, duplicate and contradiction detection,
 * synonym groups.
 */

import type { Dictionary, Pair, PairIssue } from './csv/types';

/**
 * The identity of a term: NFKC, then trimmed, then lower-cased.
 *
 * Why: dictionaries are typed by people on different keyboards and IMEs. NFKC folds compatibility
 * variants that mean the same thing — full-width Latin and digits (`ＳＵＶ`), the ideographic space,
 * circled and superscript forms — into one spelling; edge white space is invisible in a cell; case
 * carries no meaning for search synonyms (`SUV` = `suv`). Inner white space and CJK variants
 * (simplified vs traditional) are kept: they can distinguish terms.
 */
export function termKey(term: string): string {
  return term.normalize('NFKC').trim().toLowerCase();
}

function lineOf(p: Pair): number {
  return p.a.range.start.line + 1;
}

/**
 * Relations between pairs that deserve a look, in pair order, each at most once per pair:
 * - `self-pair`: both sides have the same `termKey`;
 * - `duplicate`: the same pair (a, b) again, same label;
 * - `reversed-duplicate`: (b, a) after (a, b), same label;
 * - `conflicting-label`: the same pair, either order, once with label 1 and once with 0.
 * `first` is always the earliest pair of that term pair.
 */
export function findPairIssues(dict: Dictionary): PairIssue[] {
  const issues: PairIssue[] = [];
  const seen = new Map<string, Pair>();
  for (const pair of dict.pairs) {
    const a = termKey(pair.a.text);
    const b = termKey(pair.b.text);
    const show = `"${pair.a.text}" ~ "${pair.b.text}"`;
    if (a === b) {
      issues.push({ kind: 'self-pair', pair, message: `Line ${lineOf(pair)}: ${show} pairs a term with itself.` });
      continue;
    }
    const forward = seen.get(`${a}\u0000${b}`);
    const first = forward ?? seen.get(`${b}\u0000${a}`);
    if (!first) {
      seen.set(`${a}\u0000${b}`, pair);
      continue;
    }
    const where = `line ${lineOf(first)}`;
    if (first.label !== pair.label) {
      issues.push({
        kind: 'conflicting-label',
        pair,
        first,
        message: `Line ${lineOf(pair)}: ${show} has label ${pair.label}, but ${where} gives it label ${first.label}.`,
      });
    } else if (forward) {
      issues.push({ kind: 'duplicate', pair, first, message: `Line ${lineOf(pair)}: ${show} repeats ${where}.` });
    } else {
      issues.push({
        kind: 'reversed-duplicate',
        pair,
        first,
        message: `Line ${lineOf(pair)}: ${show} repeats ${where} in reverse order.`,
      });
    }
  }
  return issues;
}

/**
 * Synonym groups: connected components of the graph whose edges are the label-1 pairs and whose
 * nodes are terms by `termKey`. Each member is spelled as first seen (trimmed cell text); members
 * and groups are in order of first appearance; single-term groups (from self pairs) are left out.
 * Label-0 pairs neither join nor split groups.
 */
export function synonymGroups(pairs: readonly Pair[]): string[][] {
  const id = new Map<string, number>();
  const spelling: string[] = [];
  const parent: number[] = [];
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  const node = (text: string): number => {
    const key = termKey(text);
    let i = id.get(key);
    if (i === undefined) {
      i = spelling.length;
      id.set(key, i);
      spelling.push(text);
      parent.push(i);
    }
    return i;
  };
  for (const p of pairs) {
    if (p.label !== 1) continue;
    const x = find(node(p.a.text));
    const y = find(node(p.b.text));
    // The smaller id (earlier term) stays root, so roots are ordered by first appearance.
    if (x < y) parent[y] = x;
    else if (y < x) parent[x] = y;
  }
  const groups = new Map<number, string[]>();
  for (let i = 0; i < spelling.length; i++) {
    const r = find(i);
    let g = groups.get(r);
    if (!g) groups.set(r, (g = []));
    g.push(spelling[i]);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}

/**
 * Every distinct term of the dictionary (terms and synonyms of all rows, whatever their label), by
 * `termKey`, spelled as first seen (trimmed), in order of appearance.
 */
export function uniqueTerms(dict: Dictionary): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (text: string) => {
    const key = termKey(text);
    if (key === '' || seen.has(key)) return;
    seen.add(key);
    out.push(text);
  };
  for (const row of dict.rows) {
    if (row.term) add(row.term.text);
    for (const s of row.synonyms) add(s.text);
  }
  return out;
}
