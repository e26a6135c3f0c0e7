/**
 * Pair scoring shared by the CLI and the language server: which pairs the model disagrees with.
 */
import type { Pair } from './csv/types';
import { dot } from './vectors';

export type PairFlag = 'low-similarity' | 'negative-too-similar';

export interface Thresholds {
  /** Positive (label 1) pairs with cosine below this are flagged. Cosine in [-1, 1]; default 0.5. */
  threshold: number;
  /** Negative (label 0) pairs with cosine above this are flagged. Default 0.5. */
  negativeThreshold: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { threshold: 0.5, negativeThreshold: 0.5 };

/** The flag a pair earns, or undefined when the model agrees with its label. */
export function flagPair(label: 0 | 1, cosine: number, t: Thresholds): PairFlag | undefined {
  if (label === 1 && cosine < t.threshold) return 'low-similarity';
  if (label === 0 && cosine > t.negativeThreshold) return 'negative-too-similar';
  return undefined;
}

export interface ScoredPair {
  pair: Pair;
  /** Cosine similarity of the two terms' vectors, in [-1, 1]. */
  cosine: number;
  flag?: PairFlag;
}

/**
 * Scores pairs with vectors looked up by term text. Vectors are L2-normalised, so the cosine is
 * the dot product. Pairs whose vectors are missing are left out.
 */
export function scorePairs(
  pairs: readonly Pair[],
  vectorOf: (term: string) => Float32Array | undefined,
  t: Thresholds = DEFAULT_THRESHOLDS,
): ScoredPair[] {
  const out: ScoredPair[] = [];
  for (const pair of pairs) {
    const a = vectorOf(pair.a.text);
    const b = vectorOf(pair.b.text);
    if (!a || !b) continue;
    const cosine = Math.max(-1, Math.min(1, dot(a, b)));
    out.push({ pair, cosine, flag: flagPair(pair.label, cosine, t) });
  }
  return out;
}

/** Formats a cosine for people: two decimals, as the classic seed recipe printed them. */
export function formatCosine(c: number): string {
  return c.toFixed(2);
}

/** The message shown for a flagged pair, the same in the CLI and the editor. */
export function pairFlagMessage(s: ScoredPair, t: Thresholds): string {
  return flagMessage(s.pair.a.text, s.pair.b.text, s.cosine, s.flag, t);
}

/** `pairFlagMessage` of the pair of terms `a` and `b`. */
export function flagMessage(a: string, b: string, cosine: number, flag: PairFlag | undefined, t: Thresholds): string {
  const pair = `${a} ~ ${b}`;
  if (flag === 'low-similarity') {
    return `${pair}: cosine ${formatCosine(cosine)} < ${formatCosine(t.threshold)} — the model does not treat these as synonyms`;
  }
  if (flag === 'negative-too-similar') {
    return `${pair}: cosine ${formatCosine(cosine)} > ${formatCosine(t.negativeThreshold)} although labelled 0 — the model confuses these non-synonyms`;
  }
  return `${pair}: cosine ${formatCosine(cosine)}`;
}
