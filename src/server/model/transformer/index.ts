/**
 * Transformer models: public surface for `load.ts`, the CLI and the server.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { findInHfCache, isTransformerFolder } from './layout';

export { TransformerEngine, loadTransformerEngine, type TransformerEngineOptions, type TransformerModelInfo } from './engine';
export { ModelLoadError, type ModelErrorCode } from './errors';
export { resolveModelFolder, findInHfCache, hfHubCacheDir, isTransformerFolder, DOWNLOAD_METADATA, type ResolvedModel, type Variant } from './layout';
export { PRESETS, findPreset, type ModelPreset, type Pooling } from './presets';
export { TermTokenizer, type EncodedText } from './tokenizer';

/** Environment variable: the folder `model download` fills (the extension passes its global storage). */
export const MODELS_DIR_ENV = 'SYNONYM_LENS_MODELS_DIR';

/** Where downloaded models live: `options.modelsDir`, else `SYNONYM_LENS_MODELS_DIR`, else undefined. */
export function downloadedModelsDir(modelsDir?: string): string | undefined {
  const dir = modelsDir ?? process.env[MODELS_DIR_ENV];
  return dir ? path.resolve(dir) : undefined;
}

/** The folder `model download` writes `org/name` to: `<modelsDir>/org--name`. */
export function downloadFolderName(repoId: string): string {
  return repoId.split('/').join('--');
}

/**
 * Resolves the `synonymLens.model` value when it names a transformer model: a folder with
 * tokenizer.json (plain, HF cache repository or snapshot folder), or a repository id
 * `org/name` downloaded into `modelsDir` or present in the Hugging Face cache. Undefined otherwise
 * (the caller then treats the spec as before).
 */
export function resolveTransformerSpec(spec: string, modelsDir?: string): string | undefined {
  if (existsSync(spec)) return isTransformerFolder(spec) ? path.resolve(spec) : undefined;
  const m = /^([\w.-]+\/[\w.-]+)(?:@([\w./-]+))?$/.exec(spec);
  if (!m) return undefined;
  const [, repo, revision] = m;
  const root = downloadedModelsDir(modelsDir);
  if (root) {
    const dir = path.join(root, downloadFolderName(repo!));
    if (isTransformerFolder(dir)) return dir;
  }
  return findInHfCache(repo!, revision);
}
