/**
 * The table editor's view of a document, without `vscode`: parsed dictionaries cached per
 * document version, webview edit requests turned into core's byte-preserving row edits, and
 * diagnostics attached to rows. Kept free of the VS Code API so it is tested in plain Node.
 */
import { deleteRowEdit, insertRowEdit, replaceRowEdit } from '../../core/csv';
import type { Dictionary, Range, Row, TextEdit } from '../../core/csv';
import { synonymGroups, termKey } from '../../core/dictionary';
import { parseAnyDictionary, type DictionaryFormat, type ParsedDictionary } from '../../core/formats/dictionary';
import type { HeatmapPair, TableDiagnostic } from '../../shared/webviewProtocol';

/** The last parse of each document, reused while the version stays the same. */
export class DictionaryCache {
  private readonly entries = new Map<string, { version: number; parsed: ParsedDictionary }>();

  /** The document's dictionary, read in its format (a CSV, a Solr file's rules, a synonyms set's). */
  get(uri: string, version: number, text: () => string, format: DictionaryFormat = 'csv'): Dictionary {
    return this.parsed(uri, version, text, format).dict;
  }

  /** As `get`, with the rules a Solr file or synonyms set was read from. */
  parsed(uri: string, version: number, text: () => string, format: DictionaryFormat): ParsedDictionary {
    const hit = this.entries.get(uri);
    if (hit && hit.version === version && hit.parsed.format === format) return hit.parsed;
    const parsed = parseAnyDictionary(text(), format);
    this.entries.set(uri, { version, parsed });
    return parsed;
  }

  delete(uri: string): void {
    this.entries.delete(uri);
  }
}

/** Replaces row `row`'s fields by `values`; throws a RangeError for a missing row. */
export function editRowEdits(dict: Dictionary, row: number, values: readonly string[]): TextEdit[] {
  const e = replaceRowEdit(dict, row, values);
  const old = dict.text.slice(e.start, e.end);
  return old === e.newText ? [] : [e];
}

/** Inserts a record after data row `afterRow` (omitted: at the end). */
export function insertRowEdits(dict: Dictionary, values: readonly string[], afterRow?: number): TextEdit[] {
  return [insertRowEdit(dict, values, afterRow)];
}

/**
 * Deletes the given data rows (any order, duplicates ignored). Each edit refers to the original
 * text and the edits do not overlap, so they apply as one `WorkspaceEdit`.
 */
export function deleteRowsEdits(dict: Dictionary, rows: readonly number[]): TextEdit[] {
  const unique = [...new Set(rows)].sort((a, b) => a - b);
  const edits = unique.map((r) => deleteRowEdit(dict, r));
  // Deleting the last record of a file without a final EOL removes the break *before* it, which
  // is the end of the previous record's range; when that record is deleted too, merge the two.
  const merged: TextEdit[] = [];
  for (const e of edits) {
    const prev = merged[merged.length - 1];
    if (prev && e.start < prev.end) prev.end = Math.max(prev.end, e.end);
    else merged.push({ ...e });
  }
  return merged;
}

/** The data row whose source lines contain `line` (binary search), or undefined. */
export function rowAtLine(dict: Dictionary, line: number): Row | undefined {
  const rows = dict.rows;
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const r = rows[mid]!;
    if (line < r.range.start.line) hi = mid - 1;
    else if (line > r.range.end.line) lo = mid + 1;
    else return r;
  }
  return undefined;
}

function contains(range: Range, line: number, character: number): boolean {
  const { start, end } = range;
  if (line < start.line || line > end.line) return false;
  if (line === start.line && character < start.character) return false;
  if (line === end.line && character > end.character) return false;
  return true;
}

/** A diagnostic as the host sees it, independent of the `vscode` types. */
export interface PlainDiagnostic {
  range: Range;
  /** VS Code's `DiagnosticSeverity`: 0 error, 1 warning, 2 information, 3 hint. */
  severity: number;
  message: string;
  code?: string | number;
}

const SEVERITY = ['error', 'warning', 'info', 'hint'] as const;

/** Attaches diagnostics to data rows (and to a cell when one contains the diagnostic's start). */
export function diagnosticsToRows(dict: Dictionary, diagnostics: readonly PlainDiagnostic[]): TableDiagnostic[] {
  return diagnostics.map((d) => {
    const { line, character } = d.range.start;
    const row = rowAtLine(dict, line);
    const cell = row?.cells.find((c) => contains(c.range, line, character));
    return {
      row: row ? row.index : -1,
      column: cell?.column,
      severity: SEVERITY[d.severity] ?? 'info',
      message: d.message,
      code: d.code === undefined ? undefined : String(d.code),
    };
  });
}

/**
 * Where to show the pair (a, b): the range from the term cell to the synonym cell of the first row
 * pairing them (either order, by `termKey`); failing that, the first cell holding `a`.
 * `preferRow` is tried first when given (the heatmap knows the row).
 */
export function pairRange(dict: Dictionary, a: string, b: string, preferRow?: number): Range | undefined {
  const ka = termKey(a);
  const kb = termKey(b);
  const candidates = preferRow !== undefined && dict.rows[preferRow] ? [dict.pairs.filter((p) => p.row === preferRow), dict.pairs] : [dict.pairs];
  for (const list of candidates) {
    for (const p of list) {
      const x = termKey(p.a.text);
      const y = termKey(p.b.text);
      if ((x === ka && y === kb) || (x === kb && y === ka)) {
        const first = p.a.start <= p.b.start ? p.a : p.b;
        const last = first === p.a ? p.b : p.a;
        return { start: first.range.start, end: last.range.end };
      }
    }
  }
  for (const r of dict.rows) {
    for (const c of r.cells) if (termKey(c.text) === ka) return c.range;
  }
  return undefined;
}

/** The range of data row `row` (cell `column` when it exists). */
export function rowRange(dict: Dictionary, row: number, column?: number): Range | undefined {
  const r = dict.rows[row];
  if (!r) return undefined;
  if (column !== undefined && r.cells[column]) return r.cells[column].range;
  return r.range;
}

/** The dictionary's pairs among `terms` (by `termKey`), first occurrence of each unordered pair. */
export function heatmapPairs(dict: Dictionary, terms: readonly string[]): HeatmapPair[] {
  const index = new Map<string, number>();
  terms.forEach((t, i) => {
    const k = termKey(t);
    if (!index.has(k)) index.set(k, i);
  });
  const seen = new Set<string>();
  const out: HeatmapPair[] = [];
  for (const p of dict.pairs) {
    const i = index.get(termKey(p.a.text));
    const j = index.get(termKey(p.b.text));
    if (i === undefined || j === undefined) continue;
    const key = i < j ? `${i},${j}` : `${j},${i}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ i, j, label: p.label, row: p.row, line: dict.rows[p.row]!.range.start.line });
  }
  return out;
}

/** The synonym group of `term` (by `termKey`), or just the term when it is in none. */
export function groupOf(dict: Dictionary, term: string): string[] {
  const k = termKey(term);
  return synonymGroups(dict.pairs).find((g) => g.some((t) => termKey(t) === k)) ?? [term];
}
