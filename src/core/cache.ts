/**
 * Vector cache keyed by (model fingerprint, text), so unchanged terms are never re-embedded, and
 * a caching wrapper around any batch `embed` callback that also shares in-flight work: two calls
 * asking for the same new text while it is being computed get the same vector from one model run.
 */

import type { CancellationFlag } from './cancellation';

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

interface LruNode {
  key: string;
  value: Float32Array;
  prev: LruNode;
  next: LruNode;
}

/**
 * Least-recently-used map (fingerprint, text) → vector, bounded by entry count. At dimension 128
 * an entry costs ≈ 0.7 KiB (512 B of floats plus key, list node and map overhead), so 100k
 * entries ≈ 70 MiB. Stored vectors are shared with callers and must be treated as read-only.
 *
 * A hit only relinks a list node (no map mutation), and fingerprints are interned to a short key
 * prefix, so a lookup costs one hash of roughly the text's length.
 */
export class VectorCache {
  readonly capacity: number;
  private readonly map = new Map<string, LruNode>();
  /** Sentinel of the circular recency list: `head.next` is the most recent, `head.prev` the least. */
  private readonly head: LruNode;
  private readonly prefixes = new Map<string, string>();
  private counters = { hits: 0, misses: 0, evictions: 0 };

  /** Bytes of the vectors held (their `byteLength`). */
  private bytes = 0;
  /** Bound on `bytes`: a model of dimension 1,024 has 8× the bytes per entry of one of 128. */
  readonly maxBytes: number;

  /**
   * @param capacity maximum number of vectors kept (≥ 0; 0 disables caching).
   * @param options.maxBytes bound on the vectors' bytes as well (default: none).
   */
  constructor(capacity = 100_000, options: { maxBytes?: number } = {}) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`cache capacity must be a non-negative integer, got ${capacity}`);
    this.capacity = capacity;
    this.maxBytes = options.maxBytes ?? Infinity;
    const head = { key: '', value: new Float32Array(0) } as LruNode;
    head.prev = head.next = head;
    this.head = head;
  }

  private key(fingerprint: string, text: string): string {
    let prefix = this.prefixes.get(fingerprint);
    if (prefix === undefined) {
      prefix = `${this.prefixes.size.toString(36)}\u0000`;
      this.prefixes.set(fingerprint, prefix);
    }
    return prefix + text;
  }

  private unlink(n: LruNode): void {
    n.prev.next = n.next;
    n.next.prev = n.prev;
  }

  private pushFront(n: LruNode): void {
    n.prev = this.head;
    n.next = this.head.next;
    this.head.next.prev = n;
    this.head.next = n;
  }

  /** The cached vector, marking it most recently used; `undefined` (a counted miss) if absent. */
  get(fingerprint: string, text: string): Float32Array | undefined {
    const n = this.map.get(this.key(fingerprint, text));
    if (n === undefined) {
      this.counters.misses++;
      return undefined;
    }
    this.counters.hits++;
    if (this.head.next !== n) {
      this.unlink(n);
      this.pushFront(n);
    }
    return n.value;
  }

  /** Whether a vector is cached (does not count or touch recency). */
  has(fingerprint: string, text: string): boolean {
    return this.map.has(this.key(fingerprint, text));
  }

  /** Stores `vector` as most recently used, evicting the least recently used beyond capacity (entries or bytes). */
  set(fingerprint: string, text: string, vector: Float32Array): void {
    if (this.capacity === 0 || vector.byteLength > this.maxBytes) return;
    const key = this.key(fingerprint, text);
    const existing = this.map.get(key);
    if (existing !== undefined) {
      this.bytes += vector.byteLength - existing.value.byteLength;
      existing.value = vector;
      this.unlink(existing);
      this.pushFront(existing);
    } else {
      const n = { key, value: vector } as LruNode;
      this.pushFront(n);
      this.map.set(key, n);
      this.bytes += vector.byteLength;
    }
    while (this.map.size > this.capacity || this.bytes > this.maxBytes) {
      const oldest = this.head.prev;
      this.unlink(oldest);
      this.map.delete(oldest.key);
      this.bytes -= oldest.value.byteLength;
      this.counters.evictions++;
    }
  }

  /** Drops every entry of one fingerprint (e.g. after a model is replaced), or all entries. */
  clear(fingerprint?: string): void {
    if (fingerprint === undefined) {
      this.map.clear();
      this.bytes = 0;
      this.head.prev = this.head.next = this.head;
      return;
    }
    const prefix = this.prefixes.get(fingerprint);
    if (prefix === undefined) return;
    for (const [key, n] of this.map) {
      if (key.startsWith(prefix)) {
        this.unlink(n);
        this.map.delete(key);
        this.bytes -= n.value.byteLength;
      }
    }
  }

  get size(): number {
    return this.map.size;
  }

  stats(): VectorCacheStats {
    return { ...this.counters, size: this.map.size, capacity: this.capacity };
  }
}

/** A batch embedding function: one vector per text, in order. */
export type EmbedBatch = (texts: string[], token?: CancellationFlag) => Promise<Float32Array[]>;

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

  async embed(texts: readonly string[], token?: CancellationFlag): Promise<Float32Array[]> {
    const out = new Array<Float32Array>(texts.length);
    // This call's batch; registered in `inflight` before the model starts so that repeats in this
    // call and concurrent calls join it.
    let settle!: { resolve: (v: Float32Array[]) => void; reject: (e: unknown) => void };
    const batch = new Promise<Float32Array[]>((resolve, reject) => (settle = { resolve, reject }));
    batch.catch(() => undefined); // awaited below; this only keeps an early rejection from being "unhandled"
    const fresh: string[] = [];
    const waitAt: number[] = [];
    const waitJob: InFlight[] = [];
    let foreign = false;

    for (let at = 0; at < texts.length; at++) {
      const text = texts[at] as string;
      const hit = this.cache.get(this.fingerprint, text);
      if (hit !== undefined) {
        out[at] = hit;
        this.counters.hits++;
        continue;
      }
      let job = this.inflight.get(text);
      if (job !== undefined) {
        this.counters.joined++;
        if (job.batch !== batch) foreign = true;
      } else {
        job = { batch, index: fresh.length };
        this.inflight.set(text, job);
        fresh.push(text);
        this.counters.misses++;
      }
      waitAt.push(at);
      waitJob.push(job);
    }

    if (fresh.length > 0) {
      this.counters.batches++;
      const release = () => {
        for (const t of fresh) if (this.inflight.get(t)?.batch === batch) this.inflight.delete(t);
      };
      this.compute(fresh, token).then(
        (vectors) => {
          release();
          if (vectors.length !== fresh.length) {
            settle.reject(new Error(`embed returned ${vectors.length} vectors for ${fresh.length} texts`));
            return;
          }
          for (let i = 0; i < fresh.length; i++) this.cache.set(this.fingerprint, fresh[i] as string, vectors[i] as Float32Array);
          settle.resolve(vectors);
        },
        (err: unknown) => {
          release();
          settle.reject(err);
        },
      );
    } else settle.resolve([]);
    if (waitAt.length === 0) return out;

    if (!foreign) {
      const vectors = await batch;
      for (let k = 0; k < waitAt.length; k++) out[waitAt[k]!] = vectors[waitJob[k]!.index]!;
      return out;
    }

    // Some texts joined other calls' batches: await each distinct batch once.
    const groups = new Map<Promise<Float32Array[]>, number[]>();
    for (let k = 0; k < waitAt.length; k++) {
      const list = groups.get(waitJob[k]!.batch);
      if (list) list.push(k);
      else groups.set(waitJob[k]!.batch, [k]);
    }
    const retryAt: number[] = [];
    let failure: { error: unknown } | undefined;
    for (const [b, list] of groups) {
      try {
        const vectors = await b;
        for (const k of list) out[waitAt[k]!] = vectors[waitJob[k]!.index]!;
      } catch (error) {
        // Another call's batch failed (typically cancelled by its owner): compute ours afresh.
        if (b !== batch && !token?.isCancellationRequested) for (const k of list) retryAt.push(waitAt[k]!);
        else failure ??= { error };
      }
    }
    if (failure) throw failure.error;
    if (retryAt.length > 0) {
      const vectors = await this.embed(
        retryAt.map((at) => texts[at] as string),
        token,
      );
      retryAt.forEach((at, i) => (out[at] = vectors[i]!));
    }
    return out;
  }

  stats(): CachedEmbedderStats {
    return { ...this.counters };
  }
}
