/**
 * Opening a known transformer model without onnxruntime: a model record
 * `<vector root>/models/<id>.json` keeps what a full load found out (the fingerprint that keys the
 * vector store, the dimension, the model info), keyed on the model files' path, size, modification
 * time and inode and on the options that change the vectors. When the record still matches, the
 * engine is opened with its tokenizer only (`StoredTransformerEngine`): analysis works at once and
 * the stored vectors answer every term they hold. The first term the store lacks loads the model
 * in full; its fingerprint is checked against the record then, and a model whose files were
 * replaced keeping their size and dates is refused (`storedModelChanged`) and its record removed,
 * so the next open loads it in full again.
 *
 * The record is a hint, never trusted for vectors: the vector store is keyed by the fingerprint,
 * and that fingerprint is re-checked before any vector is computed from the files.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CancellationFlag, EmbeddingEngine, TextAnalysis } from './engine';
import {
  analyzeTransformerText,
  ModelLoadError,
  resolveModelFolder,
  TransformerEngine,
  transformerInput,
  type ResolvedModel,
  type TermTokenizer,
  type TransformerEngineOptions,
  type TransformerModelInfo,
} from './transformer';

const RECORD_FORMAT = 1;

/** What a model record holds. */
interface ModelRecord {
  readonly format: number;
  /** The files and options the record is valid for (`recordKey`). */
  readonly key: string;
  readonly id: string;
  readonly fingerprint: string;
  readonly dimension: number;
  readonly info: TransformerModelInfo;
}

/** The options that change what a model computes (threads and the execution provider do not). */
function vectorOptions(options: TransformerEngineOptions): Omit<TransformerEngineOptions, 'threads' | 'executionProvider' | 'memoryBudgetBytes'> {
  const { threads: _t, executionProvider: _e, memoryBudgetBytes: _m, ...rest } = options;
  return rest;
}

/** The record file of a model folder and options: one per folder, ONNX file and options. */
export function modelRecordFile(root: string, model: ResolvedModel, options: TransformerEngineOptions = {}): string {
  const id = createHash('sha256').update(JSON.stringify({ dir: model.dir, onnx: model.onnxPath, options: vectorOptions(options) })).digest('hex').slice(0, 32);
  return path.join(root, 'models', `${id}.json`);
}

/**
 * The identity of a model's files as the file system describes them: path, size, modification
 * time and inode of the ONNX file, its external data and every file of the folder (tokenizer,
 * configs), and the options. Cheap (no file is read); a change of any file changes it.
 */
function recordKey(model: ResolvedModel, options: TransformerEngineOptions): string {
  const files = new Set([model.onnxPath, ...model.externalData]);
  for (const dir of [model.dir, path.join(model.dir, '1_Pooling')]) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) files.add(path.join(dir, name));
  }
  const stats: [string, number, number, number][] = [];
  for (const f of [...files].sort()) {
    try {
      const st = statSync(f);
      if (st.isFile()) stats.push([f, st.size, st.mtimeMs, st.ino]);
    } catch {
      // Gone meanwhile: not part of the key (the full load would say what is missing).
    }
  }
  return JSON.stringify({ stats, options: vectorOptions(options) });
}

function readRecord(file: string, key: string): ModelRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as ModelRecord;
    const ok = r.format === RECORD_FORMAT && r.key === key && typeof r.fingerprint === 'string' && typeof r.id === 'string' && Number.isInteger(r.dimension) && r.dimension >= 2 && typeof r.info === 'object' && r.info !== null;
    return ok ? r : undefined;
  } catch {
    return undefined; // none yet, or unreadable: a full load writes it again
  }
}

/** Writes the record (a temporary file renamed into place); a failure only costs the next open its speed. */
function writeRecord(file: string, record: ModelRecord, log: (m: string) => void): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(tmp, JSON.stringify(record));
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // Never created.
    }
    log(`model record ${file}: ${(e as Error).message}; the next open loads the model in full`);
  }
}

function removeRecord(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}

export interface StoredTransformerOptions {
  /** Root of the vector stores: the records go to its `models/` folder. */
  readonly root: string;
  /** Where problems go (a record that cannot be written). */
  readonly log?: (message: string) => void;
}

/**
 * Opens a transformer model folder: from its record when the record matches the files (no
 * onnxruntime session: a `StoredTransformerEngine`), else in full (a `TransformerEngine`),
 * writing the record for the next open.
 */
export async function openTransformer(folder: string, options: TransformerEngineOptions, stored: StoredTransformerOptions): Promise<TransformerEngine | StoredTransformerEngine> {
  const model = resolveModelFolder(folder, options.variant);
  const file = modelRecordFile(stored.root, model, options);
  const key = recordKey(model, options);
  const record = readRecord(file, key);
  if (record) return new StoredTransformerEngine(model, record, options, file);
  const engine = await TransformerEngine.fromResolved(model, options);
  const { id, fingerprint, dimension, info } = engine;
  // Stat again: files changed during the load must not be recorded as the ones loaded.
  if (recordKey(model, options) === key) writeRecord(file, { format: RECORD_FORMAT, key, id, fingerprint, dimension, info }, stored.log ?? (() => undefined));
  return engine;
}

/**
 * A transformer model known from its record: its identity, dimension and tokenizer at once, the
 * onnxruntime session only when a text must be embedded (`embed`), loaded once and checked
 * against the record.
 */
export class StoredTransformerEngine implements EmbeddingEngine {
  readonly id: string;
  readonly fingerprint: string;
  readonly dimension: number;
  readonly info: TransformerModelInfo;
  private readonly tokenizer: TermTokenizer;
  private full?: Promise<TransformerEngine>;
  private readonly listeners: ((outcome: { ms: number; error?: unknown }) => void)[] = [];
  private disposed = false;

  constructor(
    private readonly model: ResolvedModel,
    record: ModelRecord,
    private readonly options: TransformerEngineOptions,
    private readonly recordFile: string,
  ) {
    this.id = record.id;
    this.fingerprint = record.fingerprint;
    this.dimension = record.dimension;
    this.info = record.info;
    this.tokenizer = transformerInput(model, options).tokenizer;
  }

  get maxInputLength(): number {
    return this.info.maxLength;
  }

  /** True once the full model was asked for (its load may still be under way). */
  get fullLoadStarted(): boolean {
    return this.full !== undefined;
  }

  analyze(text: string): TextAnalysis {
    return analyzeTransformerText(this.tokenizer, this.info.prefix, text);
  }

  async embed(texts: readonly string[], token?: CancellationFlag): Promise<Float32Array[]> {
    if (this.disposed) throw new Error('the engine was disposed');
    if (texts.length === 0) return [];
    return (await this.fullEngine()).embed(texts, token);
  }

  /**
   * The model loaded in full (once; a failed load fails every later call alike). Rejects with
   * `ModelLoadError` `model-changed` when the files hold another model than the record says.
   */
  fullEngine(): Promise<TransformerEngine> {
    if (!this.full) {
      const started = Date.now();
      this.full = this.loadFull();
      this.full.then(
        () => {
          if (!this.disposed) for (const listener of this.listeners) listener({ ms: Date.now() - started });
        },
        (error: unknown) => {
          if (!this.disposed) for (const listener of this.listeners) listener({ ms: Date.now() - started, error });
        },
      );
    }
    return this.full;
  }

  /** Calls `listener` once the full load is done, with its error if it failed (later calls fail alike, unannounced). */
  onFullLoad(listener: (outcome: { ms: number; error?: unknown }) => void): void {
    this.listeners.push(listener);
  }

  private async loadFull(): Promise<TransformerEngine> {
    const engine = await TransformerEngine.fromResolved(this.model, this.options);
    if (engine.fingerprint === this.fingerprint && engine.dimension === this.dimension) return engine;
    await engine.dispose();
    removeRecord(this.recordFile);
    throw new ModelLoadError('model-changed', 'storedModelChanged', this.model.dir);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const full = this.full;
    if (full) await full.then((e) => e.dispose(), () => undefined);
  }
}
