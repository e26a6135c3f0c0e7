// The language server's messages (src/server/messages.ts) say in English exactly what core says
// (the CLI prints core's texts, the editor the server's), and in Chinese once a bundle is loaded.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { formatMessage, parseDictionary, PROBLEM_MESSAGES, type ProblemMessageId } from '../../src/core/csv';
import { findPairIssues } from '../../src/core/dictionary';
import { pairFlagMessage } from '../../src/core/scoring';
import { configureL10n, flagMessage, issueMessage, problemMessage, problemTexts } from '../../src/server/messages';

const bundleZh = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
after(() => configureL10n(undefined));

test("each parser message of the server is, in English, core's template", () => {
  configureL10n(undefined);
  const ids = Object.keys(PROBLEM_MESSAGES) as ProblemMessageId[];
  assert.deepEqual(Object.keys(problemTexts).sort(), [...ids].sort());
  for (const id of ids) {
    const args = ['⟨0⟩', '⟨1⟩', '⟨2⟩'];
    assert.equal(problemTexts[id](...args), formatMessage(PROBLEM_MESSAGES[id], args), id);
  }
});

// Every problem kind, every pair issue, both flags.
const TEXT = [
  'term,synonym,label',
  'a,b,1',
  'lonely',
  ',d,1',
  'e,f,yes',
  'g,h,',
  'i,j',
  'k,l,1,extra',
  'm,"n"x,1',
  'o,p"q,1',
  'b,a,1',
  'a,b,1',
  'a,b,0',
  's,s,1',
  'v,,1',
  'nul\0,t,1',
  'u,"never closed',
].join('\n');

test('problems, pair issues and flags read the same in English as core writes them (the CLI\'s texts)', () => {
  configureL10n(undefined);
  const dict = parseDictionary(TEXT);
  const ids = new Set(dict.problems.map((p) => p.messageId));
  for (const id of Object.keys(PROBLEM_MESSAGES)) if (id !== 'emptyBetweenSynonyms' && id !== 'singleCell') assert.ok(ids.has(id as ProblemMessageId), `fixture lacks ${id}`);
  for (const p of dict.problems) assert.equal(problemMessage(p), p.message);
  const issues = findPairIssues(dict);
  assert.deepEqual(new Set(issues.map((i) => i.kind)), new Set(['duplicate', 'reversed-duplicate', 'self-pair', 'conflicting-label']));
  for (const i of issues) assert.equal(issueMessage(i), i.message);
  const t = { threshold: 0.5, negativeThreshold: 0.3 };
  const pair = dict.pairs[0]!;
  assert.equal(flagMessage(pair, 0.1, 'low-similarity', t), pairFlagMessage({ pair, cosine: 0.1, flag: 'low-similarity' }, t));
  assert.equal(flagMessage(pair, 0.9, 'negative-too-similar', t), pairFlagMessage({ pair, cosine: 0.9, flag: 'negative-too-similar' }, t));
  // Without a header, a single cell and an empty cell between synonyms.
  for (const p of parseDictionary('x\ny,,z\n').problems) assert.equal(problemMessage(p), p.message);
});

test('with the zh-cn bundle the same messages are Chinese, with the same values', () => {
  assert.equal(configureL10n(bundleZh), true);
  const dict = parseDictionary(TEXT);
  const label = dict.problems.find((p) => p.messageId === 'invalidLabel')!;
  assert.equal(problemMessage(label), '第 5 行第 3 列：标签为“yes”；应为 1（同义词）或 0（非同义词）。');
  const dup = findPairIssues(dict).find((i) => i.kind === 'duplicate')!;
  assert.equal(issueMessage(dup), '第 12 行："a" ~ "b" 与第 2 行重复。');
  assert.equal(flagMessage(dict.pairs[0]!, 0.1, 'low-similarity', { threshold: 0.5, negativeThreshold: 0.5 }), 'a ~ b：余弦相似度 0.10 < 0.50 — 模型不认为它们是同义词');
  configureL10n(undefined);
  assert.equal(problemMessage(label), label.message);
});
