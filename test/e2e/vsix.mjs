// The shipped artefact works: the linux-x64 VSIX from `npm run package`, installed into a fresh
// code-server (not the development path), activates, diagnoses the sample and shows it in the
// Synonym Table (the webview bundles and style sheets ship in the VSIX).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { launch, workbenchUrl } from './browser.mjs';
import { startCodeServer } from './codeServer.mjs';
import { findWebviewFrame, openSampleWithModel } from './webviews.mjs';
import { runCommand } from './workbench.mjs';

export async function runVsixCheck({ playwright, executablePath, root, folder, runDir, outDir, codeServer, log, track, onServer }) {
  const results = [];
  const record = (name, ok, err) => results.push({ name, ok, err });
  const vsixDir = path.join(runDir, 'vsix');
  const pack = spawnSync(process.execPath, [path.join(root, 'scripts/package.mjs'), '--target', 'linux-x64', '--out', vsixDir], { cwd: root, encoding: 'utf8' });
  const file = /^(\S+\.vsix): ([\d.]+) MiB$/m.exec(pack.stdout);
  if (pack.status !== 0 || !file) {
    record('npm run package builds the linux-x64 VSIX', false, `${pack.stdout}\n${pack.stderr}`.trim().split('\n').slice(-5).join('\n'));
    return results;
  }
  record(`npm run package builds the linux-x64 VSIX (${file[2]} MiB, goal < 60)`, Number(file[2]) < 60, `${file[2]} MiB`);
  log(`VSIX ${file[1]} (${file[2]} MiB)`);

  const csDir = path.join(runDir, 'vsix-cs');
  const dirs = ['--user-data-dir', path.join(csDir, 'user-data'), '--extensions-dir', path.join(csDir, 'extensions')];
  mkdirSync(csDir, { recursive: true });
  const vsix = path.resolve(root, file[1]);
  const inst = spawnSync(codeServer, [...dirs, '--install-extension', vsix, '--force'], { encoding: 'utf8', env: { ...process.env, XDG_CONFIG_HOME: path.join(csDir, 'xdg-config'), XDG_DATA_HOME: path.join(csDir, 'xdg-data') } });
  record('the VSIX installs into a fresh code-server', inst.status === 0 && /successfully installed/i.test(inst.stdout), `${inst.stdout}${inst.stderr}`);
  if (inst.status !== 0) return results;

  const cs = await startCodeServer({ codeServer, runDir: csDir, logFile: path.join(outDir, 'code-server-vsix.log') });
  onServer(cs);
  const { context, page } = await launch(playwright, { executablePath, profileDir: path.join(runDir, 'chromium-vsix') });
  track(context);
  let step = 'the installed VSIX activates, loads the embedded model and publishes diagnostics';
  try {
    await page.goto(workbenchUrl(cs.url, folder));
    await openSampleWithModel(page);
    // The Problems entry of the status bar counts the server's diagnostics.
    await page.locator('.statusbar [id="status.problems"] [aria-label*="Warnings: "]:not([aria-label*="Warnings: 0"]), .statusbar [id="status.problems"][aria-label*="Warnings: "]:not([aria-label*="Warnings: 0"])')
      .first().waitFor({ state: 'attached', timeout: 60000 });
    record(step, true);
    step = 'the installed VSIX shows the sample in the Synonym Table with similarity scores';
    await runCommand(page, 'Synonym Lens: Open as Table');
    const table = await findWebviewFrame(page, 'table', { timeout: 60000 });
    await table.locator('.grid-row[data-row="0"] .grid-cell[data-col="score"][data-score="flagged"]').waitFor({ timeout: 60000 });
    await page.screenshot({ path: path.join(outDir, 'vsix.png') });
    record(step, true);
  } catch (e) {
    await page.screenshot({ path: path.join(outDir, 'vsix-failure.png') }).catch(() => {});
    record(step, false, String(e?.message ?? e));
  } finally {
    await context.close();
  }
  return results;
}
