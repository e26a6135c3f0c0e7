// The analysis helper (java/SynonymAnalysis.java) with real Lucene analyzers (Debian's Lucene 8.7
// jars and JDK, installed by tools.mjs when missing), through the server's own module
// (src/server/analysis.ts): the tokens it makes of Chinese and English terms, the diagnostics
// they give on the exact terms of a Solr file, the token graph of a query through
// SynonymGraphFilter, Lucene's refusal of a rule, and the one message when the helper cannot start.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisHelper, AnalysisHelpers, analysisDiagnostics, resolveAnalysisSetup } from '../../src/server/analysis';
import { Analysis } from '../../src/server/documents';
import { defaultSettings } from '../../src/shared/settings';
import { ensureIcu, ensureLucene } from './tools.mjs';

const helperPath = path.join(__dirname, '..', '..', 'java', 'SynonymAnalysis.java');
const classPath = ensureLucene().split(':');
const helpers: AnalysisHelper[] = [];
after(() => helpers.forEach((h) => h.dispose()));

function start(analyzer: string): AnalysisHelper {
  const h = new AnalysisHelper({ java: 'java', classPath, analyzer }, helperPath);
  helpers.push(h);
  return h;
}

test('smartcn splits 普拉多 into three tokens: an information diagnostic on the exact term of a Solr rule', async () => {
  const h = start('smartcn');
  const tokens = await h.tokens(['普拉多', '霸道SUV', '发动机']);
  assert.deepEqual(tokens.get('普拉多'), ['普', '拉', '多']);
  assert.deepEqual(tokens.get('霸道SUV'), ['霸道', 'suv']);
  const text = '# 车型\n普拉多, 霸道SUV, 陆地巡洋舰\n发动机 => 引擎\n';
  const a = Analysis.of(TextDocument.create('file:///cars.synonyms.txt', 'synonym-solr', 1, text));
  const diagnostics = await analysisDiagnostics(a, h, 'smartcn');
  const prado = diagnostics.find((d) => d.code === 'analysis-multi-token' && String(d.message).startsWith('"普拉多"'));
  assert.ok(prado, JSON.stringify(diagnostics.map((d) => d.message)));
  assert.deepEqual(prado.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } });
  assert.equal(prado.severity, 3, 'information');
  assert.match(String(prado.message), /3 tokens with the smartcn analyzer \(普 \| 拉 \| 多\).*synonym_graph/);
  assert.ok(prado.codeDescription?.href.endsWith('diagnostics.md#analysis-multi-token'));
  // 发动机 and 引擎 are one word each to smartcn.
  assert.ok(!diagnostics.some((d) => d.range.start.line === 2), JSON.stringify(diagnostics));
});

test('english removes stop words; standard lower-cases: stop-word, no-op and same-tokens diagnostics from a CSV', async () => {
  const text = 'term,synonym\nthe,article\nTV,tv\nWi-Fi,wireless\nwi fi,WIRELESS\n';
  const a = Analysis.of(TextDocument.create('file:///x.synonyms.csv', 'synonym-csv', 1, text));
  const english = (await analysisDiagnostics(a, start('english'), 'english')).map((d) => `${d.code} ${d.range.start.line}:${d.range.start.character}`);
  assert.ok(english.includes('analysis-stop-word 1:0'), english.join(', '));
  const standard = (await analysisDiagnostics(a, start('standard'), 'standard')).map((d) => `${d.code} ${d.range.start.line}`);
  assert.deepEqual(standard, ['analysis-no-op 2', 'analysis-multi-token 3', 'analysis-multi-token 4', 'analysis-same-tokens 4']);
});

test('a query through SynonymGraphFilter: the synonyms of 普拉多 as a token graph; Lucene refuses a stop-word rule', async () => {
  const h = start('smartcn');
  const graph = await h.expand('普拉多, 霸道SUV, 陆地巡洋舰\n发动机 => 引擎\n', '普拉多 发动机');
  const synonyms = graph.filter((t) => t.type === 'SYNONYM').map((t) => t.term);
  assert.deepEqual(synonyms.sort(), ['suv', '巡洋舰', '引擎', '陆地', '霸道'].sort());
  assert.ok(graph.some((t) => t.term === '普' && t.type === 'word' && t.positionLength === 3), JSON.stringify(graph));
  // The one-way rule replaces 发动机: 引擎 covers the query's characters 4–7.
  assert.deepEqual(graph.filter((t) => t.term === '引擎').map((t) => [t.start, t.end]), [[4, 7]]);
  await assert.rejects(start('english').expand('the, article\n', 'the'), /term: the was completely eliminated by analyzer/);
});

test('an analyzer whose classes are missing, and a missing java or jars, are each told once and give no helper', async () => {
  const told: string[] = [];
  const hs = new AnalysisHelpers((m) => told.push(m), helperPath);
  const icu = { ...defaultSettings.analysis, enabled: true, analyzer: 'icu' as const, luceneJars: classPath.filter((j) => !/icu/.test(j)) };
  assert.equal(await hs.helper(icu), undefined);
  assert.equal(await hs.helper(icu), undefined);
  assert.equal(told.length, 1, told.join('\n'));
  assert.match(told[0]!, /the icu analyzer could not start: .*ClassNotFoundException/);
  const noJava = { ...defaultSettings.analysis, enabled: true, java: '/nonexistent/bin/java' };
  assert.equal(await hs.helper(noJava), undefined);
  assert.match(told[1]!, /analysis needs Java, and "\/nonexistent\/bin\/java" was not found/);
  assert.deepEqual(resolveAnalysisSetup({ ...defaultSettings.analysis, luceneJars: ['/nonexistent/lucene-core.jar'] }), { missing: 'jars', detail: '/nonexistent/lucene-core.jar' });
  assert.deepEqual(resolveAnalysisSetup(defaultSettings.analysis, { PATH: '' }, '/nonexistent'), { missing: 'java', detail: 'java' });
  assert.equal(await hs.helper({ ...defaultSettings.analysis, enabled: false }), undefined, 'off: nothing starts, nothing is said');
  assert.equal(told.length, 2);
  const found = resolveAnalysisSetup(defaultSettings.analysis);
  assert.ok('classPath' in found && found.classPath.some((j) => j.endsWith('lucene-analyzers-smartcn-8.7.0.jar')), JSON.stringify(found));
  hs.disposeAll();
});

test('the icu analyzer with Debian\'s icu4j folds full-width letters, or says with the root cause why it cannot start', async () => {
  const h = new AnalysisHelper({ java: 'java', classPath: [...classPath, ...ensureIcu()], analyzer: 'icu' }, helperPath);
  helpers.push(h);
  let tokens: Map<string, readonly string[]>;
  try {
    tokens = await h.tokens(['ＳＵＶ', 'Straße']);
  } catch (e) {
    // An icu4j older than Lucene's ICU data cannot read it: the wrapped error names the data file
    // problem, not just "ExceptionInInitializerError: null".
    assert.match((e as Error).message, /caused by [A-Za-z]+(Exception|Error): \S/);
    return;
  }
  assert.deepEqual(tokens.get('ＳＵＶ'), ['suv']);
  assert.deepEqual(tokens.get('Straße'), ['strasse']);
});
