/**
 * `PairTable` (the CLI's `check` keeps pairs in it) holds exactly the pairs' texts, labels, rows and
 * cell starts, and `pairTableIssues` finds exactly `findPairIssues`' issues — on hand-picked cases
 * (case and width variants, reversed pairs, conflicting labels, one-way rows) and generated
 * dictionaries; `parseDictionaryPairs`' `onPair` hands over the pairs it would return, in order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { parseDictionary, parseDictionaryPairs } from '../../src/core/csv/parse';
import type { Pair } from '../../src/core/csv/types';
import { findPairIssues } from '../../src/core/dictionary';
import { PairTable, pairTableIssues } from '../../src/core/pairTable';

function same(text: string, what: string): void {
  const { pairs } = parseDictionary(text);
  const seen: Pair[] = [];
  const table = new PairTable();
  const parsed = parseDictionaryPairs(text, (pair) => {
    seen.push(pair);
    table.add(pair);
  });
  assert.equal(parsed.pairs.length, 0, `${what}: pairs handed over are not kept`);
  assert.deepEqual(parsed.problems, parseDictionary(text).problems, `${what}: problems`);
  assert.deepEqual(
    seen.map((p) => [p.row, p.a.text, p.b.text]),
    pairs.map((p) => [p.row, p.a.text, p.b.text]),
    `${what}: onPair's pairs`,
  );
  assert.equal(table.length, pairs.length, what);
  assert.equal(table.terms.length, new Set(pairs.flatMap((p) => [p.a.text, p.b.text])).size, `${what}: distinct terms`);
  pairs.forEach((p, i) => {
    const got = {
      a: table.terms[table.a[i]!],
      b: table.terms[table.b[i]!],
      label: table.label[i],
      oneWay: table.oneWay[i] === 1,
      row: table.row[i],
      aStart: { line: table.aLine[i], character: table.aChar[i] },
      bStart: { line: table.bLine[i], character: table.bChar[i] },
    };
    const want = { a: p.a.text, b: p.b.text, label: p.label, oneWay: p.oneWay === true, row: p.row, aStart: p.a.range.start, bStart: p.b.range.start };
    assert.deepEqual(got, want, `${what}: pair ${i}`);
  });
  const index = new Map(pairs.map((p, i) => [p, i]));
  assert.deepEqual(
    pairTableIssues(table),
    findPairIssues({ pairs }).map((x) => ({ kind: x.kind, pair: index.get(x.pair), first: x.first ? index.get(x.first) : -1, message: x.message })),
    `${what}: issues`,
  );
}

const cases: Record<string, string> = {
  'duplicates, reversed, conflicting and self pairs': 'term,synonym,label\ncar,auto,1\nauto,car,1\ncar,auto,0\nCar,AUTO,1\nＣＡＲ,car,1\n car ,auto,1\nx,x,0\n',
  'one-way rows and several synonyms': 'term,synonym,synonym,label\na,b,c,=>\na,b,,1\nb,a,c,0\n',
  'no pairs': 'term,synonym\n',
  'the same spelling under another key first': 'a,B\nb,A\nA,b\nB,a\n',
};
for (const [name, text] of Object.entries(cases)) test(`pair table and its issues: ${name}`, () => same(text, name));

test('pair table and its issues on generated dictionaries', () => {
  const term = fc.constantFrom('car', 'Car', 'CAR', 'ＣＡＲ', 'auto', 'Auto', '车', '汽车', ' car', 'é', 'É', 'e\u0301', 'x y', '');
  const label = fc.constantFrom('1', '0', '=>', 'x');
  const row = fc.tuple(term, term, label).map(([a, b, l]) => `${a},${b},${l}`);
  fc.assert(
    fc.property(fc.array(row, { maxLength: 40 }), (rows) => same(`term,synonym,label\n${rows.join('\n')}\n`, rows.join(' | '))),
    { numRuns: 300 },
  );
});
