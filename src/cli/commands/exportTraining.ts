/**
 * `export-training <dict> --format flagembedding|sentence-transformers --out <file>`: the
 * dictionary as training data for FlagEmbedding or sentence-transformers, with hard negatives
 * (rejected pairs, then the current model's nearest non-synonyms). Written atomically.
 */
import { CancelledError } from '../../core/cancellation';
import { TRAINING_FORMATS, type TrainingFormat } from '../../core/trainingData';
import { buildTrainingData } from '../../runtime/learn/trainingData';
import { CliError } from '../errors';
import { readDecisionsOption } from '../decisionsInput';
import { inputFormat, readDictionary } from '../dictionaryInput';
import { intOption, openEngine } from '../options';
import { writeFileAtomic, writeHuman } from '../output';
import { EXIT_CANCELLED, interruptSignal } from './learnCommon';

export async function runExportTraining(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  const dictFile = positionals[0]!;
  const format = values.format;
  if (typeof format !== 'string' || !(TRAINING_FORMATS as readonly string[]).includes(format)) {
    throw new CliError(`--format must be one of ${TRAINING_FORMATS.join(', ')}${format === undefined ? '' : `, got '${String(format)}'`}`);
  }
  if (typeof values.out !== 'string' || values.out.trim() === '') throw new CliError(`'export-training' needs --out <file>`);
  const negatives = intOption(values.negatives, 'negatives', 7);
  const { dict } = readDictionary(dictFile, inputFormat(dictFile, values.from, 'from'), 'exporting');
  if (!dict.pairs.some((p) => p.label === 1)) throw new CliError(`'${dictFile}' has no synonym pair (label 1) to train on`);
  const decisions = readDecisionsOption(dictFile, values.decisions);
  const engine = await openEngine(values.model);
  const interrupt = interruptSignal();
  try {
    const flag = { get isCancellationRequested() { return interrupt.signal.aborted; } };
    const result = await buildTrainingData(engine, dict, decisions, format as TrainingFormat, negatives, flag);
    writeFileAtomic(values.out, result.text);
    const summary = {
      format,
      out: values.out,
      model: engine.id,
      examples: result.examples.length,
      negatives: { rejected: result.rejectedNegatives, mined: result.minedNegatives },
    };
    if (values.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    else
      writeHuman(
        `wrote ${values.out}: ${result.examples.length} queries, ${result.rejectedNegatives} rejected and ${result.minedNegatives} mined negatives (${engine.id})\n`,
      );
    return 0;
  } catch (e) {
    if (e instanceof CancelledError) {
      process.stderr.write('synonym-lens: export-training cancelled; nothing was written\n');
      return EXIT_CANCELLED;
    }
    throw e;
  } finally {
    interrupt.dispose();
    await engine.dispose();
  }
}
