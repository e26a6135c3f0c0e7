/**
 * The Solr synonym format — what Solr, Elasticsearch and OpenSearch read through Lucene's
 * `SolrSynonymParser` — parsed with the exact source range of every term, read the way Lucene
 * reads it, and edited byte-exactly.
 *
 * Lucene's reading, which this module reproduces (test/lucene compares both on generated files):
 * - lines end at `\n`, `\r\n` or a lone `\r`; an empty line, or one whose FIRST character is `#`,
 *   is skipped (`  # x` is a rule, not a comment);
 * - a line is split on `=>` (outside `\` escapes); more than two sides is an error; two sides make
 *   an explicit rule (inputs => outputs, one-way), one side an equivalent rule;
 * - each side is split on `,`; empty pieces vanish (`a,,b` is `a, b`), pieces of white space stay;
 * - each piece is unescaped (`\x` → `x`; a trailing `\` stays) and trimmed of characters <= U+0020
 *   (Java's `String.trim`, so U+3000 is not trimmed);
 * - each term is analysed; with the whitespace analyzer a multi-word term is its words joined by
 *   U+0000, and a term with no words is refused ("was completely eliminated by analyzer"); the
 *   first refusal rejects the whole file, which is why it is an error here;
 * - `expand` (true by default): every term of an equivalent rule maps to every other one;
 *   false: every term maps to the first. Explicit rules map every input to every output.
 */
import { LineIndex } from '../text';
import type { Position, Range } from '../csv/types';
import type { TextEdit } from '../csv/serialize';

/** One term of a rule as it stands in the source. */
export interface SolrTerm {
  /** The term Lucene analyses: unescaped, then trimmed as Java's `String.trim` does. */
  text: string;
  /** UTF-16 offsets of the trimmed term in the source text, [start, end) (escapes included). */
  start: number;
  end: number;
  range: Range;
}

export type SolrRuleKind = 'equivalent' | 'explicit';

export interface SolrRule {
  kind: SolrRuleKind;
  /** 0-based source line. */
  line: number;
  /** Equivalent rules: all terms. Explicit rules: the left side. */
  inputs: SolrTerm[];
  /** Explicit rules: the right side (empty for equivalent rules). */
  outputs: SolrTerm[];
  /** UTF-16 offsets of the line without its terminator, and after it. */
  start: number;
  end: number;
  endWithEol: number;
  range: Range;
  /** Whether Lucene refuses this rule (see the file's problems); a refused rule maps nothing. */
  refused: boolean;
  /** The line ends with a backslash that escapes nothing: a term appended after it would be glued on. */
  danglingEscape?: true;
}

export type SolrProblemId = 'solrTwoMappings' | 'solrEliminated' | 'solrDanglingEscape' | 'solrSingleTerm' | 'solrIndentedComment';

/** English texts; the ones Lucene has keep its wording (the line is 1-based, as Lucene counts). */
export const SOLR_MESSAGES: Readonly<Record<SolrProblemId, string>> = {
  solrTwoMappings: 'Invalid synonym rule at line {0}: more than one explicit mapping specified on the same line',
  solrEliminated: 'Invalid synonym rule at line {0}: term: {1} was completely eliminated by analyzer',
  solrDanglingEscape: 'Line {0}: the rule ends with a lone backslash, which escapes nothing; the engine keeps it as a character of the term.',
  solrSingleTerm: 'Line {0}: a rule with a single term maps nothing.',
  solrIndentedComment: 'Line {0}: "#" is not the first character, so the engine reads this line as a rule, not a comment.',
};

export interface SolrProblem {
  messageId: SolrProblemId;
  message: string;
  args: (string | number)[];
  range: Range;
  severity: 'error' | 'warning';
  /** 0-based line. */
  line: number;
}

export interface SolrFile {
  /** The source text the offsets refer to (a byte order mark excluded, see `bom`). */
  text: string;
  bom: boolean;
  eol: '\n' | '\r\n';
  rules: SolrRule[];
  problems: SolrProblem[];
  /** The first problem Lucene would stop at, if any: then the engine refuses the whole file. */
  refusal?: SolrProblem;
}

/** A piece of a line: its text as in the source (escapes kept) and its offsets in the source. */
interface Piece {
  text: string;
  start: number;
  end: number;
}

/**
 * Lucene's `SolrSynonymParser.split`: splits at `sep` outside `\` escapes, dropping empty pieces
 * (pieces of white space are kept); an escape's backslash stays in the piece.
 */
function split(s: string, base: number, sep: string): Piece[] {
  const out: Piece[] = [];
  let sb = '';
  let start = -1;
  let pos = 0;
  const end = s.length;
  const flush = (at: number): void => {
    if (sb.length > 0) out.push({ text: sb, start: base + start, end: base + at });
    sb = '';
    start = -1;
  };
  while (pos < end) {
    if (s.startsWith(sep, pos)) {
      flush(pos);
      pos += sep.length;
      continue;
    }
    if (start < 0) start = pos;
    let ch = s[pos++];
    if (ch === '\\') {
      sb += ch;
      if (pos >= end) break;
      ch = s[pos++];
    }
    sb += ch;
  }
  flush(pos);
  return out;
}

/** Java's `String.trim`: strips code units <= U+0020 from both ends. */
export function javaTrim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 32) a++;
  while (b > a && s.charCodeAt(b - 1) <= 32) b--;
  return s.slice(a, b);
}

/** Unescapes a piece (`\x` → `x`, a trailing `\` kept) and trims it, with the source range of what is left. */
function termOf(piece: Piece, lines: LineIndex): SolrTerm {
  const s = piece.text;
  let text = '';
  // Source offset (relative to the piece) of each character of `text`.
  const at: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i < s.length - 1) i++;
    text += s[i];
    at.push(i);
  }
  let a = 0;
  let b = text.length;
  while (a < b && text.charCodeAt(a) <= 32) a++;
  while (b > a && text.charCodeAt(b - 1) <= 32) b--;
  // A term trimmed to nothing sits where its piece starts (an empty range there).
  const realStart = a < b ? piece.start + sourceStartOf(s, at, a) : piece.start;
  const end = a < b ? piece.start + at[b - 1] + 1 : piece.start;
  return { text: text.slice(a, b), start: realStart, end, range: { start: lines.positionAt(realStart), end: lines.positionAt(end) } };
}

/** Source offset (in the piece) where unescaped character `i` begins: its escaping backslash, if any. */
function sourceStartOf(s: string, at: number[], i: number): number {
  const p = at[i];
  return p > 0 && s[p - 1] === '\\' && (i === 0 || at[i - 1] < p - 1) ? p - 1 : p;
}

/** Java's `Character.isWhitespace` for one UTF-16 code unit (what Lucene's WhitespaceTokenizer splits on). */
export function isJavaWhitespace(c: number): boolean {
  if (c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f)) return true;
  if (c === 0x1680 || (c >= 0x2000 && c <= 0x2006) || (c >= 0x2008 && c <= 0x200a)) return true;
  return c === 0x2028 || c === 0x2029 || c === 0x205f || c === 0x3000;
}

/** Word separator of a multi-word term in Lucene's synonym map (`SynonymMap.WORD_SEPARATOR`). */
export const WORD_SEPARATOR = '\u0000';

/**
 * A term after Lucene's whitespace analyzer: its words joined by U+0000, or '' when it has none
 * (Lucene refuses such a term). Terms stay as typed otherwise (no lower-casing).
 */
export function whitespaceAnalyze(term: string): string {
  const words: string[] = [];
  let w = '';
  for (let i = 0; i < term.length; i++) {
    if (isJavaWhitespace(term.charCodeAt(i))) {
      if (w) words.push(w);
      w = '';
    } else w += term[i];
  }
  if (w) words.push(w);
  return words.join(WORD_SEPARATOR);
}

function problem(id: SolrProblemId, args: (string | number)[], range: Range, severity: 'error' | 'warning', line: number): SolrProblem {
  const message = SOLR_MESSAGES[id].replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m));
  return { messageId: id, message, args, range, severity, line };
}

/**
 * Parses a Solr synonyms file. Never throws: rules Lucene refuses get an error on the exact range
 * (the line, or the term that analyses to nothing) in Lucene's words, and the rest of the file
 * is read as usual; rules the engine accepts but that are likely mistakes get a warning.
 * `analyze` is the analysis a term goes through (whitespace by default; '' means refused).
 */
export function parseSolr(source: string, analyze: (term: string) => string = whitespaceAnalyze): SolrFile {
  const bom = source.charCodeAt(0) === 0xfeff;
  const text = bom ? source.slice(1) : source;
  const lines = new LineIndex(text);
  const rules: SolrRule[] = [];
  const problems: SolrProblem[] = [];
  let crlf = 0;
  let lf = 0;
  for (let line = 0; line < lines.lineCount; line++) {
    const start = lines.lineStart(line);
    const end = lines.lineEnd(line);
    const endWithEol = line + 1 < lines.lineCount ? lines.lineStart(line + 1) : end;
    if (endWithEol - end === 2) crlf++;
    else if (endWithEol > end) lf++;
    const s = text.slice(start, end);
    if (s.length === 0 || s[0] === '#') continue;
    const range = { start: lines.positionAt(start), end: lines.positionAt(end) };
    const lineNo = line + 1;
    const sides = split(s, start, '=>');
    const rule: SolrRule = { kind: sides.length > 1 ? 'explicit' : 'equivalent', line, inputs: [], outputs: [], start, end, endWithEol, range, refused: false };
    rules.push(rule);
    if (sides.length > 2) {
      rule.refused = true;
      problems.push(problem('solrTwoMappings', [lineNo], range, 'error', line));
      continue;
    }
    const termsOf = (side: Piece): SolrTerm[] => split(side.text, side.start, ',').map((p) => termOf(p, lines));
    if (sides.length === 2) {
      rule.inputs = termsOf(sides[0]);
      rule.outputs = termsOf(sides[1]);
    } else {
      rule.inputs = termsOf({ text: s, start, end });
    }
    for (const t of [...rule.inputs, ...rule.outputs]) {
      if (analyze(t.text) === '') {
        rule.refused = true;
        // An empty term has an empty range; show the error on the whole rule then.
        problems.push(problem('solrEliminated', [lineNo, t.text], t.start < t.end ? t.range : range, 'error', line));
        break;
      }
    }
    if (endsWithLoneBackslash(s)) rule.danglingEscape = true;
    if (rule.refused) continue;
    if (rule.danglingEscape) {
      const at = lines.positionAt(end - 1);
      problems.push(problem('solrDanglingEscape', [lineNo], { start: at, end: range.end }, 'warning', line));
    }
    if (rule.kind === 'equivalent' && rule.inputs.length === 1) problems.push(problem('solrSingleTerm', [lineNo], range, 'warning', line));
    if (/^\s+#/.test(s)) problems.push(problem('solrIndentedComment', [lineNo], range, 'warning', line));
  }
  const refusal = problems.find((p) => p.severity === 'error');
  return { text, bom, eol: crlf > lf ? '\r\n' : '\n', rules, problems, ...(refusal ? { refusal } : {}) };
}

/** Whether a line ends with a backslash that escapes nothing (an odd run of trailing backslashes). */
function endsWithLoneBackslash(s: string): boolean {
  let n = 0;
  while (n < s.length && s[s.length - 1 - n] === '\\') n++;
  return n % 2 === 1;
}

/** One entry Lucene's parser adds to its synonym map (`SynonymMap.Builder.add`). */
export interface SolrMapping {
  input: string;
  output: string;
  includeOrig: boolean;
}

/**
 * The mappings Lucene adds for a parsed file, in Lucene's order, terms analysed by `analyze`
 * (undefined when Lucene refuses the file: it adds nothing then).
 */
export function solrMappings(file: SolrFile, expand = true, analyze: (term: string) => string = whitespaceAnalyze): SolrMapping[] | undefined {
  if (file.refusal) return undefined;
  const out: SolrMapping[] = [];
  for (const rule of file.rules) {
    const inputs = rule.inputs.map((t) => analyze(t.text));
    if (rule.kind === 'explicit') {
      const outputs = rule.outputs.map((t) => analyze(t.text));
      for (const input of inputs) for (const output of outputs) out.push({ input, output, includeOrig: false });
    } else if (expand) {
      for (let i = 0; i < inputs.length; i++) for (let j = 0; j < inputs.length; j++) if (i !== j) out.push({ input: inputs[i], output: inputs[j], includeOrig: true });
    } else {
      for (const input of inputs) out.push({ input, output: inputs[0], includeOrig: false });
    }
  }
  return out;
}

/**
 * Escapes a term for the Solr format so that it reads back as itself: `\`, `,` and `=>` are
 * escaped, a leading `#` too (it would start a comment), edge white space is dropped (the engine
 * trims it) and line breaks become spaces.
 */
export function escapeSolrTerm(term: string): string {
  let s = javaTrim(term.replace(/[\r\n]+/g, ' ')).replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/=>/g, '\\=>');
  // A term ending in `=` before a `>` of the text that follows is escaped at its end.
  if (s.endsWith('=')) s = s.slice(0, -1) + '\\=';
  if (s.startsWith('#') || s.startsWith('>')) s = '\\' + s;
  return s;
}

/** One rule in the Solr format: `a, b, c` or `a, b => c`. */
export function formatSolrRule(inputs: readonly string[], outputs?: readonly string[]): string {
  const left = inputs.map(escapeSolrTerm).join(', ');
  return outputs && outputs.length ? `${left} => ${outputs.map(escapeSolrTerm).join(', ')}` : left;
}

/** The edit that replaces one term and nothing else (offsets in `file.text`). */
export function replaceSolrTermEdit(term: SolrTerm, newText: string): TextEdit {
  return { start: term.start, end: term.end, newText: escapeSolrTerm(newText) };
}

/** The edit that appends a rule at the end of the file (after a line break if the last line has none). */
export function appendSolrRuleEdit(file: Pick<SolrFile, 'text' | 'eol'>, inputs: readonly string[], outputs?: readonly string[]): TextEdit {
  const n = file.text.length;
  const needsEol = n > 0 && !/[\r\n]$/.test(file.text);
  return { start: n, end: n, newText: (needsEol ? file.eol : '') + formatSolrRule(inputs, outputs) + file.eol };
}

/** The edit that inserts a rule on a new line after a row (a rule's line) of a Solr file's dictionary. */
export function insertSolrRuleEdit(dict: { text: string; eol: string; rows: readonly { end: number; endWithEol: number }[] }, afterRow: number, inputs: readonly string[], outputs?: readonly string[]): TextEdit {
  const row = dict.rows[afterRow];
  const rule = formatSolrRule(inputs, outputs);
  if (row.endWithEol > row.end) return { start: row.endWithEol, end: row.endWithEol, newText: rule + dict.eol };
  return { start: row.end, end: row.end, newText: dict.eol + rule };
}

/** A rule's terms in column order: inputs, then outputs. */
export function ruleTerms(rule: SolrRule): SolrTerm[] {
  return [...rule.inputs, ...rule.outputs];
}

/**
 * The edit that adds a term at the end of a rule (after its last output for an explicit rule,
 * its last term otherwise), as `, term`. `encode` turns the Solr text into the file's own syntax
 * (a JSON string's body for a synonyms set). Undefined when the rule has no term to follow, or
 * ends with a lone backslash (the new separator would be escaped and glued to that term).
 */
export function appendSolrTermEdit(rule: SolrRule, term: string, encode: (solr: string) => string = (x) => x): TextEdit | undefined {
  const terms = ruleTerms(rule);
  const last = terms[terms.length - 1];
  if (!last || rule.danglingEscape) return undefined;
  return { start: last.end, end: last.end, newText: encode(`, ${escapeSolrTerm(term)}`) };
}

/**
 * The edit that removes term `index` (in `ruleTerms` order) with one separator: from the end of
 * the term before it on the same side, or — for a side's first term — up to the next term. The
 * bytes removed are the term and its separator only. Undefined when the term is the only one on its
 * side (the rule would lose a side, or vanish: delete the rule instead).
 */
export function removeSolrTermEdit(rule: SolrRule, index: number): TextEdit | undefined {
  const input = index < rule.inputs.length;
  const side = input ? rule.inputs : rule.outputs;
  const k = input ? index : index - rule.inputs.length;
  if (k < 0 || k >= side.length || side.length < 2) return undefined;
  return k > 0 ? { start: side[k - 1].end, end: side[k].end, newText: '' } : { start: side[0].start, end: side[1].start, newText: '' };
}

/** The edit that removes a rule's line, terminator included. */
export function deleteSolrRuleEdit(rule: SolrRule): TextEdit {
  return { start: rule.start, end: rule.endWithEol, newText: '' };
}

export type { Position };
