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

test('every dependency with an install script has an allowScripts decision (a fresh install prints no unexplained warning)', () => {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean }> };
  const allow = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> }).allowScripts ?? {};
  const withScripts = Object.entries(lock.packages)
    .filter(([p, v]) => p.startsWith('node_modules/') && v.hasInstallScript)
    .map(([p]) => p.slice(p.lastIndexOf('node_modules/') + 'node_modules/'.length));
  assert.ok(withScripts.includes('onnxruntime-node'), 'the lockfile lists onnxruntime-node with its install script');
  assert.deepEqual([...new Set(withScripts.filter((name) => !(name in allow)))], []);
});
