/**
 * Finds the pieces of a transformer model in the folder layouts people have:
 * - Optimum / transformers.js: `onnx/model.onnx`, `onnx/model_quantized.onnx`, `onnx/model_fp16.onnx`
 *   (external data beside them: `model.onnx_data`, `model.onnx.data`), or the same at the top;
 * - sentence-transformers: `modules.json` → `1_Pooling/config.json`, `2_Normalize`,
 *   `sentence_bert_config.json` (max length), `config_sentence_transformers.json` (prompts);
 * - the Hugging Face cache: `models--ORG--NAME/snapshots/REV` (or the `models--ORG--NAME` folder,
 *   resolved through `refs/main`), under `HF_HUB_CACHE`, `HF_HOME/hub` or `~/.cache/huggingface/hub`;
 * - folders written by `model download` (`.synonym-lens-download.json` names the repository).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ModelLoadError } from './errors';
import { findPreset, type ModelPreset, type Pooling } from './presets';

import { MODEL_VARIANTS, type ModelVariant as Variant } from '../../../shared/protocol';

export { MODEL_VARIANTS, type Variant };

/** Metadata `model download` leaves in the folder it fills. */
export const DOWNLOAD_METADATA = '.synonym-lens-download.json';

export interface ResolvedModel {
  /** The folder holding config.json and tokenizer files. */
  readonly dir: string;
  /** Repository id if known (`BAAI/bge-m3`), from the HF cache path, download metadata or config.json. */
  readonly repoId?: string;
  readonly onnxPath: string;
  readonly variant: Variant | 'other';
  /** External data files beside the ONNX file that belong to it. */
  readonly externalData: readonly string[];
  readonly tokenizerJson: Record<string, unknown>;
  readonly tokenizerConfig: Record<string, unknown>;
  readonly config: Record<string, unknown>;
  /** Pooling declared by the folder (sentence-transformers `1_Pooling`), if any. */
  readonly declaredPooling?: Exclude<Pooling, 'model'>;
  /** True when sentence-transformers declares `2_Normalize` (we always normalise anyway). */
  readonly declaredNormalize: boolean;
  /** Max length declared by sentence_bert_config.json / tokenizer_config.json / config.json. */
  readonly declaredMaxLength?: number;
  /** Prompt for queries from config_sentence_transformers.json (`prompts.query`). */
  readonly declaredPrefix?: string;
  /**
   * Prefix a fine-tuned export was trained with (`synonym-lens.json` `prefix`, written by
   * src/runtime/learn/exportTransformer.ts): the export has its own id, so its base's preset no longer applies.
   */
  readonly exportedPrefix?: string;
  readonly preset?: ModelPreset;
}

/** The Hugging Face hub cache folder (`HF_HUB_CACHE`, else `HF_HOME/hub`, else `~/.cache/huggingface/hub`). */
export function hfHubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HF_HUB_CACHE) return path.resolve(env.HF_HUB_CACHE);
  if (env.HUGGINGFACE_HUB_CACHE) return path.resolve(env.HUGGINGFACE_HUB_CACHE);
  const home = env.HF_HOME ? path.resolve(env.HF_HOME) : path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'huggingface');
  return path.join(home, 'hub');
}

/** `models--ORG--NAME` → `ORG/NAME`. */
function repoIdFromCacheName(name: string): string | undefined {
  const m = /^models--(.+)$/.exec(name);
  return m ? m[1]!.split('--').join('/') : undefined;
}

/**
 * Resolves a repository id (`BAAI/bge-m3`, optionally `@revision`) in the HF cache to its snapshot
 * folder, or undefined when it is not cached.
 */
export function findInHfCache(repoId: string, revision = 'main', env: NodeJS.ProcessEnv = process.env): string | undefined {
  const repoDir = path.join(hfHubCacheDir(env), `models--${repoId.split('/').join('--')}`);
  return existsSync(repoDir) ? snapshotOf(repoDir, revision) : undefined;
}

/** The snapshot folder of a `models--ORG--NAME` cache folder: `refs/<revision>`, a commit hash, or the newest snapshot. */
function snapshotOf(repoDir: string, revision = 'main'): string | undefined {
  const snapshots = path.join(repoDir, 'snapshots');
  if (!existsSync(snapshots)) return undefined;
  const ref = path.join(repoDir, 'refs', revision);
  if (existsSync(ref)) {
    const commit = readFileSync(ref, 'utf8').trim();
    if (existsSync(path.join(snapshots, commit))) return path.join(snapshots, commit);
  }
  if (existsSync(path.join(snapshots, revision))) return path.join(snapshots, revision);
  const all = readdirSync(snapshots)
    .map((n) => path.join(snapshots, n))
    .filter((p) => statSync(p).isDirectory())
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return all[0];
}

/** If `dir` is an HF cache repository folder, its snapshot; otherwise `dir` itself. */
export function normaliseModelDir(dir: string): { dir: string; repoId?: string } {
  const base = path.basename(dir);
  if (base.startsWith('models--') && existsSync(path.join(dir, 'snapshots'))) {
    const snap = snapshotOf(dir);
    if (!snap) throw new ModelLoadError('missing-file', 'hfCacheNoSnapshot', dir);
    return { dir: snap, repoId: repoIdFromCacheName(base) };
  }
  // …/models--ORG--NAME/snapshots/REV
  const parent = path.dirname(dir);
  if (path.basename(parent) === 'snapshots') return { dir, repoId: repoIdFromCacheName(path.basename(path.dirname(parent))) };
  return { dir };
}

function readJson(file: string, what: string, required: boolean): Record<string, unknown> {
  if (!existsSync(file)) {
    if (required) throw new ModelLoadError('missing-file', 'jsonMissing', what, file);
    return {};
  }
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch (err) {
    throw new ModelLoadError('bad-tokenizer', 'jsonInvalid', what, file, (err as Error).message);
  }
  throw new ModelLoadError('bad-tokenizer', 'jsonNotObject', what, file);
}

const VARIANT_FILES: Readonly<Record<Variant, readonly string[]>> = {
  fp32: ['model.onnx'],
  quantized: ['model_quantized.onnx', 'model_int8.onnx', 'model_uint8.onnx', 'model_qint8_avx512_vnni.onnx', 'model_qint8_avx512.onnx', 'model_qint8_avx2.onnx'],
  fp16: ['model_fp16.onnx'],
};

/** Where ONNX files may sit inside a model folder, in order of preference. */
export const ONNX_SUBDIRS = ['onnx', '.'] as const;

/** The ONNX file of `variant` (or the best available: fp32, quantized, fp16, any other `.onnx`). */
export function findOnnxFile(dir: string, variant?: Variant): { file: string; variant: Variant | 'other' } {
  const order: readonly Variant[] = variant ? [variant] : MODEL_VARIANTS;
  for (const v of order)
    for (const sub of ONNX_SUBDIRS)
      for (const name of VARIANT_FILES[v]) {
        const file = path.join(dir, sub, name);
        if (existsSync(file)) return { file, variant: v };
      }
  if (!variant) {
    for (const sub of ONNX_SUBDIRS) {
      const d = path.join(dir, sub);
      if (!existsSync(d)) continue;
      const any = readdirSync(d).filter((n) => n.endsWith('.onnx')).sort()[0];
      if (any) return { file: path.join(d, any), variant: 'other' };
    }
  }
  throw variant ? new ModelLoadError('missing-file', 'noOnnxVariant', dir, VARIANT_FILES[variant].join(' or ')) : new ModelLoadError('missing-file', 'noOnnxAny', dir);
}

/** External data files that belong to `onnxFile` (`model.onnx_data`, `model.onnx.data`, `model.onnx_data_1` …). */
export function externalDataFiles(onnxFile: string): string[] {
  const dir = path.dirname(onnxFile);
  const base = path.basename(onnxFile);
  return readdirSync(dir)
    .filter((n) => n.startsWith(base + '_data') || n.startsWith(base + '.data'))
    .map((n) => path.join(dir, n));
}

function poolingFromSentenceTransformers(dir: string): { pooling?: Exclude<Pooling, 'model'>; normalize: boolean } {
  const modules = path.join(dir, 'modules.json');
  if (!existsSync(modules)) return { normalize: false };
  let list: unknown;
  try {
    list = JSON.parse(readFileSync(modules, 'utf8'));
  } catch {
    return { normalize: false };
  }
  if (!Array.isArray(list)) return { normalize: false };
  let pooling: Exclude<Pooling, 'model'> | undefined;
  let normalize = false;
  for (const m of list as Record<string, unknown>[]) {
    const type = String(m.type ?? '');
    if (type.endsWith('.Normalize')) normalize = true;
    if (type.endsWith('.Pooling')) {
      const cfg = readJson(path.join(dir, String(m.path ?? '1_Pooling'), 'config.json'), 'Pooling config', false);
      if (cfg.pooling_mode_cls_token) pooling = 'cls';
      else if (cfg.pooling_mode_lasttoken) pooling = 'last';
      else if (cfg.pooling_mode_max_tokens) pooling = 'max';
      else if (cfg.pooling_mode_mean_tokens || cfg.pooling_mode_mean_sqrt_len_tokens) pooling = 'mean';
    }
  }
  return { pooling, normalize };
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value < 1e7 ? Math.floor(value) : undefined;
}

/** Reads a model folder (or HF cache folder) without loading the model. */
export function resolveModelFolder(input: string, variant?: Variant): ResolvedModel {
  const abs = path.resolve(input);
  if (!existsSync(abs)) throw new ModelLoadError('missing-file', 'folderNotFound', abs);
  if (!statSync(abs).isDirectory()) throw new ModelLoadError('missing-file', 'notAFolder', abs);
  const { dir, repoId: cacheRepo } = normaliseModelDir(abs);
  const config = readJson(path.join(dir, 'config.json'), 'config.json', false);
  const tokenizerJson = readJson(path.join(dir, 'tokenizer.json'), 'tokenizer.json', true);
  const tokenizerConfig = readJson(path.join(dir, 'tokenizer_config.json'), 'tokenizer_config.json', false);
  const download = readJson(path.join(dir, DOWNLOAD_METADATA), DOWNLOAD_METADATA, false);
  const nameOrPath = typeof config._name_or_path === 'string' && /^[\w.-]+\/[\w.-]+$/.test(config._name_or_path) ? config._name_or_path : undefined;
  const repoId = cacheRepo ?? (typeof download.repo === 'string' ? download.repo : undefined) ?? nameOrPath;
  const { file, variant: found } = findOnnxFile(dir, variant);
  const st = poolingFromSentenceTransformers(dir);
  const sbert = readJson(path.join(dir, 'sentence_bert_config.json'), 'sentence_bert_config.json', false);
  const stConfig = readJson(path.join(dir, 'config_sentence_transformers.json'), 'config_sentence_transformers.json', false);
  const prompts = (stConfig.prompts ?? {}) as Record<string, unknown>;
  // Fine-tuned exports (src/runtime/learn/exportTransformer.ts) record the prefix their adapter was trained with.
  const exported = readJson(path.join(dir, 'synonym-lens.json'), 'synonym-lens.json', false);

  // XLM-R-family position tables hold padding_idx + 1 extra rows (514 for 512 tokens).
  const positions = positive(config.max_position_embeddings);
  const xlmr = /roberta/i.test(String(config.model_type ?? ''));
  const positionLimit = positions !== undefined ? (xlmr ? positions - 2 : positions) : undefined;
  const lengths = [positive(sbert.max_seq_length), positive(tokenizerConfig.model_max_length), positionLimit].filter((n): n is number => n !== undefined);

  return {
    dir,
    repoId,
    onnxPath: file,
    variant: found,
    externalData: externalDataFiles(file),
    tokenizerJson,
    tokenizerConfig,
    config,
    declaredPooling: st.pooling,
    declaredNormalize: st.normalize,
    declaredMaxLength: lengths.length ? Math.min(...lengths) : undefined,
    declaredPrefix: typeof prompts.query === 'string' ? prompts.query : undefined,
    exportedPrefix: typeof exported.prefix === 'string' ? exported.prefix : undefined,
    preset: findPreset(repoId) ?? findPreset(path.basename(dir)),
  };
}

/**
 * True when `spec` names something the transformer engine should load: a folder with
 * tokenizer.json, an HF cache repository folder, or a repository id cached under `extraRoots`
 * or the HF cache.
 */
export function isTransformerFolder(dir: string): boolean {
  try {
    const { dir: d } = normaliseModelDir(path.resolve(dir));
    return existsSync(path.join(d, 'tokenizer.json'));
  } catch {
    return false;
  }
}
