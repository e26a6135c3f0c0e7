import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeUtf8, encodeUtf8, utf8Into } from '../../src/core/utf8';
import { fnv1a32Utf8 } from '../../src/core/builtin/featurizer';

const samples = ['', 'car', '普拉多', '霸道SUV', 'é', '𠮷野家', '😀 ok', 'a\ud800b', '\udc00', 'x\ud83d', 'ＳＵＶ\u202e'];

test('encodeUtf8 gives TextEncoder\'s bytes (lone surrogates as U+FFFD), decodeUtf8 reads them back', () => {
  const enc = new TextEncoder();
  for (const s of samples) {
    assert.deepEqual(encodeUtf8(s), enc.encode(s), JSON.stringify(s));
    assert.equal(decodeUtf8(encodeUtf8(s)), new TextDecoder().decode(enc.encode(s)), JSON.stringify(s));
  }
  const out = new Uint8Array(30);
  assert.equal(utf8Into('普拉多', out), 9);
});

test('the feature hash is FNV-1a over those bytes (the built-in model\'s buckets depend on it)', () => {
  const reference = (s: string) => {
    let h = 0x811c9dc5;
    for (const b of new TextEncoder().encode(s)) h = Math.imul(h ^ b, 0x01000193);
    return h >>> 0;
  };
  for (const s of [...samples, 'x'.repeat(1000)]) assert.equal(fnv1a32Utf8(s), reference(s), JSON.stringify(s));
  assert.equal(fnv1a32Utf8('a'), 0xe40c292c); // the published FNV-1a 32 test vector
});
