/**
 * Messages between the extension host and the Synonym Lens webviews (table editor, similarity
 * heatmap, evaluation report), defined once and imported by both sides (the pattern of
 * microsoft/vscode-hexeditor `shared/protocol.ts`).
 *
 * Every message is a discriminated union on `type`. Messages that expect an answer carry a
 * `requestId` chosen by the sender; the answer is a `response` message with the same id, `ok` and,
 * when it failed, a human-readable `error`. Fire-and-forget messages carry no id.
 */
import type { DictionaryFormat } from '../core/formats/dictionary';
import type { EpochSelection } from '../core/learn/epochs';
import type { Evaluation } from '../core/learn/evaluate';
import type { Suggestion } from '../core/suggest/suggest';
import type { PairScore, TrainingDataOverlap } from './protocol';

// ---------------------------------------------------------------------------------------------
// User-visible strings
//
// Pages never hard-code a user-visible text: the host puts the table of its view, built with
// `vscode.l10n.t` in the display language (src/client/webviews/strings.ts), into the page shell
// (`<body data-strings>`, html.ts), where it is there before the first paint and again whenever
// VS Code restores the page. `{0}`, `{1}` … are filled in by the page (webview/common/strings.ts).

/** The table editor's texts. */
export interface TableStrings {
  waitingForServer: string;
  filterPlaceholder: string;
  filterLabel: string;
  issuesOnly: string;
  addRow: string;
  addRowTitle: string;
  deleteRow: string;
  deleteRowTitle: string;
  nextProblem: string;
  nextProblemTitle: string;
  showInText: string;
  showInTextTitle: string;
  heatmap: string;
  heatmapTitle: string;
  openText: string;
  openTextTitle: string;
  gridLabel: string;
  /** {0} model id, {1} threshold. */
  modelInfo: string;
  /** {0} reason. */
  scoresUnavailable: string;
  /** {0} column title. */
  sortBy: string;
  /** {0} term, {1} synonym, {2} cosine, {3} label. */
  pairScore: string;
  /** As `pairScore`, for a flagged pair. */
  pairScoreFlagged: string;
  /** {0} rows shown, {1} rows in all. */
  rowCounts: string;
  /** {0} flagged rows. */
  flaggedCount: string;
  noProblems: string;
  /** {0} column title (the cell editor's aria-label). */
  editCell: string;
  rowChanged: string;
  /** {0} document version the host said an edit produced, which never reached the table. */
  updateLost: string;
  columnTerm: string;
  columnLabel: string;
  columnSynonym: string;
  /** {0} synonym number. */
  columnSynonymN: string;
  /** {0} 1-based column number. */
  columnN: string;
  columnSimilarity: string;
  /** A numbered similarity column, when a row holds several synonyms: `Similarity {0}`. */
  columnSimilarityN: string;
  /** Solr and ES files: the column showing each rule's direction, and its cells' tooltips. */
  columnRule: string;
  ruleEquivalent: string;
  ruleExplicit: string;
  /** ES synonyms sets: the rule id column. */
  columnId: string;
  /** As `pairScore`, for a one-way pair of an explicit rule: {0} input, {1} output. */
  pairScoreOneWay: string;
  pairScoreOneWayFlagged: string;
}

/** The similarity heatmap's texts. */
export interface HeatmapStrings {
  matrixLabel: string;
  baseModel: string;
  fineTuned: string;
  difference: string;
  thresholdOutline: string;
  exportPng: string;
  exportPngTitle: string;
  refresh: string;
  refreshTitle: string;
  heatmapLabel: string;
  modeTitle: string;
  noTunedModel: string;
  /** {0} terms, {1} dictionary pairs, {2} model. */
  info: string;
  /** As `info`, when the terms were truncated. */
  infoTruncated: string;
  /** {0} terms shown. */
  onlyFirst: string;
  legendCosine: string;
  legendDifference: string;
  /** {0} threshold. */
  thresholdTick: string;
  /** {0} cosine. */
  tipCosine: string;
  /** {0} base cosine, {1} fine-tuned cosine. */
  tipCosineTuned: string;
  /** {0} base, {1} fine-tuned, {2} difference. */
  tipCosineDifference: string;
  sameTerm: string;
  /** Labels of the model pickers. */
  modelA: string;
  modelB: string;
  /** {0} terms: too many to label (hover names the cell). */
  labelsHidden: string;
  /** {0} label, {1} line. */
  inDictionary: string;
  notInDictionary: string;
  pngSaved: string;
  /** {0} reason. */
  exportFailed: string;
}

/** The evaluation report's texts. */
export interface ReportStrings {
  reportTitle: string;
  /** Section and chart of the epoch choice. */
  epochChoice: string;
  validationAucCurve: string;
  validationAuc: string;
  chosenEpoch: string;
  axisRocAuc: string;
  /** {0} epochs trained, {1} limit, {2} held-out pairs, {3} share of groups in %. */
  epochChoiceSummary: string;
  /** {0} best epoch, {1} limit. */
  epochChoiceFallback: string;
  /** {0} limit. */
  epochChoiceRedone: string;
  /** Training table row: epochs trained / limit. */
  trainingEpochsChosen: string;
  /** {0} epochs trained, {1} limit. */
  epochsOfMax: string;
  /** {0} dictionary. */
  metaDictionary: string;
  /** {0} model id. */
  metaBaseModel: string;
  /** {0} model id. */
  metaModel: string;
  /** {0} file. */
  metaSource: string;
  /** {0} pairs trained on, {1} pairs of the file: the file is the model's training file. */
  trainingSameFile: string;
  /** {0} pairs trained on, {1} pairs of the file, {2} the training file. */
  trainingOverlap: string;
  /** What to do instead when the held-out split can be evaluated. */
  trainingHeldOutHint: string;
  /** What to do instead otherwise. */
  trainingOtherFileHint: string;
  /** {0} held-out pairs: this evaluation is on the held-out split. */
  heldOutNote: string;
  metricsBeforeAfter: string;
  metrics: string;
  trainingRun: string;
  classificationReport: string;
  scoreDistribution: string;
  curves: string;
  trainingLoss: string;
  before: string;
  after: string;
  scores: string;
  colMetric: string;
  colValue: string;
  colBefore: string;
  colAfter: string;
  metricPairs: string;
  /** {0} threshold. */
  metricAccuracyAt: string;
  metricBestAccuracy: string;
  metricBestAccuracyThreshold: string;
  metricBestF1: string;
  metricBestF1Threshold: string;
  metricPrecisionAtBestF1: string;
  metricRecallAtBestF1: string;
  metricAveragePrecision: string;
  metricRocAuc: string;
  metricMeanCosinePositive: string;
  metricMeanCosineNegative: string;
  metricRetrievalQueries: string;
  metricRecallAt1: string;
  metricRecallAt10: string;
  metricMrr: string;
  metricVocabulary: string;
  /** {0} "Before" / "After", {1} threshold. */
  classificationCaption: string;
  colPrecision: string;
  colRecall: string;
  colF1: string;
  colSupport: string;
  rowNotSynonyms: string;
  rowSynonyms: string;
  rowMacroAvg: string;
  rowWeightedAvg: string;
  rowAccuracy: string;
  /** {0} "Before" / "After" / "Scores". */
  histogramTitle: string;
  axisCosine: string;
  axisPairs: string;
  /** {0} threshold. */
  threshold: string;
  /** {0} count. */
  legendSynonyms: string;
  /** {0} count. */
  legendNonSynonyms: string;
  chance: string;
  precisionRecall: string;
  precisionRecallCurve: string;
  roc: string;
  rocCurve: string;
  axisRecall: string;
  axisPrecision: string;
  axisFalsePositiveRate: string;
  axisTruePositiveRate: string;
  stepLoss: string;
  epochMean: string;
  trainingLossCurve: string;
  axisEpoch: string;
  axisLoss: string;
  trainingPairs: string;
  trainingSampledNegatives: string;
  trainingLossName: string;
  trainingTime: string;
  /** {0} seconds. */
  seconds: string;
}

/** The strings table of each view. */
export interface WebviewStrings {
  table: TableStrings;
  heatmap: HeatmapStrings;
  report: ReportStrings;
  suggestions: SuggestionsStrings;
}

// ---------------------------------------------------------------------------------------------
// Request/response plumbing

/** The answer to a request; `requestId` matches the request's. */
export interface ResponseMessage<R = unknown> {
  type: 'response';
  requestId: number;
  ok: boolean;
  /** Set when `ok` is true and the request has a result. */
  result?: R;
  /** Human-readable reason, set when `ok` is false. */
  error?: string;
}

// ---------------------------------------------------------------------------------------------
// Table editor (custom text editor `synonymLens.table`)

/**
 * A cell's similarity information for one pair of a row (term vs one synonym cell): the server's
 * `PairScore` without source ranges, which the grid does not need. Term and synonym texts are
 * trimmed and let the grid check that a score still belongs to its row.
 */
export type TablePairScore = Omit<PairScore, 'termRange' | 'synonymRange'>;

/** A diagnostic of the document, attached to the data row it falls in. */
export interface TableDiagnostic {
  /** 0-based data row index, or -1 for the header / outside any row. */
  row: number;
  /** CSV column (0-based) when the diagnostic covers one cell, else undefined. */
  column?: number;
  severity: 'error' | 'warning' | 'info' | 'hint';
  message: string;
  code?: string;
}

/** Host → table webview. */
export type ToTableMessage =
  | {
      /**
       * The whole document text at `version`; the webview parses it with core's
       * `parseAnyDictionary` in `format` (a CSV's rows, or the rules of a Solr file or ES synonyms set).
       */
      type: 'document';
      uri: string;
      version: number;
      text: string;
      format: DictionaryFormat;
    }
  | {
      /** Similarity scores from `synonymLens/pairScores`; `version` is the text they belong to. */
      type: 'scores';
      version: number;
      modelId: string;
      threshold: number;
      negativeThreshold: number;
      pairs: TablePairScore[];
    }
  | {
      /** Scores are unavailable (model loading, server stopped, request failed). */
      type: 'scoresUnavailable';
      reason: string;
    }
  | { type: 'diagnostics'; version: number; items: TableDiagnostic[] }
  | ResponseMessage;

/** Table webview → host. Edit requests name the document `version` the webview saw. */
export type FromTableMessage =
  | { type: 'ready' }
  | {
      /** Replace data row `row`'s values (all its fields) by `values`. */
      type: 'editRow';
      requestId: number;
      version: number;
      row: number;
      values: string[];
    }
  | {
      /** Insert a record; `afterRow` as in core's `insertRowEdit` (omitted = at the end). */
      type: 'insertRow';
      requestId: number;
      version: number;
      values: string[];
      afterRow?: number;
    }
  | {
      /**
       * Solr and ES files: set term `column` (inputs then outputs) of rule `row` to `value`; an
       * empty value removes the term, a column past the rule's last term adds one at its end.
       */
      type: 'editTerm';
      requestId: number;
      version: number;
      row: number;
      column: number;
      value: string;
    }
  | {
      /** Delete data rows (CSV records, or the rules of a Solr file or ES synonyms set). */
      type: 'deleteRows';
      requestId: number;
      version: number;
      rows: number[];
    }
  | {
      /** Show data row `row` (cell `column` when given) in a text editor beside the table. */
      type: 'revealRow';
      row: number;
      column?: number;
    }
  | { type: 'openHeatmap'; terms?: string[]; term?: string }
  | { type: 'openText' };

/** Result of an edit request: the document version after the edit. */
export interface EditResult {
  version: number;
}

/** State the table webview keeps across hide/show through `vscode.setState`. */
export interface TableState {
  sort?: { column: string; descending: boolean };
  filter?: string;
  flaggedOnly?: boolean;
  scrollTop?: number;
  selected?: { row: number; column: number };
}

// ---------------------------------------------------------------------------------------------
// Similarity heatmap (webview panel `synonymLens.heatmap`)

/** A pair of the dictionary among the heatmap's terms: indices into `terms`. */
export interface HeatmapPair {
  i: number;
  j: number;
  label: 0 | 1;
  /** 0-based data row of the first occurrence. */
  row: number;
  /**
   * 0-based document line where that row starts. People are shown `line + 1`: the number the text
   * editor's gutter and the table's `#` column show (a data row index is off by the header).
   */
  line: number;
}

/** Which matrix the heatmap shows. `difference` = tuned − base. */
/** Model A (`base`), model B (`tuned`) or B − A. */
export type HeatmapMode = 'base' | 'tuned' | 'difference';

/** A model the heatmap can draw: `key` is what the host asks the server for (`''`: the dictionary's own model). */
export interface HeatmapModel {
  key: string;
  /** Its name for people: the model in use, the embedded ones, each model folder beside the dictionary. */
  label: string;
}

export interface HeatmapData {
  uri: string;
  version: number;
  /** Model A's id (the `matrix`). */
  modelId: string;
  /** Terms in group order. */
  terms: string[];
  /** Group index per term (non-decreasing). */
  groups: number[];
  /** n×n cosines in [-1, 1], row-major. */
  matrix: Float32Array | number[];
  /** Model B's matrix over the same terms (the one compared with A), when one is available. */
  tuned?: Float32Array | number[];
  tunedModelId?: string;
  /** Why there is no `tuned` matrix (the disabled mode toggle's tooltip), when there is none. */
  tunedUnavailable?: string;
  /** The models to choose A and B from, and the keys of those drawn. */
  models?: HeatmapModel[];
  modelA?: string;
  modelB?: string;
  pairs: HeatmapPair[];
  /** Diagnostics threshold (cosine). */
  threshold: number;
  truncated: boolean;
  /** The term the view was opened for, if any (highlighted). */
  focus?: string;
  /** The explicit term list the view was opened with, if any (kept in the webview's state). */
  requestedTerms?: string[];
}

/** Host → heatmap webview. */
export type ToHeatmapMessage =
  | { type: 'matrix'; data: HeatmapData }
  | { type: 'loading'; message: string }
  | { type: 'failed'; message: string }
  | ResponseMessage;

/** Heatmap webview → host. */
export type FromHeatmapMessage =
  | { type: 'ready' }
  | {
      /** Reveal the pair (a, b) in a text editor: its row when it is in the dictionary, else term a. */
      type: 'revealPair';
      a: string;
      b: string;
      row?: number;
    }
  | {
      /** Save a PNG (`data:image/png;base64,…`) through a save dialog. */
      type: 'exportPng';
      requestId: number;
      dataUrl: string;
      suggestedName: string;
    }
  | { type: 'refresh' }
  /** Draw models `a` and `b` (keys of `HeatmapData.models`). */
  | { type: 'compare'; a: string; b: string };

/** State the heatmap webview keeps (also what the panel serializer restores from). */
export interface HeatmapState {
  uri?: string;
  terms?: string[];
  focus?: string;
  mode?: HeatmapMode;
  outline?: boolean;
  /** The models chosen as A and B. */
  compare?: { a: string; b: string };
}

// ---------------------------------------------------------------------------------------------
// Evaluation report (webview panel `synonymLens.report`)

/** One scored evaluation pair, for the histogram and the PR/ROC curves. */
export interface ScoredPair {
  /** Cosine similarity in [-1, 1]. */
  cosine: number;
  label: 0 | 1;
  a?: string;
  b?: string;
}

/**
 * The report JSON `synonymLens.showReport` reads (a file or an object). `before`/`after` are core's
 * `Evaluation` objects (`src/core/learn/evaluate.ts`); the rest is optional and its section is
 * left out when missing.
 */
export interface EvaluationReport {
  title?: string;
  /** ISO date-time. */
  createdAt?: string;
  dictionary?: string;
  baseModelId?: string;
  modelId?: string;
  before: Evaluation;
  after?: Evaluation;
  /** Scored dev pairs per model (histogram, PR and ROC curves). */
  scores?: { before?: ScoredPair[]; after?: ScoredPair[] };
  /** Mean training loss per epoch. */
  epochLosses?: number[];
  /** Training loss per step (drawn under the epoch means when given). */
  stepLosses?: { step: number; loss: number }[];
  /** How the pairs were split (`LearningDataSummary` of protocol.ts). */
  data?: { pairs: number; train: number; dev: number; dropped: number; sampledNegatives: number };
  /** Training loss name, hyper-parameters and duration (ms) of a fine-tuning run. */
  loss?: string;
  hyperParameters?: Record<string, number | boolean | string>;
  /** How a fine-tuning run chose its epoch count (protocol.ts `LearningReport.epochSelection`). */
  epochSelection?: EpochSelection;
  elapsedMs?: number;
  /** An evaluation on pairs the model was trained on (protocol.ts `EvaluateResult.training`): said prominently. */
  training?: TrainingDataOverlap;
  /** An evaluation on the held-out side of the model's split only (`EvaluateResult.heldOut`). */
  heldOut?: boolean;
}

/** Host → report webview. */
export type ToReportMessage = { type: 'report'; report: EvaluationReport; source?: string } | ResponseMessage;

/** Report webview → host. */
export type FromReportMessage = { type: 'ready' };

/** State of the report webview: the report itself, so a restored panel needs no host round-trip. */
export interface ReportState {
  report?: EvaluationReport;
  source?: string;
}

// ---------------------------------------------------------------------------------------------
// Synonym Suggestions (webview panel `synonymLens.suggestions`)

/** The Synonym Suggestions view's texts. */
export interface SuggestionsStrings {
  filterPlaceholder: string;
  filterLabel: string;
  refresh: string;
  refreshTitle: string;
  fineTune: string;
  fineTuneTitle: string;
  acceptSelected: string;
  acceptSelectedTitle: string;
  acceptAllVariants: string;
  acceptAllVariantsTitle: string;
  synonymsHeading: string;
  variantsHeading: string;
  listLabel: string;
  keysHelp: string;
  /** {0} candidates shown, {1} new terms in the lists, {2} model id. */
  info: string;
  /** {0} candidates drawn, {1} candidates of the run (the highest scores are drawn). */
  truncated: string;
  /** {0} decisions since the newest fine-tuned model was made. */
  decisionsSince: string;
  /** {0} decisions; no fine-tuned model of this dictionary yet. */
  decisionsNoModel: string;
  /** {0} members of the group the candidate joins. */
  joinsGroup: string;
  newGroup: string;
  /** {0} cosine. */
  evidenceCosine: string;
  /** {0} the candidate's rank among the group's nearest terms, {1} the group's rank among the candidate's. */
  evidenceRanks: string;
  /** {0} nearest member. */
  evidenceNearest: string;
  /** {0} count in the term list. */
  evidenceCount: string;
  /** {0} score. */
  evidenceScore: string;
  rankNone: string;
  busyRefresh: string;
  busyFineTune: string;
  empty: string;
  allDecided: string;
  /** {0} term, {1} candidate. */
  accepted: string;
  rejected: string;
  /** {0} pairs. */
  acceptedMany: string;
  rejectedMany: string;
  undone: string;
  nothingToUndo: string;
  /** {0} reason. */
  failed: string;
  kindSynonym: string;
  kindWidth: string;
  kindCase: string;
  kindTraditionalSimplified: string;
  kindSpacing: string;
  kindPinyin: string;
  kindEditDistance: string;
}

/** The most candidates the host sends the view (the highest scores), and the most it draws at once. */
export const SUGGESTIONS_SENT = 20_000;
export const SUGGESTIONS_DRAWN = 2_000;

/** A suggestion as the view shows it: the server's `Suggestion` with an id the view and host share. */
export interface SuggestionItem extends Suggestion {
  id: number;
}

/** What the view shows: the suggestions of one run and how many decisions were made since the last fine-tune. */
export interface SuggestionsData {
  /** The dictionary's file name. */
  dictionary: string;
  /** The dictionary's URI and the term lists of the run: the page keeps them (`SuggestionsState`) so a window reload runs them again. */
  uri: string;
  termLists: string[];
  modelId: string;
  newTerms: number;
  /** The run's candidates, highest score first (at most `SUGGESTIONS_SENT` of them). */
  items: SuggestionItem[];
  /** How many candidates the run found (more than `items` when it found more than are sent). */
  total: number;
  decisions: DecisionsCount;
}

/** What the suggestions page keeps across a window reload (`getState`), for the panel serializer. */
export interface SuggestionsState {
  uri?: string;
  termLists?: string[];
}

/** Decisions recorded since the newest fine-tuned model of the dictionary (all of them when there is none). */
export interface DecisionsCount {
  since: number;
  /** Whether the dictionary has a fine-tuned model the count is measured from. */
  hasModel: boolean;
}

/** Host → suggestions webview. */
export type ToSuggestionsMessage =
  | { type: 'suggestions'; data: SuggestionsData }
  | { type: 'busy'; what: 'refresh' | 'fineTune' | undefined }
  | { type: 'decisions'; decisions: DecisionsCount }
  | ResponseMessage;

/** Suggestions webview → host. */
export type FromSuggestionsMessage =
  | { type: 'ready' }
  /** Records the verdict on the items (`accept` adds them to the dictionary, `reject` records label 0). */
  | { type: 'decide'; requestId: number; verdict: 'accept' | 'reject'; ids: number[] }
  /** Takes the last verdict back; the result is the `ids` it covered (`UndoResult`). */
  | { type: 'undo'; requestId: number }
  | { type: 'refresh' }
  | { type: 'fineTune' };

export interface UndoResult {
  ids: number[];
}
