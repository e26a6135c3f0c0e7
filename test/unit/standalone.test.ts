/**
 * The repository stands alone: no tracked file outside test fixtures names a path beside the
 * checkout (a sibling `shared/` folder) or an absolute path of a development machine. A clone with
 * nothing beside it must pass `npm test`, and the packaged docs must not point elsewhere.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';

const root = path.resolve(__dirname, '../..');

test('no tracked source, test, benchmark, script or doc reaches outside the repository', () => {
  const files = execFileSync('git', ['ls-files', '-z', '--', 'src', 'test', 'bench', 'scripts', 'docs', 'webview', 'media', '.ci', '*.md', '*.json', '*.mjs'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f && !f.startsWith('test/fixtures/') && f !== 'package-lock.json' && !/\.(png|webp|onnx|gif)$/.test(f));
  // The sibling folder holds data/, recipes/, hooks/ and STYLE.md (src/shared is the project's own).
  const outside = /\.\.\/shared\/(?:data|recipes|hooks|STYLE)|\/work\/(?:shared|main)\b/;
  const hits: string[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(path.join(root, f), 'utf8');
    } catch {
      continue; // listed but deleted in the work tree
    }
    text.split('\n').forEach((line, i) => {
      if (outside.test(line)) hits.push(`${f}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(hits, [], 'these lines name a path outside the repository');
});
