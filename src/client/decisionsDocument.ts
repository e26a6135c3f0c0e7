import * as vscode from 'vscode';

/**
 * Saves a decisions file (`<dictionary>.decisions.csv`) after an edit. Edits that span files leave
 * their documents open and unsaved, while the diagnostics, fine-tuning and the CLI read decisions
 * from disk: unsaved, a rejected pair would stay flagged. Says so when the file cannot be saved.
 * Resolves with false when there was nothing to save or saving failed.
 */
export async function saveDecisionsFile(uri: vscode.Uri): Promise<boolean> {
  if (!/\.decisions\.csv$/i.test(uri.path)) return false;
  const document =
    vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ??
    (await Promise.resolve(vscode.workspace.openTextDocument(uri)).catch(() => undefined));
  if (!document?.isDirty) return false;
  const saved = await document.save();
  if (!saved) void vscode.window.showWarningMessage(vscode.l10n.t('Synonym Lens: could not save {0}; the pair stays flagged until it is saved.', vscode.workspace.asRelativePath(uri)));
  return saved;
}
