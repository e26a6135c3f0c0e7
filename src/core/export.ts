/**
 * Exports a dictionary in the formats search engines read: Solr/Elasticsearch synonym files and
 * the Elasticsearch Synonyms API request body. Only label-1 pairs are exported — no synonym format
 * can say "these are explicitly not synonyms", so label-0 rows are left out (and counted).
 */
import type { Dictionary } from './csv/types';
import { synonymGroups } from './dictionary';
import { dictionaryRules } from './formats/dictionary';
import { escapeSolrTerm, formatSolrRule } from './formats/solr';

export type ExportFormat = 'solr' | 'solr-explicit' | 'es-synonyms-api';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['solr', 'solr-explicit', 'es-synonyms-api'];

/** Elasticsearch's Synonyms API takes at most 10,000 rules in one PUT request. */
export const ES_SYNONYMS_API_RULE_LIMIT = 10_000;

export interface ExportResult {
  text: string;
  /** Number of synonym rules written. */
  rules: number;
  /** Things the user should know (label-0 rows left out, size limits). */
  warnings: string[];
}

export { escapeSolrTerm } from './formats/solr';

/** One Solr rule per synonym group: `a, b, c` (equivalence) or `b, c => a` (explicit mapping). */
function solrRules(groups: string[][], explicit: boolean): string[] {
  return groups.map((g) => {
    const [standard, ...variants] = g.map(escapeSolrTerm);
    return explicit ? `${variants.join(', ')} => ${standard}` : [standard, ...variants].join(', ');
  });
}

/**
 * Exports the dictionary's synonym groups (connected components of the label-1 pairs). In a group,
 * the standard term is the first term of the first row that formed it; `solr-explicit` maps every
 * other member to it. `es-synonyms-api` is the JSON body of `PUT _synonyms/<set>` with Solr-format
 * rules and stable ids (`<set>-<n>`, in group order).
 */
export function exportSynonyms(dict: Dictionary, format: ExportFormat, setName = 'synonyms'): ExportResult {
  // One-way pairs keep their direction: they are explicit rules in every format, never grouped.
  const groups = synonymGroups(dict.pairs.filter((p) => !p.oneWay));
  const oneWay = dictionaryRules({ ...dict, pairs: dict.pairs.filter((p) => p.oneWay) }).map((r) => formatSolrRule(r.inputs, r.outputs));
  const negatives = dict.pairs.filter((p) => p.label === 0).length;
  const warnings: string[] = [];
  if (negatives) warnings.push(`${negatives} label-0 pair${negatives === 1 ? '' : 's'} left out: synonym formats cannot express "not a synonym"`);
  if (format === 'es-synonyms-api') {
    const rules = [...solrRules(groups, false), ...oneWay];
    if (rules.length > ES_SYNONYMS_API_RULE_LIMIT) {
      warnings.push(`${rules.length} rules exceed the ${ES_SYNONYMS_API_RULE_LIMIT} rules one Synonyms API request takes; split the set or use a synonyms file`);
    }
    const body = { synonyms_set: rules.map((synonyms, i) => ({ id: `${setName}-${i + 1}`, synonyms })) };
    return { text: JSON.stringify(body, null, 2) + '\n', rules: rules.length, warnings };
  }
  const rules = [...solrRules(groups, format === 'solr-explicit'), ...oneWay];
  const header = `# Synonyms exported by Synonym Lens: ${rules.length} rule${rules.length === 1 ? '' : 's'}, ${format === 'solr' ? 'equivalence groups' : 'explicit mappings to the standard term'}\n`;
  return { text: header + rules.map((r) => r + '\n').join(''), rules: rules.length, warnings };
}
