import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VectorMatrix, cosine, dot, norm, normalize } from '../../src/core/vectors';

test('dot, norm and cosine', () => {
  assert.equal(dot([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]), 35);
  assert.equal(norm([3, 4]), 5);
  assert.equal(cosine([1, 0], [0, 1]), 0);
  assert.ok(Math.abs(cosine([1, 2, 3], [2, 4, 6]) - 1) < 1e-12);
  assert.equal(cosine([1, 2, 3], [-1, -2, -3]), -1);
  assert.equal(cosine([0, 0], [1, 1]), 0, 'a zero vector is unrelated, not NaN');
  const c = cosine(Float32Array.of(0.1, 0.2, 0.3), Float32Array.of(0.1, 0.2, 0.3));
  assert.ok(c <= 1 && c >= -1);
});

test('normalize scales in place and leaves a zero vector alone', () => {
  const v = Float32Array.of(3, 4);
  assert.equal(normalize(v), 5);
  assert.deepEqual(Array.from(v), [Math.fround(0.6), Math.fround(0.8)]);
  const z = new Float32Array(3);
  assert.equal(normalize(z), 0);
  assert.deepEqual(Array.from(z), [0, 0, 0]);
});

test('VectorMatrix grows, copies rows and checks bounds', () => {
  const m = new VectorMatrix(3, 1);
  const src = Float32Array.of(1, 2, 3);
  assert.equal(m.add(src), 0);
  src[0] = 99;
  for (let i = 1; i < 10; i++) assert.equal(m.add([i, i, i]), i);
  assert.equal(m.rows, 10);
  assert.deepEqual(Array.from(m.row(0)), [1, 2, 3]);
  assert.deepEqual(Array.from(m.row(9)), [9, 9, 9]);
  assert.equal(m.data.length, 30);
  m.set(1, [7, 8, 9]);
  assert.deepEqual(Array.from(m.row(1)), [7, 8, 9]);
  assert.throws(() => m.row(10), RangeError);
  assert.throws(() => m.add([1, 2]), RangeError);
  assert.deepEqual(Array.from(VectorMatrix.from([[1, 2], [3, 4]]).data), [1, 2, 3, 4]);
});

test('VectorMatrix.reserve: one big reservation is exact; many small ones grow geometrically', () => {
  const m = new VectorMatrix(4, 16);
  m.reserve(40_000);
  assert.equal(m.capacity, 40_000);
  // Batches that each ask for a little more than is there: the storage grows by half or more,
  // so 500 batches of 100 rows reallocate a handful of times, not 500.
  let grown = 0;
  let capacity = m.capacity;
  for (let batch = 0; batch < 500; batch++) {
    m.reserve(m.rows + 100);
    for (let r = 0; r < 100; r++) m.add([batch, r, 0, 1]);
    if (m.capacity !== capacity) grown++;
    capacity = m.capacity;
  }
  assert.ok(grown <= 4, `grew ${grown} times`);
  assert.deepEqual(Array.from(m.row(49_999)), [499, 99, 0, 1]);
});
