// Closing a large dictionary gives its memory back: the vectors and memoised analyses of terms no
// source holds any more are dropped once they outnumber the others (src/server/models.ts
// releaseClosedTerms, src/server/vocabulary.ts VectorStore.trim); the other sources' terms stay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeTerm, releaseClosedTerms, type ModelEntry } from '../../src/server/models';
import { VectorStore } from '../../src/server/vocabulary';

const dimension = 8;
function vectorOf(t: string): Float32Array {
  const v = new Float32Array(dimension);
  for (let i = 0; i < t.length; i++) v[(t.charCodeAt(i) + i) % dimension] += 1;
  const n = Math.hypot(...v) || 1;
  return v.map((x) => x / n);
}
const engine = {
  id: 'fake',
  fingerprint: 'fake',
  dimension,
  maxInputLength: 16,
  embed: async (texts: readonly string[]) => texts.map(vectorOf),
  analyze: (t: string) => ({ units: t.length, unknownUnits: 0, unknownOnly: false, truncated: false }),
  dispose: async () => undefined,
};

function entryWith(store: VectorStore): ModelEntry {
  return { spec: 'fake', state: 'ready', modelId: 'fake', engine, store, analyses: new Map(), ready: Promise.resolve(), extra: false } as unknown as ModelEntry;
}

test('closing a large dictionary drops its vectors and analyses; the terms still open keep theirs', async () => {
  const store = new VectorStore(engine);
  const entry = entryWith(store);
  const big = Array.from({ length: 20_000 }, (_, i) => `big${i}`);
  const kept = ['alpha', 'beta', 'gamma'];
  store.setSource('file:///big.csv', new Set(big));
  store.setSource('file:///small.csv', new Set(kept));
  await store.ensure([...big, ...kept]);
  for (const t of [...big, ...kept]) analyzeTerm(entry, t);

  store.removeSource('file:///big.csv');
  // Still held until released: closing is what lets them go.
  assert.ok(store.has('big1'));
  releaseClosedTerms(entry);
  assert.equal(store.has('big1'), false);
  assert.equal(store.has('big19999'), false);
  assert.equal(entry.analyses.size, kept.length);
  for (const t of kept) {
    assert.deepEqual(store.get(t), vectorOf(t));
    assert.ok(entry.analyses.has(t));
  }
  assert.equal(store.vocabularySize, kept.length);
  assert.deepEqual(store.nearest(vectorOf('alpha'), 1).map((s) => s.text), ['alpha']);

  // Reopened, its terms are embedded again.
  store.setSource('file:///big.csv', new Set(big));
  assert.equal(store.missing(big).length, big.length);
  await store.ensure(big);
  assert.deepEqual(store.get('big7'), vectorOf('big7'));
});

test('a few closed terms (typing debris) stay: nothing is dropped below the threshold', async () => {
  const store = new VectorStore(engine);
  const entry = entryWith(store);
  const terms = Array.from({ length: 100 }, (_, i) => `t${i}`);
  store.setSource('a', new Set(terms));
  await store.ensure(terms);
  store.removeSource('a');
  releaseClosedTerms(entry);
  assert.ok(store.has('t5'));
});
