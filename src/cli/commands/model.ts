/**
 * `model download <org/name>`, `model list`, `model info <dir|org/name>`: getting and inspecting
 * transformer models from the command line (the same code the extension uses). `model info` also
 * describes char-n-gram folders, and the adjusted vectors a fine-tuned folder carries.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CHAR_NGRAM_MODEL_TYPE } from '../../core/builtin/featurizer';
import { AdjustedEngine, adjustedFingerprint, EMBEDDED_TABLE_DIR, hasEmbeddedTable, readEmbeddedTable } from '../../runtime/model/adjusted';
import { CancelledError, type EmbeddingEngine } from '../../runtime/model/engine';
import { BUILTIN_V1_SPEC, builtinModelDir, builtinV1ModelDir, loadEngine } from '../../runtime/model/load';
import { downloadModel, DownloadError, resolveEndpoint, type DownloadProgress } from '../../runtime/model/hub/download';
import { MODEL_VARIANTS } from '../../shared/protocol';
import { DOWNLOAD_METADATA, downloadedModelsDir, hfHubCacheDir, isTransformerFolder, MODELS_DIR_ENV, ModelLoadError, PRESETS, resolveTransformerSpec, TransformerEngine, type Variant } from '../../runtime/model/transformer';
import { CliError } from '../errors';
import { writeHuman } from '../output';

type Values = Record<string, string | boolean | undefined>;

/** Option table for `model` (registered in main.ts). */
export const MODEL_OPTIONS = {
  revision: { type: 'string' },
  variant: { type: 'string' },
  endpoint: { type: 'string' },
  'models-dir': { type: 'string' },
  text: { type: 'string' },
  threads: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const MODEL_USAGE = `  model download <org/name>   download an ONNX model from the Hugging Face hub (or a mirror)
      --revision <r>            branch, tag or commit (default main)
      --variant <v>             fp32 (default) | quantized | fp16
      --endpoint <url>          hub or mirror (default: HF_ENDPOINT, else https://huggingface.co)
      --models-dir <dir>        where models go (default: ${MODELS_DIR_ENV}, else ~/.cache/synonym-lens/models)
  model list                  downloaded models and ONNX models in the Hugging Face cache  [--models-dir] [--json]
  model info <dir|org/name>   load a model and print what the engine made of it (and its adjusted
                              vectors, when the folder carries them)
      --variant <v>  --text <term> (show its tokens)  --threads <n>  [--models-dir] [--json]
`;


/** Default folder for downloaded models when neither --models-dir nor the environment names one. */
export function defaultModelsDir(values: Values = {}): string {
  return downloadedModelsDir(typeof values['models-dir'] === 'string' ? values['models-dir'] : undefined);
}

function variantOf(values: Values): Variant | undefined {
  const v = values.variant;
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !(MODEL_VARIANTS as readonly string[]).includes(v)) throw new CliError(`--variant must be one of ${MODEL_VARIANTS.join(', ')}, got '${String(v)}'`);
  return v as Variant;
}

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

export async function runModel(positionals: string[], values: Values): Promise<number> {
  const [sub, arg] = positionals;
  switch (sub) {
    case 'download':
      if (!arg) throw new CliError("'model download' needs a repository id, e.g. BAAI/bge-small-zh-v1.5");
      return download(arg, values);
    case 'list':
      return list(values);
    case 'info':
      if (!arg) throw new CliError("'model info' needs a model folder or repository id");
      return info(arg, values);
    default:
      throw new CliError(`unknown 'model' subcommand '${sub ?? ''}' (download, list or info)`);
  }
}

async function download(repo: string, values: Values): Promise<number> {
  const modelsDir = defaultModelsDir(values);
  const endpoint = resolveEndpoint(typeof values.endpoint === 'string' ? values.endpoint : undefined);
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  const tty = process.stderr.isTTY;
  let lastPrint = 0;
  const onProgress = (p: DownloadProgress) => {
    if (values.json) return;
    if (p.kind === 'plan') process.stderr.write(`downloading ${p.files.length} files (${mib(p.totalBytes)}) of ${repo} from ${endpoint}\n`);
    else if (p.kind === 'bytes') {
      const now = Date.now();
      if (now - lastPrint < (tty ? 200 : 5000)) return;
      lastPrint = now;
      const pct = p.totalBytes ? ((100 * p.totalReceived) / p.totalBytes).toFixed(1) : '?';
      process.stderr.write(`${tty ? '\r' : ''}${pct}% ${mib(p.totalReceived)} — ${p.path}${tty ? '\x1b[K' : '\n'}`);
    } else if (p.kind === 'retry') process.stderr.write(`${tty ? '\n' : ''}retrying ${p.path} (${p.reason})\n`);
    else if (p.kind === 'done' && tty) process.stderr.write('\r\x1b[K');
  };
  try {
    const dir = await downloadModel({
      repo,
      revision: typeof values.revision === 'string' ? values.revision : undefined,
      variant: variantOf(values),
      endpoint,
      modelsDir,
      signal: abort.signal,
      onProgress,
    });
    if (values.json) process.stdout.write(JSON.stringify({ repo, dir }) + '\n');
    else writeHuman(`${repo} → ${dir}\nuse it with --model ${repo} (or --model ${dir})\n`);
    return 0;
  } catch (err) {
    if (err instanceof CancelledError) throw new CliError('download cancelled; run the same command again to resume');
    if (err instanceof DownloadError) throw new CliError(err.message);
    throw err;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

interface ListedModel {
  id: string;
  dir: string;
  source: 'downloaded' | 'hf-cache';
  variant?: string;
}

function list(values: Values): number {
  const found: ListedModel[] = [];
  const modelsDir = defaultModelsDir(values);
  if (existsSync(modelsDir)) {
    for (const name of readdirSync(modelsDir).sort()) {
      const dir = path.join(modelsDir, name);
      if (name.includes('.partial') || name.includes('.old-') || !isTransformerFolder(dir)) continue;
      let meta: { repo?: string; variant?: string } = {};
      try {
        meta = JSON.parse(readFileSync(path.join(dir, DOWNLOAD_METADATA), 'utf8'));
      } catch {
        // A folder copied in by hand: list it under its name.
      }
      found.push({ id: meta.repo ?? name, dir, source: 'downloaded', variant: meta.variant });
    }
  }
  const cache = hfHubCacheDir();
  if (existsSync(cache)) {
    for (const name of readdirSync(cache).sort()) {
      if (!name.startsWith('models--')) continue;
      const id = name.slice('models--'.length).split('--').join('/');
      const dir = resolveTransformerSpec(path.join(cache, name));
      if (dir && hasOnnx(dir)) found.push({ id, dir, source: 'hf-cache' });
    }
  }
  if (values.json) process.stdout.write(JSON.stringify(found, null, 2) + '\n');
  else if (!found.length) writeHuman(`no models in ${modelsDir} or ${cache}\npresets: ${PRESETS.map((p) => p.onnxRepos[0]).join(', ')}\n`);
  else for (const m of found) writeHuman(`${m.id}${m.variant && m.variant !== 'fp32' ? ` (${m.variant})` : ''}\t${m.source}\t${m.dir}\n`);
  return 0;
}

function hasOnnx(dir: string): boolean {
  return [dir, path.join(dir, 'onnx')].some((d) => existsSync(d) && readdirSync(d).some((n) => n.endsWith('.onnx')));
}

/** The adjusted vectors a model folder carries (`fine-tune --adjust`), checked as the loader checks them. */
async function ownTable(dir: string, dimension: number, modelFingerprint: string): Promise<{ json: Record<string, unknown>; line: string; fingerprint: string } | undefined> {
  if (!hasEmbeddedTable(dir)) return undefined;
  let table;
  try {
    table = await readEmbeddedTable(dir, dimension);
  } catch (err) {
    if (err instanceof ModelLoadError) throw new CliError(err.message);
    throw err;
  }
  const c = table.config;
  return {
    json: { ...c, dir: path.join(dir, EMBEDDED_TABLE_DIR) },
    line: `adjusted     ${c.method}: ${c.terms} dictionary terms (${c.moved_terms} moved) in ${EMBEDDED_TABLE_DIR}/, answered from the table`,
    fingerprint: adjustedFingerprint(modelFingerprint, table.table.bytes),
  };
}

/** `model info` of a char-n-gram folder (the embedded model or a fine-tuned copy): what loadEngine made of it. */
async function charNgramInfo(spec: string, values: Values): Promise<number> {
  const builtin = spec === 'builtin' || spec.startsWith('builtin:');
  const dir = spec === BUILTIN_V1_SPEC ? builtinV1ModelDir() : builtin ? builtinModelDir() : path.resolve(spec);
  let engine: EmbeddingEngine;
  try {
    engine = await loadEngine(builtin ? spec : dir);
  } catch (err) {
    if (err instanceof ModelLoadError) throw new CliError(err.message);
    throw err;
  }
  try {
    const model = engine instanceof AdjustedEngine ? engine.base : engine;
    const table = await ownTable(dir, engine.dimension, model.fingerprint);
    const license = modelLicense(dir);
    if (values.json) {
      process.stdout.write(
        JSON.stringify({ id: engine.id, fingerprint: engine.fingerprint, dir, kind: 'char-ngram', dimension: engine.dimension, license, ...(table ? { adjusted: table.json } : {}) }, null, 2) + '\n',
      );
    } else {
      const lines = [`id           ${engine.id}`, `folder       ${dir}`, `kind         char-n-gram (the embedded model's graph)`, `dimension    ${engine.dimension}`];
      lines.push(`license      ${license}${existsSync(path.join(dir, 'LICENSE')) ? ` (${path.join(dir, 'LICENSE')})` : ''}`);
      if (table) lines.push(table.line);
      lines.push(`fingerprint  ${engine.fingerprint.slice(0, 16)}…`);
      writeHuman(lines.join('\n') + '\n');
    }
    return 0;
  } finally {
    await engine.dispose();
  }
}

/**
 * The licence of a char-n-gram model file: config.json's `license` (char-ngram-v2 and models
 * fine-tuned from it carry CC BY-SA 4.0, their meaning table adapts CC-CEDICT), else MIT (a table
 * drawn from a seeded generator and trained on the user's own pairs).
 */
function modelLicense(dir: string): string {
  try {
    const cfg = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as { license?: unknown };
    if (typeof cfg.license === 'string') return cfg.license;
  } catch {
    // loadEngine read it a moment ago; a race with a deletion is not worth a second message
  }
  return 'MIT';
}

/** True for `builtin` and for a folder whose config.json names the char-n-gram model type. */
function isCharNgramSpec(spec: string): boolean {
  if (spec === 'builtin' || spec.startsWith('builtin:')) return true;
  try {
    return (JSON.parse(readFileSync(path.join(spec, 'config.json'), 'utf8')) as { model_type?: unknown }).model_type === CHAR_NGRAM_MODEL_TYPE;
  } catch {
    return false;
  }
}

async function info(spec: string, values: Values): Promise<number> {
  const dir = resolveTransformerSpec(spec, defaultModelsDir(values));
  if (!dir && isCharNgramSpec(spec)) return charNgramInfo(spec, values);
  if (!dir) throw new CliError(`'${spec}' is neither a model folder with tokenizer.json nor a downloaded or cached repository (try 'model download ${spec}')`);
  const threads = typeof values.threads === 'string' ? Number(values.threads) : undefined;
  if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) throw new CliError(`--threads must be a positive integer, got '${String(values.threads)}'`);
  let engine: TransformerEngine;
  try {
    engine = await TransformerEngine.load(dir, { variant: variantOf(values), threads });
  } catch (err) {
    if (err instanceof ModelLoadError) throw new CliError(err.message);
    throw err;
  }
  try {
    const i = engine.info;
    const text = typeof values.text === 'string' ? values.text : undefined;
    const tokens = text !== undefined ? engine.tokenize(text) : undefined;
    const analysis = text !== undefined ? engine.analyze(text) : undefined;
    // A folder with its own adjusted vectors: the fingerprint is that of the model with its table (as loaded).
    const table = await ownTable(dir, engine.dimension, engine.fingerprint);
    if (values.json) {
      process.stdout.write(JSON.stringify({ id: engine.id, fingerprint: table?.fingerprint ?? engine.fingerprint, ...i, tokens, analysis, ...(table ? { adjusted: table.json } : {}) }, null, 2) + '\n');
    } else {
      const lines = [
        `id           ${engine.id}`,
        `folder       ${i.dir}`,
        `onnx         ${path.relative(i.dir, i.onnxPath)} (${i.variant}, ${mib(i.weightBytes)}${i.externalData.length ? `, external data: ${i.externalData.map((f) => path.basename(f)).join(', ')}` : ''})`,
        `inputs       ${i.inputs.join(', ')}`,
        `output       ${i.output}`,
        `pooling      ${i.pooling}${i.prefix ? `, prefix ${JSON.stringify(i.prefix)}` : ''}, L2-normalised`,
        `dimension    ${i.dimension}`,
        `max length   ${i.maxLength} tokens`,
        `vocabulary   ${i.vocabSize}`,
        `threads      ${i.threads}`,
        `graph        ${i.firstTokenOnly.applied ? `first token only in the last layer: ${i.firstTokenOnly.detail}` : `as exported (first-token rewrite: ${i.firstTokenOnly.detail})`}`,
        ...(table ? [table.line] : []),
        `fingerprint  ${(table?.fingerprint ?? engine.fingerprint).slice(0, 16)}…`,
      ];
      if (tokens && analysis) lines.push(`tokens       ${tokens.join(' ')}${analysis.unknownUnits ? `  (${analysis.unknownUnits} unknown)` : ''}${analysis.truncated ? '  (truncated)' : ''}`);
      writeHuman(lines.join('\n') + '\n');
    }
    return 0;
  } finally {
    await engine.dispose();
  }
}
