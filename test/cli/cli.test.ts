// The bundled CLI (dist/cli.js) as a user runs it: exit codes, messages and JSON output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');
const sample = path.join(root, 'samples', 'cars.synonyms.csv');
const tmp = mkdtempSync(path.join(tmpdir(), 'synonym-lens-cli-'));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, content: string | Buffer): string {
  const p = path.join(tmp, name);
  writeFileSync(p, content);
  return p;
}

/** An input error is one line on stderr, prefixed, without a stack trace, and exit code 2. */
function assertInputError(r: ReturnType<typeof run>, pattern: RegExp) {
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, pattern);
  assert.equal(r.stderr.trim().split('\n').length, 1, `one line expected: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.equal(r.stdout, '');
}

test('check on the sample flags what the embedded model does not know, with stable JSON', () => {
  const r = run('check', sample, '--json');
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.threshold, 0.5);
  assert.match(out.model.id, /^builtin:/);
  assert.equal(out.pairs.length, 58);
  const find = (a: string, b: string) => out.pairs.find((p: { term: string; synonym: string }) => p.term === a && p.synonym === b);
  const prado = find('普拉多', '霸道SUV');
  assert.equal(prado.line, 2);
  assert.equal(prado.flag, 'low-similarity');
  assert.ok(prado.cosine < 0.5);
  const toyota = find('丰田', '丰田汽车');
  assert.equal(toyota.flag, null);
  assert.ok(toyota.cosine >= 0.5, `丰田 ~ 丰田汽车 = ${toyota.cosine}`);
  const negative = find('普拉多', '凯迪拉克SUV');
  assert.equal(negative.label, 0);
  const problem = out.problems.find((p: { code: string; line: number }) => p.code === 'low-similarity' && p.line === 2);
  assert.equal(problem.column, 5, 'points at the synonym cell');
  assert.match(problem.message, /普拉多 ~ 霸道SUV: cosine -?0\.\d\d < 0\.50/);
  assert.equal(out.summary.pairs, 58);
  assert.equal(out.summary.flagged, out.problems.length);
});

test('check prints every pair and clickable findings; --exit-zero exits 0', () => {
  const r = run('check', sample, '--exit-zero');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /58 pairs/);
  assert.match(r.stdout, /✗ 普拉多 ~ 霸道SUV/);
  assert.match(r.stdout, /cars\.synonyms\.csv:2:5: warning low-similarity: /);
});

test('check exits 0 when nothing is flagged', () => {
  const f = file('clean.csv', 'term,synonym\n丰田,丰田汽车\nLand Cruiser,Land Cruiser Prado\n');
  const r = run('check', f);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /nothing flagged/);
});

test('a higher threshold flags more; the threshold is validated', () => {
  const f = file('toyota.csv', '丰田,丰田汽车\n');
  assert.equal(run('check', f, '--threshold', '0.3').code, 0);
  assert.equal(run('check', f, '--threshold', '0.99').code, 1);
  assertInputError(run('check', f, '--threshold', 'high'), /--threshold must be a number, got 'high'/);
  assertInputError(run('check', f, '--threshold', '2'), /--threshold must be between -1 and 1/);
});

test('malformed CSV: structural problems with line numbers, exit 1', () => {
  const f = file('broken.csv', 'term,synonym,label\n丰田,丰田汽车,1\n本田,"HONDA,1\n');
  const r = run('check', f);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /broken\.csv:3:\d+: error unterminated-quote: /);
  const bad = run('check', file('badlabel.csv', 'term,synonym,label\n丰田,丰田汽车,yes\n'), '--json');
  assert.equal(bad.code, 1);
  const problems = JSON.parse(bad.stdout).problems;
  assert.deepEqual(problems.map((p: { code: string; line: number; column: number }) => [p.code, p.line, p.column]), [['invalid-label', 2, 9]]);
});

test('input errors: missing file, directory, binary file, not UTF-8', () => {
  assertInputError(run('check', path.join(tmp, 'nope.csv')), /^synonym-lens: cannot read '.*nope\.csv': no such file$/m);
  const dir = path.join(tmp, 'a-folder.csv');
  mkdirSync(dir, { recursive: true });
  assertInputError(run('check', dir), /is a directory; expected a CSV file/);
  const bin = file('model.bin', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff, 0x10]));
  assertInputError(run('check', bin), /looks like a binary file, not a CSV \(NUL byte at offset 4\)/);
  const latin1 = file('latin1.csv', Buffer.from('caf\xe9,coffee\n', 'latin1'));
  assertInputError(run('check', latin1), /is not valid UTF-8 text/);
});

test('usage errors exit 2 with one line', () => {
  assertInputError(run('frobnicate'), /unknown command 'frobnicate'/);
  assertInputError(run('check'), /'check' takes 1 argument, got 0/);
  assertInputError(run('check', sample, '--bogus'), /Unknown option '--bogus'/);
  assertInputError(run('check', sample, '--model', path.join(tmp, 'no-model')), /cannot load model/);
  assert.equal(run().code, 2);
  assert.equal(run('--help').code, 0);
});

test('similarity prints the cosine; identical terms score 1', () => {
  const r = run('similarity', '丰田', '丰田');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), '1.00');
  const j = JSON.parse(run('similarity', '丰田', '丰田汽车', '--json').stdout);
  assert.ok(j.cosine > 0.5 && j.cosine < 1, String(j.cosine));
  // Full-width and case variants are the same features after NFKC + lower-case.
  assert.equal(run('similarity', 'ＳＵＶ', 'suv').stdout.trim(), '1.00');
});

test('neighbors: sorted by cosine, the term itself left out, from a CSV or a word list', () => {
  const r = run('neighbors', '丰田', '--vocab', sample, '--k', '5', '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.neighbors.length, 5);
  assert.ok(!out.neighbors.some((n: { term: string }) => n.term === '丰田'));
  assert.equal(out.neighbors[0].term, '丰田汽车');
  for (let i = 1; i < out.neighbors.length; i++) assert.ok(out.neighbors[i - 1].cosine >= out.neighbors[i].cosine);
  const list = file('words.txt', '# cars\n宝马\n宝马X5\n\n奔驰\n');
  const w = JSON.parse(run('neighbors', '宝马3系', '--vocab', list, '--json').stdout);
  assert.deepEqual(w.neighbors.map((n: { term: string }) => n.term).slice(0, 2), ['宝马', '宝马X5']);
  assertInputError(run('neighbors', '丰田'), /needs --vocab/);
  assertInputError(run('neighbors', '丰田', '--vocab', sample, '--k', '0'), /--k must be a positive whole number/);
});

test('export writes Solr groups to stdout, or atomically to --out, and validates its options', () => {
  const fixture = path.join(root, 'test', 'fixtures', 'export', 'tricky.synonyms.csv');
  const r = run('export', fixture);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^普拉多, 霸道SUV, 陆地巡洋舰, Land Cruiser\\, Prado$/m);
  assert.match(r.stderr, /warning: 1 label-0 pair left out/);
  const out = path.join(tmp, 'cars.json');
  const w = run('export', fixture, '--format', 'es-synonyms-api', '--set', 'cars', '--out', out);
  assert.equal(w.code, 0, w.stderr);
  assert.equal(w.stdout, '');
  const body = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(body.synonyms_set[0].id, 'cars-1');
  assertInputError(run('export', fixture, '--format', 'lucene'), /--format must be one of solr, solr-explicit, es-synonyms-api/);
  assertInputError(run('export', file('broken-export.csv', 'a,"b\n')), /has 1 CSV error; fix them before exporting \(line 1: /);
  assertInputError(run('export', fixture, '--out', path.join(tmp, 'missing-dir', 'x.txt')), /cannot write '.*x\.txt': ENOENT/);
});

test('terminal escapes and bidi controls in a CSV are shown as escapes in human output, never sent raw', () => {
  const f = file('escapes.synonyms.csv', 'term,synonym\nclear\u001b[2Jscreen,link\u001b]8;;http://evil\u0007x\u001b]8;;\u0007\nabc\u202edef,abc\n');
  const r = run('check', f, '--exit-zero');
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!/[\u001b\u0007\u202e]/.test(r.stdout + r.stderr), JSON.stringify(r.stdout));
  assert.match(r.stdout, /clear\\x1b\[2Jscreen ~ link\\x1b\]8;;http:\/\/evil\\x07x\\x1b\]8;;\\x07/);
  assert.match(r.stdout, /abc\\u202edef ~ abc/);
  const n = run('neighbors', 'abc', '--vocab', f);
  assert.equal(n.code, 0, n.stderr);
  assert.ok(!/[\u001b\u0007\u202e]/.test(n.stdout), JSON.stringify(n.stdout));
  // JSON keeps the exact text (its own escaping makes it safe).
  assert.equal(JSON.parse(run('check', f, '--json').stdout).pairs[0].term, 'clear\u001b[2Jscreen');
});

test('a UTF-16 file is named as UTF-16 (save as UTF-8), not as binary', () => {
  const text = 'term,synonym\n丰田,丰田汽车\n';
  assertInputError(run('check', file('u16le.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]))), /is UTF-16 \(UTF-16LE\) text, not UTF-8; save it as UTF-8/);
  assertInputError(run('check', file('u16le-nobom.csv', Buffer.from(text, 'utf16le'))), /is UTF-16 \(UTF-16LE\) text, not UTF-8; save it as UTF-8/);
  assertInputError(run('check', file('u16be.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]))), /UTF-16BE/);
});
