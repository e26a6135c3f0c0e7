// The review loop's logic outside the editor: decisions counted since the last fine-tune, rejected
// pairs as the next fine-tune's hard negatives, inserts of several verdicts merged, the group row
// an accepted pair joins, and which term lists Workspace Trust lets Suggest Synonyms… read.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyEdits } from '../../src/core/csv/serialize';
import { parseDictionary } from '../../src/core/csv/parse';
import { decisionsSince, type Decision } from '../../src/core/decisions';
import { withRejectedPairs } from '../../src/core/trainingData';
import { dictionaryPairs } from '../../src/runtime/learn/pipeline';
import { termListPaths } from '../../src/client/termListPaths';
import { lastRowOfGroup, mergeInserts } from '../../src/server/requests/edits';

const d = (term: string, synonym: string, label: 0 | 1, decidedAt: string): Decision => ({ term, synonym, label, decidedAt });

describe('decisionsSince', () => {
  const decisions = [d('a', 'b', 0, '2026-12-01'), d('a', 'c', 0, '2026-12-05T10:00:00Z'), d('B', 'a', 1, '2026-12-05T12:00:00Z'), d('x', 'y', 0, '2026-12-05T11:30:00+08:00')];
  test('counts every decided pair once when there is no fine-tuned model', () => {
    // (a, b) decided twice (either order, any case): its later verdict stands.
    assert.equal(decisionsSince(decisions, undefined), 3);
  });
  test('counts the pairs decided after the model, by the standing verdict\'s date and zone', () => {
    assert.equal(decisionsSince(decisions, Date.parse('2026-12-05T09:00:00Z')), 2);
    // 11:30+08:00 is 03:30Z: before 09:00Z.
    assert.equal(decisionsSince(decisions, Date.parse('2026-12-05T03:00:00Z')), 3);
    assert.equal(decisionsSince(decisions, Date.parse('2026-12-06T00:00:00Z')), 0);
  });
});

describe('withRejectedPairs: the decisions file\'s rejections are label-0 pairs of a fine-tune', () => {
  const text = 'term,synonym,label\n普拉多,霸道SUV,1\n宝马,BMW,1\n宝马,奔驰,0\n';
  test('adds each standing rejection the dictionary lacks, once; leaves accepted and overturned ones out', () => {
    const pairs = withRejectedPairs(dictionaryPairs(text), [
      d('普拉多', '霸道', 0, '2026-12-05'),
      d('奔驰', '宝马', 0, '2026-12-05'), // already a label-0 row
      d('宝马', '宝马汽车', 0, '2026-12-05'),
      d('宝马汽车', '宝马', 1, '2026-12-06'), // taken back: no longer a rejection
      d('普拉多', '霸道', 0, '2026-12-07'), // twice: once
    ]);
    assert.deepEqual(
      pairs.map((p) => [p.a, p.b, p.label]),
      [
        ['普拉多', '霸道SUV', 1],
        ['宝马', 'BMW', 1],
        ['宝马', '奔驰', 0],
        ['普拉多', '霸道', 0],
      ],
    );
  });
  test('without decisions the pairs are the dictionary\'s', () => {
    assert.deepEqual(withRejectedPairs(dictionaryPairs(text), []), dictionaryPairs(text));
  });
});

describe('verdict edits', () => {
  const text = 'term,synonym,label\n普拉多,霸道SUV,1\n普拉多,凯迪拉克SUV,0\n宝马,BMW,1\n霸道SUV,陆地巡洋舰普拉多,1\n';
  const dict = parseDictionary(text);
  test('the group\'s last synonym row: any member, either column; label-0 rows are not the group\'s', () => {
    assert.equal(lastRowOfGroup({ dict }, ['普拉多', '霸道SUV', '陆地巡洋舰普拉多']), 3);
    assert.equal(lastRowOfGroup({ dict }, ['bmw']), 2);
    assert.equal(lastRowOfGroup({ dict }, ['凯迪拉克SUV']), undefined);
  });
  test('inserts at one offset are joined in order and sorted, other edits kept', () => {
    const merged = mergeInserts([
      { start: 30, end: 30, newText: 'b\n' },
      { start: 5, end: 5, newText: 'a\n' },
      { start: 30, end: 30, newText: 'c\n' },
      { start: 10, end: 12, newText: 'x' },
    ]);
    assert.deepEqual(merged, [
      { start: 5, end: 5, newText: 'a\n' },
      { start: 10, end: 12, newText: 'x' },
      { start: 30, end: 30, newText: 'b\nc\n' },
    ]);
    assert.equal(applyEdits('0123456789'.repeat(4), mergeInserts([{ start: 40, end: 40, newText: 'y' }, { start: 40, end: 40, newText: 'z' }])), '0123456789'.repeat(4) + 'yz');
  });
});

describe('termListPaths: Workspace Trust on the term lists of synonymLens.vocabularyFiles', () => {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'synonym-lens-termlists-')));
  const ws = path.join(dir, 'ws');
  const outside = path.join(dir, 'outside');
  mkdirSync(ws);
  mkdirSync(outside);
  writeFileSync(path.join(ws, 'queries.txt'), 'a\n');
  writeFileSync(path.join(outside, 'secret.txt'), 'b\n');
  // A link inside the workspace to a file outside it is outside.
  symlinkSync(path.join(outside, 'secret.txt'), path.join(ws, 'link.txt'));
  const realpath = (p: string) => {
    try {
      return realpathSync.native(p);
    } catch {
      return p;
    }
  };
  const options = (trusted: boolean) => ({ trusted, base: ws, workspaceFolders: [ws], realpath });
  const values = { user: ['/home/me/lists/mine.txt'], workspace: ['queries.txt', path.join(outside, 'secret.txt'), '../outside/secret.txt', 'link.txt', ' '] };

  test('untrusted: the user\'s lists and the workspace\'s lists inside the workspace; others refused', () => {
    const r = termListPaths(values, options(false));
    assert.deepEqual(r.allowed, ['/home/me/lists/mine.txt', path.join(ws, 'queries.txt')]);
    assert.deepEqual(r.refused, [path.join(outside, 'secret.txt'), path.join(ws, 'link.txt')]);
  });
  test('trusted: the workspace value replaces the user\'s, as VS Code reads settings', () => {
    const r = termListPaths(values, options(true));
    assert.deepEqual(r.allowed, [path.join(ws, 'queries.txt'), path.join(outside, 'secret.txt'), path.join(ws, 'link.txt')]);
    assert.deepEqual(r.refused, []);
    assert.deepEqual(termListPaths({ user: ['u.txt'], workspace: undefined }, options(true)).allowed, [path.join(ws, 'u.txt')]);
  });
  test('relative paths without a folder are skipped', () => {
    assert.deepEqual(termListPaths({ user: ['rel.txt'], workspace: undefined }, { ...options(false), base: undefined }), { allowed: [], refused: [] });
  });
  test('cleanup', () => rmSync(dir, { recursive: true, force: true }));
});
