/**
 * The custom LSP protocol of Synonym Lens, defined once and imported by both the client and the
 * server. Every method is documented in docs/protocol.md; keep the two in step.
 */
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import type { AdapterKind } from '../core/learn/adapter';
import type { AdjustMethod as AdjustMethodName } from '../core/learn/adjust';
import type { CollapseStop, EpochSelection } from '../core/learn/epochs';
import type { Evaluation } from '../core/learn/evaluate';
import type { LossName as FineTuneLoss } from '../core/learn/losses';
import type { Suggestion } from '../core/suggest/suggest';
import { Commands } from './commands';
import type { ExecutionProvider } from './settings';

// ---------------------------------------------------------------------------------------------
// Initialisation

/**
 * Options a client may pass in `initializationOptions` (all optional). The extension sets
 * `threads`, `executionProvider` and `l10nBundle`; tests and benchmarks also set `debounceMs`.
 */
export interface InitializationOptions {
  /** Minimum spacing of diagnostics jobs per document during a burst of edits, in ms (default 150). */
  debounceMs?: number;
  /** Intra-op threads of the embedding engine (default: the engine's choice). */
  threads?: number;
  /** Execution provider of transformer models (default `cpu`; settings.ts `executionProvider`). */
  executionProvider?: ExecutionProvider;
  /**
   * The extension's l10n bundle for VS Code's display language (`vscode.l10n.bundle`: English
   * message → translation). Without one the server's messages are English (messages.ts).
   */
  l10nBundle?: Record<string, string>;
  /**
   * Present when the workspace is untrusted: the user values of the restricted settings
   * (`restrictedSettingKeys`, keyed relative to `synonymLens`). The server then takes those
   * settings only from here, whatever configuration answers say, and ignores `threads` and
   * `executionProvider` above in favour of these.
   */
  untrustedSettings?: Record<string, unknown>;
}

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
// Large documents: progress and the visible range

export interface DocumentProgressParams {
  uri: string;
  /**
   * `reading`: the file is being parsed (`done` / `total` in characters of its text);
   * `embedding`: its terms are getting vectors (`done` / `total` terms); `done`: neither any more.
   */
  phase: 'reading' | 'embedding' | 'done';
  done: number;
  total: number;
}

/**
 * Server → client notification: how far the analysis of a large document is (sent only for work
 * that takes a while, a few times a second at most, and `done` at the end). Drives the progress
 * the language status item shows.
 */
export namespace DocumentProgressNotification {
  export const method = 'synonymLens/documentProgress' as const;
  export const type = new NotificationType<DocumentProgressParams>(method);
}

export interface VisibleRangesParams {
  uri: string;
  /** The line ranges of the document that editors show now (empty when none shows it). */
  ranges: Range[];
}

/**
 * Client → server notification: the visible ranges of a dictionary's editors, sent when it opens
 * and as it scrolls (debounced). While a large file's terms are embedded, the server embeds and
 * publishes the visible rows' model diagnostics first.
 */
export namespace VisibleRangesNotification {
  export const method = 'synonymLens/visibleRanges' as const;
  export const type = new NotificationType<VisibleRangesParams>(method);
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
  /**
   * Compute the matrix with this model instead of the document's: a value as the `synonymLens.model`
   * setting takes it (`builtin`, a folder — relative to the document's workspace folder — or
   * `org/name`), e.g. a fine-tuned model folder to compare with. Same terms and order either way.
   * Fails with `InternalError` ("Model … is not available: …") when it does not load.
   */
  model?: string;
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
// Query expansion preview (the Lucene analysis helper)

export interface PreviewExpansionParams {
  /** A Synonym Lens CSV, Solr synonyms file or ES synonyms set: its rules are applied. */
  uri: string;
  /** The query text, as a user would type it into the search box. */
  query: string;
}

/** One token of the graph SynonymGraphFilter makes of the query (Lucene's attributes). */
export interface ExpansionToken {
  term: string;
  /** `SYNONYM` for a token a rule added; the tokenizer's type (`word`, `<ALPHANUM>`, …) otherwise. */
  type: string;
  /** Start node of the token in the graph (0-based). */
  position: number;
  /** Number of positions the token spans (its end node is `position + positionLength`). */
  positionLength: number;
  /** UTF-16 offsets into the query of the text the token stands for. */
  start: number;
  end: number;
}

export interface PreviewExpansionResult {
  /** The analyzer (`synonymLens.analysis.analyzer`). */
  analyzer: string;
  /** Number of rules applied (the document's accepted rules). */
  rules: number;
  tokens: ExpansionToken[];
}

/**
 * Client → server request: the token graph Lucene's SynonymGraphFilter produces for a query with
 * the document's rules and the configured analyzer. Fails with a message when Java or the Lucene
 * jars are missing, or when Lucene refuses the rules.
 */
export namespace PreviewExpansionRequest {
  export const method = 'synonymLens/previewExpansion' as const;
  export const type = new RequestType<PreviewExpansionParams, PreviewExpansionResult, void>(method);
}

// ---------------------------------------------------------------------------------------------
// Every problem of a file, past the diagnostics cap

/** One problem of `synonymLens/problems`: a diagnostic without its quick-fix data. */
export interface Problem {
  range: Range;
  /** 1 error, 2 warning, 3 information, 4 hint (the LSP's DiagnosticSeverity). */
  severity: 1 | 2 | 3 | 4;
  code: string;
  message: string;
}

export interface ProblemsParams {
  uri: string;
  /** The version the caller is paging through; another version answers `ContentModified`. */
  version?: number;
  /** Index of the first problem of the page (default 0). */
  offset?: number;
  /** Problems per page (default and maximum 10,000). */
  limit?: number;
}

export interface ProblemsResult {
  /** The document version the problems are of. */
  version: number;
  /** Number of problems in the file (every page of this version has the same total). */
  total: number;
  offset: number;
  problems: Problem[];
}

/**
 * Client → server request: a page of every problem of an open document, uncapped and with no
 * repeats collapsed (`synonymLens.diagnostics.maxPerFile` limits only what is published), in
 * document order (line, then column, then code).
 */
export namespace ProblemsRequest {
  export const method = 'synonymLens/problems' as const;
  export const type = new RequestType<ProblemsParams, ProblemsResult, void>(method);
  /** Largest page the server sends. */
  export const maxLimit = 10_000;
}

/** Arguments of `synonymLens.showAllProblems` (the summary diagnostic's code action passes them). */
export interface ShowAllProblemsCommandArgs {
  uri: string;
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
  /**
   * The fine-tuned model to compare with (a `synonymLens.model` value: a folder, absolute or
   * relative to the workspace folder). Default: the newest `.synonym-lens/models/*` folder next to
   * the dictionary that Fine-tune Model wrote.
   */
  tunedModel?: string;
}

/** Arguments of `synonymLens.fineTune`. */
export interface FineTuneCommandArgs {
  uri: string;
}

/** Arguments of `synonymLens.previewExpansion` (a hover link passes the term as the query). */
export interface PreviewExpansionCommandArgs {
  uri: string;
  query?: string;
}

/** Client-side command ids the server refers to. The client registers them. */
export const ClientCommands = {
  addSynonym: Commands.addSynonym,
  previewExpansion: Commands.previewExpansion,
  showHeatmap: Commands.showHeatmap,
  fineTune: Commands.fineTune,
  showAllProblems: Commands.showAllProblems,
  saveDecisions: Commands.saveDecisions,
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
  analysisMultiToken: 'analysis-multi-token',
  analysisStopWord: 'analysis-stop-word',
  analysisSameTokens: 'analysis-same-tokens',
  analysisNoOp: 'analysis-no-op',
  /** The summary that stands for the diagnostics past `diagnostics.maxPerFile`. */
  tooManyDiagnostics: 'too-many-diagnostics',
} as const;

/** The `source` of every diagnostic the server publishes. */
export const diagnosticSource = 'synonym-lens';

// ---------------------------------------------------------------------------------------------
// Learning: fine-tuning, vector adjustment, evaluation (long jobs: work-done progress, cancellable)

// The learning enumerations are declared once, in core, next to the code that implements them;
// the protocol speaks them under its own names.
/** Fine-tuning losses, named as sentence-transformers names them. */
export { LOSS_NAMES as FINE_TUNE_LOSSES } from '../core/learn/losses';
export type { FineTuneLoss };
/** Vector adjustment methods (see docs/learning.md). */
export { ADJUST_METHODS } from '../core/learn/adjust';
export type { AdjustMethodName };
/** Adapter kinds over a frozen transformer encoder. */
export { ADAPTER_KINDS } from '../core/learn/adapter';
export type { AdapterKind };

/** How the labelled data of a learning job was split and completed. */
export interface LearningDataSummary {
  /** Pairs of the dictionary (label 1 and 0). */
  pairs: number;
  /** Train / dev pairs after the split by synonym group (no term on both sides). */
  train: number;
  dev: number;
  /** Pairs left out by the split (self pairs, label-0 pairs across the sides). */
  dropped: number;
  /** Label-0 pairs sampled for the evaluation because the dictionary's side had none. */
  sampledNegatives: number;
}

/**
 * `report.json` of a fine-tuned model (also the `report` of `FineTuneResult`). Readable by the
 * report webview (`EvaluationReport` in webviewProtocol.ts is a subset). Evaluations are on the
 * held-out (dev) side of the split; keys inside them are the CLI's snake_case contract.
 */
export interface LearningReport {
  title: string;
  /** ISO date-time. */
  createdAt: string;
  /** The dictionary's path (or URI when not a file). */
  dictionary: string;
  baseModelId: string;
  /** The new model's id (its folder name). */
  modelId: string;
  before: Evaluation;
  after: Evaluation;
  /** Dev pairs scored by each model (histograms, PR/ROC curves). */
  scores: { before: { a: string; b: string; label: 0 | 1; cosine: number }[]; after: { a: string; b: string; label: 0 | 1; cosine: number }[] };
  /** Mean training loss per epoch, and the loss per step. */
  epochLosses: number[];
  stepLosses: { step: number; loss: number }[];
  data: LearningDataSummary;
  loss: FineTuneLoss;
  /** `epochs` is the limit asked for; `epochSelection.epochs` the epochs the model was trained for. */
  hyperParameters: { epochs: number; batchSize: number; lr: number; seed: number; validation?: number; shapeFeatures?: boolean; learnOrderWeights?: boolean; adapter?: AdapterKind };
  /** How the epoch count was chosen on held-out training groups (absent with `validation` 0 or too little data). */
  epochSelection?: EpochSelection;
  /** What the collapse guard did when the epoch count could not be chosen (too few held-out synonym pairs). */
  collapseStop?: CollapseStop;
  /**
   * Present when the run added adjusted vectors to the folder (`FineTuneParams.adjust`): the method,
   * the table's rows (distinct dictionary terms) and how many of them moved. `before`/`after` are
   * the model's without the table.
   */
  adjusted?: { method: AdjustMethodName; terms: number; movedTerms: number };
  elapsedMs: number;
}

export interface FineTuneParams {
  /** The dictionary to learn from (open or on disk). */
  uri: string;
  /** Default `mnrl` when the file has no label-0 pair, else `cosent`. */
  loss?: FineTuneLoss;
  /** Default 10; with `validation` the limit of the epoch choice. */
  epochs?: number;
  /**
   * Share of the training pairs' synonym groups held out to choose the number of epochs (≤ `epochs`),
   * in [0, 0.5]; the model is then trained on every training pair for that count. Default 0.1; 0
   * trains for `epochs`. (docs/learning.md, "Choosing the number of epochs".)
   */
  validation?: number;
  /** Default 32. */
  batchSize?: number;
  /** Peak learning rate; default 0.01 for a char-n-gram model, 1e-3 for a transformer adapter. */
  lr?: number;
  /** Split and shuffle seed, default 42. */
  seed?: number;
  /**
   * Char-n-gram models: learn shape features (one row per n-gram kind and count — a term's form;
   * docs/learning.md). Default true.
   */
  shapeFeatures?: boolean;
  /** Char-n-gram models: learn one weight per n-gram kind. Default false. */
  learnOrderWeights?: boolean;
  /** Transformer models: `linear` residual adapter (default) or a one-hidden-layer residual `mlp`. */
  adapter?: AdapterKind;
  /**
   * After fine-tuning, also adjust the dictionary's terms as the fine-tuned model embeds them (all
   * pairs of the dictionary) and write the table into the new folder (`adjusted/`), which then
   * answers those terms from it. Default: no table.
   */
  adjust?: AdjustMethodName;
  /**
   * Output folder (must not exist; absolute, or relative to the dictionary's folder). Default
   * `<dictionary dir>/.synonym-lens/models/<dictionary name>-<timestamp>`.
   */
  outDir?: string;
  /**
   * After writing into the default folder (`.synonym-lens/models/`), keep only the newest this many
   * fine-tuned and adjusted folders there, never the document's current model nor the new one
   * (`synonymLens.fineTune.keepModels`). Absent: nothing is removed.
   */
  keepModels?: number;
  /** A client-created progress token (else the server creates one). */
  workDoneToken?: string | number;
}

/** A model folder removed after a job to keep the newest `keepModels` (`FineTuneParams.keepModels`). */
export interface RemovedModelFolder {
  /** Absolute path. */
  dir: string;
  /** Bytes freed. */
  bytes: number;
}

export interface FineTuneResult {
  /** Absolute path of the new model folder (loadable as a `synonymLens.model` setting). */
  modelDir: string;
  /** `report.json` in the model folder (and `report.md` next to it). */
  reportPath: string;
  report: LearningReport;
  /** Older folders removed to keep `keepModels` (absent or empty: none). */
  removedModels?: RemovedModelFolder[];
}

/**
 * Client → server request: fine-tunes the document's model on the dictionary, in a worker thread:
 * a char-n-gram model (embedded, or a fine-tuned copy) has its table trained, a transformer folder
 * gets a residual adapter over its frozen encoder. Reports work-done progress
 * (`epoch 3/10 loss 0.21`), is cancellable (request cancel or progress cancel: fails with
 * `RequestCancelled` and leaves no output folder), and writes the folder atomically.
 */
export namespace FineTuneRequest {
  export const method = 'synonymLens/fineTune' as const;
  export const type = new RequestType<FineTuneParams, FineTuneResult, void>(method);
}

export interface AdjustVectorsParams {
  uri: string;
  method: AdjustMethodName;
  /** Like `FineTuneParams.outDir`; default `<dictionary dir>/.synonym-lens/models/<name>-<method>-<timestamp>`. */
  outDir?: string;
  /** Like `FineTuneParams.keepModels`. */
  keepModels?: number;
  workDoneToken?: string | number;
}

export interface AdjustVectorsResult {
  /** Folder holding the adjusted-vector table over the base model (loadable as `synonymLens.model`). */
  modelDir: string;
  method: AdjustMethodName;
  /** Dictionary terms whose vectors were adjusted (terms in a usable pair). */
  movedTerms: number;
  /** Terms in the table. */
  terms: number;
  baseModelId: string;
  /** Like `FineTuneResult.removedModels`. */
  removedModels?: RemovedModelFolder[];
}

/**
 * Client → server request: adjusts the vectors of the dictionary's terms (seed / retrofit /
 * counterfit) and stores them as a model folder over the current model. Only dictionary terms move.
 * Progress and cancellation as `synonymLens/fineTune`.
 */
export namespace AdjustVectorsRequest {
  export const method = 'synonymLens/adjustVectors' as const;
  export const type = new RequestType<AdjustVectorsParams, AdjustVectorsResult, void>(method);
}

export interface EvaluateParams {
  uri: string;
  /** A model folder or `builtin` (default: the document's `synonymLens.model`). */
  modelDir?: string;
  /** Cosine threshold of the classification report, default 0.5. */
  threshold?: number;
  /**
   * Evaluate only the held-out side of the model's own split (the pairs its fine-tuning did not
   * train on). Only when the file is the model's training file (`TrainingDataOverlap.heldOutAvailable`);
   * `InvalidParams` otherwise.
   */
  heldOut?: boolean;
  workDoneToken?: string | number;
}

/** An evaluation on data the model was trained on (`EvaluateResult.training`). */
export interface TrainingDataOverlap {
  /** `same-file`: the file is the model's training file (same SHA-256); `overlap`: at least half its pairs were trained on. */
  kind: 'same-file' | 'overlap';
  /** Pairs of the file (sampled negatives not counted). */
  pairs: number;
  /** Of those, pairs the model was trained on. */
  trainedPairs: number;
  /** The training file's path as the model folder records it. */
  trainingFile?: string;
  /** The held-out side of the model's split can be evaluated instead (`EvaluateParams.heldOut`). */
  heldOutAvailable: boolean;
}

export interface EvaluateResult {
  modelId: string;
  /** On every pair of the file (plus sampled negatives when the file has no label-0 pair). */
  evaluation: Evaluation;
  /** The same as Markdown (metrics table and classification report). */
  markdown: string;
  sampledNegatives: number;
  /** Every evaluated pair with its cosine in [-1, 1] (the report's histogram and PR/ROC curves). */
  scores: { a: string; b: string; label: 0 | 1; cosine: number }[];
  /** Set when the model was trained on the file's pairs: its metrics say little about new pairs. */
  training?: TrainingDataOverlap;
  /** The evaluation was on the held-out side of the model's split (`EvaluateParams.heldOut`). */
  heldOut?: boolean;
}

/** Client → server request: evaluates a model on the dictionary's labelled pairs. Cancellable. */
export namespace EvaluateRequest {
  export const method = 'synonymLens/evaluate' as const;
  export const type = new RequestType<EvaluateParams, EvaluateResult, void>(method);
}

// ---------------------------------------------------------------------------------------------
// Model download (Select Embedding Model… → Download from Hugging Face)

/** Which ONNX file of a repository to fetch: `onnx/model.onnx`, `…_quantized.onnx` (int8) or `…_fp16.onnx`. */
export const MODEL_VARIANTS = ['fp32', 'quantized', 'fp16'] as const;
export type ModelVariant = (typeof MODEL_VARIANTS)[number];

export interface DownloadModelParams {
  /** Repository id `org/name`, e.g. `Xenova/bge-small-zh-v1.5`. */
  repo: string;
  /** Default `fp32`. */
  variant?: ModelVariant;
  /** Branch, tag or commit; default `main`. */
  revision?: string;
  /** Hub or mirror base URL; default the server's `HF_ENDPOINT`, else https://huggingface.co. */
  endpoint?: string;
  /** Absolute folder holding downloaded models; the model goes to `<modelsDir>/<org>--<name>`. */
  modelsDir: string;
  workDoneToken?: string | number;
}

export interface DownloadModelResult {
  /** Absolute path of the complete, verified model folder. */
  modelDir: string;
  repo: string;
  variant: ModelVariant;
  /** Bytes of the model's files. */
  bytes: number;
}

/** `data` of a failed `synonymLens/downloadModel` (InternalError): the downloader's failure kind. */
export interface DownloadModelErrorData {
  code: 'not-found' | 'unauthorized' | 'offline' | 'integrity' | 'stalled' | 'http' | 'no-variant' | 'unsafe-path';
}

/**
 * Client → server request: downloads an ONNX embedding model from the Hugging Face hub (or a
 * mirror) into `modelsDir`, verified and atomically (a model folder is complete or absent). Reports
 * work-done progress (`12.4 / 90.0 MB`), is cancellable (fails with `RequestCancelled`; partial
 * files stay for a later resume). A failure is an `InternalError` whose message is the
 * downloader's explanation (offline: names `HF_ENDPOINT` and `HTTPS_PROXY`) and whose `data` is a
 * `DownloadModelErrorData`. The server's current model is not touched.
 */
export namespace DownloadModelRequest {
  export const method = 'synonymLens/downloadModel' as const;
  export const type = new RequestType<DownloadModelParams, DownloadModelResult, DownloadModelErrorData>(method);
}

// ---------------------------------------------------------------------------------------------
// Synonym suggestions from term lists

export interface SuggestParams {
  /** The open dictionary to suggest for. */
  uri: string;
  /**
   * Term lists (one term a line, or a CSV with a term column and an optional count column):
   * absolute paths, or relative to the dictionary's folder. Default: the document's
   * `synonymLens.vocabularyFiles`.
   */
  termLists?: string[];
  /** Synonym candidates per group and per new term (default 10, at most 100). */
  k?: number;
  /** Leave out synonym candidates scoring below this (variants are kept). */
  minScore?: number;
  workDoneToken?: string | number;
}

export interface SuggestResult {
  uri: string;
  /** The document version the suggestions were computed on. */
  version: number;
  modelId: string;
  /** Distinct dictionary terms, and list terms not in the dictionary. */
  dictionaryTerms: number;
  newTerms: number;
  /** Pairs decided in the decisions file next to the dictionary (left out of the suggestions). */
  decisions: number;
  /** Highest score first; see docs/cli.md (`suggest`) for the score, the kinds and the evidence. */
  suggestions: Suggestion[];
}

/**
 * Client → server request: ranked synonym candidates for the dictionary from term lists, per
 * synonym group and as new groups, spelling variants told apart, decided pairs (the decisions
 * file next to the dictionary) and attribute-only pairs left out. Reports work-done progress,
 * is cancellable (fails with `RequestCancelled`), and pauses between steps so hovers keep
 * answering during a long run.
 */
export namespace SuggestRequest {
  export const method = 'synonymLens/suggest' as const;
  export const type = new RequestType<SuggestParams, SuggestResult, void>(method);
}

// ---------------------------------------------------------------------------------------------
// Deciding suggested pairs (the Synonym Suggestions view)

/** A suggested pair to decide: the standard term (or a new term), the candidate, and the group it would join. */
export interface DecidedPair {
  term: string;
  candidate: string;
  /** The members of the group the candidate joins (`Suggestion.group`); null or absent: a new group. */
  group?: string[] | null;
}

export interface DecidePairsParams {
  /** The open dictionary the pairs were suggested for. */
  uri: string;
  /**
   * `accept`: each pair is added to the dictionary, after the last row of its group (a new group
   * at the end), formatted like the file; `reject`: each pair is recorded as not synonyms — a
   * label-0 row when the dictionary has a label column, else a line of the decisions file beside it.
   */
  verdict: 'accept' | 'reject';
  pairs: DecidedPair[];
}

export interface DecidePairsResult {
  /** The dictionary version the edit was computed on. */
  version: number;
  /** Apply with `workspace.applyEdit` (`documentChanges`, the decisions file created when missing). */
  edit: WorkspaceEdit;
  /** Where the verdict went: the dictionary, or its decisions file. */
  recordedIn: 'dictionary' | 'decisions';
  /** The URI of the document the edit changes (the dictionary or its decisions file). */
  target: string;
}

/**
 * Client → server request: the one edit that records verdicts on suggested pairs (see
 * `DecidePairsParams.verdict`). Untouched bytes of both files stay identical. Fails with
 * `InvalidParams` for an empty term, a search engine file and a label-0 verdict it cannot record,
 * or a decisions file that does not read (naming its line).
 */
export namespace DecidePairsRequest {
  export const method = 'synonymLens/decidePairs' as const;
  export const type = new RequestType<DecidePairsParams, DecidePairsResult, void>(method);
}
