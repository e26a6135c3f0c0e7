/// <reference path="../../src/core/csv/papaparse.d.ts" />
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';

import { parseDictionary } from '../../src/core/csv/parse';
import { uniqueTerms } from '../../src/core/dictionary';
import { CancelledError } from '../../src/core/cancellation';
import { normalize } from '../../src/core/vectors';
import { KnnIndex } from '../../src/core/knn';
import { flagEmbeddingJsonl, sentenceTransformersCsv, standingDecisions, trainingExamples } from '../../src/core/trainingData';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/training');

const vec = (...xs: number[]) => {
  const v = Float32Array.from(xs);
  normalize(v);
  return v;
};
const TABLE: Record<string, Float32Array> = {
  汽车: vec(1, 0, 0, 0),
  轿车: vec(1, 0.2, 0, 0),
  车辆: vec(1, 0, 0.2, 0),
  汽油: vec(0.9, 0, 0, 0.4),
  火车: vec(0.95, 0.1, 0.1, 0.1),
  自行车: vec(0.5, 1, 0, 0),
  '单车, 共享': vec(0.4, 1, 0, 0),
  飞机: vec(0.7, 0, 0, 0.7),
};
const dict = parseDictionary('term,synonym,label\n汽车,轿车,1\n汽车,车辆,1\n自行车,"单车, 共享",1\n汽车,汽油,0\n火车,飞机,0\n');
const terms = uniqueTerms(dict);
const vectors = KnnIndex.of(terms.map((t) => TABLE[t]!));

describe('trainingExamples', () => {
  test('each group member is a query; rejected partners come first, then the nearest terms outside the group', () => {
    const ex = trainingExamples(dict.pairs, terms, vectors, standingDecisions(dict.pairs), { negatives: 3 });
    assert.deepEqual(
      ex.map((e) => e.query),
      ['汽车', '轿车', '车辆', '自行车', '单车, 共享'],
    );
    const car = ex[0]!;
    assert.deepEqual(car.pos, ['轿车', '车辆']);
    assert.deepEqual(car.neg, ['汽油', '火车', '飞机'], 'the rejected 汽油, then by cosine, never a member');
    assert.deepEqual(ex[3]!.neg, ['轿车', '火车', '汽车'], '自行车: three mined, by cosine 0.61, 0.53, 0.45');
    for (const e of ex) assert.ok(!e.neg.some((n) => e.pos.includes(n) || n === e.query));
  });

  test('the decisions file adds rejections and can take a label 0 back', () => {
    const decisions = standingDecisions(dict.pairs, [
      { term: '汽油', synonym: '汽车', label: 1, decidedAt: '2026-12-05' },
      { term: '轿车', synonym: '飞机', label: 0, decidedAt: '2026-12-05' },
    ]);
    const ex = trainingExamples(dict.pairs, terms, vectors, decisions, { negatives: 2 });
    assert.ok(!ex[0]!.neg.includes('汽油'), 'taken back: never a negative of 汽车');
    assert.equal(ex[1]!.neg[0], '飞机', 'rejected in the file: first negative of 轿车');
  });

  test('cancellation', () => {
    assert.throws(() => trainingExamples(dict.pairs, terms, vectors, standingDecisions(dict.pairs), { flag: { isCancellationRequested: true } }), CancelledError);
  });
});

describe('layouts, against the projects\' documented examples', () => {
  const examples = trainingExamples(dict.pairs, terms, vectors, standingDecisions(dict.pairs), { negatives: 3 });

  test('FlagEmbedding JSONL: one object a line with the documented query/pos/neg keys and types', () => {
    const documented = JSON.parse(readFileSync(path.join(fixtures, 'flagembedding-sts.jsonl'), 'utf8').trim()) as Record<string, unknown>;
    const shape = (o: Record<string, unknown>) => ({
      query: typeof o.query,
      pos: Array.isArray(o.pos) && (o.pos as unknown[]).every((x) => typeof x === 'string'),
      neg: Array.isArray(o.neg) && (o.neg as unknown[]).every((x) => typeof x === 'string'),
    });
    const text = flagEmbeddingJsonl(examples);
    assert.ok(text.endsWith('\n'));
    const lines = text.trimEnd().split('\n');
    assert.equal(lines.length, examples.length);
    for (const line of lines) {
      const ours = JSON.parse(line) as Record<string, unknown>;
      assert.deepEqual(Object.keys(ours), ['query', 'pos', 'neg']);
      assert.deepEqual(Object.keys(documented).slice(0, 3), ['query', 'pos', 'neg']);
      assert.deepEqual(shape(ours), shape(documented));
    }
    assert.deepEqual(JSON.parse(lines[0]!), { query: '汽车', pos: ['轿车', '车辆'], neg: ['汽油', '火车', '飞机'] });
  });

  test('sentence-transformers CSV: the documented anchor,positive,negative columns; quoting reads back', () => {
    const read = (text: string) => {
      const parsed = Papa.parse(text, { delimiter: ',', newline: '\n', skipEmptyLines: true });
      assert.deepEqual(parsed.errors, []);
      const [fields, ...records] = parsed.data;
      return { fields, rows: records.map((r) => Object.fromEntries(fields!.map((f, i) => [f, r[i]]))) };
    };
    const documented = read(readFileSync(path.join(fixtures, 'sentence-transformers-triplet.csv'), 'utf8'));
    const text = sentenceTransformersCsv(examples);
    const ours = read(text);
    assert.deepEqual(ours.fields, documented.fields);
    assert.deepEqual(ours.fields, ['anchor', 'positive', 'negative']);
    for (const r of [...ours.rows, ...documented.rows]) assert.equal(Object.values(r).filter((v) => typeof v === 'string').length, 3);
    const rows = ours.rows;
    assert.equal(rows.length, examples.reduce((n, e) => n + (e.neg.length ? e.pos.length : 0), 0));
    assert.deepEqual(rows[0], { anchor: '汽车', positive: '轿车', negative: '汽油' });
    assert.deepEqual(rows[1], { anchor: '汽车', positive: '车辆', negative: '火车' }, 'a second positive meets the next negative');
    assert.ok(rows.some((r) => r.positive === '单车, 共享'), 'a comma inside a term survives');
  });
});
