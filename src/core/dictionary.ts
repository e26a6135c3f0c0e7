/**
 * Pair semantics over a parsed dictionary: term identity, duplicate and contradiction detection,
 * synonym groups.
 */

import type { Dictionary, Pair, PairIssue, PairIssueKind } from './csv/types';
import { IdPairIds, StringIds } from './idTables';

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
export function findPairIssues(dict: Pick<Dictionary, 'pairs'>): PairIssue[] {
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

/** Pair order: by row, then by the synonym's column (a row's pairs follow its synonym cells). */
function pairOrder(x: Pair, y: Pair): number {
  return x.row - y.row || x.b.column - y.b.column;
}

/**
 * `findPairIssues`, kept up to date across edits, and the pair graph the hover reads (a term's
 * partners and synonym group). Terms get numeric ids by `termKey`; pairs are grouped by their
 * unordered term pair (ids of both in typed-array hash tables, src/core/idTables.ts: no string or
 * object is built per pair), in pair order.
 * An issue exists for every pair of a group but its first, and for every self pair. An edit
 * re-files only the pairs it removed and added, so its cost follows the edit, not the dictionary,
 * and `issues()` costs the number of issues.
 *
 * Pairs are compared by their current `row` (and synonym column), so after an incremental
 * re-parse, which renumbers later rows in place, `update` must get that re-parse's removed and
 * added pairs before `issues()` is asked again.
 */
export class PairIssueIndex {
  /** Term key ↔ id; ids of vanished terms are reused. */
  private readonly ids = new StringIds();
  /** Id → pair sides holding the term (a self pair counts twice). */
  private uses = new Int32Array(16);
  /**
   * Id → the ids it is paired with, either way (itself for a self pair): one id, or an array when
   * there are several (most terms have one or two partners, and a small integer costs no object).
   */
  private readonly partners: (number | number[] | undefined)[] = [];
  /** Unordered term pair ↔ group id. */
  private readonly groupIds = new IdPairIds();
  /**
   * Group id → its pair, or its pairs in pair order when there are several (one array per
   * repeated group rather than per pair: most groups have one pair).
   */
  private readonly groups: (Pair | Pair[] | undefined)[] = [];
  /** Groups of two different terms with more than one pair (the only such ones with issues). */
  private readonly repeated = new Set<number>();
  /** Groups of self pairs (each of their pairs is an issue). */
  private readonly selfGroups = new Set<number>();

  /** @param pairs a dictionary's pairs, in pair order. */
  constructor(pairs: readonly Pair[] = []) {
    this.reserve(pairs.length);
    this.update([], pairs);
  }

  /**
   * Makes room for `pairs` pairs in all (and their terms, two a pair at most), so that filling the
   * index in slices (the server's first open) does not grow its tables step by step.
   */
  reserve(pairs: number): void {
    this.ids.reserve(2 * pairs);
    this.groupIds.reserve(pairs);
    if (this.uses.length < 2 * pairs) {
      const uses = new Int32Array(2 * pairs);
      uses.set(this.uses);
      this.uses = uses;
    }
  }

  /** Applies an edit: `removed` pairs are gone, `added` pairs are new (rows already renumbered). */
  update(removed: readonly Pair[], added: readonly Pair[]): void {
    for (const pair of removed) this.remove(pair);
    for (const pair of added) this.add(pair);
  }

  private add(pair: Pair): void {
    const x = this.acquire(termKey(pair.a.text));
    const y = this.acquire(termKey(pair.b.text));
    const g = this.groupIds.get(x, y);
    if (g < 0) {
      const created = this.groupIds.add(x, y);
      this.groups[created] = pair;
      this.link(x, y);
      if (x === y) this.selfGroups.add(created);
      else this.link(y, x);
      return;
    }
    const found = this.groups[g]!;
    const group = Array.isArray(found) ? found : [found];
    let i = group.length;
    while (i > 0 && pairOrder(group[i - 1], pair) > 0) i--;
    group.splice(i, 0, pair);
    this.groups[g] = group;
    if (x !== y) this.repeated.add(g);
  }

  private remove(pair: Pair): void {
    const x = this.ids.get(termKey(pair.a.text));
    const y = this.ids.get(termKey(pair.b.text));
    if (x < 0 || y < 0) return;
    const g = this.groupIds.get(x, y);
    if (g < 0) return;
    const group = this.groups[g];
    if (group === pair) {
      this.groupIds.delete(g);
      this.groups[g] = undefined;
      this.selfGroups.delete(g);
      this.unlink(x, y);
      if (x !== y) this.unlink(y, x);
    } else {
      const i = Array.isArray(group) ? group.indexOf(pair) : -1;
      if (!Array.isArray(group) || i < 0) return;
      group.splice(i, 1);
      if (group.length === 1) {
        this.groups[g] = group[0];
        this.repeated.delete(g);
      }
    }
    this.release(x);
    this.release(y);
  }

  private acquire(key: string): number {
    const id = this.ids.intern(key);
    if (id >= this.uses.length) {
      const uses = new Int32Array(Math.max(id + 1, this.uses.length * 2));
      uses.set(this.uses);
      this.uses = uses;
    }
    this.uses[id]++;
    return id;
  }

  private release(id: number): void {
    if (--this.uses[id] > 0) return;
    this.ids.delete(id);
    this.partners[id] = undefined;
  }

  private link(x: number, y: number): void {
    const p = this.partners[x];
    if (p === undefined) this.partners[x] = y;
    else if (typeof p === 'number') this.partners[x] = [p, y];
    else p.push(y);
  }

  private unlink(x: number, y: number): void {
    const p = this.partners[x];
    if (p === y) this.partners[x] = undefined;
    else if (Array.isArray(p)) {
      const i = p.indexOf(y);
      if (i >= 0) p.splice(i, 1);
      if (p.length === 1) this.partners[x] = p[0];
    }
  }

  /** The ids paired with id x (itself for a self pair). */
  private partnerIds(x: number): readonly number[] {
    const p = this.partners[x];
    return p === undefined ? [] : typeof p === 'number' ? [p] : p;
  }

  /** The pairs of term ids x and y, either way round, in pair order. */
  private pairsOfIds(x: number, y: number): readonly Pair[] {
    const g = this.groupIds.get(x, y);
    const group = g < 0 ? undefined : this.groups[g];
    return group === undefined ? [] : Array.isArray(group) ? group : [group];
  }

  /** The pairs between two term keys, either way round (a self pair when equal), in pair order. */
  pairsOf(key: string, other: string): readonly Pair[] {
    const x = this.ids.get(key);
    const y = this.ids.get(other);
    return x < 0 || y < 0 ? [] : this.pairsOfIds(x, y);
  }

  /** Term keys paired with a term key (either direction, itself for a self pair) and the label of that pairing (1 wins over 0). */
  partnersOf(key: string): Map<string, 0 | 1> {
    const out = new Map<string, 0 | 1>();
    const x = this.ids.get(key);
    if (x < 0) return out;
    for (const y of this.partnerIds(x)) out.set(this.ids.strings[y]!, this.pairsOfIds(x, y).some((p) => p.label === 1) ? 1 : 0);
    return out;
  }

  /**
   * The synonym group of a term key — what `synonymGroups` would list for it: members in order of
   * first appearance in label-1 pairs (self pairs included), spelled as there — or undefined when
   * it is in none. Follows the label-1 links from the term, so it costs the group's size, not the
   * dictionary's.
   */
  groupOf(key: string): string[] | undefined {
    const start = this.ids.get(key);
    if (start < 0) return undefined;
    const seen = new Set([start]);
    const queue = [start];
    while (queue.length > 0) {
      const x = queue.pop()!;
      for (const y of this.partnerIds(x)) {
        if (!seen.has(y) && this.pairsOfIds(x, y).some((p) => p.label === 1)) {
          seen.add(y);
          queue.push(y);
        }
      }
    }
    if (seen.size < 2) return undefined;
    const members: Appearance[] = [];
    for (const x of seen) {
      const k = this.ids.strings[x]!;
      let first: Appearance | undefined;
      for (const y of this.partnerIds(x)) {
        // Pairs are in pair order: a group's first label-1 pair is where x first appears in it.
        const p = this.pairsOfIds(x, y).find((q) => q.label === 1);
        if (p === undefined) continue;
        const side = x === y || termKey(p.a.text) === k ? 0 : 1;
        const c = { row: p.row, column: p.b.column, side, text: side === 0 ? p.a.text : p.b.text };
        if (!first || appearanceOrder(c, first) < 0) first = c;
      }
      if (first) members.push(first);
    }
    members.sort(appearanceOrder);
    return members.map((m) => m.text);
  }

  /** The issues of the current pairs: exactly what `findPairIssues` returns for them. */
  issues(): PairIssue[] {
    const out: PairIssue[] = [];
    for (const g of this.selfGroups) for (const pair of this.pairsOfGroup(g)) out.push(selfIssue(pair));
    for (const g of this.repeated) {
      const group = this.groups[g] as Pair[];
      const first = group[0];
      const firstA = termKey(first.a.text);
      for (let i = 1; i < group.length; i++) {
        const pair = group[i];
        out.push(issueOf(pair, first, termKey(pair.a.text) === firstA));
      }
    }
    return out.sort((x, y) => pairOrder(x.pair, y.pair));
  }

  private pairsOfGroup(g: number): readonly Pair[] {
    const group = this.groups[g]!;
    return Array.isArray(group) ? group : [group];
  }
}

/** Where a term first appears: a pair (row, synonym column), then its side (0 the term, 1 the synonym). */
interface Appearance {
  row: number;
  column: number;
  side: number;
  text: string;
}

/** Order of first appearances: by pair (row, synonym column), then the term side first. */
function appearanceOrder(x: Appearance, y: Appearance): number {
  return x.row - y.row || x.column - y.column || x.side - y.side;
}

function selfIssue(pair: Pair): PairIssue {
  return { kind: 'self-pair', pair, message: selfPairMessage(lineOf(pair), pair.a.text, pair.b.text) };
}

/** The issue of `pair` repeating `first` (same unordered term pair); `forward` when in the same order. */
function issueOf(pair: Pair, first: Pair, forward: boolean): PairIssue {
  const { kind, message } = repeatIssue(lineOf(pair), pair.a.text, pair.b.text, pair.label, lineOf(first), first.label, forward);
  return { kind, pair, first, message };
}

/** The message of a self pair on 1-based line `line`. */
export function selfPairMessage(line: number, a: string, b: string): string {
  return `Line ${line}: "${a}" ~ "${b}" pairs a term with itself.`;
}

/**
 * The kind and message of a pair (terms `a`, `b`, on 1-based `line`) repeating an earlier one of the
 * same unordered term pair (on `firstLine`); `forward` when in the same order.
 */
export function repeatIssue(
  line: number,
  a: string,
  b: string,
  label: 0 | 1,
  firstLine: number,
  firstLabel: 0 | 1,
  forward: boolean,
): { kind: Exclude<PairIssueKind, 'self-pair'>; message: string } {
  const show = `"${a}" ~ "${b}"`;
  const where = `line ${firstLine}`;
  if (firstLabel !== label) return { kind: 'conflicting-label', message: `Line ${line}: ${show} has label ${label}, but ${where} gives it label ${firstLabel}.` };
  if (forward) return { kind: 'duplicate', message: `Line ${line}: ${show} repeats ${where}.` };
  return { kind: 'reversed-duplicate', message: `Line ${line}: ${show} repeats ${where} in reverse order.` };
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
