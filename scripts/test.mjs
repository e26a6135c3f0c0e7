// Runs the test suites: type-check, lint, unit (core and model), cli (the bundled CLI), lsp (the
// real server process over JSON-RPC), lucene (our Solr synonym parser against Lucene's, in Java), webview (bundles in headless Chromium), e2e (real VS Code). Node's test runner runs unit, cli and lsp in
// one invocation so its closing summary counts them all; e2e prints its own `N passed, N failed`.
// Usage: node scripts/test.mjs [typecheck|lint|unit|cli|lsp|lucene|webview|e2e ...]   (default: all, in that order)
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const wanted = process.argv.slice(2);
const suites = wanted.length ? wanted : ['typecheck', 'lint', 'unit', 'cli', 'lsp', 'lucene', 'webview', 'e2e'];

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

// The bundles are what the cli, lsp, webview and e2e suites run: build them every time (about 1.5 s),
// so a stale dist/ never passes for the current source.
if (suites.some((s) => ['cli', 'lsp', 'webview', 'e2e'].includes(s))) run(process.execPath, ['scripts/build.mjs']);

const known = ['typecheck', 'lint', 'unit', 'cli', 'lsp', 'lucene', 'webview', 'e2e'];
for (const s of suites) {
  if (!known.includes(s)) {
    console.error(`unknown suite: ${s} (one of ${known.join(', ')})`);
    process.exit(2);
  }
}
if (suites.includes('typecheck')) run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-b']);
if (suites.includes('lint')) run(process.execPath, [path.join(root, 'node_modules/eslint/bin/eslint.js'), '--no-error-on-unmatched-pattern', 'src', 'webview', 'test']);
const nodeFiles = ['unit', 'cli', 'lsp', 'lucene', 'webview'].filter((s) => suites.includes(s)).flatMap((s) => testFiles(`test/${s}`));
// The webview tests drive Debian's Chromium; install it (as root, via apt-get) when it is missing.
if (suites.includes('webview') && !existsSync('/usr/bin/chromium')) (await import('../test/e2e/tools.mjs')).ensureChromium();
// The Lucene comparison runs Debian's JDK and Lucene jars; install them (as root, via apt-get) when missing.
if (suites.includes('lucene')) (await import('../test/lucene/tools.mjs')).ensureLucene();
const out = path.join(root, '.test-output');
mkdirSync(out, { recursive: true });
const counts = { passed: 0, failed: 0 };
if (nodeFiles.length) {
  // spec for people on stdout, TAP to a file for the combined count below.
  const tap = path.join(out, 'node-tests.tap');
  run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...nodeFiles]);
  const text = readFileSync(tap, 'utf8');
  counts.passed += Number(/^# pass (\d+)/m.exec(text)?.[1] ?? 0);
  counts.failed += Number(/^# fail (\d+)/m.exec(text)?.[1] ?? 0);
}
if (suites.includes('e2e') && existsSync(path.join(root, 'test/e2e/run.mjs'))) {
  run(process.execPath, ['test/e2e/run.mjs']);
  const summary = path.join(out, 'e2e', 'summary.json');
  if (existsSync(summary)) {
    const e2e = JSON.parse(readFileSync(summary, 'utf8'));
    counts.passed += e2e.passed;
    counts.failed += e2e.failed;
  }
}
console.log(`\nall: ${counts.passed} passed, ${counts.failed} failed`);
