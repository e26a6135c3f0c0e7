/**
 * Vector cache keyed by (model fingerprint, text), so unchanged terms are never re-embedded, and
 * a caching wrapper around any batch `embed` callback that also shares in-flight work: two calls
 * asking for the same new text while it is being computed get the same vector from one model run.
 */

/** Structural cancellation flag (compatible with LSP tokens and the engine's `CancellationFlag`). */
export interface CancellationLike {
  readonly isCancellationRequested: boolean;
}

/** Counters of a `VectorCache` (monotonic except `size`). */
export interface VectorCacheStats {
  /** Lookups answered from the cache. */
  hits: number;
  /** Lookups that found nothing. */
  misses: number;
  /** Entries dropped because the cache was full. */
  evictions: number;
  /** Entries held now. */
  size: number;
  /** Maximum entries. */
  capacity: number;
}

/**
 * Least-recently-used map (fingerprint, text) → vector, bounded by entry count. At dimension 128
 * an entry costs ≈ 0.6 KiB (512 B of floats plus key and map overhead), so 100k entries ≈ 60 MiB.
 * Stored vectors are shared with callers and must be treated as read-only.
 */
export class VectorCache {
  readonly capacity: number;
  // A Map iterates in insertion order; re-inserting on access makes the first key the LRU one.
  private readonly map = new Map<string, Float32Array>();
  private counters = { hits: 0, misses: 0, evictions: 0 };

  /** @param capacity maximum number of vectors kept (≥ 0; 0 disables caching). */
  constructor(capacity = 100_000) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`cache capacity must be a non-negative integer, got ${capacity}`);
    this.capacity = capacity;
  }

  private static key(fingerprint: string, text: string): string {
    return `${fingerprint}\u0000${text}`;
  }

  /** The cached vector, marking it most recently used; `undefined` (a counted miss) if absent. */
  get(fingerprint: string, text: string): Float32Array | undefined {
    const key = VectorCache.key(fingerprint, text);
    const v = this.map.get(key);
    if (v === undefined) {
      this.counters.misses++;
      return undefined;
    }
    this.counters.hits++;
    this.map.delete(key);
    this.map.set(key, v);
    return v;
  }

  /** Whether a vector is cached (does not count or touch recency). */
  has(fingerprint: string, text: string): boolean {
    return this.map.has(VectorCache.key(fingerprint, text));
  }

  /** Stores `vector` as most recently used, evicting the least recently used beyond capacity. */
  set(fingerprint: string, text: string, vector: Float32Array): void {
    if (this.capacity === 0) return;
    const key = VectorCache.key(fingerprint, text);
    this.map.delete(key);
    this.map.set(key, vector);
    while (this.map.size > this.capacity) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
      this.counters.evictions++;
    }
  }

  /** Drops every entry of one fingerprint (e.g. after a model is replaced), or all entries. */
  clear(fingerprint?: string): void {
    if (fingerprint === undefined) {
      this.map.clear();
      return;
    }
    const prefix = `${fingerprint}\u0000`;
    for (const key of [...this.map.keys()]) if (key.startsWith(prefix)) this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }

  stats(): VectorCacheStats {
    return { ...this.counters, size: this.map.size, capacity: this.capacity };
  }
}

/** A batch embedding function: one vector per text, in order. */
export type EmbedBatch = (texts: string[], token?: CancellationLike) => Promise<Float32Array[]>;

/** Counters of a `CachedEmbedder`. */
export interface CachedEmbedderStats {
  /** Texts answered from the cache. */
  hits: number;
  /** Texts that joined a computation already under way (another call's, or a repeat in the same call). */
  joined: number;
  /** Texts sent to the model. */
  misses: number;
  /** Calls of the underlying `embed` callback. */
  batches: number;
}

interface InFlight {
  readonly batch: Promise<Float32Array[]>;
  readonly index: number;
}

/**
 * Wraps a batch embed callback with a `VectorCache` and in-flight de-duplication.
 * Only texts neither cached nor being computed reach the callback, in one call per `embed`.
 * If a computation this call joined fails because *its* owner was cancelled while this call was
 * not, the affected texts are computed again rather than failing this call.
 */
export class CachedEmbedder {
  private readonly inflight = new Map<string, InFlight>();
  private counters = { hits: 0, joined: 0, misses: 0, batches: 0 };

  constructor(
    readonly cache: VectorCache,
    readonly fingerprint: string,
    private readonly compute: EmbedBatch,
  ) {}

  async embed(texts: readonly string[], token?: CancellationLike): Promise<Float32Array[]> {
    const out = new Array<Float32Array | undefined>(texts.length);
    const pending: Array<{ at: number; text: string; job: InFlight; own: boolean }> = [];
    const fresh: string[] = [];
    const freshIndex = new Map<string, number>();
    const ownSlots: Array<{ at: number; text: string; index: number }> = [];
    for (let at = 0; at < texts.length; at++) {
      const text = texts[at] as string;
      const hit = this.cache.get(this.fingerprint, text);
      if (hit !== undefined) {
        out[at] = hit;
        this.counters.hits++;
        continue;
      }
      const job = this.inflight.get(text);
      if (job !== undefined) {
        pending.push({ at, text, job, own: false });
        this.counters.joined++;
        continue;
      }
      let index = freshIndex.get(text);
      if (index === undefined) {
        index = fresh.length;
        fresh.push(text);
        freshIndex.set(text, index);
        this.counters.misses++;
      } else this.counters.joined++;
      ownSlots.push({ at, text, index });
    }

    if (fresh.length > 0) {
      this.counters.batches++;
      const batch = this.compute(fresh, token).then((vectors) => {
        if (vectors.length !== fresh.length) throw new Error(`embed returned ${vectors.length} vectors for ${fresh.length} texts`);
        fresh.forEach((t, i) => this.cache.set(this.fingerprint, t, vectors[i] as Float32Array));
        return vectors;
      });
      for (let i = 0; i < fresh.length; i++) this.inflight.set(fresh[i] as string, { batch, index: i });
      const release = () => {
        for (let i = 0; i < fresh.length; i++) {
          const t = fresh[i] as string;
          if (this.inflight.get(t)?.batch === batch) this.inflight.delete(t);
        }
      };
      batch.then(release, release);
      for (const s of ownSlots) pending.push({ at: s.at, text: s.text, job: { batch, index: s.index }, own: true });
    }

    const retry: Array<{ at: number; text: string }> = [];
    // Await each distinct batch once.
    const batches = new Map<Promise<Float32Array[]>, typeof pending>();
    for (const p of pending) {
      const list = batches.get(p.job.batch);
      if (list) list.push(p);
      else batches.set(p.job.batch, [p]);
    }
    let failure: unknown;
    let failed = false;
    for (const [batch, list] of batches) {
      try {
        const vectors = await batch;
        for (const p of list) out[p.at] = vectors[p.job.index];
      } catch (err) {
        const foreign = !list[0]!.own;
        if (foreign && !token?.isCancellationRequested) {
          for (const p of list) retry.push({ at: p.at, text: p.text });
        } else if (!failed) {
          failed = true;
          failure = err;
        }
      }
    }
    if (failed) throw failure;
    if (retry.length > 0) {
      const vectors = await this.embed(
        retry.map((r) => r.text),
        token,
      );
      retry.forEach((r, i) => (out[r.at] = vectors[i]));
    }
    return out as Float32Array[];
  }

  stats(): CachedEmbedderStats {
    return { ...this.counters };
  }
}
