import { parseDictionary } from '../../core/csv/parse';
import { uniqueTerms, termKey } from '../../core/dictionary';
import { KnnIndex } from '../../core/knn';
import { formatCosine } from '../../core/scoring';
import { CliError } from '../errors';
import { writeHuman } from '../output';
import { readTextFile } from '../input';
import { intOption, openEngine } from '../options';
import { round } from './similarity';

/**
 * Reads a vocabulary: a synonym dictionary (a `.csv` file, every distinct term) or a plain list
 * with one term per line (blank lines and `#` comments skipped).
 */
export function readVocabulary(file: string): string[] {
  const text = readTextFile(file);
  if (/\.csv$/i.test(file)) return uniqueTerms(parseDictionary(text));
  const seen = new Set<string>();
  const terms: string[] = [];
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const term = line.trim();
    if (!term || term.startsWith('#') || seen.has(termKey(term))) continue;
    seen.add(termKey(term));
    terms.push(term);
  }
  return terms;
}

/** `neighbors <term> --vocab <file>`: the k nearest vocabulary terms by cosine. */
export async function runNeighbors(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  const term = positionals[0];
  if (typeof values.vocab !== 'string') throw new CliError(`'neighbors' needs --vocab <file> (a dictionary CSV or one term per line)`);
  const k = intOption(values.k, 'k', 10);
  const vocab = readVocabulary(values.vocab);
  if (vocab.length === 0) throw new CliError(`'${values.vocab}' has no terms`);
  const engine = await openEngine(values.model);
  try {
    const [query, ...vectors] = await engine.embed([term, ...vocab]);
    const index = KnnIndex.of(vectors, engine.dimension);
    const self = termKey(term);
    const exclude = new Set(vocab.flatMap((t, i) => (termKey(t) === self ? [i] : [])));
    const hits = index.search(query, k, exclude);
    if (values.json) {
      const out = { term, model: engine.id, k, neighbors: hits.map((h) => ({ term: vocab[h.index], cosine: round(h.score) })) };
      process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    } else {
      for (const h of hits) writeHuman(`${formatCosine(h.score).padStart(5)}  ${vocab[h.index]}\n`);
    }
    return 0;
  } finally {
    await engine.dispose();
  }
}
