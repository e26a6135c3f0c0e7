/**
 * The vectors of one engine: every term embedded so far, in one contiguous row-major Float32
 * matrix (so nearest-neighbour search is a linear scan over memory), plus which of them are
 * currently in the vocabulary — the terms of open dictionaries and vocabulary files. Terms a
 * user typed on the way to another ("普", "普拉") stay embedded but inactive, so they are never
 * re-embedded and never offered as neighbours; the matrix is compacted when they pile up.
 */
import { CancelledError, type CancellationFlag } from '../core/cancellation';
import type { EmbeddingEngine } from '../runtime/model/engine';
import type { PersistentEngine } from '../runtime/model/persistentEngine';
import { KnnIndex } from '../core/knn';
import { dotAt } from '../core/vectors';
import { yieldToEventLoop } from './cancellation';
import { trace } from './trace';

export interface Scored {
  text: string;
  /** Cosine similarity in [-1, 1] (vectors are L2-normalised, so this is the dot product). */
  cosine: number;
}

/** Terms embedded per engine call: small enough that a hover waits at most one chunk. */
const CHUNK = 256;
/** `reserve` makes room for this share more terms than asked, and at least `RESERVE_HEADROOM_MIN`. */
const RESERVE_HEADROOM = 1 / 64;
const RESERVE_HEADROOM_MIN = 1024;
/**
 * The int8 copy of the rows is made by the first neighbour search, not while a dictionary's
 * vectors pour in (quantising 40,000 rows of 1,024 floats as they are read from disk would delay
 * its diagnostics, which need no search).
 */
const KNN_OPTIONS = { prefilterOnSearch: true };

export class VectorStore {
  readonly dimension: number;
  private matrix: KnnIndex;
  private texts: string[] = [];
  private readonly index = new Map<string, number>();
  /** Number of sources (documents, vocabulary files) holding a term, embedded or not. */
  private readonly members = new Map<string, number>();
  /** Per matrix row: 1 when its term is in the vocabulary now. */
  private active: Uint8Array;
  private activeRows = 0;
  /** `matrix.data`, refreshed after the matrix changes (the getter allocates a view). */
  private view?: Float32Array;
  private readonly sources = new Map<string, Set<string>>();
  /** Serialises engine calls: one batch at a time keeps hovers' waits short and bounded. */
  private lock: Promise<void> = Promise.resolve();

  constructor(private readonly engine: Pick<EmbeddingEngine, 'dimension' | 'embed'> & Partial<Pick<PersistentEngine, 'readStored'>>, initialCapacity = 1024) {
    this.dimension = engine.dimension;
    this.matrix = new KnnIndex(this.dimension, initialCapacity, KNN_OPTIONS);
    this.active = new Uint8Array(initialCapacity);
  }

  /** Vectors the store holds before its matrix grows (a copy of every vector). */
  get capacity(): number {
    return this.matrix.capacity;
  }

  /** Number of distinct vocabulary terms that have a vector. */
  get vocabularySize(): number {
    return this.activeRows;
  }

  /** Number of distinct vocabulary terms, embedded or not. */
  get memberCount(): number {
    return this.members.size;
  }

  /** The vector of an embedded term (a copy-free view; treat as read-only and do not keep it across awaits). */
  get(text: string): Float32Array | undefined {
    const r = this.index.get(text);
    return r === undefined ? undefined : this.matrix.row(r);
  }

  has(text: string): boolean {
    return this.index.has(text);
  }

  /** Cosine in [-1, 1] of two embedded terms, or undefined when either has no vector yet. */
  cosine(a: string, b: string): number | undefined {
    const ra = this.index.get(a);
    const rb = this.index.get(b);
    if (ra === undefined || rb === undefined) return undefined;
    // Straight from the matrix storage: called for every pair on every edit, so no views.
    const data = (this.view ??= this.matrix.data);
    const dim = this.dimension;
    return clamp(dotAt(data, ra * dim, data, rb * dim, dim));
  }

  /** The terms among `texts` that have no vector yet (each once). */
  missing(texts: Iterable<string>): string[] {
    const out = new Set<string>();
    for (const t of texts) if (!this.index.has(t)) out.add(t);
    return [...out];
  }

  /**
   * Declares the terms a source (a document URI, a vocabulary file) contributes; replaces its
   * previous set. The store keeps `terms` (and changes it in `updateSource`): pass a set no one
   * else changes.
   */
  setSource(id: string, terms: Set<string>): void {
    const old = this.sources.get(id);
    this.sources.set(id, terms);
    if (old) for (const t of old) if (!terms.has(t)) this.release(t);
    for (const t of terms) if (!old?.has(t)) this.retain(t);
  }

  /**
   * Changes a source's terms by a difference instead of a whole set (an edit adds or removes a
   * few terms of a 40,000-term dictionary). Adds the source if it is new.
   */
  updateSource(id: string, added: Iterable<string>, removed: Iterable<string>): void {
    let terms = this.sources.get(id);
    if (!terms) this.sources.set(id, (terms = new Set()));
    for (const t of removed) if (terms.delete(t)) this.release(t);
    for (const t of added) {
      if (terms.has(t)) continue;
      terms.add(t);
      this.retain(t);
    }
  }

  removeSource(id: string): void {
    const old = this.sources.get(id);
    if (!old) return;
    this.sources.delete(id);
    for (const t of old) this.release(t);
  }

  hasSource(id: string): boolean {
    return this.sources.has(id);
  }

  sourceIds(): string[] {
    return [...this.sources.keys()];
  }

  /**
   * Makes room for `count` more vectors at once: a caller that knows how many terms it will embed
   * in several `ensure` calls (a whole dictionary, a slice at a time) saves growing and copying
   * the matrix on the way. A little more room is made than asked (`RESERVE_HEADROOM`): the edits
   * that follow add a term or two each, and the first vector past a full matrix doubled it — a
   * copy of a 200k-term matrix that took most of the first edit's second and a half.
   */
  reserve(count: number): void {
    const rows = this.matrix.rows + count + Math.max(RESERVE_HEADROOM_MIN, Math.ceil(count * RESERVE_HEADROOM));
    this.matrix.reserve(rows);
    this.view = undefined;
    if (rows > this.active.length) {
      const active = new Uint8Array(rows);
      active.set(this.active);
      this.active = active;
    }
  }

  /**
   * Embeds the terms that have no vector yet, in chunks, one engine call at a time, yielding to
   * the event loop between chunks. Rejects with the engine's `CancelledError` when `flag` is set.
   * `onChunk` runs after each chunk is stored (e.g. to report progress).
   */
  async ensure(texts: Iterable<string>, flag?: CancellationFlag, onChunk?: (done: number, total: number) => void): Promise<void> {
    const todo = this.missing(texts);
    // One allocation for all of them (40,000 terms of a 1,024-dimension model are 160 MiB).
    if (todo.length > CHUNK) this.matrix.reserve(this.matrix.rows + todo.length);
    for (let i = 0; i < todo.length; i += CHUNK) {
      if (flag?.isCancellationRequested) throw new CancelledError();
      await this.exclusive(async () => {
        // Another caller may have embedded some of these while we waited for the lock.
        let chunk = todo.slice(i, i + CHUNK).filter((t) => !this.index.has(t));
        if (chunk.length === 0) return;
        if (this.engine.readStored) {
          // Vectors kept on disk go straight from the read block into the matrix.
          const stored = chunk;
          this.engine.readStored(stored, (k, bytes) => this.addWith(stored[k]!, (row) => new Uint8Array(row.buffer, row.byteOffset, row.byteLength).set(bytes)));
          chunk = chunk.filter((t) => !this.index.has(t));
          if (chunk.length === 0) return;
        }
        const t0 = performance.now();
        const vectors = await this.engine.embed(chunk, flag);
        trace(`embed ${chunk.length} terms: ${(performance.now() - t0).toFixed(1)} ms`);
        for (let j = 0; j < chunk.length; j++) this.add(chunk[j], vectors[j]);
      });
      onChunk?.(Math.min(i + CHUNK, todo.length), todo.length);
      if (todo.length > CHUNK) await yieldToEventLoop();
    }
  }

  /**
   * Exact k nearest neighbours of `query` (L2-normalised) among the active vocabulary, best first,
   * excluding the terms in `exclude` (the query term itself), with core's exact `KnnIndex` search.
   */
  nearest(query: Float32Array, k: number, exclude?: ReadonlySet<string>): Scored[] {
    const excluded = new Set<number>();
    if (exclude) for (const t of exclude) {
      const r = this.index.get(t);
      if (r !== undefined) excluded.add(r);
    }
    const active = this.active;
    const skip = excluded.size ? (i: number) => !active[i] || excluded.has(i) : (i: number) => !active[i];
    return this.matrix.search(query, k, skip).map((h) => ({ text: this.texts[h.index], cosine: clamp(h.score) }));
  }

  private retain(t: string): void {
    const n = this.members.get(t) ?? 0;
    this.members.set(t, n + 1);
    if (n === 0) {
      const r = this.index.get(t);
      if (r !== undefined && !this.active[r]) {
        this.active[r] = 1;
        this.activeRows++;
      }
    }
  }

  private release(t: string): void {
    const n = this.members.get(t) ?? 0;
    if (n <= 1) {
      this.members.delete(t);
      const r = this.index.get(t);
      if (r !== undefined && this.active[r]) {
        this.active[r] = 0;
        this.activeRows--;
      }
    } else this.members.set(t, n - 1);
  }

  private add(text: string, v: Float32Array): void {
    this.addWith(text, (row) => row.set(v));
  }

  /** Adds `text` with the vector `fill` writes into its new row (nothing when it has one). */
  private addWith(text: string, fill: (row: Float32Array) => void): void {
    if (this.index.has(text)) return;
    const inactive = this.matrix.rows - this.activeRows;
    // Dropping typing debris is cheaper than letting it grow the matrix and every scan.
    if (inactive > 4096 && inactive > this.activeRows) this.compact();
    const r = this.matrix.addWith(fill);
    this.view = undefined;
    if (r >= this.active.length) {
      const active = new Uint8Array(Math.max(1024, this.active.length * 2));
      active.set(this.active);
      this.active = active;
    }
    this.texts[r] = text;
    this.index.set(text, r);
    if (this.members.has(text)) {
      this.active[r] = 1;
      this.activeRows++;
    }
  }

  /** Rebuilds the matrix with only the active rows. */
  private compact(): void {
    const old = this.matrix;
    const matrix = new KnnIndex(this.dimension, Math.max(1024, this.activeRows * 2), KNN_OPTIONS);
    const texts: string[] = [];
    this.index.clear();
    for (let r = 0; r < old.rows; r++) {
      if (!this.active[r]) continue;
      const w = matrix.add(old.row(r));
      texts[w] = this.texts[r];
      this.index.set(this.texts[r], w);
    }
    this.matrix = matrix;
    this.view = undefined;
    this.texts = texts;
    this.active = new Uint8Array(Math.max(1024, matrix.rows * 2));
    this.active.fill(1, 0, matrix.rows);
  }

  private exclusive(fn: () => Promise<void>): Promise<void> {
    const run = this.lock.then(fn);
    this.lock = run.catch(() => undefined);
    return run;
  }
}

function clamp(c: number): number {
  return c > 1 ? 1 : c < -1 ? -1 : c;
}
