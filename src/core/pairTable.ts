/**
 * A dictionary's pairs as columns of numbers: each distinct term text once (an id), and per pair
 * its two term ids, label, row and the two cells' start positions in typed arrays. A reader of a
 * million pairs (the CLI's `check`) keeps a few numbers per pair instead of a pair object, two cell
 * objects and their range objects, which the garbage collector would otherwise move again and
 * again while they all live to the end. `pairTableIssues` is `findPairIssues` on these columns.
 */

import type { Pair, PairIssueKind } from './csv/types';
import { repeatIssue, selfPairMessage, termKey } from './dictionary';
import { IdPairIds } from './idTables';

/** Growable typed columns, one entry per pair. */
export class PairTable {
  /** Pairs added. */
  length = 0;
  /** Id → term text (trimmed cell text); ids in order of first appearance. */
  readonly terms: string[] = [];
  /** Id → the id of its `termKey` (terms with the same key have the same key id). */
  keyOf = new Int32Array(1024);
  /** `termKey` → key id. */
  private readonly keys = new Map<string, number>();
  /** Key id → the id of its first spelling. */
  private readonly firstOfKey: number[] = [];
  /** Ids of the other spellings of keys (`Car` after `car`: rare). */
  private readonly others = new Map<string, number>();
  /** Term ids of each pair's term (a) and synonym (b). */
  a = new Int32Array(1024);
  b = new Int32Array(1024);
  /** 0 or 1. */
  label = new Uint8Array(1024);
  /** 1 for a one-way pair (`a => b`). */
  oneWay = new Uint8Array(1024);
  /** Data row index of the pair. */
  row = new Int32Array(1024);
  /** 0-based line and UTF-16 character of the start of each pair's a and b cells. */
  aLine = new Int32Array(1024);
  aChar = new Int32Array(1024);
  bLine = new Int32Array(1024);
  bChar = new Int32Array(1024);

  /**
   * The id of term text `text` (a new one on its first appearance). Texts are found by their key
   * (one map look-up, which also gives the key id): a key's first spelling is its usual one.
   */
  idOf(text: string): number {
    const key = termKey(text);
    const k = this.keys.get(key);
    if (k === undefined) {
      this.keys.set(key, this.firstOfKey.length);
      this.firstOfKey.push(this.terms.length);
      return this.newTerm(text, this.firstOfKey.length - 1);
    }
    const first = this.firstOfKey[k]!;
    if (this.terms[first] === text) return first;
    const id = this.others.get(text);
    if (id !== undefined) return id;
    this.others.set(text, this.terms.length);
    return this.newTerm(text, k);
  }

  private newTerm(text: string, key: number): number {
    const id = this.terms.length;
    if (id === this.keyOf.length) this.keyOf = grown(this.keyOf, 2 * id);
    this.keyOf[id] = key;
    this.terms.push(text);
    return id;
  }

  /** Appends `pair` (its texts, label, row and cell starts; the objects themselves are not kept). */
  add(pair: Pair): void {
    const i = this.length;
    if (i === this.a.length) this.grow();
    const a = pair.a.range.start;
    const b = pair.b.range.start;
    this.a[i] = this.idOf(pair.a.text);
    this.b[i] = this.idOf(pair.b.text);
    this.label[i] = pair.label;
    this.oneWay[i] = pair.oneWay ? 1 : 0;
    this.row[i] = pair.row;
    this.aLine[i] = a.line;
    this.aChar[i] = a.character;
    this.bLine[i] = b.line;
    this.bChar[i] = b.character;
    this.length = i + 1;
  }

  private grow(): void {
    const n = this.a.length * 2;
    this.a = grown(this.a, n);
    this.b = grown(this.b, n);
    this.label = grown(this.label, n);
    this.oneWay = grown(this.oneWay, n);
    this.row = grown(this.row, n);
    this.aLine = grown(this.aLine, n);
    this.aChar = grown(this.aChar, n);
    this.bLine = grown(this.bLine, n);
    this.bChar = grown(this.bChar, n);
  }
}

/** A copy of `x` of length `n` (≥ its own), zero-filled past its values. */
function grown<T extends Int32Array | Uint8Array>(x: T, n: number): T {
  const y = new (x.constructor as new (n: number) => T)(n);
  y.set(x);
  return y;
}

/** One pair issue of a `PairTable`: pair `pair` repeats pair `first` (-1 for a self pair). */
export interface TablePairIssue {
  kind: PairIssueKind;
  pair: number;
  first: number;
  message: string;
}

/**
 * `findPairIssues` of the table's pairs: the same issues (kinds, messages), in pair order, by pair
 * index. Terms are compared by their key ids (`PairTable.keyOf`) and term pairs found by their
 * unordered id (`IdPairIds`), so no string or object is made per pair.
 */
export function pairTableIssues(table: PairTable): TablePairIssue[] {
  const { terms, length: n, a, b, label, aLine, keyOf } = table;
  // Unordered key pair → its id; the id → the first pair with those keys.
  const ids = new IdPairIds();
  ids.reserve(n);
  const firstOf = new Int32Array(n);
  const issues: TablePairIssue[] = [];
  for (let i = 0; i < n; i++) {
    const x = keyOf[a[i]!]!;
    const y = keyOf[b[i]!]!;
    if (x === y) {
      issues.push({ kind: 'self-pair', pair: i, first: -1, message: selfPairMessage(aLine[i]! + 1, terms[a[i]!]!, terms[b[i]!]!) });
      continue;
    }
    const id = ids.get(x, y);
    if (id < 0) {
      firstOf[ids.add(x, y)] = i;
      continue;
    }
    const first = firstOf[id]!;
    const forward = keyOf[a[first]!] === x;
    const { kind, message } = repeatIssue(aLine[i]! + 1, terms[a[i]!]!, terms[b[i]!]!, label[i] as 0 | 1, aLine[first]! + 1, label[first] as 0 | 1, forward);
    issues.push({ kind, pair: i, first, message });
  }
  return issues;
}
