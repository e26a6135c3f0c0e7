// What spelling and form alone can tell synonyms from non-synonyms, on the quality benchmark's data.
//
//   node --import tsx bench/form-ceiling.mjs
//
// A logistic-regression *pair classifier* (not an embedding model: it sees both terms at once) on
// features that carry no meaning — n-gram overlap of the built-in featuriser (cosine, IDF-weighted
// cosine, Jaccard per n-gram kind), equal length, relative length difference, equal word count,
// word-count difference, same use of capitals, same use of hyphens/apostrophes, log total length,
// and the overlap × form products — trained on each data set's train side and scored on its dev
// side (the same split as bench/quality.mjs). Its held-out ROC-AUC estimates how far a model that
// sees only the characters of unseen terms can get; the benchmark's goal is the seed method's
// held-out AUC + 0.10. Printed beside: the untrained model, and how often synonym and non-synonym
// pairs agree on being written with a capital (the premise of the case feature, docs/learning.md).
// Last line: one JSON object of figures.
import { BUILTIN_MODEL_CONFIG, extractFeatures } from '../src/core/builtin/featurizer.ts';
import { generateEmbeddingTable, referenceEmbed } from '../src/core/builtin/model.ts';
import { termKey } from '../src/core/dictionary.ts';
import { termsOf } from '../src/core/learn/evaluate.ts';
import { rocAuc } from '../src/core/learn/metrics.ts';
import { loadWordnet, loadZh } from './qualityData.mjs';

const config = BUILTIN_MODEL_CONFIG;
const KINDS = ['cjk-1', 'cjk-2', 'cjk-3', 'word-3', 'word-4', 'word-5', 'word'];
const EPOCHS = 500;
const STEP = 0.5;
const L2 = 1e-3;

/** Kind of a feature string as the featuriser emits it (`<word>` whole; CJK or word n-grams). */
function kindOf(feature) {
  if (feature.startsWith('<') && feature.endsWith('>')) return 'word';
  const n = [...feature].length;
  return /\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}|\p{Script=Hangul}/u.test(feature) ? `cjk-${n}` : `word-${n}`;
}

function counts(text) {
  const m = new Map();
  for (const f of extractFeatures(text, config).features) m.set(f, (m.get(f) ?? 0) + 1);
  return m;
}

function cosine(a, b, weight) {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [k, v] of a) {
    const w = weight(k);
    na += (v * w) ** 2;
    if (b.has(k)) dot += v * b.get(k) * w * w;
  }
  for (const [k, v] of b) nb += (v * weight(k)) ** 2;
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/** Meaning-free features of a pair; `idf` from the train side's terms. */
function pairFeatures(a, b, idf) {
  const ca = counts(a);
  const cb = counts(b);
  const overlap = [cosine(ca, cb, () => 1), cosine(ca, cb, idf)];
  for (const kind of KINDS) {
    const sa = [...ca.keys()].filter((f) => kindOf(f) === kind);
    const sb = new Set([...cb.keys()].filter((f) => kindOf(f) === kind));
    const shared = sa.filter((f) => sb.has(f)).length;
    const union = sa.length + sb.size - shared;
    overlap.push(union > 0 ? shared / union : 0);
  }
  const len = (t) => [...termKey(t)].length;
  const words = (t) => termKey(t).trim().split(/\s+/).length;
  const capitals = (t) => /\p{Lu}/u.test(t);
  const marks = (t) => /[-']/.test(t);
  const form = [
    Number(len(a) === len(b)),
    Math.abs(len(a) - len(b)) / Math.max(len(a), len(b), 1),
    Number(words(a) === words(b)),
    Math.abs(words(a) - words(b)),
    Number(capitals(a) === capitals(b)),
    Number(marks(a) === marks(b)),
    Math.log(1 + len(a) + len(b)),
  ];
  const products = overlap.flatMap((o) => form.map((f) => o * f));
  return [...overlap, ...form, ...products];
}

/** Full-batch gradient descent on standardised features; returns a scoring function. */
function fitLogistic(rows, labels) {
  const dim = rows[0].length;
  const mean = Array.from({ length: dim }, (_, j) => rows.reduce((s, r) => s + r[j], 0) / rows.length);
  const sd = Array.from({ length: dim }, (_, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j] - mean[j]) ** 2, 0) / rows.length) || 1);
  const z = (r) => r.map((x, j) => (x - mean[j]) / sd[j]);
  const zs = rows.map(z);
  const w = new Float64Array(dim + 1);
  const score = (v) => v.reduce((s, x, j) => s + w[j] * x, w[dim]);
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const g = new Float64Array(dim + 1);
    zs.forEach((v, i) => {
      const err = 1 / (1 + Math.exp(-score(v))) - labels[i];
      for (let j = 0; j < dim; j++) g[j] += err * v[j];
      g[dim] += err;
    });
    for (let j = 0; j <= dim; j++) w[j] -= STEP * (g[j] / zs.length + (j < dim ? L2 * w[j] : 0));
  }
  return (r) => score(z(r));
}

function run(ds) {
  const trainTerms = termsOf(ds.train);
  const df = new Map();
  for (const t of trainTerms) for (const f of counts(t).keys()) df.set(f, (df.get(f) ?? 0) + 1);
  const idf = (f) => Math.log((trainTerms.length + 1) / ((df.get(f) ?? 0) + 1)) + 1;
  const features = (pairs) => pairs.map((p) => pairFeatures(p.a, p.b, idf));
  const trainLabels = ds.train.map((p) => p.label);
  const devLabels = ds.dev.map((p) => p.label);
  const classify = fitLogistic(features(ds.train), trainLabels);
  const table = generateEmbeddingTable(config);
  const cos = (p) => {
    const a = referenceEmbed(p.a, config, table);
    const b = referenceEmbed(p.b, config, table);
    return a.reduce((s, x, d) => s + x * b[d], 0);
  };
  const baseline = rocAuc(devLabels, ds.dev.map(cos));
  const form = rocAuc(devLabels, features(ds.dev).map(classify));
  // How often the two terms agree on "written with a capital" (train side), by label: the case feature's premise.
  const capital = (t) => /\p{Lu}/u.test(t);
  const agree = (label) => {
    const pairs = ds.train.filter((p) => p.label === label);
    return pairs.filter((p) => capital(p.a) === capital(p.b)).length / pairs.length;
  };
  const sameCase = { pos: agree(1), neg: agree(0) };
  console.log(`${ds.name}: untrained model ${baseline.toFixed(3)}; goal (seed + 0.10) ${(baseline + 0.1).toFixed(3)}; ` +
    `form-and-overlap pair classifier ${form.toFixed(3)} (train side ${rocAuc(trainLabels, features(ds.train).map(classify)).toFixed(3)}); ` +
    `same use of capitals: ${(100 * sameCase.pos).toFixed(1)} % of synonym pairs, ${(100 * sameCase.neg).toFixed(1)} % of non-synonyms`);
  return { baseline, form, sameCase };
}

const figures = {};
for (const ds of [loadZh(), loadWordnet()]) {
  const r = run(ds);
  figures[`${ds.short}_untrained_dev_roc_auc`] = Number(r.baseline.toFixed(4));
  figures[`${ds.short}_goal_dev_roc_auc`] = Number((r.baseline + 0.1).toFixed(4));
  figures[`${ds.short}_form_classifier_dev_roc_auc`] = Number(r.form.toFixed(4));
  figures[`${ds.short}_same_capitals_pos_pct`] = Number((100 * r.sameCase.pos).toFixed(1));
  figures[`${ds.short}_same_capitals_neg_pct`] = Number((100 * r.sameCase.neg).toFixed(1));
}
console.log(JSON.stringify(figures));
