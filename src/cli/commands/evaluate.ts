import { existsSync } from 'node:fs';
import path from 'node:path';
import { evaluationThreshold } from '../../runtime/learn/options';
import { evaluate, type EvaluationOutcome } from '../../runtime/learn/services';
import { numberOption, openEngine } from '../options';
import { cliOptionError, learningFailure, readLearningInput } from './learnCommon';
import { writeHuman } from '../output';

/**
 * `evaluate <labelled.csv> [--model builtin|<dir>] [--threshold 0.5] [--held-out] [--json]`: the
 * metrics of a model on every pair of a labelled file. A file without label-0 pairs gets sampled
 * negatives (as many as its positives, half sharing a character; seeded), reported as
 * `sampled_negatives`. When the model was fine-tuned on this file (or on most of its pairs) the
 * output says so first; `--held-out` then evaluates the held-out side of the model's own split.
 */
export async function runEvaluateCommand(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  const file = positionals[0]!;
  const threshold = cliOptionError(() => evaluationThreshold(values.threshold === undefined ? undefined : numberOption(values.threshold, 'threshold', 0.5)));
  const { text, pairs } = readLearningInput(file, values.format);
  const engine = await openEngine(values.model);
  // A model folder records its training file: the evaluation may then be on data it learned.
  const modelDir = typeof values.model === 'string' && existsSync(path.resolve(values.model)) ? path.resolve(values.model) : undefined;
  let out;
  try {
    out = await evaluate({ text, model: { engine, id: engine.id }, threshold, modelDir, heldOut: values['held-out'] === true });
  } catch (e) {
    return learningFailure(e, 'evaluating');
  } finally {
    await engine.dispose();
  }
  if (values.json) {
    const training = out.training && { kind: out.training.kind, pairs: out.training.pairs, trained_pairs: out.training.trainedPairs, training_file: out.training.trainingFile, held_out_available: out.training.heldOutAvailable };
    process.stdout.write(JSON.stringify({ ...out.evaluation, model: engine.id, sampled_negatives: out.sampledNegatives, ...(training ? { training } : {}), ...(out.heldOut ? { held_out: true } : {}) }, null, 2) + '\n');
  } else {
    const note = out.sampledNegatives ? ` (+ ${out.sampledNegatives} sampled negatives${out.heldOut ? '' : ': the file has no label-0 pair'})` : '';
    const scope = out.heldOut ? `${out.pairs - out.sampledNegatives} held-out pairs of ${pairs.length}` : `${pairs.length} pairs`;
    writeHuman(`${trainingWarning(out)}${file}: ${scope}${note} · model ${engine.id}\n\n${out.markdown}`);
  }
  return 0;
}

/** The warning printed above the metrics when the model was trained on the evaluated pairs (empty otherwise). */
export function trainingWarning(out: Pick<EvaluationOutcome, 'training'>): string {
  const t = out.training;
  if (!t) return '';
  const what =
    t.kind === 'same-file'
      ? `this file is the model's training file: ${t.trainedPairs} of its ${t.pairs} pairs were trained on`
      : `${t.trainedPairs} of the ${t.pairs} pairs are pairs the model was trained on${t.trainingFile ? ` (from ${t.trainingFile})` : ''}`;
  const instead = t.heldOutAvailable ? ' Run with --held-out to evaluate the pairs it did not train on.' : ' Evaluate on a file the model was not trained on.';
  return `WARNING: ${what}, so these metrics overstate how well it scores new pairs.${instead}\n\n`;
}
