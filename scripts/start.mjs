// `npm start`: opens the bundled sample dictionary in a real VS Code (code-server, VS Code 1.100.3)
// with this extension loaded from the working tree, on 127.0.0.1, and prints the URL to open in a
// browser. Ctrl-C stops everything it started.
//
// code-server comes from $SYNONYM_LENS_CODE_SERVER, else `code-server` on PATH, else it is installed
// once into ~/.cache/synonym-lens-e2e exactly as the real-VS-Code tests do (needs root for apt-get
// on Debian). Desktop VS Code users can instead press F5 ("Run Extension", .vscode/launch.json).
// Options: --port <n> (default: a free port), --folder <dir> (default: samples/).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startCodeServer } from '../test/e2e/codeServer.mjs';
import { workbenchUrl } from '../test/e2e/browser.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { port: { type: 'string' }, folder: { type: 'string' } } });
const folder = path.resolve(values.folder ?? path.join(root, 'samples'));

function findCodeServer() {
  if (process.env.SYNONYM_LENS_CODE_SERVER) return process.env.SYNONYM_LENS_CODE_SERVER;
  const onPath = spawnSync('sh', ['-c', 'command -v code-server'], { encoding: 'utf8' }).stdout.trim();
  return onPath || undefined;
}

if (!existsSync(path.join(root, 'dist', 'extension.js')) || !existsSync(path.join(root, 'models', 'builtin', 'model.onnx'))) {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
let codeServer = findCodeServer();
if (!codeServer) {
  const { ensureTools } = await import('../test/e2e/tools.mjs');
  codeServer = ensureTools({ browser: false }).codeServer;
}

const runDir = mkdtempSync(path.join(os.tmpdir(), 'synonym-lens-start-'));
const cs = await startCodeServer({ codeServer, runDir, logFile: path.join(runDir, 'code-server.log'), port: values.port });
// code-server has no --extensionDevelopmentPath flag; the workbench takes it from the page URL.
const url = workbenchUrl(cs.url, folder, { extensionDevelopmentPath: root });
console.log(`\nSynonym Lens is running in VS Code 1.100.3 (code-server) with ${path.relative(process.cwd(), folder) || '.'} open.`);
console.log(`Open this URL in a browser on this machine (Ctrl-C here stops it):\n\n  ${url}\n`);

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  await cs.stop();
  rmSync(runDir, { recursive: true, force: true });
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void stop(0));
void cs.exited.then(({ code, signal }) => {
  if (stopping) return;
  console.error(`code-server stopped unexpectedly (${code ?? signal}); its log: ${path.join(runDir, 'code-server.log')}`);
  stopping = true;
  process.exit(1);
});
process.on('exit', () => cs.killNow());
