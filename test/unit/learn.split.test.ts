import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleNegatives, splitByGroup, TermGroups } from '../../src/core/learn/split';
import type { TextPair } from '../../src/core/learn/types';
import { termKey } from '../../src/core/dictionary';

// 40 groups of 3 terms (a star: head ~ two synonyms), plus label-0 pairs inside and across groups.
function toyPairs(): TextPair[] {
  const pairs: TextPair[] = [];
  for (let g = 0; g < 40; g++) {
    pairs.push({ a: `词${g}`, b: `词${g}甲`, label: 1 }, { a: `词${g}`, b: `词${g}乙`, label: 1 });
    pairs.push({ a: `词${g}`, b: `词${(g + 1) % 40}乙`, label: 0 });
    pairs.push({ a: `孤${g}`, b: `词${g}甲`, label: 0 }); // 孤g only ever appears in a negative
  }
  return pairs;
}

const sideTerms = (pairs: TextPair[]) => new Set(pairs.flatMap((p) => [termKey(p.a), termKey(p.b)]));

test('split by group: no term on both sides, every pair accounted for', () => {
  const pairs = toyPairs();
  const s = splitByGroup(pairs, { devFraction: 0.25, seed: 7 });
  const train = sideTerms(s.train);
  for (const t of sideTerms(s.dev)) assert.ok(!train.has(t), `${t} is on both sides`);
  assert.equal(s.train.length + s.dev.length + s.dropped.length, pairs.length);
  const devPos = s.dev.filter((p) => p.label === 1).length;
  assert.ok(devPos >= 20 && devPos <= 22, `dev has ${devPos} of 80 positives`);
  // Only cross-side negatives are dropped.
  assert.ok(s.dropped.every((p) => p.label === 0));
  // Negative-only terms follow their partner, so those negatives are never dropped.
  assert.ok(!s.dropped.some((p) => p.a.startsWith('孤')));
});

test('split is seed-stable and seed-dependent', () => {
  const pairs = toyPairs();
  assert.deepEqual(splitByGroup(pairs, { seed: 3 }), splitByGroup(pairs, { seed: 3 }));
  assert.notDeepEqual(splitByGroup(pairs, { seed: 3 }).dev, splitByGroup(pairs, { seed: 4 }).dev);
});

test('groups are connected components of positive pairs only, by termKey', () => {
  const g = TermGroups.ofPairs([
    { a: 'SUV', b: '越野车', label: 1 },
    { a: 'ｓｕｖ', b: '吉普', label: 1 },
    { a: '吉普', b: '轿车', label: 0 },
  ]);
  assert.equal(g.group('越野车'), g.group('吉普'));
  assert.notEqual(g.group('吉普'), g.group('轿车'));
});

test('negative sampling: count, hard share, no known pair, different groups, deterministic', () => {
  const positives = toyPairs().filter((p) => p.label === 1);
  const negs = sampleNegatives(positives, { count: 60, hardFraction: 0.5, seed: 1 });
  assert.equal(negs.length, 60);
  assert.deepEqual(negs, sampleNegatives(positives, { count: 60, hardFraction: 0.5, seed: 1 }));
  const groups = TermGroups.ofPairs(positives);
  const keys = new Set(positives.map((p) => [termKey(p.a), termKey(p.b)].sort().join('|')));
  const seen = new Set<string>();
  for (const n of negs) {
    assert.equal(n.label, 0);
    assert.notEqual(groups.group(n.a), groups.group(n.b));
    const k = [termKey(n.a), termKey(n.b)].sort().join('|');
    assert.ok(!keys.has(k) && !seen.has(k));
    seen.add(k);
  }
  // Every term here contains 词, so the 30 hard negatives share a character by construction;
  // check the rule on a set where random pairs would rarely share one.
  const mixed: TextPair[] = [];
  for (let g = 0; g < 30; g++) mixed.push({ a: String.fromCodePoint(0x4e00 + 2 * g), b: String.fromCodePoint(0x4e01 + 2 * g) + '车', label: 1 });
  const hard = sampleNegatives(mixed, { count: 10, hardFraction: 1, seed: 2 });
  for (const n of hard) assert.ok([...n.a].some((c) => n.b.includes(c)), `${n.a} / ${n.b} share no character`);
});
