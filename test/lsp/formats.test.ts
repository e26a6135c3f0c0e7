/**
 * The search engines' synonym files through the real server: a Solr `synonyms.txt` and an
 * Elasticsearch synonyms set get diagnostics on the exact term (Lucene's wording for refused
 * rules), hovers, inlay hints, and `addPair` edits in their own syntax; nothing is rewritten.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Hover, InlayHint, MarkupContent } from 'vscode-languageserver-protocol/node';
import type { AddPairResult } from '../../src/shared/protocol';
import { parseSolr } from '../../src/core/formats/solr';
import { parseEsSynonymsSet } from '../../src/core/formats/es';
import { fixtureUri, has, startServer, type TestServer } from './client';

const range = (sl: number, sc: number, el: number, ec: number) => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });

const SOLR = ['# cars', '普拉多, 霸道SUV, 陆地巡洋舰', '发动机 => 引擎', 'a => b => c', 'x, \\,y , x', '  # not a comment', ''].join('\n');
const ES = '{\n  "synonyms_set": [\n    { "id": "cars-1", "synonyms": "普拉多, 霸道SUV" },\n    { "id": "cars-2", "synonyms": "发动机 => , 引擎" }\n  ]\n}\n';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

test('a Solr synonyms.txt: Lucene-worded errors on the exact range, pair issues on the term, model diagnostics', async () => {
  const uri = fixtureUri('synonyms.txt');
  server.open(uri, SOLR, 'synonym-solr');
  const { diagnostics } = await server.waitDiagnostics(uri, has('low-similarity'), { what: 'similarity diagnostics of synonyms.txt' });
  const rule = diagnostics.filter((d) => d.code === 'synonym-rule');
  const refused = rule.find((d) => d.severity === 1)!;
  assert.equal(refused.message, 'Invalid synonym rule at line 4: more than one explicit mapping specified on the same line');
  assert.deepEqual(refused.range, range(3, 0, 3, 11));
  assert.ok(rule.some((d) => d.severity === 2 && d.range.start.line === 5 && /not the first character/.test(String(d.message))));
  // `x, \,y , x`: a self pair on the second `x`, the escaped term read as `,y`.
  const self = diagnostics.find((d) => d.code === 'self-pair')!;
  assert.deepEqual(self.range, range(4, 9, 4, 10));
  // Each model diagnostic sits exactly on a term of a rule the engine accepts.
  const terms = parseSolr(SOLR).rules.filter((r) => !r.refused).flatMap((r) => [...r.inputs, ...r.outputs].map((t) => JSON.stringify(t.range)));
  const low = diagnostics.filter((d) => d.code === 'low-similarity');
  assert.ok(low.length > 0);
  for (const d of low) assert.ok(terms.includes(JSON.stringify(d.range)), JSON.stringify(d.range));

  const hover = await server.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 6 } });
  const md = (hover.contents as MarkupContent).value;
  assert.deepEqual(hover.range, range(1, 5, 1, 10));
  assert.match(md, /^\*\*霸道SUV\*\*/);
  assert.match(md, /Synonym group: /);

  const hints = await server.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: range(0, 0, 3, 0) });
  assert.deepEqual(hints.map((h) => h.position), [{ line: 1, character: 10 }, { line: 1, character: 17 }, { line: 2, character: 9 }]);

  // addPair writes a Solr rule after the row, in the file's syntax; every other byte stays.
  const added = await server.request<AddPairResult>('synonymLens/addPair', { uri, term: 'a,b', synonym: '#c', afterRow: 1 });
  const after = TextDocument.applyEdits(TextDocument.create(uri, 'synonym-solr', 1, SOLR), added.edits);
  assert.equal(after, SOLR.replace('发动机 => 引擎\n', '发动机 => 引擎\na\\,b, \\#c\n'));
  assert.deepEqual(parseSolr(after).rules[2].inputs.map((t) => t.text), ['a,b', '#c']);
  await assert.rejects(server.request('synonymLens/addPair', { uri, term: 'p', synonym: 'q', label: 0 }), /cannot say "not a synonym"/);
  server.close(uri);
});

test('an Elasticsearch synonyms set: refused rule on the JSON line in Lucene words, hover on a term inside the JSON string, addPair keeps ids', async () => {
  const uri = fixtureUri('cars.synonyms.json');
  server.open(uri, ES, 'synonym-es');
  const { diagnostics } = await server.waitDiagnostics(uri, (d) => d.some((x) => x.code === 'synonym-rule'));
  const refused = diagnostics.find((d) => d.code === 'synonym-rule')!;
  assert.equal(refused.message, 'Invalid synonym rule at line 4: term:  was completely eliminated by analyzer');
  assert.equal(refused.range.start.line, 3);
  const hover = await server.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 41 } });
  assert.deepEqual(hover.range, range(2, 40, 2, 45));
  assert.match((hover.contents as MarkupContent).value, /^\*\*霸道SUV\*\*/);
  const added = await server.request<AddPairResult>('synonymLens/addPair', { uri, term: 'tv', synonym: 'tele"vision' });
  const after = TextDocument.applyEdits(TextDocument.create(uri, 'synonym-es', 1, ES), added.edits);
  const set = parseEsSynonymsSet(after);
  assert.deepEqual(set.rules.map((r) => r.id), ['cars-1', 'cars-2', 'synonyms-3']);
  assert.deepEqual(set.rules[2].rule.inputs.map((t) => t.text), ['tv', 'tele"vision']);
  assert.equal(JSON.parse(after).synonyms_set.length, 3);
  assert.equal(after.slice(0, ES.lastIndexOf('}\n  ]')), ES.slice(0, ES.lastIndexOf('}\n  ]')), 'bytes before the insertion unchanged');
  server.close(uri);
});

test('invalid JSON: one error where the JSON breaks, and the server keeps answering', async () => {
  const uri = fixtureUri('broken.synonyms.json');
  server.open(uri, '{"synonyms_set": [\n  {"id": "a", "synonyms": "a, b"}\n', 'synonym-es');
  const { diagnostics } = await server.waitDiagnostics(uri, (d) => d.length > 0);
  assert.equal(diagnostics.length, 1);
  assert.equal(diagnostics[0].code, 'synonym-set');
  assert.match(String(diagnostics[0].message), /^Line 3, column 1: invalid JSON: unexpected end of text/);
  const hover = await server.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 28 } });
  assert.equal(hover, null);
  server.close(uri);
});
