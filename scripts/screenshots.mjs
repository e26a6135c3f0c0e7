// `npm run screenshots`: the README's pictures, taken in a real VS Code (code-server 4.100.3 +
// Debian's Chromium, the e2e harness's tools) at a fixed window size, in a dark and a light theme:
// the editor with inlay hints and the Problems panel on samples/cars.synonyms.csv, a hover with
// neighbours, the Synonym Table with scores, the heatmap with a pair's tooltip, the Synonym
// Suggestions view (Suggest Synonyms… with samples/cars.terms.txt), the Synonym Table on a Solr
// synonyms.txt (the sample as Export Synonyms writes it, with one-way rules), the fine-tuning
// report. Each is written as WebP to media/screenshots/<shot>-<theme>.webp (the README links them;
// the VSIX leaves them out). Every wait is on the DOM state the picture shows, never a sleep, so
// the pictures follow the UI: re-run after a UI change.
// Usage: node scripts/screenshots.mjs [--theme dark,light] [--only editor,hover,table,heatmap,suggestions,solr,report] [--out dir]
// Env: SYNONYM_LENS_E2E_SKIP_BUILD=1 (use dist/ as it is), SYNONYM_LENS_E2E_CACHE (tool cache).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launch, loadPlaywright, workbenchUrl } from '../test/e2e/browser.mjs';
import { startCodeServer } from '../test/e2e/codeServer.mjs';
import { ensureTools } from '../test/e2e/tools.mjs';
import { cellCentre, chooseInFileDialog, findWebviewFrame, openWith } from '../test/e2e/webviews.mjs';
import { runCommand } from '../test/e2e/workbench.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const THEMES = { dark: 'Default Dark Modern', light: 'Default Light Modern' };
const SHOTS = ['editor', 'hover', 'table', 'heatmap', 'suggestions', 'solr', 'report'];
/** The window size of every picture (CSS pixels, device scale 1). */
const VIEWPORT = { width: 1280, height: 800 };
const SAMPLE = 'cars.synonyms.csv';
const TERM_LIST = 'cars.terms.txt';
/** The Solr file of the `solr` shot, written into the workspace: its name makes it a Solr synonyms file. */
const SOLR = 'synonyms.txt';
/** One-way rules above the sample's groups: spellings users type, rewritten to the standard term. */
const SOLR_RULES = '# One-way rules: what users type => the standard term\n陆巡, 兰德酷路泽LC300 => 陆地巡洋舰\n普拉多2700, 霸道2700 => 普拉多\n\n';
const SERVER_TIMEOUT = 120000;

const { values } = parseArgs({ options: { theme: { type: 'string' }, only: { type: 'string' }, out: { type: 'string' } } });
const themes = values.theme ? values.theme.split(',') : Object.keys(THEMES);
const shots = values.only ? values.only.split(',') : SHOTS;
for (const t of themes) if (!THEMES[t]) fail(`unknown theme '${t}' (one of ${Object.keys(THEMES).join(', ')})`);
for (const s of shots) if (!SHOTS.includes(s)) fail(`unknown shot '${s}' (one of ${SHOTS.join(', ')})`);
const outDir = path.resolve(values.out ?? path.join(root, 'media', 'screenshots'));

function fail(message) {
  console.error(`screenshots: ${message}`);
  process.exit(2);
}

const tools = ensureTools();
const playwright = loadPlaywright(tools.playwrightCore);
if (!process.env.SYNONYM_LENS_E2E_SKIP_BUILD) {
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) fail('the build failed');
}
mkdirSync(outDir, { recursive: true });
const runDir = mkdtempSync(path.join(os.tmpdir(), 'synonym-lens-screenshots-'));
let codeServer;
let context;
const stop = async () => {
  await context?.close().catch(() => {});
  await codeServer?.stop();
  rmSync(runDir, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void stop().finally(() => process.exit(130)));
process.on('exit', () => codeServer?.killNow());

const sampleText = readFileSync(path.join(root, 'samples', SAMPLE), 'utf8');
const hoverTerm = sampleText.split(/\r?\n/)[1].split(',')[0].trim();
const written = [];
let failed = false;
const t0 = Date.now();
try {
  for (const theme of themes) {
    const themeDir = path.join(runDir, theme);
    const folder = path.join(themeDir, 'workspace');
    cpSync(path.join(root, 'samples'), folder, { recursive: true });
    if (shots.includes('solr')) writeFileSync(path.join(folder, SOLR), SOLR_RULES + solrExport());
    codeServer = await startCodeServer({
      codeServer: tools.codeServer,
      runDir: themeDir,
      logFile: path.join(themeDir, 'code-server.log'),
      settings: { 'workbench.colorTheme': THEMES[theme], 'editor.minimap.enabled': false, 'workbench.layoutControl.enabled': false },
    });
    ({ context } = await launch(playwright, { executablePath: tools.chromium, profileDir: path.join(themeDir, 'chromium'), viewport: VIEWPORT }));
    context.setDefaultTimeout(60000);
    const page = context.pages()[0];
    try {
      await takeShots(page, folder, theme);
    } catch (e) {
      failed = true;
      const file = path.join(runDir, '..', `synonym-lens-screenshots-failed-${theme}.png`);
      await page.screenshot({ path: file }).catch(() => {});
      console.error(`screenshots: ${theme}: ${e?.message ?? e}\n  the window at the failure: ${file}`);
    }
    await context.close();
    context = undefined;
    await codeServer.stop();
    codeServer = undefined;
  }
} finally {
  await stop();
}
for (const w of written) console.log(`${path.relative(root, w.file)}: ${(w.bytes / 1024).toFixed(0)} KiB`);
const total = written.reduce((s, w) => s + w.bytes, 0);
console.log(JSON.stringify({ screenshots: written.length, total_kib: Math.round(total / 1024), seconds: Math.round((Date.now() - t0) / 1000) }));
process.exit(failed ? 1 : 0);

/** The picture of the window as WebP (Chromium's encoder, through a canvas of a blank page). */
async function save(page, name, theme) {
  const png = await page.screenshot({ animations: 'disabled', caret: 'hide' });
  const blank = await context.newPage();
  try {
    const dataUrl = await blank.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      canvas.getContext('2d').drawImage(img, 0, 0);
      return canvas.toDataURL('image/webp', 0.9);
    }, png.toString('base64'));
    if (!dataUrl.startsWith('data:image/webp;base64,')) throw new Error('Chromium did not encode WebP');
    const bytes = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
    const file = path.join(outDir, `${name}-${theme}.webp`);
    writeFileSync(file, bytes);
    written.push({ file, bytes: statSync(file).size });
  } finally {
    await blank.close();
  }
  await page.bringToFront();
}

async function takeShots(page, folder, theme) {
  const want = (s) => shots.includes(s);
  const sampleRow = page.locator('.explorer-folders-view .monaco-list-row', { hasText: SAMPLE });
  await page.goto(workbenchUrl(codeServer.url, folder, { extensionDevelopmentPath: root }));
  await page.locator('.monaco-workbench').waitFor({ timeout: 120000 });
  await sampleRow.locator('.monaco-icon-label.synonym-csv-lang-file-icon').waitFor({ timeout: 120000 });

  // The text editor with its inlay hints, the model in the language status, the Problems panel.
  await openWith(page, sampleRow, 'Text Editor');
  await page.locator('.editor-instance .view-lines', { hasText: hoverTerm }).waitFor();
  await page.locator('.statusbar [id="status.languageStatus"] [aria-label*=" terms"], .statusbar [id="status.languageStatus"][aria-label*=" terms"]')
    .first().waitFor({ state: 'attached', timeout: SERVER_TIMEOUT });
  await page.locator('.editor-instance .view-lines', { hasText: '≈' }).waitFor({ timeout: SERVER_TIMEOUT });
  await runCommand(page, 'View: Focus Problems');
  await page.locator('.markers-panel .monaco-list-row', { hasText: 'low-similarity' }).first().waitFor({ timeout: SERVER_TIMEOUT });
  if (want('editor')) await save(page, 'editor', theme);

  if (want('hover')) {
    // Line 2's first term: its hover lists its nearest neighbours and its synonym group.
    const gutter = await page.locator('.editor-instance .margin-view-overlays .line-numbers').getByText('2', { exact: true }).first().boundingBox();
    const text = await page.locator('.editor-instance .view-lines').first().boundingBox();
    if (!gutter || !text) throw new Error('line 2 is not visible');
    await page.mouse.move(text.x + 8, gutter.y + gutter.height / 2);
    await page.locator('.monaco-hover', { hasText: 'Nearest neighbours' }).first().waitFor({ state: 'visible', timeout: SERVER_TIMEOUT });
    await save(page, 'hover', theme);
    await page.mouse.move(2, VIEWPORT.height / 2);
    await page.keyboard.press('Escape');
    await page.locator('.monaco-hover').first().waitFor({ state: 'hidden' }).catch(() => {});
  }

  // The panel gives the webviews the whole height.
  await runCommand(page, 'View: Hide Panel');
  await runCommand(page, 'View: Close All Editors');
  await page.locator('.tabs-container .tab').first().waitFor({ state: 'detached' });

  if (want('table') || want('heatmap')) {
    await openWith(page, sampleRow, 'Synonym Table');
    const table = await findWebviewFrame(page, 'table', { timeout: 60000 });
    await table.locator('.grid-row[data-row="0"] .grid-cell[data-col="score"][data-score="flagged"]').waitFor({ timeout: SERVER_TIMEOUT });
    await table.locator('#score-status', { hasText: /\S/ }).waitFor();
    await table.locator('.grid-row[data-row="1"] .grid-cell[data-col="c0"]').click();
    await table.locator('.grid-row.selected[data-row="1"]').waitFor();
    if (want('table')) await save(page, 'table', theme);

    if (want('heatmap')) {
      await table.locator('#open-heatmap').click();
      const heatmap = await findWebviewFrame(page, 'heatmap', { timeout: SERVER_TIMEOUT, selector: '#heatmap[data-terms]' });
      const canvas = heatmap.locator('#heatmap');
      const n = Number(await canvas.getAttribute('data-terms'));
      // A cell beside the diagonal: terms are in group order, so it is a pair of the dictionary.
      const k = Math.min(1, n - 2);
      await canvas.hover({ position: await cellCentre(canvas, n, k, k + 1) });
      await heatmap.locator(`#tooltip:not([hidden])[data-i="${k}"][data-j="${k + 1}"]`).waitFor();
      await save(page, 'heatmap', theme);
    }
    await runCommand(page, 'View: Close All Editors');
    await page.locator('.tabs-container .tab').first().waitFor({ state: 'detached' });
  }

  if (want('suggestions')) {
    // Suggest Synonyms… on the sample (the active text editor), the term list picked in the dialog.
    await openWith(page, sampleRow, 'Text Editor');
    await page.locator('.editor-instance .view-lines', { hasText: hoverTerm }).waitFor();
    await runCommand(page, 'Synonym Lens: Suggest Synonyms…', { then: 'Suggest Synonyms: term lists' });
    await chooseInFileDialog(page, path.join(folder, TERM_LIST));
    const view = await findWebviewFrame(page, 'suggestions', { timeout: SERVER_TIMEOUT, selector: '#list[data-model] .item.current' });
    await view.locator('#decisions[data-count]').waitFor();
    await view.locator('#busy[hidden]').waitFor({ state: 'attached' });
    await clearNotifications(page);
    await save(page, 'suggestions', theme);
    await runCommand(page, 'View: Close All Editors');
    await page.locator('.tabs-container .tab').first().waitFor({ state: 'detached' });
  }

  if (want('solr')) {
    // The Solr file in the Synonym Table: one row per rule, ⇒ on the one-way ones, a score per pair.
    const solrRow = page.locator('.explorer-folders-view .monaco-list-row', { hasText: SOLR });
    await solrRow.locator('.monaco-icon-label.synonym-solr-lang-file-icon').waitFor({ timeout: 120000 });
    await openWith(page, solrRow, 'Synonym Table');
    const table = await findWebviewFrame(page, 'table', { timeout: 60000, selector: '.grid-row[data-row="0"] .grid-cell[data-col="rule"][data-direction="explicit"]' });
    await table.locator('#score-status', { hasText: /\S/ }).waitFor({ timeout: SERVER_TIMEOUT });
    await table.locator('.grid-row[data-row="0"] .grid-cell[data-score="flagged"], .grid-row[data-row="0"] .grid-cell[data-score="ok"], .grid-row[data-row="0"] .grid-cell[data-score="near"]').first().waitFor({ timeout: SERVER_TIMEOUT });
    await table.locator('.grid-row[data-row="0"] .grid-cell[data-col="c0"]').click();
    await table.locator('.grid-row.selected[data-row="0"]').waitFor();
    await save(page, 'solr', theme);
    await runCommand(page, 'View: Close All Editors');
    await page.locator('.tabs-container .tab').first().waitFor({ state: 'detached' });
  }

  if (want('report')) {
    // Fine-tune Model on the sample (the active text editor) opens the fine-tuning report.
    await openWith(page, sampleRow, 'Text Editor');
    await page.locator('.editor-instance .view-lines', { hasText: hoverTerm }).waitFor();
    await runCommand(page, 'Synonym Lens: Fine-tune Model');
    const report = await findWebviewFrame(page, 'report', { timeout: SERVER_TIMEOUT, selector: '#training' });
    await report.locator('#metrics tr[data-metric="roc_auc"]', { hasText: /\d\.\d{4}[^]*\d\.\d{4}/ }).waitFor();
    for (const id of ['#histogram svg', '#curves svg', '#loss svg']) await report.locator(id).first().waitFor({ state: 'attached' });
    await runCommand(page, 'View: Close Editors in Other Groups');
    await page.locator('.editor-group-container').nth(1).waitFor({ state: 'detached' });
    // Notifications of the run would cover the report.
    await clearNotifications(page);
    await save(page, 'report', theme);
  }
}

async function clearNotifications(page) {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'detached' });
}

/** The sample as Export Synonyms writes it for Solr (equivalence groups; label-0 pairs have no Solr form). */
function solrExport() {
  const cli = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'export', path.join(root, 'samples', SAMPLE), '--format', 'solr'], { encoding: 'utf8' });
  if (cli.status !== 0) fail(`the CLI's export failed: ${cli.stderr}`);
  return cli.stdout;
}
