/**
 * An `EmbeddingEngine` decorator that answers repeated texts from a `VectorCache` and shares
 * in-flight computations, so unchanged terms are never re-embedded while a dictionary is edited.
 */
import { CachedEmbedder, VectorCache, type CachedEmbedderStats, type VectorCacheStats } from '../../core/cache';
import { EngineDecorator, type CancellationFlag, type EmbeddingEngine } from './engine';

export interface CachedEngineStats extends CachedEmbedderStats {
  readonly cache: VectorCacheStats;
}

export class CachedEngine extends EngineDecorator {
  private readonly embedder: CachedEmbedder;

  /**
   * @param inner the engine to run on misses; disposed with this one.
   * @param cache shared between engines if wanted: keys include the engine's fingerprint.
   */
  constructor(
    inner: EmbeddingEngine,
    readonly cache: VectorCache = new VectorCache(),
  ) {
    super(inner);
    this.embedder = new CachedEmbedder(cache, inner.fingerprint, (texts, token) => inner.embed(texts, token));
  }

  /** As `EmbeddingEngine.embed`; returned vectors may be shared with the cache: do not mutate them. */
  embed(texts: readonly string[], token?: CancellationFlag): Promise<Float32Array[]> {
    return this.embedder.embed(texts, token);
  }

  /** Hit/miss counters of this engine and of its (possibly shared) cache. */
  stats(): CachedEngineStats {
    return { ...this.embedder.stats(), cache: this.cache.stats() };
  }
}
