/**
 * Term lists: the new terms suggestions are drawn from (search queries, product titles, another
 * catalogue). Two layouts:
 *
 * - one term a line (blank lines and lines starting with `#` skipped);
 * - a CSV whose header names a term column (`term`, `query`, `keyword`, `text`, `word`, `词`,
 *   `搜索词`, `关键词`, `查询`) and optionally a count column (`count`, `frequency`, `freq`,
 *   `searches`, `hits`, `次数`, `搜索次数`, `频次`), e.g. a query-log export.
 *
 * A CSV is recognised by its header, not by the file name, so a one-term-a-line list whose terms
 * contain commas is read as it is.
 */

import { parseDictionary } from '../csv/parse';
import { formatMessage } from '../csv/messages';

/** One term of a list; `count` is how often it was searched or seen, when the list says. */
export interface ListTerm {
  term: string;
  count?: number;
}

const TERM_COLUMNS = new Set(['term', 'query', 'keyword', 'keywords', 'text', 'word', 'search', '词', '词语', '搜索词', '关键词', '查询', '查询词']);
const COUNT_COLUMNS = new Set(['count', 'counts', 'frequency', 'freq', 'searches', 'hits', 'volume', 'impressions', '次数', '搜索次数', '频次', '频率', '搜索量']);

export type TermListProblemId = 'termListNoTermColumn' | 'termListCount' | 'termListSyntax';

export const TERM_LIST_MESSAGES: Readonly<Record<TermListProblemId, string>> = {
  termListNoTermColumn: 'The CSV header "{0}" has no term column; name one of its columns term, query or keyword.',
  termListCount: 'Line {0}: the count is "{1}"; expected a whole number of 0 or more.',
  termListSyntax: 'Line {0}: {1}',
};

/** A term list that cannot be read; `line` is 1-based. */
export class TermListError extends Error {
  constructor(
    readonly messageId: TermListProblemId,
    readonly args: readonly (string | number)[],
    readonly line: number,
  ) {
    super(formatMessage(TERM_LIST_MESSAGES[messageId], args));
    this.name = 'TermListError';
  }
}

const columnKey = (s: string) => s.normalize('NFKC').trim().toLowerCase().replace(/[\s_-]+/g, '');

/** The term and count columns of a CSV header record, or undefined when the record is not a term-list header. */
function headerColumns(cells: readonly string[]): { term: number; count?: number } | undefined {
  const keys = cells.map(columnKey);
  const term = keys.findIndex((k) => TERM_COLUMNS.has(k));
  if (term < 0) {
    // A header of a count column and something else: a CSV whose term column is misnamed.
    if (cells.length > 1 && keys.some((k) => COUNT_COLUMNS.has(k))) throw new TermListError('termListNoTermColumn', [cells.join(',')], 1);
    return undefined;
  }
  const count = keys.findIndex((k) => COUNT_COLUMNS.has(k));
  return count < 0 ? { term } : { term, count };
}

/**
 * Reads a term list (see the module comment). Terms are trimmed; a term listed twice (same
 * trimmed text) is kept once, at its first place, with the counts added up. Throws
 * `TermListError` for a CSV without a term column, a count that is not a whole number ≥ 0, or
 * broken CSV quoting.
 */
export function parseTermList(text: string): ListTerm[] {
  const body = text.replace(/^\uFEFF/, '');
  const firstLine = body.slice(0, body.search(/\r?\n|$/));
  let columns: { term: number; count?: number } | undefined;
  if (firstLine.includes(',')) {
    const head = parseDictionary(firstLine).rows[0]?.cells.map((c) => c.text) ?? firstLine.split(',');
    columns = headerColumns(head);
  }
  const out: ListTerm[] = [];
  const at = new Map<string, number>();
  const add = (term: string, count: number | undefined) => {
    if (term === '') return;
    const i = at.get(term);
    if (i === undefined) {
      at.set(term, out.length);
      out.push(count === undefined ? { term } : { term, count });
    } else if (count !== undefined) out[i]!.count = (out[i]!.count ?? 0) + count;
  };
  if (!columns) {
    for (const line of body.split(/\r?\n/)) {
      const term = line.trim();
      if (!term.startsWith('#')) add(term, undefined);
    }
    return out;
  }
  const dict = parseDictionary(body);
  const syntax = dict.problems.find((p) => p.code === 'unterminated-quote' || p.code === 'stray-quote' || p.code === 'nul-byte');
  if (syntax) throw new TermListError('termListSyntax', [syntax.range.start.line + 1, syntax.message], syntax.range.start.line + 1);
  // parseDictionary takes a term-list header for data row 0 (unless it reads like a dictionary's).
  for (const row of dict.header ? dict.rows : dict.rows.slice(1)) {
    const line = row.range.start.line + 1;
    const term = row.cells[columns.term]?.text ?? '';
    let count: number | undefined;
    if (columns.count !== undefined) {
      const raw = row.cells[columns.count]?.text ?? '';
      if (raw !== '') {
        const n = Number(raw);
        if (!/^\d+(\.0+)?$/.test(raw) || !Number.isSafeInteger(n)) throw new TermListError('termListCount', [line, raw], line);
        count = n;
      }
    }
    add(term, count);
  }
  return out;
}
