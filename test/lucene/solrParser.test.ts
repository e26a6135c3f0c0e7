// Our Solr synonym parser against Lucene's own SolrSynonymParser (Lucene 8.7 from Debian, run by
// test/lucene/SynonymOracle.java in one JVM for every file): on 240 generated files and the edge
// cases, both must add the same mappings in the same order, for `expand` true and false, or refuse
// the file with the same message at the same line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseSolr, solrMappings } from '../../src/core/formats/solr';
import { generateSolrFiles } from './generate';
import { EDGE_CASES } from './edgeCases';
import { ensureLucene } from './tools.mjs';

interface OracleLine {
  file: string;
  expand: boolean;
  adds?: [string, string, boolean][];
  error?: string;
}

test('Lucene SolrSynonymParser and parseSolr agree on generated files and edge cases', () => {
  const classPath = ensureLucene();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'synonym-lens-lucene-'));
  try {
    const files = new Map<string, string>();
    generateSolrFiles(18, 240).forEach((text, i) => files.set(path.join(dir, `generated-${i}.txt`), text));
    for (const [name, text] of Object.entries(EDGE_CASES)) files.set(path.join(dir, `edge-${name}.txt`), text);
    for (const [file, text] of files) writeFileSync(file, text);
    const list = path.join(dir, 'files.txt');
    writeFileSync(list, [...files.keys()].join('\n') + '\n');
    const r = spawnSync('java', ['-cp', classPath, path.join(__dirname, 'SynonymOracle.java'), list], { encoding: 'utf8', maxBuffer: 256 << 20 });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as OracleLine);
    assert.equal(lines.length, files.size * 2);
    let refused = 0;
    let mappings = 0;
    for (const o of lines) {
      const text = files.get(o.file)!;
      const ours = parseSolr(text);
      const where = `${path.basename(o.file)} expand=${o.expand}: ${JSON.stringify(text)}`;
      if (o.error !== undefined) {
        refused++;
        assert.equal(ours.refusal?.message, o.error, where);
        assert.equal(solrMappings(ours, o.expand), undefined, where);
      } else {
        assert.equal(ours.refusal, undefined, `${where}: we refuse with ${ours.refusal?.message}`);
        const got = solrMappings(ours, o.expand)!.map((m) => [m.input, m.output, m.includeOrig]);
        assert.deepEqual(got, o.adds, where);
        mappings += got.length;
      }
    }
    // The generator must reach both outcomes, or the comparison proves little.
    assert.ok(refused >= 20 && refused <= lines.length - 200, `refused ${refused} of ${lines.length}`);
    assert.ok(mappings > 2000, `${mappings} mappings`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
