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
  // NFKC is the identity on ASCII and on the CJK Unified Ideographs block (U+4E00–9FFF): neither
  // has a decomposition, nor a character that composes with a neighbour. Most terms are made of
  // those alone, and skipping the normalisation there halves the cost of keying a large file; a
  // term that needs neither trimming nor lower-casing is its own key (no new string).
  const n = term.length;
  let plain = n > 0 && !isEdgeSpace(term.charCodeAt(0)) && !isEdgeSpace(term.charCodeAt(n - 1));
  for (let i = 0; i < n; i++) {
    const c = term.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 0x41 && c <= 0x5a) plain = false;
    } else if (c < 0x4e00 || c > 0x9fff) return term.normalize('NFKC').trim().toLowerCase();
  }
  return plain ? term : term.trim().toLowerCase();
}

/** ASCII white space `trim` removes (tab, LF, VT, FF, CR, space). */
function isEdgeSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
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
    if (a === b) {
      issues.push(selfIssue(pair));
      continue;
    }
    const forward = seen.get(`${a}\u0000${b}`);
    const first = forward ?? seen.get(`${b}\u0000${a}`);
    if (!first) {
      seen.set(`${a}\u0000${b}`, pair);
      continue;
    }
    issues.push(issueOf(pair, first, forward !== undefined));
  }
  return issues;
}

/** A pair's unordered term pair (the same whichever way round), or undefined for a self pair. */
function unorderedKey(pair: Pair): string | undefined {
  const a = termKey(pair.a.text);
  const b = termKey(pair.b.text);
  if (a === b) return undefined;
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

/** Pair order: by row, then by the synonym's column (a row's pairs follow its synonym cells). */
function pairOrder(x: Pair, y: Pair): number {
  return x.row - y.row || x.b.column - y.b.column;
}

/**
 * `findPairIssues`, kept up to date across edits. Pairs are grouped by their unordered term pair,
 * in pair order; an issue exists for every pair of a group but its first, and for every self
 * pair. An edit re-files only the pairs it removed and added, so its cost follows the edit, not
 * the dictionary, and `issues()` costs the number of issues.
 *
 * Pairs are compared by their current `row` (and synonym column), so after an incremental
 * re-parse, which renumbers later rows in place, `update` must get that re-parse's removed and
 * added pairs before `issues()` is asked again.
 */
export class PairIssueIndex {
  /**
   * Unordered term pair → its pair, or its pairs in pair order when there are several (one array
   * per repeated group rather than per pair: most groups have one pair).
   */
  private readonly groups = new Map<string, Pair | Pair[]>();
  /** Groups with more than one pair (the only ones with issues). */
  private readonly repeated = new Set<string>();
  private readonly selfPairs = new Set<Pair>();

  /** @param pairs a dictionary's pairs, in pair order. */
  constructor(pairs: readonly Pair[] = []) {
    for (const pair of pairs) {
      const unordered = unorderedKey(pair);
      if (unordered === undefined) {
        this.selfPairs.add(pair);
        continue;
      }
      const group = this.groups.get(unordered);
      if (group === undefined) this.groups.set(unordered, pair);
      else {
        if (Array.isArray(group)) group.push(pair);
        else this.groups.set(unordered, [group, pair]);
        this.repeated.add(unordered);
      }
    }
  }

  /** Applies an edit: `removed` pairs are gone, `added` pairs are new (rows already renumbered). */
  update(removed: readonly Pair[], added: readonly Pair[]): void {
    for (const pair of removed) {
      const unordered = unorderedKey(pair);
      if (unordered === undefined) {
        this.selfPairs.delete(pair);
        continue;
      }
      const group = this.groups.get(unordered);
      if (group === pair) {
        this.groups.delete(unordered);
        continue;
      }
      const i = Array.isArray(group) ? group.indexOf(pair) : -1;
      if (!Array.isArray(group) || i < 0) continue;
      group.splice(i, 1);
      if (group.length === 1) {
        this.groups.set(unordered, group[0]);
        this.repeated.delete(unordered);
      }
    }
    for (const pair of added) {
      const unordered = unorderedKey(pair);
      if (unordered === undefined) {
        this.selfPairs.add(pair);
        continue;
      }
      const found = this.groups.get(unordered);
      if (found === undefined) {
        this.groups.set(unordered, pair);
        continue;
      }
      const group = Array.isArray(found) ? found : [found];
      let i = group.length;
      while (i > 0 && pairOrder(group[i - 1], pair) > 0) i--;
      group.splice(i, 0, pair);
      this.groups.set(unordered, group);
      this.repeated.add(unordered);
    }
  }

  /** The issues of the current pairs: exactly what `findPairIssues` returns for them. */
  issues(): PairIssue[] {
    const out: PairIssue[] = [];
    for (const pair of this.selfPairs) out.push(selfIssue(pair));
    for (const key of this.repeated) {
      const group = this.groups.get(key) as Pair[];
      const first = group[0];
      const firstA = termKey(first.a.text);
      for (let i = 1; i < group.length; i++) {
        const pair = group[i];
        out.push(issueOf(pair, first, termKey(pair.a.text) === firstA));
      }
    }
    return out.sort((x, y) => pairOrder(x.pair, y.pair));
  }
}

function selfIssue(pair: Pair): PairIssue {
  const show = `"${pair.a.text}" ~ "${pair.b.text}"`;
  return { kind: 'self-pair', pair, message: `Line ${lineOf(pair)}: ${show} pairs a term with itself.` };
}

/** The issue of `pair` repeating `first` (same unordered term pair); `forward` when in the same order. */
function issueOf(pair: Pair, first: Pair, forward: boolean): PairIssue {
  const show = `"${pair.a.text}" ~ "${pair.b.text}"`;
  const where = `line ${lineOf(first)}`;
  if (first.label !== pair.label) {
    return {
      kind: 'conflicting-label',
      pair,
      first,
      message: `Line ${lineOf(pair)}: ${show} has label ${pair.label}, but ${where} gives it label ${first.label}.`,
    };
  }
  if (forward) return { kind: 'duplicate', pair, first, message: `Line ${lineOf(pair)}: ${show} repeats ${where}.` };
  return { kind: 'reversed-duplicate', pair, first, message: `Line ${lineOf(pair)}: ${show} repeats ${where} in reverse order.` };
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
