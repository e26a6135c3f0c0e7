import { termsOf } from '../../core/learn/evaluate';
import { evaluationPairs } from '../../core/learn/split';
import { runEvaluate } from '../../server/learn/pipeline';
import { numberOption, openEngine } from '../options';
import { readLearningInput } from './learnCommon';

/**
 * `evaluate <labelled.csv> [--model builtin|<dir>] [--threshold 0.5] [--json]`: the metrics of a
 * model on every pair of a labelled file. A file without label-0 pairs gets sampled negatives (as
 * many as its positives, half sharing a character; seeded), reported as `sampled_negatives`.
 */
export async function runEvaluateCommand(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  const file = positionals[0]!;
  const threshold = numberOption(values.threshold, 'threshold', 0.5, [-1, 1]);
  const { pairs } = readLearningInput(file, values.format);
  const labelled = evaluationPairs(pairs);
  const engine = await openEngine(values.model);
  let out;
  try {
    const terms = [...new Set([...termsOf(labelled.pairs), ...labelled.pairs.flatMap((p) => [p.a, p.b])])];
    const vectors = await engine.embed(terms);
    out = runEvaluate(
      { kind: 'evaluate', pairs: labelled.pairs, terms, vectors, threshold },
      { token: { isCancellationRequested: false }, onProgress: () => undefined },
    );
  } finally {
    await engine.dispose();
  }
  if (values.json) {
    process.stdout.write(JSON.stringify({ ...out.evaluation, model: engine.id, sampled_negatives: labelled.sampled }, null, 2) + '\n');
  } else {
    const note = labelled.sampled ? ` (+ ${labelled.sampled} sampled negatives: the file has no label-0 pair)` : '';
    process.stdout.write(`${file}: ${pairs.length} pairs${note} · model ${engine.id}\n\n${out.markdown}`);
  }
  return 0;
}
