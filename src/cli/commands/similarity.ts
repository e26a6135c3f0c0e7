import { cosine } from '../../core/vectors';
import { formatCosine } from '../../core/scoring';
import { openEngine } from '../options';

/** `similarity <a> <b>`: the cosine of two terms. */
export async function runSimilarity(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  const [a, b] = positionals;
  const engine = await openEngine(values.model);
  try {
    const [va, vb] = await engine.embed([a, b]);
    const c = cosine(va, vb);
    if (values.json) process.stdout.write(JSON.stringify({ a, b, cosine: round(c), model: engine.id }) + '\n');
    else process.stdout.write(`${formatCosine(c)}\n`);
    return 0;
  } finally {
    await engine.dispose();
  }
}

/** Rounds a cosine for JSON output: 6 decimals is well beyond float32 agreement between runtimes. */
export function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
