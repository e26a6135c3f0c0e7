/**
 * Property: the table editor's edits on a Solr file or an Elasticsearch synonyms set are minimal
 * text edits in the file's own syntax. Generated files (comments, blank lines, escapes `\,` `\=>`
 * `\\`, equivalent and explicit rules, odd spacing; JSON with `\uXXXX` escapes and GET responses)
 * get a random table edit — change a term, add a term, remove a term, add a rule, delete a rule.
 * Afterwards everything before and after the edited bytes is identical, those bytes are the term
 * (with one separator, for an added or removed term) or the rule, and reading the file again gives
 * the expected rule set.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyEdits, type TextEdit } from '../../src/core/csv/serialize';
import { parseAnyDictionary, type DictionaryFormat } from '../../src/core/formats/dictionary';
import { deleteRuleEdits, insertRuleEdits, RuleEditError, ruleTermEdits } from '../../src/core/formats/tableEdits';
import { ruleTerms, type SolrRule } from '../../src/core/formats/solr';

// ---------------------------------------------------------------------------------------------
// Generated files

const word = fc.constantFrom('a', 'foo', 'Bar', '普拉多', '霸道SUV', '😀', 'tv', 'x-y', 'i pod');
const escape = fc.constantFrom('\\,', '\\=>', '\\\\', '\\#');
/** A Solr term as written: words and escapes, never white space only. */
const solrTerm = fc.tuple(word, fc.array(fc.oneof(word, escape), { maxLength: 3 })).map(([w, rest]) => w + rest.join(''));
const space = fc.constantFrom('', ' ', '  ', '\t');
const spaced = fc.tuple(space, solrTerm, space).map(([a, t, b]) => a + t + b);
const side = fc.array(spaced, { minLength: 1, maxLength: 4 }).map((ts) => ts.join(','));
const ruleLine = fc.oneof(
  fc.array(spaced, { minLength: 2, maxLength: 5 }).map((ts) => ts.join(',')),
  fc.tuple(side, fc.constantFrom('=>', ' => ', '=> ', ' =>'), side).map(([l, arrow, r]) => l + arrow + r),
);
const otherLine = fc.oneof(fc.constant(''), side.map((s) => `#${s}`), fc.constant('# comment, with => arrows'));
const solrFile = fc
  .tuple(fc.array(fc.oneof({ weight: 3, arbitrary: ruleLine }, { weight: 1, arbitrary: otherLine }), { minLength: 1, maxLength: 12 }), fc.constantFrom('\n', '\r\n'), fc.boolean())
  .map(([lines, eol, final]) => lines.join(eol) + (final ? eol : ''));

/** JSON string bodies of a rule: plain, or with some characters written as `\uXXXX` / `\/`. */
function jsonBody(s: string, style: number): string {
  const body = JSON.stringify(s).slice(1, -1);
  if (style === 0) return body;
  return body.replace(/[a-z普😀\/]/gu, (c) => (c === '/' ? '\\/' : c.length > 1 ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
const esFile = fc
  .tuple(fc.array(fc.tuple(ruleLine, fc.option(fc.constantFrom('r1', 'cars-2', 'x"y'), { nil: undefined }), fc.nat(1)), { minLength: 1, maxLength: 8 }), fc.boolean(), fc.constantFrom('\n', ' ', '\n    '))
  .map(([entries, get, gap]) => {
    const items = entries.map(([rule, id, style]) => `{${id === undefined ? '' : ` "id": ${JSON.stringify(id)},`} "synonyms": "${jsonBody(rule, style)}" }`);
    return `{${get ? ` "count": ${items.length},` : ''}${gap}"synonyms_set": [${gap}${items.join(`,${gap}`)}${gap}]${gap}}\n`;
  });

/** Values typed into a cell: hostile to both syntaxes. */
const cellValue = fc.oneof(
  fc.constantFrom('a,b', 'x=>y', 'back\\slash', '#tag', 'end=', '>start', '  padded  ', 'q"uote', '霸道', 'multi word', '\\'),
  fc.stringMatching(/^[a-z普😀,=>#\\" ]{1,8}$/).filter((s) => s.trim() !== ''),
);

// ---------------------------------------------------------------------------------------------
// Expected rule sets

type Shape = { kind: SolrRule['kind']; inputs: string[]; outputs: string[] };
const shapes = (text: string, format: DictionaryFormat): Shape[] =>
  (parseAnyDictionary(text, format).rules ?? []).map((r) => ({ kind: r.kind, inputs: r.inputs.map((t) => t.text), outputs: r.outputs.map((t) => t.text) }));
const trimmed = (v: string) => v.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, '');

type Edit = { kind: 'set'; column: number; value: string } | { kind: 'add'; value: string } | { kind: 'remove'; column: number } | { kind: 'insert'; value: string } | { kind: 'delete' };
const editOf = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), column: fc.nat(6), value: cellValue }),
  fc.record({ kind: fc.constant('add' as const), value: cellValue }),
  fc.record({ kind: fc.constant('remove' as const), column: fc.nat(6) }),
  fc.record({ kind: fc.constant('insert' as const), value: cellValue }),
  fc.record({ kind: fc.constant('delete' as const) }),
);

/** Applies `edit` to rule `row` and checks bytes and the re-read rule set. */
function check(text: string, format: DictionaryFormat, row: number, edit: Edit): void {
  const parsed = parseAnyDictionary(text, format);
  const rules = parsed.rules!;
  const rule = rules[row];
  const terms = ruleTerms(rule);
  const expected = shapes(text, format);
  const target = expected[row];
  let edits: TextEdit[];
  try {
    if (edit.kind === 'set') {
      const column = edit.column % terms.length;
      edits = ruleTermEdits(parsed, row, column, edit.value);
      const t = terms[column];
      assert.equal(edits.length, trimmed(edit.value) === t.text ? 0 : 1);
      if (edits.length) assert.deepEqual([edits[0].start, edits[0].end], [t.start, t.end], 'only the term\'s bytes are replaced');
      (column < rule.inputs.length ? target.inputs : target.outputs)[column < rule.inputs.length ? column : column - rule.inputs.length] = trimmed(edit.value);
    } else if (edit.kind === 'add') {
      edits = ruleTermEdits(parsed, row, terms.length + 1, edit.value);
      const last = terms[terms.length - 1];
      assert.deepEqual([edits[0].start, edits[0].end], [last.end, last.end], 'a new term is inserted right after the last one');
      (rule.kind === 'explicit' ? target.outputs : target.inputs).push(trimmed(edit.value));
    } else if (edit.kind === 'remove') {
      const column = edit.column % terms.length;
      const inInputs = column < rule.inputs.length;
      const sideTerms = inInputs ? target.inputs : target.outputs;
      edits = ruleTermEdits(parsed, row, column, '');
      // In a synonyms set, the bytes are a JSON string's: compare what they say.
      const decode = (s: string) => (format === 'es' ? (JSON.parse(`"${s}"`) as string) : s);
      const removed = decode(text.slice(edits[0].start, edits[0].end));
      const source = decode(text.slice(terms[column].start, terms[column].end));
      assert.ok(removed.includes(source) && /^[\s,]*$/.test(removed.replace(source, '')), `removed ${JSON.stringify(removed)} for ${JSON.stringify(source)}`);
      sideTerms.splice(inInputs ? column : column - rule.inputs.length, 1);
    } else if (edit.kind === 'insert') {
      edits = insertRuleEdits(parsed, [edit.value, ''], row);
      assert.equal(edits[0].start, edits[0].end, 'a new rule is inserted, nothing replaced');
      expected.splice(row + 1, 0, { kind: 'equivalent', inputs: [trimmed(edit.value)], outputs: [] });
    } else {
      edits = deleteRuleEdits(parsed, [row]);
      expected.splice(row, 1);
    }
  } catch (e) {
    // Refusals are for a side's only term (delete the rule instead).
    assert.ok(e instanceof RuleEditError && edit.kind === 'remove' && e.problem === 'lastTerm', String(e));
    return;
  }
  assert.ok(edits.length <= 1);
  const after = applyEdits(text, edits);
  if (edits.length) {
    const e = edits[0];
    assert.equal(after.slice(0, e.start), text.slice(0, e.start), 'bytes before the edit');
    assert.equal(after.slice(e.start + e.newText.length), text.slice(e.end), 'bytes after the edit');
  }
  if (format === 'es') {
    JSON.parse(after);
    const ids = parseAnyDictionary(text, format).ids!;
    if (edit.kind !== 'insert' && edit.kind !== 'delete') assert.deepEqual(parseAnyDictionary(after, format).ids, ids, 'rule ids are kept');
  }
  assert.deepEqual(shapes(after, format), expected);
}

function validRows(text: string, format: DictionaryFormat): number[] {
  const rules = parseAnyDictionary(text, format).rules ?? [];
  return rules.flatMap((r, i) => (r.refused || r.danglingEscape ? [] : [i]));
}

const cases: { format: DictionaryFormat; files: fc.Arbitrary<string>; name: string }[] = [
  { format: 'solr', files: solrFile, name: 'Solr files: a table edit changes only the edited bytes and reads back as the expected rule set' },
  { format: 'es', files: esFile, name: 'ES synonyms sets: a table edit changes only the edited bytes, keeps the JSON valid and the ids, and reads back as expected' },
];
for (const { format, files, name } of cases) {
  test(name, () => {
    fc.assert(
      fc.property(files, fc.nat(), editOf, (text, pick, edit) => {
        const rows = validRows(text, format);
        fc.pre(rows.length > 0);
        check(text, format, rows[pick % rows.length], edit);
      }),
      { numRuns: 600 },
    );
  });
}

test('edits the syntax cannot take are refused with the reason, and the text is left alone', () => {
  const dangling = parseAnyDictionary('a, b\\\n', 'solr');
  assert.throws(() => ruleTermEdits(dangling, 0, 2, 'c'), (e: unknown) => e instanceof RuleEditError && e.problem === 'danglingEscape' && e.line === 1);
  const explicit = parseAnyDictionary('a, b => c\n', 'solr');
  assert.throws(() => ruleTermEdits(explicit, 0, 2, ''), (e: unknown) => e instanceof RuleEditError && e.problem === 'lastTerm');
  assert.throws(() => insertRuleEdits(explicit, ['', ' ']), (e: unknown) => e instanceof RuleEditError && e.problem === 'noTerm');
  assert.throws(() => insertRuleEdits(parseAnyDictionary('{"synonyms_set": 3}', 'es'), ['a']), (e: unknown) => e instanceof RuleEditError && e.problem === 'noSynonymsSet');
  // Removing a term keeps the comment and the other rules byte for byte.
  const text = '# cars\n普拉多, 霸道SUV ,  陆地巡洋舰\r\nx\\,y => z\n';
  const parsed = parseAnyDictionary(text, 'solr');
  assert.equal(applyEdits(text, ruleTermEdits(parsed, 0, 1, '')), '# cars\n普拉多 ,  陆地巡洋舰\r\nx\\,y => z\n');
  assert.equal(applyEdits(text, ruleTermEdits(parsed, 1, 0, 'a=>b')), '# cars\n普拉多, 霸道SUV ,  陆地巡洋舰\r\na\\=>b => z\n');
  assert.equal(applyEdits(text, ruleTermEdits(parsed, 1, 5, 'w,v')), '# cars\n普拉多, 霸道SUV ,  陆地巡洋舰\r\nx\\,y => z, w\\,v\n');
  assert.equal(applyEdits(text, deleteRuleEdits(parsed, [0])), '# cars\nx\\,y => z\n');
});

test('ES synonyms sets: deleting entries keeps the JSON valid whichever entries go', () => {
  const text = '{\n  "synonyms_set": [\n    {"id": "a", "synonyms": "a, b"},\n    {"id": "b", "synonyms": "c, d"},\n    {"id": "c", "synonyms": "e => f"}\n  ]\n}\n';
  const parsed = parseAnyDictionary(text, 'es');
  for (const rows of [[0], [1], [2], [0, 1], [1, 2], [0, 2], [0, 1, 2]]) {
    const after = applyEdits(text, deleteRuleEdits(parsed, rows));
    const kept = (JSON.parse(after) as { synonyms_set: { id: string }[] }).synonyms_set.map((e) => e.id);
    assert.deepEqual(kept, ['a', 'b', 'c'].filter((_, i) => !rows.includes(i)), after);
  }
  // A new rule after the first entry gets a fresh id and stays in the order asked for.
  const added = applyEdits(text, insertRuleEdits(parsed, ['x,y', 'z'], 0));
  assert.deepEqual((JSON.parse(added) as { synonyms_set: { id: string; synonyms: string }[] }).synonyms_set.map((e) => [e.id, e.synonyms]), [['a', 'a, b'], ['synonyms-4', 'x\\,y, z'], ['b', 'c, d'], ['c', 'e => f']]);
});
