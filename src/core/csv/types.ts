/**
 * Types of the synonym-dictionary model. Positions follow LSP: 0-based lines, characters counted
 * in UTF-16 code units (so a CJK character is 1, an emoji outside the BMP is 2).
 */

import type { SolrProblemId } from '../formats/solr';
import type { EsProblemId } from '../formats/es';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** One CSV field as it stands in the source. */
export interface Cell {
  /** Field value after CSV unquoting, untrimmed. */
  raw: string;
  /** The term: `raw` with surrounding white space removed. */
  text: string;
  /** Whether the field was quoted in the source. */
  quoted: boolean;
  /** Column index (0-based). */
  column: number;
  /** Source range of the whole field (including quotes), UTF-16. */
  range: Range;
  /** UTF-16 offsets of the field in the source text, [start, end). */
  start: number;
  end: number;
}

/** What a column holds. `extra` columns beyond a label column are ignored for pairs. */
export type ColumnRole = 'term' | 'synonym' | 'label' | 'extra';

export interface Header {
  cells: Cell[];
  roles: ColumnRole[];
  /** `en` for term,synonym[,label]; `zh` for 标准词,近似词[,标签]. */
  language: 'en' | 'zh';
  /** 0-based source line of the header. */
  line: number;
}

/** A data record (a CSV record that is not the header and not blank). */
export interface Row {
  /** 0-based index among data rows. */
  index: number;
  /** All fields of the record. */
  cells: Cell[];
  /** The standard term (first column), if the record has a non-empty one. */
  term?: Cell;
  /** Non-empty synonym cells. */
  synonyms: Cell[];
  /**
   * Parsed label: 1 synonym, 0 explicitly not. 1 when the file has no label column; undefined when
   * the row's label cell is missing or invalid (such a row yields no pairs).
   */
  label?: 0 | 1;
  labelCell?: Cell;
  /** Source range of the record without its line terminator. */
  range: Range;
  /** UTF-16 offsets of the record in the source, [start, end) without the line terminator. */
  start: number;
  end: number;
  /** UTF-16 offset just after the record's line terminator (== end when it has none). */
  endWithEol: number;
}

export type ProblemCode =
  | 'unterminated-quote'
  | 'column-count'
  | 'empty-cell'
  | 'missing-synonym'
  | 'invalid-label'
  | 'nul-byte'
  | 'stray-quote'
  | 'synonym-rule'
  | 'synonym-set';

/** Which text a problem has: a key of `PROBLEM_MESSAGES` (messages.ts). */
export type ProblemMessageId =
  | 'textAfterClosingQuote'
  | 'unterminatedQuote'
  | 'quoteInUnquotedField'
  | 'singleCell'
  | 'emptyTerm'
  | 'emptyBetweenSynonyms'
  | 'noSynonym'
  | 'invalidLabel'
  | 'emptyLabel'
  | 'missingLabel'
  | 'extraColumns'
  | 'nulCharacter'
  | SolrProblemId
  | EsProblemId;

export interface Problem {
  code: ProblemCode;
  /** The English text: `PROBLEM_MESSAGES[messageId]` filled with `args`. */
  message: string;
  /** With `args`, lets a front end show the message in another language. */
  messageId: ProblemMessageId;
  /** The values of the message's `{0}`, `{1}` … (1-based line and column numbers, counts, a label's text). */
  args: (string | number)[];
  range: Range;
  severity: 'error' | 'warning';
  /** Data row index, when the problem belongs to one. */
  row?: number;
}

/** A standard term vs one synonym. label 1 = synonyms, 0 = explicitly not. */
export interface Pair {
  a: Cell;
  b: Cell;
  label: 0 | 1;
  /** Data row index the pair comes from. */
  row: number;
  /**
   * A one-way pair: `a` is rewritten to `b`, not `b` to `a` (a Solr explicit rule `a => b`; label
   * `=>` in a CSV). Absent for the usual two-way pair.
   */
  oneWay?: true;
}

export interface Dictionary {
  /** The source text the ranges refer to (BOM excluded from `text`, see `bom`). */
  text: string;
  bom: boolean;
  /** The dominant line terminator, used when rows are added. */
  eol: '\n' | '\r\n';
  header?: Header;
  /**
   * Column holding labels, if any: from a `label`/`标签` header cell, or 2 for a header-less file
   * in the `text1,text2,label` format (see `parseDictionary`).
   */
  labelColumn?: number;
  rows: Row[];
  pairs: Pair[];
  problems: Problem[];
}

export type PairIssueKind = 'duplicate' | 'reversed-duplicate' | 'self-pair' | 'conflicting-label';

/** A relation problem between pairs, detected over the whole dictionary. */
export interface PairIssue {
  kind: PairIssueKind;
  pair: Pair;
  /** The earlier pair this one repeats or contradicts (not set for self pairs). */
  first?: Pair;
  message: string;
}
