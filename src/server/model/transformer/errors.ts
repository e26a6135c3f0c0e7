/**
 * One precise error per way a transformer model folder can be unusable. Loading throws before the
 * caller swaps engines, so the previous model keeps working (the caller only replaces it on success).
 */

export type ModelErrorCode =
  /** A required file (ONNX model, external data, tokenizer.json) is absent. */
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
  | 'too-large';

export class ModelLoadError extends Error {
  constructor(
    readonly code: ModelErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ModelLoadError';
  }
}
