// Runs the test suites: type-check, unit (core), lsp (real server process), e2e (real VS Code).
// Usage: node scripts/test.mjs [unit|lsp|e2e ...]   (default: all)
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const wanted = process.argv.slice(2);
const suites = wanted.length ? wanted : ['typecheck', 'unit', 'lsp', 'e2e'];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) {
    console.error(`\n${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

const testFiles = (dir) =>
  existsSync(path.join(root, dir))
    ? readdirSync(path.join(root, dir), { recursive: true })
        .filter((f) => /\.test\.(ts|mjs|js)$/.test(f))
        .map((f) => path.join(dir, f))
        .sort()
    : [];

if (!existsSync(path.join(root, 'dist/cli.js'))) run(process.execPath, ['scripts/build.mjs']);

const nodeFiles = [];
for (const s of suites) {
  if (s === 'typecheck') run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-b']);
  else if (s === 'unit' || s === 'lsp') nodeFiles.push(...testFiles(`test/${s}`));
  else if (s === 'e2e') {
    if (existsSync(path.join(root, 'test/e2e/run.mjs'))) run(process.execPath, ['test/e2e/run.mjs']);
  } else {
    console.error(`unknown suite: ${s}`);
    process.exit(2);
  }
}
// One node test runner invocation, so its closing summary counts every unit and protocol test.
if (nodeFiles.length) run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...nodeFiles]);
