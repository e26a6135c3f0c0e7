// Real VS Code end-to-end tests: code-server 4.100.3 (VS Code 1.100.3) + Debian's Chromium through
// playwright-core. Installs what is missing into a cache outside the repository, builds the
// extension, starts code-server isolated on 127.0.0.1, runs the extension-test suite (inside the
// real extension host, webviews included: suite/webviews.js) and the UI suites (ui.mjs, and
// webviews.mjs for the table editor, heatmap and report), collects logs and screenshots (table.png,
// heatmap.png, report.png, …) into .test-output/e2e/, and stops everything it started — also on
// failure and Ctrl-C.
//
// Usage: node test/e2e/run.mjs [--only ext|ui|start|vsix|trust]
// Env: SYNONYM_LENS_E2E_CACHE (tool cache), SYNONYM_LENS_E2E_SKIP_BUILD=1, SYNONYM_LENS_E2E_KEEP=1
// (keep the run folder), SYNONYM_LENS_E2E_GREP (filter extension tests by name), E2E_VERBOSE=1.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPlaywright } from './browser.mjs';
import { startCodeServer } from './codeServer.mjs';
import { runExtensionTests } from './extensionTests.mjs';
import { ensureTools } from './tools.mjs';
import { ensureLucene } from '../lucene/tools.mjs';
import { runUiSuite } from './ui.mjs';
import { runWebviewSuite } from './webviews.mjs';
import { runStartCheck } from './start.mjs';
import { runVsixCheck } from './vsix.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const outDir = path.join(root, '.test-output/e2e');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const t0 = Date.now();

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const logFile = path.join(outDir, 'e2e.log');
function log(line) {
  const text = `[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${line}`;
  console.log(text);
  appendFileSync(logFile, text + '\n');
}

// Everything started here is tracked so that any exit path stops it.
const contexts = new Set();
let codeServer;
let runDir;
async function cleanup() {
  for (const c of contexts) await c.close().catch(() => {});
  contexts.clear();
  if (codeServer) {
    const cs = codeServer;
    codeServer = undefined;
    await cs.stop();
    copyLogs(cs, cs.trust ? 'vscode-logs-trust' : 'vscode-logs');
  }
  if (runDir && !process.env.SYNONYM_LENS_E2E_KEEP) rmSync(runDir, { recursive: true, force: true });
}
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    // Never wait longer than 15 s for a graceful stop; the exit hook below kills what is left.
    setTimeout(() => process.exit(130), 15000).unref();
    void cleanup().finally(() => process.exit(130));
  });
}
process.on('exit', () => codeServer?.killNow());

const results = []; // { suite, name, ok, err? }
function record(suite, name, ok, err) {
  results.push({ suite, name, ok, err });
}

async function main() {
  const tools = ensureTools();
  // Preview Query Expansion and the analysis diagnostics run Debian's JDK and Lucene jars.
  ensureLucene();
  const playwright = loadPlaywright(tools.playwrightCore);

  if (!process.env.SYNONYM_LENS_E2E_SKIP_BUILD) {
    log('building the extension (node scripts/build.mjs)');
    const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('the build failed');
  }
  for (const f of ['dist/extension.js', 'dist/server.js']) if (!existsSync(path.join(root, f))) log(`warning: ${f} is missing`);

  runDir = mkdtempSync(path.join(os.tmpdir(), 'synonym-lens-e2e-'));
  // Each suite gets its own copy of the samples, so edits made by tests never reach the repository.
  const workspaces = { ext: path.join(runDir, 'ws-ext'), ui: path.join(runDir, 'ws-ui'), webviews: path.join(runDir, 'ws-webviews'), untrusted: path.join(runDir, 'ws-untrusted'), start: path.join(runDir, 'ws-start'), vsix: path.join(runDir, 'ws-vsix') };
  for (const ws of Object.values(workspaces)) cpSync(path.join(root, 'samples'), ws, { recursive: true });
  // The UI suite clicks the hover's "Add as synonym", offered only for neighbours at or above the
  // flagging threshold: the sample's nearest non-synonym neighbours score about 0.2 with the embedded model.
  mkdirSync(path.join(workspaces.ui, '.vscode'));
  writeFileSync(path.join(workspaces.ui, '.vscode/settings.json'), JSON.stringify({ 'synonymLens.diagnostics.threshold': 0.15 }));
  // The untrusted workspace tries to choose the model; limited mode must ignore it.
  mkdirSync(path.join(workspaces.untrusted, '.vscode'));
  writeFileSync(path.join(workspaces.untrusted, '.vscode/settings.json'), JSON.stringify({ 'synonymLens.model': '/nonexistent/untrusted-model' }));

  // The extension hosts inherit code-server's environment; the suites write their results there.
  const codeServerEnv = { SYNONYM_LENS_E2E_OUT: outDir, ...(process.env.SYNONYM_LENS_E2E_GREP ? { SYNONYM_LENS_E2E_GREP: process.env.SYNONYM_LENS_E2E_GREP } : {}) };
  if (!['trust', 'start', 'vsix'].includes(only)) codeServer = await startCodeServer({
    codeServer: tools.codeServer,
    runDir,
    logFile: path.join(outDir, 'code-server.log'),
    env: codeServerEnv,
  });
  if (codeServer) log(`code-server ${codeServer.url} (process group ${codeServer.pid})`);
  const common = {
    playwright,
    executablePath: tools.chromium,
    baseUrl: codeServer?.url,
    extensionPath: root,
    outDir,
    log,
    track: (c) => {
      contexts.add(c);
      c.on('close', () => contexts.delete(c));
    },
  };

  /** Runs one extension-test module; its per-test results come from `<name>.json` (see suite/framework.js). */
  async function extensionSuite(suite, name, module, folder, baseUrl) {
    log(`${name} (inside the extension host)`);
    const resultsFile = path.join(outDir, `${name}.json`);
    const { code, ms } = await runExtensionTests({
      ...common,
      baseUrl,
      name,
      profileDir: path.join(runDir, `chromium-${suite}`),
      folder,
      testsPath: path.join(here, 'suite', module),
      timeoutMs: 300000,
    });
    log(`${name} finished: exit ${code} in ${(ms / 1000).toFixed(1)} s`);
    const suiteResults = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : [];
    for (const r of suiteResults) record(suite, r.name, r.ok, r.err);
    if (code !== 0 && !suiteResults.some((r) => !r.ok)) record(suite, `${name}: the run completes`, false, `exit ${code}`);
  }

  if (!only || only === 'ext') await extensionSuite('ext', 'extension-tests', 'index.js', workspaces.ext, codeServer.url);

  if (!only || only === 'ui') {
    log('UI suite (through the DOM)');
    const uiResults = await runUiSuite({
      ...common,
      profileDir: path.join(runDir, 'chromium-ui'),
      folder: workspaces.ui,
      sampleText: readFileSync(path.join(workspaces.ui, 'cars.synonyms.csv'), 'utf8'),
    });
    for (const r of uiResults) record('ui', r.name, r.ok, r.err);

    log('UI suite of the webviews: table editor, heatmap, report (through the DOM)');
    const webviewResults = await runWebviewSuite({
      ...common,
      profileDir: path.join(runDir, 'chromium-webviews'),
      folder: workspaces.webviews,
      sampleText: readFileSync(path.join(workspaces.webviews, 'cars.synonyms.csv'), 'utf8'),
    });
    for (const r of webviewResults) record('ui', r.name, r.ok, r.err);
  }

  if (!only || only === 'start') {
    log('npm start (scripts/start.mjs) opens the sample in VS Code');
    const startResults = await runStartCheck({
      ...common,
      root,
      folder: workspaces.start,
      profileDir: path.join(runDir, 'chromium-start'),
      codeServer: tools.codeServer,
    });
    for (const r of startResults) record('start', r.name, r.ok, r.ok ? undefined : r.err);
  }

  if (!only || only === 'vsix') {
    log('the packaged VSIX in a fresh code-server');
    const first = codeServer;
    codeServer = undefined;
    await first?.stop();
    if (first) copyLogs(first, 'vscode-logs');
    const vsixResults = await runVsixCheck({
      ...common,
      root,
      folder: workspaces.vsix,
      runDir,
      codeServer: tools.codeServer,
      onServer: (cs) => (codeServer = cs),
    });
    for (const r of vsixResults) record('vsix', r.name, r.ok, r.ok ? undefined : r.err);
  }

  if (!only || only === 'trust') {
    // Workspace Trust needs a code-server with trust enabled (and no start-up prompt to block on).
    const first = codeServer;
    codeServer = undefined;
    await first?.stop();
    if (first) copyLogs(first, 'vscode-logs');
    codeServer = await startCodeServer({
      codeServer: tools.codeServer,
      runDir: path.join(runDir, 'trust'),
      logFile: path.join(outDir, 'code-server-trust.log'),
      env: codeServerEnv,
      workspaceTrust: true,
      settings: { 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.emptyWindow': false },
    });
    log(`code-server with Workspace Trust ${codeServer.url} (process group ${codeServer.pid})`);
    await extensionSuite('trust', 'untrusted-tests', 'untrusted.js', workspaces.untrusted, codeServer.url);
  }
}

function copyLogs(cs, name) {
  if (existsSync(path.join(cs.userDataDir, 'logs'))) cpSync(path.join(cs.userDataDir, 'logs'), path.join(outDir, name), { recursive: true });
}

let crashed;
try {
  await main();
} catch (e) {
  crashed = e;
  log(`harness error: ${e?.stack ?? e}`);
  record('harness', 'the harness runs', false, String(e?.message ?? e));
} finally {
  await cleanup();
}
writeFileSync(path.join(outDir, 'results.json'), JSON.stringify(results, null, 2));
const failed = results.filter((r) => !r.ok);
// scripts/test.mjs adds these counts to the unit, CLI and protocol tests' for its closing line.
writeFileSync(path.join(outDir, 'summary.json'), JSON.stringify({ passed: results.length - failed.length, failed: failed.length }));
for (const r of failed) log(`failed: [${r.suite}] ${r.name}${r.err ? `\n    ${r.err.split('\n')[0]}` : ''}`);
log(`artefacts in ${path.relative(root, outDir)}/ (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
console.log(`e2e: ${results.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length || crashed ? 1 : 0);
