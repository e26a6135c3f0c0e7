/**
 * `PairIssueIndex` must report exactly `findPairIssues` of the current dictionary after any chain
 * of incremental re-parses, and its pair graph (pairs of two terms, a term's partners and synonym
 * group) what a pass over the current pairs gives — terms vanish and come back, so ids are reused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { parseDictionary, reparseDictionary } from '../../src/core/csv/parse';
import type { Dictionary, PairIssue } from '../../src/core/csv/types';
import { PairIssueIndex, findPairIssues, synonymGroups, termKey } from '../../src/core/dictionary';

function same(got: PairIssue[], want: PairIssue[], what: string): void {
  assert.equal(got.length, want.length, `${what}: count`);
  got.forEach((g, i) => {
    const w = want[i];
    assert.equal(g.kind, w.kind, `${what}: kind ${i}`);
    assert.equal(g.pair, w.pair, `${what}: pair ${i}`);
    assert.equal(g.first, w.first, `${what}: first ${i}`);
    assert.equal('first' in g, 'first' in w);
    assert.equal(g.message, w.message, `${what}: message ${i}`);
  });
}

/** The index's pair graph against a pass over `dict`'s pairs, for every two of `terms`. */
function sameGraph(index: PairIssueIndex, dict: Dictionary, terms: string[], what: string): void {
  const groups = synonymGroups(dict.pairs);
  for (const t of terms) {
    const k = termKey(t);
    assert.deepEqual(index.groupOf(k), groups.find((g) => g.some((m) => termKey(m) === k)), `${what}: group of ${t}`);
    const partners = new Map<string, 0 | 1>();
    for (const u of terms) {
      const l = termKey(u);
      const want = dict.pairs.filter((p) => {
        const [a, b] = [termKey(p.a.text), termKey(p.b.text)];
        return (a === k && b === l) || (a === l && b === k);
      });
      assert.deepEqual(index.pairsOf(k, l), want, `${what}: pairs of ${t}, ${u}`);
      if (want.length > 0) partners.set(l, want.some((p) => p.label === 1) ? 1 : 0);
    }
    assert.deepEqual(index.partnersOf(k), partners, `${what}: partners of ${t}`);
  }
}

test('PairIssueIndex follows edits: duplicates, reversed, conflicts and self pairs; pairs, partners and groups', () => {
  const terms = ['a', 'A', 'b', 'ｂ', 'c', 'd'];
  const line = fc.tuple(fc.constantFrom(...terms), fc.constantFrom(...terms), fc.constantFrom('0', '1')).map((t) => t.join(','));
  const edit = fc.record({ row: fc.nat(40), remove: fc.nat(3), insert: fc.array(line, { maxLength: 3 }) });
  fc.assert(
    fc.property(fc.array(line, { minLength: 1, maxLength: 40 }), fc.array(edit, { maxLength: 12 }), (lines, edits) => {
      let text = ['term,synonym,label', ...lines].join('\n') + '\n';
      let dict: Dictionary = parseDictionary(text);
      let index = new PairIssueIndex(dict.pairs);
      same(index.issues(), findPairIssues(dict), 'initial');
      sameGraph(index, dict, terms, 'initial');
      for (const e of edits) {
        const all = text.split('\n');
        const at = 1 + (e.row % Math.max(1, all.length - 1));
        all.splice(at, e.remove, ...e.insert);
        text = all.join('\n');
        const update = reparseDictionary(dict, text);
        dict = update.dict;
        if (update.change) index.update(update.change.removedPairs, update.change.addedPairs);
        else index = new PairIssueIndex(dict.pairs);
        same(index.issues(), findPairIssues(dict), JSON.stringify(text));
        sameGraph(index, dict, terms, JSON.stringify(text));
      }
    }),
    { numRuns: 500 },
  );
});
