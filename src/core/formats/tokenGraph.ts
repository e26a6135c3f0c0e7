/**
 * The token graph Lucene's SynonymGraphFilter makes of a query, read as what a search engine
 * matches: each token is an edge from node `position` to node `position + positionLength`, and
 * every path from the first node to the last is one token sequence the query now matches (the
 * original words, or a synonym in their place).
 */

/** A token of the graph: its text, start node and the number of positions it spans (≥ 1). */
export interface GraphToken {
  term: string;
  position: number;
  positionLength: number;
}

/**
 * The token sequences of every path through the graph from its first to its last node, in the
 * order the tokens come (original words first where Lucene emits them so), at most `limit` of them;
 * `truncated` says whether more exist. An empty graph has no path.
 */
export function graphPaths(tokens: readonly GraphToken[], limit = 50): { paths: string[][]; truncated: boolean } {
  if (!tokens.length) return { paths: [], truncated: false };
  const out = new Map<number, GraphToken[]>();
  let first = Infinity;
  let last = -Infinity;
  for (const t of tokens) {
    const end = t.position + Math.max(1, t.positionLength);
    first = Math.min(first, t.position);
    last = Math.max(last, end);
    const list = out.get(t.position);
    if (list) list.push(t);
    else out.set(t.position, [t]);
  }
  const paths: string[][] = [];
  let truncated = false;
  const walk = (node: number, path: string[]) => {
    if (truncated) return;
    if (node === last) {
      if (paths.length === limit) truncated = true;
      else paths.push(path);
      return;
    }
    for (const t of out.get(node) ?? []) walk(t.position + Math.max(1, t.positionLength), [...path, t.term]);
  };
  walk(first, []);
  return { paths, truncated };
}
