/**
 * The language server's user-visible texts in the editor's display language: diagnostics
 * messages, hover labels, code action titles and progress (hover.ts, codeActions.ts, server.ts
 * and downloadHandler.ts call `l10n.t` for their own). The client passes VS Code's l10n bundle
 * (`vscode.l10n.bundle`) in `initializationOptions.l10nBundle` and `configureL10n` loads it; without
 * one `l10n.t` returns the English message, so the CLI, the tests and an English UI read exactly
 * what core writes (test/unit/serverMessages.test.ts checks each English text against core's).
 *
 * Model loading and download errors (`ModelLoadError`, `DownloadError`, `HttpError`) carry a
 * `messageId` and `args` beside their English `message` (src/runtime/model/errorMessages.ts) and are
 * said here the same way (`modelErrorMessage`).
 *
 * Every `l10n.t` takes a literal message, so test/unit/l10n.test.ts can check the zh-cn bundle.
 */
import * as l10n from '@vscode/l10n';
import type { Pair, PairIssue, Problem, ProblemMessageId } from '../core/csv/types';
import { formatCosine, type PairFlag, type Thresholds } from '../core/scoring';
import { isModelErrorText, type ModelErrorMessageId, type ModelErrorText } from '../runtime/model/errorMessages';
import type { VocabularySkip } from './vocabularyFile';

type Arg = string | number;

/** Loads a bundle (`{ english: translation }`); anything that is not one means English. */
export function configureL10n(bundle: unknown): boolean {
  if (typeof bundle !== 'object' || bundle === null || Array.isArray(bundle)) {
    l10n.config({ contents: {} });
    return false;
  }
  const contents: Record<string, string | { message: string; comment: string[] }> = {};
  for (const [k, v] of Object.entries(bundle as Record<string, unknown>)) {
    if (typeof v === 'string') contents[k] = v;
    else if (v && typeof v === 'object' && typeof (v as { message?: unknown }).message === 'string') contents[k] = { message: (v as { message: string }).message, comment: [] };
  }
  l10n.config({ contents });
  return true;
}

/** One function per parser message of core (`PROBLEM_MESSAGES`); the compiler keeps the table complete. */
export const problemTexts: Readonly<Record<ProblemMessageId, (...args: Arg[]) => string>> = {
  textAfterClosingQuote: (line, column) =>
    l10n.t('Line {0}, column {1}: text after the closing quote. A quote inside a quoted field must be doubled ("").', line!, column!),
  unterminatedQuote: (line, column) =>
    l10n.t('Line {0}, column {1}: the quote is never closed. The field is read up to the end of its line; add the closing quote.', line!, column!),
  quoteInUnquotedField: (line, column) =>
    l10n.t('Line {0}, column {1}: quote inside an unquoted field. Quote the whole field (nothing before the opening quote) and double inner quotes.', line!, column!),
  singleCell: (line) => l10n.t('Line {0} has a single cell; a row needs a term and at least one synonym.', line!),
  emptyTerm: (line) => l10n.t('Line {0}: the term (column 1) is empty.', line!),
  emptyBetweenSynonyms: (line, column) => l10n.t('Line {0}, column {1}: empty cell between synonyms.', line!, column!),
  noSynonym: (line) => l10n.t('Line {0} has no synonym.', line!),
  invalidLabel: (line, column, label) => l10n.t('Line {0}, column {1}: the label is "{2}"; expected 1 (synonyms) or 0 (not synonyms).', line!, column!, label!),
  emptyLabel: (line, column) => l10n.t('Line {0}, column {1}: the label is empty; expected 1 (synonyms) or 0 (not synonyms).', line!, column!),
  missingLabel: (line, columns, header) => l10n.t('Line {0} has {1} columns; the header has {2} (the label is missing).', line!, columns!, header!),
  extraColumns: (line, columns, header) =>
    l10n.t('Line {0} has {1} columns; the header has {2}. Cells beyond the header are ambiguous when there is a label column.', line!, columns!, header!),
  nulCharacter: (line) => l10n.t('Line {0}: NUL character (U+0000); the file may be binary or in UTF-16.', line!),
  solrTwoMappings: (line) => l10n.t('Invalid synonym rule at line {0}: more than one explicit mapping specified on the same line', line!),
  solrEliminated: (line, term) => l10n.t('Invalid synonym rule at line {0}: term: {1} was completely eliminated by analyzer', line!, term!),
  solrDanglingEscape: (line) => l10n.t('Line {0}: the rule ends with a lone backslash, which escapes nothing; the engine keeps it as a character of the term.', line!),
  solrSingleTerm: (line) => l10n.t('Line {0}: a rule with a single term maps nothing.', line!),
  solrIndentedComment: (line) => l10n.t('Line {0}: "#" is not the first character, so the engine reads this line as a rule, not a comment.', line!),
  esInvalidJson: (line, column, detail) => l10n.t('Line {0}, column {1}: invalid JSON: {2}.', line!, column!, detail!),
  esNoSynonymsSet: () => l10n.t('No "synonyms_set" array: a synonyms set is an object whose "synonyms_set" lists entries with an "id" and a "synonyms" rule.'),
  esInvalidRule: (line) => l10n.t('Line {0}: a synonyms set entry needs a "synonyms" string.', line!),
  esTooManyRules: (rules, limit) => l10n.t('The set has {0} rules; Elasticsearch accepts at most {1} rules in one synonyms set.', rules!, limit!),
};

/** A parser problem's message in the display language. */
export function problemMessage(p: Problem): string {
  const text = problemTexts[p.messageId];
  return text ? text(...p.args) : p.message;
}

/**
 * One function per model loading / download error text (`MODEL_ERROR_MESSAGES`); the compiler keeps
 * the table complete. Arguments arrive as strings: paths, sizes, and foreign text (onnxruntime's,
 * Node's) that stays as it is.
 */
export const modelErrorTexts: Readonly<Record<ModelErrorMessageId, (...args: Arg[]) => string>> = {
  builtinMissing: (...a) => l10n.t('The built-in model is missing from {0} (expected config.json and model.onnx; run `node scripts/build.mjs` to generate it).', ...a),
  folderNotFound: (...a) => l10n.t('Model folder not found: {0}', ...a),
  notAFolder: (...a) => l10n.t('Not a model folder: {0} is a file', ...a),
  notACharNgramFolder: (...a) => l10n.t('Not a model folder: {0} is a file (a model folder holds config.json and model.onnx)', ...a),
  noConfigJson: (...a) => l10n.t('Model folder has no config.json: {0}', ...a),
  invalidConfigJson: (...a) => l10n.t('Invalid JSON in {0}: {1}', ...a),
  invalidConfig: (...a) => l10n.t('Invalid {0}: {1}', ...a),
  unsupportedNoModelType: (...a) => l10n.t('Transformer model folders are not supported yet: {0} (config.json has no model_type; only "{1}" folders load for now)', ...a),
  unsupportedModelType: (...a) => l10n.t('Transformer model folders are not supported yet: {0} (config.json has model_type {1}; only "{2}" folders load for now)', ...a),
  modelFileNotFound: (...a) => l10n.t('Model file not found: {0}', ...a),
  transformerNoTokenizer: (...a) => l10n.t('{0} has a transformer config.json (model_type {1}) but no tokenizer.json, which transformer models need: copy tokenizer.json from the model\'s repository into the folder.', ...a),
  configNotObject: (...a) => l10n.t('{0} must be a JSON object with model_type, but it holds {1}.', ...a),
  modelFileIsFolder: (...a) => l10n.t('{0} is a folder where a file is expected.', ...a),
  modelFileLinkLoop: (...a) => l10n.t('{0} is a symbolic link that loops back on itself (ELOOP).', ...a),
  modelFileUnreadable: (...a) => l10n.t('Cannot read {0} ({1}).', ...a),
  dimensionTooSmall: (...a) => l10n.t('{0}: the model\'s vectors have dimension {1}; cosine similarity needs at least 2 (every pair would score 1.00). Is this an embedding model?', ...a),
  modelFileProblem: (...a) => l10n.t('{0}: {1}', ...a),
  hfCacheNoSnapshot: (...a) => l10n.t('The Hugging Face cache folder {0} has no snapshot', ...a),
  jsonMissing: (...a) => l10n.t('{0} is missing: {1}', ...a),
  jsonInvalid: (...a) => l10n.t('{0} is not valid JSON: {1} ({2})', ...a),
  jsonNotObject: (...a) => l10n.t('{0} is not a JSON object: {1}', ...a),
  noOnnxVariant: (...a) => l10n.t('No ONNX model in {0}: looked for {1} in {0}/onnx and {0}', ...a),
  noOnnxAny: (...a) => l10n.t('No ONNX model in {0}: looked for model.onnx, model_quantized.onnx, model_fp16.onnx or any *.onnx in {0}/onnx and {0}', ...a),
  onnxEmpty: (...a) => l10n.t('Not an ONNX model: {0} is empty', ...a),
  onnxUnreadable: (...a) => l10n.t('Not an ONNX model: {0} (onnxruntime: {1})', ...a),
  onnxNotLoadable: (...a) => l10n.t('Not an ONNX model onnxruntime can load: {0} (onnxruntime: {1})', ...a),
  externalDataUnreadable: (...a) => l10n.t('The external data of {0} is missing or unreadable (onnxruntime: {1})', ...a),
  cudaNotInstalled: (...a) =>
    l10n.t('the CUDA execution provider is not installed (available: {0}); reinstall onnxruntime-node without onnxruntime-node-install=skip on a machine with CUDA, or use cpu', ...a),
  unknownExecutionProvider: (...a) => l10n.t("unknown execution provider '{0}' (choose cpu, cuda or auto)", ...a),
  tooLarge: (...a) => l10n.t('The model is too large for the memory available: its weights take {0} ({1}) and about {2} are needed, but only {3} is free. Try the quantized variant.', ...a),
  tooLargeWithExternalData: (...a) => l10n.t('The model is too large for the memory available: its weights take {0} ({1} + external data) and about {2} are needed, but only {3} is free. Try the quantized variant.', ...a),
  notCharNgramGraph: (...a) => l10n.t('not a Synonym Lens char-n-gram model: expected inputs [ids, weights] and output [embedding], found inputs [{0}], outputs [{1}]', ...a),
  charNgramProbeFailed: (...a) => l10n.t('the model failed on a probe input: {0}', ...a),
  charNgramDimension: (...a) => l10n.t('the model\'s output does not match config.json (dimension {0})', ...a),
  notEncoderInputs: (...a) => l10n.t('The model\'s inputs ({0}) are not those of an encoder: expected input_ids and optionally attention_mask, token_type_ids', ...a),
  notEncoderInputsCannotFeed: (...a) => l10n.t('The model\'s inputs ({0}) are not those of an encoder: expected input_ids and optionally attention_mask, token_type_ids; cannot feed {1}', ...a),
  noPoolableOutput: (...a) => l10n.t('The model has no output the engine can pool: it has {0}; expected last_hidden_state, token_embeddings or sentence_embedding', ...a),
  outputShape: (...a) => l10n.t('Output {0} has shape [{1}]; expected {2}', ...a),
  vocabMismatch: (...a) => l10n.t('The tokenizer does not match the model: it produces ids up to {0}, beyond the model\'s embedding table. Is tokenizer.json from another model? (onnxruntime: {1})', ...a),
  vocabMismatchDeclared: (...a) => l10n.t('The tokenizer does not match the model: it produces ids up to {0}, beyond the model\'s embedding table (config.json says vocab_size {1}). Is tokenizer.json from another model? (onnxruntime: {2})', ...a),
  probeFailed: (...a) => l10n.t('The model failed on a test input: {0}', ...a),
  storedModelChanged: (...a) => l10n.t('{0}: the model changed since its vectors were kept (its files were replaced keeping their size and dates); the kept vectors were dropped and the terms are embedded again.', ...a),
  tokenizerDropsText: (...a) => l10n.t('tokenizer.json: the post-processor drops the text itself', ...a),
  tokenizerSpecialNotInVocab: (...a) => l10n.t('tokenizer.json: a special token of the post-processor template is not in the vocabulary ({0})', ...a),
  tokenizerNoRoom: (...a) => l10n.t('maximum length {0} leaves no room for text between the special tokens', ...a),
  tokenizerUnsupported: (...a) => l10n.t('tokenizer.json is not supported: {0}', ...a),
  adjustedMismatch: (...a) => l10n.t('{0}: {1} and {2} do not match ({3} terms × {4})', ...a),
  adjustedBaseChanged: (...a) => l10n.t('{0}: its base model {1} has changed since the vectors were adjusted; adjust them again.', ...a),
  adjustedTermsInvalid: (...a) => l10n.t('{0} is not a JSON array of terms', ...a),
  adjustedTermCount: (...a) => l10n.t('{0} says {1} terms, but {2} lists {3}', ...a),
  adjustedChecksum: (...a) => l10n.t('{0} does not match the checksum in {1} (sha256 {2} ≠ {3}): the file is damaged or was changed after it was written', ...a),
  adjustedConfigField: (...a) => l10n.t('Invalid {0}: "{1}" is missing or not a valid value', ...a),
  adjustedDimension: (...a) => l10n.t('{0}: the adjusted vectors have dimension {1}, but the model has dimension {2}', ...a),
  outputReadOnly: (...a) => l10n.t('Cannot write the model folder "{0}": {1} is on a read-only disk or folder. Choose an output folder you can write to, or make {1} writable.', ...a),
  outputNoSpace: (...a) => l10n.t('Not enough disk space to write the model folder "{0}" in {1}. Free some space (for example with "Synonym Lens: Clean Up Fine-tuned Models…") and try again.', ...a),
  outputNameTooLong: (...a) => l10n.t('The model folder name "{0}" is too long for this file system ({1} bytes). Choose a shorter output folder name.', ...a),
  outputNoPermission: (...a) => l10n.t('No permission to write the model folder "{0}" in {1}. Choose an output folder you can write to, or change the permissions of {1}.', ...a),
  notRepoId: (...a) => l10n.t('Not a repository id: "{0}" (expected org/name)', ...a),
  offline: (...a) => l10n.t('Cannot reach {0} ({1}). You may be offline, or the hub may be blocked here: set HF_ENDPOINT (or the synonymLens.hub.endpoint setting) to a mirror, or HTTPS_PROXY to your proxy. The built-in model stays in use.', ...a),
  listing: (...a) => l10n.t('Listing {0}@{1} at {2}', ...a),
  downloading: (...a) => l10n.t('Downloading {0} of {1}', ...a),
  notFound: (...a) => l10n.t('{0}: not found (HTTP 404). Check the repository id "{1}", the revision and the file name.', ...a),
  unauthorized: (...a) => l10n.t('{0}: HTTP {1}. The repository may be gated or private: accept its terms on the hub and set HF_TOKEN.', ...a),
  httpStatus: (...a) => l10n.t('{0}: HTTP {1}', ...a),
  noVariant: (...a) => l10n.t('The repository has no {0} ONNX model ({1}); available: {2} (use --variant).', ...a),
  noOnnxInRepo: (...a) => l10n.t('The repository has no ONNX model (looked for onnx/model*.onnx and model*.onnx). Try its ONNX export, e.g. a Xenova/… repository.', ...a),
  repoLacksFile: (...a) => l10n.t('The repository lacks {0}, which the engine needs.', ...a),
  repoLacksFiles: (...a) => l10n.t('The repository lacks {0} and {1}, which the engine needs.', ...a),
  unsafeRepoPath: (...a) => l10n.t('The hub listed a file path that is not a plain relative path inside the model folder: "{0}". Nothing was written; the hub or mirror may be hostile.', ...a),
  unsafeSymlink: (...a) => l10n.t('{0}: {1} is a symbolic link, and a download writes only plain files inside the model folder. Remove the link and try again.', ...a),
  unsafeExternalData: (...a) => l10n.t('The ONNX graph {0} names external data "{1}", which is not a plain relative path inside the model folder; the download was refused.', ...a),
  verificationFailed: (...a) => l10n.t('{0} from {1} failed verification ({2}); the partial file was deleted. The mirror may be serving corrupt data.', ...a),
  failedAfterAttempts: (...a) => l10n.t('{0}: {1} after {2} attempts', ...a),
  truncated: (...a) => l10n.t('truncated: {0} of {1} bytes', ...a),
  verificationRetry: (...a) => l10n.t('verification failed ({0}), downloading again', ...a),
  sizeMismatch: (...a) => l10n.t('size {0} ≠ {1} bytes', ...a),
  sha256Mismatch: (...a) => l10n.t('sha256 {0} ≠ {1}', ...a),
  gitSha1Mismatch: (...a) => l10n.t('git blob sha1 {0} ≠ {1}', ...a),
  serverError: (...a) => l10n.t('HTTP {0} for {1}', ...a),
  bodyStalled: (...a) => l10n.t('No data for {0} for {1} ms (stalled connection) after {2} bytes', ...a),
  invalidProxy: (...a) => l10n.t('Invalid proxy URL in the environment: {0}', ...a),
  proxySilent: (...a) => l10n.t('The proxy {0} did not answer within {1} ms', ...a),
  proxyRefused: (...a) => l10n.t('The proxy {0} refused the tunnel to {1}: HTTP {2}', ...a),
  proxyUnreachable: (...a) => l10n.t('Cannot reach the proxy {0}: {1}', ...a),
  hostSilent: (...a) => l10n.t('No data from {0} for {1} ms (stalled connection)', ...a),
  hostUnreachable: (...a) => l10n.t('Cannot reach {0}: {1}', ...a),
  tooManyRedirects: (...a) => l10n.t('Too many redirects from {0}', ...a),
  aborted: (...a) => l10n.t('aborted', ...a),
};

/** A model text in the display language, its nested texts too. */
export function modelErrorText(text: ModelErrorText): string {
  const args = text.args.map((a) => (typeof a === 'object' ? modelErrorText(a) : a));
  return modelErrorTexts[text.messageId](...args);
}

/**
 * What a failed model load or download says in the display language: a `ModelLoadError`,
 * `DownloadError` or `HttpError` by its id; any other error by its own (English) message.
 */
export function modelErrorMessage(e: unknown): string {
  if (isModelErrorText(e)) return modelErrorText(e);
  return e instanceof Error ? e.message : String(e);
}

const lineOf = (p: Pair) => p.a.range.start.line + 1;

/** A pair issue's message (core's `PairIssue.message` in the display language). */
export function issueMessage(issue: PairIssue): string {
  const { pair, first } = issue;
  const show = `"${pair.a.text}" ~ "${pair.b.text}"`;
  const line = lineOf(pair);
  switch (issue.kind) {
    case 'self-pair':
      return l10n.t('Line {0}: {1} pairs a term with itself.', line, show);
    case 'conflicting-label':
      return l10n.t('Line {0}: {1} has label {2}, but line {3} gives it label {4}.', line, show, pair.label, lineOf(first!), first!.label);
    case 'duplicate':
      return l10n.t('Line {0}: {1} repeats line {2}.', line, show, lineOf(first!));
    case 'reversed-duplicate':
      return l10n.t('Line {0}: {1} repeats line {2} in reverse order.', line, show, lineOf(first!));
  }
}

/** The related-information line of a repeated or conflicting pair: where it first appears. */
export function firstPairMessage(first: Pair): string {
  return l10n.t('first: {0} ~ {1} (label {2}, line {3})', first.a.text, first.b.text, first.label, lineOf(first));
}

/** A flagged pair's message (core's `pairFlagMessage`, which the CLI prints, in the display language). */
export function flagMessage(pair: Pair, cosine: number, flag: PairFlag, t: Thresholds): string {
  const shown = `${pair.a.text} ~ ${pair.b.text}`;
  if (flag === 'low-similarity') {
    return l10n.t('{0}: cosine {1} < {2} — the model does not treat these as synonyms', shown, formatCosine(cosine), formatCosine(t.threshold));
  }
  return l10n.t('{0}: cosine {1} > {2} although labelled 0 — the model confuses these non-synonyms', shown, formatCosine(cosine), formatCosine(t.negativeThreshold));
}

export function unknownTermMessage(term: string, modelId: string, units: number): string {
  return l10n.t('{0}: the model {1} knows none of its {2} unit(s) (all unknown tokens), so its vector says nothing about its meaning', term, modelId, units);
}

export function termTooLongMessage(term: string, units: number, max: number | undefined): string {
  return l10n.t("{0}: {1} units exceed the model's input of {2}; the rest is cut off before embedding", term, units, String(max));
}

/** The inlay hint's tooltip: on which side of the threshold a pair's cosine falls. */
export function pairVerdict(pair: Pair, cosine: number, t: Thresholds): string {
  const c = formatCosine(cosine);
  if (pair.label === 1) {
    const th = formatCosine(t.threshold);
    return cosine < t.threshold
      ? l10n.t('cosine {0} < {1} (threshold): below — the model does not treat these as synonyms', c, th)
      : l10n.t('cosine {0} ≥ {1} (threshold): above — the model treats these as synonyms', c, th);
  }
  const nt = formatCosine(t.negativeThreshold);
  return cosine > t.negativeThreshold
    ? l10n.t('cosine {0} > {1} (negative threshold): above — labelled 0, but the model finds them similar', c, nt)
    : l10n.t('cosine {0} ≤ {1} (negative threshold): below — agrees with label 0', c, nt);
}

/** Why a vocabulary file was skipped, for the warning the user sees. */
export function vocabularySkippedMessage(file: string, skip: VocabularySkip): string {
  switch (skip.reason) {
    case 'not-regular':
      switch (skip.kind) {
        case 'fifo':
          return l10n.t('Vocabulary file {0} was skipped: it is a FIFO (named pipe), not a regular file.', file);
        case 'device':
          return l10n.t('Vocabulary file {0} was skipped: it is a device, not a regular file.', file);
        case 'directory':
          return l10n.t('Vocabulary file {0} was skipped: it is a folder, not a file.', file);
        default:
          return l10n.t('Vocabulary file {0} was skipped: it is not a regular file.', file);
      }
    case 'too-large':
      return l10n.t('Vocabulary file {0} was skipped: it is larger than {1} MB.', file, Math.round(skip.limit / (1024 * 1024)));
    case 'timeout':
      return l10n.t('Vocabulary file {0} was skipped: reading it took longer than {1} seconds.', file, Math.round(skip.ms / 1000));
    case 'unreadable':
      return l10n.t('Vocabulary file {0} was skipped: it cannot be read ({1}).', file, skip.detail);
  }
}

/** A structured edit refused because the file has an unclosed quote before it (core `UnsafeEditError`). */
export function unsafeEditMessage(line: number): string {
  return l10n.t('Line {0} has a quote that is never closed, so this edit could change how the rows after it are read. Close that quote first.', line);
}
