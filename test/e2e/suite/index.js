// Extension tests, run inside a real VS Code extension host with the repository as the extension
// development path and a copy of `samples/` as the workspace. Entry point: `run()`.
// Driven by test/e2e/run.mjs (code-server + Chromium) and test/e2e/electron.mjs (desktop VS Code).
'use strict';
const assert = require('assert');
const vscode = require('vscode');
const { test, runAll } = require('./framework');
const { execFileSync } = require('child_process');
const { waitForDiagnostics, waitForEvent, codeOf, hoverText, hintLabel } = require('./helpers');

const EXTENSION_ID = 'synonym-lens.synonym-lens';
/** Model loading (and the first embedding of the sample) happens in the background. */
const SERVER_TIMEOUT = 60000;

async function sampleUri() {
  const [uri] = await vscode.workspace.findFiles('**/cars.synonyms.csv', '**/node_modules/**', 1);
  assert.ok(uri, 'the workspace has no cars.synonyms.csv (is the workspace a copy of samples/?)');
  return uri;
}

async function openSample() {
  const document = await vscode.workspace.openTextDocument(await sampleUri());
  await vscode.window.showTextDocument(document);
  return document;
}

const isLowSimilarity = (d) => codeOf(d) === 'low-similarity';

let flagged;
/**
 * The sample's diagnostics once the server has flagged a low-similarity pair. Awaited once and
 * shared: when the server never answers, the tests that need it fail at once instead of each
 * waiting out the timeout again.
 */
function serverDiagnostics(document) {
  flagged ??= waitForDiagnostics(document.uri, (ds) => ds.some(isLowSimilarity), SERVER_TIMEOUT);
  return flagged;
}

test('the extension activates and registers its language and commands', async () => {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed`);
  await extension.activate();
  assert.ok(extension.isActive, 'not active after activate()');
  const languages = await vscode.languages.getLanguages();
  assert.ok(languages.includes('synonym-csv'), 'language synonym-csv is not registered');
  const commands = await vscode.commands.getCommands(true);
  for (const id of ['synonymLens.restartServer', 'synonymLens.addSynonym']) assert.ok(commands.includes(id), `command ${id} missing`);
  const document = await openSample();
  assert.strictEqual(document.languageId, 'synonym-csv');
  // The language status says its state, counts the active file's distinct terms and names the model.
  const api = extension.exports;
  const terms = new Set(document.getText().split(/\r?\n/).slice(1).flatMap((l) => l.split(',').slice(0, 2)).map((t) => t.normalize('NFKC').trim().toLowerCase()).filter(Boolean));
  const expected = `Ready · ${terms.size} terms in this file · model builtin:`;
  const status = api.modelStatusText.startsWith(expected) ? api.modelStatusText : await waitForEvent(api.onDidChangeModelStatus, (t) => t.startsWith(expected), SERVER_TIMEOUT);
  assert.ok(status.startsWith(expected), status);
}, { timeout: SERVER_TIMEOUT + 5000 });

test('the server flags low-similarity pairs of the sample', async () => {
  const document = await openSample();
  const diagnostics = await serverDiagnostics(document);
  const lowSimilarity = diagnostics.filter(isLowSimilarity);
  for (const d of lowSimilarity) {
    assert.ok(d.range.start.line > 0, 'a diagnostic on the header line');
    assert.ok(d.message.length > 0, 'empty diagnostic message');
  }
  console.log(`  ${lowSimilarity.length} low-similarity of ${diagnostics.length} diagnostics, e.g. line ${lowSimilarity[0].range.start.line + 1}: ${lowSimilarity[0].message}`);
}, { timeout: SERVER_TIMEOUT + 5000 });

test('a diagnostic code link opens the shipped docs rendered, at the code\'s section', async () => {
  const document = await openSample();
  const low = (await serverDiagnostics(document)).find(isLowSimilarity);
  const target = low.code.target;
  assert.strictEqual(target.scheme, 'command', target.toString());
  assert.strictEqual(target.path, 'synonymLens.openDocs');
  const [doc] = JSON.parse(decodeURIComponent(target.query));
  const docUri = vscode.Uri.parse(doc);
  assert.strictEqual(docUri.fragment, 'low-similarity');
  assert.ok(docUri.path.endsWith('/docs/diagnostics.md'), doc);
  const isPreview = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(t.input.viewType));
  const opened = isPreview() ? Promise.resolve() : waitForEvent(vscode.window.tabGroups.onDidChangeTabs, isPreview, 20000);
  // What clicking the link runs (the command URI's path with its JSON arguments).
  await vscode.commands.executeCommand('synonymLens.openDocs', ...JSON.parse(decodeURIComponent(target.query)));
  await opened;
  assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.path.endsWith('/docs/diagnostics.md') && vscode.window.visibleTextEditors.some((e) => e.document === d)), 'the raw Markdown is not opened in an editor');
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
}, { timeout: SERVER_TIMEOUT + 25000 });

test('hovering a term lists its nearest neighbours', async () => {
  const document = await openSample();
  await serverDiagnostics(document);
  // Line 2 (0-based 1) is `普拉多,霸道SUV,1`: hover the standard term.
  const row = document.lineAt(1).text.split(',').map((t) => t.trim());
  const term = row[0];
  const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', document.uri, new vscode.Position(1, 1));
  const text = hoverText(hovers);
  assert.ok(text.length > 0, `no hover on "${term}"`);
  // A neighbour is a term of the dictionary, other than the row's own pair, named in the hover.
  const terms = new Set(
    document.getText().split(/\r?\n/).slice(1).flatMap((l) => l.split(',').slice(0, 2)).map((t) => t.trim()).filter((t) => t && !row.includes(t)),
  );
  const neighbours = [...terms].filter((t) => text.includes(t));
  assert.ok(neighbours.length > 0, `hover on "${term}" names no other term:\n${text}`);
}, { timeout: SERVER_TIMEOUT + 10000 });

test('inlay hints show similarities', async () => {
  const document = await openSample();
  await serverDiagnostics(document);
  const whole = new vscode.Range(0, 0, document.lineCount, 0);
  const hints = /** @type {import('vscode').InlayHint[]} */ (await vscode.commands.executeCommand('vscode.executeInlayHintProvider', document.uri, whole));
  assert.ok(hints.length > 0, 'no inlay hints');
  assert.ok(hints.some((h) => /\d/.test(hintLabel(h))), `no hint carries a number: ${hints.slice(0, 5).map(hintLabel).join(' | ')}`);
}, { timeout: SERVER_TIMEOUT + 10000 });

test('addSynonym appends a row formatted like the file', async () => {
  const folder = vscode.workspace.workspaceFolders[0].uri;
  const uri = vscode.Uri.joinPath(folder, 'scratch-add.synonyms.csv');
  // No final line break: the row goes after one, and the file keeps its style.
  await vscode.workspace.fs.writeFile(uri, Buffer.from('term,synonym,label\nSUV,越野车,1'));
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  const applied = await vscode.commands.executeCommand('synonymLens.addSynonym', { uri: uri.toString(), term: 'a,b', synonym: '轿车' });
  assert.strictEqual(applied, true);
  assert.strictEqual(document.getText(), 'term,synonym,label\nSUV,越野车,1\n"a,b",轿车,1');
  await vscode.commands.executeCommand('synonymLens.addSynonym', { uri, term: 'MPV', synonym: '商务车' });
  assert.strictEqual(document.getText(), 'term,synonym,label\nSUV,越野车,1\n"a,b",轿车,1\nMPV,商务车,1');
  await document.save();
}, { timeout: SERVER_TIMEOUT });

test('a code action edits the document', async () => {
  const document = await openSample();
  const diagnostics = await serverDiagnostics(document);
  const before = document.getText();
  const version = document.version;
  let applied;
  for (const d of diagnostics) {
    const actions = /** @type {import('vscode').CodeAction[]} */ (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', document.uri, d.range));
    const action = (actions || []).find((a) => a.edit) ?? (actions || []).find((a) => a.command);
    if (!action) continue;
    if (action.edit) assert.ok(await vscode.workspace.applyEdit(action.edit), `applyEdit failed for "${action.title}"`);
    if (action.command) {
      const command = typeof action.command === 'string' ? { command: action.command, arguments: [] } : action.command;
      await vscode.commands.executeCommand(command.command, ...(command.arguments || []));
    }
    applied = action.title;
    break;
  }
  assert.ok(applied, `no code action with an edit or command on ${diagnostics.length} diagnostics`);
  assert.ok(document.version > version && document.getText() !== before, `"${applied}" did not change the document`);
  console.log(`  applied "${applied}"`);
  await vscode.commands.executeCommand('workbench.action.files.revert');
}, { timeout: SERVER_TIMEOUT + 30000 });

/** Pids of language servers started by this extension host (Linux and macOS: `ps`). */
function serverPids() {
  const out = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' });
  return out.split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => Number(f[1]) === process.pid && f.slice(2).join(' ').includes('dist/server.js')).map((f) => Number(f[0]));
}

/** Resolves when the model status goes through "starting" and back to a ready model. */
function restartObserved(api) {
  return waitForEvent(api.onDidChangeModelStatus, (t) => /Starting/.test(t), SERVER_TIMEOUT)
    .then(() => waitForEvent(api.onDidChangeModelStatus, (t) => /^Ready/.test(t), SERVER_TIMEOUT));
}

test('"Mark as not a synonym" on a file without labels records the verdict, saves it, and the pair is no longer flagged', async () => {
  const folder = vscode.workspace.workspaceFolders[0].uri;
  const uri = vscode.Uri.joinPath(folder, 'scratch-decide.synonyms.csv');
  const decisionsUri = vscode.Uri.joinPath(folder, 'scratch-decide.synonyms.decisions.csv');
  const text = '标准词,近似词\n普拉多,霸道SUV\n';
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text));
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  const onLine1 = (d) => isLowSimilarity(d) && d.range.start.line === 1;
  const flaggedPair = (await waitForDiagnostics(uri, (ds) => ds.some(onLine1), SERVER_TIMEOUT)).find(onLine1);
  const actions = /** @type {import('vscode').CodeAction[]} */ (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, flaggedPair.range));
  const mark = actions.find((a) => /^Mark as not a synonym/.test(a.title));
  assert.ok(mark && mark.edit && mark.command, `no "Mark as not a synonym" with an edit and a command among: ${actions.map((a) => a.title).join(' | ')}`);
  assert.strictEqual(mark.command.command, 'synonymLens.saveDecisions');
  // What VS Code does when the user picks the fix: the edit, then its command.
  assert.ok(await vscode.workspace.applyEdit(mark.edit));
  const saved = await vscode.commands.executeCommand('synonymLens.saveDecisions', ...(mark.command.arguments || []));
  assert.strictEqual(saved, true);
  assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === decisionsUri.toString() && d.isDirty), 'the decisions file is left unsaved');
  const written = Buffer.from(await vscode.workspace.fs.readFile(decisionsUri)).toString('utf8');
  assert.match(written, /^term,synonym,label,decided_at\n普拉多,霸道SUV,0,/);
  // The watcher tells the server; the pair is now a decided non-synonym, so it is not flagged.
  await waitForDiagnostics(uri, (ds) => !ds.some(onLine1), SERVER_TIMEOUT);
  assert.strictEqual(document.getText(), text, 'the dictionary itself is untouched');
}, { timeout: 2 * SERVER_TIMEOUT });

test('Restart Language Server brings the model back', async () => {
  const document = await openSample();
  await serverDiagnostics(document);
  const api = vscode.extensions.getExtension(EXTENSION_ID).exports;
  const restarted = restartObserved(api);
  await vscode.commands.executeCommand('synonymLens.restartServer');
  assert.match(await restarted, /^Ready · \d+ terms in this file · model builtin:/);
  await waitForDiagnostics(document.uri, (ds) => ds.some(isLowSimilarity), SERVER_TIMEOUT);
}, { timeout: 2 * SERVER_TIMEOUT });

test('a killed server is restarted and the diagnostics return', async () => {
  if (process.platform === 'win32') return; // no `ps`; the restart path is the same everywhere
  const document = await openSample();
  await serverDiagnostics(document);
  const api = vscode.extensions.getExtension(EXTENSION_ID).exports;
  const [pid, ...more] = serverPids();
  assert.ok(pid && !more.length, `expected one server process, found ${JSON.stringify([pid, ...more])}`);
  const restarted = restartObserved(api);
  process.kill(pid, 'SIGKILL');
  assert.match(await restarted, /^Ready/);
  const [newPid] = serverPids();
  assert.ok(newPid && newPid !== pid, 'no new server process');
  await waitForDiagnostics(document.uri, (ds) => ds.some(isLowSimilarity), SERVER_TIMEOUT);
}, { timeout: 2 * SERVER_TIMEOUT });

/** The diagnostics of a document as comparable text (line, code, message — messages carry the cosines). */
function diagnosticsKey(ds) {
  return ds.map((d) => `${d.range.start.line}:${codeOf(d)}:${d.message}`).sort().join('\n');
}

test('Fine-tune Model runs to completion on the sample, and "Use this model" changes the diagnostics', async () => {
  const fs = require('fs');
  const path = require('path');
  const document = await openSample();
  await serverDiagnostics(document);
  const commands = await vscode.commands.getCommands(true);
  for (const id of ['synonymLens.fineTune', 'synonymLens.adjustVectors', 'synonymLens.evaluate', 'synonymLens.selectModel', 'synonymLens.exportSynonyms']) {
    assert.ok(commands.includes(id), `command ${id} missing`);
  }
  const before = diagnosticsKey(vscode.languages.getDiagnostics(document.uri));
  const result = /** @type {import('../../../src/shared/protocol').FineTuneResult | undefined} */ (await vscode.commands.executeCommand('synonymLens.fineTune', { uri: document.uri.toString(), epochs: 10 }));
  assert.ok(result && result.modelDir, 'Fine-tune Model returned no result (failed or cancelled)');
  for (const f of ['model.onnx', 'config.json', 'report.json', 'report.md']) assert.ok(fs.existsSync(path.join(result.modelDir, f)), `${f} missing`);
  assert.ok(result.report.before.n > 0 && result.report.after.n > 0, 'no held-out evaluation');
  const folder = vscode.workspace.workspaceFolders[0].uri.fsPath;
  assert.ok(result.modelDir.startsWith(path.join(folder, '.synonym-lens', 'models') + path.sep), result.modelDir);
  console.log(`  ${path.basename(result.modelDir)}: held-out ROC-AUC ${result.report.before.roc_auc} → ${result.report.after.roc_auc}`);

  const api = vscode.extensions.getExtension(EXTENSION_ID).exports;
  const name = path.basename(result.modelDir);
  const statusShowsModel = waitForEvent(api.onDidChangeModelStatus, (t) => t.includes(name) && /^Ready/.test(t), SERVER_TIMEOUT);
  try {
    // What the "Use this model" button runs.
    assert.strictEqual(await vscode.commands.executeCommand('synonymLens.selectModel', result.modelDir), true);
    assert.strictEqual(vscode.workspace.getConfiguration('synonymLens').get('model'), `.synonym-lens/models/${name}`);
    await statusShowsModel;
    const after = await waitForDiagnostics(document.uri, (ds) => ds.length > 0 && diagnosticsKey(ds) !== before, SERVER_TIMEOUT);
    console.log(`  diagnostics with the fine-tuned model: ${after.filter(isLowSimilarity).length} low-similarity (were ${before.split('\n').filter((l) => l.includes(':low-similarity:')).length})`);
  } finally {
    await vscode.workspace.getConfiguration('synonymLens').update('model', undefined, vscode.ConfigurationTarget.Workspace);
  }
  await waitForEvent(api.onDidChangeModelStatus, (t) => /^Ready · (.* · )?model builtin:/.test(t), SERVER_TIMEOUT);
}, { timeout: 3 * SERVER_TIMEOUT });

test('Convert Dictionary writes the sample as a Solr synonyms.txt that opens as a Solr dictionary; the source is untouched', async () => {
  const source = await sampleUri();
  const before = await vscode.workspace.fs.readFile(source);
  const target = vscode.Uri.joinPath(source, '..', 'converted-e2e.synonyms.txt');
  const written = await vscode.commands.executeCommand('synonymLens.convertDictionary', { uri: source, to: 'solr', target });
  assert.ok(written, 'the command returned no target');
  assert.strictEqual(written.toString(), target.toString());
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
  assert.match(text, /^普拉多, 霸道SUV$/m, text.slice(0, 200));
  const doc = await vscode.workspace.openTextDocument(target);
  assert.strictEqual(doc.languageId, 'synonym-solr');
  assert.deepStrictEqual(await vscode.workspace.fs.readFile(source), before, 'the source dictionary changed');
  await vscode.workspace.fs.delete(target);
}, { timeout: SERVER_TIMEOUT });

test('a Solr synonyms.txt opens as its own language: Lucene-worded errors on the exact range, model diagnostics and a hover on a term', async () => {
  const folder = vscode.workspace.workspaceFolders[0].uri;
  const uri = vscode.Uri.joinPath(folder, 'cars.synonyms.txt');
  const text = '# cars, Solr format\n普拉多, 霸道SUV, 陆地巡洋舰\n发动机 => 引擎\na => b => c\n';
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  assert.strictEqual(document.languageId, 'synonym-solr');
  const diagnostics = await waitForDiagnostics(uri, (ds) => ds.some(isLowSimilarity) && ds.some((d) => codeOf(d) === 'synonym-rule'), SERVER_TIMEOUT);
  const refused = diagnostics.find((d) => codeOf(d) === 'synonym-rule');
  assert.strictEqual(refused.message, 'Invalid synonym rule at line 4: more than one explicit mapping specified on the same line');
  assert.deepStrictEqual([refused.range.start.line, refused.range.start.character, refused.range.end.line, refused.range.end.character], [3, 0, 3, 11]);
  const low = diagnostics.find((d) => isLowSimilarity(d) && d.range.start.line === 1);
  assert.ok(low, `no low-similarity diagnostic on line 2: ${JSON.stringify(diagnostics.map((d) => [codeOf(d), d.range.start.line]))}`);
  // On a term of the rule, exactly: 霸道SUV (5-10) or 陆地巡洋舰 (12-17).
  assert.ok([5, 12].includes(low.range.start.character), `range ${low.range.start.character}-${low.range.end.character}`);
  const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, new vscode.Position(1, 6));
  const hover = hoverText(hovers);
  assert.ok(hover.includes('霸道SUV'), `hover on 霸道SUV:\n${hover}`);
  assert.strictEqual(document.getText(), text, 'nothing rewritten on load');
}, { timeout: SERVER_TIMEOUT + 10000 });

test('Preview Query Expansion runs a query through a Solr file\'s rules with Lucene (Java helper); analysis diagnostics flag its multi-token terms', async () => {
  const folder = vscode.workspace.workspaceFolders[0].uri;
  const uri = vscode.Uri.joinPath(folder, 'preview-e2e.synonyms.txt');
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('普拉多, 霸道SUV\nLand Cruiser => LC\n'));
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  const result = /** @type {import('../../../src/shared/protocol').PreviewExpansionResult | undefined} */ (
    await vscode.commands.executeCommand('synonymLens.previewExpansion', { uri: uri.toString(), query: '普拉多' })
  );
  assert.ok(result, 'the preview returned nothing (is Java with the Lucene jars installed?)');
  assert.strictEqual(result.analyzer, 'standard');
  assert.strictEqual(result.rules, 2);
  assert.ok(result.tokens.some((t) => t.type === 'SYNONYM' && t.term === 'suv'), JSON.stringify(result.tokens));
  const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'synonym-lens-preview');
  assert.ok(shown, 'no preview document is visible');
  assert.match(shown.document.getText(), /^- 霸 道 suv$/m, shown.document.getText());
  const config = vscode.workspace.getConfiguration('synonymLens');
  try {
    await config.update('analysis.enabled', true, vscode.ConfigurationTarget.Workspace);
    const ds = await waitForDiagnostics(uri, (all) => all.some((d) => codeOf(d) === 'analysis-multi-token' && d.message.startsWith('"Land Cruiser"')), SERVER_TIMEOUT);
    const lc = ds.find((d) => d.message.startsWith('"Land Cruiser"'));
    assert.deepStrictEqual([lc.range.start.line, lc.range.start.character, lc.range.end.character], [1, 0, 12]);
  } finally {
    await config.update('analysis.enabled', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.fs.delete(uri);
  }
}, { timeout: 2 * SERVER_TIMEOUT });

test('Evaluate Model and Export Synonyms… work on the sample', async () => {
  const fs = require('fs');
  const path = require('path');
  const document = await openSample();
  await serverDiagnostics(document);
  const evaluation = /** @type {import('../../../src/shared/protocol').EvaluateResult | undefined} */ (await vscode.commands.executeCommand('synonymLens.evaluate', { uri: document.uri.toString() }));
  assert.ok(evaluation && evaluation.evaluation.n > 0, 'no evaluation');
  assert.match(evaluation.modelId, /^builtin:/);
  const target = path.join(vscode.workspace.workspaceFolders[0].uri.fsPath, 'cars.solr.txt');
  const written = await vscode.commands.executeCommand('synonymLens.exportSynonyms', { uri: document.uri, format: 'solr', target });
  assert.ok(written, 'nothing exported');
  assert.match(fs.readFileSync(target, 'utf8'), /^# Synonyms exported by Synonym Lens/);
}, { timeout: 2 * SERVER_TIMEOUT });

test('Adjust Vectors writes a model folder over the current model, moving only dictionary terms', async () => {
  const fs = require('fs');
  const path = require('path');
  const document = await openSample();
  await serverDiagnostics(document);
  const result = /** @type {import('../../../src/shared/protocol').AdjustVectorsResult | undefined} */ (await vscode.commands.executeCommand('synonymLens.adjustVectors', { uri: document.uri.toString(), method: 'retrofit' }));
  assert.ok(result && result.modelDir, 'Adjust Vectors returned no result (failed or cancelled)');
  assert.strictEqual(result.method, 'retrofit');
  assert.match(result.baseModelId, /^builtin:/);
  assert.ok(result.movedTerms > 0 && result.movedTerms <= result.terms, `moved ${result.movedTerms} of ${result.terms}`);
  const folder = vscode.workspace.workspaceFolders[0].uri.fsPath;
  assert.ok(result.modelDir.startsWith(path.join(folder, '.synonym-lens', 'models') + path.sep), result.modelDir);
  assert.ok(fs.readdirSync(result.modelDir).length > 0, `${result.modelDir} is empty`);
}, { timeout: 2 * SERVER_TIMEOUT });

test('Open Sample opens the workspace copy of the sample and keeps its bytes', async () => {
  const fs = require('fs');
  const uri = await sampleUri();
  const bytes = fs.readFileSync(uri.fsPath);
  const opened = await vscode.commands.executeCommand('synonymLens.openSample');
  assert.ok(opened, 'Open Sample returned no document');
  assert.strictEqual(opened.toString(), uri.toString());
  assert.strictEqual(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString());
  assert.strictEqual(vscode.window.activeTextEditor.document.languageId, 'synonym-csv');
  assert.ok(fs.readFileSync(uri.fsPath).equals(bytes), 'the existing copy was rewritten');
  const column = vscode.window.activeTextEditor.viewColumn;
  const beside = await vscode.commands.executeCommand('synonymLens.openSample', { beside: true });
  assert.strictEqual(beside.toString(), uri.toString());
  assert.notStrictEqual(vscode.window.activeTextEditor.viewColumn, column, '{ beside: true } opened it in the same column');
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
});

test('past synonymLens.diagnostics.maxPerFile, the summary diagnostic\'s quick fix Show All Problems lists every problem, with links to the cells', async () => {
  const folder = vscode.workspace.workspaceFolders[0].uri;
  const uri = vscode.Uri.joinPath(folder, 'problems-e2e.synonyms.csv');
  // Twelve rows of six kinds of problem (two each: none collapses), then a stray quote on 50 rows.
  const mixed = ['lonely', 'alone', ',no term,1', ',none,0', 'x,y,maybe', 'p,q,perhaps', 'z,z,1', 'w,w,1', 'a,b,1,extra', 'c,d,1,more', 'e"f,g,1', 'h"i,j,1'];
  const quotes = Array.from({ length: 50 }, (_, i) => `s${i}"t,u${i},1`);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('term,synonym,label\n' + [...mixed, ...quotes].map((r) => `${r}\n`).join('')));
  const config = vscode.workspace.getConfiguration('synonymLens');
  try {
    await config.update('diagnostics.maxPerFile', 10, vscode.ConfigurationTarget.Workspace);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const published = await waitForDiagnostics(uri, (ds) => ds.some((d) => codeOf(d) === 'too-many-diagnostics'), SERVER_TIMEOUT);
    assert.ok(published.length <= 10, `${published.length} diagnostics published`);
    const lastLine = mixed.length + quotes.length; // 0-based line of the last stray quote
    assert.ok(!published.some((d) => d.range.start.line === lastLine), 'the last row\'s problem is in the Problems view already');
    const summary = published.find((d) => codeOf(d) === 'too-many-diagnostics');
    assert.match(summary.message, /Show All Problems/);
    const actions = /** @type {vscode.CodeAction[]} */ (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, summary.range, vscode.CodeActionKind.QuickFix.value));
    const show = actions.find((a) => a.command?.command === 'synonymLens.showAllProblems');
    assert.ok(show, `no Show All Problems quick fix: ${JSON.stringify(actions.map((a) => a.title))}`);
    const editor = /** @type {vscode.TextEditor} */ (await vscode.commands.executeCommand('synonymLens.showAllProblems', ...(show.command.arguments ?? [])));
    assert.ok(editor, 'the command showed no page');
    assert.strictEqual(editor.document.uri.scheme, 'synonym-lens-problems');
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.toString(), editor.document.uri.toString());
    const text = editor.document.getText();
    const rows = text.split('\n').filter((l) => l.startsWith('problems-e2e.synonyms.csv:'));
    assert.ok(rows.length > 50 + 10, `${rows.length} problem rows:\n${text.slice(0, 2000)}`);
    const last = rows.findIndex((l) => l.startsWith(`problems-e2e.synonyms.csv:${lastLine + 1}:`) && l.includes('stray-quote'));
    assert.ok(last >= 0, `no row for line ${lastLine + 1}:\n${text.slice(-1000)}`);
    // Each row's location links to its cell in the dictionary.
    const links = /** @type {vscode.DocumentLink[]} */ (await vscode.commands.executeCommand('vscode.executeLinkProvider', editor.document.uri));
    const target = links.map((l) => l.target).find((t) => t?.path === uri.path && t.fragment.startsWith(`L${lastLine + 1},`));
    assert.ok(target, `no link to line ${lastLine + 1}: ${links.slice(0, 3).map((l) => l.target?.toString()).join(' ')}`);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  } finally {
    await config.update('diagnostics.maxPerFile', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.fs.delete(uri);
  }
}, { timeout: SERVER_TIMEOUT + 10000 });

test('a large dictionary: the rows the editor shows get their model diagnostics early, and the status item shows the embedding progress', async () => {
  const folder = vscode.workspace.workspaceFolders[0].uri;
  const uri = vscode.Uri.joinPath(folder, 'large-e2e.synonyms.csv');
  // 20,000 rows of distinct terms (40,000 to embed); a threshold of 1 flags every pair.
  const rows = 20000;
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('term,synonym\n' + Array.from({ length: rows }, (_, i) => `alpha${i}x,beta${i}y\n`).join('')));
  const config = vscode.workspace.getConfiguration('synonymLens');
  const api = vscode.extensions.getExtension(EXTENSION_ID).exports;
  try {
    await config.update('diagnostics.threshold', 1, vscode.ConfigurationTarget.Workspace);
    await config.update('diagnostics.maxPerFile', 100000, vscode.ConfigurationTarget.Workspace);
    const progress = waitForEvent(api.onDidChangeModelStatus, (t) => /Synonym Lens: [\d,.\s]+ \/ [\d,.\s]+ terms/.test(t), SERVER_TIMEOUT * 3);
    const shownLine = 15000;
    const low = (ds) => ds.filter(isLowSimilarity).map((d) => d.range.start.line);
    const firstModel = waitForDiagnostics(uri, (ds) => low(ds).length > 0, SERVER_TIMEOUT * 3);
    const document = await vscode.workspace.openTextDocument(uri);
    // Opened scrolled to row 15,000: the client tells the server what the editor shows.
    await vscode.window.showTextDocument(document, { selection: new vscode.Range(shownLine, 0, shownLine, 0) });
    const status = await progress;
    console.log(`  status while embedding: ${status}`);
    const lines = low(await firstModel);
    assert.ok(lines.includes(shownLine), `the first model diagnostics (${lines.length}, lines ${Math.min(...lines)}–${Math.max(...lines)}) miss the shown line ${shownLine}`);
    assert.ok(lines.length < rows, 'the first model diagnostics came only with the whole file');
    await waitForDiagnostics(uri, (ds) => low(ds).length === rows, SERVER_TIMEOUT * 3);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  } finally {
    await config.update('diagnostics.threshold', undefined, vscode.ConfigurationTarget.Workspace);
    await config.update('diagnostics.maxPerFile', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.fs.delete(uri);
  }
}, { timeout: SERVER_TIMEOUT * 6 });

// The webviews' tests run in the same extension host, after the ones above.
require('./webviews');

module.exports = { run: () => runAll('extension-tests') };
