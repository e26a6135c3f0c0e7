/**
 * The parsed state of one document version: dictionary, pair issues, term set, and the lookups
 * the features need (cell at a position, synonym groups, positions of offsets). Built once per
 * version and shared by diagnostics, hover, inlay hints, code actions and custom requests.
 */
import type { Position, Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Cell, Dictionary, Pair, PairIssue, Row } from '../core/csv/types';
import { parseDictionary } from '../core/csv/parse';
import { findPairIssues, synonymGroups, termKey } from '../core/dictionary';
import { LineIndex } from '../core/text';

export class Analysis {
  readonly issues: PairIssue[];
  /** Every distinct term text (trimmed cell text) of term and synonym cells, in order of appearance. */
  readonly terms: Set<string>;
  private lineIndex?: LineIndex;
  private groupIndex?: Map<string, number>;
  private groupList?: string[][];

  constructor(
    readonly uri: string,
    readonly version: number,
    readonly dict: Dictionary,
  ) {
    this.issues = findPairIssues(dict);
    const terms = new Set<string>();
    for (const row of dict.rows) {
      if (row.term) terms.add(row.term.text);
      for (const s of row.synonyms) terms.add(s.text);
    }
    this.terms = terms;
  }

  static of(doc: TextDocument): Analysis {
    return new Analysis(doc.uri, doc.version, parseDictionary(doc.getText()));
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
    let i = first ? first.index : lowerBoundRow(this.dict.rows, range.start);
    const pairs = this.pairsByRow();
    for (; i < this.dict.rows.length; i++) {
      const row = this.dict.rows[i];
      // LSP ranges are end-exclusive: a row starting exactly at `range.end` is outside.
      if (i > (first?.index ?? -1) && before(range.end, this.docRange(row.range).start) <= 0) break;
      for (const p of pairs[i] ?? []) out.push(p);
    }
    return out;
  }

  private byRow?: Pair[][];
  /** Pairs indexed by data row. */
  pairsByRow(): Pair[][] {
    if (!this.byRow) {
      const byRow: Pair[][] = [];
      for (const p of this.dict.pairs) (byRow[p.row] ??= []).push(p);
      this.byRow = byRow;
    }
    return this.byRow;
  }
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
