import { test, describe } from 'node:test';
import assert from 'node:assert/strict';

import { parseDictionary } from '../../src/core/csv/parse';
import { findPairIssues, synonymGroups, termKey, uniqueTerms } from '../../src/core/dictionary';
import type { Pair, PairIssue } from '../../src/core/csv/types';

const show = (p: Pair) => `${p.a.text}~${p.b.text}@${p.row}`;
const summary = (issues: PairIssue[]) => issues.map((i) => [i.kind, show(i.pair), i.first && show(i.first)]);

describe('termKey', () => {
  test('NFKC folds full-width forms, then trim and lower case', () => {
    assert.equal(termKey('ＳＵＶ'), 'suv');
    assert.equal(termKey('  SUV\u3000'), 'suv');
    assert.equal(termKey('１２３'), '123');
    assert.equal(termKey('汽车'), '汽车');
  });
  test('inner white space and script variants stay distinct', () => {
    assert.notEqual(termKey('a b'), termKey('ab'));
    assert.notEqual(termKey('汽车'), termKey('汽車'));
  });
  test('the ASCII and CJK fast path gives what NFKC, trim and lower case give', () => {
    const reference = (s: string) => s.normalize('NFKC').trim().toLowerCase();
    // Every UTF-16 code unit alone, after and before plain text, inside edge spaces, and next to
    // a CJK ideograph: the fast path's range boundaries (U+007F/0080, U+4DFF/4E00, U+9FFF/A000)
    // and what lies beyond them (full-width forms, compatibility ideographs U+F900…, combining marks).
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      for (const s of [ch, `suv${ch}`, `${ch}suv`, ` ${ch}\t`, `汽${ch}车`, `A${ch}`]) {
        if (termKey(s) !== reference(s)) assert.fail(`U+${c.toString(16).padStart(4, '0')} in ${JSON.stringify(s)}: ${JSON.stringify(termKey(s))} ≠ ${JSON.stringify(reference(s))}`);
      }
    }
    for (const [s, key] of [
      ['suv', 'suv'],
      ['SUV Pro', 'suv pro'],
      ['\tsuv \r\n', 'suv'],
      ['\u001fsuv', '\u001fsuv'], // not white space to `trim`
      ['一龥\u9fff', '一龥\u9fff'],
      ['\uf900\ufa0b', '豈廓'], // compatibility ideographs fold to unified ones
      ['Ｐｒｏ', 'pro'],
      ['e\u0301', 'é'],
      ['2024款普拉多', '2024款普拉多'],
      ['', ''],
      ['   ', ''],
    ]) {
      assert.equal(termKey(s), key, JSON.stringify(s));
      assert.equal(termKey(s), reference(s), JSON.stringify(s));
    }
  });
});

describe('findPairIssues', () => {
  test('duplicate, reversed duplicate, self pair, conflicting label; first is the earliest', () => {
    const d = parseDictionary(
      [
        'term,synonym,label',
        '汽车,轿车,1', // row 0
        '汽车, 轿车 ,1', // row 1: duplicate of row 0 (trim)
        '轿车,汽车,1', // row 2: reversed duplicate of row 0
        'SUV,ＳＵＶ,1', // row 3: self pair (NFKC + case)
        '汽车,轿车,0', // row 4: conflicting label with row 0
        '单车,自行车,0', // row 5
        '自行车,单车,1', // row 6: conflicting (reversed) with row 5
        '单车,自行车,0', // row 7: duplicate of row 5
      ].join('\n'),
    );
    assert.deepEqual(summary(findPairIssues(d)), [
      ['duplicate', '汽车~轿车@1', '汽车~轿车@0'],
      ['reversed-duplicate', '轿车~汽车@2', '汽车~轿车@0'],
      ['self-pair', 'SUV~ＳＵＶ@3', undefined],
      ['conflicting-label', '汽车~轿车@4', '汽车~轿车@0'],
      ['conflicting-label', '自行车~单车@6', '单车~自行车@5'],
      ['duplicate', '单车~自行车@7', '单车~自行车@5'],
    ]);
  });

  test('messages name the lines', () => {
    const d = parseDictionary('a,b\nb,a\n');
    const [issue] = findPairIssues(d);
    assert.equal(issue.message, 'Line 2: "b" ~ "a" repeats line 1 in reverse order.');
  });

  test('duplicates inside one row count too; distinct pairs are fine', () => {
    assert.deepEqual(summary(findPairIssues(parseDictionary('a,b,B,c\n'))), [['duplicate', 'a~B@0', 'a~b@0']]);
    assert.deepEqual(findPairIssues(parseDictionary('a,b\na,c\nb,c\n')), []);
  });
});

describe('synonymGroups', () => {
  test('connected components over label-1 pairs, by termKey, in order of first appearance', () => {
    const d = parseDictionary(
      [
        '手机,移动电话,1',
        '电脑,计算机,1',
        '移动电话,Cell Phone,1',
        '电脑,笔记本,0', // label 0 joins nothing
        'cell phone,手提电话,1',
        'x,x,1', // self pair: a singleton, excluded
        'SUV,越野车,1',
        '计算机,ＳＵＶ,1', // merges the later SUV group into the 电脑 group
      ].join('\n'),
    );
    assert.deepEqual(synonymGroups(d.pairs), [
      ['手机', '移动电话', 'Cell Phone', '手提电话'],
      ['电脑', '计算机', 'SUV', '越野车'],
    ]);
  });

  test('empty input gives no groups', () => {
    assert.deepEqual(synonymGroups([]), []);
  });
});

describe('uniqueTerms', () => {
  test('every distinct term, first spelling, in order, whatever the label', () => {
    const d = parseDictionary('term,synonym,label\n汽车,轿车,1\nＳＵＶ,汽车,0\n suv ,越野车,1\n,孤儿,1\n');
    assert.deepEqual(uniqueTerms(d), ['汽车', '轿车', 'ＳＵＶ', '越野车', '孤儿']);
  });
});
