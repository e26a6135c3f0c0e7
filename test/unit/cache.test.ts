import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CachedEmbedder, VectorCache } from '../../src/core/cache';

/** A fake model: vector [length, first char code]; records every call. */
function fakeModel() {
  const calls: string[][] = [];
  const gates: Array<() => void> = [];
  let gated = false;
  const embed = async (texts: string[], token?: { isCancellationRequested: boolean }) => {
    calls.push([...texts]);
    if (gated) await new Promise<void>((resolve) => gates.push(resolve));
    if (token?.isCancellationRequested) throw new Error('cancelled');
    return texts.map((t) => Float32Array.of(t.length, t.charCodeAt(0) || 0));
  };
  return {
    calls,
    embed,
    hold: () => (gated = true),
    release: () => {
      gated = false;
      gates.splice(0).forEach((g) => g());
    },
  };
}

test('VectorCache is an LRU by count keyed by (fingerprint, text)', () => {
  const c = new VectorCache(2);
  c.set('f1', 'a', Float32Array.of(1));
  c.set('f2', 'a', Float32Array.of(2));
  assert.deepEqual(Array.from(c.get('f1', 'a')!), [1]); // touches (f1, a)
  c.set('f1', 'b', Float32Array.of(3)); // evicts (f2, a), the least recently used
  assert.equal(c.get('f2', 'a'), undefined);
  assert.ok(c.has('f1', 'a') && c.has('f1', 'b'));
  assert.deepEqual(c.stats(), { hits: 1, misses: 1, evictions: 1, size: 2, capacity: 2 });
  c.clear('f1');
  assert.equal(c.size, 0);
  const off = new VectorCache(0);
  off.set('f', 'a', Float32Array.of(1));
  assert.equal(off.size, 0);
});

test('VectorCache bounded in bytes evicts the least recently used until the vectors fit', () => {
  const c = new VectorCache(100, { maxBytes: 3 * 4096 });
  const v = (x: number) => new Float32Array(1024).fill(x); // 4 KiB each
  c.set('m', 'a', v(1));
  c.set('m', 'b', v(2));
  c.set('m', 'c', v(3));
  assert.equal(c.size, 3);
  c.get('m', 'a'); // a is now the most recent
  c.set('m', 'd', v(4));
  assert.equal(c.size, 3);
  assert.equal(c.has('m', 'b'), false, 'the least recently used went');
  assert.ok(c.has('m', 'a') && c.has('m', 'c') && c.has('m', 'd'));
  // Replacing an entry by a larger vector counts its new size.
  c.set('m', 'a', new Float32Array(2048));
  assert.equal(c.size, 2);
  assert.deepEqual([c.has('m', 'c'), c.has('m', 'd'), c.has('m', 'a')], [false, true, true]);
  // A vector larger than the bound is not kept; clearing a fingerprint frees its bytes.
  c.set('m', 'huge', new Float32Array(4096));
  assert.equal(c.has('m', 'huge'), false);
  c.clear('m');
  for (const t of ['p', 'q', 'r']) c.set('n', t, v(0));
  assert.equal(c.size, 3);
  assert.equal(c.stats().evictions, 2);
});

test('embedding the same terms twice runs the model once', async () => {
  const model = fakeModel();
  const e = new CachedEmbedder(new VectorCache(100), 'fp', model.embed);
  const first = await e.embed(['丰田', '霸道SUV', '丰田']);
  const second = await e.embed(['霸道SUV', '丰田']);
  assert.deepEqual(model.calls, [['丰田', '霸道SUV']], 'one model call, duplicates within a call computed once');
  assert.deepEqual(first.map((v) => Array.from(v)), [[2, 20016], [5, 38712], [2, 20016]]);
  assert.equal(second[0], first[1]);
  assert.deepEqual(e.stats(), { hits: 2, joined: 1, misses: 2, batches: 1 });
  await e.embed(['丰田', '新']);
  assert.deepEqual(model.calls[1], ['新'], 'only the new text reaches the model');
});

test('concurrent calls share an in-flight computation', async () => {
  const model = fakeModel();
  const e = new CachedEmbedder(new VectorCache(100), 'fp', model.embed);
  model.hold();
  const a = e.embed(['x', 'y']);
  const b = e.embed(['y', 'z']);
  model.release();
  const [va, vb] = await Promise.all([a, b]);
  assert.deepEqual(model.calls, [['x', 'y'], ['z']]);
  assert.equal(va[1], vb[0], 'the same vector object');
  assert.deepEqual(e.stats(), { hits: 0, joined: 1, misses: 3, batches: 2 });
});

test('a joined computation cancelled by its owner is recomputed for the other caller', async () => {
  const model = fakeModel();
  const e = new CachedEmbedder(new VectorCache(100), 'fp', model.embed);
  const cancelled = { isCancellationRequested: false };
  model.hold();
  const owner = e.embed(['p', 'q'], cancelled);
  const joiner = e.embed(['q']);
  cancelled.isCancellationRequested = true;
  model.release();
  await assert.rejects(owner, /cancelled/);
  const [v] = await joiner;
  assert.deepEqual(Array.from(v!), [1, 113]);
  assert.deepEqual(model.calls, [['p', 'q'], ['q']]);
  // Nothing failed is cached: p is computed when asked again.
  await e.embed(['p']);
  assert.deepEqual(model.calls[2], ['p']);
});

test('errors from the model reach the caller and are not cached', async () => {
  let fail = true;
  const e = new CachedEmbedder(new VectorCache(10), 'fp', async (texts) => {
    if (fail) throw new Error('boom');
    return texts.map(() => Float32Array.of(1));
  });
  await assert.rejects(e.embed(['a']), /boom/);
  fail = false;
  assert.equal((await e.embed(['a'])).length, 1);
});
