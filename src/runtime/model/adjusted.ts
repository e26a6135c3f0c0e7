/**
 * Adjusted vectors: a table of adjusted vectors for dictionary terms over a model. The engine
 * answers those terms (by `termKey`) from the table and every other text from the model, so only
 * dictionary terms move — what adjustment can honestly do (see docs/learning.md). Two layouts:
 *
 * An adjusted-vectors folder (written by "Adjust Vectors" / `synonym-lens adjust`), over a base
 * model found elsewhere:
 *   config.json   { model_type: "synonym-lens-adjusted", base_model, base_model_relative (base folders:
 *                   the path from this folder, tried first, so both can move together), base_model_id, base_fingerprint,
 *                   method, dimension, terms, moved_terms, vectors_sha256, … }
 *   terms.json    JSON array of term keys, in row order
 *   vectors.f32   float32 little-endian [terms × dimension], L2-normalised rows
 *
 * A model folder's own table (`fine-tune --adjust`), so that the model and its adjusted vectors
 * travel as one folder: `<model folder>/adjusted/` with the same `terms.json` and `vectors.f32` and
 * a `config.json` of { method, dimension, terms, moved_terms, vectors_sha256, training_file_sha256 }.
 * Any model folder holding `adjusted/config.json` loads wrapped in the table (load.ts).
 *
 * Both are read by one validating reader and served by one engine (`AdjustedEngine`), whose
 * fingerprint covers the table bytes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { termKey } from '../../core/dictionary';
import type { CancellationFlag, EmbeddingEngine, TextAnalysis } from './engine';
import { ModelLoadError } from './transformer/errors';

export const ADJUSTED_MODEL_TYPE = 'synonym-lens-adjusted';
export const ADJUSTED_TERMS_FILE = 'terms.json';
export const ADJUSTED_VECTORS_FILE = 'vectors.f32';
/** The subfolder of a model folder that holds the model's own adjusted vectors. */
export const EMBEDDED_TABLE_DIR = 'adjusted';

interface AdjustedConfig {
  model_type: typeof ADJUSTED_MODEL_TYPE;
  base_model: string;
  /** The base folder relative to this one (written when the base is a folder); preferred when it exists. */
  base_model_relative?: string;
  /** The base engine's id, e.g. `builtin:char-ngram-v2`. */
  base_model_id?: string;
  base_fingerprint?: string;
  dimension: number;
  terms?: number;
  vectors_sha256?: string;
}

/** `adjusted/config.json` of a model folder that carries its own adjusted vectors. */
export interface EmbeddedTableConfig {
  /** `seed`, `retrofit` or `counterfit`. */
  method: string;
  dimension: number;
  /** Rows of the table (distinct dictionary terms with a vector). */
  terms: number;
  /** Rows whose vector differs from the model's own. */
  moved_terms: number;
  /** SHA-256 (hex) of vectors.f32. */
  vectors_sha256: string;
  /** SHA-256 (hex) of the dictionary the table was adjusted on. */
  training_file_sha256: string;
}

/** A validated table: vectors by term key and the file's bytes (for the fingerprint). */
export interface AdjustedTable {
  readonly vectors: ReadonlyMap<string, Float32Array>;
  readonly bytes: Uint8Array;
}

/** True when `spec` is a folder whose config.json says it holds adjusted vectors. */
export function isAdjustedFolder(spec: string): boolean {
  const file = path.join(spec, 'config.json');
  if (!existsSync(file)) return false;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { model_type?: unknown }).model_type === ADJUSTED_MODEL_TYPE;
  } catch {
    return false;
  }
}

/** True when the model folder `dir` carries its own adjusted vectors (`adjusted/config.json`). */
export function hasEmbeddedTable(dir: string): boolean {
  return existsSync(path.join(dir, EMBEDDED_TABLE_DIR, 'config.json'));
}

/** The fingerprint of a model answered partly from a table: the model's, NUL, the table's bytes. */
export function adjustedFingerprint(baseFingerprint: string, tableBytes: Uint8Array): string {
  return createHash('sha256').update(baseFingerprint).update('\u0000').update(tableBytes).digest('hex');
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new ModelLoadError('missing-file', 'modelFileNotFound', file);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ModelLoadError('bad-config', 'invalidConfigJson', file, (err as Error).message);
  }
}

/**
 * Reads `terms.json` and `vectors.f32` of `dir` as a table of `dimension` columns, checking them
 * against each other and, when given, against the row count and checksum the config recorded
 * (`configFile` names that config in the errors).
 */
async function readTable(dir: string, dimension: number, expected: { configFile: string; terms?: number; sha256?: string }): Promise<AdjustedTable> {
  const termsFile = path.join(dir, ADJUSTED_TERMS_FILE);
  const keys = await readJson(termsFile);
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) throw new ModelLoadError('bad-config', 'adjustedTermsInvalid', termsFile);
  if (expected.terms !== undefined && expected.terms !== keys.length) {
    throw new ModelLoadError('bad-config', 'adjustedTermCount', expected.configFile, expected.terms, termsFile, keys.length);
  }
  const vectorsFile = path.join(dir, ADJUSTED_VECTORS_FILE);
  let bytes: Buffer;
  try {
    bytes = await readFile(vectorsFile);
  } catch {
    throw new ModelLoadError('missing-file', 'modelFileNotFound', vectorsFile);
  }
  if (bytes.length !== keys.length * dimension * 4) {
    throw new ModelLoadError('bad-config', 'adjustedMismatch', dir, ADJUSTED_TERMS_FILE, ADJUSTED_VECTORS_FILE, keys.length, dimension);
  }
  if (expected.sha256 !== undefined) {
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== expected.sha256) throw new ModelLoadError('bad-config', 'adjustedChecksum', vectorsFile, expected.configFile, actual, expected.sha256);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const vectors = new Map<string, Float32Array>();
  (keys as string[]).forEach((k, i) => {
    const v = new Float32Array(dimension);
    for (let d = 0; d < dimension; d++) v[d] = view.getFloat32((i * dimension + d) * 4, true);
    vectors.set(k, v);
  });
  return { vectors, bytes };
}

const isCount = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;

/** Loads an adjusted-vectors folder over its base model, loaded with `loadBase`. */
export async function loadAdjustedEngine(dir: string, loadBase: (spec: string) => Promise<EmbeddingEngine>): Promise<EmbeddingEngine> {
  const configFile = path.join(dir, 'config.json');
  const config = (await readJson(configFile)) as AdjustedConfig;
  if (!isCount(config.dimension, 1)) throw new ModelLoadError('bad-config', 'adjustedConfigField', configFile, 'dimension');
  const table = await readTable(dir, config.dimension, {
    configFile,
    terms: isCount(config.terms, 0) ? config.terms : undefined,
    sha256: typeof config.vectors_sha256 === 'string' ? config.vectors_sha256 : undefined,
  });
  const relative = typeof config.base_model_relative === 'string' ? path.resolve(dir, config.base_model_relative) : undefined;
  // `builtin` names whichever embedded model is the default; the id recorded beside it (e.g.
  // `builtin:char-ngram-v1`) keeps tables made over an earlier embedded model on their base.
  const builtinId = config.base_model === 'builtin' && typeof config.base_model_id === 'string' && config.base_model_id.startsWith('builtin:') ? config.base_model_id : undefined;
  const baseSpec = relative !== undefined && existsSync(relative) ? relative : (builtinId ?? config.base_model);
  const base = await loadBase(baseSpec);
  if (base.dimension !== config.dimension || (config.base_fingerprint && config.base_fingerprint !== base.fingerprint)) {
    await base.dispose();
    throw new ModelLoadError('base-changed', 'adjustedBaseChanged', dir, config.base_model);
  }
  return new AdjustedEngine(path.basename(dir), base, table);
}

/**
 * Reads and checks the table a model folder carries (`<dir>/adjusted/`) for a model of `dimension`
 * columns: config fields, row count, file size and checksum. Throws a `ModelLoadError` naming the
 * file and what disagrees.
 */
export async function readEmbeddedTable(dir: string, dimension: number): Promise<{ config: EmbeddedTableConfig; table: AdjustedTable }> {
  const tableDir = path.join(dir, EMBEDDED_TABLE_DIR);
  const configFile = path.join(tableDir, 'config.json');
  const json = await readJson(configFile);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ModelLoadError('bad-config', 'jsonNotObject', configFile, JSON.stringify(json));
  const config = json as Partial<EmbeddedTableConfig>;
  for (const [field, ok] of [
    ['method', typeof config.method === 'string'],
    ['dimension', isCount(config.dimension, 1)],
    ['terms', isCount(config.terms, 0)],
    ['vectors_sha256', typeof config.vectors_sha256 === 'string' && /^[0-9a-f]{64}$/.test(config.vectors_sha256)],
  ] as const) {
    if (!ok) throw new ModelLoadError('bad-config', 'adjustedConfigField', configFile, field);
  }
  if (config.dimension !== dimension) throw new ModelLoadError('bad-config', 'adjustedDimension', configFile, config.dimension!, dimension);
  const table = await readTable(tableDir, dimension, { configFile, terms: config.terms, sha256: config.vectors_sha256 });
  return { config: config as EmbeddedTableConfig, table };
}

/**
 * Wraps `engine`, loaded from the model folder `dir`, in the adjusted vectors the folder carries.
 * On a bad table the engine is disposed and the table's `ModelLoadError` thrown.
 */
export async function withEmbeddedTable(dir: string, engine: EmbeddingEngine): Promise<AdjustedEngine> {
  try {
    const { table } = await readEmbeddedTable(dir, engine.dimension);
    return new AdjustedEngine(engine.id, engine, table);
  } catch (err) {
    await engine.dispose();
    throw err;
  }
}

/** A model whose dictionary terms (by `termKey`) are answered from a table of adjusted vectors. */
export class AdjustedEngine implements EmbeddingEngine {
  readonly dimension: number;
  readonly maxInputLength: number;
  readonly fingerprint: string;
  private readonly vectors: ReadonlyMap<string, Float32Array>;

  constructor(
    readonly id: string,
    /** The model that answers every text the table does not hold. */
    readonly base: EmbeddingEngine,
    table: AdjustedTable,
  ) {
    this.dimension = base.dimension;
    this.maxInputLength = base.maxInputLength;
    this.fingerprint = adjustedFingerprint(base.fingerprint, table.bytes);
    this.vectors = table.vectors;
  }

  /** Rows of the table. */
  get terms(): number {
    return this.vectors.size;
  }

  async embed(texts: readonly string[], token?: CancellationFlag): Promise<Float32Array[]> {
    const out = new Array<Float32Array>(texts.length);
    const rest: number[] = [];
    texts.forEach((t, i) => {
      const v = this.vectors.get(termKey(t));
      if (v) out[i] = v.slice();
      else rest.push(i);
    });
    if (rest.length) {
      const vectors = await this.base.embed(rest.map((i) => texts[i]!), token);
      rest.forEach((i, j) => (out[i] = vectors[j]!));
    }
    return out;
  }

  analyze(text: string): TextAnalysis {
    return this.base.analyze(text);
  }

  dispose(): Promise<void> {
    return this.base.dispose();
  }
}
