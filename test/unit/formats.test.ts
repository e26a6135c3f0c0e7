// Search-engine synonym formats in core: term ranges, refusals, byte-exact edits (property test
// over generated files), ES synonyms sets with ids and escapes, and the CSV → Solr → ES → CSV
// round trip keeping pairs and directions. Lucene itself is compared in test/lucene.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../src/core/random';
import { parseDictionary } from '../../src/core/csv/parse';
import { applyEdits } from '../../src/core/csv/serialize';
import type { Dictionary } from '../../src/core/csv/types';
import { parseSolr, replaceSolrTermEdit, solrMappings, appendSolrRuleEdit, deleteSolrRuleEdit } from '../../src/core/formats/solr';
import { parseEsSynonymsSet, replaceEsTermEdit } from '../../src/core/formats/es';
import { convertDictionary, formatOfPath, parseAnyDictionary } from '../../src/core/formats/dictionary';
import { generateSolrFiles } from '../lucene/generate';

const slice = (text: string, t: { start: number; end: number }) => text.slice(t.start, t.end);

test('Solr rules: kinds, terms with exact ranges through escapes and trimming, comments skipped', () => {
  const text = '# comment\n\n  a\\,b ,  foo bar=> c\\\\d\nx, \\ y\r\n';
  const f = parseSolr(text);
  assert.equal(f.rules.length, 2);
  const [r1, r2] = f.rules;
  assert.equal(r1.kind, 'explicit');
  assert.deepEqual(r1.inputs.map((t) => t.text), ['a,b', 'foo bar']);
  assert.deepEqual(r1.outputs.map((t) => t.text), ['c\\d']);
  assert.deepEqual(r1.inputs.map((t) => slice(text, t)), ['a\\,b', 'foo bar']);
  assert.equal(slice(text, r1.outputs[0]), 'c\\\\d');
  assert.deepEqual(r1.inputs[0].range, { start: { line: 2, character: 2 }, end: { line: 2, character: 6 } });
  // An escaped space is trimmed like any other; the range starts at the term's first kept character.
  assert.deepEqual(r2.inputs.map((t) => t.text), ['x', 'y']);
  assert.equal(slice(text, r2.inputs[1]), 'y');
  assert.equal(f.refusal, undefined);
});

test('Solr refusals carry Lucene wording on the exact range; the rest of the file still reads', () => {
  const f = parseSolr('a, b\na => b => c\nc, \t, d\ne, f\n');
  assert.equal(f.refusal?.message, 'Invalid synonym rule at line 2: more than one explicit mapping specified on the same line');
  const errors = f.problems.filter((p) => p.severity === 'error');
  assert.deepEqual(errors.map((p) => [p.line, p.message]), [
    [1, 'Invalid synonym rule at line 2: more than one explicit mapping specified on the same line'],
    [2, 'Invalid synonym rule at line 3: term:  was completely eliminated by analyzer'],
  ]);
  assert.deepEqual(errors[0].range, { start: { line: 1, character: 0 }, end: { line: 1, character: 11 } });
  const dict = parseAnyDictionary('a, b\na => b => c\nc, \t, d\ne, f\n', 'solr').dict;
  assert.deepEqual(dict.pairs.map((p) => [p.a.text, p.b.text]), [['a', 'b'], ['e', 'f']]);
  assert.equal(solrMappings(f), undefined);
});

test('Solr warnings: lone backslash, single term, indented "#"', () => {
  const f = parseSolr('a, b\\\nalone\n  # x, y\n');
  assert.deepEqual(f.problems.map((p) => [p.messageId, p.severity]), [
    ['solrDanglingEscape', 'warning'],
    ['solrSingleTerm', 'warning'],
    ['solrIndentedComment', 'warning'],
  ]);
});

test('explicit rules are one-way pairs; CSV says it with the label "=>"', () => {
  const solr = parseAnyDictionary('a, b => c, d\n', 'solr').dict;
  assert.deepEqual(solr.pairs.map((p) => [p.a.text, p.b.text, p.oneWay]), [['a', 'c', true], ['b', 'c', true], ['a', 'd', true], ['b', 'd', true]]);
  const csv = parseDictionary('term,synonym,label\na,c,=>\na,b,1\n');
  assert.deepEqual(csv.problems, []);
  assert.deepEqual(csv.pairs.map((p) => [p.a.text, p.b.text, p.label, p.oneWay]), [['a', 'c', 1, true], ['a', 'b', 1, undefined]]);
});

/** Pairs as a sorted list of `a ~ b` (two-way, order-free) and `a -> b` (one-way). */
function pairSet(dict: Dictionary): string[] {
  return [...new Set(dict.pairs.filter((p) => p.label === 1).map((p) => (p.oneWay ? `${p.a.text} -> ${p.b.text}` : [p.a.text, p.b.text].sort().join(' ~ '))))].sort();
}

const TERMS = ['普拉多', 'a,b', 'x=>y', 'back\\slash', '#tag', 'multi word', 'q"uote', 'end=', '>start', 'SUV', '😀', 'tab\tin'];

test('round trip CSV → Solr → ES → CSV keeps every pair and its direction (generated dictionaries)', () => {
  const r = new Random(7);
  for (let n = 0; n < 200; n++) {
    const rows: string[] = ['term,synonym,synonym,label'];
    const k = 1 + r.nextInt(12);
    for (let i = 0; i < k; i++) {
      const t = () => TERMS[r.nextInt(TERMS.length)] + (r.nextInt(2) ? String(r.nextInt(50)) : '');
      const cells = [t(), t(), t(), r.nextInt(3) === 0 ? '=>' : '1'].map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c));
      rows.push(cells.join(','));
    }
    const csv = parseDictionary(rows.join('\n') + '\n');
    assert.deepEqual(csv.problems, [], rows.join('\n'));
    const solr = convertDictionary(csv, 'solr').text;
    const es = convertDictionary(parseAnyDictionary(solr, 'solr').dict, 'es').text;
    const back = convertDictionary(parseAnyDictionary(es, 'es').dict, 'csv').text;
    const final = parseDictionary(back);
    assert.deepEqual(final.problems, []);
    assert.deepEqual(pairSet(final), pairSet(csv), `${rows.join('\n')}\n---\n${solr}\n---\n${es}`);
  }
});

test('a term edit changes only that term\'s bytes and reads back as the new term (generated Solr files)', () => {
  const r = new Random(11);
  let edits = 0;
  for (const text of generateSolrFiles(5, 200)) {
    const f = parseSolr(text);
    const terms = f.rules.flatMap((rule, i) => [...rule.inputs, ...rule.outputs].map((t, j) => ({ i, j, t }))).filter((x) => !f.rules[x.i].refused && x.t.end > x.t.start);
    if (!terms.length) continue;
    const { i, j, t } = terms[r.nextInt(terms.length)];
    const replacement = TERMS[r.nextInt(TERMS.length)];
    const edit = replaceSolrTermEdit(t, replacement);
    const after = applyEdits(text, [edit]);
    // Bytes before and after the term are untouched.
    assert.equal(after.slice(0, t.start), text.slice(0, t.start));
    assert.equal(after.slice(t.start + edit.newText.length), text.slice(t.end));
    const g = parseSolr(after);
    const rule = g.rules[i];
    assert.equal([...rule.inputs, ...rule.outputs][j].text, replacement.trim(), JSON.stringify({ text, after }));
    // Every other rule reads as before.
    assert.deepEqual(
      g.rules.filter((_, k) => k !== i).map((x) => [...x.inputs, ...x.outputs].map((y) => y.text)),
      f.rules.filter((_, k) => k !== i).map((x) => [...x.inputs, ...x.outputs].map((y) => y.text)),
    );
    edits++;
  }
  assert.ok(edits > 150, `${edits} edits`);
});

test('appending and deleting rules keeps the rest byte-identical', () => {
  const text = '# keep me\na\\,b, c\nd => e';
  const f = parseSolr(text);
  const added = applyEdits(text, [appendSolrRuleEdit(f, ['x,y', 'z'], ['w'])]);
  assert.equal(added, '# keep me\na\\,b, c\nd => e\nx\\,y, z => w\n');
  assert.equal(applyEdits(text, [deleteSolrRuleEdit(f.rules[0])]), '# keep me\nd => e');
});

test('ES synonyms set: PUT body and GET response, ids kept, term ranges through JSON escapes', () => {
  const put = '{\n  "synonyms_set": [\n    { "id": "r1", "synonyms": "a\\\\,b, \\u666e拉多 => c" },\n    { "synonyms": "d, e" }\n  ]\n}\n';
  const set = parseEsSynonymsSet(put);
  assert.deepEqual(set.problems, []);
  assert.deepEqual(set.rules.map((r) => r.id), ['r1', undefined]);
  const [t1, t2] = set.rules[0].rule.inputs;
  assert.equal(t1.text, 'a,b');
  assert.equal(slice(put, t1), 'a\\\\,b');
  assert.equal(t2.text, '普拉多');
  assert.equal(slice(put, t2), '\\u666e拉多');
  const edit = replaceEsTermEdit(t1, 'x"y');
  const edited = applyEdits(put, [edit]);
  assert.equal(parseEsSynonymsSet(edited).rules[0].rule.inputs[0].text, 'x"y');
  const get = '{"count": 1, "synonyms_set": [{"id": "g", "synonyms": "p, q"}]}';
  assert.deepEqual(parseAnyDictionary(get, 'es').ids, ['g']);
  assert.deepEqual(parseAnyDictionary(get, 'es').dict.pairs.map((p) => [p.a.text, p.b.text]), [['p', 'q']]);
});

test('ES synonyms set: invalid JSON and refused rules get errors where they are; the limit is a warning', () => {
  const bad = parseEsSynonymsSet('{"synonyms_set": [{"id": "a", "synonyms": "a, b"}\n');
  assert.equal(bad.problems[0].messageId, 'esInvalidJson');
  assert.deepEqual(bad.problems[0].range.start, { line: 1, character: 0 });
  const refused = parseEsSynonymsSet('{"synonyms_set": [\n{"synonyms": "a => b => c"}]}');
  assert.equal(refused.problems[0].message, 'Invalid synonym rule at line 2: more than one explicit mapping specified on the same line');
  assert.equal(refused.problems[0].range.start.line, 1);
  const many = JSON.stringify({ synonyms_set: Array.from({ length: 10_001 }, (_, i) => ({ id: String(i), synonyms: `a${i}, b${i}` })) });
  assert.deepEqual(parseEsSynonymsSet(many).problems.map((p) => p.messageId), ['esTooManyRules']);
});

test('format by file name', () => {
  assert.deepEqual(['x.synonyms.csv', 'synonyms.txt', 'set.json', 'a.CSV'].map(formatOfPath), ['csv', 'solr', 'es', 'csv']);
});
