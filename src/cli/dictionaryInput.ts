/**
 * Reads a dictionary in any of the formats Synonym Lens knows — its CSV, a Solr synonyms file or
 * an Elasticsearch synonyms set — by file name (`.txt` Solr, `.json` ES, else CSV) or by an
 * explicit `--format`/`--from`. Errors (a CSV error, a rule Lucene refuses, invalid JSON) stop the
 * command with the first one's place and words.
 */
import { DICTIONARY_FORMATS, learningCsv, formatOfPath, parseAnyDictionary, type DictionaryFormat, type ParsedDictionary } from '../core/formats/dictionary';
import { CliError } from './errors';
import { readTextFile } from './input';

/** The format of an input: the option when given (`csv`, `solr` or `es`), else by file name. */
export function inputFormat(file: string, option: unknown, name = 'format'): DictionaryFormat {
  if (option === undefined) return formatOfPath(file);
  if (typeof option !== 'string' || !(DICTIONARY_FORMATS as readonly string[]).includes(option)) {
    throw new CliError(`--${name} must be one of ${DICTIONARY_FORMATS.join(', ')}, got '${String(option)}'`);
  }
  return option as DictionaryFormat;
}

const NOUN: Record<DictionaryFormat, string> = { csv: 'CSV', solr: 'synonym rule', es: 'synonyms set' };

/** Parses a dictionary file; `what` says what the errors stop ("exporting", "converting"). */
export function readDictionary(file: string, format: DictionaryFormat, what = 'continuing'): ParsedDictionary {
  const parsed = parseAnyDictionary(readTextFile(file), format);
  const errors = parsed.dict.problems.filter((p) => p.severity === 'error');
  if (errors.length) {
    const p = errors[0];
    const noun = NOUN[format];
    throw new CliError(`'${file}' has ${errors.length} ${noun} error${errors.length === 1 ? '' : 's'}; fix them before ${what} (line ${p.range.start.line + 1}: ${p.message})`);
  }
  return parsed;
}

/**
 * The text the learning pipeline reads (a dictionary CSV): the file itself when it is a CSV, else
 * its pairs written as one (`term,synonym,label`, one-way pairs labelled `=>`).
 */
export function learningText(file: string, format: DictionaryFormat): string {
  if (format === 'csv') return readTextFile(file);
  readDictionary(file, format, 'training');
  return learningCsv(readTextFile(file), format);
}
