/**
 * `parseDictionarySteps` pauses between records and must give exactly `parseDictionary`'s
 * result wherever the pauses fall: a quoted field over several lines, a CRLF terminator, a
 * byte order mark or a header at a pause, and pauses after every record.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { parseDictionary, parseDictionarySteps } from '../../src/core/csv/parse';
import type { Dictionary } from '../../src/core/csv/types';
import type { StepProgress } from '../../src/core/steps';
import { plain } from '../helpers/plainDictionary';

/** Runs the steps to the end, returning the result and every pause's progress. */
function stepped(text: string, stepRecords: number): { dict: Dictionary; pauses: StepProgress[] } {
  const steps = parseDictionarySteps(text, stepRecords);
  const pauses: StepProgress[] = [];
  for (;;) {
    const r = steps.next();
    if (r.done) return { dict: r.value, pauses };
    if (r.value) pauses.push(r.value);
  }
}

const cases: Record<string, string> = {
  'a quoted field over lines': 'term,synonym\na,"b\nc\nd"\ne,f\n"g\r\nh",i\n',
  'CRLF terminators': 'term,synonym\r\na,b\r\nc,d\r\n\r\ne,f\r\n',
  'mixed terminators and a lone CR': '\ufeffa,b,1\rc,d,0\r\ne,f,1\n',
  'stray and unclosed quotes': 'term,synonym\na,b"c\n"d"e,f\ng,"h\ni,j\n',
  'a Chinese header, blank lines and a NUL': '标准词,近似词,标签\n\n汽车,轿车,1\n  \n手机,电\0话,0\n',
};

for (const [name, text] of Object.entries(cases)) {
  test(`stepwise parse equals the whole parse: ${name}`, () => {
    const whole = plain(parseDictionary(text));
    for (const step of [1, 2, 3, 1000]) assert.deepEqual(plain(stepped(text, step).dict), whole, `stepRecords ${step}`);
  });
}

test('pauses report progress in characters, then in rows, never past the total', () => {
  const text = 'term,synonym\n' + Array.from({ length: 10 }, (_, i) => `a${i},"b\n${i}"\r\n`).join('');
  const { dict, pauses } = stepped(text, 3);
  const scan = pauses.filter((p) => p.phase === 'scan');
  const rows = pauses.filter((p) => p.phase === 'rows');
  // 11 records: pauses after records 3, 6 and 9; then rows 3, 6 and 9 of 10.
  assert.deepEqual(scan.map((p) => p.total), [text.length, text.length, text.length]);
  assert.ok(scan.every((p, i) => p.done > (scan[i - 1]?.done ?? 0) && p.done < text.length));
  assert.deepEqual(rows.map((p) => [p.done, p.total]), [[3, 10], [6, 10], [9, 10]]);
  assert.equal(dict.rows.length, 10);
  assert.equal(dict.rows[9].cells[1].text, 'b\n9');
});

test('stepwise parse equals the whole parse on generated texts, pausing after every few records', () => {
  const piece = fc.constantFrom('a', ' ', ',', '"', '""', '"q\nq"', '"x\r\ny"', '\n', '\r\n', '\r', '车', '😀', '\0', '0', '1', 'term,synonym,label\n', 'x,y,1\r\n');
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 40 }), fc.integer({ min: 1, max: 4 }), fc.boolean(), (pieces, step, bom) => {
      const text = (bom ? '\ufeff' : '') + pieces.join('');
      assert.deepEqual(plain(stepped(text, step).dict), plain(parseDictionary(text)));
    }),
    { numRuns: 500 },
  );
});
