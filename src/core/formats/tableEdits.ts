/**
 * The table editor's edits on a Solr file or an Elasticsearch synonyms set, as minimal text edits
 * in the file's own syntax: change a term (its bytes only), add a term to a rule (`, term` after
 * its last term), remove a term (with one separator), add a rule, delete rules. Comments, order,
 * spacing and escapes of everything else stay byte-identical. Offsets are UTF-16 offsets in
 * `dict.text` (the text without a byte order mark), as for the CSV's row edits.
 */
import type { TextEdit } from '../csv/serialize';
import type { ParsedDictionary } from './dictionary';
import { appendEsRuleEdit, deleteEsEntriesEdits, jsonStringBody, parseEsSynonymsSet, replaceEsTermEdit } from './es';
import { appendSolrRuleEdit, appendSolrTermEdit, deleteSolrRuleEdit, formatSolrRule, insertSolrRuleEdit, javaTrim, removeSolrTermEdit, replaceSolrTermEdit, ruleTerms, type SolrRule } from './solr';

/** Why an edit cannot be made in the file's syntax. */
export type RuleEditProblem =
  /** No rule at that row. */
  | 'noRule'
  /** The rule's line ends with a lone backslash, which would escape the new separator. */
  | 'danglingEscape'
  /** The term is the only one on its side of the rule. */
  | 'lastTerm'
  /** A new rule needs at least one term. */
  | 'noTerm'
  /** The synonyms set has no readable `synonyms_set` array to add to. */
  | 'noSynonymsSet';

export class RuleEditError extends Error {
  constructor(
    readonly problem: RuleEditProblem,
    /** 1-based line of the rule, when there is one. */
    readonly line?: number,
  ) {
    super(`cannot edit the rule${line === undefined ? '' : ` on line ${line}`}: ${problem}`);
    this.name = 'RuleEditError';
  }
}

/** A term as the engine reads it from a table cell: line breaks become spaces, edges trimmed. */
function termOfCell(value: string): string {
  return javaTrim(value.replace(/[\r\n]+/g, ' '));
}

function ruleAt(parsed: ParsedDictionary, row: number): SolrRule {
  const rule = parsed.rules?.[row];
  if (!rule) throw new RuleEditError('noRule');
  return rule;
}

/**
 * Sets term `column` (inputs then outputs, as the table's cells) of rule `row` to `value`: replaces
 * that term's bytes, removes the term when `value` is empty, or — for a column past the rule's last
 * term — adds `value` at the end of the rule. No edit when nothing changes.
 */
export function ruleTermEdits(parsed: ParsedDictionary, row: number, column: number, value: string): TextEdit[] {
  const rule = ruleAt(parsed, row);
  const es = parsed.format === 'es';
  const terms = ruleTerms(rule);
  const term = termOfCell(value);
  const line = rule.line + 1;
  if (column < terms.length) {
    const old = terms[column];
    if (term === old.text) return [];
    if (term === '') {
      const edit = removeSolrTermEdit(rule, column);
      if (!edit) throw new RuleEditError('lastTerm', line);
      return [edit];
    }
    return [es ? replaceEsTermEdit(old, term) : replaceSolrTermEdit(old, term)];
  }
  if (term === '') return [];
  const edit = appendSolrTermEdit(rule, term, es ? jsonStringBody : undefined);
  if (!edit) throw new RuleEditError(rule.danglingEscape ? 'danglingEscape' : 'noRule', line);
  return [edit];
}

/**
 * Adds an equivalent rule of the non-empty `values` after rule `afterRow` (omitted: at the end of
 * the file or set).
 */
export function insertRuleEdits(parsed: ParsedDictionary, values: readonly string[], afterRow?: number): TextEdit[] {
  const terms = values.map(termOfCell).filter((t) => t !== '');
  if (terms.length === 0) throw new RuleEditError('noTerm');
  const { dict } = parsed;
  if (parsed.format === 'es') {
    const set = parseEsSynonymsSet(dict.text);
    const after = afterRow !== undefined ? set.rules[afterRow]?.entry : undefined;
    const edit = appendEsRuleEdit(set, formatSolrRule(terms), undefined, after);
    if (!edit) throw new RuleEditError('noSynonymsSet');
    return [edit];
  }
  if (afterRow !== undefined && dict.rows[afterRow]) return [insertSolrRuleEdit(dict, afterRow, terms)];
  return [appendSolrRuleEdit({ text: dict.text, eol: dict.eol }, terms)];
}

/** Deletes rules `rows` (any order, duplicates ignored): a Solr rule's line, a set's entry. */
export function deleteRuleEdits(parsed: ParsedDictionary, rows: readonly number[]): TextEdit[] {
  const unique = [...new Set(rows)].sort((a, b) => a - b);
  if (parsed.format === 'es') {
    const set = parseEsSynonymsSet(parsed.dict.text);
    return deleteEsEntriesEdits(set, unique.map((r) => set.rules[r]?.entry ?? -1));
  }
  return unique.map((r) => deleteSolrRuleEdit(ruleAt(parsed, r)));
}
