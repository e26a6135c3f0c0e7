// The built-in model's flat paths (featurizeInto, lexiconRowsInto: many texts into reused typed
// arrays, no string per feature or segment) against the per-text paths they replace in the engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BUILTIN_MODEL_CONFIG, FeatureRows, featureBucket, extractFeatures, featurize, featurizeInto, type CharNgramModelConfig } from '../../src/core/builtin/featurizer';
import {
  englishBaseForms,
  ENGLISH_STOP_WORDS,
  formatLexiconVocabulary,
  lexiconLookup,
  LexiconRows,
  lexiconRowsInto,
  parseLexiconVocabulary,
  type LexiconVocabulary,
} from '../../src/core/builtin/lexicon';

const dev = readFileSync(path.join(import.meta.dirname, '../fixtures/data/zh-synonyms-dev.csv'), 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
const devTerms = [...new Set(dev.flatMap((r) => [r[0]!, r[1]!]).filter(Boolean))];
const TEXTS = [
  ...devTerms,
  '丰田', '霸道SUV', 'Land Cruiser', 'ＳＵＶ', '🚗', '', '  ,。!', 'SUV🚗丰田', 'カローラー', '𠀋𠀌', '한국어 사전',
  'Borneo borneo', 'café crème', 'e\u0301te\u0301', 'x', 'ab', 'studies cars parked boxes', 'the car of a study', 'it is', 'Ünïcödé 123',
  'lone \ud800 high', 'lone \udc00 low', '\ud800\ud800丰', '丰\udbff', 'a'.repeat(300), '丰田'.repeat(200), `${'word '.repeat(60)}end`,
  '2026款宝马X5', '宝马 Car', '凯美瑞', '汽车发动机', '寶馬汽車', 'iPhone 15 Pro Max', 'RAV4 hybrid 2.0T',
];

function assertFlatEqualsPerText(config: CharNgramModelConfig): void {
  const rows = new FeatureRows();
  for (const text of TEXTS) featurizeInto(text, config, rows);
  assert.equal(rows.texts, TEXTS.length);
  TEXTS.forEach((text, t) => {
    const want = featurize(text, config);
    const from = rows.start[t]!;
    const to = rows.start[t + 1]!;
    const what = `${config.version} ${JSON.stringify(text.slice(0, 30))}`;
    assert.deepEqual(rows.ids.subarray(from, to), want.ids, `ids of ${what}`);
    assert.deepEqual(rows.weights.subarray(from, to), want.weights, `weights of ${what}`);
    assert.deepEqual(rows.kinds.subarray(from, to), want.kinds, `kinds of ${what}`);
    assert.equal(rows.truncated[t] === 1, want.truncated, `truncation of ${what}`);
  });
}

test('featurizeInto gives featurize’s ids, weights, kinds and truncation, text after text', () => {
  assertFlatEqualsPerText(BUILTIN_MODEL_CONFIG);
  assertFlatEqualsPerText({ ...BUILTIN_MODEL_CONFIG, version: 'short', maxFeatures: 7 });
  assertFlatEqualsPerText({ ...BUILTIN_MODEL_CONFIG, version: 'orders', cjkNgrams: [2, 3], wordNgrams: [2, 4], buckets: 1000 });
  assertFlatEqualsPerText({ ...BUILTIN_MODEL_CONFIG, version: 'weighted', orderWeights: [0.5, 1, 1.5, 2, 0, 1, 3] });
  assertFlatEqualsPerText({ ...BUILTIN_MODEL_CONFIG, version: 'shape', shapeFeatures: true, caseFeature: true, orderWeights: [1, 1, 1, 1, 1, 1, 1, 0.5] });
});

test('featurizeInto hashes what extractFeatures lists, and a cleared buffer is refilled the same', () => {
  const rows = new FeatureRows();
  for (const text of ['霸道SUV', 'Land Cruiser', '𠀋𠀌', 'lone \ud800 high']) featurizeInto(text, BUILTIN_MODEL_CONFIG, rows);
  const first = Array.from(rows.ids.subarray(0, rows.length));
  const want = ['霸道SUV', 'Land Cruiser', '𠀋𠀌', 'lone \ud800 high'].flatMap((t) => extractFeatures(t).features.map((f) => featureBucket(f, BUILTIN_MODEL_CONFIG.buckets)));
  assert.deepEqual(first, want);
  rows.clear();
  for (const text of ['霸道SUV', 'Land Cruiser', '𠀋𠀌', 'lone \ud800 high']) featurizeInto(text, BUILTIN_MODEL_CONFIG, rows);
  assert.deepEqual(Array.from(rows.ids.subarray(0, rows.length)), first);
});

/**
 * The lexicon's rules written the plain way (a string per character, run and candidate word), as
 * lexicon.ts had them before its scan worked on offsets: the oracle of both of its paths.
 */
function plainLookup(text: string, vocab: LexiconVocabulary, config: { maxUnknownShare: number; maxWordLength: number }): { rows: number[]; segments: string[]; unknownChars: number } {
  const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc]/u;
  const rows: number[] = [];
  const segments: string[] = [];
  let unknownChars = 0;
  const add = (word: string): boolean => {
    const row = vocab.get(word);
    if (row === undefined) return false;
    rows.push(row);
    segments.push(word);
    return true;
  };
  const chars = Array.from(text.normalize('NFKC').toLowerCase());
  let i = 0;
  while (i < chars.length) {
    if (CJK.test(chars[i]!)) {
      const run: string[] = [];
      while (i < chars.length && CJK.test(chars[i]!)) run.push(chars[i++]!);
      if (add(run.join(''))) continue;
      const segs: { word: string; known: boolean }[] = [];
      for (let c = 0; c < run.length; ) {
        let len = Math.min(config.maxWordLength, run.length - c);
        while (len >= 2 && !vocab.has(run.slice(c, c + len).join(''))) len--;
        segs.push(len >= 2 ? { word: run.slice(c, c + len).join(''), known: true } : { word: run[c]!, known: false });
        c += Math.max(len, 1);
      }
      const unknown = segs.filter((x) => !x.known).length;
      unknownChars += unknown;
      for (const seg of segs) if (seg.known || unknown / run.length <= config.maxUnknownShare) add(seg.word);
    } else if (/[a-z]/.test(chars[i]!)) {
      let word = '';
      while (i < chars.length && /[a-z]/.test(chars[i]!)) word += chars[i++]!;
      if (ENGLISH_STOP_WORDS.has(word) || word.length < 2) continue;
      for (const form of englishBaseForms(word)) if (add(form)) break;
    } else i++;
  }
  return { rows, segments, unknownChars };
}

test('lexiconRowsInto gives lexiconLookup’s rows, text after text', () => {
  const words = [...devTerms.filter((t) => [...t].length >= 2 && !/[a-z]/i.test(t)).slice(0, 1500), ...new Set(devTerms.join('').replace(/[\sa-z0-9]/gi, ''))];
  const rowWords = [...words.map((w) => [w]), ['宝马', '寶馬'], ['汽车', '汽車'], ['发动机'], ['car'], ['study'], ['park'], ['box'], ['hybrid'], ['word'], ['end']];
  const vocab = parseLexiconVocabulary(formatLexiconVocabulary(rowWords), rowWords.length);
  for (const policy of [{ maxUnknownShare: 1, maxWordLength: 8 }, { maxUnknownShare: 0.5, maxWordLength: 3 }, { maxUnknownShare: 0, maxWordLength: 8 }]) {
    const out = new LexiconRows();
    for (const text of TEXTS) lexiconRowsInto(text, vocab, policy, out);
    assert.equal(out.texts, TEXTS.length);
    let found = 0;
    TEXTS.forEach((text, t) => {
      const want = plainLookup(text, vocab, policy);
      assert.deepEqual(lexiconLookup(text, vocab, policy), want, `lexiconLookup ${JSON.stringify(policy)} ${JSON.stringify(text.slice(0, 30))}`);
      found += want.rows.length;
      assert.deepEqual(Array.from(out.rows.subarray(out.start[t]!, out.start[t + 1]!)), want.rows, `${JSON.stringify(policy)} ${JSON.stringify(text.slice(0, 30))}`);
    });
    assert.ok(found > TEXTS.length / 4, 'the vocabulary finds rows');
  }
});
