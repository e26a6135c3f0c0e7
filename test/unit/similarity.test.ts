// The heatmap's pure algorithms: synonym-group ordering and the cosine matrix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupOrder, similarityMatrix, type GroupLookup } from '../../src/core/similarity';
import { normalize } from '../../src/core/vectors';

/** Groups by term key (lower case), as the dictionary index keys them. */
function lookup(groups: string[][]): GroupLookup {
  const of = new Map<string, number>();
  groups.forEach((g, i) => g.forEach((t) => of.set(t.toLowerCase(), i)));
  return { groups, groupOf: (t) => of.get(t.toLowerCase()) };
}

test('groupOrder puts each group in one block, groups by first appearance, loose terms last', () => {
  const groups = [['car', 'auto', 'automobile'], ['bike', 'bicycle']];
  const out = groupOrder(lookup(groups), ['zebra', 'bicycle', 'automobile', 'car', 'yak', 'bike']);
  assert.deepEqual(out.terms, ['car', 'automobile', 'bike', 'bicycle', 'zebra', 'yak']);
  assert.deepEqual(out.groups, [0, 0, 1, 1, 2, 3]);
});

test('groupOrder keeps the dictionary order within a group whatever the input order', () => {
  const groups = [['a', 'b', 'c']];
  assert.deepEqual(groupOrder(lookup(groups), ['c', 'a', 'b']).terms, ['a', 'b', 'c']);
  assert.deepEqual(groupOrder(lookup(groups), ['b', 'c']).terms, ['b', 'c']);
});

test('groupOrder numbers blocks densely when a group is absent from the input', () => {
  const out = groupOrder(lookup([['a'], ['b'], ['c']]), ['c', 'a', 'x']);
  assert.deepEqual(out.terms, ['a', 'c', 'x']);
  assert.deepEqual(out.groups, [0, 1, 2]);
});

test('similarityMatrix: symmetric, unit diagonal, cosines of normalised vectors', () => {
  const raw = [
    [1, 0, 0],
    [1, 1, 0],
    [0, 0, 2],
    [-1, 0, 0],
  ];
  const vectors = raw.map((v) => {
    const f = Float32Array.from(v);
    normalize(f);
    return f;
  });
  const m = similarityMatrix(vectors);
  const n = vectors.length;
  assert.equal(m.length, n * n);
  for (let i = 0; i < n; i++) {
    assert.equal(m[i * n + i], 1);
    for (let j = 0; j < n; j++) assert.equal(m[i * n + j], m[j * n + i]);
  }
  assert.ok(Math.abs(m[0 * n + 1]! - Math.SQRT1_2) < 1e-6, String(m[1]));
  assert.ok(Math.abs(m[0 * n + 2]!) < 1e-9);
  assert.ok(Math.abs(m[0 * n + 3]! + 1) < 1e-6);
});

test('similarityMatrix clamps rounding past ±1', () => {
  const v = Float32Array.from([1.0000001, 0]);
  const m = similarityMatrix([v, v, Float32Array.from([-1.0000001, 0])]);
  assert.equal(m[1], 1);
  assert.equal(m[2], -1);
});

test('similarityMatrix calls the checkpoint every 64 rows and stops when it throws', () => {
  const vectors = Array.from({ length: 130 }, () => Float32Array.from([1, 0]));
  let calls = 0;
  similarityMatrix(vectors, () => calls++);
  assert.equal(calls, 2);
  assert.throws(() => similarityMatrix(vectors, () => {
    throw new Error('cancelled');
  }), /cancelled/);
  assert.deepEqual(similarityMatrix([]), []);
});
