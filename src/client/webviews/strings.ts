/**
 * The webviews' user-visible texts in the display language, one table per view (the types are in
 * src/shared/webviewProtocol.ts). Pure (no `vscode` import): the host passes `vscode.l10n`, the
 * Chromium tests an English identity or a lookup in l10n/bundle.l10n.zh-cn.json, so the pages are
 * tested with exactly the tables the extension sends. `{n}` placeholders are left in the texts for
 * the page to fill (`vscode.l10n.t` leaves a placeholder without an argument as it is).
 *
 * Every text is a literal `l10n.t` call, so test/unit/l10n.test.ts checks its zh-cn translation.
 */
import type { HeatmapStrings, ReportStrings, TableStrings, WebviewStrings } from '../../shared/webviewProtocol';

/** The part of `vscode.l10n` the tables need. */
export interface Localizer {
  t(message: string): string;
}

export function tableStrings(l10n: Localizer): TableStrings {
  return {
    waitingForServer: l10n.t('Similarity: waiting for the language server…'),
    filterPlaceholder: l10n.t('Filter rows (all words must match)'),
    filterLabel: l10n.t('Filter rows'),
    issuesOnly: l10n.t('Issues only'),
    addRow: l10n.t('Add Row'),
    addRowTitle: l10n.t('Insert a row after the selected one (Insert)'),
    deleteRow: l10n.t('Delete Row'),
    deleteRowTitle: l10n.t('Delete the selected row (Delete)'),
    nextProblem: l10n.t('Next Problem'),
    nextProblemTitle: l10n.t('Select the next row with a problem or a flagged score (F8; Shift+F8 goes back)'),
    showInText: l10n.t('Show in Text'),
    showInTextTitle: l10n.t('Reveal the selected row in the text editor (Alt+Enter)'),
    heatmap: l10n.t('Heatmap'),
    heatmapTitle: l10n.t("Show the similarity heatmap of the selected term's group"),
    openText: l10n.t('Open as Text'),
    openTextTitle: l10n.t('Open the dictionary in the text editor'),
    gridLabel: l10n.t('Synonym table'),
    modelInfo: l10n.t('Model {0} · threshold {1}'),
    scoresUnavailable: l10n.t('Similarity unavailable: {0}'),
    sortBy: l10n.t('Sort by {0}'),
    pairScore: l10n.t('{0} ~ {1}: {2} (label {3})'),
    pairScoreFlagged: l10n.t('{0} ~ {1}: {2} (label {3}) — flagged'),
    rowCounts: l10n.t('{0} of {1} rows'),
    flaggedCount: l10n.t('{0} flagged'),
    noProblems: l10n.t('No problems or flagged scores in the shown rows.'),
    editCell: l10n.t('Edit {0}'),
    rowChanged: l10n.t('The row changed while you were editing it; the edit was not applied.'),
    updateLost: l10n.t('The edit was applied, but the table did not receive document version {0}; it may be out of date. Reopen the table to reload it.'),
    columnTerm: l10n.t('Term'),
    columnLabel: l10n.t('Label'),
    columnSynonym: l10n.t('Synonym'),
    columnSynonymN: l10n.t('Synonym {0}'),
    columnN: l10n.t('Column {0}'),
    columnSimilarity: l10n.t('Similarity'),
    columnSimilarityN: l10n.t('Similarity {0}'),
  };
}

export function heatmapStrings(l10n: Localizer): HeatmapStrings {
  return {
    matrixLabel: l10n.t('Matrix'),
    baseModel: l10n.t('Base model'),
    fineTuned: l10n.t('Fine-tuned'),
    difference: l10n.t('Difference (tuned − base)'),
    thresholdOutline: l10n.t('Threshold outline'),
    exportPng: l10n.t('Export PNG'),
    exportPngTitle: l10n.t('Save the heatmap as a PNG image'),
    refresh: l10n.t('Refresh'),
    refreshTitle: l10n.t('Recompute the matrix'),
    heatmapLabel: l10n.t('Similarity heatmap'),
    modeTitle: l10n.t('Base model, fine-tuned model, or their difference'),
    noTunedModel: l10n.t('No fine-tuned model to compare with.'),
    info: l10n.t('{0} terms · {1} dictionary pairs · {2}'),
    infoTruncated: l10n.t('{0} terms · {1} dictionary pairs · {2} · truncated'),
    onlyFirst: l10n.t('Only the first {0} terms are shown.'),
    legendCosine: l10n.t('cosine'),
    legendDifference: l10n.t('Δ cosine (tuned − base)'),
    thresholdTick: l10n.t('threshold {0}'),
    tipCosine: l10n.t('cosine {0}'),
    tipCosineTuned: l10n.t('cosine {0} base · {1} tuned'),
    tipCosineDifference: l10n.t('cosine {0} base · {1} tuned · Δ {2}'),
    sameTerm: l10n.t('same term'),
    inDictionary: l10n.t('in dictionary: yes, label {0} (line {1})'),
    notInDictionary: l10n.t('in dictionary: no'),
    pngSaved: l10n.t('PNG saved.'),
    exportFailed: l10n.t('Export failed: {0}'),
  };
}

export function reportStrings(l10n: Localizer): ReportStrings {
  return {
    reportTitle: l10n.t('Evaluation report'),
    epochChoice: l10n.t('Number of epochs'),
    validationAucCurve: l10n.t('Held-out ROC-AUC by epoch while choosing the number of epochs'),
    validationAuc: l10n.t('held-out ROC-AUC'),
    chosenEpoch: l10n.t('chosen epoch'),
    axisRocAuc: l10n.t('ROC-AUC'),
    epochChoiceSummary: l10n.t('Trained for {0} of at most {1} epochs: the count was chosen on {2} held-out pairs ({3} % of the training groups, with sampled non-synonyms when they had none) in a first run, then the model was trained on every training pair.'),
    epochChoiceFallback: l10n.t('Epoch {0} scored best, but a run of that length on every training pair moved random term pairs together, so the model was trained for all {1} epochs.'),
    epochChoiceRedone: l10n.t('That run moved random term pairs together; a run of all {0} epochs moved them more, so it was kept.'),
    trainingEpochsChosen: l10n.t('epochs trained'),
    epochsOfMax: l10n.t('{0} of at most {1}'),
    metaDictionary: l10n.t('dictionary {0}'),
    metaBaseModel: l10n.t('base model {0}'),
    metaModel: l10n.t('model {0}'),
    metaSource: l10n.t('from {0}'),
    trainingSameFile: l10n.t('Evaluated on its own training data: this file is the one the model was fine-tuned on, and {0} of its {1} pairs were trained on. These figures overstate how well the model scores new pairs.'),
    trainingOverlap: l10n.t('Evaluated on its own training data: {0} of the {1} pairs were trained on (from {2}). These figures overstate how well the model scores new pairs.'),
    trainingHeldOutHint: l10n.t('Choose "Evaluate on the held-out split" for the pairs the fine-tuning did not train on.'),
    trainingOtherFileHint: l10n.t('Evaluate on a file the model was not trained on for figures that hold for new pairs.'),
    heldOutNote: l10n.t('Held-out split only: the {0} pairs the fine-tuning did not train on (as in its report).'),
    metricsBeforeAfter: l10n.t('Metrics before and after fine-tuning'),
    metrics: l10n.t('Metrics'),
    trainingRun: l10n.t('Training run'),
    classificationReport: l10n.t('Classification report'),
    scoreDistribution: l10n.t('Score distribution by label'),
    curves: l10n.t('Precision–recall and ROC'),
    trainingLoss: l10n.t('Training loss'),
    before: l10n.t('Before'),
    after: l10n.t('After'),
    scores: l10n.t('Scores'),
    colMetric: l10n.t('metric'),
    colValue: l10n.t('value'),
    colBefore: l10n.t('before'),
    colAfter: l10n.t('after'),
    metricPairs: l10n.t('pairs'),
    metricAccuracyAt: l10n.t('accuracy @ {0}'),
    metricBestAccuracy: l10n.t('best accuracy'),
    metricBestAccuracyThreshold: l10n.t('best-accuracy threshold'),
    metricBestF1: l10n.t('best F1'),
    metricBestF1Threshold: l10n.t('best-F1 threshold'),
    metricPrecisionAtBestF1: l10n.t('precision @ best F1'),
    metricRecallAtBestF1: l10n.t('recall @ best F1'),
    metricAveragePrecision: l10n.t('average precision'),
    metricRocAuc: l10n.t('ROC-AUC'),
    metricMeanCosinePositive: l10n.t('mean cosine, synonyms'),
    metricMeanCosineNegative: l10n.t('mean cosine, non-synonyms'),
    metricRetrievalQueries: l10n.t('retrieval queries'),
    metricRecallAt1: l10n.t('recall@1'),
    metricRecallAt10: l10n.t('recall@10'),
    metricMrr: l10n.t('MRR'),
    metricVocabulary: l10n.t('vocabulary'),
    classificationCaption: l10n.t('{0} — at cosine {1}'),
    colPrecision: l10n.t('precision'),
    colRecall: l10n.t('recall'),
    colF1: l10n.t('f1-score'),
    colSupport: l10n.t('support'),
    rowNotSynonyms: l10n.t('0 (not synonyms)'),
    rowSynonyms: l10n.t('1 (synonyms)'),
    rowMacroAvg: l10n.t('macro avg'),
    rowWeightedAvg: l10n.t('weighted avg'),
    rowAccuracy: l10n.t('accuracy'),
    histogramTitle: l10n.t('{0}: cosine histogram by label'),
    axisCosine: l10n.t('cosine'),
    axisPairs: l10n.t('pairs'),
    threshold: l10n.t('threshold {0}'),
    legendSynonyms: l10n.t('synonyms ({0})'),
    legendNonSynonyms: l10n.t('non-synonyms ({0})'),
    chance: l10n.t('chance'),
    precisionRecall: l10n.t('Precision–recall'),
    precisionRecallCurve: l10n.t('Precision–recall curve'),
    roc: l10n.t('ROC'),
    rocCurve: l10n.t('ROC curve'),
    axisRecall: l10n.t('recall'),
    axisPrecision: l10n.t('precision'),
    axisFalsePositiveRate: l10n.t('false-positive rate'),
    axisTruePositiveRate: l10n.t('true-positive rate'),
    stepLoss: l10n.t('step loss'),
    epochMean: l10n.t('epoch mean'),
    trainingLossCurve: l10n.t('Training loss curve'),
    axisEpoch: l10n.t('epoch'),
    axisLoss: l10n.t('loss'),
    trainingPairs: l10n.t('pairs (train / dev / dropped)'),
    trainingSampledNegatives: l10n.t('sampled non-synonyms (dev)'),
    trainingLossName: l10n.t('loss'),
    trainingTime: l10n.t('time'),
    seconds: l10n.t('{0} s'),
  };
}

/** The table of `view`. */
export function webviewStrings<V extends keyof WebviewStrings>(view: V, l10n: Localizer): WebviewStrings[V] {
  const make = { table: tableStrings, heatmap: heatmapStrings, report: reportStrings } as const;
  return make[view](l10n) as WebviewStrings[V];
}
