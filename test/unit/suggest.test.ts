import { test, describe } from 'node:test';
import assert from 'node:assert/strict';

import { parseDictionary } from '../../src/core/csv/parse';
import { CancelledError } from '../../src/core/cancellation';
import { DecisionIndex } from '../../src/core/decisions';
import { normalize } from '../../src/core/vectors';
import { KnnIndex } from '../../src/core/knn';
import {
  AttributeList,
  attributesPathFor,
  classifyPair,
  parseAttributeWords,
  parseTermList,
  planSuggestions,
  suggest,
  TermListError,
  type ListTerm,
  type Suggestion,
} from '../../src/core/suggest';
import { spellingTools } from '../../src/runtime/suggest/spelling';

const tools = spellingTools();

describe('parseTermList', () => {
  test('one term a line: trimmed, blank and # lines skipped, commas are part of terms, duplicates once', () => {
    assert.deepEqual(parseTermList('\uFEFF苹果\r\n  a, b \n\n# note\n苹果\n'), [{ term: '苹果' }, { term: 'a, b' }]);
  });

  test('a CSV with a term and a count column (any order, Chinese names too); counts of a repeated term add up', () => {
    assert.deepEqual(parseTermList('count,query\n12,自行车\n3,"bike, red"\n5,自行车\n,单车\n'), [
      { term: '自行车', count: 17 },
      { term: 'bike, red', count: 3 },
      { term: '单车' },
    ]);
    assert.deepEqual(parseTermList('搜索词,搜索次数\n单车,4\n'), [{ term: '单车', count: 4 }]);
    assert.deepEqual(parseTermList('term\nx\n'), [{ term: 'term' }, { term: 'x' }], 'one column: a plain list');
  });

  test('clear errors: no term column, a bad count, broken quoting', () => {
    assert.throws(() => parseTermList('name,count\nx,1\n'), (e) => e instanceof TermListError && e.messageId === 'termListNoTermColumn' && /"name,count"/.test(e.message));
    assert.throws(() => parseTermList('term,count\nx,1\ny,-2\n'), (e) => e instanceof TermListError && e.line === 3 && /the count is "-2"/.test(e.message));
    assert.throws(() => parseTermList('term,count\n"x,1\n'), (e) => e instanceof TermListError && e.messageId === 'termListSyntax');
  });
});

describe('attribute stop-list', () => {
  const list = new AttributeList();
  test('pairs that differ only in colour, size, year or model number are caught', () => {
    assert.ok(list.differOnlyInAttributes('red bike', 'blue bike'));
    assert.ok(list.differOnlyInAttributes('红色自行车', '蓝色自行车'));
    assert.ok(list.differOnlyInAttributes('2023款卡罗拉', '2024款卡罗拉'));
    assert.ok(list.differOnlyInAttributes('iPhone 14', 'iphone 15'));
    assert.ok(list.differOnlyInAttributes('T恤 XL', 'T恤 S'));
    assert.ok(list.differOnlyInAttributes('bike', 'red bike'), 'with and without an attribute');
  });

  test('synonyms, the same attributes, and words that merely contain a size letter are not', () => {
    assert.ok(!list.differOnlyInAttributes('自行车', '单车'));
    assert.ok(!list.differOnlyInAttributes('red bike', 'Red  Bike'));
    assert.ok(!list.differOnlyInAttributes('bus', 'bu'));
    assert.ok(!list.differOnlyInAttributes('red', 'blue'), 'nothing left once attributes are out');
  });

  test('a per-dictionary file adds words', () => {
    const words = parseAttributeWords('# materials\n真皮\n\n 布艺 \n');
    assert.deepEqual(words, ['真皮', '布艺']);
    const custom = new AttributeList(['真皮', '布艺']);
    assert.ok(custom.differOnlyInAttributes('真皮沙发', '布艺沙发'));
    assert.ok(!new AttributeList().differOnlyInAttributes('真皮沙发', '布艺沙发'));
    assert.equal(attributesPathFor('/w/cars.synonyms.csv'), '/w/cars.synonyms.attributes.txt');
  });
});

describe('classifyPair', () => {
  test('each variant kind, and synonyms', () => {
    assert.equal(classifyPair('ＳＵＶ', 'SUV', tools), 'width');
    assert.equal(classifyPair('iPhone', 'iphone', tools), 'case');
    assert.equal(classifyPair('自行車', '自行车', tools), 'traditional-simplified');
    assert.equal(classifyPair('軟體', '软体', tools), 'traditional-simplified');
    assert.equal(classifyPair('e-bike', 'ebike', tools), 'spacing');
    assert.equal(classifyPair('Ｅ-Bike', 'e bike', tools), 'spacing', 'width and case folded first');
    assert.equal(classifyPair('帐号', '账号', tools), 'pinyin');
    assert.equal(classifyPair('iphone', 'iphnoe', tools), 'edit-distance');
    assert.equal(classifyPair('playstation', 'plaistaton', tools), 'edit-distance');
    assert.equal(classifyPair('自行车', '单车', tools), 'synonym');
    assert.equal(classifyPair('红酒', '白酒', tools), 'synonym', 'one Chinese character apart is another word');
    assert.equal(classifyPair('cat', 'car', tools), 'synonym', 'short words one letter apart are other words');
    assert.equal(classifyPair('notebook', 'laptop', tools), 'synonym');
  });
});

/** A unit vector from a direction (the test's stand-in for a model). */
const vec = (...xs: number[]) => {
  const v = Float32Array.from(xs);
  normalize(v);
  return v;
};

/** Vectors of `terms` from `table` (missing terms: a direction of their own, far from the rest). */
function matrix(terms: readonly string[], table: Record<string, Float32Array>): KnnIndex {
  const m = new KnnIndex(6, terms.length);
  terms.forEach((t, i) => m.add(table[t] ?? vec(0, 0, 0, 0, 1, (i % 7) / 10)));
  return m;
}

const TABLE: Record<string, Float32Array> = {
  car: vec(1, 0, 0, 0, 0, 0),
  automobile: vec(1, 0.1, 0, 0, 0, 0),
  bike: vec(0, 1, 0, 0, 0, 0),
  auto: vec(1, 0.05, 0.1, 0, 0, 0),
  vehicle: vec(1, 0.3, 0.2, 0, 0, 0),
  bicycle: vec(0.05, 1, 0.1, 0, 0, 0),
  'red bike': vec(0.1, 1, 0, 0.2, 0, 0),
  'blue bike': vec(0.1, 1, 0, 0.25, 0, 0),
  sofa: vec(0, 0, 1, 0, 0, 0),
  couch: vec(0, 0, 1, 0.1, 0, 0),
  settee: vec(0, 0.3, 1, 0, 0, 0),
  自行车: vec(0, 0.8, 0, 0, 0.6, 0),
  自行車: vec(0, 0, 0, 1, 0, 0), // far from 自行车: a model without traditional characters
};

function run(list: ListTerm[], opts: { decisions?: DecisionIndex; attributes?: AttributeList; minScore?: number; k?: number } = {}): Suggestion[] {
  const dict = parseDictionary('term,synonym\ncar,automobile\nbike,自行车\n');
  const plan = planSuggestions(dict, list);
  return suggest(plan, matrix(plan.dictTerms, TABLE), matrix(plan.newTerms.map((t) => t.term), TABLE), {
    tools,
    decisions: opts.decisions,
    attributes: opts.attributes ?? new AttributeList(),
    options: { k: opts.k ?? 3, minScore: opts.minScore },
  });
}

const LIST: ListTerm[] = ['auto', 'vehicle', 'bicycle', 'red bike', 'blue bike', 'sofa', 'couch', 'settee', '自行車', 'Car', 'automobile'].map((term) => ({ term }));

describe('planSuggestions', () => {
  test('groups from label-1 pairs; new terms exclude dictionary terms by termKey and merge counts', () => {
    const dict = parseDictionary('term,synonym,label\ncar,automobile,1\ncar,truck,0\n');
    const plan = planSuggestions(dict, [{ term: 'CAR' }, { term: 'auto', count: 2 }, { term: 'Auto', count: 3 }, { term: 'truck' }]);
    assert.deepEqual(plan.dictTerms, ['car', 'automobile', 'truck']);
    assert.deepEqual(plan.groups, [
      { standard: 'car', members: [0, 1] },
      { standard: 'truck', members: [2] },
    ]);
    assert.deepEqual(plan.newTerms, [{ term: 'auto', count: 5 }]);
  });
});

describe('suggest', () => {
  test('candidates per group with evidence, highest score first; dictionary terms never proposed', () => {
    const out = run(LIST);
    for (let i = 1; i < out.length; i++) assert.ok(out[i - 1]!.score >= out[i]!.score, 'sorted by score');
    assert.ok(!out.some((s) => ['car', 'automobile', 'Car'].includes(s.candidate)));
    const auto = out.find((s) => s.candidate === 'auto')!;
    assert.equal(auto.term, 'car');
    assert.equal(auto.kind, 'synonym');
    assert.deepEqual(auto.group, ['car', 'automobile']);
    assert.equal(auto.evidence.rank, 1);
    assert.equal(auto.evidence.rankBack, 1);
    assert.ok(Math.abs(auto.score - (auto.evidence.cosine + 0.1)) < 1e-9, 'cosine + mutual, no counts');
    const bicycle = out.find((s) => s.candidate === 'bicycle' && s.term === 'bike')!;
    assert.deepEqual(bicycle.group, ['bike', '自行车']);
  });

  test('new groups: mutual neighbours among new terms; colour-only pairs left out', () => {
    const out = run(LIST);
    const sofa = out.find((s) => s.group === null && [s.term, s.candidate].sort().join() === 'couch,sofa');
    assert.ok(sofa, 'sofa ~ couch proposed as a new group');
    assert.equal(sofa.evidence.rank, 1);
    assert.equal(sofa.evidence.rankBack, 1);
    assert.ok(!out.some((s) => [s.term, s.candidate].sort().join() === 'blue bike,red bike'), 'red bike ~ blue bike is an attribute pair');
    const without = run(LIST, { attributes: new AttributeList([]) });
    assert.ok(without.some((s) => [s.term, s.candidate].sort().join() === 'blue bike,red bike'), 'found when the stop-list is empty');
  });

  test('a traditional-character copy is a variant even when the model puts it far away', () => {
    const out = run(LIST);
    const v = out.filter((s) => s.candidate === '自行車' && s.kind !== 'synonym');
    assert.equal(v.length, 1, 'one variant; as a synonym candidate it may still be some group\'s nearest');
    assert.equal(v[0]!.kind, 'traditional-simplified');
    assert.equal(v[0]!.term, 'bike');
    assert.ok(v[0]!.evidence.cosine < 0.1);
  });

  test('decided pairs (either label, either order, any member) are left out', () => {
    const decisions = new DecisionIndex([
      { term: 'vehicle', synonym: 'automobile', label: 0, decidedAt: '2026-12-05' },
      { term: 'couch', synonym: 'sofa', label: 1, decidedAt: '2026-12-05' },
    ]);
    const out = run(LIST, { decisions });
    assert.ok(run(LIST).some((s) => s.candidate === 'vehicle' && s.term === 'car'));
    assert.ok(!out.some((s) => s.candidate === 'vehicle' && s.term === 'car'));
    assert.ok(!out.some((s) => [s.term, s.candidate].sort().join() === 'couch,sofa'));
  });

  test('--min-score drops synonym candidates, never variants; counts raise the score', () => {
    const out = run(LIST, { minScore: 1.05 });
    assert.ok(out.every((s) => s.kind !== 'synonym' || s.score >= 1.05));
    assert.ok(out.some((s) => s.kind === 'traditional-simplified'));
    const counted = run(LIST.map((t) => (t.term === 'vehicle' ? { ...t, count: 1000 } : t.term === 'auto' ? { ...t, count: 1 } : t)));
    const vehicle = counted.find((s) => s.candidate === 'vehicle' && s.term === 'car')!;
    assert.equal(vehicle.evidence.count, 1000);
    const plain = run(LIST).find((s) => s.candidate === 'vehicle' && s.term === 'car')!;
    assert.ok(Math.abs(vehicle.score - plain.score - 0.05) < 1e-9, 'the most counted term gets the whole count weight');
  });

  test('k bounds synonym candidates per group', () => {
    const out = run(LIST, { k: 1 });
    assert.equal(out.filter((s) => s.term === 'car' && s.kind === 'synonym').length, 1);
  });

  test('cancellation stops the run with CancelledError', () => {
    const dict = parseDictionary('term,synonym\ncar,automobile\n');
    const plan = planSuggestions(dict, LIST);
    assert.throws(
      () => suggest(plan, matrix(plan.dictTerms, TABLE), matrix(plan.newTerms.map((t) => t.term), TABLE), { tools, flag: { isCancellationRequested: true } }),
      CancelledError,
    );
  });
});

describe('variant kinds against a group', () => {
  test('the closest kind over the members wins: a traditional copy of one member, homophone of another', () => {
    const dict = parseDictionary('term,synonym\n年青,年轻\n');
    const plan = planSuggestions(dict, [{ term: '年輕' }]);
    const table: Record<string, Float32Array> = { 年青: vec(1, 0, 0, 0, 0, 0), 年轻: vec(1, 0.1, 0, 0, 0, 0), 年輕: vec(0, 1, 0, 0, 0, 0) };
    const out = suggest(plan, matrix(plan.dictTerms, table), matrix(['年輕'], table), { tools, options: { k: 3 } });
    assert.deepEqual(
      out.map((s) => [s.term, s.candidate, s.kind]),
      [['年青', '年輕', 'traditional-simplified']],
    );
  });
});
