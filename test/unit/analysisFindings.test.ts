// The analyzer's tokens → what to flag (src/core/formats/analysis.ts), on CSV, Solr and ES
// dictionaries, with token lists as Lucene's analyzers produce them (test/lucene runs the real one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analysisFindings, analysisRules, analysisTerms, type AnalysisFinding } from '../../src/core/formats/analysis';
import { parseAnyDictionary, type DictionaryFormat } from '../../src/core/formats/dictionary';

/** A stand-in analyzer: lower-cases, drops `the` and `a`, splits on spaces and hyphens and Han characters one by one. */
function tokens(term: string): string[] {
  return term
    .toLowerCase()
    .split(/[\s-]+|(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])/u)
    .filter((t) => t !== '' && t !== 'the' && t !== 'a');
}

function findings(text: string, format: DictionaryFormat, known: (t: string) => readonly string[] | undefined = tokens) {
  const { dict } = parseAnyDictionary(text, format);
  const rules = analysisRules(dict);
  return { dict, rules, found: analysisFindings(rules, known) };
}

const brief = (f: AnalysisFinding, text: string) => {
  const slice = (c: { start: number; end: number }) => text.slice(c.start, c.end);
  switch (f.kind) {
    case 'multi-token':
      return `row ${f.row} multi-token ${slice(f.cell)} = ${f.tokens.join('|')}`;
    case 'eliminated':
      return `row ${f.row} eliminated ${slice(f.cell)}`;
    case 'no-op':
      return `row ${f.row} no-op ${f.cells.map(slice).join(',')} = ${f.tokens.join('|')}`;
    case 'same-tokens':
      return `row ${f.row} same-tokens as row ${f.firstRow}: ${f.cells.map(slice).join(',')} ~ ${f.firstCells.map(slice).join(',')}`;
  }
};

test('Solr rules: multi-token and eliminated terms on their exact ranges, no-op rules, rules that collapse', () => {
  const text = ['# cars', '普拉多, 霸道', 'Wi-Fi, wireless', 'the, a => thing', 'TV, tv', 'WiFi => WLAN', 'wi fi, WIRELESS', 'land cruiser => lc'].join('\n') + '\n';
  const { found } = findings(text, 'solr');
  assert.deepEqual(found.map((f) => brief(f, text)), [
    'row 0 multi-token 普拉多 = 普|拉|多',
    'row 0 multi-token 霸道 = 霸|道',
    'row 1 multi-token Wi-Fi = wi|fi',
    'row 2 eliminated the',
    'row 2 eliminated a',
    'row 3 no-op TV,tv = tv',
    'row 5 multi-token wi fi = wi|fi',
    'row 5 same-tokens as row 1: wi fi,WIRELESS ~ Wi-Fi,wireless',
    'row 6 multi-token land cruiser = land|cruiser',
  ]);
});

test('an explicit rule and an equivalent rule over the same tokens are different rules; the same text twice is left to the pair checks', () => {
  const text = 'a1, b1\na1 => b1\nA1, B1\na1, b1\n';
  const { found } = findings(text, 'solr');
  assert.deepEqual(found.map((f) => brief(f, text)), ['row 2 same-tokens as row 0: A1,B1 ~ a1,b1']);
});

test('CSV rows are rules; label-0 rows are not; one-way rows are explicit rules', () => {
  const text = 'term,synonym,label\nthe,article,1\nTV,tv,1\ncar,the,0\nHDTV,hd tv,=>\nhdtv,HD TV,=>\n';
  const { rules, found } = findings(text, 'csv');
  assert.deepEqual(rules.map((r) => [r.row, r.inputs.map((c) => c.text), r.outputs?.map((c) => c.text)]), [
    [0, ['the', 'article'], undefined],
    [1, ['TV', 'tv'], undefined],
    [3, ['HDTV'], ['hd tv']],
    [4, ['hdtv'], ['HD TV']],
  ]);
  assert.deepEqual(found.map((f) => brief(f, text)), [
    'row 0 eliminated the',
    'row 1 no-op TV,tv = tv',
    'row 3 multi-token hd tv = hd|tv',
    'row 4 multi-token HD TV = hd|tv',
    'row 4 same-tokens as row 3: hdtv,HD TV ~ HDTV,hd tv',
  ]);
});

test('ES synonyms sets: ranges point into the JSON strings', () => {
  const text = JSON.stringify({ synonyms_set: [{ id: 'x', synonyms: 'Land Cruiser, 陆地巡洋舰' }, { id: 'y', synonyms: 'the => a' }] }, null, 2);
  const { found } = findings(text, 'es');
  assert.deepEqual(found.map((f) => brief(f, text)), [
    'row 0 multi-token Land Cruiser = land|cruiser',
    'row 0 multi-token 陆地巡洋舰 = 陆|地|巡|洋|舰',
    'row 1 eliminated the',
    'row 1 eliminated a',
  ]);
});

test('terms not yet analyzed are skipped, and so are the rule checks of their rule', () => {
  const text = 'TV, tv\nfoo bar, baz\n';
  const { rules, found } = findings(text, 'solr', (t) => (t === 'tv' || t === 'foo bar' ? tokens(t) : undefined));
  assert.deepEqual(analysisTerms(rules), ['TV', 'tv', 'foo bar', 'baz']);
  assert.deepEqual(found.map((f) => brief(f, text)), ['row 1 multi-token foo bar = foo|bar']);
});
