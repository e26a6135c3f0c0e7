/**
 * The custom LSP protocol of Synonym Lens, defined once and imported by both the client and the
 * server. Every method is documented in docs/protocol.md; keep the two in step.
 */
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { Range, TextEdit } from 'vscode-languageserver-protocol';

/** State of the embedding model in the server. */
export type ModelState = 'loading' | 'ready' | 'error';

export interface ModelStatusParams {
  state: ModelState;
  /** Model id, e.g. `builtin:char-ngram-v1`. */
  modelId: string;
  /** Number of distinct terms embedded across open dictionaries and vocabulary files. */
  vocabularySize: number;
  /** Human-readable reason when `state` is `error`. */
  error?: string;
}

/** Server → client notification: the model changed state. Drives the LanguageStatusItem. */
export namespace ModelStatusNotification {
  export const method = 'synonymLens/modelStatus' as const;
  export const type = new NotificationType<ModelStatusParams>(method);
}

// ---------------------------------------------------------------------------------------------
// Pair scores (table editor)

export interface PairScoresParams {
  /** The dictionary document. */
  uri: string;
}

export interface PairScore {
  /** 0-based data row index (header excluded). */
  row: number;
  term: string;
  synonym: string;
  /** 1 synonyms, 0 explicitly not. */
  label: 0 | 1;
  /** Cosine similarity in [-1, 1]. */
  cosine: number;
  /** Whether the pair is flagged: label 1 below `threshold`, or label 0 above `negativeThreshold`. */
  flagged: boolean;
  termRange: Range;
  synonymRange: Range;
}

export interface PairScoresResult {
  uri: string;
  /** The document version the scores belong to; discard them if the document has moved on. */
  version: number;
  modelId: string;
  threshold: number;
  negativeThreshold: number;
  pairs: PairScore[];
}

/**
 * Client → server request: every pair of a dictionary with its cosine. Waits for the model and
 * embeds missing terms; cancellable. Fails with `RequestCancelled` when cancelled and with
 * `InternalError` (message = reason) when the model could not load.
 */
export namespace PairScoresRequest {
  export const method = 'synonymLens/pairScores' as const;
  export const type = new RequestType<PairScoresParams, PairScoresResult, void>(method);
}

// ---------------------------------------------------------------------------------------------
// Similarity matrix (heatmap)

export interface SimilarityMatrixParams {
  uri: string;
  /** The terms to compare; default: every distinct term of the document (or of `range`). */
  terms?: string[];
  /** Restrict the default term set to rows intersecting this range. Ignored with `terms`. */
  range?: Range;
  /** Maximum number of terms (default 1000, at most 4000); extra terms are dropped, `truncated` says so. */
  limit?: number;
}

export interface SimilarityMatrixResult {
  uri: string;
  version: number;
  modelId: string;
  /** Terms ordered by synonym group, so that groups form blocks on the diagonal. */
  terms: string[];
  /** Group index per term (same length as `terms`, non-decreasing). Terms in no pair form singleton groups. */
  groups: number[];
  /** n×n cosines in [-1, 1], row-major: `matrix[i * n + j]` = cosine(terms[i], terms[j]). */
  matrix: number[];
  /** True when more terms matched than `limit`. */
  truncated: boolean;
}

/** Client → server request: the cosine matrix of a set of terms in group order, for the heatmap. */
export namespace SimilarityMatrixRequest {
  export const method = 'synonymLens/similarityMatrix' as const;
  export const type = new RequestType<SimilarityMatrixParams, SimilarityMatrixResult, void>(method);
}

// ---------------------------------------------------------------------------------------------
// Neighbours

export interface NeighborsParams {
  term: string;
  /** Number of neighbours (default `hover.topK`, at most 1000). */
  k?: number;
  /** A dictionary for context: its settings pick the model, its pairs mark `isSynonym`. */
  uri?: string;
}

export interface Neighbor {
  term: string;
  /** Cosine similarity in [-1, 1]. */
  cosine: number;
  /** Paired with the query term with label 1 in the context dictionary (directly or through its group). */
  isSynonym: boolean;
  /** Paired with label 0 in the context dictionary. */
  isNegative: boolean;
}

export interface NeighborsResult {
  modelId: string;
  /** Number of vocabulary terms searched. */
  vocabularySize: number;
  /** Best first. The query term itself is excluded. */
  neighbors: Neighbor[];
}

/** Client → server request: the exact k nearest neighbours of a term among the vocabulary. */
export namespace NeighborsRequest {
  export const method = 'synonymLens/neighbors' as const;
  export const type = new RequestType<NeighborsParams, NeighborsResult, void>(method);
}

// ---------------------------------------------------------------------------------------------
// Adding a pair (the edit behind the "Add as synonym" hover link)

export interface AddPairParams {
  uri: string;
  term: string;
  synonym: string;
  /** Label to write when the dictionary has a label column (default 1). */
  label?: 0 | 1;
  /** Insert after this data row (default: after the last row). */
  afterRow?: number;
}

export interface AddPairResult {
  version: number;
  /** Apply with `workspace.applyEdit`; untouched bytes of the document stay identical. */
  edits: TextEdit[];
}

/** Client → server request: the text edit that appends a pair row, formatted like the file. */
export namespace AddPairRequest {
  export const method = 'synonymLens/addPair' as const;
  export const type = new RequestType<AddPairParams, AddPairResult, void>(method);
}

// ---------------------------------------------------------------------------------------------
// Client commands the server links to (hover command links and code actions)

/** Arguments of `synonymLens.addSynonym` (one object, the first command argument). */
export interface AddSynonymCommandArgs {
  uri: string;
  term: string;
  synonym: string;
}

/** Arguments of `synonymLens.showHeatmap`. */
export interface ShowHeatmapCommandArgs {
  uri: string;
  /** The term to centre on; the heatmap shows its group and neighbours. */
  term?: string;
  terms?: string[];
}

/** Arguments of `synonymLens.fineTune`. */
export interface FineTuneCommandArgs {
  uri: string;
}

/** Client-side command ids the server refers to. The client registers them. */
export const ClientCommands = {
  addSynonym: 'synonymLens.addSynonym',
  showHeatmap: 'synonymLens.showHeatmap',
  fineTune: 'synonymLens.fineTune',
} as const;

/** Diagnostic codes the server reports (parser problem codes are passed through as they are). */
export const DiagnosticCodes = {
  lowSimilarity: 'low-similarity',
  negativeTooSimilar: 'negative-too-similar',
  duplicatePair: 'duplicate-pair',
  reversedDuplicatePair: 'reversed-duplicate-pair',
  selfPair: 'self-pair',
  conflictingLabel: 'conflicting-label',
  unknownTerm: 'unknown-term',
  termTooLong: 'term-too-long',
} as const;

/** The `source` of every diagnostic the server publishes. */
export const diagnosticSource = 'synonym-lens';
