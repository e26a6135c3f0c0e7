/**
 * One dictionary model over three file formats: the CSV (term,synonym[,label]), Solr synonym
 * files and Elasticsearch synonyms sets. A Solr or ES file becomes a `Dictionary` whose rows are
 * its rules and whose cells are its terms (exact source ranges), so every feature that reads a
 * `Dictionary` — diagnostics, hovers, inlay hints, scoring, evaluation, fine-tuning — reads these
 * files too. Pairs keep direction: an explicit rule `a, b => c` gives the one-way pairs a → c and
 * b → c; an equivalent rule `a, b, c` gives the two-way pairs a ~ b and a ~ c (its first term
 * with each other one, as a CSV row does; the group is the same).
 *
 * Conversions keep pairs and directions: CSV → Solr → ES → CSV yields the same pairs. Label-0 CSV
 * rows are the one thing a search engine format cannot say; they are left out and counted.
 */
import { formatMessage, PROBLEM_MESSAGES } from '../csv/messages';
import { parseDictionary, ONE_WAY_LABEL } from '../csv/parse';
import { formatRecord } from '../csv/serialize';
import type { Cell, Dictionary, Pair, Problem, Row } from '../csv/types';
import { appendEsRuleEdit, ES_RULE_LIMIT, formatEsSynonymsSet, parseEsSynonymsSet, type EsProblem } from './es';
import { appendSolrRuleEdit, formatSolrRule, insertSolrRuleEdit, parseSolr, type SolrProblem, type SolrRule } from './solr';
import type { TextEdit } from '../csv/serialize';

export type DictionaryFormat = 'csv' | 'solr' | 'es';
export const DICTIONARY_FORMATS: readonly DictionaryFormat[] = ['csv', 'solr', 'es'];

/** The format a file name says: `.json` is a synonyms set, `.txt` a Solr file, anything else CSV. */
export function formatOfPath(path: string): DictionaryFormat {
  if (/\.json$/i.test(path)) return 'es';
  if (/\.txt$/i.test(path)) return 'solr';
  return 'csv';
}

/**
 * The format of an editor document: by its language id (`synonym-csv`, `synonym-solr`,
 * `synonym-es`), else by its file name (a file matched by the `synonymLens.files` globs).
 */
export function formatOfDocument(languageId: string, path: string): DictionaryFormat {
  if (languageId === 'synonym-solr') return 'solr';
  if (languageId === 'synonym-es') return 'es';
  if (languageId === 'synonym-csv') return 'csv';
  return formatOfPath(path);
}

/** A dictionary and, for Solr and ES files, the rules it was read from (row i is `rules[i]`). */
export interface ParsedDictionary {
  format: DictionaryFormat;
  dict: Dictionary;
  rules?: SolrRule[];
  /** ES rule ids, by row (undefined where an entry has none). */
  ids?: (string | undefined)[];
}

/** Parses a text in the given format. Never throws; problems are in `dict.problems`. */
export function parseAnyDictionary(text: string, format: DictionaryFormat): ParsedDictionary {
  if (format === 'csv') return { format, dict: parseDictionary(text) };
  if (format === 'solr') {
    const file = parseSolr(text);
    return { format, dict: rulesToDictionary(file.text, file.bom, file.eol, file.rules, file.problems), rules: file.rules };
  }
  const set = parseEsSynonymsSet(text);
  const kept = set.rules;
  const bom = text.charCodeAt(0) === 0xfeff;
  const dict = rulesToDictionary(
    set.text,
    bom,
    /\r\n/.test(set.text) ? '\r\n' : '\n',
    kept.map((r) => r.rule),
    set.problems,
  );
  return { format, dict, rules: kept.map((r) => r.rule), ids: kept.map((r) => r.id) };
}

function toProblem(p: SolrProblem | EsProblem): Problem {
  const code = p.messageId.startsWith('es') ? 'synonym-set' : 'synonym-rule';
  return { code, messageId: p.messageId, message: formatMessage(PROBLEM_MESSAGES[p.messageId], p.args), args: p.args, range: p.range, severity: p.severity };
}

/** Rows, cells and pairs of Solr rules (refused rules keep their row but give no pairs). */
function rulesToDictionary(text: string, bom: boolean, eol: '\n' | '\r\n', rules: readonly SolrRule[], problems: readonly (SolrProblem | EsProblem)[]): Dictionary {
  const rows: Row[] = [];
  const pairs: Pair[] = [];
  rules.forEach((rule, index) => {
    const terms = [...rule.inputs, ...rule.outputs];
    const cells: Cell[] = terms.map((t, column) => ({
      raw: text.slice(t.start, t.end),
      text: t.text,
      quoted: false,
      column,
      range: t.range,
      start: t.start,
      end: t.end,
    }));
    const row: Row = { index, cells, synonyms: cells.slice(1), range: rule.range, start: rule.start, end: rule.end, endWithEol: rule.endWithEol, label: 1 };
    if (cells[0]) row.term = cells[0];
    rows.push(row);
    if (rule.refused) return;
    if (rule.kind === 'equivalent') {
      for (const b of cells.slice(1)) pairs.push({ a: cells[0], b, label: 1, row: index });
    } else {
      const inputs = cells.slice(0, rule.inputs.length);
      // Pair order is by synonym column: each output in turn, with every input.
      for (const b of cells.slice(rule.inputs.length)) for (const a of inputs) pairs.push({ a, b, label: 1, row: index, oneWay: true });
    }
  });
  return { text, bom, eol, rows, pairs, problems: problems.map(toProblem) };
}

export interface ConvertResult {
  text: string;
  /** Rules (Solr, ES) or rows (CSV) written. */
  rules: number;
  /** What the target format cannot say (label-0 pairs), in English. */
  warnings: string[];
}

/**
 * Rules that say a dictionary's label-1 pairs with their directions: for each row, its two-way
 * pairs as one equivalent rule (`a, b, c` from the term and its synonyms) and its one-way pairs as
 * one explicit rule per left-hand term (`a => b, c`).
 */
export function dictionaryRules(dict: Dictionary): { inputs: string[]; outputs?: string[] }[] {
  const out: { inputs: string[]; outputs?: string[] }[] = [];
  let i = 0;
  const pairs = dict.pairs;
  while (i < pairs.length) {
    const row = pairs[i].row;
    let j = i;
    while (j < pairs.length && pairs[j].row === row) j++;
    const rowPairs = pairs.slice(i, j).filter((p) => p.label === 1);
    const twoWay = rowPairs.filter((p) => !p.oneWay);
    const byTerm = new Map<string, Pair[]>();
    for (const p of twoWay) byTerm.set(p.a.text, [...(byTerm.get(p.a.text) ?? []), p]);
    for (const [a, ps] of byTerm) out.push({ inputs: [a, ...ps.map((p) => p.b.text)] });
    const oneWay = new Map<string, string[]>();
    for (const p of rowPairs.filter((q) => q.oneWay)) oneWay.set(p.a.text, [...(oneWay.get(p.a.text) ?? []), p.b.text]);
    for (const [a, bs] of oneWay) out.push({ inputs: [a], outputs: bs });
    i = j;
  }
  return out;
}

/**
 * Writes a dictionary in another format, keeping every label-1 pair and its direction. CSV output
 * is one pair per row (`term,synonym,label`, label `1` or `=>` for one-way); Solr output one rule
 * per row's pairs; ES output the PUT body with ids `<setName>-<n>`, or the source's own ids when
 * `ids` are given for its rows.
 */
export function convertDictionary(dict: Dictionary, to: DictionaryFormat, setName = 'synonyms'): ConvertResult {
  const negatives = dict.pairs.filter((p) => p.label === 0).length;
  const warnings: string[] = [];
  if (negatives && to !== 'csv') warnings.push(`${negatives} label-0 pair${negatives === 1 ? '' : 's'} left out: synonym formats cannot express "not a synonym"`);
  if (to === 'csv') {
    const eol = dict.eol;
    const rows = dict.pairs.map((p) => formatRecord([p.a.text, p.b.text, p.oneWay ? ONE_WAY_LABEL : String(p.label)]));
    return { text: ['term,synonym,label', ...rows].map((r) => r + eol).join(''), rules: rows.length, warnings };
  }
  const rules = dictionaryRules(dict).map((r) => formatSolrRule(r.inputs, r.outputs));
  if (to === 'solr') return { text: rules.map((r) => r + dict.eol).join(''), rules: rules.length, warnings };
  if (rules.length > ES_RULE_LIMIT) warnings.push(`${rules.length} rules exceed the ${ES_RULE_LIMIT} rules one synonyms set takes; split the set`);
  return { text: formatEsSynonymsSet(rules.map((synonyms, i) => ({ id: `${setName}-${i + 1}`, synonyms }))), rules: rules.length, warnings };
}

/**
 * A dictionary's text as the CSV the learning pipeline reads: a CSV as it is; a Solr or ES file's
 * accepted rules as `term,synonym,label` rows (one-way pairs labelled `=>`).
 */
export function learningCsv(text: string, format: DictionaryFormat): string {
  return format === 'csv' ? text : convertDictionary(parseAnyDictionary(text, format).dict, 'csv').text;
}

/**
 * The edit that adds a two-way pair to a Solr file or an ES synonyms set in the file's own syntax:
 * a rule `term, synonym` after row `afterRow` (Solr) or at the end; a new entry at the end of the
 * set (ES). Undefined for an ES file whose `synonyms_set` cannot be read.
 */
export function addRuleEdit(format: 'solr' | 'es', dict: Dictionary, term: string, synonym: string, afterRow?: number): TextEdit | undefined {
  if (format === 'es') return appendEsRuleEdit(parseEsSynonymsSet(dict.text), formatSolrRule([term, synonym]));
  if (afterRow !== undefined && dict.rows[afterRow]) return insertSolrRuleEdit(dict, afterRow, [term, synonym]);
  return appendSolrRuleEdit({ text: dict.text, eol: dict.eol }, [term, synonym]);
}
