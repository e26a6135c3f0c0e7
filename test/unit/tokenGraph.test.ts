// Paths through SynonymGraphFilter's token graph (src/core/formats/tokenGraph.ts), on the graph
// Lucene 8.7 with smartcn makes of 普拉多 发动机 with the rules `普拉多, 霸道SUV, 陆地巡洋舰` and
// `发动机 => 引擎` (test/lucene/analysis.test.ts asks the real helper for it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { graphPaths } from '../../src/core/formats/tokenGraph';

const lucene = [
  { term: '霸道', position: 0, positionLength: 1 },
  { term: '陆地', position: 0, positionLength: 2 },
  { term: '普', position: 0, positionLength: 3 },
  { term: 'suv', position: 1, positionLength: 4 },
  { term: '巡洋舰', position: 2, positionLength: 3 },
  { term: '拉', position: 3, positionLength: 1 },
  { term: '多', position: 4, positionLength: 1 },
  { term: '引擎', position: 5, positionLength: 1 },
];

test('every path from the first node to the last: the query and each synonym in its place', () => {
  assert.deepEqual(graphPaths(lucene), {
    paths: [
      ['霸道', 'suv', '引擎'],
      ['陆地', '巡洋舰', '引擎'],
      ['普', '拉', '多', '引擎'],
    ],
    truncated: false,
  });
});

test('a limit on the number of paths, and the empty graph', () => {
  assert.deepEqual(graphPaths(lucene, 2), { paths: [['霸道', 'suv', '引擎'], ['陆地', '巡洋舰', '引擎']], truncated: true });
  assert.deepEqual(graphPaths([]), { paths: [], truncated: false });
  assert.deepEqual(graphPaths([{ term: 'a', position: 0, positionLength: 1 }, { term: 'b', position: 1, positionLength: 1 }]).paths, [['a', 'b']]);
});
