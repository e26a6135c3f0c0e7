import { exportSynonyms, EXPORT_FORMATS, type ExportFormat } from '../../core/export';
import { CliError } from '../errors';
import { inputFormat, readDictionary } from '../dictionaryInput';
import { writeFileAtomic } from '../output';

/** `export <file.csv> --format solr|solr-explicit|es-synonyms-api [--out file] [--set name]`. */
export async function runExport(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  const format = (values.format ?? 'solr') as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) throw new CliError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, got '${String(format)}'`);
  const setName = typeof values.set === 'string' ? values.set : 'synonyms';
  if (!/^[A-Za-z0-9_.-]+$/.test(setName)) throw new CliError(`--set must be a synonyms set name (letters, digits, '_', '-', '.'), got '${setName}'`);
  const { dict } = readDictionary(positionals[0], inputFormat(positionals[0], values.from, 'from'), 'exporting');
  const result = exportSynonyms(dict, format, setName);
  if (typeof values.out === 'string') {
    writeFileAtomic(values.out, result.text);
    process.stderr.write(`wrote ${result.rules} rules to ${values.out}\n`);
  } else {
    process.stdout.write(result.text);
  }
  // Warnings come after the output is safely written, so a failed write is the only message.
  for (const w of result.warnings) process.stderr.write(`synonym-lens: warning: ${w}\n`);
  return 0;
}
