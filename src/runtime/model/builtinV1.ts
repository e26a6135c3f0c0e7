/**
 * The previous embedded model, `char-ngram-v1`, on demand.
 *
 * v1 is nothing but a table drawn from its config's seed, so the packaged extension ships its
 * `config.json` only (the 16 MiB of random floats do not compress and would be paid by every
 * install). When v1 is first needed — an existing fine-tuned or adjusted folder built on it, the
 * fine-tuning base, `builtin:char-ngram-v1` — its `model.onnx` is regenerated from the seed, checked
 * byte for byte against the `model_sha256` recorded at build time, and kept in the models cache.
 * A development checkout (where `npm install` generated the file beside the config) uses it as is.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseCharNgramConfig } from '../../core/builtin/featurizer';
import { buildCharNgramOnnx, generateEmbeddingTable } from '../../core/builtin/model';
import { downloadedModelsDir } from './transformer';

interface V1FolderConfig {
  readonly model_sha256: string;
  readonly model_bytes: number;
  readonly featurizer: unknown;
}

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Folders already checked in this process (shipped folder → folder holding a verified model.onnx). */
const verified = new Map<string, string>();

function readConfig(file: string): V1FolderConfig {
  const cfg = JSON.parse(readFileSync(file, 'utf8')) as Partial<V1FolderConfig>;
  if (typeof cfg.model_sha256 !== 'string' || typeof cfg.model_bytes !== 'number')
    throw new Error(`${file} records no model_sha256 / model_bytes: the embedded model v1 cannot be checked`);
  return cfg as V1FolderConfig;
}

/** True when `dir/model.onnx` has the recorded size and hash. */
function holdsModel(dir: string, cfg: V1FolderConfig): boolean {
  const file = path.join(dir, 'model.onnx');
  try {
    if (statSync(file).size !== cfg.model_bytes) return false;
    return sha256(readFileSync(file)) === cfg.model_sha256;
  } catch {
    return false;
  }
}

function writeAtomic(file: string, data: Uint8Array | string): void {
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * A folder holding v1's config.json and a verified model.onnx: `shippedDir` itself when it has the
 * model, else `<cache>/builtin-char-ngram-v1-<hash>` (generated once, ≈ 0.3 s). Returns `shippedDir`
 * unchanged when it has no config (the loader then reports the missing folder as usual).
 * `cacheDir` defaults to the downloaded-models folder (SYNONYM_LENS_MODELS_DIR or ~/.cache/synonym-lens/models).
 */
export function materializeBuiltinV1(shippedDir: string, cacheDir?: string): string {
  const known = verified.get(shippedDir);
  if (known !== undefined && existsSync(path.join(known, 'model.onnx'))) return known;
  const configFile = path.join(shippedDir, 'config.json');
  if (!existsSync(configFile)) return shippedDir;
  const cfg = readConfig(configFile);
  if (holdsModel(shippedDir, cfg)) {
    verified.set(shippedDir, shippedDir);
    return shippedDir;
  }
  const target = path.join(cacheDir ?? downloadedModelsDir(), `builtin-char-ngram-v1-${cfg.model_sha256.slice(0, 16)}`);
  if (!holdsModel(target, cfg)) {
    const config = parseCharNgramConfig(cfg.featurizer);
    const model = buildCharNgramOnnx(config, generateEmbeddingTable(config));
    if (model.length !== cfg.model_bytes || sha256(model) !== cfg.model_sha256)
      throw new Error(`the embedded model v1 regenerated from its seed does not match ${configFile} (sha256 ${cfg.model_sha256})`);
    mkdirSync(target, { recursive: true });
    writeAtomic(path.join(target, 'model.onnx'), model);
  }
  writeAtomic(path.join(target, 'config.json'), readFileSync(configFile));
  verified.set(shippedDir, target);
  return target;
}
