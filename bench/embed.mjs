// Throughput of the built-in embedding engine (onnxruntime-node, CPU) and the vector cache's effect.
//
// Usage: node scripts/build.mjs && node bench/embed.mjs      (or: npm run bench:embed)
//
// How it runs: plain node ESM. It bundles the engine's sources (src/runtime/model/load.ts,
// cachedEngine.ts, core) with esbuild — the same settings as the dist/ bundles, onnxruntime-node
// external — into out/bench/engine.cjs and requires that, so it measures the code the server ships
// without needing a bench entry in the product bundles. The model comes from models/builtin (built
// by scripts/build.mjs). Terms: the 3,327 distinct terms of test/fixtures/data/zh-synonyms-dev.csv
// (override with SYNONYM_LENS_DEV_CSV) plus deterministic synthetic combinations (term+term,
// term+model code, term+year…) up to 100k distinct terms. The last line is one JSON object.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { bundleTs, root } from './bundle.mjs';

const outFile = path.join(root, 'out/bench/engine.cjs');
await bundleTs(
  `export { loadEngine } from './src/runtime/model/load';
export { CachedEngine } from './src/runtime/model/cachedEngine';
export { VectorCache } from './src/core/cache';
export { featurize } from './src/core/builtin/featurizer';
export { Random } from './src/core/random';`,
  outFile,
);
const { loadEngine, CachedEngine, VectorCache, featurize, Random } = createRequire(import.meta.url)(outFile);

const modelsDir = path.join(root, 'models');
if (!existsSync(path.join(modelsDir, 'builtin/model.onnx'))) {
  console.error('models/builtin/model.onnx is missing: run `node scripts/build.mjs` first.');
  process.exit(1);
}

// ---- terms
const csvPath = process.env.SYNONYM_LENS_DEV_CSV ?? path.resolve(root, 'test/fixtures/data/zh-synonyms-dev.csv');
const rows = readFileSync(csvPath, 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
const base = [...new Set(rows.flatMap((r) => [r[0], r[1]]).filter(Boolean))];
const codes = ['SUV', 'Pro', 'Max', 'X5', 'RAV4', 'V8', '4WD', 'GT', 'Plus', 'Mini', 'EV', 'Hybrid', '2.0T', 'Land Cruiser', 'i7'];
const suffixes = ['款', '系列', '版', '型', '套装', '配件', '价格', '怎么样', '官网'];
const rnd = new Random(2026);
const pick = (xs) => xs[rnd.nextInt(xs.length)];
const seen = new Set(base);
const terms = [...base];
while (terms.length < 100_000) {
  const kind = rnd.nextInt(5);
  const t =
    kind === 0 ? pick(base) + pick(base)
    : kind === 1 ? `${pick(base)}${pick(codes)}`
    : kind === 2 ? `${pick(codes)} ${pick(base)}${pick(suffixes)}`
    : kind === 3 ? `${2000 + rnd.nextInt(26)}款${pick(base)}`
    : `${pick(base)}${pick(suffixes)}${rnd.nextInt(100)}`;
  if (!seen.has(t)) {
    seen.add(t);
    terms.push(t);
  }
}
rnd.shuffle(terms);
const terms10k = terms.slice(0, 10_000);
const featuresPerTerm = terms.reduce((s, t) => s + featurize(t).ids.length, 0) / terms.length;

const now = () => performance.now();
async function time(fn) {
  const t0 = now();
  await fn();
  return now() - t0;
}

// ---- throughput
const engine = await loadEngine('builtin', { modelsDir });
const engine1 = await loadEngine('builtin', { modelsDir, threads: 1 });
console.log(`engine ${engine.id}, dim ${engine.dimension}, ${engine.threads} intra-op threads; ${terms.length} distinct terms, ${featuresPerTerm.toFixed(1)} features/term`);
await engine.embed(terms.slice(0, 2000)); // warm-up
await engine1.embed(terms.slice(0, 2000));

// 10k: best of 3, the 1-thread engine interleaved so both see the same machine state.
let best10k = Infinity;
let best10k1 = Infinity;
for (let r = 0; r < 3; r++) {
  best10k = Math.min(best10k, await time(() => engine.embed(terms10k)));
  best10k1 = Math.min(best10k1, await time(() => engine1.embed(terms10k)));
}
const featurizeMs = await time(() => terms10k.forEach((t) => featurize(t)));
const ms100k = await time(() => engine.embed(terms));
const tps = (n, ms) => Math.round((n * 1000) / ms);
console.log(`10k terms:  ${best10k.toFixed(0)} ms → ${tps(10_000, best10k)} terms/s (${engine.threads} threads); 1 thread: ${tps(10_000, best10k1)} terms/s; featurising alone ${featurizeMs.toFixed(0)} ms`);
console.log(`100k terms: ${ms100k.toFixed(0)} ms → ${tps(100_000, ms100k)} terms/s`);
await engine1.dispose();

// ---- cache: two passes over the same 100k terms through the cached engine.
const cached = new CachedEngine(engine, new VectorCache(200_000));
const cold = await time(() => cached.embed(terms));
const warm = await time(() => cached.embed(terms));
const stats = cached.stats();
console.log(`cache: first pass ${cold.toFixed(0)} ms, second pass ${warm.toFixed(1)} ms (×${(cold / warm).toFixed(0)}); hits ${stats.hits}, misses ${stats.misses}, model calls ${stats.batches}`);
const rssMb = Math.round(process.memoryUsage().rss / 2 ** 20);
await cached.dispose();

console.log(
  JSON.stringify({
    terms_per_s_10k: tps(10_000, best10k),
    terms_per_s_10k_1thread: tps(10_000, best10k1),
    terms_per_s_100k: tps(100_000, ms100k),
    featurize_ms_10k: Math.round(featurizeMs),
    cache_cold_ms_100k: Math.round(cold),
    cache_warm_ms_100k: +warm.toFixed(1),
    cache_speedup_x: Math.round(cold / warm),
    features_per_term: +featuresPerTerm.toFixed(1),
    threads: engine.threads,
    rss_mb: rssMb,
  }),
);
