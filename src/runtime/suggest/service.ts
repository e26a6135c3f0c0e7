/**
 * The suggestion use case, once, for every front end: embed the dictionary's terms and the new
 * terms with the given engine, then rank (core/suggest). The caller reads the files (dictionary,
 * term lists, decisions, attribute words) and hands over their parsed contents.
 */
import type { CancellationFlag } from '../../core/cancellation';
import type { Dictionary } from '../../core/csv/types';
import type { DecisionIndex } from '../../core/decisions';
import { KnnIndex } from '../../core/knn';
import type { AttributeList } from '../../core/suggest/attributes';
import type { ListTerm } from '../../core/suggest/termList';
import { planSuggestions, suggest, type SuggestOptions, type SuggestProgress, type Suggestion } from '../../core/suggest/suggest';
import type { EmbeddingEngine } from '../model/engine';
import { spellingTools } from './spelling';

export interface SuggestRequest {
  dictionary: Dictionary;
  /** The term lists' terms, concatenated (duplicates are merged). */
  terms: readonly ListTerm[];
  decisions?: DecisionIndex;
  attributes?: AttributeList;
  options?: SuggestOptions;
}

/** Progress of a run: embedding (terms done of total), then the ranking's stages. */
export type SuggestRunProgress = { stage: 'embedding'; done: number; total: number } | SuggestProgress;

export interface SuggestRunResult {
  suggestions: Suggestion[];
  /** Distinct dictionary terms, and list terms not in the dictionary. */
  dictionaryTerms: number;
  newTerms: number;
}

/** Terms embedded per call, so progress and cancellation come between batches. */
const EMBED_BATCH = 2048;

async function embedAll(engine: EmbeddingEngine, texts: readonly string[], flag: CancellationFlag | undefined, onDone: (n: number) => void): Promise<KnnIndex> {
  const matrix = new KnnIndex(engine.dimension, Math.max(1, texts.length));
  for (let i = 0; i < texts.length; i += EMBED_BATCH) {
    for (const v of await engine.embed(texts.slice(i, i + EMBED_BATCH), flag)) matrix.add(v);
    onDone(Math.min(texts.length, i + EMBED_BATCH));
  }
  return matrix;
}

/** Embeds and ranks; throws `CancelledError` when `flag` is set. */
export async function runSuggest(
  engine: EmbeddingEngine,
  request: SuggestRequest,
  flag?: CancellationFlag,
  onProgress?: (p: SuggestRunProgress) => void,
): Promise<SuggestRunResult> {
  const plan = planSuggestions(request.dictionary, request.terms);
  const total = plan.dictTerms.length + plan.newTerms.length;
  const report = (done: number) => onProgress?.({ stage: 'embedding', done, total });
  const dictVectors = await embedAll(engine, plan.dictTerms, flag, report);
  const newVectors = await embedAll(
    engine,
    plan.newTerms.map((t) => t.term),
    flag,
    (n) => report(plan.dictTerms.length + n),
  );
  const suggestions = suggest(plan, dictVectors, newVectors, {
    tools: spellingTools(),
    decisions: request.decisions,
    attributes: request.attributes,
    options: request.options,
    flag,
    onProgress,
  });
  return { suggestions, dictionaryTerms: plan.dictTerms.length, newTerms: plan.newTerms.length };
}
