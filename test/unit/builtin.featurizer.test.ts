import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BUILTIN_MODEL_CONFIG,
  extractFeatures,
  featurize,
  fnv1a32Utf8,
  parseCharNgramConfig,
} from '../../src/core/builtin/featurizer';

// Goldens: changing any of these changes every shipped vector — bump BUILTIN_MODEL_CONFIG.version.
const GOLDEN: Array<[string, string[], number[]]> = [
  ['丰田', ['丰', '丰田', '田'], [10611, 20632, 14866]],
  [
    '霸道SUV',
    ['霸', '霸道', '道', '<suv>', '<su', '<suv', '<suv>', 'suv', 'suv>', 'uv>'],
    [7440, 5415, 10852, 15735, 27543, 21299, 15735, 6553, 25061, 2756],
  ],
  [
    'Land Cruiser',
    ['<land>', '<la', '<lan', '<land', 'lan', 'land', 'land>', 'and', 'and>', 'nd>',
     '<cruiser>', '<cr', '<cru', '<crui', 'cru', 'crui', 'cruis', 'rui', 'ruis', 'ruise', 'uis', 'uise', 'uiser', 'ise', 'iser', 'iser>', 'ser', 'ser>', 'er>'],
    [7896, 17084, 12438, 3318, 16, 13980, 262, 17062, 21832, 11875,
     29404, 30286, 7905, 4120, 25359, 31122, 23859, 18155, 8520, 14807, 17048, 29767, 28527, 19792, 27782, 9640, 4213, 9745, 24120],
  ],
  // NFKC folds full-width letters, then lower-casing: identical to `suv`.
  ['ＳＵＶ', ['<suv>', '<su', '<suv', '<suv>', 'suv', 'suv>', 'uv>'], [15735, 27543, 21299, 15735, 6553, 25061, 2756]],
  // Emoji, punctuation and spaces separate runs and carry no feature.
  ['🚗', [], []],
  ['', [], []],
  ['  ,。!', [], []],
  ['SUV🚗丰田', ['<suv>', '<su', '<suv', '<suv>', 'suv', 'suv>', 'uv>', '丰', '丰田', '田'], [15735, 27543, 21299, 15735, 6553, 25061, 2756, 10611, 20632, 14866]],
  // Katakana with the prolonged sound mark stays one CJK run.
  ['カローラー', ['カ', 'カロ', 'カロー', 'ロ', 'ロー', 'ローラ', 'ー', 'ーラ', 'ーラー', 'ラ', 'ラー', 'ー'], [2113, 28406, 27400, 26474, 24844, 28105, 557, 8038, 26936, 24862, 20624, 557]],
  // Astral Han (Extension B) counts one character per code point.
  ['𠀋𠀌', ['𠀋', '𠀋𠀌', '𠀌'], [21636, 22192, 21233]],
];

test('feature strings and bucket ids match the goldens', () => {
  for (const [text, features, ids] of GOLDEN) {
    const f = extractFeatures(text, BUILTIN_MODEL_CONFIG);
    assert.deepEqual(f.features, features, `features of ${JSON.stringify(text)}`);
    assert.equal(f.truncated, false);
    const z = featurize(text, BUILTIN_MODEL_CONFIG);
    assert.deepEqual(Array.from(z.ids), ids, `bucket ids of ${JSON.stringify(text)}`);
  }
});

test('weights are 1/n (mean pooling) and sum to 1', () => {
  const z = featurize('霸道SUV');
  assert.equal(z.weights.length, 10);
  for (const w of z.weights) assert.equal(w, Math.fround(1 / 10));
  assert.equal(featurize('').weights.length, 0);
});

test('FNV-1a 32 matches the published test vectors and hashes UTF-8 bytes', () => {
  assert.equal(fnv1a32Utf8(''), 0x811c9dc5);
  assert.equal(fnv1a32Utf8('a'), 0xe40c292c);
  assert.equal(fnv1a32Utf8('foobar'), 0xbf9cf968);
  // Reference over node's own UTF-8 encoder, for 1-, 2-, 3- and 4-byte characters.
  const viaBuffer = (s: string) => {
    let h = 0x811c9dc5;
    for (const b of Buffer.from(s, 'utf8')) h = Math.imul(h ^ b, 0x01000193);
    return h >>> 0;
  };
  for (const s of ['x', 'é', 'ß<', '丰田', '<suv>', '𠀋', '🚗a', 'ü丰𠀋!']) assert.equal(fnv1a32Utf8(s), viaBuffer(s), s);
});

test('features are capped at maxFeatures and truncation is reported', () => {
  const long = '丰田汽车'.repeat(40); // 160 chars → 477 CJK n-grams
  const f = extractFeatures(long);
  assert.equal(f.features.length, BUILTIN_MODEL_CONFIG.maxFeatures);
  assert.equal(f.truncated, true);
  assert.equal(featurize(long).truncated, true);
  const small = { ...BUILTIN_MODEL_CONFIG, maxFeatures: 3 };
  assert.deepEqual(extractFeatures('丰田', small), { features: ['丰', '丰田', '田'], truncated: false });
  assert.deepEqual(extractFeatures('丰田车', small), { features: ['丰', '丰田', '丰田车'], truncated: true });
  assert.deepEqual(extractFeatures('ab', { ...small, maxFeatures: 1 }), { features: ['<ab>'], truncated: true });
});

test('config validation names the bad field', () => {
  assert.deepEqual(parseCharNgramConfig(JSON.parse(JSON.stringify(BUILTIN_MODEL_CONFIG))), { ...BUILTIN_MODEL_CONFIG });
  assert.throws(() => parseCharNgramConfig({ ...BUILTIN_MODEL_CONFIG, buckets: 0 }), /"buckets"/);
  assert.throws(() => parseCharNgramConfig({ ...BUILTIN_MODEL_CONFIG, cjkNgrams: [3, 1] }), /"cjkNgrams"/);
  assert.throws(() => parseCharNgramConfig(null), /not an object/);
});
