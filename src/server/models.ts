/**
 * The embedding engines of the server, one per model setting in use, each loaded lazily in the
 * background on first use and announced with `synonymLens/modelStatus`. A failed load is kept as
 * an error state (with the reason) until the setting changes or the server restarts, so that
 * structural diagnostics carry on without retrying a broken model on every keystroke.
 */
import { existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { Connection } from 'vscode-languageserver/node';
import { MessageType, ShowMessageNotification } from 'vscode-languageserver/node';
import { ModelStatusNotification, type ModelState } from '../shared/protocol';
import type { ExecutionProvider } from '../shared/settings';
import { VectorCache } from '../core/cache';
import { AdjustedEngine } from '../runtime/model/adjusted';
import { CachedEngine } from '../runtime/model/cachedEngine';
import { DiskVectorStore, defaultVectorStoreRoot } from '../runtime/model/diskVectorStore';
import { PersistentEngine } from '../runtime/model/persistentEngine';
import { StoredTransformerEngine } from '../runtime/model/storedTransformer';
import { ModelLoadError } from '../runtime/model/transformer/errors';
import type { EmbeddingEngine, TextAnalysis } from '../runtime/model/engine';
import { BUILTIN_V1_SPEC, loadEngine } from '../runtime/model/load';
import { modelErrorMessage } from './messages';
import { resolveTransformerSpec, TransformerEngine } from '../runtime/model/transformer';
import { VectorStore } from './vocabulary';

export interface ModelEntry {
  /** The resolved model setting: `builtin` or an absolute folder path. */
  readonly spec: string;
  state: ModelState;
  /** The engine's id once loaded; before that, the setting. */
  modelId: string;
  engine?: EmbeddingEngine;
  store?: VectorStore;
  /** Why the load failed, in the display language (the status notification and hovers show it). */
  error?: string;
  /** Resolves when loaded; rejects with the load error. Always observed (no unhandled rejection). */
  readonly ready: Promise<ModelEntry>;
  /** engine.analyze results per term (they are pure and asked for on every diagnostics run). */
  readonly analyses: Map<string, TextAnalysis>;
  /**
   * True while only requests that name a model (the heatmap's fine-tuned model) use the entry, no
   * document's setting: its status is not announced (the status item shows the documents' model).
   */
  extra: boolean;
}

/** Models kept loaded for requests that name one, besides the documents' models. */
const MAX_EXTRA_MODELS = 2;

/** Resolves a `model` setting against the folder of the resource it applies to. */
export function resolveModelSpec(setting: string, baseFolder: string | undefined): string {
  if (setting === BUILTIN_V1_SPEC) return BUILTIN_V1_SPEC; // the previous embedded model, kept loadable
  if (setting === 'builtin' || setting.startsWith('builtin:')) return 'builtin';
  // A Hugging Face id (`org/name`, what "Download from Hugging Face…" writes) names the downloaded
  // folder (SYNONYM_LENS_MODELS_DIR, set by the extension) or the HF cache — unless a folder of that
  // relative path exists in the workspace.
  if (/^[\w.-]+\/[\w.-]+(@[\w./-]+)?$/.test(setting) && !(baseFolder && existsSync(path.resolve(baseFolder, setting)))) {
    const dir = resolveTransformerSpec(setting);
    if (dir !== undefined) return dir;
  }
  if (path.isAbsolute(setting) || !baseFolder) return path.resolve(setting);
  return path.resolve(baseFolder, setting);
}

export class ModelHost {
  private readonly entries = new Map<string, ModelEntry>();
  /**
   * Vectors survive a model switch and back: keyed by fingerprint, bounded (≈ 30 MiB at dim 128);
   * the live vocabulary is in each VectorStore. Bounded in bytes too: at dim 1,024 50,000 entries
   * would be 200 MiB beside the same vectors in the VectorStore (such models keep theirs on disk).
   */
  private readonly cache = new VectorCache(50_000, { maxBytes: 32 * 2 ** 20 });
  private readonly lastSent = new WeakMap<ModelEntry, string>();
  /** Specs of the extra entries, least recently asked for first. */
  private readonly extras: string[] = [];

  constructor(
    private readonly connection: Connection,
    private readonly options: {
      threads?: number;
      executionProvider?: ExecutionProvider;
      load?: typeof loadEngine;
      persistVectors?: boolean;
      /**
       * Called when a ready entry fails after all (a model opened from its record whose full load
       * failed or found another model): the documents it served need a new diagnostics job.
       */
      onFailed?: (entry: ModelEntry) => void;
    } = {},
  ) {}

  /** The entry for a resolved spec of a document's setting, starting its load when first asked for. */
  get(spec: string): ModelEntry {
    let entry = this.entries.get(spec);
    if (!entry) {
      entry = this.start(spec, false);
      this.entries.set(spec, entry);
    } else if (entry.extra) {
      // A model a request named is now a document's: announce it and keep it like the others.
      entry.extra = false;
      this.extras.splice(this.extras.indexOf(spec), 1);
      this.notify(entry);
    }
    return entry;
  }

  /**
   * The entry for a model a request names (not a document's setting). Such models load and cache
   * like the others but stay silent, a failed load is retried on the next request (the folder may
   * have appeared since), and only the `MAX_EXTRA_MODELS` most recently asked for stay loaded.
   */
  getExtra(spec: string): ModelEntry {
    const existing = this.entries.get(spec);
    if (existing && !existing.extra) return existing;
    const at = this.extras.indexOf(spec);
    if (at >= 0) this.extras.splice(at, 1);
    let entry = existing;
    if (!entry || entry.state === 'error') {
      entry = this.start(spec, true);
      this.entries.set(spec, entry);
    }
    this.extras.push(spec);
    while (this.extras.length > MAX_EXTRA_MODELS) {
      const old = this.entries.get(this.extras.shift()!);
      if (old) {
        this.entries.delete(old.spec);
        void this.disposeEntry(old);
      }
    }
    return entry;
  }

  /** Entries already created, without starting any load. */
  peek(spec: string): ModelEntry | undefined {
    return this.entries.get(spec);
  }

  all(): ModelEntry[] {
    return [...this.entries.values()];
  }

  /** Disposes engines no open document uses any more (extra models stay, bounded by their own limit). */
  async retainOnly(specs: ReadonlySet<string>, options: { extras?: boolean } = {}): Promise<void> {
    for (const [spec, entry] of this.entries) {
      if (specs.has(spec) || (entry.extra && options.extras !== false)) continue;
      this.entries.delete(spec);
      if (entry.extra) this.extras.splice(this.extras.indexOf(spec), 1);
      await this.disposeEntry(entry);
    }
  }

  private async disposeEntry(entry: ModelEntry): Promise<void> {
    if (entry.state === 'loading') {
      // Dropped while loading: free the engine once it exists.
      entry.ready.then((e) => this.disposeEntry(e), () => undefined);
      return;
    }
    if (!entry.engine) return;
    try {
      await entry.engine.dispose();
    } catch (e) {
      this.connection.console.error(`Disposing model ${entry.modelId} failed: ${String(e)}`);
    }
  }

  /** Sends the current state of an entry to the client. */
  notify(entry: ModelEntry): void {
    if (this.entries.get(entry.spec) !== entry || entry.extra) return;
    // Vocabulary growth after each diagnostics job would otherwise repeat the same status.
    const key = `${entry.state}\u0000${entry.modelId}\u0000${entry.store?.vocabularySize ?? 0}\u0000${entry.error ?? ''}`;
    if (this.lastSent.get(entry) === key) return;
    this.lastSent.set(entry, key);
    void this.connection
      .sendNotification(ModelStatusNotification.type, {
        state: entry.state,
        modelId: entry.modelId,
        vocabularySize: entry.store?.vocabularySize ?? 0,
        ...(entry.error !== undefined ? { error: entry.error } : {}),
      })
      .catch(() => undefined);
  }

  async disposeAll(): Promise<void> {
    await this.retainOnly(new Set(), { extras: false });
  }

  /**
   * A transformer model's vectors are kept on disk per fingerprint (root: SYNONYM_LENS_VECTORS_DIR,
   * which the extension sets to its global storage), so reopening a dictionary does not embed every
   * term again. The embedded n-gram model computes a vector faster than it could be read back.
   */
  private persistent(engine: EmbeddingEngine): EmbeddingEngine {
    if (!(engine instanceof TransformerEngine || engine instanceof StoredTransformerEngine) || this.options.persistVectors === false) return engine;
    const log = (m: string) => this.connection.console.warn(m);
    return new PersistentEngine(engine, DiskVectorStore.open(defaultVectorStoreRoot(), engine.fingerprint, engine.dimension, { log }));
  }

  /**
   * A model opened from its record could not be loaded in full when a term needed it. If its files
   * hold another model now, the entry and the vectors kept for the recorded one are dropped (the
   * next job loads the model afresh); otherwise the entry fails like a load.
   */
  private fullLoadFailed(entry: ModelEntry, e: unknown): void {
    const message = modelErrorMessage(e);
    const changed = e instanceof ModelLoadError && e.code === 'model-changed';
    this.connection.console.error(changed ? (e as Error).message : `Model ${entry.spec} failed to load: ${e instanceof Error ? e.message : String(e)}`);
    if (this.entries.get(entry.spec) !== entry) return;
    if (changed) {
      this.entries.delete(entry.spec);
      if (entry.extra) this.extras.splice(this.extras.indexOf(entry.spec), 1);
      const persistent = entry.engine instanceof PersistentEngine ? entry.engine : undefined;
      void this.disposeEntry(entry).then(() => {
        if (persistent) rmSync(path.dirname(persistent.store.file), { recursive: true, force: true });
      }).catch((err: unknown) => this.connection.console.error(`Dropping the vectors of ${entry.spec} failed: ${String(err)}`)).finally(() => this.options.onFailed?.(entry));
      void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message }).catch(() => undefined);
      return;
    }
    entry.state = 'error';
    entry.error = message;
    this.notify(entry);
    this.options.onFailed?.(entry);
  }

  private start(spec: string, extra: boolean): ModelEntry {
    const entry: ModelEntry = {
      spec,
      extra,
      state: 'loading',
      modelId: spec === 'builtin' ? 'builtin' : path.basename(spec),
      analyses: new Map(),
      ready: undefined as unknown as Promise<ModelEntry>,
    };
    const load = this.options.load ?? loadEngine;
    (entry as { ready: Promise<ModelEntry> }).ready = (async () => {
      // Announce "loading" before the (possibly long) load, from a fresh tick so the entry is registered.
      await Promise.resolve();
      this.notify(entry);
      const started = Date.now();
      try {
        const { threads, executionProvider } = this.options;
        // Transformer models keep a record beside their vectors, so a model opened before needs no
        // onnxruntime session until a term is missing from the store (storedTransformer.ts).
        const records = this.options.persistVectors === false ? undefined : { root: defaultVectorStoreRoot(), log: (m: string) => this.connection.console.warn(m) };
        const loaded = await load(spec, { ...(threads !== undefined ? { threads } : {}), ...(executionProvider ? { executionProvider } : {}), ...(records ? { records } : {}) });
        // Vectors kept on disk are read back faster than a cache in memory could save (and that
        // cache would copy every vector of a reopened dictionary once more): no cache for those.
        const persistent = this.persistent(loaded);
        const engine = persistent instanceof PersistentEngine ? persistent : new CachedEngine(loaded, this.cache);
        entry.engine = engine;
        entry.modelId = engine.id;
        entry.store = new VectorStore(engine);
        entry.state = 'ready';
        // A folder with its own adjusted vectors wraps its model: describe the model underneath.
        const inner = loaded instanceof AdjustedEngine ? loaded.base : loaded;
        const graph = inner instanceof TransformerEngine || inner instanceof StoredTransformerEngine ? `; graph: ${inner.info.firstTokenOnly.applied ? 'first token only in the last layer' : 'as exported'} (${inner.info.firstTokenOnly.detail})` : '';
        const record = inner instanceof StoredTransformerEngine ? '; from its model record (no onnxruntime session until a term is missing from the stored vectors)' : '';
        if (inner instanceof StoredTransformerEngine)
          inner.onFullLoad(({ ms, error }) => {
            if (error === undefined) this.connection.console.info(`Model ${entry.modelId}: full load for terms missing from the stored vectors took ${ms} ms`);
            else this.fullLoadFailed(entry, error);
          });
        const table = loaded instanceof AdjustedEngine ? `; ${loaded.terms} terms from adjusted vectors` : '';
        const disk = persistent instanceof PersistentEngine ? `; vectors kept in ${persistent.store.file} (${persistent.store.stats().entries} stored)` : '';
        this.connection.console.info(`Model ${engine.id} (dim ${engine.dimension}) loaded in ${Date.now() - started} ms${record}${graph}${table}${disk}`);
        this.notify(entry);
        return entry;
      } catch (e) {
        entry.state = 'error';
        entry.error = modelErrorMessage(e);
        // The log keeps the English text, like the server's other log lines.
        this.connection.console.error(`Model ${spec} failed to load: ${e instanceof Error ? e.message : String(e)}`);
        this.notify(entry);
        throw e;
      }
    })();
    entry.ready.catch(() => undefined);
    return entry;
  }
}

/** engine.analyze, memoised per entry. */
export function analyzeTerm(entry: ModelEntry, text: string): TextAnalysis | undefined {
  if (!entry.engine) return undefined;
  let a = entry.analyses.get(text);
  if (!a) {
    a = entry.engine.analyze(text);
    if (entry.analyses.size > 500_000) entry.analyses.clear();
    entry.analyses.set(text, a);
  }
  return a;
}
