import { evaluationThreshold } from '../../runtime/learn/options';
import { evaluate } from '../../runtime/learn/services';
import { numberOption, openEngine } from '../options';
import { cliOptionError, learningFailure, readLearningInput } from './learnCommon';
import { writeHuman } from '../output';

/**
 * `evaluate <labelled.csv> [--model builtin|<dir>] [--threshold 0.5] [--json]`: the metrics of a
 * model on every pair of a labelled file. A file without label-0 pairs gets sampled negatives (as
 * many as its positives, half sharing a character; seeded), reported as `sampled_negatives`.
 */
export async function runEvaluateCommand(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  const file = positionals[0]!;
  const threshold = cliOptionError(() => evaluationThreshold(values.threshold === undefined ? undefined : numberOption(values.threshold, 'threshold', 0.5)));
  const { text, pairs } = readLearningInput(file, values.format);
  const engine = await openEngine(values.model);
  let out;
  try {
    out = await evaluate({ text, model: { engine, id: engine.id }, threshold });
  } catch (e) {
    return learningFailure(e, 'evaluating');
  } finally {
    await engine.dispose();
  }
  if (values.json) {
    process.stdout.write(JSON.stringify({ ...out.evaluation, model: engine.id, sampled_negatives: out.sampledNegatives }, null, 2) + '\n');
  } else {
    const note = out.sampledNegatives ? ` (+ ${out.sampledNegatives} sampled negatives: the file has no label-0 pair)` : '';
    writeHuman(`${file}: ${pairs.length} pairs${note} · model ${engine.id}\n\n${out.markdown}`);
  }
  return 0;
}
