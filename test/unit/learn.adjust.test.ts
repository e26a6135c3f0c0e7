import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adjustVectors, ADJUST_METHODS } from '../../src/core/learn/adjust';
import type { TextPair } from '../../src/core/learn/types';
import { Random } from '../../src/core/random';

const dotv = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
const unit = (v: Float32Array) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

function toy(dim = 16, n = 12) {
  const rng = new Random(5);
  const terms = Array.from({ length: n }, (_, i) => `t${i}`);
  const vectors = terms.map(() => unit(rng.fillNormal(new Float32Array(dim))));
  const pairs: TextPair[] = [
    { a: 't0', b: 't1', label: 1 },
    { a: 't1', b: 't2', label: 1 },
    { a: 't3', b: 't4', label: 1 },
    { a: 't5', b: 't6', label: 0 },
    { a: 't0', b: 't7', label: 0 },
  ];
  return { terms, vectors, pairs };
}

test('seed: one pair, 5 rounds of factor 0.01 shrink the difference by 0.98^5 (float32 loop)', () => {
  const out = adjustVectors(['a', 'b'], [Float32Array.of(1, 0), Float32Array.of(0, 1)], [{ a: 'a', b: 'b', label: 1 }], { method: 'seed' });
  const shrink = 0.98 ** 5;
  const expected = unit(Float32Array.of(0.5 + 0.5 * shrink, 0.5 - 0.5 * shrink));
  const a = out.get('a')!;
  assert.ok(Math.abs(a[0]! - expected[0]!) < 1e-6 && Math.abs(a[1]! - expected[1]!) < 1e-6, `${a}`);
});

test('seed: in-place sequential order over pairs, as the Python loop', () => {
  const { terms, vectors, pairs } = toy();
  const out = adjustVectors(terms, vectors, pairs, { method: 'seed' });
  // Reference: the loop written out with float32 rounding at every numpy operation.
  const v = vectors.map((x) => Float32Array.from(x));
  const f = Math.fround(0.01);
  for (let r = 0; r < 5; r++)
    for (const p of pairs.filter((q) => q.label === 1)) {
      const a = v[Number(p.a.slice(1))]!;
      const b = v[Number(p.b.slice(1))]!;
      for (let d = 0; d < a.length; d++) {
        const step = Math.fround(f * Math.fround(b[d]! - a[d]!));
        a[d] = Math.fround(a[d]! + step);
        b[d] = Math.fround(b[d]! - step);
      }
    }
  for (const i of [0, 1, 2, 3, 4]) {
    const e = unit(v[i]!);
    out.get(`t${i}`)!.forEach((x, d) => assert.ok(Math.abs(x - e[d]!) < 1e-7));
  }
});

for (const method of ADJUST_METHODS) {
  test(`${method}: synonyms move closer, untouched terms are unchanged, deterministic, unit norm`, () => {
    const { terms, vectors, pairs } = toy();
    const before = vectors.map((v) => Float32Array.from(v));
    const out = adjustVectors(terms, vectors, pairs, { method });
    assert.deepEqual(vectors, before, 'inputs are not modified');
    for (const [a, b] of [[0, 1], [1, 2], [3, 4]] as const)
      assert.ok(dotv(out.get(`t${a}`)!, out.get(`t${b}`)!) > dotv(vectors[a]!, vectors[b]!), `t${a}~t${b} not pulled`);
    for (const i of [8, 9, 10, 11]) assert.deepEqual(out.get(`t${i}`), vectors[i], `t${i} moved`);
    for (const v of out.values()) assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-5);
    assert.deepEqual(out, adjustVectors(terms, vectors, pairs, { method }));
  });
}

test('retrofit: one pair converges to the fixed point x = (2a + b)/3 (α = 1, β = 1)', () => {
  const { terms, vectors, pairs } = toy();
  const out = adjustVectors(terms, vectors, pairs, { method: 'retrofit', retrofit: { iterations: 20 } });
  const a = vectors[3]!;
  const b = vectors[4]!;
  const x = unit(a.map((v, d) => (2 * v + b[d]!) / 3));
  out.get('t3')!.forEach((v, d) => assert.ok(Math.abs(v - x[d]!) < 1e-6));
  // The first iteration already moves t3 halfway (Gauss–Seidel, as retrofit.py).
  const one = adjustVectors(terms, vectors, pairs, { method: 'retrofit', retrofit: { iterations: 1 } });
  const half = unit(a.map((v, d) => (v + b[d]!) / 2));
  one.get('t3')!.forEach((v, d) => assert.ok(Math.abs(v - half[d]!) < 1e-6));
});

test('counterfit: label-0 pairs are pushed apart below the margin', () => {
  const v = [Float32Array.of(1, 0, 0), unit(Float32Array.of(0.8, 0.6, 0)), Float32Array.of(0, 0, 1)];
  const out = adjustVectors(['x', 'y', 'z'], v, [{ a: 'x', b: 'y', label: 0 }], { method: 'counterfit' });
  assert.ok(dotv(out.get('x')!, out.get('y')!) < 0.8 - 0.3);
  assert.deepEqual(out.get('z'), v[2]);
});
