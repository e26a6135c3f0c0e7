/**
 * The embedding engines of the server, one per model setting in use, each loaded lazily in the
 * background on first use and announced with `synonymLens/modelStatus`. A failed load is kept as
 * an error state (with the reason) until the setting changes or the server restarts, so that
 * structural diagnostics carry on without retrying a broken model on every keystroke.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Connection } from 'vscode-languageserver/node';
import { ModelStatusNotification, type ModelState } from '../shared/protocol';
import { VectorCache } from '../core/cache';
import { CachedEngine } from './model/cachedEngine';
import type { EmbeddingEngine, TextAnalysis } from './model/engine';
import { loadEngine } from './model/load';
import { resolveTransformerSpec } from './model/transformer';
import { VectorStore } from './vocabulary';

export interface ModelEntry {
  /** The resolved model setting: `builtin` or an absolute folder path. */
  readonly spec: string;
  state: ModelState;
  /** The engine's id once loaded; before that, the setting. */
  modelId: string;
  engine?: EmbeddingEngine;
  store?: VectorStore;
  error?: string;
  /** Resolves when loaded; rejects with the load error. Always observed (no unhandled rejection). */
  readonly ready: Promise<ModelEntry>;
  /** engine.analyze results per term (they are pure and asked for on every diagnostics run). */
  readonly analyses: Map<string, TextAnalysis>;
}

/** Resolves a `model` setting against the folder of the resource it applies to. */
export function resolveModelSpec(setting: string, baseFolder: string | undefined): string {
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
  /** Vectors survive a model switch and back: keyed by fingerprint, bounded (≈ 30 MiB at dim 128); the live vocabulary is in each VectorStore. */
  private readonly cache = new VectorCache(50_000);
  private readonly lastSent = new WeakMap<ModelEntry, string>();

  constructor(
    private readonly connection: Connection,
    private readonly options: { threads?: number; load?: typeof loadEngine } = {},
  ) {}

  /** The entry for a resolved spec, starting its load when first asked for. */
  get(spec: string): ModelEntry {
    let entry = this.entries.get(spec);
    if (!entry) {
      entry = this.start(spec);
      this.entries.set(spec, entry);
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

  /** Disposes engines no open document uses any more. */
  async retainOnly(specs: ReadonlySet<string>): Promise<void> {
    for (const [spec, entry] of this.entries) {
      if (specs.has(spec)) continue;
      this.entries.delete(spec);
      if (entry.engine) {
        try {
          await entry.engine.dispose();
        } catch (e) {
          this.connection.console.error(`Disposing model ${entry.modelId} failed: ${String(e)}`);
        }
      }
    }
  }

  /** Sends the current state of an entry to the client. */
  notify(entry: ModelEntry): void {
    if (this.entries.get(entry.spec) !== entry) return;
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
    await this.retainOnly(new Set());
  }

  private start(spec: string): ModelEntry {
    const entry: ModelEntry = {
      spec,
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
        const engine = new CachedEngine(await load(spec, this.options.threads !== undefined ? { threads: this.options.threads } : {}), this.cache);
        entry.engine = engine;
        entry.modelId = engine.id;
        entry.store = new VectorStore(engine);
        entry.state = 'ready';
        this.connection.console.info(`Model ${engine.id} (dim ${engine.dimension}) loaded in ${Date.now() - started} ms`);
        this.notify(entry);
        return entry;
      } catch (e) {
        entry.state = 'error';
        entry.error = e instanceof Error ? e.message : String(e);
        this.connection.console.error(`Model ${spec} failed to load: ${entry.error}`);
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
