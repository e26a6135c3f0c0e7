/**
 * Analysis-aware diagnostics and the query expansion preview through the real bundled server,
 * with Debian's JDK and Lucene 8.7 jars (installed by test/lucene/tools.mjs via apt-get when
 * missing, as the lucene suite does): smartcn's multi-token information on 普拉多 in a Solr file,
 * an ES synonyms set, the token graph of a query, and Workspace Trust holding the helper's
 * settings to the user's values.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import type { PreviewExpansionResult } from '../../src/shared/protocol';
import { ensureLucene } from '../lucene/tools.mjs';
import { fixtureUri, startServer, type TestServer } from './client';

const servers: TestServer[] = [];
let jars: string[] = [];
before(() => {
  jars = ensureLucene().split(':');
});
after(async () => {
  for (const s of servers) await s.stop();
});

const multiToken = (term: string) => (d: Diagnostic[]) => d.some((x) => x.code === 'analysis-multi-token' && String(x.message).startsWith(`"${term}"`));

test('analysis on (smartcn): multi-token information on the exact terms of a Solr file and an ES set; the preview expands a query', async () => {
  const server = await startServer({ settings: { analysis: { enabled: true, analyzer: 'smartcn', luceneJars: jars } } });
  servers.push(server);
  const solr = fixtureUri('analysis.synonyms.txt');
  server.open(solr, '# 车型\n普拉多, 霸道SUV\n发动机 => 引擎\n', 'synonym-solr');
  const { diagnostics } = await server.waitDiagnostics(solr, multiToken('普拉多'), { what: 'smartcn analysis of the Solr file', timeoutMs: 60_000 });
  const prado = diagnostics.find((x) => x.code === 'analysis-multi-token' && String(x.message).startsWith('"普拉多"'))!;
  assert.deepEqual(prado.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } });
  assert.equal(prado.severity, 3);
  assert.match(String(prado.message), /\(普 \| 拉 \| 多\)/);
  assert.match(prado.codeDescription!.href, /diagnostics\.md#analysis-multi-token$/);
  // The hover of a term of a Solr file links to the preview, with the term as the query.
  const hover = await server.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri: solr }, position: { line: 1, character: 1 } });
  assert.match(hover.contents.value, /\[Preview query expansion\]\(command:synonymLens\.previewExpansion\?/);
  assert.ok(hover.contents.value.includes(encodeURIComponent(JSON.stringify([{ uri: solr, query: '普拉多' }]))), hover.contents.value);
  // Structural diagnostics are there too: analysis adds to the set, it does not replace it.
  assert.ok(diagnostics.every((x) => x.source === 'synonym-lens'));

  const es = fixtureUri('analysis.synonyms.json');
  const json = '{"synonyms_set": [{"id": "a", "synonyms": "陆地巡洋舰, Land Cruiser"}]}';
  server.open(es, json, 'synonym-es');
  const set = await server.waitDiagnostics(es, multiToken('Land Cruiser'), { what: 'analysis of the ES set', timeoutMs: 60_000 });
  const lc = set.diagnostics.find((x) => String(x.message).startsWith('"Land Cruiser"'))!;
  const at = json.indexOf('Land Cruiser');
  assert.deepEqual(lc.range, { start: { line: 0, character: at }, end: { line: 0, character: at + 'Land Cruiser'.length } });

  const preview = await server.request<PreviewExpansionResult>('synonymLens/previewExpansion', { uri: solr, query: '普拉多 发动机' });
  assert.equal(preview.analyzer, 'smartcn');
  assert.equal(preview.rules, 2);
  assert.deepEqual(preview.tokens.filter((t) => t.type === 'SYNONYM').map((t) => t.term).sort(), ['suv', '引擎', '霸道'].sort());
  await assert.rejects(server.request('synonymLens/previewExpansion', { uri: solr, query: '  ' }), /query must be a non-empty string/);
});

test('untrusted: the workspace cannot choose java, and the user setting that is missing is told once', async () => {
  const server = await startServer({
    // The workspace's settings would turn analysis on with a java of its own …
    settings: { analysis: { enabled: true, java: '/usr/bin/java', luceneJars: jars } },
    // … the user's say analysis is on with a java that is not there.
    initializationOptions: { untrustedSettings: { model: 'builtin', 'analysis.enabled': true, 'analysis.java': '/nonexistent/bin/java', 'analysis.luceneJars': jars } },
  });
  servers.push(server);
  const uri = fixtureUri('untrusted-analysis.synonyms.txt');
  server.open(uri, '普拉多, 霸道\n', 'synonym-solr');
  const shown = await server.shown.wait((m) => /analysis needs Java/.test(m.message), 'the missing-java warning', 20_000);
  assert.match(String(shown.message), /"\/nonexistent\/bin\/java" was not found/);
  assert.equal(shown.type, 2, 'a warning');
  // One message, not one per rule or per job: an edit runs the job again and says nothing new.
  const cursor = server.diagnostics.cursor;
  const version = server.change(uri, [{ text: '普拉多, 霸道\n发动机, 引擎\n' }]);
  await server.waitDiagnostics(uri, (_d, v) => v === version, { after: cursor, what: 'diagnostics of the edit' });
  await assert.rejects(server.request('synonymLens/previewExpansion', { uri, query: '普拉多' }), /needs Java and the Lucene 8 jars/);
  assert.equal(server.shown.events.filter((m) => /analysis needs Java/.test(m.message)).length, 1);
  assert.ok(!server.diagnostics.events.some((e) => e.diagnostics.some((d) => String(d.code).startsWith('analysis-'))));
});
