/**
 * The parsed state of one document version: dictionary, pair issues, term set, and the lookups
 * the features need (cell at a position, synonym groups, positions of offsets). Built once per
 * version and shared by diagnostics, hover, inlay hints, code actions and custom requests.
 *
 * Versions are incremental: `next` re-parses only the records an edit touched (core's
 * `reparseDictionary`) and carries a `DocumentIndex` — pair issues, term counts, and what changed
 * since each consumer last looked — from one version to the next, so an edit costs what it
 * touches, not the size of the file. The price: rows of an older version are updated in place,
 * so an `Analysis` is valid only until its successor exists (`superseded`).
 */
import type { Position, Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Cell, Dictionary, Pair, PairIssue, Row } from '../core/csv/types';
import { parseDictionary, reparseDictionary, type DictionaryChange } from '../core/csv/parse';
import { PairIssueIndex, synonymGroups, termKey } from '../core/dictionary';
import { LineIndex } from '../core/text';

/** Additions and removals since a consumer last took them; an addition undone before that cancels out. */
export class Delta<T> {
  readonly added = new Set<T>();
  readonly removed = new Set<T>();

  add(x: T): void {
    if (!this.removed.delete(x)) this.added.add(x);
  }

  remove(x: T): void {
    if (!this.added.delete(x)) this.removed.add(x);
  }

  /** The pending changes, leaving this delta empty. */
  take(): { added: T[]; removed: T[] } {
    const out = { added: [...this.added], removed: [...this.removed] };
    this.added.clear();
    this.removed.clear();
    return out;
  }
}

/**
 * What one document's versions share, updated in place by each edit. A full re-parse (first
 * open, an edit reaching the header, an unclosed quote) makes a new index, which tells every
 * consumer to start over.
 */
export class DocumentIndex {
  readonly pairIssues: PairIssueIndex;
  /** Term text → number of term and synonym cells holding it. */
  private readonly termCounts = new Map<string, number>();
  /** Every distinct term text (trimmed cell text) of term and synonym cells. */
  readonly terms = new Set<string>();
  /** Terms that appeared or vanished since the vector store was last told (see `server.ts`). */
  readonly storeDelta = new Delta<string>();
  /** Terms that appeared since the last check that every term has a vector. */
  readonly unembedded = new Set<string>();
  /** The vector store in which every term but `unembedded` was last found embedded. */
  embeddedIn?: object;
  /** Rows added and removed since the model's diagnostics last looked (see `diagnostics.ts`). */
  readonly rowDelta = new Delta<Row>();

  constructor(dict: Dictionary) {
    this.pairIssues = new PairIssueIndex(dict.pairs);
    for (const row of dict.rows) this.countRow(row, 1);
  }

  /** Applies an incremental re-parse's change. */
  apply(change: DictionaryChange): void {
    this.pairIssues.update(change.removedPairs, change.addedPairs);
    for (const row of change.removedRows) {
      this.countRow(row, -1);
      this.rowDelta.remove(row);
    }
    for (const row of change.addedRows) {
      this.countRow(row, 1);
      this.rowDelta.add(row);
    }
  }

  private countRow(row: Row, by: 1 | -1): void {
    if (row.term) this.count(row.term.text, by);
    for (const s of row.synonyms) this.count(s.text, by);
  }

  private count(text: string, by: 1 | -1): void {
    const n = (this.termCounts.get(text) ?? 0) + by;
    if (n > 0) {
      this.termCounts.set(text, n);
      if (n === 1 && by === 1) {
        this.terms.add(text);
        this.storeDelta.add(text);
        this.unembedded.add(text);
      }
    } else {
      this.termCounts.delete(text);
      this.terms.delete(text);
      this.storeDelta.remove(text);
      this.unembedded.delete(text);
    }
  }
}

export class Analysis {
  readonly issues: PairIssue[];
  private lineIndex?: LineIndex;
  private groupIndex?: Map<string, number>;
  private groupList?: string[][];
  private successor?: Analysis;

  constructor(
    readonly uri: string,
    readonly version: number,
    readonly dict: Dictionary,
    /** Shared with the document's other versions; only the newest may use it. */
    readonly index: DocumentIndex = new DocumentIndex(dict),
  ) {
    this.issues = index.pairIssues.issues();
  }

  static of(doc: TextDocument): Analysis {
    return new Analysis(doc.uri, doc.version, parseDictionary(doc.getText()));
  }

  /** The analysis of a later version of the same document; this one is superseded by it. */
  next(doc: TextDocument): Analysis {
    const { dict, change } = reparseDictionary(this.dict, doc.getText());
    let index: DocumentIndex;
    if (change) {
      index = this.index;
      index.apply(change);
    } else index = new DocumentIndex(dict);
    const next = new Analysis(doc.uri, doc.version, dict, index);
    this.successor = next;
    return next;
  }

  /**
   * True once a later version was analysed: this version's rows and pairs may since have been
   * updated in place to describe that version, so results built from them must be dropped.
   */
  get superseded(): boolean {
    return this.successor !== undefined;
  }

  /**
   * Every distinct term text (trimmed cell text) of term and synonym cells — of the newest
   * version (the set is shared and updated in place).
   */
  get terms(): ReadonlySet<string> {
    return this.index.terms;
  }

  /**
   * Cell ranges are relative to `dict.text`, which excludes a byte order mark; the editor's text
   * includes it when the client sends one, shifting line 0 by one code unit.
   */
  docRange(r: Range): Range {
    if (!this.dict.bom) return r;
    const shift = (p: Position): Position => (p.line === 0 ? { line: 0, character: p.character + 1 } : p);
    return { start: shift(r.start), end: shift(r.end) };
  }

  /** Converts a core edit ([start, end) offsets into `dict.text`) to document positions. */
  docEdit(edit: { start: number; end: number; newText: string }): { range: Range; newText: string } {
    const lines = (this.lineIndex ??= new LineIndex(this.dict.text));
    return { range: this.docRange({ start: lines.positionAt(edit.start), end: lines.positionAt(edit.end) }), newText: edit.newText };
  }

  /** The data row whose source range contains `pos` (a document position), if any. */
  rowAt(pos: Position): Row | undefined {
    const p = this.dict.bom && pos.line === 0 ? { line: 0, character: Math.max(0, pos.character - 1) } : pos;
    const rows = this.dict.rows;
    let lo = 0;
    let hi = rows.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (before(rows[mid].range.start, p) <= 0) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return undefined;
    const row = rows[found];
    return before(p, row.range.end) <= 0 ? row : undefined;
  }

  /** The term or synonym cell (non-empty) at `pos`, with its row. */
  termCellAt(pos: Position): { row: Row; cell: Cell } | undefined {
    const row = this.rowAt(pos);
    if (!row) return undefined;
    const p = this.dict.bom && pos.line === 0 ? { line: 0, character: Math.max(0, pos.character - 1) } : pos;
    for (const cell of [...(row.term ? [row.term] : []), ...row.synonyms]) {
      if (before(cell.range.start, p) <= 0 && before(p, cell.range.end) <= 0) return { row, cell };
    }
    return undefined;
  }

  /** Synonym groups (connected components of label-1 pairs, by term key). */
  get groups(): string[][] {
    return (this.groupList ??= synonymGroups(this.dict.pairs));
  }

  /** Index into `groups` of a term's group, or undefined when the term is in no positive pair. */
  groupOf(term: string): number | undefined {
    if (!this.groupIndex) {
      const m = new Map<string, number>();
      this.groups.forEach((g, i) => g.forEach((t) => m.set(termKey(t), i)));
      this.groupIndex = m;
    }
    return this.groupIndex.get(termKey(term));
  }

  private partners?: Map<string, Map<string, 0 | 1>>;
  /**
   * Term keys paired with `term` (either direction) and the label of that pairing (1 wins over 0
   * when both exist). Indexed once per version: hovers ask for it on every move.
   */
  partnersOf(term: string): ReadonlyMap<string, 0 | 1> {
    if (!this.partners) {
      const m = new Map<string, Map<string, 0 | 1>>();
      const link = (x: string, y: string, label: 0 | 1) => {
        let e = m.get(x);
        if (!e) m.set(x, (e = new Map()));
        if (e.get(y) !== 1) e.set(y, label);
      };
      for (const p of this.dict.pairs) {
        const a = termKey(p.a.text);
        const b = termKey(p.b.text);
        link(a, b, p.label);
        link(b, a, p.label);
      }
      this.partners = m;
    }
    return this.partners.get(termKey(term)) ?? new Map();
  }

  /** Pairs whose synonym cell intersects `range` (document positions). */
  pairsIn(range: Range): Pair[] {
    const out: Pair[] = [];
    const first = this.rowAt(range.start);
    const from = first ? first.index : lowerBoundRow(this.dict.rows, range.start);
    let to = from;
    for (; to < this.dict.rows.length; to++) {
      // LSP ranges are end-exclusive: a row starting exactly at `range.end` is outside.
      if (to > (first?.index ?? -1) && before(range.end, this.docRange(this.dict.rows[to].range).start) <= 0) break;
    }
    // Pairs are in row order, so the rows' pairs are one run found by binary search.
    const pairs = this.dict.pairs;
    for (let i = firstPairOfRow(pairs, from); i < pairs.length && pairs[i].row < to; i++) out.push(pairs[i]);
    return out;
  }

  /** The pairs of one data row. */
  pairsOf(row: number): Pair[] {
    const pairs = this.dict.pairs;
    const out: Pair[] = [];
    for (let i = firstPairOfRow(pairs, row); i < pairs.length && pairs[i].row === row; i++) out.push(pairs[i]);
    return out;
  }
}

/** First pair index whose row is ≥ `row`. */
function firstPairOfRow(pairs: readonly Pair[], row: number): number {
  let lo = 0;
  let hi = pairs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pairs[mid].row < row) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Negative when a is before b, 0 when equal. */
function before(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

function lowerBoundRow(rows: Row[], pos: Position): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(rows[mid].range.end, pos) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
