import * as vscode from 'vscode';
import { settingsSchema } from '../shared/settings';
import { registerCommands } from './commands';
import { SynonymLensClient } from './languageClient';
import { ModelStatusItem } from './modelStatus';
import { registerWebviews } from './webviews';

let client: SynonymLensClient | undefined;

/** What `activate` returns to other extensions and to the end-to-end tests. */
export interface SynonymLensApi {
  /** The text of the model's language status item, e.g. `Ready · 39 terms in this file · model builtin:char-ngram-v1`. */
  readonly modelStatusText: string;
  readonly onDidChangeModelStatus: vscode.Event<string>;
}

/**
 * Activation stays cheap: the commands and the status item are registered synchronously and the
 * language server (which loads the model) starts in the background.
 */
export function activate(context: vscode.ExtensionContext): SynonymLensApi {
  const started = performance.now();
  const output = vscode.window.createOutputChannel('Synonym Lens', { log: true });
  context.subscriptions.push(output);
  try {
    const status = new ModelStatusItem();
    status.setLimited(!vscode.workspace.isTrusted);
    client = new SynonymLensClient(context, output, status);
    context.subscriptions.push(status);
    registerCommands({ client, context, webviews: registerWebviews(context, () => client?.languageClient) });

    context.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => onConfigurationChanged(e, output)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        status.setLimited(false);
        output.info('Workspace trusted: leaving limited mode.');
        void client?.restart();
      }),
    );
    if (!vscode.workspace.isTrusted) output.info('Untrusted workspace: limited mode, synonymLens.model, vocabularyFiles, executionProvider and threads come from user settings only.');
    void client.start();
    // The activation budget is 150 ms: everything above is synchronous, the server starts in the background.
    output.info(`Activated in ${Math.round(performance.now() - started)} ms.`);
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

/** The settings that take effect only when the language server starts (`restartsServer` in the schema). */
const restartKeys = settingsSchema.filter((s) => s.restartsServer).map((s) => s.key);

/** What the user is asked when a restart-only setting changes (a generic question for any other). */
const restartQuestions: Record<string, () => string> = {
  'synonymLens.threads': () => vscode.l10n.t('Synonym Lens: the thread count takes effect when the language server restarts. Restart the language server to apply?'),
  'synonymLens.executionProvider': () =>
    vscode.l10n.t('Synonym Lens: the execution provider takes effect when the language server restarts. Restart the language server to apply?'),
};

/**
 * Settings that need more than the server's own re-read: `files` changes the document selector,
 * fixed when the client starts, so the client restarts at once; the other restart-only settings
 * are read when a model loads, so the user is asked whether to restart now; `model` is reloaded by
 * the server itself (`workspace/didChangeConfiguration`), the client only says so.
 */
function onConfigurationChanged(e: vscode.ConfigurationChangeEvent, output: vscode.LogOutputChannel): void {
  const changed = restartKeys.filter((key) => e.affectsConfiguration(key));
  if (changed.includes('synonymLens.files')) {
    output.info('synonymLens.files changed: restarting the language server.');
    void client?.restart();
    return;
  }
  for (const key of changed) {
    const restart = vscode.l10n.t('Restart');
    const question =
      restartQuestions[key]?.() ??
      vscode.l10n.t('Synonym Lens: {0} takes effect when the language server restarts. Restart the language server to apply?', key);
    void vscode.window.showInformationMessage(question, restart).then((choice) => (choice === restart ? client?.restart() : undefined));
  }
  // Untrusted: the server holds the restricted settings to the user values sent at its start, so a
  // changed user value of one it reads takes a restart.
  if (!vscode.workspace.isTrusted && (e.affectsConfiguration('synonymLens.model') || e.affectsConfiguration('synonymLens.vocabularyFiles'))) {
    output.info('Untrusted workspace: a restricted setting changed, restarting the language server with the user values.');
    void client?.restart();
    return;
  }
  if (e.affectsConfiguration('synonymLens.model')) {
    vscode.window.setStatusBarMessage(`$(sync~spin) ${vscode.l10n.t('Synonym Lens: loading the new model…')}`, 5000);
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
