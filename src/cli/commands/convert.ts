import { convertDictionary, DICTIONARY_FORMATS, type DictionaryFormat } from '../../core/formats/dictionary';
import { inputFormat, readDictionary } from '../dictionaryInput';
import { CliError } from '../errors';
import { writeFileAtomic } from '../output';

/**
 * `convert <in> --to csv|solr|es [--from f] [--set name] [--out file]`: the same pairs with their
 * directions in another format (label-0 rows, which no search engine format can say, are counted).
 */
export async function runConvert(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  const file = positionals[0];
  const to = values.to;
  if (typeof to !== 'string' || !(DICTIONARY_FORMATS as readonly string[]).includes(to)) {
    throw new CliError(`--to must be one of ${DICTIONARY_FORMATS.join(', ')}${to === undefined ? '' : `, got '${String(to)}'`}`);
  }
  const setName = typeof values.set === 'string' ? values.set : 'synonyms';
  if (!/^[A-Za-z0-9_.-]+$/.test(setName)) throw new CliError(`--set must be a synonyms set name (letters, digits, '_', '-', '.'), got '${setName}'`);
  const { dict } = readDictionary(file, inputFormat(file, values.from, 'from'), 'converting');
  const result = convertDictionary(dict, to as DictionaryFormat, setName);
  if (typeof values.out === 'string') {
    writeFileAtomic(values.out, result.text);
    process.stderr.write(`wrote ${result.rules} ${to === 'csv' ? 'rows' : 'rules'} to ${values.out}\n`);
  } else {
    process.stdout.write(result.text);
  }
  for (const w of result.warnings) process.stderr.write(`synonym-lens: warning: ${w}\n`);
  return 0;
}
