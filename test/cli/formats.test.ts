// The bundled CLI on search engines' synonym files: check, convert (both ways, round trip),
// export and evaluate reading Solr and ES files by extension or --format/--from; refused rules stop
// with Lucene's words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');
const tmp = mkdtempSync(path.join(tmpdir(), 'synonym-lens-cli-formats-'));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, content: string): string {
  const p = path.join(tmp, name);
  writeFileSync(p, content);
  return p;
}

const SOLR = '# cars\n普拉多, 霸道SUV, 陆地巡洋舰\n发动机, 马达 => 引擎\n';

test('check reads a Solr file by extension: pairs with directions and 1-based places', () => {
  const r = run('check', file('cars.synonyms.txt', SOLR), '--json', '--exit-zero');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(
    out.pairs.map((p: { term: string; synonym: string; line: number; one_way?: boolean }) => [p.line, p.term, p.synonym, p.one_way ?? false]),
    [
      [2, '普拉多', '霸道SUV', false],
      [2, '普拉多', '陆地巡洋舰', false],
      [3, '发动机', '引擎', true],
      [3, '马达', '引擎', true],
    ],
  );
  const text = run('check', file('cars2.txt', SOLR), '--exit-zero');
  assert.match(text.stdout, /发动机 => 引擎/);
});

test('a rule Lucene refuses stops check, export and convert with its words and line', () => {
  const bad = file('bad.synonyms.txt', 'a, b\nc => d => e\n');
  for (const args of [['check', bad], ['convert', bad, '--to', 'csv'], ['export', bad]]) {
    const r = run(...args);
    assert.equal(r.code, args[0] === 'check' ? 1 : 2, r.stderr);
    if (args[0] === 'check') assert.match(r.stdout, /bad\.synonyms\.txt:2:1: error synonym-rule: Invalid synonym rule at line 2: more than one explicit mapping specified on the same line/);
    else assert.match(r.stderr, /^synonym-lens: '.*bad\.synonyms\.txt' has 1 synonym rule error; fix them before (converting|exporting) \(line 2: Invalid synonym rule at line 2: more than one explicit mapping/);
  }
});

test('convert CSV → Solr → ES → CSV keeps pairs and directions; ES ids; --out is atomic; bad options exit 2', () => {
  const csv = file('d.synonyms.csv', 'term,synonym,label\n普拉多,霸道SUV,1\n"a,b",c,=>\nx,y,0\n');
  const solr = run('convert', csv, '--to', 'solr');
  assert.equal(solr.code, 0, solr.stderr);
  assert.equal(solr.stdout, '普拉多, 霸道SUV\na\\,b => c\n');
  assert.match(solr.stderr, /warning: 1 label-0 pair left out/);
  const solrFile = file('d.txt', solr.stdout);
  const esOut = path.join(tmp, 'd.json');
  const es = run('convert', solrFile, '--to', 'es', '--set', 'cars', '--out', esOut);
  assert.equal(es.code, 0, es.stderr);
  assert.match(es.stderr, /wrote 2 rules/);
  assert.deepEqual(JSON.parse(readFileSync(esOut, 'utf8')), { synonyms_set: [{ id: 'cars-1', synonyms: '普拉多, 霸道SUV' }, { id: 'cars-2', synonyms: 'a\\,b => c' }] });
  const back = run('convert', esOut, '--to', 'csv');
  assert.equal(back.stdout, 'term,synonym,label\n普拉多,霸道SUV,1\n"a,b",c,=>\n');
  // --from overrides the extension.
  const asSolr = run('convert', file('rules.data', 'p, q\n'), '--from', 'solr', '--to', 'csv');
  assert.equal(asSolr.stdout, 'term,synonym,label\np,q,1\n');
  for (const [args, pattern] of [
    [['convert', csv], /--to must be one of csv, solr, es/],
    [['convert', csv, '--to', 'xml'], /--to must be one of csv, solr, es, got 'xml'/],
    [['convert', csv, '--to', 'csv', '--from', 'yaml'], /--from must be one of csv, solr, es, got 'yaml'/],
  ] as const) {
    const r = run(...args);
    assert.equal(r.code, 2);
    assert.match(r.stderr, pattern);
  }
});

test('evaluate and export read an ES synonyms set; export keeps one-way rules explicit', () => {
  const set = file('s.json', JSON.stringify({ synonyms_set: [{ id: 'r1', synonyms: '普拉多, 霸道SUV, 陆地巡洋舰' }, { id: 'r2', synonyms: '发动机 => 引擎' }] }));
  const exported = run('export', set);
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(exported.stdout, /^普拉多, 霸道SUV, 陆地巡洋舰$/m);
  assert.match(exported.stdout, /^发动机 => 引擎$/m);
  const ev = run('evaluate', set, '--json');
  assert.equal(ev.code, 0, ev.stderr);
  const out = JSON.parse(ev.stdout);
  // The set's three pairs, and as many sampled negatives.
  assert.equal(out.n, 6);
  assert.equal(typeof out.mean_cos_pos, 'number');
  const broken = run('evaluate', file('broken.json', '{"synonyms_set": ['), '--json');
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /has 1 synonyms set error; fix them before training \(line 1: Line 1, column 19: invalid JSON: unexpected end of text/);
});
