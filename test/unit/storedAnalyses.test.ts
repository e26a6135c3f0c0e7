/** Term analyses kept beside the stored vectors (src/runtime/model/storedAnalyses.ts). */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TextAnalysis } from '../../src/runtime/model/engine';
import { StoredAnalyses } from '../../src/runtime/model/storedAnalyses';
import { tempRoot } from '../helpers/fixtures';

const { root, cleanup } = tempRoot('synonym-lens-analyses-');
after(cleanup);

/** A fake tokenizer: one unit per character, "?" unknown, longer than 5 truncated; counts its calls. */
function analyzer() {
  const calls: string[] = [];
  const analyze = (t: string): TextAnalysis => {
    calls.push(t);
    const units = [...t].length;
    const unknownUnits = [...t].filter((c) => c === '?').length;
    return { units, unknownUnits, unknownOnly: units === unknownUnits, truncated: units > 5 };
  };
  return { calls, analyze };
}

test('analyses are saved for the model and read back instead of analysed again; another model or format sees none', () => {
  const folder = path.join(root, 'a');
  mkdirSync(folder);
  const first = analyzer();
  const a = StoredAnalyses.open(folder, 'fp1');
  const terms = ['汽车', '??', 'a longer term', '__proto__', 'constructor'];
  const expected = terms.map((t) => a.get(t, first.analyze));
  assert.deepEqual(first.calls, terms);
  assert.deepEqual(a.get('汽车', first.analyze), expected[0]);
  assert.equal(first.calls.length, terms.length, 'asked twice, analysed once');
  a.save();

  const second = analyzer();
  const b = StoredAnalyses.open(folder, 'fp1');
  assert.deepEqual(terms.map((t) => b.get(t, second.analyze)), expected);
  assert.deepEqual(second.calls, []);
  assert.deepEqual(b.get('new', second.analyze), { units: 3, unknownUnits: 0, unknownOnly: false, truncated: false });
  assert.deepEqual(second.calls, ['new']);
  b.save();
  const c = StoredAnalyses.open(folder, 'fp1');
  const third = analyzer();
  for (const t of [...terms, 'new']) c.get(t, third.analyze);
  assert.deepEqual(third.calls, [], 'the file kept the terms not asked for in the second session too');

  const other = analyzer();
  StoredAnalyses.open(folder, 'fp2').get('汽车', other.analyze);
  assert.deepEqual(other.calls, ['汽车']);
});

test('a damaged file or entry is analysed again, never trusted', () => {
  const folder = path.join(root, 'b');
  mkdirSync(folder);
  const file = path.join(folder, 'analyses.json');
  writeFileSync(file, '{"format":1,"fingerprint":"fp","terms":{"ok":[2,0,0],"bad":[1,2,0],"worse":"x"');
  const x = analyzer();
  StoredAnalyses.open(folder, 'fp').get('ok', x.analyze);
  assert.deepEqual(x.calls, ['ok'], 'unparsable: ignored');
  writeFileSync(file, JSON.stringify({ format: 1, fingerprint: 'fp', terms: { ok: [2, 0, 0], bad: [1, 2, 0], worse: 'x' } }));
  const y = analyzer();
  const s = StoredAnalyses.open(folder, 'fp');
  assert.deepEqual(s.get('ok', y.analyze), { units: 2, unknownUnits: 0, unknownOnly: false, truncated: false });
  s.get('bad', y.analyze);
  s.get('worse', y.analyze);
  assert.deepEqual(y.calls, ['bad', 'worse']);
  s.save();
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')).terms, { ok: [2, 0, 0], bad: [3, 0, 0], worse: [5, 0, 0] });
});
