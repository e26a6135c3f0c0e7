/**
 * The table's data, without DOM: columns from the dictionary's header and rows, display text,
 * scores and diagnostics per row, and the filtered + sorted view order. A Solr file or an ES
 * synonyms set is read by core into the same dictionary model: a row per rule, a cell per term
 * (inputs, then outputs), with the rule's direction beside it.
 */
import type { Dictionary, Row } from '../../src/core/csv';
import { parseAnyDictionary, type DictionaryFormat } from '../../src/core/formats/dictionary';
import type { SolrRule } from '../../src/core/formats/solr';
import type { TableDiagnostic, TablePairScore, TableStrings } from '../../src/shared/webviewProtocol';
import { format } from '../common/strings';

/** The texts of default column titles (from the page's strings table). */
export type ColumnTitles = Pick<TableStrings, 'columnTerm' | 'columnLabel' | 'columnSynonym' | 'columnSynonymN' | 'columnN' | 'columnSimilarity' | 'columnSimilarityN' | 'columnRule' | 'columnId'>;

/** `rule`: a Solr or ES rule's direction; `id`: an ES rule's id. */
export type ColumnKind = 'line' | 'term' | 'synonym' | 'label' | 'extra' | 'score' | 'rule' | 'id';

export interface Column {
  /**
   * Stable key for sort state: `line`, `c<csv column>`, `score` (the score of the first synonym
   * column's pair) or `score<csv column>` (of another synonym column's pair).
   */
  key: string;
  kind: ColumnKind;
  title: string;
  /**
   * CSV column index (a rule's term index) for cell columns; for a score column, the synonym
   * column whose pair it scores.
   */
  csv?: number;
  editable: boolean;
}

export interface RowScore {
  /** Lowest cosine over the row's pairs, in [-1, 1]. */
  cosine: number;
  flagged: boolean;
  pairs: TablePairScore[];
  /**
   * The pairs scored in each synonym cell, by its CSV column: one pair per cell, except an explicit
   * rule's output, scored with each of the rule's inputs.
   */
  byColumn: Map<number, TablePairScore[]>;
}

export interface RowDiagnostics {
  severity: TableDiagnostic['severity'];
  items: TableDiagnostic[];
}

const RANK = { error: 0, warning: 1, info: 2, hint: 3 } as const;

/** The document as the grid sees it; rebuilt on each new document version. */
export class TableModel {
  readonly dict: Dictionary;
  /** Solr and ES files: the rule of each row (row i is `rules[i]`). */
  readonly rules: SolrRule[] | undefined;
  /** ES synonyms sets: each rule's id. */
  readonly ids: (string | undefined)[] | undefined;
  readonly columns: Column[];
  /** Lower-cased, NFKC-folded text of each row's cells, for filtering. */
  private readonly haystack: string[];
  scores = new Map<number, RowScore>();
  diagnostics = new Map<number, RowDiagnostics>();
  threshold: number | undefined;
  negativeThreshold: number | undefined;
  modelId: string | undefined;

  constructor(
    readonly uri: string,
    readonly version: number,
    text: string,
    titles: ColumnTitles,
    readonly format: DictionaryFormat = 'csv',
  ) {
    const parsed = parseAnyDictionary(text, format);
    this.dict = parsed.dict;
    this.rules = parsed.rules;
    this.ids = parsed.ids;
    this.columns = this.rules ? ruleColumnsOf(this.dict, format === 'es', titles) : columnsOf(this.dict, titles);
    this.haystack = this.dict.rows.map((r) => fold(r.cells.map((c) => this.cellValue(c)).join('\u0001')));
  }

  /** Whether rows are rules of a Solr file or ES synonyms set (edited term by term). */
  get isRules(): boolean {
    return this.rules !== undefined;
  }

  /**
   * What a cell holds for people and for the cell editor: a CSV cell's value, or a rule's term as
   * the engine reads it (`a\,b` is the term `a,b`; the host escapes what is typed).
   */
  private cellValue(c: Row['cells'][number]): string {
    return this.rules ? c.text : c.raw;
  }

  /** Solr and ES files: which side of its rule cell `csv` of `row` is on (`in`/`out` for explicit rules). */
  side(row: number, csv: number): 'in' | 'out' | undefined {
    const rule = this.rules?.[row];
    if (!rule || rule.kind !== 'explicit' || csv >= rule.inputs.length + rule.outputs.length) return undefined;
    return csv < rule.inputs.length ? 'in' : 'out';
  }

  get rowCount(): number {
    return this.dict.rows.length;
  }

  row(i: number): Row {
    return this.dict.rows[i]!;
  }

  /** Display text of a cell: line breaks inside a quoted value are shown as ↵ on one line. */
  cellText(row: number, col: Column): string {
    const r = this.dict.rows[row]!;
    switch (col.kind) {
      case 'line':
        return String(r.range.start.line + 1);
      case 'score': {
        const p = this.pairScore(row, col);
        return p ? p.cosine.toFixed(3) : '';
      }
      case 'rule':
        return this.rules?.[row]?.kind === 'explicit' ? '⇒' : '⇔';
      case 'id':
        return this.ids?.[row] ?? '';
      default: {
        const c = r.cells[col.csv!];
        return c ? this.cellValue(c).replace(/\r\n|\r|\n/g, '↵') : '';
      }
    }
  }

  /** The raw value of a CSV cell, or a rule's term ('' when the row is shorter). */
  rawValue(row: number, csv: number): string {
    const c = this.dict.rows[row]?.cells[csv];
    return c ? this.cellValue(c) : '';
  }

  /**
   * The row's values with column `csv` set to `value` (the row padded with empty cells when it is
   * shorter), for an `editRow` request.
   */
  valuesWith(row: number, csv: number, value: string): string[] {
    const values = this.dict.rows[row]!.cells.map((c) => c.raw);
    while (values.length <= csv) values.push('');
    values[csv] = value;
    return values;
  }

  /**
   * The score a score column shows in `row`: its synonym column's pair, or the worst of that
   * cell's pairs (flagged first, then the lowest cosine).
   */
  pairScore(row: number, col: Column): TablePairScore | undefined {
    let worst: TablePairScore | undefined;
    for (const p of this.pairScores(row, col)) if (!worst || (p.flagged && !worst.flagged) || (p.flagged === worst.flagged && p.cosine < worst.cosine)) worst = p;
    return worst;
  }

  /** Every pair scored in a score column's synonym cell of `row`. */
  pairScores(row: number, col: Column): readonly TablePairScore[] {
    return (col.kind === 'score' && col.csv !== undefined ? this.scores.get(row)?.byColumn.get(col.csv) : undefined) ?? [];
  }

  /** Whether the pairs of `row` are one-way (an explicit rule's). */
  oneWay(row: number): boolean {
    return this.rules?.[row]?.kind === 'explicit';
  }

  /** Flagged pairs (not rows: a row of two flagged pairs counts two, as the Problems panel does). */
  flaggedPairs(): number {
    let n = 0;
    for (const s of this.scores.values()) for (const p of s.pairs) if (p.flagged) n++;
    return n;
  }

  /**
   * Takes scores for this version; scores of another version are kept only for rows they still
   * match. Each pair goes to the cell of its synonym: the row's first synonym cell with that text
   * not taken by an earlier pair (a row `a,b,b` has two pairs and two cells); when all are taken
   * (an explicit rule `a, b => c` scores `c` with `a` and with `b`), to the first of them.
   */
  setScores(version: number, pairs: readonly TablePairScore[]): void {
    const scores = new Map<number, RowScore>();
    for (const p of pairs) {
      const r = this.dict.rows[p.row];
      if (!r) continue;
      if (version !== this.version && !(r.term?.text === p.term && r.synonyms.some((s) => s.text === p.synonym))) continue;
      let s = scores.get(p.row);
      if (!s) scores.set(p.row, (s = { cosine: p.cosine, flagged: p.flagged, pairs: [], byColumn: new Map() }));
      s.cosine = Math.min(s.cosine, p.cosine);
      s.flagged ||= p.flagged;
      s.pairs.push(p);
      const cell = r.synonyms.find((c) => c.text === p.synonym && !s.byColumn.has(c.column)) ?? r.synonyms.find((c) => c.text === p.synonym);
      if (cell) s.byColumn.set(cell.column, [...(s.byColumn.get(cell.column) ?? []), p]);
    }
    this.scores = scores;
  }

  setDiagnostics(items: readonly TableDiagnostic[]): void {
    const m = new Map<number, RowDiagnostics>();
    for (const d of items) {
      if (d.row < 0 || d.row >= this.rowCount) continue;
      const e = m.get(d.row);
      if (!e) m.set(d.row, { severity: d.severity, items: [d] });
      else {
        e.items.push(d);
        if (RANK[d.severity] < RANK[e.severity]) e.severity = d.severity;
      }
    }
    this.diagnostics = m;
  }

  /** Whether a row deserves a look: a flagged score or a diagnostic. */
  hasIssue(row: number): boolean {
    return this.scores.get(row)?.flagged === true || this.diagnostics.has(row);
  }

  /**
   * Data row indices to show: rows whose text contains every white-space separated word of
   * `filter` (case- and width-insensitive), optionally only rows with issues, sorted stably.
   */
  view(filter: string, issuesOnly: boolean, sort: { column: string; descending: boolean } | undefined): Int32Array {
    const words = fold(filter).split(/\s+/).filter(Boolean);
    const out: number[] = [];
    for (let i = 0; i < this.haystack.length; i++) {
      if (issuesOnly && !this.hasIssue(i)) continue;
      const text = this.haystack[i]!;
      if (words.every((w) => text.includes(w))) out.push(i);
    }
    const col = sort && this.columns.find((c) => c.key === sort.column);
    if (col && col.kind !== 'line') {
      const dir = sort.descending ? -1 : 1;
      if (col.kind === 'score') {
        // Rows without a score in that column go last in either direction.
        const v = (i: number) => this.pairScore(i, col)?.cosine;
        out.sort((a, b) => {
          const x = v(a);
          const y = v(b);
          if (x === undefined || y === undefined) return x === y ? a - b : x === undefined ? 1 : -1;
          return (x - y) * dir || a - b;
        });
      } else {
        const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
        const keys = new Map<number, string>();
        for (const i of out) keys.set(i, col.csv === undefined ? this.cellText(i, col) : (this.dict.rows[i]!.cells[col.csv]?.text ?? ''));
        out.sort((a, b) => collator.compare(keys.get(a)!, keys.get(b)!) * dir || a - b);
      }
    } else if (col && sort.descending) {
      out.reverse();
    }
    return Int32Array.from(out);
  }
}

function fold(s: string): string {
  return s.normalize('NFKC').toLowerCase();
}

/**
 * Columns: line, each CSV column (named by the header or by role), then one similarity column per
 * synonym column (its pair's score; numbered when there are several). A header-less
 * column takes its title from `titles`, except that a Chinese header names the term column 标准词
 * whatever the display language (the file's own vocabulary).
 */
export function columnsOf(dict: Dictionary, titles: ColumnTitles): Column[] {
  let width = Math.max(2, dict.header?.cells.length ?? 0);
  for (const r of dict.rows) if (r.cells.length > width) width = r.cells.length;
  const cols: Column[] = [{ key: 'line', kind: 'line', title: '#', editable: false }];
  const zh = dict.header?.language === 'zh';
  let synonymNo = 0;
  const synonymColumns = [...Array(width).keys()].filter((c) => c > 0 && c !== dict.labelColumn && (dict.header?.roles[c] ?? 'synonym') === 'synonym').length;
  for (let c = 0; c < width; c++) {
    const kind: ColumnKind =
      c === 0 ? 'term' : c === dict.labelColumn ? 'label' : dict.header && c < dict.header.roles.length ? dict.header.roles[c]! : dict.labelColumn !== undefined && c > dict.labelColumn ? 'extra' : 'synonym';
    let title = dict.header?.cells[c]?.text ?? '';
    if (!title) {
      if (kind === 'term') title = zh ? '标准词' : titles.columnTerm;
      else if (kind === 'label') title = titles.columnLabel;
      else if (kind === 'synonym') title = synonymColumns > 1 ? format(titles.columnSynonymN, ++synonymNo) : titles.columnSynonym;
      else title = format(titles.columnN, c + 1);
    }
    cols.push({ key: `c${c}`, kind, title, csv: c, editable: true });
  }
  const synonymCsv = cols.filter((c) => c.kind === 'synonym').map((c) => c.csv!);
  synonymCsv.forEach((csv, k) =>
    cols.push({ key: k === 0 ? 'score' : `score${csv}`, kind: 'score', title: synonymCsv.length > 1 ? format(titles.columnSimilarityN, k + 1) : titles.columnSimilarity, csv, editable: false }),
  );
  return cols;
}

/**
 * Columns of a Solr file or ES synonyms set: line, the rule's direction, the id (ES), one column per
 * term position (the first term, then its synonyms, at least one) and one similarity column per
 * synonym column.
 */
export function ruleColumnsOf(dict: Dictionary, withIds: boolean, titles: ColumnTitles): Column[] {
  let width = 2;
  for (const r of dict.rows) if (r.cells.length > width) width = r.cells.length;
  const cols: Column[] = [{ key: 'line', kind: 'line', title: '#', editable: false }, { key: 'rule', kind: 'rule', title: titles.columnRule, editable: false }];
  if (withIds) cols.push({ key: 'id', kind: 'id', title: titles.columnId, editable: false });
  cols.push({ key: 'c0', kind: 'term', title: titles.columnTerm, csv: 0, editable: true });
  for (let c = 1; c < width; c++) cols.push({ key: `c${c}`, kind: 'synonym', title: width > 2 ? format(titles.columnSynonymN, c) : titles.columnSynonym, csv: c, editable: true });
  for (let c = 1; c < width; c++) {
    cols.push({ key: c === 1 ? 'score' : `score${c}`, kind: 'score', title: width > 2 ? format(titles.columnSimilarityN, c) : titles.columnSimilarity, csv: c, editable: false });
  }
  return cols;
}
