import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { SynonymLensClient } from './languageClient';
import { ModelStatusItem } from './modelStatus';

let client: SynonymLensClient | undefined;

/** What `activate` returns to other extensions and to the end-to-end tests. */
export interface SynonymLensApi {
  /** The text of the model's language status item, e.g. `builtin:char-ngram-v1 · 57 terms`. */
  readonly modelStatusText: string;
  readonly onDidChangeModelStatus: vscode.Event<string>;
}

/**
 * Activation stays cheap: the commands and the status item are registered synchronously and the
 * language server (which loads the model) starts in the background.
 */
export function activate(context: vscode.ExtensionContext): SynonymLensApi {
  const output = vscode.window.createOutputChannel('Synonym Lens', { log: true });
  context.subscriptions.push(output);
  try {
    const status = new ModelStatusItem();
    status.setLimited(!vscode.workspace.isTrusted);
    client = new SynonymLensClient(context, output, status);
    context.subscriptions.push(status);
    registerCommands(context, client);

    context.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        // The document selector is fixed when the client starts, so a new `files` glob needs a restart.
        if (e.affectsConfiguration('synonymLens.files')) void client?.restart();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        status.setLimited(false);
        output.info('Workspace trusted: leaving limited mode.');
        void client?.restart();
      }),
    );
    if (!vscode.workspace.isTrusted) output.info('Untrusted workspace: limited mode, synonymLens.model comes from user settings only.');
    void client.start();
    return {
      get modelStatusText() {
        return status.text;
      },
      onDidChangeModelStatus: status.onDidChange,
    };
  } catch (error) {
    // VS Code shows nothing for a failed activation, so report it ourselves.
    output.error(`Activation failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Synonym Lens failed to start: {0}', String(error)));
    throw error;
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
