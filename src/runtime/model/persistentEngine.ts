/**
 * An `EmbeddingEngine` decorator that answers from a `DiskVectorStore` on disk and writes what it had
 * to compute back to it, so a restart does not embed every term again; the terms' analyses are
 * kept beside the vectors likewise (storedAnalyses.ts). The server puts no in-memory cache around
 * it: a stored vector is read back faster than such a cache saves.
 */
import path from 'node:path';
import { EngineDecorator, type CancellationFlag, type EmbeddingEngine, type TextAnalysis } from './engine';
import type { DiskVectorStore } from './diskVectorStore';
import { StoredAnalyses } from './storedAnalyses';

export class PersistentEngine extends EngineDecorator {
  private counters = { fromDisk: 0, computed: 0 };

  /** @param store the store of this engine's fingerprint and dimension; closed with this engine. */
  constructor(
    inner: EmbeddingEngine,
    readonly store: DiskVectorStore,
  ) {
    super(inner);
    if (store.fingerprint !== inner.fingerprint || store.dimension !== inner.dimension)
      throw new Error(`vector store of another model (${store.fingerprint.slice(0, 12)}…, dimension ${store.dimension})`);
    this.analyses = StoredAnalyses.open(path.dirname(store.file), inner.fingerprint);
  }

  /** The terms' analyses, kept beside the vectors (a reopened dictionary is not tokenized again). */
  private readonly analyses: StoredAnalyses;

  override analyze(text: string): TextAnalysis {
    return this.analyses.get(text, (t) => this.inner.analyze(t));
  }

  async embed(texts: readonly string[], token?: CancellationFlag): Promise<Float32Array[]> {
    const found = this.store.getMany(texts);
    const missing = [...new Set(texts.filter((_, i) => found[i] === undefined))];
    this.counters.fromDisk += found.filter((v) => v !== undefined).length;
    if (missing.length === 0) return found as Float32Array[];
    const vectors = await this.inner.embed(missing, token);
    this.counters.computed += missing.length;
    this.store.putMany(missing.map((t, i) => [t, vectors[i]!] as const));
    const byText = new Map(missing.map((t, i) => [t, vectors[i]!]));
    return texts.map((t, i) => found[i] ?? byText.get(t)!);
  }

  /**
   * Hands the bytes of each text's stored vector to `sink` (little-endian f32, valid only during
   * the call; `DiskVectorStore.readEach`) for a caller that copies them into its own rows; texts
   * without one are left out. `embed` gives the others.
   */
  readStored(texts: readonly string[], sink: (index: number, bytes: Uint8Array) => void): void {
    this.store.readEach(texts, (i, bytes) => {
      this.counters.fromDisk++;
      sink(i, bytes);
    });
  }

  /** Whether every text has a vector on disk (as far as the store's index knows: a hint). */
  holds(texts: readonly string[]): boolean {
    return this.store.hasAll(texts);
  }

  /** Texts answered from disk and texts the inner engine computed, since this engine was made. */
  stats(): { fromDisk: number; computed: number } {
    return { ...this.counters };
  }

  override async dispose(): Promise<void> {
    this.analyses.save();
    this.store.close();
    await super.dispose();
  }
}
