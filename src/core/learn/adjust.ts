/**
 * Post-hoc adjustment of the vectors of dictionary terms (no model training).
 *
 * All three methods move only terms that occur in a pair with a vector; every other term keeps its
 * vector, so adjustment cannot help pairs of terms outside the dictionary (held-out pairs) — by
 * construction. Fine-tuning (`train.ts`) is what generalises.
 *
 * - `seed`: the classic seed loop, reproduced as a baseline (see `seedAdjust`).
 * - `retrofit`: Faruqui et al. 2015, "Retrofitting Word Vectors to Semantic Lexicons".
 * - `counterfit`: Mrkšić et al. 2016, "Counter-fitting Word Vectors to Linguistic Constraints".
 */
import { termKey } from '../dictionary';
import { KnnIndex } from '../knn';
import { dot, normalize } from '../vectors';
import type { TextPair } from './types';

export const ADJUST_METHODS = ['seed', 'retrofit', 'counterfit'] as const;
export type AdjustMethod = (typeof ADJUST_METHODS)[number];


export interface SeedOptions {
  /** Share of the difference each vector moves per pair visit. Default 0.01 (the seed recipe's). */
  factor?: number;
  /** Passes over the pairs. Default 5 (the seed recipe's). */
  rounds?: number;
}

export interface RetrofitOptions {
  /** Passes over the terms. Default 10 (Faruqui et al.). */
  iterations?: number;
  /** Weight α of a term's original vector. Default 1; each neighbour weighs β = 1/degree. */
  alpha?: number;
}

export interface CounterfitOptions {
  /** Gradient steps over all constraints (full batch). Default 20 (the paper's epochs). */
  iterations?: number;
  /** Step size. Default 1. */
  learningRate?: number;
  /** Weights k₁ (antonym repel), k₂ (synonym attract), k₃ (vector-space preservation). Default 0.1 each (the paper's). */
  repelWeight?: number;
  attractWeight?: number;
  preserveWeight?: number;
  /** Repel label-0 pairs while their cosine distance is below δ. Default 1 (i.e. cosine > 0). */
  repelMargin?: number;
  /** Attract synonyms while their cosine distance exceeds γ. Default 0. */
  attractMargin?: number;
  /** Original neighbours: terms within cosine distance ρ (cosine ≥ 1 − ρ). Default 0.2. */
  neighbourRadius?: number;
  /** At most this many nearest original neighbours per term are preserved. Default 50. */
  maxNeighbours?: number;
}

export interface AdjustOptions {
  method: AdjustMethod;
  seed?: SeedOptions;
  retrofit?: RetrofitOptions;
  counterfit?: CounterfitOptions;
}

/**
 * The adjusted table: `termKey(term)` → L2-normalised vector, for every term given. Terms in no
 * usable pair are copied unchanged (not even re-normalised).
 */
export type AdjustedVectors = Map<string, Float32Array>;

interface Indexed {
  keys: string[];
  vectors: Float32Array[];
  /** Pairs as row indices (self pairs and pairs with a term lacking a vector are left out). */
  pairs: { i: number; j: number; label: 0 | 1 }[];
  /** Rows occurring in at least one pair. */
  moved: Set<number>;
}

function index(terms: readonly string[], vectors: readonly Float32Array[], pairs: readonly TextPair[]): Indexed {
  if (terms.length !== vectors.length) throw new RangeError('terms and vectors differ in length');
  const row = new Map<string, number>();
  const keys: string[] = [];
  const copies: Float32Array[] = [];
  terms.forEach((t, i) => {
    const k = termKey(t);
    if (row.has(k)) return;
    row.set(k, keys.length);
    keys.push(k);
    copies.push(Float32Array.from(vectors[i]!));
  });
  const out: Indexed['pairs'] = [];
  const moved = new Set<number>();
  for (const p of pairs) {
    const i = row.get(termKey(p.a));
    const j = row.get(termKey(p.b));
    if (i === undefined || j === undefined || i === j) continue;
    out.push({ i, j, label: p.label });
    moved.add(i);
    moved.add(j);
  }
  return { keys, vectors: copies, pairs: out, moved };
}


function result(ix: Indexed, moved: ReadonlySet<number>): AdjustedVectors {
  const out: AdjustedVectors = new Map();
  ix.keys.forEach((k, r) => {
    const v = ix.vectors[r]!;
    if (moved.has(r)) normalize(v);
    out.set(k, v);
  });
  return out;
}

/**
 * The classic seed method, exactly as its Python loop runs on float32 numpy vectors:
 *
 *     for _ in range(rounds):
 *         for a, b in pairs:            # label-1 pairs, in file order
 *             diff = vec[b] - vec[a]
 *             vec[a] = vec[a] + factor * diff
 *             vec[b] = vec[b] - factor * diff
 *
 * In place and sequential: a term in several pairs moves from where the previous pair left it.
 * Each operation is rounded to float32 as numpy does (`factor` is rounded to float32 first).
 * Label-0 pairs are ignored (the seed recipe has none). The moved vectors are re-normalised at the end.
 */
function seedAdjust(ix: Indexed, options: SeedOptions = {}): Set<number> {
  const f = Math.fround(options.factor ?? 0.01);
  const rounds = options.rounds ?? 5;
  const moved = new Set<number>();
  const positives = ix.pairs.filter((p) => p.label === 1);
  for (const p of positives) moved.add(p.i).add(p.j);
  for (let r = 0; r < rounds; r++) {
    for (const { i, j } of positives) {
      const a = ix.vectors[i]!;
      const b = ix.vectors[j]!;
      for (let d = 0; d < a.length; d++) {
        const step = Math.fround(f * Math.fround(b[d]! - a[d]!));
        a[d] = a[d]! + step; // Float32Array stores round to float32
        b[d] = b[d]! - step;
      }
    }
  }
  return moved;
}

/**
 * Retrofitting (Faruqui et al. 2015), as in the authors' `retrofit.py`: for each iteration, each
 * term with synonyms (in order of first appearance) becomes
 *     q_i = (α·q̂_i + Σ_j β·q_j) / (α + Σ_j β),   β = 1/degree(i),
 * with q̂ the original vector and q_j the neighbours' current vectors (updated in place, so later
 * terms see earlier terms' new vectors). Neighbours are the distinct label-1 partners.
 */
function retrofit(ix: Indexed, options: RetrofitOptions = {}): Set<number> {
  const iterations = options.iterations ?? 10;
  const alpha = options.alpha ?? 1;
  const neighbours = new Map<number, Set<number>>();
  for (const { i, j, label } of ix.pairs) {
    if (label !== 1) continue;
    if (!neighbours.has(i)) neighbours.set(i, new Set());
    if (!neighbours.has(j)) neighbours.set(j, new Set());
    neighbours.get(i)!.add(j);
    neighbours.get(j)!.add(i);
  }
  const original = ix.vectors.map((v) => Float32Array.from(v));
  const order = [...neighbours.keys()].sort((x, y) => x - y);
  const dim = original[0]?.length ?? 0;
  const acc = new Float64Array(dim);
  for (let it = 0; it < iterations; it++) {
    for (const i of order) {
      const ns = neighbours.get(i)!;
      const beta = 1 / ns.size;
      const q0 = original[i]!;
      for (let d = 0; d < dim; d++) acc[d] = alpha * q0[d]!;
      for (const j of ns) {
        const q = ix.vectors[j]!;
        for (let d = 0; d < dim; d++) acc[d]! += beta * q[d]!;
      }
      const denom = alpha + beta * ns.size;
      const v = ix.vectors[i]!;
      for (let d = 0; d < dim; d++) v[d] = acc[d]! / denom;
    }
  }
  return new Set(order);
}

/**
 * Counter-fitting (Mrkšić et al. 2016) by full-batch gradient descent on unit vectors, with the
 * paper's cost (d = 1 − cosine, τ(x) = max(0, x)):
 *     C = k₁ Σ_{label 0} τ(δ − d(u, w)) + k₂ Σ_{label 1} τ(d(u, w) − γ)
 *       + k₃ Σ_i Σ_{j ∈ N(i)} τ(d(v'_i, v'_j) − d(v_i, v_j))
 * where N(i) are i's original neighbours (d ≤ ρ, nearest `maxNeighbours`, among all given terms).
 * One deviation from the paper: a pair the dictionary labels (either label) is never in N(i), so
 * the preservation term cannot undo an explicit judgement (e.g. a hard negative at cosine 0.85).
 * Each iteration computes every gradient from the current vectors, steps only the terms in pairs,
 * and re-normalises them (so each step's gradient is that of the dot product). Deterministic and
 * independent of pair order. Terms outside pairs stay fixed but anchor their neighbours.
 */
function counterfit(ix: Indexed, options: CounterfitOptions = {}): Set<number> {
  const iterations = options.iterations ?? 20;
  const lr = options.learningRate ?? 1;
  const k1 = options.repelWeight ?? 0.1;
  const k2 = options.attractWeight ?? 0.1;
  const k3 = options.preserveWeight ?? 0.1;
  const delta = options.repelMargin ?? 1;
  const gamma = options.attractMargin ?? 0;
  const rho = options.neighbourRadius ?? 0.2;
  const maxNeighbours = options.maxNeighbours ?? 50;
  const n = ix.vectors.length;
  const dim = ix.vectors[0]?.length ?? 0;
  const moved = ix.moved;
  for (const r of moved) normalize(ix.vectors[r]!);

  // Original neighbourhoods of moved terms, with their original distances. Pairs the dictionary
  // judges explicitly are left out: preserving them would cancel the attract/repel terms.
  const judged = new Set(ix.pairs.flatMap(({ i, j }) => [i * n + j, j * n + i]));
  const neighbourhood: { i: number; j: number; d0: number }[] = [];
  // The nearest `maxNeighbours` by exact top-k (core/knn: an int8 + SIMD prefilter, then exact
  // re-scoring), then the radius: the same neighbours as a full scan, without n² dot products.
  const original = n > 0 ? KnnIndex.of(ix.vectors, dim) : undefined;
  for (const i of [...moved].sort((x, y) => x - y)) {
    const hits = original!.search(ix.vectors[i]!, maxNeighbours, (j) => j === i || judged.has(i * n + j));
    for (const { index: j } of hits) {
      const d0 = 1 - dot(ix.vectors[i]!, ix.vectors[j]!);
      if (d0 <= rho) neighbourhood.push({ i, j, d0 });
    }
  }

  const grad = new Map<number, Float64Array>();
  for (const r of moved) grad.set(r, new Float64Array(dim));
  // Adds c·v(from) to the gradient of `to` when `to` moves.
  const addGrad = (to: number, from: number, c: number) => {
    const g = grad.get(to);
    if (!g) return;
    const v = ix.vectors[from]!;
    for (let d = 0; d < dim; d++) g[d]! += c * v[d]!;
  };
  for (let it = 0; it < iterations; it++) {
    for (const g of grad.values()) g.fill(0);
    for (const { i, j, label } of ix.pairs) {
      const dist = 1 - dot(ix.vectors[i]!, ix.vectors[j]!);
      if (label === 0 && delta - dist > 0) {
        // ∂/∂u τ(δ − 1 + u·w) = w: descending pushes u away from w.
        addGrad(i, j, k1);
        addGrad(j, i, k1);
      } else if (label === 1 && dist - gamma > 0) {
        // ∂/∂u (1 − u·w − γ) = −w: descending pulls u toward w.
        addGrad(i, j, -k2);
        addGrad(j, i, -k2);
      }
    }
    for (const { i, j, d0 } of neighbourhood) {
      const dist = 1 - dot(ix.vectors[i]!, ix.vectors[j]!);
      if (dist - d0 > 0) {
        addGrad(i, j, -k3);
        addGrad(j, i, -k3);
      }
    }
    for (const [r, g] of grad) {
      const v = ix.vectors[r]!;
      for (let d = 0; d < dim; d++) v[d] = v[d]! - lr * g[d]!;
      normalize(v);
    }
  }
  return new Set(moved);
}

/**
 * Adjusts the vectors of dictionary terms. `vectors[i]` is the original (L2-normalised) vector of
 * `terms[i]`; terms are identified by `termKey` (the first occurrence wins). Pairs whose terms have
 * no vector, and self pairs, are ignored. Inputs are not modified. Deterministic.
 */
export function adjustVectors(
  terms: readonly string[],
  vectors: readonly Float32Array[],
  pairs: readonly TextPair[],
  options: AdjustOptions,
): AdjustedVectors {
  const ix = index(terms, vectors, pairs);
  switch (options.method) {
    case 'seed':
      return result(ix, seedAdjust(ix, options.seed));
    case 'retrofit':
      return result(ix, retrofit(ix, options.retrofit));
    case 'counterfit':
      return result(ix, counterfit(ix, options.counterfit));
  }
}
