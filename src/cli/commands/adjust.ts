import type { AdjustOutput } from '../../runtime/learn/jobs';
import { adjustMethod } from '../../runtime/learn/options';
import { adjust, resolveBaseModel } from '../../runtime/learn/services';
import { writeHuman } from '../output';
import { openEngine } from '../options';
import { cliOptionError, interruptSignal, learningFailure, outOption, readLearningInput } from './learnCommon';

/**
 * `adjust <file.csv> --out <dir> [--method seed|retrofit|counterfit] [--model builtin|<dir>] [--json]`:
 * moves the vectors of the dictionary's terms and writes them as a model folder over the base
 * model (only dictionary terms change). Ctrl-C cancels and writes nothing (exit 130).
 */
export async function runAdjust(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  const file = positionals[0]!;
  const method = cliOptionError(() => adjustMethod(values.method));
  const out = outOption(values.out);
  const { text } = readLearningInput(file, values.format);
  // `builtin`, an absolute folder (char-n-gram or transformer) or a resolved `org/name`: what the
  // adjusted folder's config.json records as its base, so it loads from any working directory.
  const spec = cliOptionError(() => resolveBaseModel(values.model as string | undefined)).spec;
  const engine = await openEngine(spec);
  const interrupt = interruptSignal();
  let result: AdjustOutput;
  try {
    result = await adjust({ text, method, model: { engine, id: engine.id, spec }, dest: out }, { signal: interrupt.signal });
  } catch (e) {
    return learningFailure(e, 'adjusting');
  } finally {
    interrupt.dispose();
    await engine.dispose();
  }
  if (values.json) {
    process.stdout.write(JSON.stringify({ model_dir: out, method, base_model: engine.id, terms: result.terms, moved_terms: result.movedTerms }, null, 2) + '\n');
  } else {
    writeHuman(`${method}: moved ${result.movedTerms} of ${result.terms} dictionary terms (other terms keep the ${engine.id} vectors)\nwrote ${out}\n`);
  }
  return 0;
}
