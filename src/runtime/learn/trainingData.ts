/**
 * Training-data export for GPU fine-tuning elsewhere: embeds the dictionary's terms with the
 * current model to mine hard negatives, then lays the examples out (core/trainingData.ts).
 */
import type { CancellationFlag } from '../../core/cancellation';
import type { Dictionary } from '../../core/csv/types';
import type { Decision } from '../../core/decisions';
import { uniqueTerms } from '../../core/dictionary';
import { formatTrainingData, standingDecisions, trainingExamples, type TrainingExample, type TrainingFormat } from '../../core/trainingData';
import { KnnIndex } from '../../core/knn';
import type { EmbeddingEngine } from '../model/engine';

export interface TrainingDataResult {
  examples: TrainingExample[];
  /** The file text in the requested format. */
  text: string;
  /** Negatives that came from rejected pairs (label 0 in the dictionary or the decisions file). */
  rejectedNegatives: number;
  /** Negatives mined with the model. */
  minedNegatives: number;
}

/** Builds the training file of `dict`; throws `CancelledError` when `flag` is set. */
export async function buildTrainingData(
  engine: EmbeddingEngine,
  dict: Dictionary,
  fileDecisions: readonly Decision[],
  format: TrainingFormat,
  negatives: number,
  flag?: CancellationFlag,
): Promise<TrainingDataResult> {
  const terms = uniqueTerms(dict);
  const vectors = new KnnIndex(engine.dimension, Math.max(1, terms.length));
  for (const v of await engine.embed(terms, flag)) vectors.add(v);
  const decisions = standingDecisions(dict.pairs, fileDecisions);
  const examples = trainingExamples(dict.pairs, terms, vectors, decisions, { negatives, flag });
  let rejectedNegatives = 0;
  let minedNegatives = 0;
  for (const e of examples) {
    for (const n of e.neg) {
      if (decisions.get(e.query, n)?.label === 0) rejectedNegatives++;
      else minedNegatives++;
    }
  }
  return { examples, text: formatTrainingData(examples, format), rejectedNegatives, minedNegatives };
}
