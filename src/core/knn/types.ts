/** One search hit: the row index and its score (dot product; cosine for normalised rows). */
export interface ScoredIndex {
  index: number;
  score: number;
}
