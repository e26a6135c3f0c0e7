/**
 * Pure algorithms behind the heatmap: the order of terms in synonym-group blocks and the n×n
 * cosine matrix of L2-normalised vectors.
 */
import { termKey } from './dictionary';
import { dot } from './vectors';

/** What `groupOrder` needs to know of a dictionary's synonym groups. */
export interface GroupLookup {
  /** The group index of a term, or undefined for a term in no group. */
  groupOf(term: string): number | undefined;
  /** Each group's terms in the dictionary's order of first appearance. */
  readonly groups: readonly (readonly string[])[];
}

/**
 * Orders terms so synonym groups form contiguous blocks: groups in order of first appearance in
 * the dictionary, then terms in no group, each a singleton group. Returns the group index per term.
 */
export function groupOrder(lookup: GroupLookup, terms: readonly string[]): { terms: string[]; groups: number[] } {
  const byGroup = new Map<number, string[]>();
  const loose: string[] = [];
  for (const t of terms) {
    const g = lookup.groupOf(t);
    if (g === undefined) loose.push(t);
    else {
      let list = byGroup.get(g);
      if (!list) byGroup.set(g, (list = []));
      list.push(t);
    }
  }
  const outTerms: string[] = [];
  const outGroups: number[] = [];
  let index = 0;
  for (const g of [...byGroup.keys()].sort((x, y) => x - y)) {
    // Within a group, the dictionary's order of first appearance (stable across requests).
    const order = new Map((lookup.groups[g] ?? []).map((t, i) => [termKey(t), i]));
    const members = byGroup.get(g)!.sort((x, y) => (order.get(termKey(x)) ?? 0) - (order.get(termKey(y)) ?? 0));
    for (const t of members) {
      outTerms.push(t);
      outGroups.push(index);
    }
    index++;
  }
  for (const t of loose) {
    outTerms.push(t);
    outGroups.push(index++);
  }
  return { terms: outTerms, groups: outGroups };
}

/**
 * The symmetric n×n cosine matrix of L2-normalised vectors, row-major, 1 on the diagonal and every
 * entry clamped to [-1, 1]. `checkpoint` runs every 64 rows (a cancellation check may throw there).
 */
export function similarityMatrix(vectors: readonly ArrayLike<number>[], checkpoint?: () => void): number[] {
  const n = vectors.length;
  const matrix = new Array<number>(n * n);
  for (let i = 0; i < n; i++) {
    matrix[i * n + i] = 1;
    const x = vectors[i]!;
    for (let j = i + 1; j < n; j++) {
      const c = Math.max(-1, Math.min(1, dot(x, vectors[j]!)));
      matrix[i * n + j] = c;
      matrix[j * n + i] = c;
    }
    if (checkpoint && i % 64 === 63) checkpoint();
  }
  return matrix;
}
