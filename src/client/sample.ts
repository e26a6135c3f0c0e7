/**
 * `synonymLens.openSample` (the walkthrough's first step): puts the shipped sample dictionary
 * where the user can edit, fine-tune on and export it. The sample in the extension folder is
 * never opened for editing (it is read-only in an installed extension, and a fine-tune next to
 * it would write into the extension).
 */
import * as vscode from 'vscode';

export const SAMPLE_NAME = 'cars.synonyms.csv';

/**
 * Copies `samples/cars.synonyms.csv` into the first workspace folder (keeping an existing copy,
 * which may hold the user's edits) and opens it; without a folder, opens it as an untitled
 * `synonym-csv` document. `{ beside: true }` (the walkthrough's link) opens it next to the active
 * editor, so the walkthrough stays in view. Resolves with the opened document's URI.
 */
export async function openSample(context: vscode.ExtensionContext, options?: { beside?: boolean }): Promise<vscode.Uri | undefined> {
  const show: vscode.TextDocumentShowOptions = options?.beside === true ? { viewColumn: vscode.ViewColumn.Beside } : {};
  const source = vscode.Uri.joinPath(context.extensionUri, 'samples', SAMPLE_NAME);
  let content: Uint8Array;
  try {
    content = await vscode.workspace.fs.readFile(source);
  } catch (error) {
    void vscode.window.showErrorMessage(vscode.l10n.t('The sample dictionary could not be read: {0}', String(error)));
    return undefined;
  }
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    const document = await vscode.workspace.openTextDocument({ language: 'synonym-csv', content: new TextDecoder().decode(content) });
    await vscode.window.showTextDocument(document, show);
    void vscode.window.showInformationMessage(vscode.l10n.t('The sample is open as an untitled file: save it as *.synonyms.csv in a folder to fine-tune on it.'));
    return document.uri;
  }
  const target = vscode.Uri.joinPath(folder.uri, SAMPLE_NAME);
  const exists = await vscode.workspace.fs.stat(target).then(
    () => true,
    () => false,
  );
  if (!exists) {
    try {
      await vscode.workspace.fs.writeFile(target, content);
    } catch (error) {
      void vscode.window.showErrorMessage(vscode.l10n.t('The sample could not be copied to {0}: {1}', folder.name, String(error)));
      return undefined;
    }
  }
  await vscode.window.showTextDocument(target, show);
  return target;
}
