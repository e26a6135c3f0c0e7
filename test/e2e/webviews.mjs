// UI suite of the webviews, through the DOM of a real workbench: the synonym table editor, the
// similarity heatmap and the evaluation report as a person sees and uses them. Every wait is on an
// element, its text or an attribute (never a fixed sleep); each failed step leaves a screenshot.
// Screenshots of the table, the heatmap and the report are saved as artefacts.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCommand, stepRunner, waitFor } from './workbench.mjs';
import { launch, workbenchUrl } from './browser.mjs';

const SAMPLE = 'cars.synonyms.csv';
/**
 * A Solr synonyms file the table edits: a comment, a blank line, escapes, odd spacing, an explicit
 * rule, CRLF line ends (one kind: VS Code makes a document's line ends all alike on load).
 */
const SOLR = 'cars.synonyms.txt';
const SOLR_TEXT = '# cars, Solr format: comments stay\r\n普拉多, 霸道SUV, 陆地巡洋舰\r\n\r\na\\,b ,  Land Cruiser => LC\r\n';
const SERVER_TIMEOUT = 90000;
/** Console messages of a webview that mean it is broken (CSP refusals, script errors, missing resources). */
const WEBVIEW_ERROR = /Content Security Policy|Refused to|Uncaught|Failed to load resource|TypeError|ReferenceError/;

export async function runWebviewSuite({ playwright, executablePath, profileDir, baseUrl, folder, extensionPath, outDir, sampleText, log, track }) {
  const results = [];
  const { context, page } = await launch(playwright, { executablePath, profileDir });
  track(context);
  context.setDefaultTimeout(30000);
  const webviewErrors = [];
  page.on('pageerror', (e) => log(`[pageerror] ${e.message}`));
  page.on('console', (m) => {
    // Messages of the webviews' own frames (their documents come from the webview `pre/` folder).
    const url = m.location()?.url ?? '';
    if (!/\/webview\/browser\/pre\/|vscode-resource|vscode-cdn/.test(url) && !/webview/i.test(m.text())) return;
    if (m.type() === 'error' || WEBVIEW_ERROR.test(m.text())) {
      webviewErrors.push(`${m.type()}: ${m.text()} (${url})`);
      log(`[webview ${m.type()}] ${m.text()}`);
    }
  });
  const step = stepRunner({ page, results, log, outDir, prefix: 'webviews' });

  /** The content frame of a webview (see `findWebviewFrame`), watched for CSP refusals. */
  async function webviewFrame(view, timeout = 30000, selector = '') {
    const frame = await findWebviewFrame(page, view, { timeout, selector });
    await watchPolicy(frame);
    return frame;
  }

  /**
   * Content-Security-Policy refusals are not console messages Playwright reports from a webview's
   * frame, so each webview found is watched from inside: its `securitypolicyviolation` events are
   * collected, and `checkPolicy` also checks that every style sheet of the page loaded.
   */
  const watched = new Set();
  async function watchPolicy(frame) {
    if (watched.has(frame)) return;
    watched.add(frame);
    await frame.evaluate(() => {
      const w = /** @type {any} */ (window);
      w.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(`${e.violatedDirective} refused ${e.blockedURI || 'inline'}`));
    });
  }
  async function checkPolicy() {
    const problems = [];
    for (const frame of watched) {
      if (frame.isDetached()) continue;
      const found = await frame.evaluate(() => [
        .../** @type {any} */ (window).__violations,
        ...[.../** @type {NodeListOf<HTMLLinkElement>} */ (document.querySelectorAll('link[rel=stylesheet]'))].filter((l) => !l.sheet).map((l) => `style sheet not loaded: ${l.href}`),
      ]).catch(() => []);
      problems.push(...found.map((p) => `${frame.url().split('?')[0]}: ${p}`));
    }
    return problems;
  }

  /** The cursor line of the active text editor, from the status bar's `Ln N, Col M`. */
  async function cursorLine() {
    const text = await page.locator('.statusbar [id="status.editor.selection"]').innerText();
    const m = /Ln (\d+)/.exec(text);
    if (!m) throw new Error(`no line in the status bar: "${text}"`);
    return Number(m[1]);
  }

  const lines = sampleText.split(/\r?\n/);
  const dataRows = lines.slice(1).filter((l) => l.trim()).length;
  const cells = (line) => line.split(',').map((s) => s.trim());
  /** 1-based line of the row pairing `a` and `b` (either order). */
  const lineOfPair = (a, b) => lines.findIndex((l, k) => k > 0 && ((cells(l)[0] === a && cells(l)[1] === b) || (cells(l)[0] === b && cells(l)[1] === a))) + 1;
  const [firstTerm] = cells(lines[1]);
  const [, editedOriginal] = cells(lines[2]);
  const editedValue = `${editedOriginal}（改）`;

  const sampleRow = page.locator('.explorer-folders-view .monaco-list-row', { hasText: SAMPLE });
  let table;
  let heatmap;

  // Written before the workbench loads, so the explorer lists it.
  writeFileSync(path.join(folder, SOLR), SOLR_TEXT);

  try {
    await step('webviews: the workbench loads with the dictionary language registered', async () => {
      await page.goto(workbenchUrl(baseUrl, folder, { extensionDevelopmentPath: extensionPath }));
      await page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
      // The file icon follows the language, known once the extension's contributions are
      // registered — from then on, opening the file resolves to the contributed editors.
      await sampleRow.locator('.monaco-icon-label.synonym-csv-lang-file-icon').waitFor({ timeout: 90000 });
    }, { needed: true });

    await step('webviews: "Open With… → Synonym Table" shows the grid with the sample\'s rows and similarity scores', async () => {
      await openWith(page, sampleRow, 'Synonym Table');
      table = await webviewFrame('table');
      await waitFor(table.locator('#grid[data-version]'), 'the grid with a document version');
      await waitFor(table.locator('.grid-row[data-row="0"] .grid-cell[data-col="c0"]', { hasText: firstTerm }), `the first row's term ${firstTerm}`);
      await waitFor(table.locator('#counts', { hasText: `${dataRows} of ${dataRows} rows` }), `the count "${dataRows} of ${dataRows} rows"`);
      // Scores come from the language server: the first pair of the sample is below the threshold.
      await waitFor(table.locator('.grid-row[data-row="0"] .grid-cell[data-col="score"][data-score="flagged"]'), 'the first row\'s score, flagged', { timeout: SERVER_TIMEOUT });
      await waitFor(table.locator('#score-status', { hasText: /threshold .* flagged/ }), 'the score status naming the threshold');
      const score = await table.locator('.grid-row[data-row="0"] .grid-cell[data-col="score"]').innerText();
      if (!/^−?-?\d\.\d{3}$/.test(score.trim())) throw new Error(`the score cell shows "${score}"`);
      // Rows with a diagnostic carry its severity in the line column.
      await waitFor(table.locator('.grid-row[data-row="0"] .grid-cell[data-col="line"][data-severity="warning"], .grid-row[data-row="0"] .grid-cell[data-col="line"][data-severity="error"]').first(), 'the first row\'s severity mark');
      await page.screenshot({ path: path.join(outDir, 'table.png') });
    }, { needed: true });

    await step('webviews: double-click a synonym, type, Enter → the document changes and the tab shows dirty', async () => {
      const version = Number(await table.locator('#grid').getAttribute('data-version'));
      await table.locator('.grid-row[data-row="1"] .grid-cell[data-col="c1"]').dblclick();
      const input = table.locator('input.cell-editor');
      await input.waitFor();
      if ((await input.inputValue()) !== editedOriginal) throw new Error(`the editor holds "${await input.inputValue()}", not "${editedOriginal}"`);
      await input.fill(editedValue);
      await input.press('Enter');
      await input.waitFor({ state: 'detached' });
      await table.locator(`#grid[data-version="${version + 1}"]`).waitFor();
      await table.locator('.grid-row[data-row="1"] .grid-cell[data-col="c1"]', { hasText: editedValue }).waitFor();
      await page.locator('.tabs-container .tab.dirty', { hasText: SAMPLE }).waitFor();
    }, { needed: true });

    await step('webviews: "Open as Text" shows the edited row in the text editor', async () => {
      await table.locator('#open-text').click();
      await page.locator('.editor-instance .view-line', { hasText: editedValue }).first().waitFor();
    });

    await step('webviews: Ctrl+Z with the grid focused undoes the edit (grid, text and dirty state)', async () => {
      // Focus the grid (a click selects a cell), then the undo key as a person presses it.
      await table.locator('.grid-row[data-row="3"] .grid-cell[data-col="c0"]').click();
      await table.locator('.grid-row.selected[data-row="3"]').waitFor();
      await page.keyboard.press('Control+Z');
      await table.locator('.grid-row[data-row="1"] .grid-cell[data-col="c1"]', { hasText: new RegExp(`^${editedOriginal}$`) }).waitFor();
      await page.locator('.editor-instance .view-line', { hasText: editedValue }).first().waitFor({ state: 'detached' });
      await page.locator('.tabs-container .tab.dirty', { hasText: SAMPLE }).waitFor({ state: 'detached' });
    });

    await step('webviews: the heatmap of the selected term renders on a canvas', async () => {
      await table.locator('.grid-row[data-row="0"] .grid-cell[data-col="c0"]').click();
      await table.locator('#open-heatmap').click();
      heatmap = await webviewFrame('heatmap');
      await heatmap.locator('#heatmap[data-terms]').waitFor();
      const terms = Number(await heatmap.locator('#heatmap').getAttribute('data-terms'));
      if (!(terms > 2)) throw new Error(`the heatmap has ${terms} terms`);
      await heatmap.locator('#info', { hasText: `${terms} terms` }).waitFor();
      log(`  heatmap: ${terms} terms drawn in ${await heatmap.locator('#heatmap').getAttribute('data-render-ms')} ms`);
    }, { needed: true });

    /**
     * Hovers the cells next to the diagonal (a synonym group's pairs sit there: terms are in group
     * order) until the tooltip says the pair is in the dictionary, checking each tooltip on the way.
     * Resolves with the pair, the cell's position and the pair's line in the sample.
     */
    /**
     * @param {any} frame
     * @param {{ exceptLine?: number }} [options]
     */
    async function findDictionaryPair(frame, { exceptLine } = {}) {
      const canvas = frame.locator('#heatmap');
      const n = Number(await canvas.getAttribute('data-terms'));
      for (let k = 0; k + 1 < n; k++) {
        const position = await cellCentre(canvas, n, k, k + 1);
        await canvas.hover({ position });
        const tip = frame.locator(`#tooltip:not([hidden])[data-i="${k}"][data-j="${k + 1}"]`);
        await tip.waitFor();
        const title = await tip.locator('.tip-title').innerText();
        if (!/^cosine −?-?\d\.\d{3}/.test(await tip.locator('.tip-cosine').innerText())) throw new Error(`no cosine in the tooltip of ${title}`);
        const inDictionary = /in dictionary: yes, label [01] \(line (\d+)\)/.exec(await tip.locator('.tip-pair').innerText());
        if (!inDictionary) continue;
        const [a, b] = title.split(' ↔ ');
        const line = lineOfPair(a, b);
        if (line < 2) throw new Error(`the pair ${a} ↔ ${b} is in no row of the sample`);
        // The tooltip names the line as the editor's gutter and the table's # column number it.
        if (Number(inDictionary[1]) !== line) throw new Error(`the tooltip of ${title} says line ${inDictionary[1]}, the pair is on line ${line}`);
        if (line !== exceptLine) return { a, b, position, line };
      }
      throw new Error('no dictionary pair next to the diagonal');
    }

    let pair;
    await step('webviews: hovering a heatmap cell shows the pair, its cosine and whether it is in the dictionary', async () => {
      pair = await findDictionaryPair(heatmap);
      await page.screenshot({ path: path.join(outDir, 'heatmap.png') });
    }, { needed: true });

    await step('webviews: a click on a heatmap cell reveals the pair\'s row in the text editor', async () => {
      await heatmap.locator('#heatmap').click({ position: pair.position });
      await page.locator('.statusbar [id="status.editor.selection"]', { hasText: `Ln ${pair.line},` }).waitFor();
      const line = await cursorLine();
      if (line !== pair.line) throw new Error(`the cursor is on line ${line}, not ${pair.line} (${pair.a}, ${pair.b})`);
      // The row is selected: the selection covers the pair's two terms.
      await page.locator('.statusbar [id="status.editor.selection"]', { hasText: 'selected' }).waitFor();
    });

    await step('webviews: beside the text editor, a heatmap click reveals the pair in that editor (no second copy)', async () => {
      await runCommand(page, 'View: Close All Editors');
      await page.locator('.tabs-container .tab').first().waitFor({ state: 'detached' });
      await openWith(page, sampleRow, 'Text Editor');
      await page.locator('.editor-instance .view-lines', { hasText: firstTerm }).waitFor();
      // The whole dictionary's heatmap, from the palette: it opens beside the text editor.
      await runCommand(page, 'Synonym Lens: Show Similarity Heatmap');
      const whole = await webviewFrame('heatmap', SERVER_TIMEOUT, '#heatmap[data-terms]');
      const groups = page.locator('.editor-group-container');
      await groups.nth(1).waitFor();
      // The heatmap is the active editor: the status bar shows no cursor until the click reveals one.
      await page.locator('.statusbar [id="status.editor.selection"]').waitFor({ state: 'detached' });
      const other = await findDictionaryPair(whole);
      await whole.locator('#heatmap').click({ position: other.position });
      await page.locator('.statusbar [id="status.editor.selection"]', { hasText: `Ln ${other.line},` }).waitFor();
      await page.locator('.statusbar [id="status.editor.selection"]', { hasText: 'selected' }).waitFor();
      if ((await groups.count()) !== 2) throw new Error(`${await groups.count()} editor groups: the pair was revealed in a new editor instead of the visible one`);
    });

    await step('webviews: Evaluate Model opens the evaluation report with its metrics and classification report', async () => {
      await runCommand(page, 'Synonym Lens: Evaluate Model');
      const report = await webviewFrame('report', SERVER_TIMEOUT, '#metrics');
      await report.locator('#metrics tr[data-metric="roc_auc"]', { hasText: /\d\.\d{4}/ }).waitFor();
      await report.locator('#classification', { hasText: 'precision' }).waitFor();
      // The scored pairs of the evaluation draw the histogram by label and the PR/ROC curves.
      for (const id of ['#histogram svg', '#curves svg']) await report.locator(id).first().waitFor({ state: 'attached' });
    });

    await step('webviews: Fine-tune Model opens its report: metrics before/after, training run, histogram, curves, loss', async () => {
      await runCommand(page, 'Synonym Lens: Fine-tune Model');
      // Only the fine-tuning report has a training section.
      const report = await webviewFrame('report', SERVER_TIMEOUT, '#training');
      // Before and after: two numbers on the ROC-AUC row.
      await report.locator('#metrics tr[data-metric="roc_auc"]', { hasText: /\d\.\d{4}[^]*\d\.\d{4}/ }).waitFor();
      for (const id of ['#classification', '#histogram svg', '#curves svg', '#loss svg']) await report.locator(id).first().waitFor({ state: 'attached' });
      // The report alone, for its screenshot (the table, the heatmap and the text share the width).
      await runCommand(page, 'View: Close Editors in Other Groups');
      await page.locator('.editor-group-container').nth(1).waitFor({ state: 'detached' });
      await page.screenshot({ path: path.join(outDir, 'report.png') });
    });

    await step('webviews: after Fine-tune Model, the heatmap compares two models by name (the model in use and the fine-tuned one by default, any two on request)', async () => {
      await runCommand(page, 'View: Close All Editors');
      await page.locator('.tabs-container .tab').first().waitFor({ state: 'detached' });
      await openWith(page, sampleRow, 'Text Editor');
      await page.locator('.editor-instance .view-lines', { hasText: firstTerm }).waitFor();
      await runCommand(page, 'Synonym Lens: Show Similarity Heatmap');
      const compared = await webviewFrame('heatmap', SERVER_TIMEOUT, '#heatmap[data-terms]');
      // The info line names both models (`base → fine-tuned`) once the fine-tuned matrix arrived.
      await compared.locator('#info', { hasText: '→' }).waitFor({ timeout: SERVER_TIMEOUT });
      await compared.evaluate(() => {
        const select = /** @type {HTMLSelectElement} */ (document.getElementById('mode'));
        select.value = 'difference';
        select.dispatchEvent(new Event('change', { bubbles: true }));
      });
      await compared.locator('#heatmap[data-mode="difference"]').waitFor();
      await compared.locator('.legend-title', { hasText: 'Δ cosine' }).waitFor();
      // The pickers name the models; choosing the two embedded ones redraws with them.
      await compared.locator('#model-a option', { hasText: 'Model in use: builtin:' }).waitFor({ state: 'attached' });
      await compared.locator('#model-b option', { hasText: '(fine-tuned, ' }).first().waitFor({ state: 'attached' });
      await compared.locator('#model-a').selectOption('builtin:char-ngram-v1');
      await compared.locator('#model-b').selectOption('builtin');
      await compared.locator('#info', { hasText: /builtin:char-ngram-v1 → builtin:char-ngram-v2/ }).waitFor({ timeout: SERVER_TIMEOUT });
    });

    await step('webviews: a Solr synonyms.txt opens in the table (Open With…) with its rules\' directions; a term edited in the grid changes only that term\'s bytes', async () => {
      await runCommand(page, 'View: Close All Editors');
      await page.locator('.tabs-container .tab').first().waitFor({ state: 'detached' });
      const solrRow = page.locator('.explorer-folders-view .monaco-list-row', { hasText: SOLR });
      await solrRow.locator('.monaco-icon-label.synonym-solr-lang-file-icon').waitFor({ timeout: 90000 });
      await openWith(page, solrRow, 'Synonym Table');
      const solr = await webviewFrame('table', 30000, '.grid-row[data-row="1"] .grid-cell[data-col="rule"]');
      // Rows are rules (the comment and the blank line are not); the explicit rule shows ⇒.
      await solr.locator('#counts', { hasText: '2 of 2 rows' }).waitFor();
      await solr.locator('.grid-row[data-row="1"] .grid-cell[data-col="rule"][data-direction="explicit"]', { hasText: '⇒' }).waitFor();
      await solr.locator('.grid-row[data-row="1"] .grid-cell[data-col="c2"].first-output', { hasText: 'LC' }).waitFor();
      const version = Number(await solr.locator('#grid').getAttribute('data-version'));
      // The term is shown and edited as the engine reads it (`a\,b` is the term `a,b`).
      await solr.locator('.grid-row[data-row="1"] .grid-cell[data-col="c0"]', { hasText: /^a,b$/ }).dblclick();
      const input = solr.locator('input.cell-editor');
      await input.waitFor();
      if ((await input.inputValue()) !== 'a,b') throw new Error(`the editor holds "${await input.inputValue()}", not "a,b"`);
      await input.fill('x,y');
      await input.press('Enter');
      await input.waitFor({ state: 'detached' });
      await solr.locator(`#grid[data-version="${version + 1}"]`).waitFor();
      await solr.locator('.grid-row[data-row="1"] .grid-cell[data-col="c0"]', { hasText: /^x,y$/ }).waitFor();
      await page.locator('.tabs-container .tab.dirty', { hasText: SOLR }).waitFor();
      // Saved from the grid, the file differs from the original in that term's bytes only.
      await solr.locator('.grid-row[data-row="0"] .grid-cell[data-col="c0"]').click();
      await page.keyboard.press('Control+S');
      await page.locator('.tabs-container .tab.dirty', { hasText: SOLR }).waitFor({ state: 'detached' });
      const saved = readFileSync(path.join(folder, SOLR), 'utf8');
      const expected = SOLR_TEXT.replace('a\\,b ,', 'x\\,y ,');
      if (saved !== expected) throw new Error(`the saved file is ${JSON.stringify(saved)}, expected ${JSON.stringify(expected)}`);
      await page.screenshot({ path: path.join(outDir, 'table-solr.png') });
      // The later steps see the folder as the samples left it.
      await runCommand(page, 'View: Close All Editors');
      await page.locator('.tabs-container .tab').first().waitFor({ state: 'detached' });
      rmSync(path.join(folder, SOLR));
      await solrRow.waitFor({ state: 'detached' });
    });

    let suggestions;
    let decided;
    await step('webviews: "Suggest Synonyms…" with a term list picked in the file dialog shows candidates grouped by term, with evidence', async () => {
      await runCommand(page, 'View: Close All Editors');
      await page.locator('.tabs-container .tab').first().waitFor({ state: 'detached' });
      await openWith(page, sampleRow, 'Text Editor');
      await page.locator('.editor-instance .view-lines', { hasText: firstTerm }).waitFor();
      await runCommand(page, 'Synonym Lens: Suggest Synonyms…', { then: 'Suggest Synonyms: term lists' });
      // No term list in the settings: the file dialog (VS Code's own in a browser) asks for one.
      await chooseInFileDialog(page, path.join(folder, 'cars.terms.txt'));
      suggestions = await webviewFrame('suggestions', SERVER_TIMEOUT, '#list[data-model] .item.current');
      const count = Number(await suggestions.locator('#list').getAttribute('data-count'));
      if (!(count > 2)) throw new Error(`the view shows ${count} candidates`);
      await suggestions.locator('#synonyms .group .term').first().waitFor();
      if (!/^cosine −?-?\d\.\d{3} · rank (\d+|–) · back (\d+|–)/.test(await suggestions.locator('.item .evidence').first().innerText())) throw new Error('no evidence on the first candidate');
      log(`  suggestions: ${count} candidates, model ${await suggestions.locator('#list').getAttribute('data-model')}`);
      await page.screenshot({ path: path.join(outDir, 'suggestions.png') });
    }, { needed: true });

    await step('webviews: in the view, a accepts and r rejects by keyboard; the dictionary gets the pair and the label-0 row, nothing else changes', async () => {
      const itemOf = async (locator) => ({ id: await locator.getAttribute('data-id'), term: await locator.getAttribute('data-term'), candidate: await locator.getAttribute('data-candidate') });
      await suggestions.locator('#list').focus();
      const accepted = await itemOf(suggestions.locator('.item.current'));
      await page.keyboard.press('a');
      await suggestions.locator(`.item[data-id="${accepted.id}"]`).waitFor({ state: 'detached' });
      await suggestions.locator('#message', { hasText: `Accepted ${accepted.term} ~ ${accepted.candidate}` }).waitFor();
      const rejected = await itemOf(suggestions.locator('.item.current'));
      await page.keyboard.press('r');
      await suggestions.locator('#message', { hasText: `Rejected ${rejected.term} ~ ${rejected.candidate}` }).waitFor();
      // The earlier Fine-tune Model step made a model of this dictionary: both verdicts are newer.
      await suggestions.locator('#decisions', { hasText: /^2 decisions since the last fine-tune$/ }).waitFor();
      await page.locator('.tabs-container .tab.dirty', { hasText: SAMPLE }).waitFor();
      await runCommand(page, 'File: Save All');
      await page.locator('.tabs-container .tab.dirty', { hasText: SAMPLE }).waitFor({ state: 'detached' });
      const saved = readFileSync(path.join(folder, SAMPLE), 'utf8');
      const added = [`${accepted.term},${accepted.candidate},1`, `${rejected.term},${rejected.candidate},0`];
      const savedLines = saved.split('\n');
      for (const line of added) if (!savedLines.includes(line)) throw new Error(`the dictionary has no row ${line}:\n${saved}`);
      const rest = savedLines.filter((l) => !added.includes(l)).join('\n');
      if (rest !== sampleText) throw new Error(`other bytes of the dictionary changed:\n${saved}`);
      decided = { accepted, rejected };
    }, { needed: true });

    await step('webviews: "Fine-tune on Decisions" runs from the view, and Refresh with the new model shows new scores and not the decided pairs', async () => {
      const scores = async () => new Map(await suggestions.locator('.item').evaluateAll((es) => es.map((e) => [`${e.getAttribute('data-term')}\u0000${e.getAttribute('data-candidate')}`, e.getAttribute('data-score')])));
      const before = await scores();
      const oldModel = await suggestions.locator('#list').getAttribute('data-model');
      await runCommand(page, 'Notifications: Clear All Notifications');
      await suggestions.locator('#fine-tune').click();
      await suggestions.locator('#busy:not([hidden])').waitFor();
      // The fine-tuning report opens; the offer to use the new model is a notification.
      const use = page.locator('.notifications-toasts .notification-toast', { hasText: 'Fine-tuned model written to' }).locator('a.monaco-button, .monaco-button', { hasText: 'Use this model' });
      await use.first().waitFor({ timeout: SERVER_TIMEOUT });
      await use.first().click();
      await page.locator('.notifications-toasts .notification-toast', { hasText: 'Synonym Lens now uses the model' }).waitFor();
      await page.locator('.tabs-container .tab', { hasText: 'Suggestions: cars.synonyms.csv' }).click();
      await suggestions.locator('#busy[hidden]').waitFor({ state: 'attached' });
      await suggestions.locator('#decisions', { hasText: /^0 decisions since the last fine-tune$/ }).waitFor();
      await suggestions.locator('#refresh').click();
      await suggestions.locator(`#list[data-model]:not([data-model="${oldModel}"]) .item`).first().waitFor({ timeout: SERVER_TIMEOUT });
      const after = await scores();
      for (const { term, candidate } of Object.values(decided)) if (after.has(`${term}\u0000${candidate}`)) throw new Error(`${term} ~ ${candidate} was decided but is suggested again`);
      const common = [...after.keys()].filter((k) => before.has(k));
      const changed = common.filter((k) => before.get(k) !== after.get(k));
      if (common.length === 0 || changed.length === 0) throw new Error(`no candidate's score changed with the new model (${common.length} in common)`);
      log(`  after fine-tuning: ${changed.length} of ${common.length} scores changed, model ${await suggestions.locator('#list').getAttribute('data-model')}`);
    });

    await step('webviews: after a window reload the heatmap and the Synonym Suggestions panel come back (the suggestions for the same dictionary and term list, run again)', async () => {
      const model = await suggestions.locator('#list').getAttribute('data-model');
      const old = suggestions;
      // A heatmap beside the text editor, restored with the window by its serializer. (Here its
      // page asks after the restarted language server is up: this step passes with or without
      // the panels' wait for a starting server, which it does not pin down.)
      await page.locator('.tabs-container .tab').filter({ hasText: /^cars\.synonyms\.csv/ }).first().click();
      await page.locator('.editor-instance .view-lines', { hasText: firstTerm }).first().waitFor();
      await runCommand(page, 'Synonym Lens: Show Similarity Heatmap');
      await webviewFrame('heatmap', SERVER_TIMEOUT, '#heatmap[data-terms]');
      const reloaded = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 60000 });
      await runCommand(page, 'Developer: Reload Window');
      await reloaded;
      if (!old.isDetached()) throw new Error('the suggestions frame outlived the reload');
      await page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
      const heatmapAgain = await webviewFrame('heatmap', SERVER_TIMEOUT, '#heatmap[data-terms]');
      await heatmapAgain.locator('#info', { hasText: 'terms' }).waitFor();
      // The suggestions tab shares the heatmap's group: shown, it is restored.
      await page.locator('.tabs-container .tab', { hasText: 'Suggestions: cars.synonyms.csv' }).click({ timeout: 90000 });
      // The serializer runs the page's dictionary and term list again once the server is up.
      suggestions = await webviewFrame('suggestions', SERVER_TIMEOUT, '#list[data-model] .item.current');
      const restored = await suggestions.locator('#list').getAttribute('data-model');
      if (restored !== model) throw new Error(`the restored view used model ${restored}, the view before the reload ${model}`);
      const count = Number(await suggestions.locator('#list').getAttribute('data-count'));
      if (!(count > 2)) throw new Error(`the restored view shows ${count} candidates`);
      const shown = await suggestions.locator('.item').evaluateAll((es) => es.map((e) => `${e.getAttribute('data-term')}\u0000${e.getAttribute('data-candidate')}`));
      for (const { term, candidate } of Object.values(decided)) if (shown.includes(`${term}\u0000${candidate}`)) throw new Error(`${term} ~ ${candidate} was decided but the restored view suggests it`);
    });

    await step('webviews: no webview logged an error or a Content-Security-Policy refusal', async () => {
      const problems = [...webviewErrors, ...(await checkPolicy())];
      if (watched.size < 3) problems.push(`only ${watched.size} webviews were checked`);
      if (problems.length) throw new Error(problems.join('\n'));
    });
  } finally {
    await context.close().catch(() => {});
  }
  return results;
}

/**
 * The content frame of the webview showing `view` (`<body data-view>` of the page the extension
 * sets, holding `selector` when given). Every webview is an `iframe.webview` holding the frame of
 * the page; with several open, the one is found by its content. Waits on the element in each
 * candidate frame, listing the frames again as webviews appear. (Frame names are no help: VS Code
 * renames the frame it loads, `pending-frame`, to `active-frame`.)
 */
export async function findWebviewFrame(page, view, { timeout = 30000, selector = '' } = {}) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const candidates = page.frames().filter((f) => f !== page.mainFrame() && !f.isDetached());
    try {
      return await Promise.any(candidates.map(async (f) => {
        await f.locator(`body[data-view="${view}"] ${selector}`.trim()).waitFor({ state: 'attached', timeout: 1000 });
        return f;
      }));
    } catch {
      // None yet: look again (a new webview may have been attached meanwhile).
    }
  }
  throw new Error(`no ${view} webview${selector ? ` with ${selector}` : ''} within ${timeout} ms`);
}

/**
 * Accepts `file` (an absolute path) in VS Code's own file dialog (the simple one of a browser
 * workbench). The dialog fills in its folder once it has listed it, which can overwrite a path
 * typed before that ("Please select a file."): type and accept until the dialog closes.
 */
export async function chooseInFileDialog(page, file) {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  for (let attempt = 1; ; attempt++) {
    await input.fill(file);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(file) }).first().waitFor();
    await input.press('Enter');
    if (await input.waitFor({ state: 'hidden', timeout: 5000 }).then(() => true, () => false)) return;
    if (attempt === 5) throw new Error(`the file dialog did not take ${file} (its path is now "${await input.inputValue()}")`);
  }
}

/**
 * Explorer context menu → "Open With..." → `editor` in the quick pick. Menu items are chosen with
 * the keyboard once focused (a mouse click can land while the menu is still being laid out).
 */
export async function openWith(page, explorerRow, editor) {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: editor }).first();
  // The context menu closes when the workbench lays itself out meanwhile (a view or notification
  // appearing just after the load): the menu is opened again, up to three times.
  for (let attempt = 1; ; attempt++) {
    try {
      await explorerRow.click({ button: 'right' });
      const item = page.locator('.context-view .monaco-menu .action-item', { hasText: 'Open With...' });
      await item.hover({ timeout: 10000 });
      await waitFor(page.locator('.context-view .monaco-menu .action-item.focused', { hasText: 'Open With...' }), '"Open With..." focused in the context menu', { timeout: 5000 });
      await page.keyboard.press('Enter');
      await waitFor(row, `"${editor}" in the Open With quick pick`, { timeout: 10000 });
      break;
    } catch (e) {
      if (attempt === 3) throw new Error(`Open With… did not offer "${editor}" in 3 attempts: ${String(e?.message ?? e).split('\n')[0]}`);
      await page.keyboard.press('Escape');
      await waitFor(page.locator('.context-view .monaco-menu'), 'the context menu closed', { state: 'detached', timeout: 5000 }).catch(() => {});
      await waitFor(input, 'the quick pick closed', { state: 'hidden', timeout: 5000 }).catch(() => {});
    }
  }
  await input.fill(editor);
  await waitFor(page.locator('.quick-input-list .monaco-list-row.focused', { hasText: editor }).first(), `"${editor}" focused in the quick pick`);
  await page.keyboard.press('Enter');
  await waitFor(input, 'the Open With quick pick closed', { state: 'hidden' });
}

/** Centre of heatmap cell (i, j) in the canvas's CSS pixels (the geometry of webview/heatmap/main.ts `draw`). */
export async function cellCentre(canvas, n, i, j) {
  return canvas.evaluate((c, { n, i, j }) => {
    const side = Math.min(c.clientWidth, c.clientHeight);
    const margin = side / n >= 11 || side - 110 >= n * 11 ? 110 : 0;
    const cell = (side - margin) / n;
    return { x: margin + (j + 0.5) * cell, y: margin + (i + 0.5) * cell };
  }, { n, i, j });
}

/**
 * Opens `cars.synonyms.csv` from the explorer as a person does and waits until the extension's
 * language status reports the model. A click opens the file in its default editor, the Synonym
 * Table — or, when the click lands before the workbench has resolved the extension's custom
 * editor, in the text editor; either is fine here. The language status belongs to the text editor,
 * one click (`#open-text`) away from the table.
 */
export async function openSampleWithModel(page) {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'cars.synonyms.csv' });
  await row.locator('.monaco-icon-label.synonym-csv-lang-file-icon').waitFor({ timeout: 90000 });
  await row.click();
  const text = page.locator('.editor-instance .view-lines', { hasText: '普拉多' }).first();
  const opened = await Promise.any([
    text.waitFor({ timeout: 60000 }).then(() => undefined),
    findWebviewFrame(page, 'table', { timeout: 60000 }),
  ]);
  if (opened) await opened.locator('#open-text').click();
  await page.locator('.statusbar [id="status.languageStatus"] [aria-label*=" terms"], .statusbar [id="status.languageStatus"][aria-label*=" terms"]')
    .first().waitFor({ state: 'attached', timeout: 90000 });
}
