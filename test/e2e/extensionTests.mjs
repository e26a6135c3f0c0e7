// Runs an extension test module inside code-server's real extension host (VS Code's
// extension-test mode): the workbench calls `codeAutomationExit(code)` when `run()` settles.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { launch, workbenchUrl } from './browser.mjs';

/** Resolves with `{ code, ms }`; code 0 means every test passed. Screenshots the workbench on failure. */
export async function runExtensionTests({ name = 'extension-tests', playwright, executablePath, profileDir, baseUrl, folder, extensionPath, testsPath, outDir, timeoutMs, log, track }) {
  const t0 = Date.now();
  const { context, page } = await launch(playwright, { executablePath, profileDir });
  track(context);
  try {
    let finish;
    const exited = new Promise((resolve) => (finish = resolve));
    await page.exposeFunction('codeAutomationLog', (type, args) => log(`[ext-host ${type}] ${util.format(...args)}`));
    await page.exposeFunction('codeAutomationExit', (code, logs) => finish({ code, logs }));
    page.on('pageerror', (e) => log(`[pageerror] ${e.message}`));
    await page.goto(workbenchUrl(baseUrl, folder, { extensionDevelopmentPath: extensionPath, extensionTestsPath: testsPath }));
    let timer;
    const timeout = new Promise((resolve) => (timer = setTimeout(() => resolve({ code: 'timeout' }), timeoutMs)));
    const result = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    if (result.logs) writeFileSync(path.join(outDir, `${name}-workbench-logs.json`), JSON.stringify(result.logs, null, 1));
    if (result.code !== 0) await page.screenshot({ path: path.join(outDir, `${name}-failure.png`) }).catch(() => {});
    return { code: result.code, ms: Date.now() - t0 };
  } finally {
    await context.close().catch(() => {});
  }
}
