// Runs the extension-test suite (suite/index.js, the same file code-server runs) in a desktop
// VS Code through @vscode/test-electron. Nothing is downloaded: give the executable, e.g.
//   VSCODE_EXECUTABLE=/usr/share/code/code npm run test:electron                        (Linux)
//   VSCODE_EXECUTABLE="/Applications/Visual Studio Code.app/Contents/MacOS/Electron" npm run test:electron
//   set VSCODE_EXECUTABLE=%LOCALAPPDATA%\Programs\Microsoft VS Code\Code.exe && npm run test:electron
// Without VSCODE_EXECUTABLE the run is skipped (exit 0). Env: SYNONYM_LENS_E2E_SKIP_BUILD=1,
// SYNONYM_LENS_E2E_GREP (filter tests by name).
import { runTests } from '@vscode/test-electron';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const executable = process.env.VSCODE_EXECUTABLE;

if (!executable) {
  console.log('test:electron skipped: set VSCODE_EXECUTABLE to a desktop VS Code executable (>= 1.100) to run the extension tests in it.');
  process.exit(0);
}
if (!existsSync(executable)) {
  console.error(`VSCODE_EXECUTABLE does not exist: ${executable}`);
  process.exit(2);
}

if (!process.env.SYNONYM_LENS_E2E_SKIP_BUILD) {
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status || 1);
}

const outDir = path.join(root, '.test-output/e2e-electron');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const runDir = mkdtempSync(path.join(os.tmpdir(), 'synonym-lens-electron-'));
const workspace = path.join(runDir, 'workspace');
cpSync(path.join(root, 'samples'), workspace, { recursive: true });

// Launched from VS Code's own terminal, this would make the Electron binary behave as plain Node.
delete process.env.ELECTRON_RUN_AS_NODE;

let code = 1;
try {
  code = await runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(here, 'suite/index.js'),
    extensionTestsEnv: {
      SYNONYM_LENS_E2E_OUT: outDir,
      ...(process.env.SYNONYM_LENS_E2E_GREP ? { SYNONYM_LENS_E2E_GREP: process.env.SYNONYM_LENS_E2E_GREP } : {}),
    },
    // The workspace first; a fresh profile; no other extensions. (runTests adds --no-sandbox,
    // --disable-workspace-trust and friends itself.)
    launchArgs: [
      workspace,
      `--user-data-dir=${path.join(runDir, 'user-data')}`,
      `--extensions-dir=${path.join(runDir, 'extensions')}`,
      '--disable-extensions',
      '--new-window',
    ],
  });
} catch (error) {
  console.error(`VS Code test run failed: ${error?.message ?? error}`);
  code = 1;
} finally {
  rmSync(runDir, { recursive: true, force: true });
}

const resultsFile = path.join(outDir, 'extension-tests.json');
const results = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : [];
// A run that exits without a results file (or with a non-zero code and no failed test) failed too.
const failed = results.filter((r) => !r.ok).length + ((code !== 0 && !results.some((r) => !r.ok)) || !results.length ? 1 : 0);
console.log(`electron: ${results.filter((r) => r.ok).length} passed, ${failed} failed`);
process.exit(code === 0 && failed === 0 ? 0 : 1);
