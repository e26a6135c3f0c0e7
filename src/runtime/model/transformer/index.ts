/**
 * Transformer models: public surface for `load.ts`, the CLI and the server.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findInHfCache, isTransformerFolder } from './layout';

export { TransformerEngine, loadTransformerEngine, transformerInput, analyzeTransformerText, type TransformerEngineOptions, type TransformerModelInfo } from './engine';
export { ModelLoadError, type ModelErrorCode } from './errors';
export { resolveModelFolder, findInHfCache, hfHubCacheDir, isTransformerFolder, DOWNLOAD_METADATA, type ResolvedModel, type Variant } from './layout';
export { PRESETS, findPreset, type ModelPreset, type Pooling } from './presets';
export { TermTokenizer, type EncodedText } from './tokenizer';

import { MODELS_DIR_ENV } from '../../../shared/conventions';

export { MODELS_DIR_ENV };

/**
 * Where downloaded models live: `modelsDir`, else `SYNONYM_LENS_MODELS_DIR` (the extension sets it
 * to its global storage), else `$XDG_CACHE_HOME/synonym-lens/models` (`~/.cache/…`), so that the
 * CLI's `model download X` and `--model X` agree without configuration.
 */
export function downloadedModelsDir(modelsDir?: string): string {
  const dir = modelsDir ?? process.env[MODELS_DIR_ENV];
  if (dir) return path.resolve(dir);
  return path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'synonym-lens', 'models');
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
  const dir = path.join(downloadedModelsDir(modelsDir), downloadFolderName(repo!));
  if (isTransformerFolder(dir)) return dir;
  return findInHfCache(repo!, revision);
}
