/**
 * Elasticsearch / OpenSearch synonyms sets as JSON: the body of `PUT _synonyms/<set>`
 * (`{"synonyms_set": [{"id": …, "synonyms": "a, b => c"}]}`) and the response of
 * `GET _synonyms/<set>` (the same array beside a `count`). Each rule is a Solr-format rule, read
 * by `parseSolr`; its terms get exact ranges in the JSON text through the string's escapes, so
 * diagnostics, hovers and edits land on the term. Rule ids are kept as they are.
 *
 * Why a scanner of our own: `JSON.parse` gives values, not where they are.
 */
import { LineIndex } from '../text';
import type { Range } from '../csv/types';
import type { TextEdit } from '../csv/serialize';
import { escapeSolrTerm, parseSolr, type SolrProblem, type SolrRule, type SolrTerm } from './solr';

/** Elasticsearch's Synonyms API takes at most 10,000 rules in one synonyms set. */
export const ES_RULE_LIMIT = 10_000;

export type EsProblemId = 'esInvalidJson' | 'esNoSynonymsSet' | 'esInvalidRule' | 'esTooManyRules';

export const ES_MESSAGES: Readonly<Record<EsProblemId, string>> = {
  esInvalidJson: 'Line {0}, column {1}: invalid JSON: {2}.',
  esNoSynonymsSet: 'No "synonyms_set" array: a synonyms set is an object whose "synonyms_set" lists entries with an "id" and a "synonyms" rule.',
  esInvalidRule: 'Line {0}: a synonyms set entry needs a "synonyms" string.',
  esTooManyRules: 'The set has {0} rules; Elasticsearch accepts at most {1} rules in one synonyms set.',
};

export interface EsProblem {
  messageId: EsProblemId;
  message: string;
  args: (string | number)[];
  range: Range;
  severity: 'error' | 'warning';
}

/** One entry of `synonyms_set`: its id (if any) and its rule, term offsets in the JSON text. */
export interface EsRule {
  id?: string;
  /** The rule, read as Solr reads it; its terms' offsets and ranges refer to the JSON text. */
  rule: SolrRule;
  /** Offsets of the `synonyms` string literal, quotes included. */
  start: number;
  end: number;
  /** Index of its entry in `EsSynonymsSet.entries`. */
  entry: number;
}

export interface EsSynonymsSet {
  text: string;
  rules: EsRule[];
  /** JSON errors, refused rules (Lucene's words) and the size limit. */
  problems: (EsProblem | SolrProblem)[];
  /** Where a new entry goes: after the last entry of `synonyms_set`, or just inside its `[`. */
  insertAt?: { offset: number; afterEntry: boolean };
  /** Offsets of every entry of `synonyms_set` (readable or not), in order. */
  entries: { start: number; end: number }[];
}

type Json =
  | { kind: 'string'; value: string; start: number; end: number; at: number[] }
  | { kind: 'object'; entries: [string, Json][]; start: number; end: number }
  | { kind: 'array'; items: Json[]; start: number; end: number }
  | { kind: 'other'; start: number; end: number };

class JsonError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** A JSON parser that keeps offsets, and for strings where each decoded character came from. */
function parseJson(text: string): Json {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const fail = (what: string): never => {
    throw new JsonError(i >= text.length ? `unexpected end of text, expected ${what}` : `unexpected ${JSON.stringify(text[i])}, expected ${what}`, i);
  };
  const value = (): Json => {
    ws();
    const start = i;
    const c = text[i];
    if (c === '"') {
      i++;
      let value = '';
      const at: number[] = [];
      for (;;) {
        if (i >= text.length) fail('a closing quote');
        const ch = text[i];
        if (ch === '"') break;
        if (ch.charCodeAt(0) < 0x20) fail('an escaped control character');
        if (ch === '\\') {
          const e = text[i + 1];
          const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
          at.push(i);
          if (e !== undefined && e in simple) {
            value += simple[e];
            i += 2;
          } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
            i += 6;
          } else {
            i++;
            fail('a valid escape');
          }
        } else {
          at.push(i);
          value += ch;
          i++;
        }
      }
      at.push(i);
      i++;
      return { kind: 'string', value, start, end: i, at };
    }
    if (c === '{') {
      i++;
      const entries: [string, Json][] = [];
      ws();
      if (text[i] === '}') return { kind: 'object', entries, start, end: ++i };
      for (;;) {
        ws();
        if (text[i] !== '"') fail('a property name');
        const key = value() as Extract<Json, { kind: 'string' }>;
        ws();
        if (text[i] !== ':') fail('":"');
        i++;
        entries.push([key.value, value()]);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') return { kind: 'object', entries, start, end: ++i };
        fail('"," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const items: Json[] = [];
      ws();
      if (text[i] === ']') return { kind: 'array', items, start, end: ++i };
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') return { kind: 'array', items, start, end: ++i };
        fail('"," or "]"');
      }
    }
    const m = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 64));
    if (!m) fail('a value');
    i += m![0].length;
    return { kind: 'other', start, end: i };
  };
  const v = value();
  ws();
  if (i < text.length) fail('the end of the text');
  return v;
}

function esProblem(id: EsProblemId, args: (string | number)[], range: Range, severity: 'error' | 'warning'): EsProblem {
  const message = ES_MESSAGES[id].replace(/\{(\d+)\}/g, (m, k: string) => (Number(k) < args.length ? String(args[Number(k)]) : m));
  return { messageId: id, message, args, range, severity };
}

/**
 * Parses a synonyms set (PUT body or GET response). Never throws: invalid JSON gets an error at
 * the offending character, refused rules get Lucene's words on the term, and every readable rule
 * is kept.
 */
export function parseEsSynonymsSet(source: string): EsSynonymsSet {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const lines = new LineIndex(text);
  const rangeOf = (start: number, end: number): Range => ({ start: lines.positionAt(start), end: lines.positionAt(end) });
  const problems: (EsProblem | SolrProblem)[] = [];
  const rules: EsRule[] = [];
  let root: Json;
  try {
    root = parseJson(text);
  } catch (e) {
    if (!(e instanceof JsonError)) throw e;
    const p = lines.positionAt(e.offset);
    problems.push(esProblem('esInvalidJson', [p.line + 1, p.character + 1, e.message], rangeOf(e.offset, Math.min(e.offset + 1, text.length)), 'error'));
    return { text, rules, problems, entries: [] };
  }
  const set = root.kind === 'object' ? root.entries.find(([k]) => k === 'synonyms_set')?.[1] : undefined;
  if (!set || set.kind !== 'array') {
    problems.push(esProblem('esNoSynonymsSet', [], rangeOf(root.start, Math.min(root.start + 1, text.length)), 'error'));
    return { text, rules, problems, entries: [] };
  }
  const last = set.items[set.items.length - 1];
  const insertAt = last ? { offset: last.end, afterEntry: true } : { offset: set.start + 1, afterEntry: false };
  for (const [entry, item] of set.items.entries()) {
    const entries = item.kind === 'object' ? item.entries : [];
    const synonyms = entries.find(([k]) => k === 'synonyms')?.[1];
    const id = entries.find(([k]) => k === 'id')?.[1];
    if (!synonyms || synonyms.kind !== 'string') {
      problems.push(esProblem('esInvalidRule', [lines.positionAt(item.start).line + 1], rangeOf(item.start, item.end), 'error'));
      continue;
    }
    // The rule is one Solr line; its offsets map back to the JSON text through `at`.
    const solr = parseSolr(synonyms.value.replace(/[\r\n]/g, ' '));
    const map = (o: number): number => synonyms.at[Math.min(o, synonyms.at.length - 1)];
    const line = lines.positionAt(synonyms.start).line;
    const moveTerm = (t: SolrTerm): SolrTerm => {
      const start = map(t.start);
      const end = t.end > t.start ? map(t.end - 1) + escapedLength(text, map(t.end - 1)) : start;
      return { text: t.text, start, end, range: rangeOf(start, end) };
    };
    for (const r of solr.rules) {
      const rule: SolrRule = {
        ...r,
        line,
        inputs: r.inputs.map(moveTerm),
        outputs: r.outputs.map(moveTerm),
        start: synonyms.start,
        end: synonyms.end,
        endWithEol: synonyms.end,
        range: rangeOf(synonyms.start, synonyms.end),
      };
      rules.push({ ...(id?.kind === 'string' ? { id: id.value } : {}), rule, start: synonyms.start, end: synonyms.end, entry });
    }
    for (const p of solr.problems) {
      // Lucene's words, with the JSON line; ranges on the term when there is one.
      const args = [line + 1, ...p.args.slice(1)];
      const message = p.message.replace(/^(Invalid synonym rule at line |Line )\d+/, `$1${line + 1}`);
      const term = p.range.start.character < p.range.end.character && p.range.start.line === 0 ? rangeOf(map(p.range.start.character), map(p.range.end.character - 1) + 1) : rangeOf(synonyms.start, synonyms.end);
      problems.push({ ...p, args, message, line, range: term });
    }
  }
  if (rules.length > ES_RULE_LIMIT) problems.push(esProblem('esTooManyRules', [rules.length, ES_RULE_LIMIT], rangeOf(set.start, set.start + 1), 'warning'));
  return { text, rules, problems, insertAt, entries: set.items.map((item) => ({ start: item.start, end: item.end })) };
}

/** Length in the JSON source of the character at `offset` (an escape is longer than one). */
function escapedLength(text: string, offset: number): number {
  if (text[offset] !== '\\') return 1;
  return text[offset + 1] === 'u' ? 6 : 2;
}

/** The edit that replaces one term of a synonyms set: Solr-escaped, then JSON-escaped. */
export function replaceEsTermEdit(term: SolrTerm, newText: string): TextEdit {
  return { start: term.start, end: term.end, newText: jsonStringBody(escapeSolrTerm(newText)) };
}

/** A Solr-format text as the body of a JSON string (what goes between its quotes). */
export function jsonStringBody(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}

/**
 * The edit that adds an entry (rule in Solr syntax) with an id not yet used (`<prefix>-<n>`): at
 * the end of the synonyms set, or right after entry `afterEntry` (an index into `set.entries`).
 * Undefined when the file has no readable `synonyms_set`.
 */
export function appendEsRuleEdit(set: EsSynonymsSet, synonyms: string, prefix = 'synonyms', afterEntry?: number): TextEdit | undefined {
  if (!set.insertAt) return undefined;
  const ids = new Set(set.rules.map((r) => r.id));
  let n = set.rules.length + 1;
  while (ids.has(`${prefix}-${n}`)) n++;
  const entry = `{ "id": ${JSON.stringify(`${prefix}-${n}`)}, "synonyms": ${JSON.stringify(synonyms)} }`;
  const after = afterEntry !== undefined ? set.entries[afterEntry] : undefined;
  const { offset, afterEntry: follows } = after ? { offset: after.end, afterEntry: true } : set.insertAt;
  return { start: offset, end: offset, newText: follows ? `,\n    ${entry}` : `\n    ${entry}\n  ` };
}

/**
 * The edits that remove entries (indices into `set.entries`) with their separating commas, so the
 * JSON stays valid and every other byte stays: a run of entries goes with the white space and comma
 * up to the next entry, or — at the end of the array — from the end of the entry before it.
 */
export function deleteEsEntriesEdits(set: EsSynonymsSet, entries: readonly number[]): TextEdit[] {
  const all = set.entries;
  const wanted = [...new Set(entries)].filter((i) => i >= 0 && i < all.length).sort((a, b) => a - b);
  const edits: TextEdit[] = [];
  for (let k = 0; k < wanted.length; ) {
    let j = k;
    while (j + 1 < wanted.length && wanted[j + 1] === wanted[j] + 1) j++;
    const first = wanted[k];
    const last = wanted[j];
    if (last + 1 < all.length) edits.push({ start: all[first].start, end: all[last + 1].start, newText: '' });
    else if (first > 0) edits.push({ start: all[first - 1].end, end: all[last].end, newText: '' });
    else edits.push({ start: all[first].start, end: all[last].end, newText: '' });
    k = j + 1;
  }
  return edits;
}

/** A synonyms set's PUT body from rules (Solr syntax) and ids; stable 2-space JSON with a final newline. */
export function formatEsSynonymsSet(rules: readonly { id: string; synonyms: string }[]): string {
  return JSON.stringify({ synonyms_set: rules.map((r) => ({ id: r.id, synonyms: r.synonyms })) }, null, 2) + '\n';
}
