/**
 * The engine interface every embedding model implements. Everything outside `src/runtime/model`
 * sees only this interface and plain `Float32Array`s; onnxruntime-node stays behind the adapter.
 */

import type { CancellationFlag } from '../../core/cancellation';

// Engines check the core flag between batches and throw its error; re-exported for their users.
export { CancelledError, type CancellationFlag } from '../../core/cancellation';

/** What the model makes of one text, for diagnostics (unknown tokens, truncation). */
export interface TextAnalysis {
  /** Number of model input units (n-gram features or tokens, specials excluded). */
  units: number;
  /** Units the model does not know (unknown tokens; 0 for the n-gram model). */
  unknownUnits: number;
  /** True when the text has no known unit at all, so its vector carries no information. */
  unknownOnly: boolean;
  /** True when the text is longer than the model's input and was truncated. */
  truncated: boolean;
}

export interface EmbeddingEngine {
  /** Stable id shown to users, e.g. `builtin:char-ngram-v1` or a model folder's name. */
  readonly id: string;
  /** Hash of the weights and configuration; keys the vector cache. */
  readonly fingerprint: string;
  /** Output dimension. */
  readonly dimension: number;
  /** Maximum input length in model units. */
  readonly maxInputLength: number;
  /**
   * Embeds texts into L2-normalised vectors (cosine = dot product), one per text, in order.
   * Batches internally; checks `token` between batches and rejects with `CancelledError`.
   */
  embed(texts: readonly string[], token?: CancellationFlag): Promise<Float32Array[]>;
  /** Analyses a text without running the model. */
  analyze(text: string): TextAnalysis;
  /** Frees native resources. The engine must not be used afterwards. */
  dispose(): Promise<void>;
}

