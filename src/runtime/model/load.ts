/**
 * Finds and opens an embedding model: `builtin` (the shipped char-n-gram model) or a model folder.
 *
 * A model folder holds `config.json` and `model.onnx`. `config.json`'s `model_type` (the key Hugging
 * Face folders use too) selects the kind: `synonym-lens-char-ngram` (the built-in model or a
 * fine-tuned export of it, with its featuriser parameters under `featurizer`); transformer folders
 * (tokenizer.json) and adjusted-vector folders are recognised first. Any model folder that also
 * holds `adjusted/config.json` (a fine-tune with `--adjust`) is wrapped in that table (adjusted.ts).
 */
import { constants, existsSync, statSync } from 'node:fs';
import type { ExecutionProviderChoice } from './onnxAdapter';
import { access, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CHAR_NGRAM_MODEL_TYPE, parseCharNgramConfig, type CharNgramModelConfig } from '../../core/builtin/featurizer';
import { BuiltinEngine, builtinFileFingerprint, OnnxLoadError } from './builtinEngine';
import { parseLexiconVocabulary, type LexiconVocabulary } from '../../core/builtin/lexicon';
import { BUILTIN_V1_FOLDER } from '../../core/builtin/modelV2';
import { materializeBuiltinV1 } from './builtinV1';
import { hasEmbeddedTable, isAdjustedFolder, loadAdjustedEngine, withEmbeddedTable } from './adjusted';
import type { EmbeddingEngine } from './engine';
import { isModelErrorText } from './errorMessages';
import { loadTransformerEngine, ModelLoadError, resolveTransformerSpec } from './transformer'; // transformer models (issue 3)
import { openTransformer, type StoredTransformerOptions } from './storedTransformer';

export interface LoadEngineOptions {
  /** Intra-op threads; default: the engine's (the built-in model 1, transformers the physical core count). */
  readonly threads?: number;
  /** Execution provider of transformer models (the embedded model always runs on the CPU); default `cpu`. */
  readonly executionProvider?: ExecutionProviderChoice;
  /**
   * Folder holding the shipped models (`<modelsDir>/builtin`). Default: `SYNONYM_LENS_BUILTIN_MODEL`
   * (the builtin folder itself) if set, else `models/` next to the bundle's `dist/`.
   */
  readonly modelsDir?: string;
  /**
   * Where transformer models' records are kept (storedTransformer.ts): a model opened before opens
   * from its record, without an onnxruntime session until a text must be embedded. Default: none
   * (always a full load).
   */
  readonly records?: StoredTransformerOptions;
}

/** Environment variable naming the built-in model folder (overrides the shipped location). */
export const BUILTIN_MODEL_ENV = 'SYNONYM_LENS_BUILTIN_MODEL';

/** Contents of a char-n-gram model folder's `config.json` (written by the generator/exporter). */
export interface CharNgramFolderConfig {
  readonly model_type: typeof CHAR_NGRAM_MODEL_TYPE;
  readonly featurizer: CharNgramModelConfig;
  readonly [extra: string]: unknown;
}

/**
 * The built-in model folder. Bundles live in `dist/`, so the shipped folder is `dist/../models/builtin`;
 * when running from sources (tests via tsx) the nearest ancestor holding `models/builtin` is used.
 */
export function builtinModelDir(options: LoadEngineOptions = {}): string {
  if (options.modelsDir !== undefined) return path.resolve(options.modelsDir, 'builtin');
  const env = process.env[BUILTIN_MODEL_ENV];
  if (env) return path.resolve(env);
  const shipped = path.join(__dirname, '..', 'models', 'builtin');
  if (existsSync(shipped)) return shipped;
  for (let dir = __dirname, i = 0; i < 6; i++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'models', 'builtin');
    if (existsSync(path.join(candidate, 'config.json'))) return candidate;
  }
  return shipped;
}

/** Model spec of the previous embedded model (char n-grams only), kept loadable beside the default. */
export const BUILTIN_V1_SPEC = 'builtin:char-ngram-v1';

/**
 * The `char-ngram-v1` folder: its config ships as a sibling of the default built-in folder, its
 * model is that folder's when present, else regenerated from the seed into the models cache (builtinV1.ts).
 */
export function builtinV1ModelDir(options: LoadEngineOptions = {}): string {
  return materializeBuiltinV1(path.join(path.dirname(builtinModelDir(options)), BUILTIN_V1_FOLDER));
}

/**
 * Loads `builtin` or a model folder; rejects with an `Error` whose message says what is wrong —
 * mostly a `ModelLoadError`, whose `messageId` lets the language server say it in the display language.
 */
export async function loadEngine(spec: 'builtin' | string, options: LoadEngineOptions = {}): Promise<EmbeddingEngine> {
  // `builtin:<version>` names an embedded model by version: v1 its own folder, any other the default.
  if (spec === 'builtin' || spec.startsWith('builtin:')) {
    const dir = spec === BUILTIN_V1_SPEC ? builtinV1ModelDir(options) : builtinModelDir(options);
    if (!existsSync(path.join(dir, 'config.json')) || !existsSync(path.join(dir, 'model.onnx')))
      throw new ModelLoadError('missing-file', 'builtinMissing', dir);
    return loadFolder(dir, options, (cfg) => `builtin:${cfg.version}`);
  }
  // Adjusted-vector folders ("Adjust Vectors"): a term table over a base model loaded the same way.
  if (isAdjustedFolder(spec)) return loadAdjustedEngine(path.resolve(spec), (base) => loadEngine(base, options));
  // Transformer models (issue 3, owned by src/runtime/model/transformer/): a Hugging Face ONNX folder
  // with tokenizer.json, an HF cache folder, or a downloaded / cached `org/name`. Anything else
  // keeps the char-n-gram path below.
  const transformerDir = resolveTransformerSpec(spec);
  if (transformerDir !== undefined) {
    const transformerOptions = { threads: options.threads, executionProvider: options.executionProvider };
    const loading = options.records ? openTransformer(transformerDir, transformerOptions, options.records) : loadTransformerEngine(transformerDir, transformerOptions);
    return withOwnTable(transformerDir, checkDimension(transformerDir, loading));
  }
  const dir = path.resolve(spec);
  return withOwnTable(dir, checkDimension(dir, loadFolder(dir, options, () => path.basename(dir))));
}

/** A file that could not be read, said precisely: absent, a folder, a looping link, or the errno. */
function fileError(file: string, err: unknown): ModelLoadError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new ModelLoadError('missing-file', 'modelFileNotFound', file);
  if (code === 'EISDIR') return new ModelLoadError('missing-file', 'modelFileIsFolder', file);
  if (code === 'ELOOP') return new ModelLoadError('missing-file', 'modelFileLinkLoop', file);
  return new ModelLoadError('unknown-io', 'modelFileUnreadable', file, code ?? (err as Error).message);
}

/** Refuses a model whose vectors have fewer than 2 dimensions: every cosine would be ±1. */
async function checkDimension(spec: string, loading: Promise<EmbeddingEngine>): Promise<EmbeddingEngine> {
  const engine = await loading;
  if (engine.dimension >= 2) return engine;
  await engine.dispose();
  throw new ModelLoadError('bad-config', 'dimensionTooSmall', spec, engine.dimension);
}

/**
 * A model folder that carries its own adjusted vectors (`adjusted/config.json`, from
 * `fine-tune --adjust`) loads as its model answered partly from that table; others load as they are.
 */
async function withOwnTable(dir: string, loading: Promise<EmbeddingEngine>): Promise<EmbeddingEngine> {
  const engine = await loading;
  return hasEmbeddedTable(dir) ? withEmbeddedTable(dir, engine) : engine;
}

async function loadFolder(dir: string, options: LoadEngineOptions, idOf: (cfg: CharNgramModelConfig) => string): Promise<EmbeddingEngine> {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new ModelLoadError('missing-file', 'folderNotFound', dir);
  }
  if (!isDir) throw new ModelLoadError('missing-file', 'notACharNgramFolder', dir);

  const configPath = path.join(dir, 'config.json');
  let text: string;
  try {
    text = await readFile(configPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ModelLoadError('missing-file', 'noConfigJson', dir);
    throw fileError(configPath, err);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ModelLoadError('bad-config', 'invalidConfigJson', configPath, (err as Error).message);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ModelLoadError('bad-config', 'configNotObject', configPath, Array.isArray(json) ? 'an array' : json === null ? 'null' : `a ${typeof json}`);
  }
  const modelType = (json as Record<string, unknown>).model_type;
  // A transformer's config.json in a folder that lacks tokenizer.json (a transformer folder is one with it).
  if (typeof modelType === 'string' && modelType !== CHAR_NGRAM_MODEL_TYPE) throw new ModelLoadError('missing-file', 'transformerNoTokenizer', dir, modelType);
  if (modelType !== CHAR_NGRAM_MODEL_TYPE) {
    throw modelType === undefined
      ? new ModelLoadError('bad-config', 'unsupportedNoModelType', dir, CHAR_NGRAM_MODEL_TYPE)
      : new ModelLoadError('bad-config', 'unsupportedModelType', dir, JSON.stringify(modelType), CHAR_NGRAM_MODEL_TYPE);
  }

  let config: CharNgramModelConfig;
  try {
    config = parseCharNgramConfig((json as Record<string, unknown>).featurizer);
  } catch (err) {
    throw new ModelLoadError('bad-config', 'invalidConfig', configPath, (err as Error).message);
  }

  const modelPath = path.join(dir, 'model.onnx');
  const lexiconPath = path.join(dir, 'lexicon.txt');
  // onnxruntime opens the graph from its path (docs/performance.md: far faster than from a buffer
  // for v2's 37 MB); the lexicon is read meanwhile.
  const readingWords = config.lexicon ? readFile(lexiconPath, 'utf8') : undefined;
  readingWords?.catch(() => undefined); // awaited below; not an unhandled rejection if the model fails first
  let modelSize: number;
  try {
    const info = await stat(modelPath);
    if (!info.isFile()) throw Object.assign(new Error(`${modelPath} is not a file`), { code: 'EISDIR' });
    modelSize = info.size;
    await access(modelPath, constants.R_OK);
  } catch (err) {
    throw fileError(modelPath, err);
  }
  if (modelSize === 0) throw new ModelLoadError('not-onnx', 'onnxEmpty', modelPath);

  // Read while the lexicon is indexed and the session built.
  const fingerprint = builtinFileFingerprint(modelPath, config);
  fingerprint.catch(() => undefined); // awaited by the engine; not an unhandled rejection if the lexicon fails first
  let lexicon: LexiconVocabulary | undefined;
  if (config.lexicon && readingWords) {
    let words: string;
    try {
      words = await readingWords;
    } catch {
      throw new ModelLoadError('missing-file', 'modelFileNotFound', lexiconPath);
    }
    try {
      lexicon = parseLexiconVocabulary(words, config.lexicon.rows);
    } catch (err) {
      throw new ModelLoadError('bad-config', 'invalidConfig', lexiconPath, (err as Error).message);
    }
  }
  try {
    return await BuiltinEngine.create({ id: idOf(config), config, model: { path: modelPath, fingerprint }, threads: options.threads, lexicon });
  } catch (err) {
    if (err instanceof OnnxLoadError) throw new ModelLoadError('not-onnx', 'onnxUnreadable', modelPath, err.detail);
    // The engine's own checks say what is wrong in a text of their own (kept localisable when it is one).
    throw new ModelLoadError('unknown-io', 'modelFileProblem', modelPath, isModelErrorText(err) ? err : (err as Error).message);
  }
}
