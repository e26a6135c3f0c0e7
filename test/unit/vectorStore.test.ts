/** VectorStore's room for the vectors to come (src/server/vocabulary.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VectorStore } from '../../src/server/vocabulary';

test('VectorStore.reserve leaves room for the edits that follow: a term added after a reserved batch does not grow the matrix', async () => {
  const engine = { dimension: 4, embed: async (texts: readonly string[]) => texts.map((t) => Float32Array.from([t.length, 1, 0, 0])) };
  const store = new VectorStore(engine, 16);
  const terms = Array.from({ length: 3000 }, (_, i) => `t${i}`);
  store.reserve(terms.length);
  await store.ensure(terms);
  const capacity = store.capacity;
  assert.ok(capacity >= terms.length + 1024, `capacity ${capacity}`);
  // The edits of a document whose vectors are all in: a term each.
  for (let k = 0; k < 1024; k++) await store.ensure([`new${k}`]);
  assert.equal(store.capacity, capacity);
  assert.deepEqual([...store.get('new7')!], [4, 1, 0, 0]);
  assert.deepEqual([...store.get('t12')!], [3, 1, 0, 0]);
});
