/**
 * `KnnIndex.search` over large indexes takes the int8 prefilter with exact re-scoring; its results
 * must be the plain scan's exactly (indices, order and scores), whatever the data; the heap.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dot, dotAt, normalize } from '../../src/core/vectors';
import { BestK } from '../../src/core/knn/heap';
import { KnnIndex, PREFILTER_MIN_ROWS } from '../../src/core/knn';
import { Random } from '../../src/core/random';

/** The plain scan's answer: every row scored as the index scores it (core's dotAt), sorted. */
function brute(m: KnnIndex, q: Float32Array, k: number, skip: (i: number) => boolean = () => false) {
  const data = m.data;
  const hits: { index: number; score: number }[] = [];
  for (let r = 0; r < m.rows; r++) {
    if (skip(r)) continue;
    hits.push({ index: r, score: dotAt(data, r * m.dim, q, 0, m.dim) });
  }
  return hits.sort((a, b) => b.score - a.score || a.index - b.index).slice(0, k);
}

/** Clustered unit vectors (near neighbours exist, as with real embeddings), some duplicated. */
function clustered(rnd: Random, rows: number, dim: number): KnnIndex {
  const m = new KnnIndex(dim, 8);
  const centres = Array.from({ length: 40 }, () => rnd.fillNormal(new Float32Array(dim)));
  for (let r = 0; r < rows; r++) {
    if (r % 97 === 5) {
      m.add(m.row(r - 1).slice()); // an exact duplicate: a tie
      continue;
    }
    const v = rnd.fillNormal(new Float32Array(dim));
    const c = centres[r % centres.length]!;
    for (let i = 0; i < dim; i++) v[i] = v[i]! * 0.4 + c[i]!;
    normalize(v);
    m.add(v);
  }
  return m;
}

test('prefiltered search equals the plain scan: dims 128, 7, 33 and 300; k 1, 10, 200', () => {
  const rnd = new Random(11);
  for (const dim of [128, 7, 33, 300]) {
    const m = clustered(rnd, PREFILTER_MIN_ROWS + 1500, dim);
    for (const k of [1, 10, 200]) {
      for (let t = 0; t < 5; t++) {
        const q = m.row(rnd.nextInt(m.rows)).slice();
        assert.deepEqual(m.search(q, k), brute(m, q, k), `dim ${dim}, k ${k}`);
      }
    }
  }
});

test('prefiltered search: exclusions (set and predicate), ties, k beyond the rows left', () => {
  const rnd = new Random(5);
  const m = clustered(rnd, PREFILTER_MIN_ROWS + 700, 64);
  const q = m.row(100).slice();
  const excluded = new Set([100, 101, 5, 6]);
  assert.deepEqual(m.search(q, 10, excluded), brute(m, q, 10, (i) => excluded.has(i)));
  const odd = (i: number) => i % 2 === 1;
  assert.deepEqual(m.search(q, 25, odd), brute(m, q, 25, odd));
  const allBut3 = (i: number) => i > 2;
  assert.deepEqual(m.search(q, 10, allBut3), brute(m, q, 10, allBut3), 'fewer rows than k');
  const dup = m.row(m.rows - 1).slice();
  m.add(dup);
  m.add(dup);
  const ties = m.search(dup, 3);
  assert.deepEqual(ties, brute(m, dup, 3));
  assert.ok(ties[0]!.index < ties[1]!.index && ties[0]!.score === ties[1]!.score, 'ties: lower index first');
});

test('prefiltered search follows add and set, and handles raw (unnormalised) and zero rows', () => {
  const rnd = new Random(9);
  const dim = 48;
  const m = new KnnIndex(dim, 4);
  for (let r = 0; r < PREFILTER_MIN_ROWS + 10; r++) {
    const v = rnd.fillNormal(new Float32Array(dim));
    for (let i = 0; i < dim; i++) v[i] = v[i]! * (1 + (r % 7)); // norms 1 to 7, not normalised
    m.add(v);
  }
  m.set(17, new Float32Array(dim)); // a zero row
  const q = rnd.fillNormal(new Float32Array(dim));
  assert.deepEqual(m.search(q, 10), brute(m, q, 10));
  // After the copy exists, later rows and overwrites must reach it.
  const best = brute(m, q, 1)[0]!;
  const better = q.slice();
  for (let i = 0; i < dim; i++) better[i] = better[i]! * 100;
  m.set(3, better);
  for (let r = 0; r < 3000; r++) m.add(rnd.fillNormal(new Float32Array(dim)));
  const got = m.search(q, 10);
  assert.deepEqual(got, brute(m, q, 10));
  assert.equal(got[0]!.index, 3, 'the overwritten row wins');
  assert.notEqual(got[0]!.index, best.index);
  assert.ok(Math.abs(got[0]!.score - dot(m.row(3), q)) < 1e-6);
});

test('prefiltered search: a row with NaN falls back to the plain scan; a zero query too', () => {
  const rnd = new Random(2);
  const m = clustered(rnd, PREFILTER_MIN_ROWS + 10, 16);
  const q = m.row(3).slice();
  assert.deepEqual(m.search(new Float32Array(16), 5), brute(m, new Float32Array(16), 5));
  const bad = m.row(7).slice();
  bad[2] = NaN;
  m.set(7, bad);
  assert.deepEqual(m.search(q, 5, (i) => i === 7), brute(m, q, 5, (i) => i === 7));
});

test('BestK keeps the k best, ties to the lower index, and its floor is the k-th best once full', () => {
  const best = new BestK(3);
  assert.equal(best.floor, -Infinity);
  for (const [score, index] of [[0.5, 4], [0.9, 1], [0.5, 2], [0.1, 0], [0.7, 3]] as const) best.offer(score, index);
  assert.deepEqual(best.sorted(), [{ index: 1, score: 0.9 }, { index: 3, score: 0.7 }, { index: 2, score: 0.5 }]);
  assert.equal(best.floor, 0.5);
  assert.deepEqual(new BestK(0).sorted(), []);
});

test('search equals brute force on random data, with exclusions and ties', () => {
  const rnd = new Random(3);
  for (const [rows, dim, k] of [[1000, 128, 10], [257, 7, 300], [600, 33, 1], [5, 4, 0]] as const) {
    const m = new KnnIndex(dim);
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
    const got = m.search(q, k, exclude);
    assert.equal(got.length, brute.length);
    got.forEach((h, i) => {
      assert.equal(h.index, brute[i]!.index, `rank ${i} of ${rows}×${dim}`);
      assert.ok(Math.abs(h.score - brute[i]!.score) < 1e-5);
    });
    const viaPredicate = m.search(q, k, (i) => exclude.has(i));
    assert.deepEqual(viaPredicate.map((h) => h.index), got.map((h) => h.index));
  }
  // Ties: lower index first.
  const t = KnnIndex.of([[1, 0], [0, 1], [1, 0], [1, 0]]);
  assert.deepEqual(t.search([1, 0], 2), [{ index: 0, score: 1 }, { index: 2, score: 1 }]);
  assert.deepEqual(t.search([1, 0], 2, new Set([0])).map((h) => h.index), [2, 3]);
  assert.deepEqual((new KnnIndex(2)).search([1, 0], 3), []);
});

test('an index told to prefilter from fewer rows searches through the int8 copy and still equals the plain scan', () => {
  const rnd = new Random(23);
  const plain = clustered(rnd, 700, 128);
  const early = new KnnIndex(128, 8, { prefilterFrom: 256 });
  for (let r = 0; r < plain.rows; r++) early.add(plain.row(r));
  assert.ok((early as unknown as { quantized?: unknown }).quantized, 'the int8 copy exists below PREFILTER_MIN_ROWS');
  assert.equal((plain as unknown as { quantized?: unknown }).quantized, undefined, 'the default index has none at 700 rows');
  for (let t = 0; t < 20; t++) {
    const q = plain.row(rnd.nextInt(plain.rows)).slice();
    assert.deepEqual(early.search(q, 10, (i) => i === 3), brute(plain, q, 10, (i) => i === 3));
  }
});

test('prefilterOnSearch: no int8 copy while rows are added; the first search makes it, later adds and sets keep it in step', () => {
  const rnd = new Random(31);
  const plain = clustered(rnd, 700, 64);
  const lazy = new KnnIndex(64, 8, { prefilterFrom: 256, prefilterOnSearch: true });
  const quantized = () => (lazy as unknown as { quantized?: unknown }).quantized;
  for (let r = 0; r < 600; r++) lazy.add(plain.row(r));
  assert.equal(quantized(), undefined, 'not made by add');
  const q = plain.row(5).slice();
  const reference = new KnnIndex(64, 8);
  for (let r = 0; r < 600; r++) reference.add(plain.row(r));
  assert.deepEqual(lazy.search(q, 10), brute(reference, q, 10));
  assert.ok(quantized(), 'made by the first search');
  for (let r = 600; r < 700; r++) lazy.add(plain.row(r));
  lazy.set(7, plain.row(650));
  const full = new KnnIndex(64, 8);
  for (let r = 0; r < 700; r++) full.add(r === 7 ? plain.row(650) : plain.row(r));
  for (let t = 0; t < 20; t++) {
    const query = plain.row(rnd.nextInt(plain.rows)).slice();
    assert.deepEqual(lazy.search(query, 10, (i) => i === 3), brute(full, query, 10, (i) => i === 3));
  }
  // Below prefilterFrom a search makes none.
  const small = new KnnIndex(64, 8, { prefilterFrom: 256, prefilterOnSearch: true });
  for (let r = 0; r < 100; r++) small.add(plain.row(r));
  small.search(q, 3);
  assert.equal((small as unknown as { quantized?: unknown }).quantized, undefined);
});

test('addWith fills the new row in place, before and after the int8 copy exists, like add', () => {
  const rnd = new Random(37);
  const plain = clustered(rnd, 400, 32);
  const viaAdd = new KnnIndex(32, 4, { prefilterFrom: 100 });
  const viaFill = new KnnIndex(32, 4, { prefilterFrom: 100 });
  for (let r = 0; r < plain.rows; r++) {
    assert.equal(viaAdd.add(plain.row(r)), r);
    assert.equal(viaFill.addWith((row) => {
      assert.equal(row.length, 32);
      row.set(plain.row(r));
    }), r);
  }
  assert.deepEqual(viaFill.data, viaAdd.data);
  for (let t = 0; t < 10; t++) {
    const q = plain.row(rnd.nextInt(plain.rows)).slice();
    assert.deepEqual(viaFill.search(q, 5), viaAdd.search(q, 5));
    assert.deepEqual(viaFill.search(q, 5), brute(plain, q, 5));
  }
});

test('reserve makes room at once, before and after the int8 copy exists, and keeps rows and results', () => {
  const rnd = new Random(4);
  const dim = 40;
  const m = new KnnIndex(dim, 4);
  const rows: Float32Array[] = [];
  const add = (n: number) => {
    for (let r = 0; r < n; r++) {
      const v = rnd.fillNormal(new Float32Array(dim));
      rows.push(v);
      m.add(v);
    }
  };
  add(100);
  m.reserve(PREFILTER_MIN_ROWS + 500); // before the copy: the copy is then made at that size
  add(PREFILTER_MIN_ROWS + 300);
  m.reserve(20_000); // after: the copy grows too
  m.reserve(10); // smaller: nothing to do
  add(1000);
  rows.forEach((v, r) => assert.deepEqual(m.row(r), v, `row ${r}`));
  const q = rnd.fillNormal(new Float32Array(dim));
  assert.deepEqual(m.search(q, 25), brute(m, q, 25));
});
