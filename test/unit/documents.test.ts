/**
 * The server's per-document index follows edits: synonym groups and partners read from it must
 * equal what core computes from scratch for the current version.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';

import { Analysis } from '../../src/server/documents';
import { modelDiagnosticListSteps, modelDiagnostics, structuralDiagnostics, structuralParts } from '../../src/server/diagnostics';
import { capDiagnostics, capParts } from '../../src/server/diagnosticsCap';
import { runSteps } from '../../src/core/steps';
import type { ModelEntry } from '../../src/server/models';
import { VectorStore } from '../../src/server/vocabulary';
import { defaultSettings } from '../../src/shared/settings';
import { findPairIssues, synonymGroups, termKey } from '../../src/core/dictionary';
import { parseDictionary } from '../../src/core/csv/parse';

/** partnersOf as it was computed before the index existed (one pass over the pairs). */
function partnersFromScratch(text: string, term: string): Map<string, 0 | 1> {
  const m = new Map<string, Map<string, 0 | 1>>();
  const link = (x: string, y: string, label: 0 | 1) => {
    let e = m.get(x);
    if (!e) m.set(x, (e = new Map()));
    if (e.get(y) !== 1) e.set(y, label);
  };
  for (const p of parseDictionary(text).pairs) {
    link(termKey(p.a.text), termKey(p.b.text), p.label);
    link(termKey(p.b.text), termKey(p.a.text), p.label);
  }
  return m.get(termKey(term)) ?? new Map();
}

test('Analysis.next: groups, partners, issues and terms equal a fresh analysis after each edit', () => {
  const terms = ['a', 'A', 'b', 'ｂ', 'c', 'd', 'e', ' f '];
  const line = fc.tuple(fc.constantFrom(...terms), fc.constantFrom(...terms), fc.constantFrom('0', '1')).map((t) => t.join(','));
  const edit = fc.record({ row: fc.nat(30), remove: fc.nat(2), insert: fc.array(line, { maxLength: 2 }) });
  fc.assert(
    fc.property(fc.array(line, { minLength: 1, maxLength: 30 }), fc.array(edit, { maxLength: 8 }), (lines, edits) => {
      let text = ['term,synonym,label', ...lines].join('\n') + '\n';
      let doc = TextDocument.create('file:///t.synonyms.csv', 'synonym-csv', 1, text);
      let a = Analysis.of(doc);
      for (const e of edits) {
        const all = text.split('\n');
        all.splice(1 + (e.row % Math.max(1, all.length - 1)), e.remove, ...e.insert);
        text = all.join('\n');
        doc = TextDocument.create(doc.uri, doc.languageId, doc.version + 1, text);
        const previous = a;
        a = a.next(doc);
        assert.ok(previous.superseded && !a.superseded);
        const fresh = Analysis.of(doc);
        const groups = synonymGroups(parseDictionary(text).pairs);
        for (const t of terms) {
          const want = groups.find((g) => g.some((m) => termKey(m) === termKey(t)));
          assert.deepEqual(a.synonymGroup(t), want, `group of ${t} in ${JSON.stringify(text)}`);
          assert.deepEqual([...a.partnersOf(t)].sort(), [...partnersFromScratch(text, t)].sort(), `partners of ${t}`);
        }
        assert.deepEqual(a.issues.map((i) => i.message), findPairIssues(a.dict).map((i) => i.message));
        assert.deepEqual([...a.terms].sort(), [...fresh.terms].sort());
      }
    }),
    { numRuns: 300 },
  );
});

test('modelDiagnostics kept across edits equal those of a fresh analysis', async () => {
  // A deterministic fake engine: vectors from the text's characters; "u" marks unknown terms,
  // more than 6 characters a truncated one.
  const dimension = 8;
  const vectorOf = (t: string) => {
    const v = new Float32Array(dimension);
    for (const ch of t) v[ch.charCodeAt(0) % dimension]! += 1;
    let n = 0;
    for (const x of v) n += x * x;
    return v.map((x) => (n > 0 ? x / Math.sqrt(n) : 0));
  };
  const engine = {
    id: 'fake',
    fingerprint: 'fake',
    dimension,
    maxInputLength: 6,
    embed: async (texts: readonly string[]) => texts.map(vectorOf),
    analyze: (t: string) => ({ units: t.length, unknownUnits: 0, unknownOnly: t.includes('u'), truncated: t.length > 6 }),
    dispose: async () => undefined,
  };
  const settings = defaultSettings;
  const t = { threshold: 0.6, negativeThreshold: 0.4 };
  const words = ['ab', 'ba', 'abc', 'xyz', 'uu', 'longword1', 'cab', 'zz'];
  // Terms without a vector leave their pairs unscored until they get one, mid-way.
  const late = ['qq', 'q2'];
  const line = fc.tuple(fc.constantFrom(...words, ...late), fc.constantFrom(...words), fc.constantFrom('0', '1')).map((x) => x.join(','));
  const edit = fc.record({ row: fc.nat(30), remove: fc.nat(2), insert: fc.array(line, { maxLength: 2 }) });
  await fc.assert(
    fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 30 }), fc.array(edit, { maxLength: 8 }), async (lines, edits) => {
      const store = new VectorStore(engine);
      const entry = { spec: 'fake', state: 'ready', modelId: 'fake', engine, store, analyses: new Map(), ready: Promise.resolve() } as unknown as ModelEntry;
      store.setSource('all', new Set([...words, ...late]));
      await store.ensure(words);
      let text = ['term,synonym,label', ...lines].join('\n') + '\n';
      let doc = TextDocument.create('file:///m.synonyms.csv', 'synonym-csv', 1, text);
      let a = Analysis.of(doc);
      modelDiagnostics(a, settings, entry, t);
      for (const [i, e] of edits.entries()) {
        if (i === 2) await store.ensure(late);
        const all = text.split('\n');
        all.splice(1 + (e.row % Math.max(1, all.length - 1)), e.remove, ...e.insert);
        text = all.join('\n');
        doc = TextDocument.create(doc.uri, doc.languageId, doc.version + 1, text);
        a = a.next(doc);
        const kept = modelDiagnostics(a, settings, entry, t);
        const fresh = modelDiagnostics(Analysis.of(doc), settings, entry, t);
        assert.deepEqual(kept, fresh, JSON.stringify(text));
        // A capped publish makes the model's diagnostics on demand: the same as capping them all.
        const structural = structuralDiagnostics(a, settings);
        for (const max of [1, 2, 4, 12, 1000]) {
          const list = runSteps(modelDiagnosticListSteps(a, settings, entry, t));
          assert.deepEqual(capParts([...structuralParts(a, settings), list, []], max, 'm.csv'), capDiagnostics(structural.concat(kept.diagnostics), max, 'm.csv'), `${max} ${JSON.stringify(text)}`);
        }
      }
    }),
    { numRuns: 200 },
  );
});

test('Analysis.build (stepwise, pausing every few thousand rows) equals Analysis.of; an edit after it re-parses incrementally', () => {
  // 20,000 rows: the index pauses several times; repeated and reversed pairs give issues across pauses.
  const rows = Array.from({ length: 20_000 }, (_, i) => (i % 997 === 5 ? `t${i % 50},s${i % 50}` : i % 1000 === 7 ? `s${i % 50},t${i % 50}` : `t${i % 50},s${i}`));
  const text = 'term,synonym\n' + rows.join('\n') + '\n';
  const doc = TextDocument.create('file:///big.csv', 'synonym-csv', 1, text);
  const steps = Analysis.build(doc);
  let pauses = 0;
  let r = steps.next();
  for (; !r.done; r = steps.next()) pauses++;
  const built = r.value;
  const whole = Analysis.of(doc);
  assert.ok(pauses >= 5, `${pauses} pauses`);
  assert.equal(built.version, 1);
  assert.deepEqual(built.issues.map((i) => i.message), whole.issues.map((i) => i.message));
  assert.deepEqual([...built.terms], [...whole.terms]);
  assert.deepEqual(built.synonymGroup('t3'), whole.synonymGroup('t3'));
  assert.deepEqual(built.termsInLines(2, 3), ['t1', 's1', 't2', 's2']);
  const edited = TextDocument.update(doc, [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 2 } }, text: 'x' }], 2);
  const next = built.tryNext(edited);
  assert.ok(next && built.superseded);
  assert.equal(next.dict.rows[1].term?.text, 'x');
  // An edit reaching the header needs a whole-file parse: tryNext leaves it to the caller.
  const header = TextDocument.update(edited, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } }, text: 'word' }], 3);
  assert.equal(next.tryNext(header), undefined);
  assert.ok(next.superseded);
});

test('Analysis.build leaves the term counts for later: counted in steps, at once by `terms`, or before an edit is applied', () => {
  const rows = Array.from({ length: 30_000 }, (_, i) => `t${i % 7000},s${i}`);
  const text = 'term,synonym\n' + rows.join('\n') + '\n';
  const doc = TextDocument.create('file:///counts.csv', 'synonym-csv', 1, text);
  const whole = Analysis.of(doc);
  const build = () => {
    const steps = Analysis.build(doc);
    let r = steps.next();
    while (!r.done) r = steps.next();
    return r.value;
  };
  // In steps, with `terms` asked between two of them: each goes on from the rows counted so far.
  const a = build();
  assert.equal(a.index.termsCounted, false);
  assert.deepEqual(a.issues.map((i) => i.message), whole.issues.map((i) => i.message));
  const steps = a.index.countSteps();
  let paused = 0;
  while (!steps.next().done) if (++paused === 2) assert.deepEqual([...a.terms], [...whole.terms]);
  assert.ok(paused >= 2, `${paused} pauses`);
  assert.ok(a.index.termsCounted);
  assert.deepEqual([...a.terms], [...whole.terms]);
  // An edit of a version whose terms are not counted yet: the counts follow it.
  const b = build();
  const edited = TextDocument.update(doc, [{ range: { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } }, text: 'new,x0\n' }], 2);
  const next = b.tryNext(edited);
  assert.ok(next && b.index.termsCounted);
  assert.deepEqual([...next.terms].sort(), [...Analysis.of(edited).terms].sort());
  assert.ok([...next.terms].includes('x0') && ![...next.terms].includes('s0'));
});
