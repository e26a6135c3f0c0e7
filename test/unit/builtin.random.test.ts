import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../src/core/random';
import { BUILTIN_MODEL_CONFIG } from '../../src/core/builtin/featurizer';
import { generateEmbeddingTable } from '../../src/core/builtin/model';

// Goldens: the shipped weights are drawn from this generator, so these must never change silently.
test('splitmix32 produces the golden sequence for seed 42', () => {
  const r = new Random(42);
  assert.deepEqual([r.nextUint32(), r.nextUint32(), r.nextUint32(), r.nextUint32()], [551831576, 144025891, 322543647, 3034809370]);
});

test('Box–Muller normals are golden and deterministic', () => {
  const r = new Random(42);
  const got = [r.nextNormal(), r.nextNormal(), r.nextNormal(), r.nextFloat()];
  const want = [1.981011097270911, 0.4236834917927592, -0.6128928564475398, 0.21141720796003938];
  got.forEach((x, i) => assert.ok(Math.abs(x - want[i]!) < 1e-12, `value ${i}: ${x} vs ${want[i]}`));
});

test('the built-in table starts with the golden values and has N(0, 1/dim) statistics', () => {
  const table = generateEmbeddingTable(BUILTIN_MODEL_CONFIG);
  assert.equal(table.length, BUILTIN_MODEL_CONFIG.buckets * BUILTIN_MODEL_CONFIG.dimension);
  const want = [-0.023768365383148193, 0.11560136079788208, 0.10256645083427429];
  want.forEach((x, i) => assert.equal(table[i], x));
  let sum = 0;
  let sq = 0;
  for (const x of table) {
    sum += x;
    sq += x * x;
  }
  const mean = sum / table.length;
  const variance = sq / table.length - mean * mean;
  assert.ok(Math.abs(mean) < 1e-3, `mean ${mean}`);
  assert.ok(Math.abs(variance * BUILTIN_MODEL_CONFIG.dimension - 1) < 0.01, `variance × dim ${variance * BUILTIN_MODEL_CONFIG.dimension}`);
});

test('uniforms stay in range and shuffle is a seeded permutation', () => {
  const r = new Random(1);
  for (let i = 0; i < 10000; i++) {
    const u = r.nextFloat();
    assert.ok(u >= 0 && u < 1);
    const k = r.nextInt(7);
    assert.ok(Number.isInteger(k) && k >= 0 && k < 7);
  }
  const a = new Random(5).shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const b = new Random(5).shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(a, b);
  assert.deepEqual([...a].sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});
