import * as vscode from 'vscode';
import { insertRowEdit, parseDictionary, UnsafeEditError } from '../core/csv';
import { Commands, type CommandName } from '../shared/commands';
import type { AddSynonymCommandArgs } from '../shared/protocol';
import { convertDictionaryCommand } from './convert';
import { saveDecisionsFile } from './decisionsDocument';
import { openDocs } from './diagnosticDocs';
import type { SynonymLensClient } from './languageClient';
import { adjustVectors, evaluateModel, exportSynonymsCommand, fineTune, selectModel } from './learning';
import { ExpansionPreviews, PREVIEW_SCHEME, previewExpansion, type PreviewExpansionArgs } from './queryPreview';
import { ProblemPages, showAllProblems, type ShowAllProblemsArgs } from './problems';
import { openSample } from './sample';
import { cleanUpModels, type CleanUpArgs } from './modelFolders';
import type { WebviewCommandHandlers } from './webviews';

/** Arguments of `synonymLens.addSynonym` (the server's hover links pass them as JSON; tests may pass a Uri). */
export type AddSynonymArgs = Omit<AddSynonymCommandArgs, 'uri'> & { uri: string | vscode.Uri };

/** What a command's handler may use. */
export interface CommandContext {
  client: SynonymLensClient;
  context: vscode.ExtensionContext;
  webviews: WebviewCommandHandlers;
}

type CommandFactory = (c: CommandContext) => (...args: any[]) => unknown;

/** Every command of the extension, in one table: one handler per id of src/shared/commands.ts. */
const commands: { [K in CommandName]: CommandFactory } = {
  restartServer: ({ client }) => () => client.restart(),
  addSynonym: ({ client }) => (args: AddSynonymArgs) => addSynonym(client, args),
  fineTune: ({ client }) => (args) => fineTune(client, args),
  adjustVectors: ({ client }) => (args) => adjustVectors(client, args),
  evaluate: ({ client }) => (args) => evaluateModel(client, args),
  selectModel: ({ client }) => (arg) => selectModel(client, arg),
  exportSynonyms: () => (args) => exportSynonymsCommand(args),
  cleanUpModels: () => (args?: CleanUpArgs) => cleanUpModels(args),
  convertDictionary: () => (args) => convertDictionaryCommand(args),
  previewExpansion: ({ client, context }) => {
    const previews = new ExpansionPreviews();
    context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, previews));
    return (args?: PreviewExpansionArgs) => previewExpansion(client, previews, args);
  },
  openDocs: () => (doc: string | vscode.Uri) => openDocs(doc),
  openAsTable: ({ webviews }) => (uri?: vscode.Uri) => webviews.openAsTable(uri),
  showHeatmap: ({ webviews }) => (arg) => webviews.showHeatmap(arg),
  showReport: ({ webviews }) => (arg) => webviews.showReport(arg),
  openSample: ({ context }) => (options?: { beside?: boolean }) => openSample(context, options),
  suggestSynonyms: ({ webviews }) => (arg) => webviews.suggestSynonyms(arg),
  showAllProblems: ({ client, context }) => {
    const pages = new ProblemPages(client);
    context.subscriptions.push(pages.register());
    return (args?: ShowAllProblemsArgs | vscode.Uri) => showAllProblems(pages, args);
  },
  saveDecisions: () => (uri: string | vscode.Uri) => saveDecisions(uri),
};

/** The hidden command behind "Mark as not a synonym": saves the decisions file the quick fix appended to. */
async function saveDecisions(arg: string | vscode.Uri): Promise<boolean> {
  const uri = typeof arg === 'string' ? vscode.Uri.parse(arg) : arg;
  return uri instanceof vscode.Uri ? saveDecisionsFile(uri) : false;
}

export function registerCommands(c: CommandContext): void {
  for (const name of Object.keys(commands) as CommandName[]) {
    c.context.subscriptions.push(vscode.commands.registerCommand(Commands[name], commands[name](c)));
  }
}

/**
 * Appends the row `term,synonym` at the end of the dictionary as one WorkspaceEdit (so undo and
 * dirty state are VS Code's own). The server formats the row like the file (label column, quoting);
 * without a server the row is appended here. Either way a file lacking a final line break gets one
 * before the new row, and the file's own line-break style is used.
 */
export async function addSynonym(client: SynonymLensClient | undefined, args: AddSynonymArgs | undefined): Promise<boolean> {
  if (!args || typeof args.term !== 'string' || typeof args.synonym !== 'string' || !args.uri || !args.term.trim() || !args.synonym.trim()) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Add synonym: missing document, term or synonym.'));
    return false;
  }
  const uri = typeof args.uri === 'string' ? vscode.Uri.parse(args.uri) : args.uri;
  const document = await vscode.workspace.openTextDocument(uri);
  let edit: vscode.WorkspaceEdit;
  try {
    edit =
      (await client?.addPairEdit(document, { uri: document.uri.toString(), term: args.term, synonym: args.synonym })) ??
      appendRowEdit(document, args.term.trim(), args.synonym.trim());
  } catch (e) {
    if (!(e instanceof UnsafeEditError)) throw e;
    void vscode.window.showErrorMessage(vscode.l10n.t('Line {0} has a quote that is never closed, so this edit could change how the rows after it are read. Close that quote first.', e.line));
    return false;
  }
  return vscode.workspace.applyEdit(edit);
}

/**
 * The local fallback of `addSynonym`: `term,synonym` after the last data row, quoted and placed by
 * core's serializer exactly as the server's edit is (a missing final line break goes before the row).
 */
export function appendRowEdit(document: vscode.TextDocument, term: string, synonym: string): vscode.WorkspaceEdit {
  const dict = parseDictionary(document.getText());
  const { start, end, newText } = insertRowEdit(dict, [term, synonym]);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(document.positionAt(start), document.positionAt(end)), newText);
  return edit;
}
