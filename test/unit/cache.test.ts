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
