import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import {
  appendDecisions,
  DecisionIndex,
  DecisionsError,
  decisionsPathFor,
  decisionTimestamp,
  isDecisionDate,
  pairKey,
  parseDecisions,
  serializeDecisions,
  type Decision,
} from '../../src/core/decisions';

const root = path.resolve(import.meta.dirname, '../..');
const reject = (term: string, synonym: string, decidedAt = '2026-12-05T18:40:00Z'): Decision => ({ term, synonym, label: 0, decidedAt });

/** Runs `f` and returns the DecisionsError it throws. */
function refusal(f: () => unknown): DecisionsError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof DecisionsError, `expected a DecisionsError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a DecisionsError, nothing was thrown');
}

describe('decisionsPathFor', () => {
  test('replaces the last extension of the file name', () => {
    assert.equal(decisionsPathFor('/w/cars.synonyms.csv'), '/w/cars.synonyms.decisions.csv');
    assert.equal(decisionsPathFor('/w/synonyms.txt'), '/w/synonyms.decisions.csv');
    assert.equal(decisionsPathFor('C:\\w\\set.synonyms.json'), 'C:\\w\\set.synonyms.decisions.csv');
  });

  test('a dot in a folder or at the start of the name is not an extension', () => {
    assert.equal(decisionsPathFor('/w/v1.2/synonyms'), '/w/v1.2/synonyms.decisions.csv');
    assert.equal(decisionsPathFor('/w/.synonyms'), '/w/.synonyms.decisions.csv');
  });
});

describe('parseDecisions', () => {
  test('reads the documented example', () => {
    const doc = readFileSync(path.join(root, 'docs/decisions.md'), 'utf8');
    const example = /```csv\n([\s\S]*?)```/.exec(doc)![1]!;
    const ds = parseDecisions(example);
    assert.ok(ds.length >= 2);
    for (const d of ds) assert.ok(d.label === 0 || d.label === 1);
    assert.deepEqual(parseDecisions(serializeDecisions(ds)), ds);
  });

  test('an empty file, a BOM or blank lines are no decisions', () => {
    assert.deepEqual(parseDecisions(''), []);
    assert.deepEqual(parseDecisions('\uFEFF'), []);
    assert.deepEqual(parseDecisions('\n\r\n'), []);
  });

  test('quoted cells, CRLF, BOM, trimmed terms, dates with and without time', () => {
    const ds = parseDecisions('\uFEFFterm,synonym,label,decided_at\r\n"a,b", 车 ,0,2026-12-05\r\n\r\nx,"say ""y""",1,2026-12-05T10:00:00.5+08:00\r\n');
    assert.deepEqual(ds, [
      { term: 'a,b', synonym: '车', label: 0, decidedAt: '2026-12-05' },
      { term: 'x', synonym: 'say "y"', label: 1, decidedAt: '2026-12-05T10:00:00.5+08:00' },
    ]);
  });

  test('refuses a missing or different header, naming what it found', () => {
    let e = refusal(() => parseDecisions('a,b,0,2026-12-05\n'));
    assert.equal(e.messageId, 'decisionsHeader');
    assert.equal(e.line, 1);
    assert.match(e.message, /"a,b,0,2026-12-05"/);
    e = refusal(() => parseDecisions('term,synonym,label\na,b,0\n'));
    assert.equal(e.messageId, 'decisionsHeader');
  });

  test('refuses bad rows with their line number', () => {
    const h = 'term,synonym,label,decided_at\n';
    const cases: [string, string, number][] = [
      [`${h}a,b,0\n`, 'decisionsColumns', 2],
      [`${h}a,b,0,2026-12-05,extra\n`, 'decisionsColumns', 2],
      [`${h}a,b,0,2026-12-05\n,b,0,2026-12-05\n`, 'decisionsEmptyTerm', 3],
      [`${h}a, ,0,2026-12-05\n`, 'decisionsEmptyTerm', 2],
      [`${h}SUV,ｓｕｖ,0,2026-12-05\n`, 'decisionsSamePair', 2],
      [`${h}a,b,2,2026-12-05\n`, 'decisionsLabel', 2],
      [`${h}a,b,=>,2026-12-05\n`, 'decisionsLabel', 2],
      [`${h}a,b,0,yesterday\n`, 'decisionsDate', 2],
      [`${h}a,b,0,2026-13-05\n`, 'decisionsDate', 2],
      [`${h}a,b,0,2026-12-05T10:00:00\n`, 'decisionsDate', 2],
      [`${h}a,"b,0,2026-12-05\n`, 'decisionsSyntax', 2],
    ];
    for (const [text, id, line] of cases) {
      const e = refusal(() => parseDecisions(text));
      assert.equal(e.messageId, id, text);
      assert.equal(e.line, line, text);
      assert.match(e.message, new RegExp(`^Line ${line} of the decisions file`), text);
    }
    assert.match(refusal(() => parseDecisions(`${h}a,b,7,2026-12-05\n`)).message, /the label is "7"; expected 0/);
  });
});

describe('serializeDecisions / appendDecisions', () => {
  test('serialises with a header, quoting only what needs it', () => {
    assert.equal(
      serializeDecisions([reject('a,b', '车'), { term: 'x', synonym: 'y', label: 1, decidedAt: '2026-12-05' }]),
      'term,synonym,label,decided_at\n"a,b",车,0,2026-12-05T18:40:00Z\nx,y,1,2026-12-05\n',
    );
  });

  test('a new file gets the header; an existing file is kept byte for byte as a prefix', () => {
    const first = appendDecisions(undefined, [reject('苹果', '苹果手机')]);
    assert.equal(first, 'term,synonym,label,decided_at\n苹果,苹果手机,0,2026-12-05T18:40:00Z\n');
    const existing = '\uFEFFterm,synonym,label,decided_at\r\n# kept,"as ""is""",1,2026-01-01'; // no final line break
    const next = appendDecisions(existing, [reject('a', 'b')]);
    assert.equal(next, `${existing}\r\na,b,0,2026-12-05T18:40:00Z\r\n`);
    assert.equal(parseDecisions(next).length, 2);
  });

  test('refuses to append to a file that does not read, or a bad decision', () => {
    const broken = 'term,synonym,label,decided_at\na,"b,0,2026-12-05\n';
    assert.equal(refusal(() => appendDecisions(broken, [reject('c', 'd')])).messageId, 'decisionsSyntax');
    assert.equal(refusal(() => appendDecisions(undefined, [reject('c', 'C')])).messageId, 'decisionsSamePair');
    assert.equal(refusal(() => appendDecisions(undefined, [reject('c', 'd', 'now')])).messageId, 'decisionsDate');
    assert.equal(refusal(() => appendDecisions(undefined, [{ ...reject('c', 'd'), label: 2 as 0 }])).messageId, 'decisionsLabel');
  });
});

describe('DecisionIndex', () => {
  test('a pair is one pair in either order and under termKey; the later decision wins', () => {
    const idx = new DecisionIndex([reject('SUV', '越野车'), { term: '越野车', synonym: 'ｓｕｖ ', label: 1, decidedAt: '2026-12-06' }, reject('a', 'b')]);
    assert.equal(idx.size, 2);
    assert.equal(idx.get('suv', '越野车')?.label, 1);
    assert.ok(idx.has('b', 'A'));
    assert.ok(!idx.has('a', 'c'));
    assert.deepEqual(
      idx.rejected().map((d) => [d.term, d.synonym]),
      [['a', 'b']],
    );
    assert.equal(pairKey('x', 'Y'), pairKey('y', 'X'));
  });
});

describe('dates', () => {
  test('decisionTimestamp is UTC to the second and reads back', () => {
    const t = decisionTimestamp(new Date(Date.UTC(2026, 11, 5, 18, 40, 0, 123)));
    assert.equal(t, '2026-12-05T18:40:00Z');
    assert.ok(isDecisionDate(t));
    assert.ok(isDecisionDate('2026-12-05T18:40+0800'));
    assert.ok(!isDecisionDate('2026-12-05T24:00:00Z'));
    assert.ok(!isDecisionDate('05/12/2026'));
  });
});
