// UI suite: what a person sees in the workbench, driven through the DOM. Every wait is on an
// element or its text (never a fixed sleep); each failed step leaves a PNG screenshot.
import path from 'node:path';
import { runCommand, stepRunner } from './workbench.mjs';
import { launch, workbenchUrl } from './browser.mjs';
import { openWith } from './webviews.mjs';

const SAMPLE = 'cars.synonyms.csv';
/** Model loading and the first embedding run happen in the background of the language server. */
const SERVER_TIMEOUT = 90000;

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export async function runUiSuite({ playwright, executablePath, profileDir, baseUrl, folder, extensionPath, outDir, sampleText, log, track }) {
  const results = [];
  const { context, page } = await launch(playwright, { executablePath, profileDir });
  track(context);
  context.setDefaultTimeout(30000);
  page.on('pageerror', (e) => log(`[pageerror] ${e.message}`));
  let serverTimeout = SERVER_TIMEOUT; // shortened once the server is known not to answer
  const step = stepRunner({ page, results, log, outDir, prefix: 'ui' });

  // Rows of the sample: line 2 is `普拉多,霸道SUV,1`. A neighbour shown in its hover is a term of
  // the dictionary that is not on that row (the row's own pair may appear in a diagnostic hover).
  const lines = sampleText.split(/\r?\n/);
  const hoverRow = lines[1].split(',').map((s) => s.trim());
  const others = [...new Set(lines.slice(1).flatMap((l) => l.split(',').slice(0, 2)).map((s) => s.trim()))]
    .filter((t) => t && !hoverRow.includes(t)).sort((a, b) => b.length - a.length);
  const neighbourPattern = new RegExp(others.map(escapeRegExp).join('|'));

  try {
    await step('the workbench loads the workspace', async () => {
      await page.goto(workbenchUrl(baseUrl, folder, { extensionDevelopmentPath: extensionPath }));
      await page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: SAMPLE }).waitFor({ timeout: 90000 });
    }, { needed: true });

    await step('the sample opens as a synonym dictionary', async () => {
      // `*.synonyms.csv` opens in the Synonym Table by default (once the extension's contributions
      // are registered, which the language's file icon shows); the text is "Open With… → Text Editor".
      const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: SAMPLE });
      await row.locator('.monaco-icon-label.synonym-csv-lang-file-icon').waitFor({ timeout: 90000 });
      await openWith(page, row, 'Text Editor');
      await page.locator('.editor-instance .view-lines', { hasText: hoverRow[0] }).waitFor();
      // The language mode in the status bar shows the contributed language's alias.
      await page.locator('.statusbar [id="status.editor.mode"]', { hasText: 'Synonym Dictionary' }).waitFor();
    }, { needed: true });

    await step('the language status shows the model once it is ready', async () => {
      // The combined language-status entry carries every item's text in its aria-label.
      const status = page.locator('.statusbar [id="status.languageStatus"]');
      await status.waitFor();
      await page.locator('.statusbar [id="status.languageStatus"] [aria-label*=" terms"], .statusbar [id="status.languageStatus"][aria-label*=" terms"]')
        .first().waitFor({ state: 'attached', timeout: SERVER_TIMEOUT })
        .catch((e) => { serverTimeout = 10000; throw e; });
    });

    await step('the Problems panel lists a flagged pair', async () => {
      await runCommand(page, 'View: Focus Problems');
      await page.locator('.markers-panel .monaco-list-row', { hasText: 'low-similarity' }).first().waitFor({ timeout: serverTimeout });
      await page.screenshot({ path: path.join(outDir, 'problems.png') });
    });

    await step('hovering a term shows its neighbours', async () => {
      // Inlay hints change the rendered text of a line, so find line 2 by its number in the gutter
      // and point at the first characters of the term.
      const gutter = await page.locator('.editor-instance .margin-view-overlays .line-numbers').getByText('2', { exact: true }).first().boundingBox();
      const text = await page.locator('.editor-instance .view-lines').first().boundingBox();
      if (!gutter || !text) throw new Error('line 2 is not visible');
      await page.mouse.move(text.x + 8, gutter.y + gutter.height / 2);
      await page.locator('.monaco-hover', { hasText: neighbourPattern }).first().waitFor({ state: 'visible', timeout: serverTimeout });
      await page.screenshot({ path: path.join(outDir, 'hover.png'), animations: 'disabled' });
    });

    await step('"Add as synonym" in the hover appends the pair', async () => {
      await page.locator('.monaco-hover a', { hasText: 'Add as synonym' }).first().click();
      await page.locator('.tabs-container .tab.dirty', { hasText: SAMPLE }).waitFor();
      await page.keyboard.press('Control+End');
      // The new last row starts with the hovered term.
      await page.locator('.editor-instance .view-line', { hasText: new RegExp(`^${escapeRegExp(hoverRow[0])},`) }).last().waitFor();
      await page.keyboard.press('Control+Home');
    });

    await step('screenshot of the editor with the sample', async () => {
      await page.mouse.move(5, 5);
      await page.keyboard.press('Escape');
      await page.locator('.monaco-hover').first().waitFor({ state: 'hidden' }).catch(() => {});
      await page.screenshot({ path: path.join(outDir, 'editor.png'), animations: 'disabled' });
    });

    await step('the palette finds "Fine-tune model"; its progress notification appears and completes', async () => {
      // The sample is the active editor (opened above); the command fine-tunes on it.
      await page.locator('.editor-instance .view-lines', { hasText: hoverRow[0] }).first().click();
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      // The user's own words, lower-case "model": the palette matches case-insensitively.
      await input.fill('>Fine-tune model');
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Synonym Lens: Fine-tune Model' }).first();
      await row.waitFor();
      // Watch for the progress toast before starting: a run on the sample takes about a second.
      const progress = page.locator('.notifications-toasts .notification-toast', { hasText: 'Fine-tuning model' }).first().waitFor({ state: 'attached', timeout: serverTimeout });
      // Its own row: "Clean Up Fine-tuned Models…" matches the same words and may come first.
      await row.click();
      await progress;
      await page.locator('.notifications-toasts .notification-toast', { hasText: 'Fine-tuned model written to' }).first().waitFor({ timeout: 120000 });
      await page.locator('.notifications-toasts .notification-toast a, .notifications-toasts .notification-toast .monaco-button', { hasText: 'Use this model' }).first().waitFor();
      await page.screenshot({ path: path.join(outDir, 'fine-tune.png') });
    });
  } finally {
    await context.close().catch(() => {});
  }
  return results;
}
