// Sanity and trade-off figures of the built-in char-n-gram model (docs/models.md), computed with the
// pure-TS reference (same table and featuriser as the ONNX graph; the engine test checks they agree).
// Usage: node --import tsx bench/builtinModel.mjs [--sweep]
//   default: the shipped config: cosine of a few pairs, random-pair mean/std, ROC-AUC on the dev pairs
//   --sweep: the same for other buckets × dim splits of the same 16 MiB, plus hash-collision rates
import { readFileSync } from 'node:fs';
import { BUILTIN_MODEL_CONFIG, extractFeatures, featureBucket } from '../src/core/builtin/featurizer.ts';
import { generateEmbeddingTable, referenceEmbed } from '../src/core/builtin/model.ts';
import { dot } from '../src/core/vectors.ts';
import { Random } from '../src/core/random.ts';

const csv = readFileSync(process.env.SYNONYM_LENS_DEV_CSV ?? new URL('../test/fixtures/data/zh-synonyms-dev.csv', import.meta.url), 'utf8');
const rows = csv.trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
const terms = [...new Set(rows.flatMap((r) => [r[0], r[1]]))];

function auc(pos, neg) {
  // Probability a random positive scores above a random negative (ties count half).
  const all = [...pos.map((s) => [s, 1]), ...neg.map((s) => [s, 0])].sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j][0] === all[i][0]) j++;
    const avg = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (all[k][1]) rankSum += avg;
    i = j;
  }
  return (rankSum - (pos.length * (pos.length + 1)) / 2) / (pos.length * neg.length);
}

function evaluate(config) {
  const table = generateEmbeddingTable(config);
  const cache = new Map();
  const emb = (t) => cache.get(t) ?? (cache.set(t, referenceEmbed(t, config, table)), cache.get(t));
  const cos = (a, b) => dot(emb(a), emb(b));
  const rnd = new Random(7);
  const rand = [];
  for (let i = 0; i < 20000; i++) {
    const a = terms[rnd.nextInt(terms.length)];
    const b = terms[rnd.nextInt(terms.length)];
    if (a !== b) rand.push(cos(a, b));
  }
  const mean = rand.reduce((s, x) => s + x, 0) / rand.length;
  const std = Math.sqrt(rand.reduce((s, x) => s + (x - mean) ** 2, 0) / rand.length);
  // Random pairs that share no feature at all: their cosine is pure hashing/projection noise.
  const disjoint = [];
  for (let i = 0; disjoint.length < 20000 && i < 200000; i++) {
    const a = terms[rnd.nextInt(terms.length)];
    const b = terms[rnd.nextInt(terms.length)];
    const fa = new Set(extractFeatures(a, config).features);
    if (a !== b && !extractFeatures(b, config).features.some((f) => fa.has(f))) disjoint.push(cos(a, b));
  }
  const dStd = Math.sqrt(disjoint.reduce((s, x) => s + x * x, 0) / disjoint.length);
  const pos = rows.filter((r) => r[2] === '1').map((r) => cos(r[0], r[1]));
  const neg = rows.filter((r) => r[2] === '0').map((r) => cos(r[0], r[1]));
  const f = (x) => +x.toFixed(4);
  return {
    buckets: config.buckets,
    dimension: config.dimension,
    table_mib: (config.buckets * config.dimension * 4) / 2 ** 20,
    'cos(丰田,丰田汽车)': f(cos('丰田', '丰田汽车')),
    'cos(普拉多,霸道SUV)': f(cos('普拉多', '霸道SUV')),
    'cos(Land Cruiser,陆地巡洋舰)': f(cos('Land Cruiser', '陆地巡洋舰')),
    'cos(SUV,ＳＵＶ)': f(cos('SUV', 'ＳＵＶ')),
    random_pair_mean: f(mean),
    random_pair_std: f(std),
    disjoint_pair_rms: f(dStd),
    dev_auc: f(auc(pos, neg)),
  };
}

function collisions(buckets) {
  const distinct = new Set(terms.flatMap((t) => extractFeatures(t).features));
  const used = new Map();
  for (const feat of distinct) {
    const b = featureBucket(feat, buckets);
    used.set(b, (used.get(b) ?? 0) + 1);
  }
  let colliding = 0;
  for (const n of used.values()) if (n > 1) colliding += n;
  return { buckets, distinct_features: distinct.size, features_sharing_a_bucket_pct: +((100 * colliding) / distinct.size).toFixed(2) };
}

console.log(`${terms.length} distinct terms from zh-synonyms-dev.csv`);
const configs = process.argv.includes('--sweep')
  ? [
      { ...BUILTIN_MODEL_CONFIG, buckets: 16384, dimension: 256 },
      BUILTIN_MODEL_CONFIG,
      { ...BUILTIN_MODEL_CONFIG, buckets: 65536, dimension: 64 },
      { ...BUILTIN_MODEL_CONFIG, buckets: 131072, dimension: 32 },
    ]
  : [BUILTIN_MODEL_CONFIG];
for (const c of configs) console.log(JSON.stringify(evaluate(c)));
if (process.argv.includes('--sweep')) for (const b of [16384, 32768, 65536, 131072]) console.log(JSON.stringify(collisions(b)));
