/**
 * The texts of model loading and download errors, one English template per id with `{n}`
 * placeholders. Errors carry the id and the arguments (`LocalizableError.messageId`, `.args`) next
 * to their English `message`, which the CLI prints; the language server shows the same error in
 * the editor's display language from the id (src/server/messages.ts `modelErrorTexts`, whose
 * English test/unit/serverMessages.test.ts checks against these templates).
 *
 * An argument may itself be such a text (a nested cause, e.g. why a download stalled), so the
 * whole message follows the display language; foreign text (onnxruntime's, Node's, a JSON parser's)
 * stays a plain string argument, untranslated.
 */
import { formatMessage } from '../../core/csv/messages';

export const MODEL_ERROR_MESSAGES = {
  // Model folders (load.ts, transformer/layout.ts).
  builtinMissing: 'The built-in model is missing from {0} (expected config.json and model.onnx; run `node scripts/build.mjs` to generate it).',
  folderNotFound: 'Model folder not found: {0}',
  notAFolder: 'Not a model folder: {0} is a file',
  notACharNgramFolder: 'Not a model folder: {0} is a file (a model folder holds config.json and model.onnx)',
  noConfigJson: 'Model folder has no config.json: {0}',
  invalidConfigJson: 'Invalid JSON in {0}: {1}',
  invalidConfig: 'Invalid {0}: {1}',
  unsupportedNoModelType: 'Transformer model folders are not supported yet: {0} (config.json has no model_type; only "{1}" folders load for now)',
  unsupportedModelType: 'Transformer model folders are not supported yet: {0} (config.json has model_type {1}; only "{2}" folders load for now)',
  modelFileNotFound: 'Model file not found: {0}',
  transformerNoTokenizer: '{0} has a transformer config.json (model_type {1}) but no tokenizer.json, which transformer models need: copy tokenizer.json from the model\'s repository into the folder.',
  configNotObject: '{0} must be a JSON object with model_type, but it holds {1}.',
  modelFileIsFolder: '{0} is a folder where a file is expected.',
  modelFileLinkLoop: '{0} is a symbolic link that loops back on itself (ELOOP).',
  modelFileUnreadable: 'Cannot read {0} ({1}).',
  dimensionTooSmall: '{0}: the model\'s vectors have dimension {1}; cosine similarity needs at least 2 (every pair would score 1.00). Is this an embedding model?',
  modelFileProblem: '{0}: {1}',
  hfCacheNoSnapshot: 'The Hugging Face cache folder {0} has no snapshot',
  jsonMissing: '{0} is missing: {1}',
  jsonInvalid: '{0} is not valid JSON: {1} ({2})',
  jsonNotObject: '{0} is not a JSON object: {1}',
  noOnnxVariant: 'No ONNX model in {0}: looked for {1} in {0}/onnx and {0}',
  noOnnxAny: 'No ONNX model in {0}: looked for model.onnx, model_quantized.onnx, model_fp16.onnx or any *.onnx in {0}/onnx and {0}',
  // ONNX graphs (load.ts, builtinEngine.ts, transformer/engine.ts).
  onnxEmpty: 'Not an ONNX model: {0} is empty',
  onnxUnreadable: 'Not an ONNX model: {0} (onnxruntime: {1})',
  onnxNotLoadable: 'Not an ONNX model onnxruntime can load: {0} (onnxruntime: {1})',
  externalDataUnreadable: 'The external data of {0} is missing or unreadable (onnxruntime: {1})',
  cudaNotInstalled: 'the CUDA execution provider is not installed (available: {0}); reinstall onnxruntime-node without onnxruntime-node-install=skip on a machine with CUDA, or use cpu',
  unknownExecutionProvider: "unknown execution provider '{0}' (choose cpu, cuda or auto)",
  tooLarge: 'The model is too large for the memory available: its weights take {0} ({1}) and about {2} are needed, but only {3} is free. Try the quantized variant.',
  tooLargeWithExternalData: 'The model is too large for the memory available: its weights take {0} ({1} + external data) and about {2} are needed, but only {3} is free. Try the quantized variant.',
  notCharNgramGraph: 'not a Synonym Lens char-n-gram model: expected inputs [ids, weights] and output [embedding], found inputs [{0}], outputs [{1}]',
  charNgramProbeFailed: 'the model failed on a probe input: {0}',
  charNgramDimension: "the model's output does not match config.json (dimension {0})",
  notEncoderInputs: "The model's inputs ({0}) are not those of an encoder: expected input_ids and optionally attention_mask, token_type_ids",
  notEncoderInputsCannotFeed: "The model's inputs ({0}) are not those of an encoder: expected input_ids and optionally attention_mask, token_type_ids; cannot feed {1}",
  noPoolableOutput: 'The model has no output the engine can pool: it has {0}; expected last_hidden_state, token_embeddings or sentence_embedding',
  outputShape: 'Output {0} has shape [{1}]; expected {2}',
  vocabMismatch: "The tokenizer does not match the model: it produces ids up to {0}, beyond the model's embedding table. Is tokenizer.json from another model? (onnxruntime: {1})",
  vocabMismatchDeclared: "The tokenizer does not match the model: it produces ids up to {0}, beyond the model's embedding table (config.json says vocab_size {1}). Is tokenizer.json from another model? (onnxruntime: {2})",
  probeFailed: 'The model failed on a test input: {0}',
  // A model opened from its record (storedTransformer.ts) whose files turn out to hold another model.
  storedModelChanged: '{0}: the model changed since its vectors were kept (its files were replaced keeping their size and dates); the kept vectors were dropped and the terms are embedded again.',
  // Tokenizers (transformer/tokenizer.ts).
  tokenizerDropsText: 'tokenizer.json: the post-processor drops the text itself',
  tokenizerSpecialNotInVocab: 'tokenizer.json: a special token of the post-processor template is not in the vocabulary ({0})',
  tokenizerNoRoom: 'maximum length {0} leaves no room for text between the special tokens',
  tokenizerUnsupported: 'tokenizer.json is not supported: {0}',
  // Adjusted vectors: adjusted-vector folders and a model folder's own adjusted/ table (adjusted.ts).
  adjustedMismatch: '{0}: {1} and {2} do not match ({3} terms × {4})',
  adjustedBaseChanged: '{0}: its base model {1} has changed since the vectors were adjusted; adjust them again.',
  adjustedTermsInvalid: '{0} is not a JSON array of terms',
  adjustedTermCount: '{0} says {1} terms, but {2} lists {3}',
  adjustedChecksum: '{0} does not match the checksum in {1} (sha256 {2} ≠ {3}): the file is damaged or was changed after it was written',
  adjustedConfigField: 'Invalid {0}: "{1}" is missing or not a valid value',
  adjustedDimension: '{0}: the adjusted vectors have dimension {1}, but the model has dimension {2}',
  // Writing a fine-tuned or adjusted model folder (learn/runner.ts).
  outputReadOnly: 'Cannot write the model folder "{0}": {1} is on a read-only disk or folder. Choose an output folder you can write to, or make {1} writable.',
  outputNoSpace: 'Not enough disk space to write the model folder "{0}" in {1}. Free some space (for example with "Synonym Lens: Clean Up Fine-tuned Models…") and try again.',
  outputNameTooLong: 'The model folder name "{0}" is too long for this file system ({1} bytes). Choose a shorter output folder name.',
  outputNoPermission: 'No permission to write the model folder "{0}" in {1}. Choose an output folder you can write to, or change the permissions of {1}.',
  // Downloads from the hub (hub/download.ts).
  notRepoId: 'Not a repository id: "{0}" (expected org/name)',
  offline:
    'Cannot reach {0} ({1}). You may be offline, or the hub may be blocked here: set HF_ENDPOINT (or the synonymLens.hub.endpoint setting) to a mirror, or HTTPS_PROXY to your proxy. The built-in model stays in use.',
  listing: 'Listing {0}@{1} at {2}',
  downloading: 'Downloading {0} of {1}',
  notFound: '{0}: not found (HTTP 404). Check the repository id "{1}", the revision and the file name.',
  unauthorized: '{0}: HTTP {1}. The repository may be gated or private: accept its terms on the hub and set HF_TOKEN.',
  httpStatus: '{0}: HTTP {1}',
  noVariant: 'The repository has no {0} ONNX model ({1}); available: {2} (use --variant).',
  noOnnxInRepo: 'The repository has no ONNX model (looked for onnx/model*.onnx and model*.onnx). Try its ONNX export, e.g. a Xenova/… repository.',
  repoLacksFile: 'The repository lacks {0}, which the engine needs.',
  repoLacksFiles: 'The repository lacks {0} and {1}, which the engine needs.',
  unsafeRepoPath: 'The hub listed a file path that is not a plain relative path inside the model folder: "{0}". Nothing was written; the hub or mirror may be hostile.',
  unsafeSymlink: '{0}: {1} is a symbolic link, and a download writes only plain files inside the model folder. Remove the link and try again.',
  unsafeExternalData: 'The ONNX graph {0} names external data "{1}", which is not a plain relative path inside the model folder; the download was refused.',
  verificationFailed: '{0} from {1} failed verification ({2}); the partial file was deleted. The mirror may be serving corrupt data.',
  failedAfterAttempts: '{0}: {1} after {2} attempts',
  truncated: 'truncated: {0} of {1} bytes',
  verificationRetry: 'verification failed ({0}), downloading again',
  sizeMismatch: 'size {0} ≠ {1} bytes',
  sha256Mismatch: 'sha256 {0} ≠ {1}',
  gitSha1Mismatch: 'git blob sha1 {0} ≠ {1}',
  serverError: 'HTTP {0} for {1}',
  bodyStalled: 'No data for {0} for {1} ms (stalled connection) after {2} bytes',
  // HTTP and proxies (hub/http.ts).
  invalidProxy: 'Invalid proxy URL in the environment: {0}',
  proxySilent: 'The proxy {0} did not answer within {1} ms',
  proxyRefused: 'The proxy {0} refused the tunnel to {1}: HTTP {2}',
  proxyUnreachable: 'Cannot reach the proxy {0}: {1}',
  hostSilent: 'No data from {0} for {1} ms (stalled connection)',
  hostUnreachable: 'Cannot reach {0}: {1}',
  tooManyRedirects: 'Too many redirects from {0}',
  aborted: 'aborted',
} as const satisfies Record<string, string>;

export type ModelErrorMessageId = keyof typeof MODEL_ERROR_MESSAGES;

/** A message by id: what `LocalizableError` carries, and what may stand in an argument (a nested cause). */
export interface ModelErrorText {
  readonly messageId: ModelErrorMessageId;
  readonly args: readonly ModelErrorArg[];
}

export type ModelErrorArg = string | number | ModelErrorText;

export function errorText(messageId: ModelErrorMessageId, ...args: ModelErrorArg[]): ModelErrorText {
  return { messageId, args };
}

/** True for an error (or text) with a known message id. */
export function isModelErrorText(v: unknown): v is ModelErrorText {
  return typeof v === 'object' && v !== null && Object.prototype.hasOwnProperty.call(MODEL_ERROR_MESSAGES, String((v as { messageId?: unknown }).messageId)) && Array.isArray((v as { args?: unknown }).args);
}

/** The English text (nested texts in English too). */
export function formatModelError(text: ModelErrorText): string {
  return formatMessage(
    MODEL_ERROR_MESSAGES[text.messageId],
    text.args.map((a) => (typeof a === 'object' ? formatModelError(a) : a)),
  );
}

/** An error whose English `message` is `MODEL_ERROR_MESSAGES[messageId]` filled with `args`. */
export class LocalizableError extends Error implements ModelErrorText {
  constructor(
    readonly messageId: ModelErrorMessageId,
    readonly args: readonly ModelErrorArg[],
  ) {
    super(formatModelError({ messageId, args }));
  }
}

/**
 * A `LocalizableError` with a machine-readable `code` (what went wrong, for callers that branch on
 * it): the base of ModelLoadError and DownloadError, which name themselves.
 */
export class CodedError<Code extends string> extends LocalizableError {
  readonly code: Code;

  constructor(code: Code, messageId: ModelErrorMessageId, ...args: ModelErrorArg[]) {
    super(messageId, args);
    this.code = code;
  }
}
