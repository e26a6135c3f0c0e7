// Extension tests of the webviews (table editor, similarity heatmap, evaluation report), at the
// API level: which editor or panel VS Code opens for each command. What the webviews draw, and
// edits made in them, are checked through the DOM by test/e2e/webviews.mjs. Registered into the
// same run as index.js (one workbench load), so they also run under @vscode/test-electron.
'use strict';
const assert = require('assert');
const vscode = require('vscode');
const { test } = require('./framework');
const { waitForEvent } = require('./helpers');

const TABLE_VIEW_TYPE = 'synonymLens.table';
const HEATMAP_VIEW_TYPE = 'synonymLens.heatmap';
const REPORT_VIEW_TYPE = 'synonymLens.report';
const SUGGESTIONS_VIEW_TYPE = 'synonymLens.suggestions';
const SERVER_TIMEOUT = 60000;

async function sampleUri() {
  const [uri] = await vscode.workspace.findFiles('**/cars.synonyms.csv', '**/node_modules/**', 1);
  assert.ok(uri, 'the workspace has no cars.synonyms.csv');
  return uri;
}

const allTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs);

/** Custom editor tabs of `viewType` on `uri`. */
const customTabs = (uri, viewType) =>
  allTabs().filter((t) => t.input instanceof vscode.TabInputCustom && t.input.viewType === viewType && t.input.uri.toString() === uri.toString());

/**
 * Webview panel tabs of an extension `viewType`. VS Code prefixes the view type of an extension's
 * panel (`mainThreadWebview-<viewType>`), so the match is on the suffix.
 */
const webviewTabs = (viewType) => allTabs().filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(viewType));

/**
 * Runs `action` and resolves with the tabs `find()` returns once it returns any: checked after the
 * action and on every `onDidChangeTabs` — the tab model's own event, never a sleep.
 */
async function afterTabs(action, find, what, ms = 30000) {
  const appeared = waitForEvent(vscode.window.tabGroups.onDidChangeTabs, () => find().length > 0, ms).catch(() => {
    throw new Error(`timed out after ${ms} ms waiting for ${what}; tabs: ${describeTabs()}`);
  });
  await action();
  if (find().length > 0) {
    appeared.catch(() => {});
    return find();
  }
  await appeared;
  return find();
}

function describeTabs() {
  return JSON.stringify(
    allTabs().map((t) => `${t.label} [${t.input ? `${t.input.constructor.name}${t.input instanceof vscode.TabInputWebview ? ` ${t.input.viewType}` : ''}` : 'no input'}]`),
  );
}

async function closeAll() {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

test('webviews: "vscode.openWith" opens the sample in the Synonym Table custom editor', async () => {
  await closeAll();
  const uri = await sampleUri();
  const [tab] = await afterTabs(() => vscode.commands.executeCommand('vscode.openWith', uri, TABLE_VIEW_TYPE), () => customTabs(uri, TABLE_VIEW_TYPE), 'the table tab');
  assert.strictEqual(tab.label, 'cars.synonyms.csv');
  const active = vscode.window.tabGroups.activeTabGroup.activeTab;
  assert.ok(active.input instanceof vscode.TabInputCustom, `the active tab is not a custom editor: ${describeTabs()}`);
  assert.strictEqual(active.input.viewType, TABLE_VIEW_TYPE);
  // The document behind the table is the text document: it is open, under the dictionary's language.
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  assert.ok(document, 'the table did not open the text document');
  assert.strictEqual(document.languageId, 'synonym-csv');
});

test('webviews: "Open as Table" and "vscode.open" show *.synonyms.csv in the table (the default editor)', async () => {
  await closeAll();
  const uri = await sampleUri();
  // The command of the editor title, the explorer menu and the palette, from a text editor.
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  await afterTabs(() => vscode.commands.executeCommand('synonymLens.openAsTable'), () => customTabs(uri, TABLE_VIEW_TYPE), 'the table tab (Open as Table)');
  await closeAll();
  // A plain open (double-click in the explorer, Quick Open) goes to the default editor: the table.
  await afterTabs(() => vscode.commands.executeCommand('vscode.open', uri), () => customTabs(uri, TABLE_VIEW_TYPE), 'the table tab (vscode.open)');
  await closeAll();
});

test('webviews: Solr synonyms files and ES synonyms sets open in the table too (the default editor; "Open as Table" from the text)', async () => {
  await closeAll();
  const folder = vscode.workspace.workspaceFolders[0].uri;
  const solr = vscode.Uri.joinPath(folder, 'synonyms-table-e2e.txt');
  const es = vscode.Uri.joinPath(folder, 'table-e2e.synonyms.json');
  await vscode.workspace.fs.writeFile(solr, new TextEncoder().encode('# kept\n普拉多, 霸道SUV\na => b\n'));
  await vscode.workspace.fs.writeFile(es, new TextEncoder().encode('{"synonyms_set": [{"id": "r1", "synonyms": "普拉多, 霸道SUV"}]}\n'));
  try {
    await afterTabs(() => vscode.commands.executeCommand('vscode.open', solr), () => customTabs(solr, TABLE_VIEW_TYPE), 'the table tab of synonyms-table-e2e.txt');
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === solr.toString());
    assert.ok(document, 'the table did not open the text document');
    assert.strictEqual(document.languageId, 'synonym-solr');
    await closeAll();
    await afterTabs(() => vscode.commands.executeCommand('vscode.open', es), () => customTabs(es, TABLE_VIEW_TYPE), 'the table tab of table-e2e.synonyms.json');
    await closeAll();
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(solr));
    await afterTabs(() => vscode.commands.executeCommand('synonymLens.openAsTable'), () => customTabs(solr, TABLE_VIEW_TYPE), 'the table tab (Open as Table on a Solr file)');
  } finally {
    await closeAll();
    await vscode.workspace.fs.delete(solr);
    await vscode.workspace.fs.delete(es);
  }
});

test('webviews: an edit while the table is open is the document\'s, and undo in the table restores it', async () => {
  await closeAll();
  const uri = await sampleUri();
  await afterTabs(() => vscode.commands.executeCommand('vscode.openWith', uri, TABLE_VIEW_TYPE), () => customTabs(uri, TABLE_VIEW_TYPE), 'the table tab');
  const document = await vscode.workspace.openTextDocument(uri);
  const before = document.getText();
  // Line 2 is `普拉多,霸道SUV,1`: replace the synonym as the table's `editRow` would.
  const line = document.lineAt(1).text;
  const start = line.indexOf(',') + 1;
  const range = new vscode.Range(1, start, 1, line.indexOf(',', start));
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, range, '陆巡');
  const changed = waitForEvent(vscode.workspace.onDidChangeTextDocument, (e) => e.document.uri.toString() === uri.toString() && e.contentChanges.length > 0);
  assert.ok(await vscode.workspace.applyEdit(edit));
  await changed;
  assert.ok(document.isDirty, 'the document is not dirty after the edit');
  // The tab model follows the document a moment later, with its own event.
  await afterTabs(async () => {}, () => customTabs(uri, TABLE_VIEW_TYPE).filter((t) => t.isDirty), 'the table tab to show dirty');
  // With the table focused, Undo goes to the custom text editor's document.
  const undone = waitForEvent(vscode.workspace.onDidChangeTextDocument, (e) => e.document.uri.toString() === uri.toString() && e.document.getText() === before);
  await vscode.commands.executeCommand('undo');
  await undone;
  assert.strictEqual(document.getText(), before);
  await vscode.commands.executeCommand('workbench.action.files.revert');
  await closeAll();
}, { timeout: SERVER_TIMEOUT });

test('webviews: "Show Similarity Heatmap" opens a heatmap panel (for a term and for the dictionary)', async () => {
  await closeAll();
  const uri = await sampleUri();
  const [focused] = await afterTabs(
    () => vscode.commands.executeCommand('synonymLens.showHeatmap', { uri: uri.toString(), term: '普拉多' }),
    () => webviewTabs(HEATMAP_VIEW_TYPE),
    'the heatmap panel',
  );
  assert.match(focused.label, /普拉多/);
  // From the table (no argument): the heatmap of the active table's dictionary.
  await afterTabs(() => vscode.commands.executeCommand('vscode.openWith', uri, TABLE_VIEW_TYPE), () => customTabs(uri, TABLE_VIEW_TYPE), 'the table tab');
  const tabs = await afterTabs(
    () => vscode.commands.executeCommand('synonymLens.showHeatmap'),
    () => webviewTabs(HEATMAP_VIEW_TYPE).filter((t) => t.label === 'Similarity: cars.synonyms.csv'),
    'the dictionary heatmap panel',
  );
  assert.strictEqual(tabs.length, 1);
  // The same request again reveals the open panel instead of opening a second one.
  await vscode.commands.executeCommand('synonymLens.showHeatmap', { uri: uri.toString() });
  assert.strictEqual(webviewTabs(HEATMAP_VIEW_TYPE).filter((t) => t.label === 'Similarity: cars.synonyms.csv').length, 1);
  await closeAll();
});

test('webviews: Evaluate Model and Fine-tune Model open the evaluation report; "Show Evaluation Report" opens a report', async () => {
  const fs = require('fs');
  await closeAll();
  const uri = await sampleUri();
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  /** @type {import('../../../src/shared/protocol').EvaluateResult | undefined} */
  let evaluated;
  const evaluation = await afterTabs(
    async () => (evaluated = /** @type {import('../../../src/shared/protocol').EvaluateResult | undefined} */ (await vscode.commands.executeCommand('synonymLens.evaluate', { uri: uri.toString() }))),
    () => webviewTabs(REPORT_VIEW_TYPE),
    'the report of Evaluate Model',
    SERVER_TIMEOUT,
  );
  assert.match(evaluation[0].label, /^Evaluation of builtin:/);
  // The scored pairs the report draws its histogram and PR/ROC curves from.
  assert.ok(evaluated && Array.isArray(evaluated.scores) && evaluated.scores.length === evaluated.evaluation.n, 'Evaluate Model returned no scored pairs');
  await closeAll();

  await vscode.window.showTextDocument(document);
  /** @type {import('../../../src/shared/protocol').FineTuneResult | undefined} */
  let result;
  const reports = await afterTabs(
    async () => (result = /** @type {import('../../../src/shared/protocol').FineTuneResult | undefined} */ (await vscode.commands.executeCommand('synonymLens.fineTune', { uri: uri.toString(), epochs: 2 }))),
    () => webviewTabs(REPORT_VIEW_TYPE),
    'the report of Fine-tune Model',
    SERVER_TIMEOUT,
  );
  assert.ok(result && result.reportPath && fs.existsSync(result.reportPath), 'Fine-tune Model returned no report');
  assert.strictEqual(reports.length, 1);
  // The work folder keeps generated models out of version control.
  const path = require('path');
  assert.match(fs.readFileSync(path.join(result.modelDir, '..', '..', '.gitignore'), 'utf8'), /^\*$/m);

  // A second run shows its report in the same tab (updated, revealed), not in a new one.
  const first = result;
  await vscode.window.showTextDocument(document);
  result = /** @type {import('../../../src/shared/protocol').FineTuneResult | undefined} */ (await vscode.commands.executeCommand('synonymLens.fineTune', { uri: uri.toString(), epochs: 1 }));
  assert.ok(result && result.modelDir !== first.modelDir, 'the second run wrote no new folder');
  assert.strictEqual(webviewTabs(REPORT_VIEW_TYPE).length, 1, `one report tab per kind: ${describeTabs()}`);
  // Evaluate Model's report is another kind: its own tab. Evaluating the new model on the file it
  // was fine-tuned on says so; its held-out split gives the report's own held-out figures.
  /** @type {import('../../../src/shared/protocol').EvaluateResult | undefined} */
  let onTraining;
  await afterTabs(
    async () => (onTraining = /** @type {import('../../../src/shared/protocol').EvaluateResult | undefined} */ (await vscode.commands.executeCommand('synonymLens.evaluate', { uri: uri.toString(), modelDir: result.modelDir }))),
    () => webviewTabs(REPORT_VIEW_TYPE).filter((t) => /^Evaluation of /.test(t.label)),
    'the evaluation report beside the fine-tuning report',
    SERVER_TIMEOUT,
  );
  assert.strictEqual(webviewTabs(REPORT_VIEW_TYPE).length, 2);
  assert.ok(onTraining && onTraining.training && onTraining.training.kind === 'same-file' && onTraining.training.heldOutAvailable, JSON.stringify(onTraining && onTraining.training));
  const heldOut = /** @type {import('../../../src/shared/protocol').EvaluateResult} */ (await vscode.commands.executeCommand('synonymLens.evaluate', { uri: uri.toString(), modelDir: result.modelDir, heldOut: true }));
  assert.strictEqual(heldOut.heldOut, true);
  assert.strictEqual(heldOut.evaluation.n, result.report.after.n);
  assert.ok(Math.abs(heldOut.evaluation.roc_auc - result.report.after.roc_auc) < 1e-3, `${heldOut.evaluation.roc_auc} vs ${result.report.after.roc_auc}`);
  assert.strictEqual(webviewTabs(REPORT_VIEW_TYPE).length, 2, 'the held-out evaluation reuses the evaluation tab');

  // Clean Up Fine-tuned Models removes the chosen folder and says what it freed.
  const cleaned = /** @type {{ removed: string[]; bytes: number }} */ (await vscode.commands.executeCommand('synonymLens.cleanUpModels', { select: [first.modelDir], confirm: true }));
  assert.deepStrictEqual(cleaned.removed, [first.modelDir]);
  assert.ok(cleaned.bytes > 1000000, `freed ${cleaned.bytes} bytes`);
  assert.ok(!fs.existsSync(first.modelDir) && fs.existsSync(result.modelDir));
  await closeAll();

  // The heatmap named the new model to compare with opens (its toggle in use: test/e2e/webviews.mjs).
  await afterTabs(
    () => vscode.commands.executeCommand('synonymLens.showHeatmap', { uri: uri.toString(), tunedModel: result.modelDir }),
    () => webviewTabs(HEATMAP_VIEW_TYPE),
    'the heatmap panel with the fine-tuned model',
  );
  await closeAll();

  // The command with a report object (what a script or another extension passes) and with the file.
  await afterTabs(() => vscode.commands.executeCommand('synonymLens.showReport', { ...result.report, title: 'From an object' }), () => webviewTabs(REPORT_VIEW_TYPE), 'the report from an object');
  assert.strictEqual(webviewTabs(REPORT_VIEW_TYPE)[0].label, 'From an object');
  await closeAll();
  await afterTabs(() => vscode.commands.executeCommand('synonymLens.showReport', result.reportPath), () => webviewTabs(REPORT_VIEW_TYPE), 'the report from report.json');
  await closeAll();
}, { timeout: 3 * SERVER_TIMEOUT });

test('webviews: "Suggest Synonyms…" with a term list opens the Synonym Suggestions view beside the dictionary', async () => {
  await closeAll();
  const uri = await sampleUri();
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  const termList = vscode.Uri.joinPath(uri, '..', 'cars.terms.txt').fsPath;
  const [tab] = await afterTabs(
    () => vscode.commands.executeCommand('synonymLens.suggestSynonyms', { uri: uri.toString(), termLists: [termList] }),
    () => webviewTabs(SUGGESTIONS_VIEW_TYPE),
    'the suggestions tab',
    SERVER_TIMEOUT,
  );
  assert.strictEqual(tab.label, 'Suggestions: cars.synonyms.csv');
  // Run again for the same dictionary: the same panel is reused, not a second tab.
  await vscode.commands.executeCommand('synonymLens.suggestSynonyms', { uri: uri.toString(), termLists: [termList] });
  assert.strictEqual(webviewTabs(SUGGESTIONS_VIEW_TYPE).length, 1, describeTabs());
});
