/**
 * Parser of synonym dictionaries (CSV) into rows, cells with exact source ranges, pairs and
 * problems.
 *
 * Why not papaparse: it returns values and, in step mode, a cursor per row — no offset per field.
 * It also guesses one record separator per file from the first line break, so a file with mixed
 * LF/CRLF (which we allow) reads `c,d\r\ne,f` as `["c","d\r\ne","f"]` after an LF first line.
 * Editor features (a diagnostic on one cell, inlay hints, edits that keep every other byte) need
 * the exact UTF-16 range of every field, quoted fields spanning lines included, so this module has
 * its own small RFC 4180 scanner. papaparse serves as an independent oracle for cell values in the
 * unit tests, which is where it helps.
 */

import type {
  Cell,
  ColumnRole,
  Dictionary,
  Header,
  Pair,
  Position,
  Problem,
  ProblemCode,
  Range,
  Row,
} from './types';
import { LineIndex } from '../text';

const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;

/** A scanner problem before it is known which data row (if any) its record becomes. */
interface ScanProblem {
  code: ProblemCode;
  message: string;
  range: Range;
  /** Index of the (non-blank) record it belongs to. */
  record: number;
}

interface ScanResult {
  /**
   * Non-blank records, already shaped as rows (so no second object per record is made); the
   * caller assigns term, synonyms and label, and re-indexes them when the first is a header.
   */
  records: Row[];
  problems: ScanProblem[];
  /** Record terminators seen (breaks inside quoted values excluded), to choose `eol`. */
  crlf: number;
  lf: number;
}

function pos(line: number, character: number): Position {
  return { line, character };
}

/**
 * Splits `text` into records and fields (RFC 4180 with LF, CRLF or lone CR between records), with
 * UTF-16 offsets and LSP positions. Line and line start are tracked while scanning, so positions
 * cost nothing extra and no per-character objects are made. Malformed quoting is reported and
 * recovered from locally so that the rest of the file still parses:
 * - a quote inside an unquoted field is kept literally;
 * - text after a closing quote is appended to the value up to the next comma or line break;
 * - a quote that is never closed makes its field run to the end of its line only (the strict
 *   reading would swallow the rest of the file into one cell, which helps nobody).
 */
function scan(text: string): ScanResult {
  const n = text.length;
  const records: Row[] = [];
  const problems: ScanProblem[] = [];
  let crlf = 0;
  let lf = 0;
  let p = 0;
  let line = 0;
  let lineStart = 0;

  while (p < n) {
    const recordIndex = records.length;
    const recStart = p;
    const cells: Cell[] = [];

    for (;;) {
      const fStart = p;
      const fStartPos = pos(line, p - lineStart);
      const column = cells.length;
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
          const c = text.charCodeAt(j);
          if (c === QUOTE) {
            if (j + 1 < n && text.charCodeAt(j + 1) === QUOTE) {
              doubled = true;
              j += 2;
              continue;
            }
            close = j;
            break;
          }
          if (c === LF) {
            l++;
            ls = j + 1;
          } else if (c === CR) {
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
            const c = text.charCodeAt(p);
            if (c !== COMMA && c !== CR && c !== LF) {
              const tail = p;
              while (p < n) {
                const d = text.charCodeAt(p);
                if (d === COMMA || d === CR || d === LF) break;
                p++;
              }
              raw += text.slice(tail, p);
              problems.push({
                code: 'stray-quote',
                message:
                  `Line ${line + 1}, column ${column + 1}: text after the closing quote. ` +
                  'A quote inside a quoted field must be doubled ("").',
                range: { start: pos(line, close - lineStart), end: pos(line, p - lineStart) },
                record: recordIndex,
              });
            }
          }
        } else {
          // Never closed: the problem covers the rest of the input, the field ends with its line.
          problems.push({
            code: 'unterminated-quote',
            message:
              `Line ${fStartPos.line + 1}, column ${column + 1}: the quote is never closed. ` +
              'The field is read up to the end of its line; add the closing quote.',
            range: { start: fStartPos, end: pos(l, n - ls) },
            record: recordIndex,
          });
          let k = p + 1;
          while (k < n) {
            const c = text.charCodeAt(k);
            if (c === CR || c === LF) break;
            k++;
          }
          raw = text.slice(p + 1, k).replaceAll('""', '"');
          p = k;
        }
      } else {
        let stray = -1;
        const s = p;
        while (p < n) {
          const c = text.charCodeAt(p);
          if (c === COMMA || c === CR || c === LF) break;
          if (c === QUOTE && stray < 0) stray = p;
          p++;
        }
        raw = text.slice(s, p);
        if (stray >= 0) {
          problems.push({
            code: 'stray-quote',
            message:
              `Line ${line + 1}, column ${column + 1}: quote inside an unquoted field. ` +
              'Quote the whole field (nothing before the opening quote) and double inner quotes.',
            range: { start: pos(line, stray - lineStart), end: pos(line, stray + 1 - lineStart) },
            record: recordIndex,
          });
        }
      }

      cells.push({
        raw,
        text: raw.trim(),
        quoted,
        column,
        range: { start: fStartPos, end: pos(line, p - lineStart) },
        start: fStart,
        end: p,
      });
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
          crlf++;
          p++;
        }
      } else {
        lf++;
      }
      p++;
      line++;
      lineStart = p;
    }
    // Blank records (one unquoted, white-space-only field) are not rows; they cannot hold problems.
    if (cells.length === 1 && !cells[0].quoted && cells[0].text === '') continue;
    records.push({
      index: recordIndex,
      cells,
      synonyms: [],
      // The record's range shares the Position objects of its first and last cells: at 200k rows
      // every allocation shows up in GC time.
      range: { start: cells[0].range.start, end: cells[cells.length - 1].range.end },
      start: recStart,
      end: recEnd,
      endWithEol: p,
    });
  }
  return { records, problems, crlf, lf };
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
  const m = /^([01])(?:\.0+)?$/.exec(text);
  if (!m) return undefined;
  return m[1] === '1' ? 1 : 0;
}

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
 */
export function parseDictionary(source: string): Dictionary {
  const bom = source.charCodeAt(0) === 0xfeff;
  const text = bom ? source.slice(1) : source;
  const scanned = scan(text);
  const { records } = scanned;

  const problems: Problem[] = [];

  let header: Header | undefined;
  let dataFrom = 0;
  const language = records.length > 0 ? headerLanguage(records[0].cells) : undefined;
  if (language) {
    const cells = records[0].cells;
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
    header = { cells, roles, language, line: records[0].range.start.line };
    dataFrom = 1;
  }
  const rows = dataFrom === 0 ? records : records.slice(dataFrom);

  let labelColumn: number | undefined;
  if (header) {
    const i = header.roles.indexOf('label');
    if (i >= 0) labelColumn = i;
  } else if (
    rows.length > 0 &&
    rows.every((r) => r.cells.length === 3 && parseLabel(r.cells[2].text) !== undefined)
  ) {
    labelColumn = 2;
  }

  const roleOf = (column: number): ColumnRole => {
    if (column === 0) return 'term';
    if (column === labelColumn) return 'label';
    if (header && column < header.roles.length) return header.roles[column];
    return labelColumn !== undefined && column > labelColumn ? 'extra' : 'synonym';
  };
  const headerWidth = header?.cells.length;

  const pairs: Pair[] = [];
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index];
    row.index = index;
    const { cells, synonyms } = row;
    const lineNo = row.range.start.line + 1;

    const term = cells[0].text !== '' ? cells[0] : undefined;
    let labelCell: Cell | undefined;
    let lastSynonym = -1;
    for (let c = 1; c < cells.length; c++) {
      const role = roleOf(c);
      if (role === 'label') labelCell = cells[c];
      else if (role === 'synonym' && cells[c].text !== '') {
        synonyms.push(cells[c]);
        lastSynonym = c;
      }
    }

    if (cells.length < 2) {
      report(
        problems,
        index,
        'missing-synonym',
        'error',
        `Line ${lineNo} has a single cell; a row needs a term and at least one synonym.`,
        row.range,
      );
    } else {
      if (!term) {
        const message = `Line ${lineNo}: the term (column 1) is empty.`;
        report(problems, index, 'empty-cell', 'warning', message, cells[0].range);
      }
      for (let c = 1; c < lastSynonym; c++) {
        if (roleOf(c) === 'synonym' && cells[c].text === '') {
          report(
            problems,
            index,
            'empty-cell',
            'warning',
            `Line ${lineNo}, column ${c + 1}: empty cell between synonyms.`,
            cells[c].range,
          );
        }
      }
      if (synonyms.length === 0) {
        report(problems, index, 'missing-synonym', 'error', `Line ${lineNo} has no synonym.`, row.range);
      }
    }

    let label: 0 | 1 | undefined = 1;
    if (labelColumn !== undefined) {
      label = undefined;
      if (labelCell) {
        label = parseLabel(labelCell.text);
        if (label === undefined) {
          const shown = labelCell.text === '' ? 'empty' : `"${labelCell.text}"`;
          report(
            problems,
            index,
            'invalid-label',
            'error',
            `Line ${lineNo}, column ${labelColumn + 1}: the label is ${shown}; expected 1 (synonyms) or 0 (not synonyms).`,
            labelCell.range,
          );
        }
      } else if (cells.length >= 2) {
        // Only with a header: without one, a label column exists only if every record has it.
        report(
          problems,
          index,
          'column-count',
          'error',
          `Line ${lineNo} has ${cells.length} columns; the header has ${headerWidth} (the label is missing).`,
          row.range,
        );
      }
      if (headerWidth !== undefined && cells.length > headerWidth) {
        report(
          problems,
          index,
          'column-count',
          'error',
          `Line ${lineNo} has ${cells.length} columns; the header has ${headerWidth}. ` +
            'Cells beyond the header are ambiguous when there is a label column.',
          { start: cells[headerWidth].range.start, end: cells[cells.length - 1].range.end },
        );
      }
    }

    if (term) row.term = term;
    if (label !== undefined) row.label = label;
    if (labelCell) row.labelCell = labelCell;

    if (term && label !== undefined) {
      for (const b of synonyms) pairs.push({ a: term, b, label, row: index });
    }
  }

  for (const sp of scanned.problems) {
    const row = sp.record - dataFrom;
    const problem: Problem = { code: sp.code, message: sp.message, range: sp.range, severity: 'error' };
    if (row >= 0) problem.row = row;
    problems.push(problem);
  }

  // NULs are rare; find them with the native search and locate them only when present.
  let nul = text.indexOf('\0');
  if (nul >= 0) {
    const lines = new LineIndex(text);
    const recordStarts = records.map((r) => r.start);
    for (; nul >= 0; nul = text.indexOf('\0', nul + 1)) {
      const at = lines.positionAt(nul);
      const line = at.line;
      const rec = upperBound(recordStarts, nul) - 1;
      const problem: Problem = {
        code: 'nul-byte',
        message: `Line ${line + 1}: NUL character (U+0000); the file may be binary or in UTF-16.`,
        range: { start: at, end: pos(line, at.character + 1) },
        severity: 'error',
      };
      // A NUL between records (on a blank line) belongs to none; NUL is not white space, so a
      // line holding one is never blank.
      if (rec - dataFrom >= 0 && nul < records[rec].endWithEol) problem.row = rec - dataFrom;
      problems.push(problem);
    }
  }

  problems.sort(
    (x, y) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character,
  );

  const eol = scanned.crlf > scanned.lf ? '\r\n' : '\n';
  const dict: Dictionary = { text, bom, eol, rows, pairs, problems };
  if (header) dict.header = header;
  if (labelColumn !== undefined) dict.labelColumn = labelColumn;
  return dict;
}

function report(
  problems: Problem[],
  row: number,
  code: ProblemCode,
  severity: Problem['severity'],
  message: string,
  range: Range,
): void {
  problems.push({ code, message, range, severity, row });
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
