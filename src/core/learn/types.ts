/**
 * Plain types shared by the learning code: labelled text pairs (cancellation: ../cancellation.ts).
 * Learning works on term texts, not on CSV cells, so benchmarks and tests can build pairs directly;
 * `textPairs` converts a parsed dictionary's pairs.
 */
import type { Pair } from '../csv/types';

/** A labelled pair of terms: 1 = synonyms, 0 = not synonyms. */
export interface TextPair {
  readonly a: string;
  readonly b: string;
  readonly label: 0 | 1;
}

/** The trimmed texts and labels of a dictionary's pairs, in file order. */
export function textPairs(pairs: readonly Pair[]): TextPair[] {
  return pairs.map((p) => ({ a: p.a.text, b: p.b.text, label: p.label }));
}

