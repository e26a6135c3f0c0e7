/**
 * `reparseDictionary` must give exactly what `parseDictionary` gives for the new text, whatever
 * the edit: these tests compare the two field by field (ranges included) on generated texts and
 * edits, and check that the change it reports names the rows and pairs that really changed.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { parseDictionary, reparseDictionary, reparseIncrementally, type DictionaryUpdate, type SourceEdit } from '../../src/core/csv/parse';
import type { Dictionary } from '../../src/core/csv/types';
import { plain } from '../helpers/plainDictionary';

/**
 * Re-parses `before` → `after` and checks the result and the reported change. With `edit` (the
 * splice that made `after`), also through the windowed re-parse (`SourceEdit`), with windows so
 * short that they run out before the scan is back in step as well as long ones.
 */
function check(before: string, after: string, edit?: { from: number; to: number; insert: string }): void {
  checkWith(before, after, (prev) => reparseDictionary(prev, after));
  if (!edit) return;
  const sourceEdit: SourceEdit = { start: edit.from, end: edit.to, removed: before.slice(edit.from, edit.to), inserted: edit.insert, read: (from, to) => after.slice(Math.max(0, from), to) };
  for (const window of [0, 3, 40, 16_384]) checkWith(before, after, (prev) => reparseIncrementally(prev, after, sourceEdit, window) ?? { dict: parseDictionary(after) });
}

function checkWith(before: string, after: string, reparse: (prev: Dictionary) => DictionaryUpdate): void {
  const prev = parseDictionary(before);
  const prevRows = new Set(prev.rows);
  const prevPairs = new Set(prev.pairs);
  const { dict, change } = reparse(prev);
  assert.deepEqual(plain(dict), plain(parseDictionary(after)), `${JSON.stringify(before)} → ${JSON.stringify(after)}`);
  if (!change) return;
  // Every row is either carried over from the previous version or reported as added; every
  // previous row that is gone is reported as removed. The same for pairs.
  const added = new Set(change.addedRows);
  for (const r of dict.rows) assert.ok(prevRows.has(r) !== added.has(r), 'row reused xor added');
  const kept = new Set(dict.rows);
  for (const r of prevRows) assert.equal(!kept.has(r), change.removedRows.includes(r), 'row removed iff gone');
  const addedPairs = new Set(change.addedPairs);
  for (const p of dict.pairs) assert.ok(prevPairs.has(p) !== addedPairs.has(p), 'pair reused xor added');
  const keptPairs = new Set(dict.pairs);
  for (const p of prevPairs) assert.equal(!keptPairs.has(p), change.removedPairs.includes(p), 'pair removed iff gone');
  assert.deepEqual(change.addedRows, dict.rows.filter((r) => added.has(r)), 'added rows in document order');
}

/** `text` with [from, to) replaced by `insert` (offsets clamped). */
function splice(text: string, from: number, to: number, insert: string): string {
  const a = Math.min(from, to, text.length);
  const b = Math.min(Math.max(from, to), text.length);
  return text.slice(0, a) + insert + text.slice(b);
}

/** `check` of the splice, the edit given too. */
function checkSplice(text: string, from: number, to: number, insert: string): void {
  const a = Math.min(from, to, text.length);
  const b = Math.min(Math.max(from, to), text.length);
  check(text, splice(text, from, to, insert), { from: a, to: b, insert });
}

describe('reparseDictionary', () => {
  const file = ['term,synonym,label', 'a,b,1', 'c,d,0', 'e,"f\ng",1', 'h,i,x', '', 'j,"k""l",1', 'm,n,1,extra', 'o,,1'].join('\n') + '\n';

  test('one-cell edits, row insertions and deletions, line breaks added and removed', () => {
    const at = (s: string) => file.indexOf(s);
    check(file, file.replace('c,d,0', 'c,dd,0'));
    check(file, file.replace('c,d,0', 'c,,0'));
    check(file, file.replace('a,b,1\n', 'a,b,1\nx,y,1\n'));
    check(file, file.replace('c,d,0\n', ''));
    check(file, file.replace('h,i,x', 'h,i,1'));
    check(file, file.replace('h,i,x\n', 'h,i,x\n\n\n'));
    check(file, splice(file, at('e,'), at('e,'), 'z,w,1\r\n'));
    check(file, file.replace('"f\ng"', '"f g"'));
    check(file, file.replace('"f\ng"', '"f\ng'), );
    check(file, file + 'p,q,1');
    check(file, file.slice(0, -1));
    check(file, file.replace('term', 'word'));
    check(file, file.replace('term,synonym,label\n', ''));
    check(file, '');
    check('', file);
  });

  test('CR followed by an inserted LF becomes one CRLF terminator', () => {
    const crFile = 'term,synonym\ra,b\rc,d\r';
    check(crFile, crFile.replace('a,b\r', 'a,b\r\n'));
    check(crFile, crFile.replace('a,b\rc', 'a,b\r\nc'));
    check('term,synonym\r\na,b\r\rc,d\r\n', 'term,synonym\r\na,b\r\r\nc,d\r\n');
  });

  test('header-less label format flips with one row', () => {
    const t = 'a,b,1\nc,d,0\ne,f,1\n';
    check(t, t.replace('c,d,0', 'c,d,x'));
    check(t.replace('c,d,0', 'c,d,x'), t);
    check(t, t.replace('e,f,1\n', 'e,f\n'));
  });

  test('the previous dictionary is consumed: reparsing it again parses afresh', () => {
    const prev = parseDictionary(file);
    reparseDictionary(prev, file.replace('c,d', 'c,D'));
    const again = reparseDictionary(prev, file.replace('c,d', 'c,E'));
    assert.equal(again.change, undefined);
    assert.deepEqual(plain(again.dict), plain(parseDictionary(file.replace('c,d', 'c,E'))));
  });

  test('an unchanged text keeps the dictionary', () => {
    const prev = parseDictionary(file);
    const same = reparseDictionary(prev, file);
    assert.equal(same.dict, prev);
    assert.deepEqual(same.change?.addedRows, []);
  });

  test('chains of edits stay equal to a full parse', () => {
    const rows = Array.from({ length: 300 }, (_, i) => `t${i},s${i},${i % 3 === 0 ? 0 : 1}`);
    let text = 'term,synonym,label\n' + rows.join('\n') + '\n';
    let dict = parseDictionary(text);
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    for (let i = 0; i < 200; i++) {
      const at = rnd(text.length);
      const insert = ['x', ',', '\n', '"', '""', 'q,r,1\n', '', ',,', '\r\n', 'z'][rnd(10)];
      const next = splice(text, at, at + rnd(4), insert);
      dict = reparseDictionary(dict, next).dict;
      text = next;
      assert.deepEqual(plain(dict), plain(parseDictionary(text)), `step ${i}`);
    }
  });

  test('long texts: edits at and around the 1,024-character comparison chunks', () => {
    const rows = Array.from({ length: 700 }, (_, i) => `词${i},同${i % 50},${i % 2}`);
    const text = 'term,synonym,label\n' + rows.join('\n') + '\n';
    for (const base of [1024, 2048, 4096, text.length - 1024, text.length - 2048]) {
      for (const d of [-2, -1, 0, 1, 2]) {
        const at = base + d;
        checkSplice(text, at, at + 1, 'Z');
        checkSplice(text, at, at, ',x\n');
        checkSplice(text, at, at + 3, '');
      }
    }
    // The same character changed at both ends (common prefix and suffix meet in the middle).
    check(text, 'x' + text.slice(1, -1) + 'y');
  });

  const piece = fc.constantFrom('a', 'b', ' ', ',', '"', '""', '\n', '\r\n', '\r', '车', '😀', '\t', '\0', '0', '1', 'term,synonym,label\n', 'x,y,1\n');
  const text = fc.array(piece, { maxLength: 30 }).map((p) => p.join(''));

  test('generated texts and edits: equal to a full parse, change reported exactly', () => {
    fc.assert(
      fc.property(text, fc.nat(), fc.nat(6), fc.array(piece, { maxLength: 4 }), fc.boolean(), (t, at, len, ins, bom) => {
        const before = (bom ? '\uFEFF' : '') + 'term,synonym,label\n' + t;
        const from = before.length === 0 ? 0 : at % (before.length + 1);
        checkSplice(before, from, from + len, ins.join(''));
      }),
      { numRuns: 3000 },
    );
  });

  // Balanced quotes only, so that most edits take the incremental path (an unclosed quote anywhere
  // makes reparseDictionary parse afresh).
  const balanced = fc.constantFrom('a', 'b', ' ', ',', '\n', '\r\n', '\r', '"q\nq"', '"a""b"', '"x,y"', '0', '1', 'x,y,1\n', '车', '\0');
  const balancedText = fc.array(balanced, { minLength: 20, maxLength: 60 }).map((p) => p.join(''));

  test('generated texts with balanced quotes and edits', () => {
    let incremental = 0;
    fc.assert(
      fc.property(balancedText, fc.noBias(fc.nat(1 << 20)), fc.nat(8), fc.array(balanced, { maxLength: 4 }), fc.boolean(), (t, at, len, ins, header) => {
        const before = (header ? 'term,synonym,label\n' : 'a,b,1\n') + t;
        const from = at % (before.length + 1);
        const after = splice(before, from, from + len, ins.join(''));
        checkSplice(before, from, from + len, ins.join(''));
        if (reparseDictionary(parseDictionary(before), after).change) incremental++;
      }),
      { numRuns: 3000 },
    );
    assert.ok(incremental > 1800, `${incremental} of 3000 edits re-parsed incrementally`);
  });

  test('generated header-less texts and edits', () => {
    fc.assert(
      fc.property(text, fc.nat(), fc.nat(6), fc.array(piece, { maxLength: 4 }), (t, at, len, ins) => {
        const from = t.length === 0 ? 0 : at % (t.length + 1);
        checkSplice(t, from, from + len, ins.join(''));
      }),
      { numRuns: 3000 },
    );
  });
});
