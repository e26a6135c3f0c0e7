/// <reference path="../../src/core/csv/papaparse.d.ts" />
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import fc from 'fast-check';

import { parseDictionary } from '../../src/core/csv/parse';
import { replaceRowEdit, applyEdits } from '../../src/core/csv/serialize';
import type { Dictionary, Problem, ProblemCode, Range } from '../../src/core/csv/types';
import { LineIndex } from '../../src/core/text';

const root = path.resolve(import.meta.dirname, '../..');
const spectrumDir = path.join(root, 'node_modules/csv-spectrum');
const fixturesDir = path.join(root, 'test/fixtures/csv');

const values = (d: Dictionary) => d.rows.map((r) => r.cells.map((c) => c.raw));
const r = (sl: number, sc: number, el: number, ec: number): Range => ({
  start: { line: sl, character: sc },
  end: { line: el, character: ec },
});
const codes = (d: Dictionary) => d.problems.map((p) => p.code);
const only = (d: Dictionary, code: ProblemCode): Problem[] => d.problems.filter((p) => p.code === code);

/**
 * Invariants every parse must satisfy, whatever the input: positions agree with offsets (via an
 * independent LineIndex), cells tile their record separated by single commas, rows are ordered and
 * separated only by line breaks and blank lines, and each row re-reads identically when replaced
 * by its own values.
 */
function checkInvariants(d: Dictionary): void {
  const lines = new LineIndex(d.text);
  const at = (o: number) => lines.positionAt(o);
  let prevEnd = d.header ? d.header.cells[d.header.cells.length - 1].end : 0;
  for (const row of d.rows) {
    assert.deepEqual(row.range, { start: at(row.start), end: at(row.end) }, `row ${row.index} range`);
    assert.ok(row.start >= prevEnd, 'rows ordered');
    assert.ok(/^[\s]*$/.test(d.text.slice(prevEnd, row.start)), 'only blank text between rows');
    assert.ok(row.endWithEol >= row.end && /^(\r\n|\n|\r)?$/.test(d.text.slice(row.end, row.endWithEol)));
    assert.equal(row.cells[0].start, row.start);
    assert.equal(row.cells[row.cells.length - 1].end, row.end);
    row.cells.forEach((c, i) => {
      assert.equal(c.column, i);
      assert.deepEqual(c.range, { start: at(c.start), end: at(c.end) }, `cell ${row.index}:${i} range`);
      assert.equal(c.text, c.raw.trim());
      if (i > 0) assert.equal(d.text.slice(row.cells[i - 1].end, c.start), ',');
    });
    prevEnd = row.endWithEol;
  }
  for (const p of d.problems) {
    const s = lines.offsetAt(p.range.start);
    const e = lines.offsetAt(p.range.end);
    assert.ok(s <= e && e <= d.text.length, `problem range ${JSON.stringify(p.range)}`);
    assert.deepEqual(at(s), p.range.start, 'problem start is a real position');
    assert.ok(p.message.length > 0);
  }
  for (const row of d.rows) {
    const same = row.cells.map((c) => c.raw);
    assert.equal(applyEdits(d.text, [replaceRowEdit(d, row.index, same)]), d.text);
  }
}

describe('LineIndex', () => {
  test('LF, CRLF and lone CR are line breaks; offsets round-trip', () => {
    const text = 'ab\ncd\r\nef\rg😀h';
    const li = new LineIndex(text);
    assert.equal(li.lineCount, 4);
    assert.deepEqual(li.positionAt(0), { line: 0, character: 0 });
    assert.deepEqual(li.positionAt(3), { line: 1, character: 0 });
    assert.deepEqual(li.positionAt(7), { line: 2, character: 0 });
    assert.deepEqual(li.positionAt(10), { line: 3, character: 0 });
    assert.deepEqual(li.positionAt(text.length), { line: 3, character: 4 });
    for (let o = 0; o <= text.length; o++) {
      const p = li.positionAt(o);
      if (!(text[o - 1] === '\r' && text[o] === '\n')) assert.equal(li.offsetAt(p), o, `offset ${o}`);
    }
  });

  test('clamps like VS Code: past the line end stays before the break; out-of-range lines', () => {
    const li = new LineIndex('ab\r\ncd');
    assert.equal(li.offsetAt({ line: 0, character: 99 }), 2);
    assert.equal(li.offsetAt({ line: 9, character: 0 }), 6);
    assert.equal(li.offsetAt({ line: -1, character: 5 }), 0);
    assert.deepEqual(li.positionAt(-5), { line: 0, character: 0 });
    assert.deepEqual(li.positionAt(99), { line: 1, character: 2 });
    assert.equal(new LineIndex('x\n').lineCount, 2);
    assert.equal(new LineIndex('').lineCount, 1);
  });
});

describe('header detection', () => {
  for (const [src, lang] of [
    ['term,synonym\na,b\n', 'en'],
    [' Term , SYNONYM \na,b\n', 'en'],
    ['text1,text2\na,b\n', 'en'],
    ['standard,synonym,synonym\na,b,c\n', 'en'],
    ['word,synonym\na,b\n', 'en'],
    ['标准词,近似词\n汽车,轿车\n', 'zh'],
    ['标准词,同义词,标签\n汽车,轿车,1\n', 'zh'],
    ['\n\n  \nterm,synonym\na,b\n', 'en'],
  ] as const) {
    test(`${JSON.stringify(src.split('\n').find((l) => l.trim()))} is a ${lang} header`, () => {
      const d = parseDictionary(src);
      assert.equal(d.header?.language, lang);
      assert.equal(d.rows.length, 1);
      assert.equal(d.rows[0].index, 0);
      assert.equal(d.header?.line, src.split('\n').findIndex((l) => l.trim()));
      checkInvariants(d);
    });
  }

  test('label column from the header; synonym columns before it, extra after it', () => {
    const d = parseDictionary('term,synonym,synonym,Label,note\na,b,c,0,x\n');
    assert.deepEqual(d.header?.roles, ['term', 'synonym', 'synonym', 'label', 'extra']);
    assert.equal(d.labelColumn, 3);
    const row = d.rows[0];
    assert.equal(row.label, 0);
    assert.equal(row.labelCell?.raw, '0');
    assert.deepEqual(row.synonyms.map((c) => c.text), ['b', 'c']);
    assert.deepEqual(d.pairs.map((p) => [p.a.text, p.b.text, p.label]), [['a', 'b', 0], ['a', 'c', 0]]);
    assert.deepEqual(d.problems, []);
  });

  test('标签 marks the label column in a Chinese header', () => {
    const d = parseDictionary('标准词,近似词,标签\n汽车,轿车,1\n汽车,自行车,0\n');
    assert.deepEqual(d.header?.roles, ['term', 'synonym', 'label']);
    assert.deepEqual(d.pairs.map((p) => p.label), [1, 0]);
  });

  test('no header: column 0 term, the rest synonyms, label 1', () => {
    const d = parseDictionary('汽车,轿车,小汽车\n手机,移动电话\n');
    assert.equal(d.header, undefined);
    assert.equal(d.labelColumn, undefined);
    assert.deepEqual(d.pairs.map((p) => [p.a.text, p.b.text, p.label, p.row]), [
      ['汽车', '轿车', 1, 0],
      ['汽车', '小汽车', 1, 0],
      ['手机', '移动电话', 1, 1],
    ]);
    assert.deepEqual(d.rows.map((r) => r.label), [1, 1]);
  });

  test('no header, every record 3 cells with a 0/1 third: the third is the label', () => {
    const d = parseDictionary('手机,移动电话,1\n手机,座机,0\n电脑,计算机, 1.0 \n');
    assert.equal(d.labelColumn, 2);
    assert.deepEqual(d.rows.map((r) => r.label), [1, 0, 1]);
    assert.deepEqual(d.pairs.map((p) => [p.b.text, p.label]), [['移动电话', 1], ['座机', 0], ['计算机', 1]]);
    assert.deepEqual(d.problems, []);
  });

  test('no header: the label rule needs every record to qualify', () => {
    const notLabel = parseDictionary('a,b,1\nc,d,e\n');
    assert.equal(notLabel.labelColumn, undefined);
    assert.equal(notLabel.pairs.length, 4);
    const fourCells = parseDictionary('a,b,1\nc,d,0,e\n');
    assert.equal(fourCells.labelColumn, undefined);
    assert.equal(fourCells.pairs.length, 5);
  });

  test('a first record that is not a header is data', () => {
    const d = parseDictionary('term,meaning\na,b\n');
    assert.equal(d.header, undefined);
    assert.equal(d.rows.length, 2);
    assert.equal(parseDictionary('').rows.length, 0);
    assert.equal(parseDictionary('\n \n').rows.length, 0);
  });
});

describe('ranges', () => {
  test('UTF-16 characters: CJK is 1, emoji is 2', () => {
    const d = parseDictionary('😀车,汽车\n');
    const [a, b] = d.rows[0].cells;
    assert.deepEqual(a.range, r(0, 0, 0, 3));
    assert.deepEqual(b.range, r(0, 4, 0, 6));
    assert.equal(b.start, 4);
    assert.equal(d.rows[0].endWithEol, 7);
    checkInvariants(d);
  });

  test('a BOM is stripped and ranges refer to the text after it', () => {
    const d = parseDictionary('\uFEFFterm,synonym\n车,汽车\n');
    assert.equal(d.bom, true);
    assert.equal(d.text, 'term,synonym\n车,汽车\n');
    assert.equal(d.header?.language, 'en');
    assert.deepEqual(d.header?.cells[0].range, r(0, 0, 0, 4));
    assert.deepEqual(d.rows[0].cells[1].range, r(1, 2, 1, 4));
    assert.equal(parseDictionary('a,b').bom, false);
  });

  test('CRLF: ranges exclude the terminator, endWithEol includes it', () => {
    const d = parseDictionary('a,b\r\nc,d\r\n');
    assert.equal(d.eol, '\r\n');
    assert.deepEqual(d.rows[0].range, r(0, 0, 0, 3));
    assert.equal(d.rows[0].end, 3);
    assert.equal(d.rows[0].endWithEol, 5);
    assert.deepEqual(d.rows[1].cells[1].range, r(1, 2, 1, 3));
    checkInvariants(d);
  });

  test('eol is the dominant terminator; LF when there is none', () => {
    assert.equal(parseDictionary('a,b\r\nc,d\r\ne,f\n').eol, '\r\n');
    assert.equal(parseDictionary('a,b\r\nc,d\ne,f\n').eol, '\n');
    assert.equal(parseDictionary('a,b').eol, '\n');
  });

  test('a quoted field spanning lines has a multi-line range and keeps its line breaks', () => {
    const d = parseDictionary('a,"x\r\n""y""\nz",b\nc,d\n');
    const cell = d.rows[0].cells[1];
    assert.equal(cell.raw, 'x\r\n"y"\nz');
    assert.equal(cell.quoted, true);
    assert.deepEqual(cell.range, r(0, 2, 2, 2));
    assert.deepEqual(d.rows[0].cells[2].range, r(2, 3, 2, 4));
    assert.deepEqual(d.rows[1].range, r(3, 0, 3, 3));
    checkInvariants(d);
  });

  test('blank and whitespace-only lines are skipped, not rows', () => {
    const d = parseDictionary('a,b\n\n   \n\t\r\nc,d\n\n');
    assert.deepEqual(values(d), [['a', 'b'], ['c', 'd']]);
    assert.deepEqual(d.rows[1].range, r(4, 0, 4, 3));
    assert.deepEqual(d.problems, []);
    checkInvariants(d);
  });

  test('cells are untrimmed in raw, trimmed in text; quoted empty is a cell', () => {
    const d = parseDictionary(' a ,"b ",""\n');
    assert.deepEqual(d.rows[0].cells.map((c) => [c.raw, c.text, c.quoted]), [
      [' a ', 'a', false],
      ['b ', 'b', true],
      ['', '', true],
    ]);
  });
});

describe('problems', () => {
  test('unterminated quote: range to end of input, the rest still parsed line by line', () => {
    const d = parseDictionary('a,b\nc,"d,e\nf,g\nh,i');
    const [p] = only(d, 'unterminated-quote');
    assert.deepEqual(p.range, r(1, 2, 3, 3));
    assert.equal(p.severity, 'error');
    assert.equal(p.row, 1);
    assert.match(p.message, /Line 2, column 2/);
    assert.deepEqual(values(d), [['a', 'b'], ['c', 'd,e'], ['f', 'g'], ['h', 'i']]);
    assert.deepEqual(codes(d), ['unterminated-quote']);
    checkInvariants(d);
  });

  test('stray quote inside an unquoted field: range at the quote', () => {
    const d = parseDictionary('a,b"c\n');
    const [p] = only(d, 'stray-quote');
    assert.deepEqual(p.range, r(0, 3, 0, 4));
    assert.equal(d.rows[0].cells[1].raw, 'b"c');
    assert.match(p.message, /Line 1, column 2/);
    checkInvariants(d);
  });

  test('text after a closing quote: range from the quote to the end of the field', () => {
    const d = parseDictionary('x,y\n"a"bc,d\n');
    const [p] = only(d, 'stray-quote');
    assert.deepEqual(p.range, r(1, 2, 1, 5));
    assert.equal(p.row, 1);
    assert.deepEqual(values(d)[1], ['abc', 'd']);
    checkInvariants(d);
  });

  test('a space before the opening quote makes it a stray quote', () => {
    const d = parseDictionary('a, "b"\n');
    assert.deepEqual(codes(d), ['stray-quote']);
    assert.deepEqual(only(d, 'stray-quote')[0].range, r(0, 3, 0, 4));
  });

  test('column-count: more cells than a header with a label column', () => {
    const d = parseDictionary('term,synonym,label\na,b,1\nc,d,1,e,f\n');
    const [p] = only(d, 'column-count');
    assert.equal(p.message, 'Line 3 has 5 columns; the header has 3. Cells beyond the header are ambiguous when there is a label column.');
    assert.deepEqual(p.range, r(2, 6, 2, 9));
    assert.equal(p.row, 1);
    assert.deepEqual(d.rows[1].synonyms.map((c) => c.text), ['d']);
  });

  test('column-count: a missing label cell; no pairs from that row', () => {
    const d = parseDictionary('term,synonym,label\na,b\n');
    assert.deepEqual(codes(d), ['column-count']);
    assert.deepEqual(only(d, 'column-count')[0].range, r(1, 0, 1, 3));
    assert.equal(d.rows[0].label, undefined);
    assert.equal(d.pairs.length, 0);
  });

  test('extra cells are synonyms when the header has no label column', () => {
    const d = parseDictionary('term,synonym\na,b,c\n');
    assert.deepEqual(d.problems, []);
    assert.deepEqual(d.rows[0].synonyms.map((c) => c.text), ['b', 'c']);
  });

  test('missing-synonym: a single cell, or no non-empty synonym', () => {
    const d = parseDictionary('a,b\nsolo\nc,,\n');
    const ps = only(d, 'missing-synonym');
    assert.deepEqual(ps.map((p) => [p.row, p.range]), [[1, r(1, 0, 1, 4)], [2, r(2, 0, 2, 3)]]);
    assert.ok(ps.every((p) => p.severity === 'error'));
    assert.deepEqual(codes(d), ['missing-synonym', 'missing-synonym']);
  });

  test('empty-cell warnings: empty term, empty cell between synonyms (not trailing ones)', () => {
    const d = parseDictionary(' ,b\nc,,d,,\n');
    const ps = only(d, 'empty-cell');
    assert.deepEqual(ps.map((p) => [p.row, p.range, p.severity]), [
      [0, r(0, 0, 0, 1), 'warning'],
      [1, r(1, 2, 1, 2), 'warning'],
    ]);
    assert.deepEqual(codes(d), ['empty-cell', 'empty-cell']);
    assert.equal(d.rows[0].term, undefined);
    assert.deepEqual(d.pairs.map((p) => p.b.text), ['d']);
  });

  test('invalid-label: range at the label cell; the row yields no pairs', () => {
    const d = parseDictionary('term,synonym,label\na,b,yes\nc,d,\ne,f,0.0\n');
    const ps = only(d, 'invalid-label');
    assert.deepEqual(ps.map((p) => [p.row, p.range]), [[0, r(1, 4, 1, 7)], [1, r(2, 4, 2, 4)]]);
    assert.match(ps[0].message, /Line 2, column 3: the label is "yes"/);
    assert.match(ps[1].message, /label is empty/);
    assert.deepEqual(d.rows.map((r) => r.label), [undefined, undefined, 0]);
    assert.deepEqual(d.pairs.map((p) => p.row), [2]);
  });

  test('nul-byte: range at each NUL, with its row', () => {
    const d = parseDictionary('a,b\nc,d\0\0e\n\0');
    const ps = only(d, 'nul-byte');
    assert.deepEqual(ps.map((p) => [p.range, p.row]), [
      [r(1, 3, 1, 4), 1],
      [r(1, 4, 1, 5), 1],
      [r(2, 0, 2, 1), 2],
    ]);
    checkInvariants(d);
  });

  test('problems are sorted by position and the parser never throws on junk', () => {
    const d = parseDictionary('"\n,"\r"\0",\n"""\r\n,,,"');
    for (let i = 1; i < d.problems.length; i++) {
      const a = d.problems[i - 1].range.start;
      const b = d.problems[i].range.start;
      assert.ok(a.line < b.line || (a.line === b.line && a.character <= b.character));
    }
    checkInvariants(d);
  });
});

describe('fixtures', () => {
  test('zh header with label column', () => {
    const d = parseDictionary(readFileSync(path.join(fixturesDir, 'zh-header.synonyms.csv'), 'utf8'));
    assert.equal(d.header?.language, 'zh');
    assert.equal(d.labelColumn, 2);
    assert.deepEqual(d.rows[1].synonyms.map((c) => c.raw), ['小汽车, 私家车']);
    assert.deepEqual(d.problems, []);
    checkInvariants(d);
  });

  test('en header, BOM, CRLF, blank line, quoted line break, emoji', () => {
    const d = parseDictionary(readFileSync(path.join(fixturesDir, 'en-bom-crlf.synonyms.csv'), 'utf8'));
    assert.equal(d.bom, true);
    assert.equal(d.eol, '\r\n');
    assert.deepEqual(values(d), [
      ['car', 'automobile', 'motorcar'],
      ['bike', 'bicycle ', 'cycle'],
      ['phone', 'cell\r\nphone', 'mobile'],
      ['😀 smile', 'say "cheese"', 'grin'],
    ]);
    assert.deepEqual(d.rows[2].cells[1].range, r(4, 6, 5, 6));
    assert.deepEqual(d.rows[3].cells[1].range, r(6, 9, 6, 25));
    assert.deepEqual(d.problems, []);
    checkInvariants(d);
  });

  test('header-less training format', () => {
    const d = parseDictionary(readFileSync(path.join(fixturesDir, 'training.csv'), 'utf8'));
    assert.equal(d.labelColumn, 2);
    assert.deepEqual(d.pairs.map((p) => p.label), [1, 0, 1, 1]);
  });

  test('malformed file reports each problem once, in order', () => {
    const d = parseDictionary(readFileSync(path.join(fixturesDir, 'malformed.csv'), 'utf8'));
    assert.deepEqual(
      d.problems.map((p) => [p.code, p.range.start.line]),
      [
        ['invalid-label', 3],
        ['stray-quote', 5],
        ['stray-quote', 6],
        ['column-count', 7],
        ['missing-synonym', 8],
        ['empty-cell', 9],
      ],
    );
    checkInvariants(d);
  });
});

describe('csv-spectrum', () => {
  const files = readdirSync(path.join(spectrumDir, 'csvs')).filter((f) => f.endsWith('.csv'));
  test('all files are present', () => assert.ok(files.length >= 12));

  for (const file of files) {
    test(file, () => {
      const text = readFileSync(path.join(spectrumDir, 'csvs', file), 'utf8');
      const json = JSON.parse(readFileSync(path.join(spectrumDir, 'json', file.replace(/\.csv$/, '.json')), 'utf8'));
      const d = parseDictionary(text);
      checkInvariants(d);
      if (file === 'location_coordinates.csv') {
        // Its unquoted `"` (inches) are stray quotes, and its JSON is a single object whose
        // values do not even match the CSV (another phone number): compare the header only.
        assert.deepEqual(d.rows[0].cells.map((c) => c.raw), Object.keys(json));
        assert.ok(d.problems.length > 0 && d.problems.every((p) => p.code === 'stray-quote'));
        return;
      }
      const objects = json as Record<string, string>[];
      const expected = [Object.keys(objects[0]), ...objects.map((o) => Object.values(o))];
      assert.deepEqual(values(d), expected);
      // The files are valid CSV; their only problems are semantic (a synonym dictionary needs
      // a synonym): `1,"",""` in empty*.csv.
      const semantic = file.startsWith('empty') ? [['missing-synonym', 1]] : [];
      assert.deepEqual(d.problems.map((p) => [p.code, p.row]), semantic);
      // papaparse as an independent oracle.
      const papa = Papa.parse(text, { delimiter: ',', newline: text.includes('\r\n') ? '\r\n' : '\n', skipEmptyLines: true });
      assert.deepEqual(values(d), papa.data);
    });
  }
});

describe('generated input', () => {
  const piece = fc.constantFrom('a', 'b', ' ', ',', '"', '""', '\n', '\r\n', '\r', '车', '😀', '\t', '\0');
  test('arbitrary text: never throws, invariants hold, values agree with papaparse on LF text', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        const d = parseDictionary(text);
        checkInvariants(d);
        const syntax = d.problems.some((p) => p.code === 'stray-quote' || p.code === 'unterminated-quote');
        if (!syntax && !text.includes('\r')) {
          const papa = Papa.parse(text, { delimiter: ',', newline: '\n' });
          const expected = papa.data.filter((row) => !(row.length === 1 && row[0].trim() === ''));
          // A record of one quoted empty field is a row for us but `[""]` for papaparse too.
          assert.deepEqual(
            values(d).filter((row) => !(row.length === 1 && row[0].trim() === '')),
            expected,
          );
        }
      }),
      { numRuns: 2000 },
    );
  });
});

test('200,000 rows parse (linear scanner sanity check)', (t) => {
  const lines: string[] = ['term,synonym,label'];
  for (let i = 0; i < 200_000; i++) lines.push(`词${i},"同义 ${i}, 别名",${i % 2}`);
  const text = lines.join('\r\n');
  const t0 = performance.now();
  const d = parseDictionary(text);
  const ms = performance.now() - t0;
  assert.equal(d.rows.length, 200_000);
  assert.equal(d.pairs.length, 200_000);
  assert.deepEqual(d.problems, []);
  assert.deepEqual(d.rows[199_999].cells[1].range.start, { line: 200_000, character: 8 });
  t.diagnostic(`parsed 200k rows in ${ms.toFixed(0)} ms`);
});
