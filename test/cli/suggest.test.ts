// `suggest` and its decisions file, through the bundled CLI (dist/cli.js) as a user runs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');
const tmp = mkdtempSync(path.join(tmpdir(), 'synonym-lens-suggest-'));
const dict = path.join(tmp, 'cars.synonyms.csv');
copyFileSync(path.join(root, 'samples', 'cars.synonyms.csv'), dict);

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, content: string): string {
  const p = path.join(tmp, name);
  writeFileSync(p, content);
  return p;
}

const list = file('queries.csv', 'query,count\n丰田车,120\n豐田,40\nToyota汽车,3\n本田车,50\n凯美瑞轿车,9\n红色宝马,5\n蓝色宝马,4\n雅阁轿车,8\n');

interface Row {
  term: string;
  candidate: string;
  score: number;
  kind: string;
  group: string[] | null;
  evidence: { cosine: number; nearest: string; rank: number | null; rank_back: number | null; count?: number };
}

function suggestions(...args: string[]): Row[] {
  const r = run('suggest', dict, '--vocab', list, '--json', ...args);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.new_terms, 8);
  return out.suggestions;
}

test('suggest --json: candidates highest score first, with group and evidence; a traditional copy is a variant', () => {
  const rows = suggestions('--k', '3');
  for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1]!.score >= rows[i]!.score);
  for (const r of rows) for (const key of ['term', 'candidate', 'score', 'kind', 'group']) assert.ok(key in r, key);
  const toyota = rows.find((r) => r.candidate === 'Toyota汽车' && r.term === '丰田')!;
  assert.equal(toyota.kind, 'synonym');
  assert.deepEqual(toyota.group, ['丰田', '丰田汽车', 'TOYOTA']);
  assert.equal(toyota.evidence.rank, 1);
  assert.equal(toyota.evidence.count, 3);
  const variant = rows.filter((r) => r.candidate === '豐田' && r.kind !== 'synonym');
  assert.deepEqual(variant.map((r) => [r.term, r.kind]), [['丰田', 'traditional-simplified']]);
  assert.ok(rows.some((r) => r.group === null), 'pairs of new terms are proposed as new groups');
  assert.ok(!rows.some((r) => [r.term, r.candidate].sort().join() === '红色宝马,蓝色宝马'), 'colour-only pairs are left out');
  assert.equal(rows.filter((r) => r.term === '丰田' && r.group !== null).length, 3, '--k 3 (the variant counts as one)');
});

test('suggest honours --min-score for synonyms and keeps variants', () => {
  const rows = suggestions('--min-score', '0.9');
  assert.ok(rows.length > 0);
  assert.ok(rows.every((r) => r.kind !== 'synonym' || r.score >= 0.9));
  assert.ok(rows.some((r) => r.kind === 'traditional-simplified' && r.score < 0.9));
});

test('the decisions file next to the dictionary leaves decided pairs out; a broken one stops with its line', () => {
  assert.ok(suggestions().some((r) => r.term === '丰田' && r.candidate === 'Toyota汽车'));
  const decisions = file('cars.synonyms.decisions.csv', 'term,synonym,label,decided_at\nToyota汽车,TOYOTA,0,2026-12-05T18:40:00Z\n');
  const rows = suggestions();
  assert.ok(!rows.some((r) => r.term === '丰田' && r.candidate === 'Toyota汽车'), 'rejected against a member of the group');
  writeFileSync(decisions, 'term,synonym,label,decided_at\nToyota汽车,TOYOTA,2,2026-12-05\n');
  const r = run('suggest', dict, '--vocab', list);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cars\.synonyms\.decisions\.csv': Line 2 of the decisions file: the label is "2"; expected 0/);
  writeFileSync(decisions, '');
});

test('suggest input errors: no --vocab, a CSV list without a term column, a bad --k', () => {
  let r = run('suggest', dict);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /'suggest' needs --vocab <file>/);
  r = run('suggest', dict, '--vocab', file('bad.csv', 'name,count\nx,1\n'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.csv': The CSV header "name,count" has no term column/);
  r = run('suggest', dict, '--vocab', list, '--k', '0');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--k must be a positive whole number/);
});

test('suggest prints candidates per term and a spelling-variant section', () => {
  const r = run('suggest', dict, '--vocab', list, '--k', '2');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\d+ suggestions from 8 new terms/);
  assert.match(r.stdout, /\n丰田\n {2}\d\.\d{3} {2}Toyota汽车 {2}\[cos 0\.\d\d to TOYOTA, rank 1\/1, count 3\]/);
  assert.match(r.stdout, /Spelling variants\n {2}traditional-simplified +丰田 ~ 豐田/);
});

test('export-training writes the documented layouts atomically, rejected pairs first among the negatives', () => {
  const jsonl = path.join(tmp, 'train.jsonl');
  let r = run('export-training', dict, '--format', 'flagembedding', '--out', jsonl, '--json');
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.ok(summary.examples > 50);
  assert.ok(summary.negatives.rejected >= 2, 'the sample has label-0 rows');
  const records = readFileSync(jsonl, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.equal(records.length, summary.examples);
  const prado = records.find((x: { query: string }) => x.query === '普拉多');
  assert.deepEqual(Object.keys(prado), ['query', 'pos', 'neg']);
  assert.equal(prado.neg[0], '凯迪拉克SUV', 'the label-0 row of the sample');
  assert.equal(prado.neg.length, 7);
  const csv = path.join(tmp, 'train.csv');
  r = run('export-training', dict, '--format', 'sentence-transformers', '--out', csv, '--negatives', '2');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^wrote .*train\.csv: \d+ queries, \d+ rejected and \d+ mined negatives/);
  assert.match(readFileSync(csv, 'utf8'), /^anchor,positive,negative\n普拉多,霸道SUV,凯迪拉克SUV\n/);
  assert.ok(!readdirSync(tmp).some((f) => f.endsWith('.tmp')), 'no temporary file left');
});

test('export-training input errors: format, --out', () => {
  let r = run('export-training', dict, '--out', path.join(tmp, 'x'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--format must be one of flagembedding, sentence-transformers/);
  r = run('export-training', dict, '--format', 'flagembedding');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /'export-training' needs --out <file>/);
});
