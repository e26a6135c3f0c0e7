/**
 * CSV writing and minimal text edits over a parsed dictionary. Edits are expressed as UTF-16 offset
 * replacements into `Dictionary.text` so that the editor (a `WorkspaceEdit`) or the CLI (a string)
 * applies them, and every byte outside the edited record stays as it was.
 */

import type { Dictionary } from './types';

/** A replacement of text[start, end) (UTF-16 offsets) by `newText`. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

/** Quoting is needed for delimiters, quotes, line breaks, and edge white space a reader may trim. */
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/**
 * One CSV field: quoted (with inner quotes doubled) only when the value contains a comma, a quote,
 * CR or LF, or starts or ends with white space; otherwise the value itself.
 */
export function formatField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * One CSV record (no line terminator): fields joined by `,`. A record of a single empty value is
 * written `""`, since an empty line would be read back as a blank line, not a row.
 */
export function formatRecord(values: readonly string[]): string {
  return joinRecord(values.map(formatField));
}

function joinRecord(fields: readonly string[]): string {
  return fields.length === 1 && fields[0] === '' ? '""' : fields.join(',');
}

/**
 * A row edit refused because it would change how other rows read: the file has a quote that is
 * never closed before the edited place, and any quote the edit writes would close it, turning the
 * rows in between into one field. `line` (1-based) is where the unclosed quote is.
 */
export class UnsafeEditError extends Error {
  constructor(readonly line: number) {
    super(`Line ${line} has a quote that is never closed, so this edit could change how the rows after it are read. Close that quote first.`);
    this.name = 'UnsafeEditError';
  }
}

/**
 * `edit` unless it writes a quote after an unclosed one (see `UnsafeEditError`). An unclosed quote
 * means no quote follows it anywhere in the text, so an edit without quotes, or one before it, or
 * one replacing its own record (rewritten with proper quoting), leaves every other row as it reads.
 */
function guardUnclosedQuote(dict: Dictionary, edit: TextEdit): TextEdit {
  if (!edit.newText.includes('"')) return edit;
  for (const p of dict.problems) {
    if (p.code !== 'unterminated-quote') continue;
    const at = p.row !== undefined ? (dict.rows[p.row]?.start ?? 0) : 0;
    if (at < edit.start) throw new UnsafeEditError(p.range.start.line + 1);
  }
  return edit;
}

function rowAt(dict: Dictionary, rowIndex: number) {
  const row = dict.rows[rowIndex];
  if (!row) throw new RangeError(`No data row ${rowIndex} (the dictionary has ${dict.rows.length})`);
  return row;
}

/**
 * Edit replacing data row `rowIndex`'s record, [row.start, row.end), by `values`; the line
 * terminator is untouched. Unchanged cells keep their source text (quoting included): a value
 * equal to the old cell's `raw` reuses the cell's exact slice when that slice is well-formed CSV.
 * Malformed cells (stray or unclosed quotes) are rewritten with proper quoting instead, because
 * next to a changed neighbour they could be read differently; a row replaced by exactly its own
 * values is still an empty change, malformed or not. An empty `values` empties the line, which then
 * reads as blank (use `deleteRowEdit` to remove a row). Throws a RangeError for a row index out of
 * range, and an `UnsafeEditError` for an edit that would change how other rows read.
 */
export function replaceRowEdit(dict: Dictionary, rowIndex: number, values: readonly string[]): TextEdit {
  const row = rowAt(dict, rowIndex);
  const { text } = dict;
  const same = values.length === row.cells.length && row.cells.every((c, i) => c.raw === values[i]);
  if (same) return { start: row.start, end: row.end, newText: text.slice(row.start, row.end) };
  const fields = values.map((v, i) => {
    const old = row.cells[i];
    if (old && old.raw === v) {
      const slice = text.slice(old.start, old.end);
      if (isCleanField(slice, old.quoted)) return slice;
    }
    return formatField(v);
  });
  return guardUnclosedQuote(dict, { start: row.start, end: row.end, newText: joinRecord(fields) });
}

/** Whether a field's source text reads back alone as its value (no stray or unclosed quote). */
function isCleanField(slice: string, quoted: boolean): boolean {
  if (!quoted) return !slice.includes('"');
  return slice.length >= 2 && slice.endsWith('"') && !slice.slice(1, -1).replaceAll('""', '').includes('"');
}

/** Length of the line break ending just before `offset` (0, 1 or 2). */
function breakBefore(text: string, offset: number): number {
  const c = text.charCodeAt(offset - 1);
  if (c === 10) return text.charCodeAt(offset - 2) === 13 ? 2 : 1;
  return c === 13 ? 1 : 0;
}

/**
 * Edit inserting a record of `values` terminated by `dict.eol`.
 * - `afterRow` = k: just after data row k's line terminator;
 * - `afterRow` = -1: just before the first data row (after the header);
 * - omitted: after the last data row, or at the end of the text when there is none.
 * When the insertion point is the end of a text without a final line break, the break is put
 * before the new record instead, so the file keeps its "no final EOL" style and the previous
 * record is not extended. Throws a RangeError for a row index out of range, and an
 * `UnsafeEditError` for a record with a quote after an unclosed one.
 */
export function insertRowEdit(dict: Dictionary, values: readonly string[], afterRow?: number): TextEdit {
  const record = formatRecord(values);
  const { text, eol } = dict;
  let at: number;
  if (afterRow === -1 && dict.rows.length > 0) {
    at = dict.rows[0].start;
  } else if (afterRow !== undefined && afterRow !== -1) {
    at = rowAt(dict, afterRow).endWithEol;
  } else if (dict.rows.length > 0) {
    at = dict.rows[dict.rows.length - 1].endWithEol;
  } else {
    at = text.length;
  }
  if (at === text.length && text.length > 0 && breakBefore(text, at) === 0) {
    return guardUnclosedQuote(dict, { start: at, end: at, newText: eol + record });
  }
  return guardUnclosedQuote(dict, { start: at, end: at, newText: record + eol });
}

/**
 * Edit deleting data row `rowIndex` with its line terminator. For a last record without one, the
 * break before it goes instead, so the file keeps ending without a final EOL.
 * Throws a RangeError for a row index out of range.
 */
export function deleteRowEdit(dict: Dictionary, rowIndex: number): TextEdit {
  const row = rowAt(dict, rowIndex);
  if (row.endWithEol === row.end && row.start > 0) {
    return { start: row.start - breakBefore(dict.text, row.start), end: row.end, newText: '' };
  }
  return { start: row.start, end: row.endWithEol, newText: '' };
}

/**
 * Applies edits whose offsets all refer to the original `text`. Insertions at the same offset keep
 * their given order. Throws a RangeError for overlapping or out-of-range edits (a caller bug).
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = edits
    .map((e, i) => ({ e, i }))
    .sort((x, y) => x.e.start - y.e.start || x.e.end - y.e.end || x.i - y.i)
    .map((x) => x.e);
  const parts: string[] = [];
  let last = 0;
  for (const e of sorted) {
    if (e.start < last || e.end < e.start || e.end > text.length) {
      throw new RangeError(`Overlapping or invalid edit [${e.start}, ${e.end})`);
    }
    parts.push(text.slice(last, e.start), e.newText);
    last = e.end;
  }
  parts.push(text.slice(last));
  return parts.join('');
}

/**
 * A whole CSV text: the header (if any) and the rows, each record followed by `eol` (so the text
 * ends with a line break). Empty rows (no values) are left out since they cannot be represented.
 */
export function serializeDictionary(
  header: readonly string[] | undefined,
  rows: readonly (readonly string[])[],
  eol: '\n' | '\r\n' = '\n',
): string {
  const out: string[] = [];
  if (header && header.length > 0) out.push(formatRecord(header), eol);
  for (const r of rows) if (r.length > 0) out.push(formatRecord(r), eol);
  return out.join('');
}
