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
  /**
   * Optional: `embed` and `analyze` in one pass, the vectors in one flat array. Engines whose
   * analysis is a by-product of their input preparation (the n-gram model's features) implement it
   * so that bulk callers featurise once and allocate one array per call instead of one per text.
   * Use `embedFlat` below, which falls back to `embed` + `analyze`. The vectors go into `into`'s
   * first `texts.length × dimension` values when it is long enough (a new array otherwise).
   */
  embedFlat?(texts: readonly string[], token?: CancellationFlag, into?: Float32Array): Promise<FlatEmbedding>;
  /**
   * Optional: whether every one of `texts` has a vector kept on disk (so embedding them only reads
   * them back). Engines over a vector store implement it; the others do not keep vectors.
   */
  holds?(texts: readonly string[]): boolean;
  /** Frees native resources. The engine must not be used afterwards. */
  dispose(): Promise<void>;
}

/** Vectors of several texts row after row (text i at `[i·dim, (i+1)·dim)`), with each text's analysis. */
export interface FlatEmbedding {
  readonly data: Float32Array;
  readonly analyses: TextAnalysis[];
}

/**
 * `engine.embedFlat` when the engine has it, otherwise `embed` and `analyze` copied into that shape;
 * the vectors in `into` when it is long enough (see `EmbeddingEngine.embedFlat`).
 */
export async function embedFlat(engine: EmbeddingEngine, texts: readonly string[], token?: CancellationFlag, into?: Float32Array): Promise<FlatEmbedding> {
  if (engine.embedFlat) return engine.embedFlat(texts, token, into);
  const vectors = await engine.embed(texts, token);
  const dim = engine.dimension;
  const size = texts.length * dim;
  const data = into && into.length >= size ? into.subarray(0, size) : new Float32Array(size);
  vectors.forEach((v, i) => data.set(v, i * dim));
  return { data, analyses: texts.map((t) => engine.analyze(t)) };
}

/**
 * Base of engines that wrap another (the in-memory cache, the on-disk store): the identity, size
 * and analysis are the inner engine's; disposing disposes it. Subclasses say how `embed` works.
 */
export abstract class EngineDecorator implements EmbeddingEngine {
  constructor(readonly inner: EmbeddingEngine) {}

  get id(): string {
    return this.inner.id;
  }
  get fingerprint(): string {
    return this.inner.fingerprint;
  }
  get dimension(): number {
    return this.inner.dimension;
  }
  get maxInputLength(): number {
    return this.inner.maxInputLength;
  }

  abstract embed(texts: readonly string[], token?: CancellationFlag): Promise<Float32Array[]>;

  analyze(text: string): TextAnalysis {
    return this.inner.analyze(text);
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}
