// Export formats against golden files: equivalence groups, explicit mappings, the ES Synonyms API body.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDictionary } from '../../src/core/csv/parse';
import { exportSynonyms, escapeSolrTerm, type ExportFormat } from '../../src/core/export';

const dir = path.join(__dirname, '..', 'fixtures', 'export');
const dict = parseDictionary(readFileSync(path.join(dir, 'tricky.synonyms.csv'), 'utf8'));

/** Compares with a golden file; UPDATE_GOLDEN=1 rewrites it (then review the diff). */
function golden(name: string, actual: string) {
  const file = path.join(dir, name);
  if (process.env.UPDATE_GOLDEN) writeFileSync(file, actual);
  assert.equal(actual, readFileSync(file, 'utf8'));
}

for (const [format, file] of [
  ['solr', 'tricky.solr.txt'],
  ['solr-explicit', 'tricky.solr-explicit.txt'],
  ['es-synonyms-api', 'tricky.es-synonyms-api.json'],
] as [ExportFormat, string][]) {
  test(`export ${format} matches ${file}`, () => {
    const r = exportSynonyms(dict, format, 'cars');
    golden(file, r.text);
    assert.equal(r.rules, 5);
    assert.deepEqual(r.warnings, ['1 label-0 pair left out: synonym formats cannot express "not a synonym"']);
  });
}

test('Solr escaping: commas, =>, backslashes, a leading #, line breaks', () => {
  assert.equal(escapeSolrTerm('Land Cruiser, Prado'), 'Land Cruiser\\, Prado');
  assert.equal(escapeSolrTerm('a=>b'), 'a\\=>b');
  assert.equal(escapeSolrTerm('a\\b'), 'a\\\\b');
  assert.equal(escapeSolrTerm('#1'), '\\#1');
  assert.equal(escapeSolrTerm('a#1'), 'a#1');
  assert.equal(escapeSolrTerm('two\nlines'), 'two lines');
});

/** Solr's own unescaping rule (SolrSynonymParser.split + unescape), to prove the escapes round-trip. */
function solrSplit(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; ) {
    if (s.startsWith(sep, i)) {
      if (cur) out.push(cur);
      cur = '';
      i += sep.length;
      continue;
    }
    let ch = s[i++];
    if (ch === '\\') {
      cur += ch;
      if (i >= s.length) break;
      ch = s[i++];
    }
    cur += ch;
  }
  if (cur) out.push(cur);
  return out.map((x) => x.trim());
}
const unescape = (s: string) => s.replace(/\\(.)/g, '$1');

test('every exported rule parses back to the dictionary groups under Solr rules', () => {
  const explicit = exportSynonyms(dict, 'solr-explicit').text.split('\n').filter((l) => l && !l.startsWith('#'));
  const parsed = explicit.map((line) => {
    const [lhs, rhs] = solrSplit(line, '=>');
    return [solrSplit(rhs, ',')[0], ...solrSplit(lhs, ',')].map(unescape);
  });
  assert.deepEqual(parsed[0], ['普拉多', '霸道SUV', '陆地巡洋舰', 'Land Cruiser, Prado']);
  assert.deepEqual(parsed[1], ['a=>b', 'ab']);
  assert.deepEqual(parsed[2], ['#hash', 'hash']);
  assert.deepEqual(parsed[3], ['back\\slash', 'backslash']);
});

test('the Synonyms API body warns past 10,000 rules', () => {
  const rows = Array.from({ length: 10_001 }, (_, i) => `t${i},s${i}`).join('\n');
  const r = exportSynonyms(parseDictionary(rows), 'es-synonyms-api', 'big');
  assert.equal(r.rules, 10_001);
  assert.match(r.warnings.join('\n'), /10001 rules exceed the 10000 rules/);
  assert.equal(JSON.parse(r.text).synonyms_set[10_000].id, 'big-10001');
});
