/**
 * One precise error per way a model folder can be unusable. Loading throws before the caller swaps
 * engines, so the previous model keeps working (the caller only replaces it on success).
 */
import { CodedError } from '../errorMessages';

export type ModelErrorCode =
  /** A required file (ONNX model, external data, tokenizer.json, config.json) or the folder itself is absent. */
  | 'missing-file'
  /** The ONNX file is not a model onnxruntime can read. */
  | 'not-onnx'
  /** tokenizer.json / tokenizer_config.json / config.json is unreadable or unsupported. */
  | 'bad-tokenizer'
  /** The tokenizer produces ids beyond the model's embedding table. */
  | 'vocab-mismatch'
  /** The graph has inputs or outputs the engine does not know how to feed or pool. */
  | 'unknown-io'
  /** The weights would not fit into the memory available. */
  | 'too-large'
  /** The config.json of an embedded-model or adjusted-vector folder is invalid or of another kind, or its files disagree. */
  | 'bad-config'
  /** The base model of adjusted vectors has changed since they were adjusted. */
  | 'base-changed'
  /** A model opened from its record turned out to be another one when loaded in full (storedTransformer.ts). */
  | 'model-changed';

/** `message` is English (the CLI's); `messageId` and `args` let the language server say it in the display language. */
export class ModelLoadError extends CodedError<ModelErrorCode> {
  override readonly name = 'ModelLoadError';
}
