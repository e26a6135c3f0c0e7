/**
 * Generates the embedded default model into a folder (default `models/builtin`):
 *   model.onnx   the char-n-gram graph with its table drawn from the config's seed
 *   config.json  { model_type, featurizer: BUILTIN_MODEL_CONFIG, graph_version, config_hash, model_sha256, model_bytes }
 * Skips the work when both files are present and match the current config hash, so `npm install`
 * (which runs the build) stays fast. Writes go to temporary files renamed into place, model first
 * and config last: an interrupted run leaves a stale or missing config, which the next run redoes.
 *
 * Usage (after `node scripts/build.mjs`): node dist/tools/generate-builtin-model.js [outDir] [--force]
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BUILTIN_MODEL_CONFIG, CHAR_NGRAM_MODEL_TYPE } from '../src/core/builtin/featurizer';
import { BUILTIN_GRAPH_VERSION, buildCharNgramOnnx, generateEmbeddingTable } from '../src/core/builtin/model';

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

function upToDate(dir: string, configHash: string): boolean {
  try {
    const cfg = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    if (cfg.config_hash !== configHash) return false;
    const model = readFileSync(path.join(dir, 'model.onnx'));
    return model.length === cfg.model_bytes && sha256(model) === cfg.model_sha256;
  } catch {
    return false;
  }
}

function writeAtomic(file: string, data: Uint8Array | string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

function main(): void {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const outDir = path.resolve(args.find((a) => !a.startsWith('--')) ?? 'models/builtin');
  const config = BUILTIN_MODEL_CONFIG;
  const configHash = sha256(JSON.stringify({ model_type: CHAR_NGRAM_MODEL_TYPE, graph_version: BUILTIN_GRAPH_VERSION, featurizer: config }));

  if (!force && upToDate(outDir, configHash)) {
    console.log(`built-in model up to date: ${outDir}`);
    return;
  }
  const started = Date.now();
  const model = buildCharNgramOnnx(config, generateEmbeddingTable(config));
  mkdirSync(outDir, { recursive: true });
  writeAtomic(path.join(outDir, 'model.onnx'), model);
  const folderConfig = {
    model_type: CHAR_NGRAM_MODEL_TYPE,
    featurizer: config,
    graph_version: BUILTIN_GRAPH_VERSION,
    config_hash: configHash,
    model_sha256: sha256(model),
    model_bytes: model.length,
  };
  writeAtomic(path.join(outDir, 'config.json'), `${JSON.stringify(folderConfig, null, 2)}\n`);
  const mib = (model.length / 2 ** 20).toFixed(1);
  console.log(`built-in model ${config.version} (${config.buckets}×${config.dimension}, ${mib} MiB) written to ${outDir} in ${Date.now() - started} ms`);
}

try {
  main();
} catch (err) {
  console.error(`generate-builtin-model: ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
}
