/**
 * `PairIssueIndex` must report exactly `findPairIssues` of the current dictionary after any chain
 * of incremental re-parses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { parseDictionary, reparseDictionary } from '../../src/core/csv/parse';
import type { Dictionary, PairIssue } from '../../src/core/csv/types';
import { PairIssueIndex, findPairIssues } from '../../src/core/dictionary';

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

test('PairIssueIndex follows edits: duplicates, reversed, conflicts and self pairs', () => {
  const terms = ['a', 'A', 'b', 'ｂ', 'c', 'd'];
  const line = fc.tuple(fc.constantFrom(...terms), fc.constantFrom(...terms), fc.constantFrom('0', '1')).map((t) => t.join(','));
  const edit = fc.record({ row: fc.nat(40), remove: fc.nat(3), insert: fc.array(line, { maxLength: 3 }) });
  fc.assert(
    fc.property(fc.array(line, { minLength: 1, maxLength: 40 }), fc.array(edit, { maxLength: 12 }), (lines, edits) => {
      let text = ['term,synonym,label', ...lines].join('\n') + '\n';
      let dict: Dictionary = parseDictionary(text);
      let index = new PairIssueIndex(dict.pairs);
      same(index.issues(), findPairIssues(dict), 'initial');
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
      }
    }),
    { numRuns: 500 },
  );
});
