/**
 * Parser of synonym dictionaries (CSV) into rows, cells with exact source ranges, pairs and
 * problems — in full (`parseDictionary`) or incrementally after an edit (`reparseDictionary`).
 *
 * Why not papaparse: it returns values and, in step mode, a cursor per row — no offset per field.
 * It also guesses one record separator per file from the first line break, so a file with mixed
 * LF/CRLF (which we allow) reads `c,d\r\ne,f` as `["c","d\r\ne","f"]` after an LF first line.
 * Editor features (a diagnostic on one cell, inlay hints, edits that keep every other byte) need
 * the exact UTF-16 range of every field, quoted fields spanning lines included, so this module has
 * its own small RFC 4180 scanner. papaparse serves as an independent oracle for cell values in the
 * unit tests, which is where it helps.
 *
 * Cost model: a 20,000-row file is 60,000 cells, re-parsed on every keystroke by the language
 * server. Cells therefore keep their positions as plain numbers and build `range` objects only
 * when asked (few cells ever are: those with a diagnostic, a hover, an inlay hint), and
 * `reparseDictionary` re-scans only the records an edit touched.
 */

import { formatMessage, PROBLEM_MESSAGES } from './messages';
import type { Cell, ColumnRole, Dictionary, Header, Pair, Position, Problem, ProblemCode, ProblemMessageId, Range, Row } from './types';
import { LineIndex } from '../text';
import { runSteps, type Steps } from '../steps';

const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;

function pos(line: number, character: number): Position {
  return { line, character };
}

/**
 * A cell as the scanner makes it: one object per field, its positions kept as offsets — the
 * field's line and the offset where that line starts — and `range` built on access (few cells
 * are ever asked: those with a diagnostic, a hover, an inlay hint). A field spanning lines (a
 * quoted value with line breaks) is a `MultiLineCell`, which also knows its last line.
 */
class SourceCell implements Cell {
  // Fields are declared, not defined, and assigned in the constructor: class-field definitions
  // (the ES2022 semantics the compiler emits otherwise) cost measurably at millions of cells.
  declare raw: string;
  declare text: string;
  declare quoted: boolean;
  declare column: number;
  declare start: number;
  declare end: number;
  /** 0-based line of `start`. */
  declare line: number;
  /** Offset in the text where that line starts. */
  declare lineStart: number;

  constructor(raw: string, text: string, quoted: boolean, column: number, start: number, end: number, line: number, lineStart: number) {
    this.raw = raw;
    this.text = text;
    this.quoted = quoted;
    this.column = column;
    this.start = start;
    this.end = end;
    this.line = line;
    this.lineStart = lineStart;
  }

  /** Source range of the whole field (a new object on every access). */
  get range(): Range {
    return { start: this.startPosition(), end: this.endPosition() };
  }

  startPosition(): Position {
    return pos(this.line, this.start - this.lineStart);
  }

  endPosition(): Position {
    return pos(this.line, this.end - this.lineStart);
  }

  /** Moves the cell by `delta` code units and `dLine` lines (an edit before it). */
  shift(delta: number, dLine: number): void {
    this.start += delta;
    this.end += delta;
    this.lineStart += delta;
    this.line += dLine;
  }
}

/** A field whose value spans lines: `end` is on a later line than `start`. */
class MultiLineCell extends SourceCell {
  /** 0-based line of `end`. */
  declare endLine: number;
  /** Offset in the text where that line starts. */
  declare endLineStart: number;

  constructor(raw: string, text: string, quoted: boolean, column: number, start: number, end: number, line: number, lineStart: number, endLine: number, endLineStart: number) {
    super(raw, text, quoted, column, start, end, line, lineStart);
    this.endLine = endLine;
    this.endLineStart = endLineStart;
  }

  override endPosition(): Position {
    return pos(this.endLine, this.end - this.endLineStart);
  }

  override shift(delta: number, dLine: number): void {
    super.shift(delta, dLine);
    this.endLineStart += delta;
    this.endLine += dLine;
  }
}

/** The synonyms of a row without any (one shared, frozen array). */
const NO_SYNONYMS: Cell[] = Object.freeze([] as Cell[]) as Cell[];

/**
 * A record as the scanner makes it; its `range` spans its first and last cells. Every field is
 * assigned in the constructor, the optional ones too (as undefined), so all rows share one shape.
 */
class SourceRow implements Row {
  declare index: number;
  declare cells: SourceCell[];
  declare synonyms: Cell[];
  declare start: number;
  declare end: number;
  declare endWithEol: number;
  declare term: Cell | undefined;
  declare label: 0 | 1 | undefined;
  declare labelCell: Cell | undefined;

  constructor(index: number, cells: SourceCell[], start: number, end: number, endWithEol: number) {
    this.index = index;
    this.cells = cells;
    this.synonyms = NO_SYNONYMS;
    this.start = start;
    this.end = end;
    this.endWithEol = endWithEol;
    this.term = undefined;
    this.label = undefined;
    this.labelCell = undefined;
  }

  get range(): Range {
    return { start: this.cells[0].startPosition(), end: this.cells[this.cells.length - 1].endPosition() };
  }
}

/** Scanner position between records (a record always starts a line) and what it has counted. */
interface Cursor {
  p: number;
  line: number;
  /** Record terminators seen (breaks inside quoted values excluded), to choose `eol`. */
  crlf: number;
  lf: number;
  /** Whether a quote was never closed (that field's reading depends on the whole rest of the text). */
  unterminated: boolean;
  /** Problems of the record scanned last, if any (the caller takes them). */
  problems?: Problem[];
}

/** The problems belonging to one record: from the scanner, and from the row checks. */
interface RecordProblems {
  scan: Problem[];
  row: Problem[];
}

/**
 * Scans one record starting at `c.p` (< text length; a line start) and moves the cursor past its
 * terminator. Returns undefined for a blank record (one unquoted, white-space-only field): blank
 * records are not rows and cannot hold problems. RFC 4180 with LF, CRLF or lone CR between records.
 * Malformed quoting is reported and recovered from locally so that the rest of the file still
 * parses:
 * - a quote inside an unquoted field is kept literally;
 * - text after a closing quote is appended to the value up to the next comma or line break;
 * - a quote that is never closed makes its field run to the end of its line only (the strict
 *   reading would swallow the rest of the file into one cell, which helps nobody).
 */
function scanRecord(text: string, c: Cursor): SourceRow | undefined {
  const n = text.length;
  let p = c.p;
  let line = c.line;
  let lineStart = p;
  const recStart = p;
  // Cells are gathered in a scratch array and copied into one of their exact number: an array
  // grown by `push` reserves 17 slots (152 bytes where three cells need 40: ~100 MB a million records).
  const cells = scratchCells;
  let count = 0;
  // No closures here: this runs once per record, and per-call closures show in profiles.
  let problems: Problem[] | undefined;

  for (;;) {
    const fStart = p;
    const fLine = line;
    const fLineStart = lineStart;
    const fCharacter = p - lineStart;
    const column = count;
    let raw: string;
    let quoted = false;

    if (p < n && text.charCodeAt(p) === QUOTE) {
      quoted = true;
      let j = p + 1;
      let doubled = false;
      let close = -1;
      let l = line;
      let ls = lineStart;
      while (j < n) {
        const ch = text.charCodeAt(j);
        if (ch === QUOTE) {
          if (j + 1 < n && text.charCodeAt(j + 1) === QUOTE) {
            doubled = true;
            j += 2;
            continue;
          }
          close = j;
          break;
        }
        if (ch === LF) {
          l++;
          ls = j + 1;
        } else if (ch === CR) {
          if (j + 1 < n && text.charCodeAt(j + 1) === LF) j++;
          l++;
          ls = j + 1;
        }
        j++;
      }
      if (close >= 0) {
        line = l;
        lineStart = ls;
        raw = text.slice(p + 1, close);
        if (doubled) raw = raw.replaceAll('""', '"');
        p = close + 1;
        if (p < n) {
          const ch = text.charCodeAt(p);
          if (ch !== COMMA && ch !== CR && ch !== LF) {
            const tail = p;
            while (p < n) {
              const d = text.charCodeAt(p);
              if (d === COMMA || d === CR || d === LF) break;
              p++;
            }
            raw += text.slice(tail, p);
            problems = scanProblem(
              problems,
              'stray-quote',
              'textAfterClosingQuote',
              [line + 1, column + 1],
              { start: pos(line, close - lineStart), end: pos(line, p - lineStart) },
            );
          }
        }
      } else {
        // Never closed: the problem covers the rest of the input, the field ends with its line.
        c.unterminated = true;
        problems = scanProblem(
          problems,
          'unterminated-quote',
          'unterminatedQuote',
          [fLine + 1, column + 1],
          { start: pos(fLine, fCharacter), end: pos(l, n - ls) },
        );
        let k = p + 1;
        while (k < n) {
          const ch = text.charCodeAt(k);
          if (ch === CR || ch === LF) break;
          k++;
        }
        raw = text.slice(p + 1, k).replaceAll('""', '"');
        p = k;
      }
    } else {
      let stray = -1;
      const s = p;
      while (p < n) {
        const ch = text.charCodeAt(p);
        if (ch === COMMA || ch === CR || ch === LF) break;
        if (ch === QUOTE && stray < 0) stray = p;
        p++;
      }
      raw = text.slice(s, p);
      if (stray >= 0) {
        problems = scanProblem(
          problems,
          'stray-quote',
          'quoteInUnquotedField',
          [line + 1, column + 1],
          { start: pos(line, stray - lineStart), end: pos(line, stray + 1 - lineStart) },
        );
      }
    }

    cells[count++] =
      line === fLine
        ? new SourceCell(raw, raw.trim(), quoted, column, fStart, p, fLine, fLineStart)
        : new MultiLineCell(raw, raw.trim(), quoted, column, fStart, p, fLine, fLineStart, line, lineStart);
    if (p < n && text.charCodeAt(p) === COMMA) {
      p++;
      continue;
    }
    break;
  }

  const recEnd = p;
  if (p < n) {
    if (text.charCodeAt(p) === CR) {
      if (p + 1 < n && text.charCodeAt(p + 1) === LF) {
        c.crlf++;
        p++;
      }
    } else {
      c.lf++;
    }
    p++;
    line++;
  }
  c.p = p;
  c.line = line;
  c.problems = problems;
  if (count === 1 && !cells[0].quoted && cells[0].text === '') return undefined;
  return new SourceRow(0, cells.slice(0, count), recStart, recEnd, p);
}

/** `scanRecord`'s cells of the record being scanned (slots past its cells are left over from longer ones). */
const scratchCells: SourceCell[] = [];

/** Appends a scanner problem (all are errors) to `list`, creating it on first use. */
function scanProblem(list: Problem[] | undefined, code: ProblemCode, messageId: ProblemMessageId, args: (string | number)[], range: Range): Problem[] {
  const out = list ?? [];
  out.push({ code, message: formatMessage(PROBLEM_MESSAGES[messageId], args), messageId, args, range, severity: 'error' });
  return out;
}

/** Header cell spelling for matching: no white space at all, lower case, compatibility-folded. */
function headerKey(s: string): string {
  return s.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

const EN_TERM = new Set(['term', 'text1', 'standard', 'word']);
const EN_SYNONYM = new Set(['synonym', 'synonyms', 'text2']);
const ZH_TERM = new Set(['标准词']);
const ZH_SYNONYM = new Set(['近似词', '同义词']);
const LABEL_NAMES = new Set(['label', '标签']);

/** Language of a header record, or undefined when the record is data. */
function headerLanguage(cells: readonly Cell[]): 'en' | 'zh' | undefined {
  if (cells.length < 2) return undefined;
  const a = headerKey(cells[0].raw);
  const b = headerKey(cells[1].raw);
  if (EN_TERM.has(a) && EN_SYNONYM.has(b)) return 'en';
  if (ZH_TERM.has(a) && ZH_SYNONYM.has(b)) return 'zh';
  return undefined;
}

/** `1`/`0` (also `1.0`/`0.0`, as spreadsheets export them), trimmed; otherwise undefined. */
function parseLabel(text: string): 0 | 1 | undefined {
  if (text === ONE_WAY_LABEL) return 1;
  const m = /^([01])(?:\.0+)?$/.exec(text);
  if (!m) return undefined;
  return m[1] === '1' ? 1 : 0;
}

/**
 * The label of a one-way row: the term is rewritten to its synonyms, not the other way round
 * (Solr's explicit rule `term => synonym`).
 */
export const ONE_WAY_LABEL = '=>';

/** Whether a header-less record has the `text1,text2,label` shape. */
function labelShaped(row: SourceRow): boolean {
  return row.cells.length === 3 && parseLabel(row.cells[2].text) !== undefined;
}

/** What the header (or its absence) says about columns; shared by every row of a version. */
interface Layout {
  header?: Header;
  labelColumn?: number;
}

function roleOf(layout: Layout, column: number): ColumnRole {
  if (column === 0) return 'term';
  if (column === layout.labelColumn) return 'label';
  const header = layout.header;
  if (header && column < header.roles.length) return header.roles[column];
  return layout.labelColumn !== undefined && column > layout.labelColumn ? 'extra' : 'synonym';
}

/**
 * Gives a scanned record its data-row index, term, synonyms and label; appends its pairs to
 * `pairs` and returns its row-level problems (undefined when it has none).
 */
function finishRow(row: SourceRow, index: number, layout: Layout, pairs: Pair[]): Problem[] | undefined {
  row.index = index;
  const { cells } = row;
  let synonyms: Cell[] | undefined;
  const lineNo = row.cells[0].line + 1;
  const { labelColumn } = layout;
  const headerWidth = layout.header?.cells.length;
  let problems: Problem[] | undefined;

  const term = cells[0].text !== '' ? cells[0] : undefined;
  let labelCell: Cell | undefined;
  let lastSynonym = -1;
  for (let c = 1; c < cells.length; c++) {
    const role = roleOf(layout, c);
    if (role === 'label') labelCell = cells[c];
    else if (role === 'synonym' && cells[c].text !== '') {
      // A literal array is exactly one slot long (most rows have one synonym); `push` reserves 17.
      if (synonyms === undefined) synonyms = [cells[c]];
      else synonyms.push(cells[c]);
      lastSynonym = c;
    }
  }

  // Problems are rare: their list is made on the first one, and no closure is made per row.
  if (cells.length < 2) {
    problems = rowProblem(problems, index, 'missing-synonym', 'error', 'singleCell', [lineNo], row.range);
  } else {
    if (!term) {
      problems = rowProblem(problems, index, 'empty-cell', 'warning', 'emptyTerm', [lineNo], cells[0].range);
    }
    for (let c = 1; c < lastSynonym; c++) {
      if (roleOf(layout, c) === 'synonym' && cells[c].text === '') {
        problems = rowProblem(problems, index, 'empty-cell', 'warning', 'emptyBetweenSynonyms', [lineNo, c + 1], cells[c].range);
      }
    }
    if (synonyms === undefined) {
      problems = rowProblem(problems, index, 'missing-synonym', 'error', 'noSynonym', [lineNo], row.range);
    }
  }

  let label: 0 | 1 | undefined = 1;
  if (labelColumn !== undefined) {
    label = undefined;
    if (labelCell) {
      label = parseLabel(labelCell.text);
      if (label === undefined) {
        problems = rowProblem(
          problems,
          index,
          'invalid-label',
          'error',
          labelCell.text === '' ? 'emptyLabel' : 'invalidLabel',
          labelCell.text === '' ? [lineNo, labelColumn + 1] : [lineNo, labelColumn + 1, labelCell.text],
          labelCell.range,
        );
      }
    } else if (cells.length >= 2) {
      // Only with a header: without one, a label column exists only if every record has it.
      problems = rowProblem(
        problems,
        index,
        'column-count',
        'error',
        'missingLabel',
        [lineNo, cells.length, headerWidth ?? 0],
        row.range,
      );
    }
    if (headerWidth !== undefined && cells.length > headerWidth) {
      problems = rowProblem(
        problems,
        index,
        'column-count',
        'error',
        'extraColumns',
        [lineNo, cells.length, headerWidth],
        { start: cells[headerWidth].range.start, end: cells[cells.length - 1].range.end },
      );
    }
  }

  row.term = term;
  row.label = label;
  row.labelCell = labelCell;
  if (synonyms === undefined) return problems;
  row.synonyms = synonyms;

  if (term && label !== undefined) {
    if (labelCell?.text === ONE_WAY_LABEL) for (const b of synonyms) pairs.push({ a: term, b, label, row: index, oneWay: true });
    else for (const b of synonyms) pairs.push({ a: term, b, label, row: index });
  }
  return problems;
}

/** Appends a row-level problem of data row `row` to `list`, creating it on first use. */
function rowProblem(
  list: Problem[] | undefined,
  row: number,
  code: ProblemCode,
  severity: Problem['severity'],
  messageId: ProblemMessageId,
  args: (string | number)[],
  range: Range,
): Problem[] {
  const out = list ?? [];
  out.push({ code, message: formatMessage(PROBLEM_MESSAGES[messageId], args), messageId, args, range, severity, row });
  return out;
}

/** What `reparseDictionary` needs of a dictionary beyond its public fields. */
interface ParseState {
  /** The header record, when the first record is a header. */
  header?: SourceRow;
  /** Same array as `dict.rows`. */
  rows: SourceRow[];
  crlf: number;
  lf: number;
  /** Records (header included) that have problems. */
  problems: Map<SourceRow, RecordProblems>;
  /** Whether some quote is never closed. */
  unterminated: boolean;
  /** Rows with the `text1,text2,label` shape (decides the label column of a header-less file). */
  labelShaped: number;
}

/** The header a first record makes, or undefined when that record is data. */
function headerOf(record: SourceRow): Header | undefined {
  const cells = record.cells;
  const language = headerLanguage(cells);
  if (!language) return undefined;
  const roles: ColumnRole[] = [];
  let labelSeen = false;
  for (let i = 0; i < cells.length; i++) {
    if (i === 0) roles.push('term');
    else if (i === 1) roles.push('synonym');
    else if (labelSeen) roles.push('extra');
    else if (LABEL_NAMES.has(headerKey(cells[i].raw))) {
      roles.push('label');
      labelSeen = true;
    } else roles.push('synonym');
  }
  return { cells, roles, language, line: cells[0].line };
}

/**
 * The layout of a version: the header's label column, or, without a header, column 2 when every
 * data record (at least one) has the `text1,text2,label` shape (`allShaped`).
 */
function layoutOf(header: Header | undefined, allShaped: boolean): Layout {
  let labelColumn: number | undefined;
  if (header) {
    const i = header.roles.indexOf('label');
    if (i >= 0) labelColumn = i;
  } else if (allShaped) {
    labelColumn = 2;
  }
  return { header, labelColumn };
}

/** Parse state per dictionary made here; dropped when a dictionary is superseded by `reparseDictionary`. */
const states = new WeakMap<Dictionary, ParseState>();

/**
 * Parses a synonym dictionary. Never throws: malformed input yields `problems`.
 *
 * - A leading BOM is stripped (`bom: true`); offsets and ranges refer to the text after it, which is
 *   what a VS Code document holds. Lines break at LF, CRLF or a lone CR; `eol` is the more frequent
 *   of LF and CRLF as record terminators (`\n` when there is none).
 * - Blank records (empty or white space only, unquoted) are skipped: they are not rows.
 * - Header: the first non-blank record is a header when its first two cells (ignoring case and
 *   white space) are `term,synonym` / `text1,text2` / `standard,synonym` / `word,synonym`
 *   (`synonyms` accepted too) or `标准词,近似词` / `标准词,同义词`. Later header cells named
 *   `label`/`标签` mark the label column; other cells before it are synonym columns, cells after
 *   it are `extra` (ignored for pairs).
 * - Without a header, column 0 is the term and the others are synonyms — except that when every
 *   data record has exactly 3 cells and every third cell is a label (`0`/`1`, `0.0`/`1.0`), the
 *   third column is the label: that is the `text1,text2,label` training format, and a synonym
 *   literally named "0" or "1" on every line is not a plausible dictionary.
 * - Rows: the term is the first cell when non-empty after trimming, the synonyms are the non-empty
 *   synonym cells, the label is 1 without a label column. A row whose label cell is missing or
 *   invalid gets no label and yields no pairs, since whether it asserts or denies synonymy is
 *   unknown.
 * - Pairs: term ~ each synonym, under the row's label.
 *
 * Cells and rows compute `range` on access (a fresh object each time); everything else is data.
 */
export function parseDictionary(source: string): Dictionary {
  return runSteps(parseDictionarySteps(source));
}

/** What `parseDictionaryPairs` keeps of a dictionary. */
export interface DictionaryPairs {
  pairs: Pair[];
  problems: Problem[];
}

/**
 * `parseDictionary`'s `pairs` and `problems` — the same objects, fields, messages and order — without
 * its rows: each record is scanned and checked with the same functions and then dropped, so what
 * stays alive is the pairs (and their two cells), not every row, cell array and label cell. For a
 * reader that needs only pairs and findings (the CLI's `check` of a million rows).
 *
 * A header-less file's label column depends on every record: its records are kept while all have
 * the `text1,text2,label` shape and checked once that is settled. A text holding a NUL (whose
 * problem names its row) is parsed in full.
 *
 * With `onPair`, each pair is handed to it, in pair order, as soon as its row is checked, and not
 * kept (`pairs` is then empty): a caller that keeps pairs its own way holds no pair objects at all.
 */
export function parseDictionaryPairs(source: string, onPair?: (pair: Pair) => void): DictionaryPairs {
  const bom = source.charCodeAt(0) === 0xfeff;
  const text = bom ? source.slice(1) : source;
  if (text.indexOf('\0') >= 0) {
    const dict = parseDictionary(source);
    if (!onPair) return { pairs: dict.pairs, problems: dict.problems };
    for (const pair of dict.pairs) onPair(pair);
    return { pairs: [], problems: dict.problems };
  }
  const c: Cursor = { p: 0, line: 0, crlf: 0, lf: 0, unterminated: false };
  const pairs: Pair[] = [];
  const rowProblems: Problem[] = [];
  const scanProblems: Problem[] = [];
  let first = true;
  let header: Header | undefined;
  let headerRecord: SourceRow | undefined;
  let layout: Layout | undefined;
  // Header-less and undecided: the records so far (all label-shaped) with their scan problems.
  let pending: { row: SourceRow; scan: Problem[] | undefined }[] = [];
  let index = 0;
  const finish = (row: SourceRow, scan: Problem[] | undefined, at: Layout) => {
    const own = finishRow(row, index, at, pairs);
    if (onPair) {
      for (const pair of pairs) onPair(pair);
      pairs.length = 0;
    }
    if (own) for (const p of own) rowProblems.push(p);
    if (scan) for (const p of scan) {
      p.row = index;
      scanProblems.push(p);
    }
    index++;
  };
  const settle = (at: Layout) => {
    layout = at;
    for (const r of pending) finish(r.row, r.scan, at);
    pending = [];
  };
  while (c.p < text.length) {
    const record = scanRecord(text, c);
    if (!record) continue;
    const scan = c.problems;
    if (first) {
      first = false;
      header = headerOf(record);
      if (header) {
        headerRecord = record;
        if (scan) for (const p of scan) scanProblems.push(p);
        layout = layoutOf(header, false);
        continue;
      }
    }
    if (layout) finish(record, scan, layout);
    else if (labelShaped(record)) pending.push({ row: record, scan });
    else {
      pending.push({ row: record, scan });
      settle(layoutOf(undefined, false));
    }
  }
  if (!layout) settle(layoutOf(undefined, pending.length > 0));
  return { pairs, problems: orderProblems(text, rowProblems, scanProblems, headerRecord, []) };
}

/** Records scanned (then rows checked) between two pauses of `parseDictionarySteps`. */
const STEP_RECORDS = 512;

/**
 * `parseDictionary` as a stepwise computation (src/core/steps.ts): it pauses after every
 * `stepRecords` records scanned (progress in characters of the text, phase `scan`) and rows
 * checked (phase `rows`), so a language server can answer requests while a large file is read.
 * A pause always falls between two records, never inside one; the result is the same object
 * graph `parseDictionary` returns, whatever `stepRecords` is.
 */
export function* parseDictionarySteps(source: string, stepRecords = STEP_RECORDS): Steps<Dictionary> {
  const bom = source.charCodeAt(0) === 0xfeff;
  const text = bom ? source.slice(1) : source;
  const c: Cursor = { p: 0, line: 0, crlf: 0, lf: 0, unterminated: false };
  const records: SourceRow[] = [];
  const scanProblems = new Map<SourceRow, Problem[]>();
  let untilPause = stepRecords;
  while (c.p < text.length) {
    const record = scanRecord(text, c);
    if (record) {
      records.push(record);
      if (c.problems) scanProblems.set(record, c.problems);
    }
    if (--untilPause === 0) {
      untilPause = stepRecords;
      yield { phase: 'scan', done: c.p, total: text.length };
    }
  }

  const header = records.length > 0 ? headerOf(records[0]) : undefined;
  const headerRecord = header ? records[0] : undefined;
  const rows = headerRecord ? records.slice(1) : records;

  // Only a header-less file needs the count (and a file that gains a header is parsed afresh).
  let shaped = 0;
  if (!header) for (const row of rows) if (labelShaped(row)) shaped++;
  const layout = layoutOf(header, rows.length > 0 && shaped === rows.length);

  const problemsByRecord = new Map<SourceRow, RecordProblems>();
  const headerScan = headerRecord && scanProblems.get(headerRecord);
  if (headerRecord && headerScan) problemsByRecord.set(headerRecord, { scan: headerScan, row: [] });
  const pairs: Pair[] = [];
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index];
    const own = finishRow(row, index, layout, pairs);
    const scan = scanProblems.get(row);
    if (scan) for (const p of scan) p.row = index;
    if (own || scan) problemsByRecord.set(row, { scan: scan ?? [], row: own ?? [] });
    if ((index + 1) % stepRecords === 0) yield { phase: 'rows', done: index + 1, total: rows.length };
  }

  const state: ParseState = {
    rows,
    crlf: c.crlf,
    lf: c.lf,
    problems: problemsByRecord,
    unterminated: c.unterminated,
    labelShaped: shaped,
  };
  if (headerRecord) state.header = headerRecord;
  const dict = assemble(text, bom, layout, state, pairs);
  states.set(dict, state);
  return dict;
}

/** The dictionary object of a version, with its problems list in document order. */
function assemble(text: string, bom: boolean, layout: Layout, state: ParseState, pairs: Pair[], nulFree = false): Dictionary {
  const { rows } = state;
  // Row checks first (in row order), then scanner problems (in record order), then NULs, and a
  // stable sort by position: ties keep that order.
  const entries = [...state.problems];
  entries.sort((x, y) => x[0].start - y[0].start);
  const rowProblems: Problem[] = [];
  const scanProblems: Problem[] = [];
  for (const [, e] of entries) for (const p of e.row) rowProblems.push(p);
  for (const [, e] of entries) for (const p of e.scan) scanProblems.push(p);
  const problems = orderProblems(nulFree ? '' : text, rowProblems, scanProblems, state.header, rows);

  const eol = state.crlf > state.lf ? '\r\n' : '\n';
  const dict: Dictionary = { text, bom, eol, rows, pairs, problems };
  if (layout.header) dict.header = layout.header;
  if (layout.labelColumn !== undefined) dict.labelColumn = layout.labelColumn;
  return dict;
}

/**
 * A version's problems in document order: row checks (in record order), then scanner problems (in
 * record order), then NULs, stably sorted by position (ties keep that order). `rowProblems` is
 * extended and returned. `rows` (with `header`) are needed only when the text holds a NUL.
 */
function orderProblems(text: string, rowProblems: Problem[], scanProblems: readonly Problem[], header: SourceRow | undefined, rows: readonly SourceRow[]): Problem[] {
  const problems = rowProblems;
  for (const p of scanProblems) problems.push(p);

  // NULs are rare; find them with the native search and locate them only when present.
  let nul = text.indexOf('\0');
  if (nul >= 0) {
    const lines = new LineIndex(text);
    const dataFrom = header ? 1 : 0;
    const recordStarts = (header ? [header.start] : []).concat(rows.map((r) => r.start));
    for (; nul >= 0; nul = text.indexOf('\0', nul + 1)) {
      const at = lines.positionAt(nul);
      const line = at.line;
      const rec = upperBound(recordStarts, nul) - 1;
      const problem: Problem = {
        code: 'nul-byte',
        message: formatMessage(PROBLEM_MESSAGES.nulCharacter, [line + 1]),
        messageId: 'nulCharacter',
        args: [line + 1],
        range: { start: at, end: pos(line, at.character + 1) },
        severity: 'error',
      };
      // A NUL between records (on a blank line) belongs to none; NUL is not white space, so a
      // line holding one is never blank.
      if (rec - dataFrom >= 0 && nul < rows[rec - dataFrom].endWithEol) problem.row = rec - dataFrom;
      problems.push(problem);
    }
  }

  problems.sort(
    (x, y) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character,
  );
  return problems;
}

/** What changed between two versions of a dictionary, by object identity. */
export interface DictionaryChange {
  /** Rows of the previous version that are gone (edited rows count as removed and added). */
  removedRows: Row[];
  /** Rows that are new in this version, in document order. */
  addedRows: Row[];
  /** Pairs of the removed rows. */
  removedPairs: Pair[];
  /** Pairs of the added rows, in pair order. */
  addedPairs: Pair[];
}

export interface DictionaryUpdate {
  dict: Dictionary;
  /** Undefined when the text was parsed afresh: then every row and pair is new. */
  change?: DictionaryChange;
}

/**
 * Parses `source`, a later version of `previous`'s text, re-scanning only the records an edit
 * touched. The result equals `parseDictionary(source)` (the unit tests check it on random edits).
 *
 * Rows, cells and pairs that the edit did not touch are reused, not copied: those after the edit
 * are updated in place (offsets, line numbers, row indices), as tree-sitter's `Tree.edit` does.
 * So **`previous` is consumed**: after this call its rows — and its `rows` and `pairs` arrays,
 * which a small edit updates in place — may describe the new text, and it must
 * not be used any more (a second call with it parses from scratch). Whoever still holds rows or
 * pairs of `previous` must treat them as belonging to the new version.
 *
 * The changed span is found by comparing the two texts (common prefix and suffix), so any number
 * of edits is one call. It falls back to a full parse when the edit reaches the first record (the
 * header decides how every row reads), when a quote is never closed (that field's reading depends
 * on the rest of the file), or when the label column of a header-less file flips.
 */
export function reparseDictionary(previous: Dictionary, source: string): DictionaryUpdate {
  return reparseIncrementally(previous, source) ?? { dict: parseDictionary(source) };
}

/**
 * The one edit that made a version's text from the previous version's: `[start, end)` of the
 * previous text (offsets in the editor's text) became `inserted`. `read` gives a window of the new
 * text without making the whole of it one flat string (an editor's document keeps its edits apart:
 * a copy of an 8 MB text per keystroke was most of an edit's cost).
 */
export interface SourceEdit {
  start: number;
  end: number;
  removed: string;
  inserted: string;
  read(from: number, to: number): string;
}

/** Characters past an edit that a windowed re-parse reads (more only for a longer row). */
const SCAN_WINDOW = 16_384;

/**
 * `reparseDictionary` without its fallback: undefined where that would parse the whole text
 * afresh (the caller may then do it in steps, `parseDictionarySteps`). `previous` may have been
 * consumed even then. With `sourceEdit`, the text is read in a window of `scanWindow` characters
 * past the edit (or whole, when the window ends before the rows are back in step).
 */
export function reparseIncrementally(previous: Dictionary, source: string, sourceEdit?: SourceEdit, scanWindow = SCAN_WINDOW): DictionaryUpdate | undefined {
  const st = states.get(previous);
  const full = (): undefined => undefined;
  if (!st) return full();
  // With the edit, the text is read a window at a time (a file with a byte order mark is read whole).
  const edit = sourceEdit && !previous.bom && sourceEdit.start > 0 ? sourceEdit : undefined;
  const bom = (edit ? edit.read(0, 1) : source).charCodeAt(0) === 0xfeff;
  if (bom !== previous.bom) return full();
  const text = bom ? source.slice(1) : source;
  const old = previous.text;
  if (edit ? edit.removed === edit.inserted : text === old) return { dict: previous, change: { removedRows: [], addedRows: [], removedPairs: [], addedPairs: [] } };
  const rows = st.rows;
  if (st.unterminated || rows.length === 0) return full();
  // From here on `previous` is consumed, whatever the outcome.
  states.delete(previous);

  // The changed span: old[p, n0 - s) became text[p, n1 - s).
  const n0 = old.length;
  const n1 = text.length;
  const p = edit ? edit.start : commonPrefix(old, text);
  const s = edit ? n0 - edit.end : commonSuffix(old, text, Math.min(n0, n1) - p);
  const delta = n1 - n0;
  // The new text's [from, to), and the old text's (the same outside the changed span).
  const readNew = (from: number, to: number): string => (edit ? edit.read(from, to) : text.slice(from, to));
  const readOld = (from: number, to: number): string =>
    edit ? readNew(from, Math.min(to, p)) + (to > p ? edit.removed + readNew(p + edit.inserted.length, to + delta) : '') : old.slice(from, to);

  // Re-scan from the last row starting at or before p — or the one before it when a CR precedes p,
  // since an inserted LF would join it into one CRLF terminator.
  let r0 = upperBoundStart(rows, p) - 1;
  if (r0 >= 0 && p > 0 && rows[r0].start === p && readOld(p - 1, p).charCodeAt(0) === CR) r0--;
  // The first record decides the header: an edit reaching it re-reads everything.
  if (r0 < (st.header ? 0 : 1)) return full();

  const first = rows[r0];
  const suffix = n1 - s;
  // The old row at which scanning is back in step: the new scanner stands at a record start in the
  // unchanged suffix that is, shifted by delta, an old row's start. From there both read the same.
  // With the edit, a window of the new text is scanned (positions relative to `base`); a window
  // too short for that (a long row, an open quote) gives undefined, and the whole text is read.
  const scan = (src: string, base: number) => {
    const end = base + src.length;
    const c: Cursor = { p: first.start - base, line: first.cells[0].line, crlf: 0, lf: 0, unterminated: false };
    const fresh: SourceRow[] = [];
    const freshScan = new Map<SourceRow, Problem[]>();
    let j = r0;
    for (;;) {
      if (c.p + base >= n1) {
        j = rows.length;
        break;
      }
      const record = scanRecord(src, c);
      if (end < n1 && c.p >= src.length) return undefined;
      if (c.unterminated) return null;
      if (record) {
        if (base !== 0) shiftRows([record], 0, 1, base, 0, 0);
        detachCells(record);
        fresh.push(record);
        if (c.problems) freshScan.set(record, c.problems);
      }
      const at = c.p + base;
      if (at >= suffix && at < n1) {
        const target = at - delta;
        while (j < rows.length && rows[j].start < target) j++;
        if (j < rows.length && rows[j].start === target) break;
      }
    }
    return { c, fresh, freshScan, j };
  };
  const windowEnd = Math.min(n1, suffix + scanWindow);
  const scanned = (edit ? scan(readNew(first.start, windowEnd), first.start) : undefined) ?? scan(text, 0);
  if (!scanned) return full();
  const { c, fresh, freshScan } = scanned;
  const j = scanned.j;
  const dLine = j < rows.length ? c.line - rows[j].cells[0].line : 0;
  const dRows = fresh.length - (j - r0);

  // A header-less file has a label column only while every row has the label shape.
  if (!st.header) {
    let shaped = st.labelShaped;
    for (let k = r0; k < j; k++) if (labelShaped(rows[k])) shaped--;
    for (const r of fresh) if (labelShaped(r)) shaped++;
    const count = rows.length + dRows;
    if ((count > 0 && shaped === count ? 2 : undefined) !== previous.labelColumn) return full();
    st.labelShaped = shaped;
  }
  const layout: Layout = { header: previous.header, labelColumn: previous.labelColumn };

  // Record terminators: those of the old span out, those of the re-scanned span in.
  const goneTo = j < rows.length ? rows[j].start : n0;
  const gone = edit ? countTerminators(readOld(first.start, goneTo), rows, r0, j, goneTo, first.start) : countTerminators(old, rows, r0, j, goneTo);
  st.crlf += c.crlf - gone.crlf;
  st.lf += c.lf - gone.lf;

  const oldPairs = previous.pairs;
  const pairFrom = lowerBoundRow(oldPairs, r0);
  const pairTo = lowerBoundRow(oldPairs, j);
  const removedRows: Row[] = rows.slice(r0, j);
  const removedPairs: Pair[] = oldPairs.slice(pairFrom, pairTo);
  for (const r of removedRows) st.problems.delete(r as SourceRow);

  // Rows after the edit: the same objects, moved. Rows with problems carry line numbers and row
  // indices in their messages, so when those change such a row is read again at its new place.
  const regenerate = new Set<SourceRow>();
  if (dLine !== 0 || dRows !== 0) {
    const tailStart = j < rows.length ? rows[j].start : Infinity;
    for (const r of st.problems.keys()) if (r.start >= tailStart && r !== st.header) regenerate.add(r);
  }

  const addedPairs: Pair[] = [];
  fresh.forEach((row, k) => {
    const own = finishRow(row, r0 + k, layout, addedPairs);
    const scan = freshScan.get(row);
    if (scan) for (const pr of scan) pr.row = r0 + k;
    if (own || scan) st.problems.set(row, { scan: scan ?? [], row: own ?? [] });
  });

  let newRows: SourceRow[];
  let pairs: Pair[];
  if (regenerate.size === 0) {
    shiftRows(rows, j, rows.length, delta, dLine, dRows);
    if (dRows !== 0) for (let k = pairTo; k < oldPairs.length; k++) oldPairs[k].row += dRows;
    newRows = replaceRange(rows, r0, j, fresh);
    pairs = replaceRange(oldPairs, pairFrom, pairTo, addedPairs);
  } else {
    newRows = rows.slice(0, r0).concat(fresh);
    pairs = oldPairs.slice(0, pairFrom).concat(addedPairs);
    let k = pairTo;
    for (let i = j; i < rows.length; i++) {
      const row = rows[i];
      const index = i + dRows;
      const rowPairsFrom = k;
      while (k < oldPairs.length && oldPairs[k].row === i) k++;
      if (!regenerate.has(row)) {
        shiftRows(rows, i, i + 1, delta, dLine, dRows);
        for (let q = rowPairsFrom; q < k; q++) {
          oldPairs[q].row = index;
          pairs.push(oldPairs[q]);
        }
        newRows.push(row);
        continue;
      }
      const rc: Cursor = { p: row.start + delta, line: row.cells[0].line + dLine, crlf: 0, lf: 0, unterminated: false };
      // With the edit, reading the tail makes the new text one string (rare: a row with problems after an edit that moved lines).
      const again = scanRecord(text, rc);
      // The text of an untouched row is unchanged, so it must read as the same extent.
      if (!again || again.end !== row.end + delta || rc.unterminated) return full();
      detachCells(again);
      st.problems.delete(row);
      removedRows.push(row);
      for (let q = rowPairsFrom; q < k; q++) removedPairs.push(oldPairs[q]);
      const before = addedPairs.length;
      const own = finishRow(again, index, layout, addedPairs);
      for (let q = before; q < addedPairs.length; q++) pairs.push(addedPairs[q]);
      if (rc.problems) for (const pr of rc.problems) pr.row = index;
      if (own || rc.problems) st.problems.set(again, { scan: rc.problems ?? [], row: own ?? [] });
      fresh.push(again);
      newRows.push(again);
    }
  }

  st.rows = newRows;
  // NULs: none when the previous version had none and the edit brings none (then the text is not read whole).
  const nulFree = edit !== undefined && !edit.inserted.includes('\0') && !previous.problems.some((pr) => pr.code === 'nul-byte');
  const dict = assemble(text, bom, layout, st, pairs, nulFree);
  states.set(dict, st);
  return { dict, change: { removedRows, addedRows: fresh, removedPairs, addedPairs } };
}

/**
 * Gives a re-read row's cells strings of their own. V8 keeps a substring of 13 characters or more
 * as a view of the string it was cut from, so each cell of an edited row kept that version's whole
 * text alive: after a storm of one-row edits on a 200k-row file (8 MB, one text per edit), RSS
 * stayed 700 MB up. The first parse's cells may share its text: the dictionary keeps it anyway.
 */
function detachCells(row: SourceRow): void {
  for (const cell of row.cells) {
    if (cell.raw.length < 13) continue;
    // Flattening the concatenation makes a new string; the slice is a view of that one.
    const raw = (cell.raw + ' ').slice(0, -1);
    cell.text = cell.text === cell.raw ? raw : raw.trim();
    cell.raw = raw;
  }
}

/** Up to this many new rows (or pairs) go into the consumed previous version's array in place. */
const IN_PLACE_MAX = 4096;

/**
 * `xs` with [from, to) replaced by `by`. `xs` belongs to the consumed previous version: a few
 * new entries go in place (a one-row edit of a 200k-row file moves the tail once, where copying
 * both arrays into new ones took most of the re-parse), many into a new array.
 */
function replaceRange<T>(xs: T[], from: number, to: number, by: T[]): T[] {
  if (by.length > IN_PLACE_MAX) return xs.slice(0, from).concat(by, xs.slice(to));
  xs.splice(from, to - from, ...by);
  return xs;
}

/**
 * Chunk length for comparing two versions of a text: comparing substrings (a native comparison
 * of memory) skips the unchanged part of a 600,000-character file over 10× faster than a
 * character loop; only the chunk holding the first difference is compared character by character.
 */
const COMPARE_CHUNK = 1024;

/** Length of the longest common prefix of `a` and `b`. */
function commonPrefix(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let p = 0;
  while (p + COMPARE_CHUNK <= max && a.substring(p, p + COMPARE_CHUNK) === b.substring(p, p + COMPARE_CHUNK)) p += COMPARE_CHUNK;
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  return p;
}

/** Length of the longest common suffix of `a` and `b`, at most `max`. */
function commonSuffix(a: string, b: string, max: number): number {
  const na = a.length;
  const nb = b.length;
  let s = 0;
  while (s + COMPARE_CHUNK <= max && a.substring(na - s - COMPARE_CHUNK, na - s) === b.substring(nb - s - COMPARE_CHUNK, nb - s)) s += COMPARE_CHUNK;
  while (s < max && a.charCodeAt(na - 1 - s) === b.charCodeAt(nb - 1 - s)) s++;
  return s;
}

/** Moves rows [from, to) by `delta` code units, `dLine` lines and `dRows` row indices, in place. */
function shiftRows(rows: SourceRow[], from: number, to: number, delta: number, dLine: number, dRows: number): void {
  if (delta === 0 && dLine === 0 && dRows === 0) return;
  for (let i = from; i < to; i++) {
    const row = rows[i];
    row.index += dRows;
    row.start += delta;
    row.end += delta;
    row.endWithEol += delta;
    const cells = row.cells;
    for (let k = 0; k < cells.length; k++) cells[k].shift(delta, dLine);
  }
}

/**
 * Record terminators (CRLF and LF; a lone CR counts as neither, as in the scanner) between
 * `rows[from].start` and `to` in `text`: those ending rows [from, until) and those of the blank
 * lines between them (blank lines hold no quotes, so every line break there is a terminator).
 */
function countTerminators(text: string, rows: SourceRow[], from: number, until: number, to: number, base = 0): { crlf: number; lf: number } {
  let crlf = 0;
  let lf = 0;
  const count = (a: number, b: number) => {
    for (let i = a; i < b; i++) {
      const ch = text.charCodeAt(i - base);
      if (ch === CR) {
        if (i + 1 < b && text.charCodeAt(i + 1 - base) === LF) {
          crlf++;
          i++;
        }
      } else if (ch === LF) lf++;
    }
  };
  let at = rows[from].start;
  for (let k = from; k < until; k++) {
    count(at, rows[k].start);
    count(rows[k].end, rows[k].endWithEol);
    at = rows[k].endWithEol;
  }
  count(at, to);
  return { crlf, lf };
}

/** First index whose value is > x (values ascending). */
function upperBound(values: readonly number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First row index whose start is > x. */
function upperBoundStart(rows: readonly SourceRow[], x: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid].start <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First pair index whose row is ≥ `row` (pairs are in row order): binary search. */
export function lowerBoundRow(pairs: readonly Pair[], row: number): number {
  let lo = 0;
  let hi = pairs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pairs[mid].row < row) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
