/**
 * The language ids of the dictionaries Synonym Lens reads: its CSV, Solr synonym files
 * (`*.synonyms.txt`, `synonyms*.txt`) and Elasticsearch synonyms sets (`*.synonyms.json`).
 * Files matched by the `synonymLens.files` globs are read by extension (`.txt` Solr, `.json` ES).
 */
export const DICTIONARY_LANGUAGES = ['synonym-csv', 'synonym-solr', 'synonym-es'] as const;

export function isDictionaryLanguage(id: string): boolean {
  return (DICTIONARY_LANGUAGES as readonly string[]).includes(id);
}
