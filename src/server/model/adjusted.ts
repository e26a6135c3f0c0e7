/**
 * Adjusted-vector model folders (written by "Adjust Vectors" / `synonym-lens adjust`): a table of
 * adjusted vectors for dictionary terms over a base model. The engine answers those terms (by
 * `termKey`) from the table and every other text from the base model, so only dictionary terms
 * move — what adjustment can honestly do (see docs/learning.md).
 *
 *   config.json   { model_type: "synonym-lens-adjusted", base_model, base_model_relative (base folders:
 *                   the path from this folder, tried first, so both can move together), base_model_id, base_fingerprint,
 *                   method, dimension, terms, moved_terms, vectors_sha256, … }
 *   terms.json    JSON array of term keys, in row order
 *   vectors.f32   float32 little-endian [terms × dimension], L2-normalised rows
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

interface AdjustedConfig {
  model_type: typeof ADJUSTED_MODEL_TYPE;
  base_model: string;
  /** The base folder relative to this one (written when the base is a folder); preferred when it exists. */
  base_model_relative?: string;
  base_fingerprint?: string;
  dimension: number;
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

/** Loads an adjusted-vectors folder over its base model, loaded with `loadBase`. */
export async function loadAdjustedEngine(dir: string, loadBase: (spec: string) => Promise<EmbeddingEngine>): Promise<EmbeddingEngine> {
  const config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8')) as AdjustedConfig;
  const keys = JSON.parse(await readFile(path.join(dir, ADJUSTED_TERMS_FILE), 'utf8')) as unknown;
  const bytes = await readFile(path.join(dir, ADJUSTED_VECTORS_FILE));
  const dim = config.dimension;
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string') || bytes.length !== keys.length * dim * 4) {
    throw new ModelLoadError('bad-config', 'adjustedMismatch', dir, ADJUSTED_TERMS_FILE, ADJUSTED_VECTORS_FILE, keys instanceof Array ? keys.length : '?', dim);
  }
  const relative = typeof config.base_model_relative === 'string' ? path.resolve(dir, config.base_model_relative) : undefined;
  const baseSpec = relative !== undefined && existsSync(relative) ? relative : config.base_model;
  const base = await loadBase(baseSpec);
  if (base.dimension !== dim || (config.base_fingerprint && config.base_fingerprint !== base.fingerprint)) {
    await base.dispose();
    throw new ModelLoadError('base-changed', 'adjustedBaseChanged', dir, config.base_model);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const table = new Map<string, Float32Array>();
  (keys as string[]).forEach((k, i) => {
    const v = new Float32Array(dim);
    for (let d = 0; d < dim; d++) v[d] = view.getFloat32((i * dim + d) * 4, true);
    table.set(k, v);
  });
  const fingerprint = createHash('sha256').update(base.fingerprint).update('\u0000').update(bytes).digest('hex');
  return new AdjustedEngine(path.basename(dir), fingerprint, base, table);
}

class AdjustedEngine implements EmbeddingEngine {
  readonly dimension: number;
  readonly maxInputLength: number;

  constructor(
    readonly id: string,
    readonly fingerprint: string,
    private readonly base: EmbeddingEngine,
    private readonly table: Map<string, Float32Array>,
  ) {
    this.dimension = base.dimension;
    this.maxInputLength = base.maxInputLength;
  }

  async embed(texts: readonly string[], token?: CancellationFlag): Promise<Float32Array[]> {
    const out = new Array<Float32Array>(texts.length);
    const rest: number[] = [];
    texts.forEach((t, i) => {
      const v = this.table.get(termKey(t));
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
