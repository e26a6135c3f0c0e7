// Quality and speed of synonym suggestions (`suggest`) on real Chinese synonyms.
//
//   npm run build && node --import tsx bench/suggest.mjs [--no-fine-tune] [--json-only]
//
// Data: test/fixtures/data/zh-synonyms-dev.csv split by synonym group as bench/quality.mjs splits
// it (70 % train, 30 % held out, seed 42). The train side's pairs are the dictionary; every term of
// the file is the term list, plus a traditional-character copy of 100 dictionary terms that
// OpenCC changes. Held-out terms are new to the dictionary, so the suggestions that can be right
// are pairs of held-out terms that share a held-out group (new groups).
//
// Figures, over the ranked synonym suggestions (variants excluded), with the held-out groups'
// pairs as the relevant set:
// - precision@50, precision@200;
// - recall@5 per standard term: for each held-out group's first term, the share of its group
//   partners among its 5 best suggestions, averaged;
// - average precision over the whole ranking (held-out pairs never suggested count as misses);
// for the embedded model untrained and fine-tuned on the dictionary (the runtime's fine-tune
// service, default options), each against the same model ranked by cosine alone (the peer: no
// mutual-rank or count terms) — the ratios are score / cosine-only.
// - variant recall: the traditional copies reported as `traditional-simplified` variants.
// - time of a suggestion run (embedding included) for a 3,000-term list and a generated
//   100,000-term list, and their ratio to embedding alone (the peer for time).
// The last line is one JSON object (units in key names).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import * as OpenCC from 'opencc-js';
import { parseDictionary } from '../src/core/csv/parse.ts';
import { formatRecord } from '../src/core/csv/serialize.ts';
import { termKey } from '../src/core/dictionary.ts';
import { Random } from '../src/core/random.ts';
import { TermGroups } from '../src/core/learn/split.ts';
import { termsOf } from '../src/core/learn/evaluate.ts';
import { AttributeList } from '../src/core/suggest/attributes.ts';
import { runSuggest } from '../src/runtime/suggest/service.ts';
import { loadEngine } from '../src/runtime/model/load.ts';
import { fineTune, resolveBaseModel } from '../src/runtime/learn/services.ts';
import { fineTuneOptions } from '../src/runtime/learn/options.ts';
import { loadZh, SEED } from './qualityData.mjs';

const args = process.argv.slice(2);
const jsonOnly = args.includes('--json-only');
const withFineTune = !args.includes('--no-fine-tune');
const log = (...a) => {
  if (!jsonOnly) console.log(...a);
};
const K = 10;
const TRADITIONAL_COPIES = 100;

const zh = loadZh();
const csv = (pairs) => ['term,synonym,label', ...pairs.map((p) => formatRecord([p.a, p.b, String(p.label)]))].join('\n') + '\n';
const dictText = csv(zh.train);
const dict = parseDictionary(dictText);

// Held-out groups: connected components of the dev side's positive pairs.
const devPositives = zh.dev.filter((p) => p.label === 1);
const devGroups = TermGroups.ofPairs(devPositives);
const groupOf = (t) => (devGroups.has(t) ? devGroups.group(t) : undefined);
const members = new Map();
for (const t of termsOf(devPositives)) {
  const g = groupOf(t);
  if (!members.has(g)) members.set(g, []);
  members.get(g).push(t);
}
let relevantTotal = 0;
for (const m of members.values()) relevantTotal += (m.length * (m.length - 1)) / 2;
const devTerms = new Set(termsOf(devPositives).map(termKey));
const sameDevGroup = (a, b) => devTerms.has(termKey(a)) && devTerms.has(termKey(b)) && groupOf(a) === groupOf(b);

// The term list: every term of the file, plus traditional copies of dictionary terms.
const allTerms = termsOf(zh.all);
const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });
const dictTermKeys = new Set(termsOf(zh.train).map(termKey));
const rng = new Random(SEED);
const copies = [];
for (const t of rng.shuffle(termsOf(zh.train))) {
  if (copies.length >= TRADITIONAL_COPIES) break;
  const tw = toTraditional(t);
  if (tw !== t && !dictTermKeys.has(termKey(tw))) copies.push({ original: t, copy: tw });
}
const list = [...allTerms, ...copies.map((c) => c.copy)].map((term) => ({ term }));
log(`dictionary: ${zh.train.length} pairs; term list: ${list.length} terms (${copies.length} traditional copies); held-out groups: ${members.size}, pairs ${relevantTotal}`);

/** precision@k, recall@5 per standard term and AP of a ranking of synonym suggestions. */
function score(suggestions) {
  const ranked = suggestions.filter((s) => s.kind === 'synonym');
  const rel = ranked.map((s) => (sameDevGroup(s.term, s.candidate) ? 1 : 0));
  const precisionAt = (k) => rel.slice(0, k).reduce((a, b) => a + b, 0) / k;
  let hits = 0;
  let ap = 0;
  rel.forEach((r, i) => {
    if (r) {
      hits++;
      ap += hits / (i + 1);
    }
  });
  ap /= relevantTotal;
  // Per held-out group's first term: its 5 best suggestions (as either side of the pair).
  const best = new Map();
  for (const s of ranked) {
    for (const [a, b] of [[s.term, s.candidate], [s.candidate, s.term]]) {
      const key = termKey(a);
      if (!best.has(key)) best.set(key, []);
      const l = best.get(key);
      if (l.length < 5) l.push(b);
    }
  }
  let recallSum = 0;
  for (const m of members.values()) {
    const top = best.get(termKey(m[0])) ?? [];
    recallSum += top.filter((b) => sameDevGroup(m[0], b)).length / (m.length - 1);
  }
  return {
    precisionAt50: precisionAt(50),
    precisionAt200: precisionAt(200),
    recallAt5: recallSum / members.size,
    averagePrecision: ap,
    synonymSuggestions: ranked.length,
  };
}

const COSINE_ONLY = { cosine: 1, mutual: 0, count: 0 };
const attributes = new AttributeList();

async function evaluateModel(name, engine) {
  const request = (weights) => ({ dictionary: dict, terms: list, attributes, options: { k: K, weights } });
  const t0 = performance.now();
  const run = await runSuggest(engine, request());
  const ms = performance.now() - t0;
  const peer = await runSuggest(engine, request(COSINE_ONLY));
  const ours = score(run.suggestions);
  const base = score(peer.suggestions);
  const variants = run.suggestions.filter((s) => s.kind === 'traditional-simplified');
  // A copy is found when it is reported as a variant of a group holding its original.
  const found = copies.filter((c) => variants.some((s) => s.candidate === c.copy && (s.group ?? [s.term]).some((g) => termKey(g) === termKey(c.original)))).length;
  const row = { model: name, ...ours, cosineOnly: base, variantRecall: found / copies.length, runMs: ms };
  log(
    `${name.padEnd(12)} P@50 ${ours.precisionAt50.toFixed(3)} (cosine only ${base.precisionAt50.toFixed(3)})  P@200 ${ours.precisionAt200.toFixed(3)} (${base.precisionAt200.toFixed(3)})  R@5 ${ours.recallAt5.toFixed(3)} (${base.recallAt5.toFixed(3)})  AP ${ours.averagePrecision.toFixed(3)} (${base.averagePrecision.toFixed(3)})  variants ${found}/${copies.length}  ${Math.round(ms)} ms`,
  );
  return row;
}

/** A run over `terms` and the same terms' embedding alone, in ms. */
async function timeRun(engine, terms) {
  const t0 = performance.now();
  await engine.embed(terms);
  const embedMs = performance.now() - t0;
  const t1 = performance.now();
  const r = await runSuggest(engine, { dictionary: dict, terms: terms.map((term) => ({ term })), attributes, options: { k: K } });
  const runMs = performance.now() - t1;
  return { embedMs, runMs, suggestions: r.suggestions.length, newTerms: r.newTerms };
}

/** `n` distinct made-up terms: halves of real terms recombined (seeded). */
function generatedTerms(n) {
  const r = new Random(SEED + 1);
  const seen = new Set();
  const out = [];
  while (out.length < n) {
    const a = allTerms[r.nextInt(allTerms.length)];
    const b = allTerms[r.nextInt(allTerms.length)];
    const t = a.slice(0, Math.ceil(a.length / 2)) + b.slice(Math.floor(b.length / 2)) + (r.nextInt(4) === 0 ? String(r.nextInt(100)) : '');
    if (!seen.has(t)) {
      seen.add(t);
      out.push(t);
    }
  }
  return out;
}

const engine = await loadEngine('builtin');
const results = [await evaluateModel('untrained', engine)];

const small = allTerms.slice(0, 3000);
const time3k = await timeRun(engine, small);
log(`3,000-term list: ${Math.round(time3k.runMs)} ms (embedding alone ${Math.round(time3k.embedMs)} ms), ${time3k.suggestions} suggestions`);
const time100k = await timeRun(engine, generatedTerms(100_000));
log(`100,000-term list: ${Math.round(time100k.runMs)} ms (embedding alone ${Math.round(time100k.embedMs)} ms), ${time100k.suggestions} suggestions`);
await engine.dispose();

if (withFineTune) {
  // The fine-tune service runs in the bundled training worker (npm run build makes it).
  process.env.SYNONYM_LENS_TRAIN_WORKER ??= path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'trainWorker.js');
  const dir = mkdtempSync(path.join(tmpdir(), 'synonym-lens-bench-suggest-'));
  const dest = path.join(dir, 'fine-tuned');
  try {
    const base = resolveBaseModel('builtin');
    const t0 = performance.now();
    await fineTune({ text: dictText, dictionary: 'zh-synonyms-dev train side', base, dest, options: fineTuneOptions({}, base) });
    log(`fine-tuned in ${Math.round(performance.now() - t0)} ms`);
    const tuned = await loadEngine(dest);
    results.push(await evaluateModel('fine-tuned', tuned));
    await tuned.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (x) => Math.round(x * 1000) / 1000;
const figures = {};
for (const r of results) {
  const p = r.model === 'untrained' ? 'untrained' : 'fineTuned';
  figures[`${p}PrecisionAt50`] = round(r.precisionAt50);
  figures[`${p}PrecisionAt200`] = round(r.precisionAt200);
  figures[`${p}RecallAt5`] = round(r.recallAt5);
  figures[`${p}AveragePrecision`] = round(r.averagePrecision);
  figures[`${p}ApRatioToCosineOnly`] = round(r.averagePrecision / r.cosineOnly.averagePrecision);
  figures[`${p}PrecisionAt200RatioToCosineOnly`] = round(r.precisionAt200 / r.cosineOnly.precisionAt200);
  figures[`${p}VariantRecall`] = round(r.variantRecall);
}
figures.run3kTermsMs = Math.round(time3k.runMs);
figures.run3kRatioToEmbedding = round(time3k.runMs / time3k.embedMs);
figures.run100kTermsMs = Math.round(time100k.runMs);
figures.run100kRatioToEmbedding = round(time100k.runMs / time100k.embedMs);
console.log(JSON.stringify(figures));
