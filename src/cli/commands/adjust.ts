import { ADJUST_METHODS, type AdjustMethod } from '../../core/learn/adjust';
import { termsOf } from '../../core/learn/evaluate';
import type { AdjustOutput } from '../../server/learn/pipeline';
import { runToFolder, stagingFor } from '../../server/learn/runner';
import { CliError } from '../errors';
import { openEngine } from '../options';
import { baseModelOption, interruptSignal, learningFailure, outOption, readLearningInput } from './learnCommon';

/**
 * `adjust <file.csv> --out <dir> [--method seed|retrofit|counterfit] [--model builtin|<dir>] [--json]`:
 * moves the vectors of the dictionary's terms and writes them as a model folder over the base
 * model (only dictionary terms change). Ctrl-C cancels and writes nothing (exit 130).
 */
export async function runAdjust(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  const file = positionals[0]!;
  const method = (values.method ?? 'retrofit') as AdjustMethod;
  if (!ADJUST_METHODS.includes(method)) throw new CliError(`--method must be one of ${ADJUST_METHODS.join(', ')}, got '${String(method)}'`);
  const out = outOption(values.out);
  const { text, pairs } = readLearningInput(file, values.format);
  // `builtin`, an absolute folder (char-n-gram or transformer) or a resolved `org/name`: what the
  // adjusted folder's config.json records as its base, so it loads from any working directory.
  const spec = baseModelOption(values.model).spec;
  const engine = await openEngine(spec);
  const interrupt = interruptSignal();
  let result: AdjustOutput;
  try {
    const terms = termsOf(pairs);
    const vectors = await engine.embed(terms, { get isCancellationRequested() { return interrupt.signal.aborted; } });
    result = await runToFolder<AdjustOutput>(
      {
        kind: 'adjust',
        text,
        method,
        terms,
        vectors,
        stagingDir: stagingFor(out),
        base: { spec, id: engine.id, fingerprint: engine.fingerprint, dimension: engine.dimension },
      },
      out,
      { signal: interrupt.signal },
    );
  } catch (e) {
    return learningFailure(e, 'adjusting');
  } finally {
    interrupt.dispose();
    await engine.dispose();
  }
  if (values.json) {
    process.stdout.write(JSON.stringify({ model_dir: out, method, base_model: engine.id, terms: result.terms, moved_terms: result.movedTerms }, null, 2) + '\n');
  } else {
    process.stdout.write(`${method}: moved ${result.movedTerms} of ${result.terms} dictionary terms (other terms keep the ${engine.id} vectors)\nwrote ${out}\n`);
  }
  return 0;
}
