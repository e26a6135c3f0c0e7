// `npm start` as a newcomer runs it: the script prints a URL, the URL opens the sample in a real
// VS Code with the extension running, and Ctrl-C stops code-server.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { launch } from './browser.mjs';
import { openSampleWithModel } from './webviews.mjs';

export async function runStartCheck({ playwright, executablePath, root, folder, profileDir, outDir, codeServer, log, track }) {
  const results = [];
  const child = spawn(process.execPath, [path.join(root, 'scripts/start.mjs'), '--folder', folder], {
    cwd: root,
    env: { ...process.env, SYNONYM_LENS_CODE_SERVER: codeServer },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 90 s:\n${output}`)), 90000);
    const onData = (chunk) => {
      output += chunk;
      const m = /^\s+(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)$/m.exec(output);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => { clearTimeout(timer); reject(new Error(`npm start exited early:\n${output}`)); });
  });
  results.push({ name: 'npm start prints a workbench URL on 127.0.0.1', ok: true });
  log(`npm start: ${url}`);

  const { context, page } = await launch(playwright, { executablePath, profileDir });
  track(context);
  try {
    await page.goto(url);
    // The extension is loaded from the working tree: its language status reports the model.
    await openSampleWithModel(page);
    await page.screenshot({ path: path.join(outDir, 'npm-start.png') });
    results.push({ name: 'the URL opens the sample with the extension running', ok: true });
  } catch (e) {
    await page.screenshot({ path: path.join(outDir, 'npm-start-failure.png') }).catch(() => {});
    results.push({ name: 'the URL opens the sample with the extension running', ok: false, err: String(e?.message ?? e) });
  } finally {
    await context.close();
  }

  child.kill('SIGINT');
  const { code } = await exited;
  const health = await fetch(new URL('/healthz', url)).then(() => 'answering', () => 'stopped');
  results.push({ name: 'Ctrl-C stops npm start and its code-server', ok: code === 0 && health === 'stopped', err: `exit ${code}, code-server ${health}` });
  return results;
}
