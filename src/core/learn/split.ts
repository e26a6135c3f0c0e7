/**
 * Train/dev splitting by synonym group, and negative sampling for positive-only dictionaries.
 *
 * Why by group: if 霸道 ~ 普拉多 is in train and 霸道 ~ 陆巡 in dev, the dev pair is partly
 * memorised. Splitting whole connected components of the positive graph keeps every term on one
 * side, so dev measures generalisation to terms the model was not trained on.
 */
import { termKey } from '../dictionary';
import { Random } from '../random';
import type { TextPair } from './types';

/** Union–find over term keys; component ids are in order of first appearance. */
export class TermGroups {
  private readonly id = new Map<string, number>();
  private readonly parent: number[] = [];

  /** The node of a term (by `termKey`), created on first use. */
  node(term: string): number {
    const key = termKey(term);
    let i = this.id.get(key);
    if (i === undefined) {
      i = this.parent.length;
      this.id.set(key, i);
      this.parent.push(i);
    }
    return i;
  }

  has(term: string): boolean {
    return this.id.has(termKey(term));
  }

  find(x: number): number {
    const p = this.parent;
    while (p[x] !== x) {
      p[x] = p[p[x]!]!;
      x = p[x]!;
    }
    return x;
  }

  union(a: string, b: string): void {
    const x = this.find(this.node(a));
    const y = this.find(this.node(b));
    if (x < y) this.parent[y] = x;
    else if (y < x) this.parent[x] = y;
  }

  /** The component root of a term (creating a singleton for an unseen term). */
  group(term: string): number {
    return this.find(this.node(term));
  }

  /** Groups of the positive (label 1) pairs; label-0 pairs only add singleton nodes. */
  static ofPairs(pairs: readonly TextPair[]): TermGroups {
    const g = new TermGroups();
    for (const p of pairs) {
      if (p.label === 1) g.union(p.a, p.b);
      else {
        g.node(p.a);
        g.node(p.b);
      }
    }
    return g;
  }
}

export interface SplitOptions {
  /** Target share of positive pairs on the dev side, in (0, 1). Default 0.2. */
  devFraction?: number;
  /** PRNG seed for the group shuffle. Default 42. */
  seed?: number;
}

export interface Split {
  train: TextPair[];
  dev: TextPair[];
  /** Pairs left out: self pairs, and label-0 pairs whose terms fell on different sides. */
  dropped: TextPair[];
}

/**
 * Splits pairs by synonym group (connected components of the label-1 pairs, terms by `termKey`).
 *
 * Groups are shuffled with `seed` and moved to dev until dev holds `devFraction` of the positive
 * pairs. A label-0 pair follows its terms: a term seen only in label-0 pairs takes the side of the
 * first partner that has one (in pair order), else a seeded coin with probability `devFraction`;
 * a label-0 pair whose terms end up on different sides is dropped. So no term is on both sides.
 * Pairs keep their input order within each side. Same input and seed → same split.
 */
export function splitByGroup(pairs: readonly TextPair[], options: SplitOptions = {}): Split {
  const devFraction = options.devFraction ?? 0.2;
  const rng = new Random(options.seed ?? 42);
  const groups = TermGroups.ofPairs(pairs);

  // Positive pairs per group, groups in order of first appearance.
  const positivesPerGroup = new Map<number, number>();
  let positives = 0;
  for (const p of pairs) {
    if (p.label !== 1 || termKey(p.a) === termKey(p.b)) continue;
    const g = groups.group(p.a);
    positivesPerGroup.set(g, (positivesPerGroup.get(g) ?? 0) + 1);
    positives++;
  }
  const order = rng.shuffle([...positivesPerGroup.keys()]);
  const side = new Map<number, 'train' | 'dev'>();
  let devPositives = 0;
  for (const g of order) {
    if (devPositives < devFraction * positives) {
      side.set(g, 'dev');
      devPositives += positivesPerGroup.get(g)!;
    } else side.set(g, 'train');
  }

  // Terms only in label-0 pairs join a partner's side.
  for (const p of pairs) {
    if (p.label !== 0) continue;
    const ga = groups.group(p.a);
    const gb = groups.group(p.b);
    const sa = side.get(ga);
    const sb = side.get(gb);
    if (sa && !sb) side.set(gb, sa);
    else if (sb && !sa) side.set(ga, sb);
    else if (!sa && !sb) {
      const s = rng.nextFloat() < devFraction ? 'dev' : 'train';
      side.set(ga, s);
      side.set(gb, s);
    }
  }

  const out: Split = { train: [], dev: [], dropped: [] };
  for (const p of pairs) {
    const sa = side.get(groups.group(p.a));
    const sb = side.get(groups.group(p.b));
    if (termKey(p.a) === termKey(p.b) || !sa || sa !== sb) out.dropped.push(p);
    else out[sa].push(p);
  }
  return out;
}

export interface NegativeSamplingOptions {
  /** Negatives to draw. Default: as many as there are positive pairs. */
  count?: number;
  /** Share of hard negatives (sharing a character), in [0, 1]. Default 0.5. */
  hardFraction?: number;
  /** PRNG seed. Default 42. */
  seed?: number;
}

/**
 * Samples label-0 pairs among the terms of `positives`, for dictionaries without label-0 rows.
 *
 * - random: two terms drawn uniformly from different synonym groups;
 * - hard: a term drawn uniformly, one of its characters (code points, after NFKC + lower-case)
 *   drawn uniformly, then a term of another group containing that character drawn uniformly —
 *   the pairs a character-n-gram model finds most confusable. When the drawn character has no
 *   such partner the draw is retried (then falls back to a random negative).
 * Never a pair that is already a pair of the input (either order) or drawn before; terms from
 * different groups only, so a negative never contradicts the dictionary's transitive synonyms.
 * Hard negatives come first, then random ones. Deterministic for a seed.
 */
export function sampleNegatives(positives: readonly TextPair[], options: NegativeSamplingOptions = {}): TextPair[] {
  const rng = new Random(options.seed ?? 42);
  const groups = TermGroups.ofPairs(positives);
  const terms: string[] = [];
  const seenTerm = new Set<string>();
  const taken = new Set<string>();
  const pairKey = (a: string, b: string) => {
    const x = termKey(a);
    const y = termKey(b);
    return x < y ? `${x}\u0000${y}` : `${y}\u0000${x}`;
  };
  for (const p of positives) {
    for (const t of [p.a, p.b]) {
      const k = termKey(t);
      if (k !== '' && !seenTerm.has(k)) {
        seenTerm.add(k);
        terms.push(t);
      }
    }
    taken.add(pairKey(p.a, p.b));
  }
  const count = options.count ?? positives.filter((p) => p.label === 1).length;
  const hardCount = Math.round(count * (options.hardFraction ?? 0.5));
  if (terms.length < 2) return [];
  const groupOf = terms.map((t) => groups.group(t));
  if (groupOf.every((g) => g === groupOf[0])) return [];

  const chars = terms.map((t) => [...new Set(Array.from(termKey(t)).filter((c) => c.trim() !== ''))]);
  const byChar = new Map<string, number[]>();
  chars.forEach((cs, i) => {
    for (const c of cs) {
      let list = byChar.get(c);
      if (!list) byChar.set(c, (list = []));
      list.push(i);
    }
  });

  const out: TextPair[] = [];
  const tryAdd = (i: number, j: number): boolean => {
    if (i === j || groupOf[i] === groupOf[j]) return false;
    const key = pairKey(terms[i]!, terms[j]!);
    if (taken.has(key)) return false;
    taken.add(key);
    out.push({ a: terms[i]!, b: terms[j]!, label: 0 });
    return true;
  };
  const maxTries = 50;
  const randomOne = (): void => {
    for (let t = 0; t < maxTries; t++) if (tryAdd(rng.nextInt(terms.length), rng.nextInt(terms.length))) return;
  };
  for (let n = 0; n < hardCount; n++) {
    let added = false;
    for (let t = 0; t < maxTries && !added; t++) {
      const i = rng.nextInt(terms.length);
      const cs = chars[i]!;
      if (cs.length === 0) continue;
      const list = byChar.get(cs[rng.nextInt(cs.length)]!)!;
      added = tryAdd(i, list[rng.nextInt(list.length)]!);
    }
    if (!added) randomOne();
  }
  while (out.length < count) {
    const before = out.length;
    randomOne();
    if (out.length === before) break; // the term graph is (nearly) exhausted
  }
  return out;
}

/**
 * Pairs for evaluating on a whole file: its labelled pairs, plus sampled negatives (half hard,
 * seeded) when it has no label-0 pair — without negatives, AUC and AP are undefined.
 */
export function evaluationPairs(pairs: readonly TextPair[], seed = 42): { pairs: TextPair[]; sampled: number } {
  if (pairs.some((p) => p.label === 0)) return { pairs: [...pairs], sampled: 0 };
  const negatives = sampleNegatives(pairs, { seed });
  return { pairs: [...pairs, ...negatives], sampled: negatives.length };
}

/** A `splitByGroup` split whose dev side is ready to score: `sampledNegatives` were added to it. */
export interface ScorableSplit extends Split {
  /** Label-0 pairs sampled for the dev side (0 when it had its own). */
  sampledNegatives: number;
}

/**
 * `splitByGroup`, then, when the dev side has no label-0 pair, negatives sampled among its terms
 * (`evaluationPairs`, same seed) so that AUC and a classification report can be computed on it.
 * Used by the held-out evaluation of a fine-tuning run and by the epoch choice inside it.
 */
export function splitForScoring(pairs: readonly TextPair[], options: SplitOptions = {}): ScorableSplit {
  const split = splitByGroup(pairs, options);
  const dev = evaluationPairs(split.dev, options.seed ?? 42);
  return { ...split, dev: dev.pairs, sampledNegatives: dev.sampled };
}
