import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';

import { parseDictionary } from '../../src/core/csv/parse';
import {
  applyEdits,
  deleteRowEdit,
  formatField,
  formatRecord,
  insertRowEdit,
  replaceRowEdit,
  serializeDictionary,
  type TextEdit,
} from '../../src/core/csv/serialize';
import type { Dictionary } from '../../src/core/csv/types';

const root = path.resolve(import.meta.dirname, '../..');
const values = (d: Dictionary) => d.rows.map((r) => r.cells.map((c) => c.raw));
const apply = (d: Dictionary, e: TextEdit) => applyEdits(d.text, [e]);

/** Every csv-spectrum file and every fixture, as text (BOM kept: the parser strips it). */
const corpus: [string, string][] = [
  ...readdirSync(path.join(root, 'node_modules/csv-spectrum/csvs')).map(
    (f) => [`csv-spectrum/${f}`, readFileSync(path.join(root, 'node_modules/csv-spectrum/csvs', f), 'utf8')] as [string, string],
  ),
  ...readdirSync(path.join(root, 'test/fixtures/csv')).map(
    (f) => [`fixtures/${f}`, readFileSync(path.join(root, 'test/fixtures/csv', f), 'utf8')] as [string, string],
  ),
];

/** Asserts `after` differs from `before` only inside [start, end) of `before`. */
function assertOnlyChanged(before: string, after: string, start: number, end: number): void {
  assert.equal(after.slice(0, start), before.slice(0, start), 'prefix unchanged');
  assert.equal(after.slice(after.length - (before.length - end)), before.slice(end), 'suffix unchanged');
}

describe('formatField / formatRecord', () => {
  test('quotes only when needed and doubles quotes', () => {
    assert.equal(formatField('汽车'), '汽车');
    assert.equal(formatField('a b'), 'a b');
    assert.equal(formatField(''), '');
    assert.equal(formatField('a,b'), '"a,b"');
    assert.equal(formatField('say "hi"'), '"say ""hi"""');
    assert.equal(formatField('a\nb'), '"a\nb"');
    assert.equal(formatField('a\rb'), '"a\rb"');
    assert.equal(formatField(' a'), '" a"');
    assert.equal(formatField('a\t'), '"a\t"');
    assert.equal(formatField('\u3000车'), '"\u3000车"');
  });

  test('records join fields; a lone empty value is "" so it is not a blank line', () => {
    assert.equal(formatRecord(['a', 'b,c', '']), 'a,"b,c",');
    assert.equal(formatRecord(['']), '""');
    assert.equal(formatRecord(['', '']), ',');
  });

  test('serializeDictionary writes header and rows, each terminated', () => {
    assert.equal(serializeDictionary(['term', 'synonym'], [['a', 'b'], ['c', 'd,e']]), 'term,synonym\na,b\nc,"d,e"\n');
    assert.equal(serializeDictionary(undefined, [['a', 'b']], '\r\n'), 'a,b\r\n');
    assert.equal(serializeDictionary(undefined, []), '');
  });
});

describe('row edits', () => {
  const text = 'term,synonym\n"a",b\nc,"d ""x"""\r\ne,f';
  const d = parseDictionary(text);

  test('replace keeps the quoting of unchanged cells and touches only the record', () => {
    const e = replaceRowEdit(d, 1, ['c', 'd "x"', 'g h']);
    assert.deepEqual(e, { start: 19, end: 30, newText: 'c,"d ""x""",g h' });
    const after = apply(d, e);
    assert.equal(after, 'term,synonym\n"a",b\nc,"d ""x""",g h\r\ne,f');
    assert.equal(apply(d, replaceRowEdit(d, 0, ['a', 'B'])), 'term,synonym\n"a",B\nc,"d ""x"""\r\ne,f');
  });

  test('replace rewrites malformed unchanged cells when the row changes, keeps them when it does not', () => {
    const bad = parseDictionary('x,y"z\n');
    assert.equal(apply(bad, replaceRowEdit(bad, 0, ['x', 'y"z'])), 'x,y"z\n');
    assert.equal(apply(bad, replaceRowEdit(bad, 0, ['X', 'y"z'])), 'X,"y""z"\n');
    const open = parseDictionary('a,"b\nc,d\n');
    assert.equal(apply(open, replaceRowEdit(open, 0, ['a', 'b', 'q'])), 'a,b,q\nc,d\n');
  });

  test('insert after a row, at the top, at the end; EOL before when the file lacks a final one', () => {
    assert.equal(apply(d, insertRowEdit(d, ['n', 'm'], 0)), 'term,synonym\n"a",b\nn,m\nc,"d ""x"""\r\ne,f');
    assert.equal(apply(d, insertRowEdit(d, ['n', 'm'], -1)), 'term,synonym\nn,m\n"a",b\nc,"d ""x"""\r\ne,f');
    assert.equal(apply(d, insertRowEdit(d, ['n', 'm'])), 'term,synonym\n"a",b\nc,"d ""x"""\r\ne,f\nn,m');
    assert.equal(apply(d, insertRowEdit(d, ['n', 'm'], 2)), 'term,synonym\n"a",b\nc,"d ""x"""\r\ne,f\nn,m');
    const crlf = parseDictionary('a,b\r\nc,d\r\n\r\n');
    assert.equal(apply(crlf, insertRowEdit(crlf, ['x', 'y'])), 'a,b\r\nc,d\r\nx,y\r\n\r\n');
    const empty = parseDictionary('');
    assert.equal(apply(empty, insertRowEdit(empty, ['x', 'y'])), 'x,y\n');
    const headerOnly = parseDictionary('term,synonym');
    assert.equal(apply(headerOnly, insertRowEdit(headerOnly, ['x', 'y'])), 'term,synonym\nx,y');
    assert.equal(apply(headerOnly, insertRowEdit(headerOnly, ['x', 'y'], -1)), 'term,synonym\nx,y');
  });

  test('delete removes the record and its terminator; a last record takes the break before it', () => {
    assert.equal(apply(d, deleteRowEdit(d, 0)), 'term,synonym\nc,"d ""x"""\r\ne,f');
    assert.equal(apply(d, deleteRowEdit(d, 1)), 'term,synonym\n"a",b\ne,f');
    assert.equal(apply(d, deleteRowEdit(d, 2)), 'term,synonym\n"a",b\nc,"d ""x"""');
    const one = parseDictionary('a,b');
    assert.equal(apply(one, deleteRowEdit(one, 0)), '');
  });

  test('bad row indices and overlapping edits throw RangeError', () => {
    assert.throws(() => replaceRowEdit(d, 3, ['x']), RangeError);
    assert.throws(() => deleteRowEdit(d, -1), RangeError);
    assert.throws(() => insertRowEdit(d, ['x'], 7), RangeError);
    assert.throws(() => applyEdits('abc', [{ start: 0, end: 2, newText: '' }, { start: 1, end: 3, newText: '' }]), RangeError);
  });

  test('applyEdits applies non-overlapping edits against the original offsets', () => {
    const out = applyEdits('abcdef', [
      { start: 4, end: 6, newText: 'XY' },
      { start: 0, end: 1, newText: '' },
      { start: 2, end: 2, newText: '1' },
      { start: 2, end: 2, newText: '2' },
    ]);
    assert.equal(out, 'b12cdXY');
  });
});

describe('byte-exact round trip on csv-spectrum and fixtures', () => {
  for (const [name, source] of corpus) {
    test(name, () => {
      const d = parseDictionary(source);
      const text = d.text;
      for (const row of d.rows) {
        const own = row.cells.map((c) => c.raw);
        assert.equal(apply(d, replaceRowEdit(d, row.index, own)), text, `row ${row.index} with its own values`);

        const fresh = own.map((v, i) => (i === 0 ? `new "${v}", 新` : `${v}\n😀`));
        const after = apply(d, replaceRowEdit(d, row.index, fresh));
        assertOnlyChanged(text, after, row.start, row.end);
        const re = parseDictionary(after);
        const expected = values(d);
        expected[row.index] = fresh;
        assert.deepEqual(values(re), expected, `row ${row.index} replaced`);
      }
    });
  }
});

describe('properties', () => {
  const chunk = fc.constantFrom('a', 'b', 'Z', ' ', ',', '"', '\n', '\r\n', '\r', '\t', '车', '汽车', '😀', 'é', '\u3000');
  const value = fc.array(chunk, { maxLength: 6 }).map((xs) => xs.join(''));
  const row = fc.array(value, { minLength: 1, maxLength: 5 });
  const table = fc.array(row, { minLength: 1, maxLength: 8 });
  const eol = fc.constantFrom<'\n' | '\r\n'>('\n', '\r\n');
  const header = fc.option(fc.constantFrom(['term', 'synonym'], ['标准词', '近似词', '标签']), { nil: undefined });

  test('serializeDictionary → parseDictionary gives back the values', () => {
    fc.assert(
      fc.property(header, table, eol, (h, rows, e) => {
        const text = serializeDictionary(h, rows, e);
        const d = parseDictionary(text);
        assert.deepEqual(values(d), rows);
        assert.deepEqual(d.header?.cells.map((c) => c.raw), h);
        assert.equal(d.eol, e);
        assert.ok(!d.problems.some((p) => p.code === 'stray-quote' || p.code === 'unterminated-quote'));
      }),
      { numRuns: 1000 },
    );
  });

  test('replacing one row changes only that record and reads back', () => {
    fc.assert(
      fc.property(table, eol, fc.nat(), row, (rows, e, k, fresh) => {
        const d = parseDictionary(serializeDictionary(undefined, rows, e));
        const i = k % rows.length;
        const edit = replaceRowEdit(d, i, fresh);
        const after = apply(d, edit);
        assertOnlyChanged(d.text, after, d.rows[i].start, d.rows[i].end);
        const expected = rows.slice();
        expected[i] = fresh;
        assert.deepEqual(values(parseDictionary(after)), expected);
      }),
      { numRuns: 1000 },
    );
  });

  test('insert and delete change only their place and read back', () => {
    fc.assert(
      fc.property(table, eol, fc.nat(), row, fc.boolean(), (rows, e, k, fresh, finalEol) => {
        let text = serializeDictionary(undefined, rows, e);
        if (!finalEol) text = text.slice(0, -e.length);
        const d = parseDictionary(text);
        const i = k % rows.length;

        const ins = insertRowEdit(d, fresh, i);
        const inserted = apply(d, ins);
        assertOnlyChanged(text, inserted, ins.start, ins.end);
        assert.deepEqual(values(parseDictionary(inserted)), [...rows.slice(0, i + 1), fresh, ...rows.slice(i + 1)]);
        assert.equal(/\r?\n$/.test(inserted), finalEol, 'final EOL style kept on insert');

        const del = deleteRowEdit(d, i);
        const deleted = apply(d, del);
        assertOnlyChanged(text, deleted, del.start, del.end);
        assert.deepEqual(values(parseDictionary(deleted)), [...rows.slice(0, i), ...rows.slice(i + 1)]);
        if (deleted !== '') assert.equal(/\r?\n$/.test(deleted), finalEol, 'final EOL style kept on delete');
      }),
      { numRuns: 1000 },
    );
  });
});
