import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TermTokenizer } from '../../src/runtime/model/transformer/tokenizer';
import { ModelLoadError } from '../../src/runtime/model/transformer/errors';
import { bertBaseChineseDir, smallUnigramPieces, unigramTokenizer, wordPieceTokenizer, xlmrTokenizerConfig } from '../helpers/tokenizers';
import { TERMS } from '../helpers/fixtures';

const json = (f: string) => JSON.parse(readFileSync(path.join(bertBaseChineseDir, f), 'utf8')) as Record<string, unknown>;

function bertBaseChinese(maxLength = 512): TermTokenizer {
  // tokenizer_config.json has only do_lower_case: specials must come from the tokenizer itself.
  return TermTokenizer.fromJson(json('tokenizer.json'), json('tokenizer_config.json'), json('config.json'), maxLength);
}

test('bert-base-chinese: 霸道SUV → [CLS] 霸 道 [UNK] [SEP], specials without tokenizer_config fields', () => {
  const t = bertBaseChinese();
  const e = t.encode('霸道SUV');
  assert.deepEqual(e.ids, [101, 7464, 6887, 100, 102]);
  assert.deepEqual(e.typeIds, [0, 0, 0, 0, 0]);
  assert.deepEqual(t.tokenize('霸道SUV'), ['霸', '道', '[UNK]']);
  assert.equal(e.units, 3);
  assert.equal(e.unknownUnits, 1);
  assert.equal(e.truncated, false);
  assert.equal(t.padId, 0);
  assert.equal(t.unkId, 100);
  assert.equal(t.maxId, 21127);
  assert.equal(t.specialCount, 2);
});

test('bert-base-chinese: truncation keeps [CLS] and [SEP] and reports it', () => {
  const t = bertBaseChinese(6);
  const e = t.encode('一二三四五六七');
  assert.equal(e.ids.length, 6);
  assert.equal(e.ids[0], 101);
  assert.equal(e.ids[5], 102);
  assert.equal(e.units, 7);
  assert.equal(e.truncated, true);
  assert.equal(t.encode('一二三四').truncated, false);
});

test('bert-base-chinese: a Latin-only term is all unknown', () => {
  const e = bertBaseChinese().encode('SUV');
  assert.equal(e.units, 1);
  assert.equal(e.unknownUnits, 1);
});

test('generated WordPiece tokenizer: lower-cases, splits continuations, counts unknowns', () => {
  const tj = wordPieceTokenizer(['suv', 'car', '##s', '霸', '道']);
  const t = TermTokenizer.fromJson(tj, {}, {}, 32);
  assert.deepEqual(t.tokenize('霸道 SUV Cars'), ['霸', '道', 'suv', 'car', '##s']);
  const e = t.encode('霸道 xyz');
  assert.deepEqual(e.ids, [2, 5 + 3, 5 + 4, 1, 3]);
  assert.equal(e.unknownUnits, 1);
  assert.equal(t.padId, 0);
});

test('generated Unigram tokenizer (XLM-R style): <s> … </s>, pad 1, ▁ pieces, unknowns', () => {
  const tj = unigramTokenizer(smallUnigramPieces(TERMS, 300));
  const t = TermTokenizer.fromJson(tj, xlmrTokenizerConfig, {}, 512);
  assert.equal(t.padId, 1);
  assert.equal(t.unkId, 3);
  const e = t.encode('SUV');
  assert.equal(e.ids[0], 0);
  assert.equal(e.ids[e.ids.length - 1], 2);
  assert.deepEqual(t.tokenize('suv'), ['▁suv']);
  const unknown = t.encode('\u{1F600}');
  assert.ok(unknown.units >= 1);
  assert.ok(unknown.unknownUnits >= 1, `tokens: ${t.tokenize('\u{1F600}').join(' ')}`);
});

test('Unigram without tokenizer_config falls back to the model’s unk_id and <pad>', () => {
  const t = TermTokenizer.fromJson(unigramTokenizer([['▁', -2], ['a', -3]]), {}, {}, 16);
  assert.equal(t.padId, 1);
  assert.equal(t.unkId, 3);
});

test('a maximum length with no room between the specials is refused', () => {
  assert.throws(() => TermTokenizer.fromJson(wordPieceTokenizer(['a']), {}, {}, 2), (e: unknown) => e instanceof ModelLoadError && e.code === 'bad-tokenizer');
});
