import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VectorMatrix, cosine, dot, norm, normalize, topK } from '../../src/core/vectors';
import { Random } from '../../src/core/random';

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

test('topK equals brute force on random data, with exclusions and ties', () => {
  const rnd = new Random(3);
  for (const [rows, dim, k] of [[1000, 128, 10], [257, 7, 300], [600, 33, 1], [5, 4, 0]] as const) {
    const m = new VectorMatrix(dim);
    for (let r = 0; r < rows; r++) {
      const v = rnd.fillNormal(new Float32Array(dim));
      normalize(v);
      m.add(v);
    }
    const q = m.row(rnd.nextInt(rows)).slice();
    const exclude = new Set([0, 3, 500]);
    const brute = Array.from({ length: rows }, (_, i) => ({ index: i, score: dot(m.row(i), q) }))
      .filter((h) => !exclude.has(h.index))
      .sort((a, b) => b.score - a.score || a.index - b.index)
      .slice(0, k);
    const got = topK(m, q, k, exclude);
    assert.equal(got.length, brute.length);
    got.forEach((h, i) => {
      assert.equal(h.index, brute[i]!.index, `rank ${i} of ${rows}×${dim}`);
      assert.ok(Math.abs(h.score - brute[i]!.score) < 1e-5);
    });
    const viaPredicate = topK(m, q, k, (i) => exclude.has(i));
    assert.deepEqual(viaPredicate.map((h) => h.index), got.map((h) => h.index));
  }
  // Ties: lower index first.
  const t = VectorMatrix.from([[1, 0], [0, 1], [1, 0], [1, 0]]);
  assert.deepEqual(topK(t, [1, 0], 2), [{ index: 0, score: 1 }, { index: 2, score: 1 }]);
  assert.deepEqual(topK(t, [1, 0], 2, new Set([0])).map((h) => h.index), [2, 3]);
  assert.deepEqual(topK(new VectorMatrix(2), [1, 0], 3), []);
});
