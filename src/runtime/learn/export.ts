/**
 * Writes a fine-tuned built-in (char-n-gram) model as a standalone model folder:
 *   model.onnx          the built-in graph with the trained embedding table (core ONNX writer); from a
 *                       `char-ngram-v2` base the v2 graph, its meaning table and α as the base has them
 *   config.json         like the built-in's: { model_type, featurizer, graph_version, model_sha256, model_bytes }
 *   synonym-lens.json   provenance: base model and fingerprint, training file hash, loss,
 *                       hyper-parameters, metrics before/after, date (and the licence of a v2 model)
 *   lexicon.txt         (v2) the base's word list, copied byte for byte
 *   LICENSE, NOTICE     (v2) the model's CC BY-SA 4.0 licence and attributions: the fine-tuned model
 *                       is an adaptation of the base's meaning table, so it carries the same licence
 * The folder is written into a temporary sibling and renamed into place, so a reader sees either
 * nothing or the whole folder; an existing folder (the base model included) is never overwritten.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CHAR_NGRAM_MODEL_TYPE, type CharNgramModelConfig } from '../../core/builtin/featurizer';
import { BUILTIN_GRAPH_VERSION, buildCharNgramOnnx } from '../../core/builtin/model';
import { BUILTIN_V2_GRAPH_VERSION, buildCharNgramV2Onnx, MODEL_LICENSE_ID, MODEL_LICENSE_TEXT, type QuantizedTable } from '../../core/builtin/modelV2';

/** Provenance written to `synonym-lens.json`. Keys are snake_case like config.json's. */
export interface FineTuneProvenance {
  /** Id of the base model, e.g. `builtin:char-ngram-v1`. */
  base_model: string;
  /** The base engine's fingerprint. */
  base_fingerprint: string;
  /** SHA-256 (hex) of the training file's bytes; see `sha256Hex`. */
  training_file_sha256: string;
  training_file?: string;
  /** `seed`, `retrofit`, `counterfit` for adjustments; the loss name for fine-tuning. */
  loss: string;
  hyper_parameters: Record<string, unknown>;
  metrics_before?: unknown;
  metrics_after?: unknown;
  /** ISO 8601; default now. */
  date?: string;
}

export interface ExportCharNgramOptions {
  /** The folder to create; must not exist. */
  outDir: string;
  config: CharNgramModelConfig;
  /** Trained table, [config.buckets × config.dimension] row-major. */
  table: Float32Array;
  provenance: FineTuneProvenance;
  /** The base model's folder, refused as `outDir` even through a symlink. */
  baseDir?: string;
  /**
   * The frozen lexicon half of a `char-ngram-v2` base (needed when `config.lexicon` is set): its
   * meaning table, written into the graph unchanged, and `lexicon.txt`'s text, copied as it is.
   */
  lexicon?: { meaning: QuantizedTable; words: string };
}

/** NOTICE of a fine-tuned v2 folder: what it is, then the base model's licence and attributions. */
export function fineTunedNotice(baseModel: string): string {
  return (
    `This model folder was fine-tuned by Synonym Lens from ${baseModel}. Its char n-gram table was trained on a\n` +
    `user's dictionary; its meaning table (model.onnx: lexicon_int8, lexicon_scale) and word list\n` +
    `(lexicon.txt) are the base model's, unchanged. As an adaptation of CC-CEDICT it is licensed CC BY-SA 4.0:\n\n` +
    MODEL_LICENSE_TEXT
  );
}

/** SHA-256 of bytes or a string (UTF-8), as lower-case hex. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

const real = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
};

/**
 * Checks that `outDir` names a new folder that is none of the base model's folders, creates its
 * parent, and returns its absolute path. Models are never overwritten.
 */
export function newModelFolder(outDir: string, bases: readonly (string | undefined)[]): string {
  const out = path.resolve(outDir);
  if (bases.some((b) => b !== undefined && real(out) === real(b)))
    throw new Error(`Refusing to overwrite the base model folder ${out}; choose a new output folder.`);
  if (existsSync(out)) throw new Error(`Output folder already exists: ${out}; choose a new folder (models are never overwritten).`);
  mkdirSync(path.dirname(out), { recursive: true });
  return out;
}

/**
 * Writes a folder atomically: `fill(tmp)` writes into a temporary sibling, which is renamed to
 * `out` only when complete and removed otherwise. rename(2) of a directory fails if the target
 * exists and is non-empty, so a folder created meanwhile is not clobbered either.
 */
export function writeFolderAtomically(out: string, fill: (tmp: string) => void): string {
  const tmp = path.join(path.dirname(out), `.${path.basename(out)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(tmp);
  try {
    fill(tmp);
    renameSync(tmp, out);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return out;
}

/** Writes the folder atomically; returns its absolute path. Throws if `outDir` exists. */
export function exportCharNgramModel(options: ExportCharNgramOptions): string {
  const out = newModelFolder(options.outDir, [options.baseDir]);

  const lexicon = options.config.lexicon;
  if (lexicon && !options.lexicon) throw new Error(`the model ${options.config.version} has a lexicon half: its meaning table and word list are needed to export it`);
  const model = lexicon
    ? buildCharNgramV2Onnx(options.config, lexicon, options.table, options.lexicon!.meaning)
    : buildCharNgramOnnx(options.config, options.table);
  const modelSha = sha256Hex(model);
  const license = lexicon ? { license: MODEL_LICENSE_ID } : {};
  const config = {
    model_type: CHAR_NGRAM_MODEL_TYPE,
    featurizer: options.config,
    graph_version: lexicon ? BUILTIN_V2_GRAPH_VERSION : BUILTIN_GRAPH_VERSION,
    ...license,
    model_sha256: modelSha,
    model_bytes: model.length,
    fine_tuned: true,
  };
  const provenance = { ...options.provenance, ...license, date: options.provenance.date ?? new Date().toISOString(), model_sha256: modelSha };

  return writeFolderAtomically(out, (tmp) => {
    writeFileSync(path.join(tmp, 'model.onnx'), model);
    writeFileSync(path.join(tmp, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
    writeFileSync(path.join(tmp, 'synonym-lens.json'), `${JSON.stringify(provenance, null, 2)}\n`);
    if (lexicon) {
      writeFileSync(path.join(tmp, 'lexicon.txt'), options.lexicon!.words);
      writeFileSync(path.join(tmp, 'LICENSE'), MODEL_LICENSE_TEXT);
      writeFileSync(path.join(tmp, 'NOTICE'), fineTunedNotice(options.provenance.base_model));
    }
  });
}
