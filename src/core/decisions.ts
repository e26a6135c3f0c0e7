/**
 * The decisions file: a curator's verdicts on candidate pairs, kept next to a dictionary whose
 * format has no label column (a Solr file, a synonyms set, a two-column CSV), so that a rejected
 * pair is never suggested again and becomes a hard negative for fine-tuning.
 *
 * It is a CSV a person can read and edit (docs/decisions.md):
 *
 * ```csv
 * term,synonym,label,decided_at
 * 苹果,苹果手机,0,2026-12-05T18:40:00Z
 * ```
 *
 * - `label` is `0` (not synonyms: rejected) or `1` (synonyms: accepted);
 * - `decided_at` is an ISO 8601 date or UTC/offset date-time;
 * - the file is an append-only log: for a pair decided twice (either order, terms compared by
 *   `termKey`), the later line wins, so an undone rejection is a later line with the other label.
 *
 * Everything here is pure text in, text out; the caller reads and writes the file (atomically).
 */

import { LineProblemError } from './csv/messages';
import { formatRecord } from './csv/serialize';
import { parseDictionary } from './csv/parse';
import { termKey } from './dictionary';

/** One verdict on the pair (term, synonym). */
export interface Decision {
  term: string;
  synonym: string;
  /** 0: not synonyms (rejected); 1: synonyms (accepted). */
  label: 0 | 1;
  /** ISO 8601: `2026-12-05`, `2026-12-05T18:40:00Z`, `2026-12-05T18:40:00.123+08:00`. */
  decidedAt: string;
}

/** The columns of a decisions file, in order. */
export const DECISIONS_COLUMNS = ['term', 'synonym', 'label', 'decided_at'] as const;

/** Why a decisions file or a decision is refused; `args` fill the `{n}` of the message. */
export type DecisionsProblemId =
  | 'decisionsHeader'
  | 'decisionsSyntax'
  | 'decisionsColumns'
  | 'decisionsEmptyTerm'
  | 'decisionsSamePair'
  | 'decisionsLabel'
  | 'decisionsDate';

/** English texts (the CLI's); a front end may say them in another language from id and args. */
export const DECISIONS_MESSAGES: Readonly<Record<DecisionsProblemId, string>> = {
  decisionsHeader: 'Line 1 of the decisions file must be the header term,synonym,label,decided_at; found "{0}".',
  decisionsSyntax: 'Line {0} of the decisions file is not valid CSV: {1}',
  decisionsColumns: 'Line {0} of the decisions file has {1} columns; expected 4 (term,synonym,label,decided_at).',
  decisionsEmptyTerm: 'Line {0} of the decisions file: the {1} is empty.',
  decisionsSamePair: 'Line {0} of the decisions file: "{1}" is decided against itself.',
  decisionsLabel: 'Line {0} of the decisions file: the label is "{1}"; expected 0 (not synonyms) or 1 (synonyms).',
  decisionsDate: 'Line {0} of the decisions file: decided_at is "{1}"; expected an ISO 8601 date or date-time such as 2026-12-05T18:40:00Z.',
};

/** A decisions file or decision that cannot be read or written; `line` is 1-based (0: not from a file). */
export class DecisionsError extends LineProblemError<DecisionsProblemId> {
  constructor(messageId: DecisionsProblemId, args: readonly (string | number)[], line: number) {
    super(DECISIONS_MESSAGES, messageId, args, line);
    this.name = 'DecisionsError';
  }
}

/**
 * The decisions file of a dictionary: its path with the last extension replaced by
 * `.decisions.csv` (`cars.synonyms.csv` → `cars.synonyms.decisions.csv`, `synonyms.txt` →
 * `synonyms.decisions.csv`). Works on `/` and `\` paths and on URI paths.
 */
export function decisionsPathFor(dictionaryPath: string): string {
  return sidecarPath(dictionaryPath, '.decisions.csv');
}

/** `dictionaryPath` with its last extension (if any) replaced by `suffix`; `/` and `\` paths. */
export function sidecarPath(dictionaryPath: string, suffix: string): string {
  const slash = Math.max(dictionaryPath.lastIndexOf('/'), dictionaryPath.lastIndexOf('\\'));
  const dot = dictionaryPath.lastIndexOf('.');
  // A dot that starts the file name (`.synonyms`) or lies in a folder name is not an extension.
  return (dot > slash + 1 ? dictionaryPath.slice(0, dot) : dictionaryPath) + suffix;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;

/** Whether `s` is an ISO 8601 date or date-time with a zone (Z or an offset) and valid fields. */
export function isDecisionDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const [, , mo, d, h, mi, se] = m;
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31) return false;
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || Number(se ?? 0) > 59)) return false;
  return true;
}

/** Checks one decision's fields (line 0 when it is not from a file); throws `DecisionsError`. */
function validate(d: Decision, line: number): void {
  if (d.term.trim() === '') throw new DecisionsError('decisionsEmptyTerm', [line, 'term'], line);
  if (d.synonym.trim() === '') throw new DecisionsError('decisionsEmptyTerm', [line, 'synonym'], line);
  if (termKey(d.term) === termKey(d.synonym)) throw new DecisionsError('decisionsSamePair', [line, d.term.trim()], line);
  if (d.label !== 0 && d.label !== 1) throw new DecisionsError('decisionsLabel', [line, String(d.label)], line);
  if (!isDecisionDate(d.decidedAt)) throw new DecisionsError('decisionsDate', [line, d.decidedAt], line);
}

/**
 * Reads a decisions file. An empty text (or only a BOM and blank lines) is no decisions. Throws a
 * `DecisionsError` naming the first bad line: a missing or different header, broken CSV quoting,
 * a row without exactly 4 columns, an empty term, a label other than 0/1, a date that is not
 * ISO 8601. Terms are trimmed; the order of the file is kept.
 */
export function parseDecisions(text: string): Decision[] {
  const dict = parseDictionary(text);
  if (dict.text.trim() === '') return [];
  const header = dict.header;
  const headerText = header?.cells.map((c) => c.raw).join(',') ?? firstLine(dict.text);
  if (!header || header.cells.length !== 4 || header.cells.some((c, i) => c.text.toLowerCase() !== DECISIONS_COLUMNS[i])) {
    throw new DecisionsError('decisionsHeader', [headerText], 1);
  }
  // Quoting problems first: they can change how every later line reads.
  const syntax = dict.problems.find((p) => p.code === 'unterminated-quote' || p.code === 'stray-quote' || p.code === 'nul-byte');
  if (syntax) {
    const line = syntax.range.start.line + 1;
    throw new DecisionsError('decisionsSyntax', [line, syntax.message], line);
  }
  const out: Decision[] = [];
  for (const row of dict.rows) {
    const line = row.range.start.line + 1;
    if (row.cells.length !== 4) throw new DecisionsError('decisionsColumns', [line, row.cells.length], line);
    const [term, synonym, label, date] = row.cells.map((c) => c.text) as [string, string, string, string];
    if (label !== '0' && label !== '1') throw new DecisionsError('decisionsLabel', [line, label], line);
    const d: Decision = { term, synonym, label: label === '1' ? 1 : 0, decidedAt: date };
    validate(d, line);
    out.push(d);
  }
  return out;
}

function firstLine(text: string): string {
  const end = text.search(/\r?\n/);
  return end < 0 ? text : text.slice(0, end);
}

/** The header and `decisions`, one per line, each terminated by `eol`. Throws `DecisionsError` for a bad decision. */
export function serializeDecisions(decisions: readonly Decision[], eol: '\n' | '\r\n' = '\n'): string {
  let out = formatRecord(DECISIONS_COLUMNS) + eol;
  for (const d of decisions) {
    validate(d, 0);
    out += decisionRecord(d) + eol;
  }
  return out;
}

function decisionRecord(d: Decision): string {
  return formatRecord([d.term.trim(), d.synonym.trim(), String(d.label), d.decidedAt]);
}

/**
 * The decisions file after appending `decisions`: `existing` (the file's text, or undefined when
 * there is none yet) is kept byte for byte as a prefix; a missing header is written first, a
 * missing final line break is added, and new lines use the file's own line terminator. The
 * existing text is parsed first, so nothing is appended to a file that would not read back
 * (a `DecisionsError` names its bad line). Throws `DecisionsError` for a bad decision.
 */
export function appendDecisions(existing: string | undefined, decisions: readonly Decision[]): string {
  const before = existing ?? '';
  parseDecisions(before);
  for (const d of decisions) validate(d, 0);
  const eol: '\n' | '\r\n' = before.includes('\r\n') ? '\r\n' : '\n';
  if (before.replace(/^\uFEFF/, '').trim() === '') return before + serializeDecisions(decisions, eol);
  let out = before;
  if (!out.endsWith('\n')) out += eol;
  for (const d of decisions) out += decisionRecord(d) + eol;
  return out;
}

/** The current time as a `decided_at` value (UTC, whole seconds): `2026-12-05T18:40:00Z`. */
export function decisionTimestamp(now: Date = new Date()): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The key of an unordered term pair: the two `termKey`s, sorted, joined by a NUL. */
export function pairKey(a: string, b: string): string {
  const x = termKey(a);
  const y = termKey(b);
  return x < y ? `${x}\u0000${y}` : `${y}\u0000${x}`;
}

/**
 * The standing verdict per pair: for a pair decided more than once (either order), the last
 * decision in the list wins. Built from a decisions file, the label-0/label-1 pairs of a labelled
 * dictionary, or both (pass them in the order they should override each other).
 */
export class DecisionIndex {
  private readonly byPair = new Map<string, Decision>();

  constructor(decisions: Iterable<Decision> = []) {
    for (const d of decisions) this.add(d);
  }

  /** Records `d`, replacing an earlier verdict on the same pair. */
  add(d: Decision): void {
    this.byPair.set(pairKey(d.term, d.synonym), d);
  }

  /** The standing verdict on (a, b) in either order, if any. */
  get(a: string, b: string): Decision | undefined {
    return this.byPair.get(pairKey(a, b));
  }

  /** Whether (a, b) has been decided either way. */
  has(a: string, b: string): boolean {
    return this.byPair.has(pairKey(a, b));
  }

  /** The standing verdicts, in the order their pairs were first decided. */
  standing(): Decision[] {
    return [...this.byPair.values()];
  }

  /** The standing rejections (label 0): hard negatives. */
  rejected(): Decision[] {
    return this.standing().filter((d) => d.label === 0);
  }

  get size(): number {
    return this.byPair.size;
  }
}

/**
 * How many pairs were decided after `since` (ms since the epoch; a pair decided more than once
 * counts once, by its standing verdict's date), or all decided pairs when `since` is undefined.
 * A date without a time (`2026-12-05`) is that day's 00:00 UTC.
 */
export function decisionsSince(decisions: readonly Decision[], since: number | undefined): number {
  const standing = new DecisionIndex(decisions).standing();
  if (since === undefined) return standing.length;
  return standing.filter((d) => Date.parse(d.decidedAt) > since).length;
}
