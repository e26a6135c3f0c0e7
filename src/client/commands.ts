import * as vscode from 'vscode';
import type { SynonymLensClient } from './languageClient';

/** Arguments of `synonymLens.addSynonym` (the server's hover links pass them as JSON). */
export interface AddSynonymArgs {
  uri: string | vscode.Uri;
  term: string;
  synonym: string;
}

type CommandFactory = (client: SynonymLensClient) => (...args: any[]) => unknown;

/** Every command of the extension, in one table (ids match package.json `contributes.commands`). */
const commands: Record<string, CommandFactory> = {
  'synonymLens.restartServer': (client) => () => client.restart(),
  'synonymLens.addSynonym': () => (args: AddSynonymArgs) => addSynonym(args),
};

export function registerCommands(context: vscode.ExtensionContext, client: SynonymLensClient): void {
  for (const [id, factory] of Object.entries(commands)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, factory(client)));
  }
}

/** Quotes a CSV field when it needs it (RFC 4180: separators, quotes, line breaks, edge spaces). */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Appends the row `term,synonym` at the end of the dictionary as one WorkspaceEdit (so undo and
 * dirty state are VS Code's own), first adding a line break when the file lacks a final one.
 */
export async function addSynonym(args: AddSynonymArgs | undefined): Promise<boolean> {
  if (!args || typeof args.term !== 'string' || typeof args.synonym !== 'string' || !args.uri) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Add synonym: missing document, term or synonym.'));
    return false;
  }
  const uri = typeof args.uri === 'string' ? vscode.Uri.parse(args.uri) : args.uri;
  const document = await vscode.workspace.openTextDocument(uri);
  const eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
  const end = document.lineAt(document.lineCount - 1).range.end;
  const needsBreak = document.getText().length > 0 && document.lineAt(document.lineCount - 1).text.length > 0;
  const row = `${csvField(args.term)},${csvField(args.synonym)}`;
  const edit = new vscode.WorkspaceEdit();
  edit.insert(uri, end, `${needsBreak ? eol : ''}${row}${eol}`);
  return vscode.workspace.applyEdit(edit);
}
