/**
 * `parseDictionaryPairs` (the CLI's `check` reads CSVs with it) must give exactly
 * `parseDictionary`'s pairs and problems: same fields, messages, ranges and order — on the CSV
 * fixtures, the csv-spectrum cases, hand-picked edge cases and generated texts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';

import { parseDictionary, parseDictionaryPairs } from '../../src/core/csv/parse';
import type { Cell, Pair, Problem } from '../../src/core/csv/types';

const root = path.resolve(__dirname, '../..');

/** Pairs and problems as plain data (ranges read through the getters). */
function plain(d: { pairs: Pair[]; problems: Problem[] }): unknown {
  const cell = (c: Cell) => ({ raw: c.raw, text: c.text, quoted: c.quoted, column: c.column, range: c.range, start: c.start, end: c.end });
  return {
    pairs: d.pairs.map((p) => ({ a: cell(p.a), b: cell(p.b), label: p.label, row: p.row, oneWay: p.oneWay, keys: Object.keys(p).sort() })),
    problems: d.problems,
  };
}

function same(text: string, what: string): void {
  assert.deepEqual(plain(parseDictionaryPairs(text)), plain(parseDictionary(text)), what);
}

test('pairs-only parse equals the whole parse on the CSV fixtures and csv-spectrum', () => {
  const dirs = [path.join(root, 'test/fixtures/csv'), path.join(root, 'node_modules/csv-spectrum/csvs')];
  let files = 0;
  for (const dir of dirs) {
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.csv'))) {
      same(readFileSync(path.join(dir, f), 'utf8'), f);
      files++;
    }
  }
  assert.ok(files > 10, `${files} files`);
});

const cases: Record<string, string> = {
  'a header with a label column and problems': 'term,synonym,label\na,b,1\nc,,0\n,d,1\ne,f,x\ng,h\ni,j,1,extra\nk,l,=>\n',
  'header-less, all label-shaped': 'a,b,1\nc,d,0\ne,f,=>\n',
  'header-less, shaped then not': 'a,b,1\nc,d,0\ne,f\ng,h,1\n',
  'header-less, not shaped first': 'a,b,c\nd,e,1\n',
  'a header with scan problems': 'term,syn"onym\na,"b\n',
  'blank lines only': '\n  \n\r\n',
  'empty': '',
  'a Chinese header, blank lines and a NUL': '标准词,近似词,标签\n\n汽车,轿车,1\n  \n手机,电\0话,0\n',
  'stray and unclosed quotes': 'term,synonym\na,b"c\n"d"e,f\ng,"h\ni,j\n',
};

for (const [name, text] of Object.entries(cases)) {
  test(`pairs-only parse equals the whole parse: ${name}`, () => same(text, name));
}

test('pairs-only parse equals the whole parse on generated texts', () => {
  const piece = fc.constantFrom('a', ' ', ',', '"', '""', '"q\nq"', '"x\r\ny"', '\n', '\r\n', '\r', '车', '😀', '\0', '0', '1', '=>', 'term,synonym,label\n', 'x,y,1\r\n', 'x,y\n');
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 40 }), fc.boolean(), (pieces, bom) => same((bom ? '\ufeff' : '') + pieces.join(''), 'generated')),
    { numRuns: 1000 },
  );
});
