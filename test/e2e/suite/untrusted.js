// Extension tests for Workspace Trust, run in a workspace that is NOT trusted and whose settings
// point `synonymLens.model` at a folder that does not exist: the extension must run in limited
// mode, take the model from user settings (the built-in default) and say so in its status.
'use strict';
const assert = require('assert');
const vscode = require('vscode');
const { test, runAll } = require('./framework');
const { waitForDiagnostics, waitForEvent, codeOf } = require('./helpers');

const EXTENSION_ID = 'synonym-lens.synonym-lens';
const SERVER_TIMEOUT = 60000;

test('the workspace is untrusted and the extension still activates', async () => {
  assert.strictEqual(vscode.workspace.isTrusted, false, 'the test workspace should not be trusted');
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed`);
  await extension.activate();
  assert.ok(extension.isActive);
});

test('limited mode: the workspace model setting is ignored and the status says so', async () => {
  const api = vscode.extensions.getExtension(EXTENSION_ID).exports;
  const folder = vscode.workspace.workspaceFolders[0].uri;
  const raw = JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, '.vscode/settings.json'))).toString());
  assert.ok(raw['synonymLens.model'], 'the fixture workspace should set synonymLens.model');
  // VS Code itself withholds restricted settings of an untrusted workspace; the client enforces it too.
  assert.strictEqual(vscode.workspace.getConfiguration('synonymLens').get('model'), 'builtin');
  const ready = (text) => /^Ready/.test(text) && /limited mode/.test(text);
  const changed = ready(api.modelStatusText) ? Promise.resolve(api.modelStatusText) : waitForEvent(api.onDidChangeModelStatus, ready, SERVER_TIMEOUT);
  const [uri] = await vscode.workspace.findFiles('**/cars.synonyms.csv', undefined, 1);
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  const text = await changed;
  assert.match(text, /^Ready · .*model builtin:/, `status: ${text}`);
  // The built-in model is in use, so the sample gets its similarity diagnostics.
  await waitForDiagnostics(uri, (ds) => ds.some((d) => codeOf(d) === 'low-similarity'), SERVER_TIMEOUT);
}, { timeout: SERVER_TIMEOUT + 10000 });

module.exports = { run: () => runAll('untrusted-tests') };
