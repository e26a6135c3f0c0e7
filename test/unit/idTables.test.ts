/**
 * The id tables behind `PairIssueIndex` (src/core/idTables.ts) against a `Map` over long random
 * runs of insertions and deletions: few distinct values, so probe runs collide, wrap around the
 * table's end and are shifted back by deletions, and ids are freed and reused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { IdPairIds, StringIds } from '../../src/core/idTables';
import { Random } from '../../src/core/random';

test('StringIds: get, intern, delete and reserve agree with a Map; ids are dense and reused', () => {
  const rnd = new Random(15);
  const ids = new StringIds();
  const want = new Map<string, number>();
  const words = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? `词${i}` : i % 3 === 1 ? `w${i}` : `${i}`));
  for (let step = 0; step < 20_000; step++) {
    if (step === 5_000) ids.reserve(1_000); // a rehash with entries in
    const w = words[rnd.nextUint32() % words.length];
    if (rnd.nextUint32() % 3 === 0 && want.has(w)) {
      ids.delete(want.get(w)!);
      want.delete(w);
    } else {
      const id = ids.intern(w);
      if (want.has(w)) assert.equal(id, want.get(w), `${w} keeps its id`);
      else {
        assert.ok(![...want.values()].includes(id), `${w}: a free id`);
        want.set(w, id);
      }
    }
    assert.equal(ids.size, want.size);
    if (step % 97 === 0) {
      for (const x of words) assert.equal(ids.get(x), want.get(x) ?? -1, `step ${step}: ${x}`);
      for (const [x, id] of want) assert.equal(ids.strings[id], x);
      assert.ok(Math.max(-1, ...want.values()) < words.length, 'ids stay below the most ever held');
    }
  }
});

test('IdPairIds: an unordered pair has one id either way round; get, add, delete and reserve agree with a Map', () => {
  const rnd = new Random(16);
  const pairs = new IdPairIds();
  const want = new Map<string, number>();
  const key = (x: number, y: number) => (x < y ? `${x},${y}` : `${y},${x}`);
  for (let step = 0; step < 20_000; step++) {
    if (step === 5_000) pairs.reserve(2_000);
    const x = rnd.nextUint32() % 40;
    const y = rnd.nextUint32() % 40;
    const k = key(x, y);
    const got = pairs.get(x, y);
    assert.equal(got, want.get(k) ?? -1, `step ${step}: {${x}, ${y}}`);
    assert.equal(pairs.get(y, x), got);
    if (got >= 0 && rnd.nextUint32() % 2 === 0) {
      pairs.delete(got);
      want.delete(k);
    } else if (got < 0) {
      const id = pairs.add(y, x);
      assert.ok(![...want.values()].includes(id), 'a free id');
      want.set(k, id);
    }
    if (step % 101 === 0) for (let a = 0; a < 40; a++) for (let b = 0; b < 40; b++) assert.equal(pairs.get(a, b), want.get(key(a, b)) ?? -1);
  }
});
