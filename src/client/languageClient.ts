import * as vscode from 'vscode';
import {
  CloseAction,
  type CloseHandlerResult,
  type ErrorHandler,
  type ErrorHandlerResult,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';
import { AddPairRequest, type AddPairParams, ClientCommands, DocumentProgressNotification, type InitializationOptions, ModelStatusNotification, VisibleRangesNotification } from '../shared/protocol';
import { VisibleRangesReporter } from './visibleRanges';
import { normalizeSettings, restrictedRelativeKeys } from '../shared/settings';
import { documentSelector, restrictToUserSettings, userSettingValue } from './configuration';
import type { ModelStatusItem } from './modelStatus';
import { previewDocLink } from './diagnosticDocs';

import { MODELS_DIR_ENV, VECTORS_DIR_ENV } from '../shared/conventions';

/**
 * Owns the language client: creates it from the current settings, restarts it when the document
 * selector changes, and routes the server's model status to the status item.
 */
export class SynonymLensClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
    private readonly status: ModelStatusItem,
  ) {}

  /** Starts the server in the background; failures are logged and shown in the status item. */
  async start(): Promise<void> {
    const client = this.create();
    this.client = client;
    try {
      await client.start();
    } catch (error) {
      this.output.error(`Could not start the language server: ${String(error)}`);
      this.status.stopped(String(error instanceof Error ? error.message : error));
    }
  }

  /**
   * Where downloaded models live: the extension's global storage (shared by every workspace). The
   * server gets it as SYNONYM_LENS_MODELS_DIR, so a `synonymLens.model` of `org/name` finds them.
   */
  get modelsDir(): string {
    return vscode.Uri.joinPath(this.context.globalStorageUri, 'models').fsPath;
  }

  /** The running language client, for requests (undefined while stopped). */
  get languageClient(): LanguageClient | undefined {
    return this.client;
  }

  async restart(): Promise<void> {
    this.output.info('Restarting the language server (requested).');
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    vscode.Disposable.from(...this.disposables.splice(0)).dispose();
    if (client && client.state !== State.Stopped) {
      try {
        await client.stop();
      } catch (error) {
        this.output.warn(`Stopping the language server failed: ${String(error)}`);
      }
    }
  }

  /**
   * The server's edit appending `term,synonym` formatted like the file (label column, quoting),
   * or undefined when the server is not running or cannot answer for this document.
   */
  async addPairEdit(document: vscode.TextDocument, params: AddPairParams): Promise<vscode.WorkspaceEdit | undefined> {
    const client = this.client;
    if (!client?.isRunning()) return undefined;
    const cts = new vscode.CancellationTokenSource();
    const timer = setTimeout(() => cts.cancel(), 5000);
    try {
      const result = await client.sendRequest(AddPairRequest.type, params, cts.token);
      if (result.version !== document.version) return undefined;
      const edit = new vscode.WorkspaceEdit();
      edit.set(document.uri, await client.protocol2CodeConverter.asTextEdits(result.edits, cts.token));
      return edit;
    } catch (error) {
      this.output.warn(`synonymLens/addPair failed, appending locally: ${String(error)}`);
      return undefined;
    } finally {
      clearTimeout(timer);
      cts.dispose();
    }
  }

  private create(): LanguageClient {
    const serverModule = this.context.asAbsolutePath('dist/server.js');
    const env = { ...process.env, [MODELS_DIR_ENV]: this.modelsDir, [VECTORS_DIR_ENV]: vscode.Uri.joinPath(this.context.globalStorageUri, 'vectors').fsPath };
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc, options: { env } },
      debug: { module: serverModule, transport: TransportKind.ipc, options: { env, execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    // Read once per start: the engine's thread pool is fixed when a model loads (0 = automatic).
    // Workspace Trust: an untrusted workspace's values of the restricted settings are ignored here,
    // and the server is sent the user values to hold them to (it enforces the same restriction).
    const trusted = vscode.workspace.isTrusted;
    const config = vscode.workspace.getConfiguration('synonymLens');
    const setting = (key: string) => (trusted ? config.get(key) : userSettingValue(key));
    const { threads, executionProvider } = normalizeSettings({ threads: setting('threads'), executionProvider: setting('executionProvider') });
    const untrustedSettings = trusted ? undefined : Object.fromEntries(restrictedRelativeKeys.map((k) => [k, userSettingValue(k)]));
    // The default handler restarts a crashed server (up to 4 times in 3 minutes); we keep it and log.
    let defaultHandler: ErrorHandler | undefined;
    const errorHandler: ErrorHandler = {
      error: (error, message, count): ErrorHandlerResult | Promise<ErrorHandlerResult> => defaultHandler!.error(error, message, count),
      closed: async (): Promise<CloseHandlerResult> => {
        const result = await defaultHandler!.closed();
        if (result.action === CloseAction.Restart) this.output.warn('The language server stopped unexpectedly; restarting it.');
        else {
          this.output.error(`The language server stopped and will not be restarted. ${result.message ?? ''}`);
          this.status.stopped(result.message);
        }
        return result;
      },
    };
    const initializationOptions: InitializationOptions = {
      ...(threads > 0 ? { threads } : {}),
      ...(executionProvider !== 'cpu' ? { executionProvider } : {}),
      // The server's diagnostics, hovers and code actions follow the display language: it loads
      // this bundle (undefined in English) with @vscode/l10n (src/server/messages.ts).
      ...(vscode.l10n.bundle ? { l10nBundle: vscode.l10n.bundle } : {}),
      ...(untrustedSettings ? { untrustedSettings } : {}),
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: documentSelector(),
      initializationOptions,
      outputChannel: this.output,
      // Hovers link to our own commands ("Add as synonym"); trust those and nothing else.
      markdown: { isTrusted: { enabledCommands: Object.values(ClientCommands) }, supportHtml: false },
      errorHandler,
      // Decisions files beside dictionaries: the server re-scores a dictionary when its file changes.
      synchronize: { configurationSection: 'synonymLens', fileEvents: vscode.workspace.createFileSystemWatcher('**/*.decisions.csv') },
      middleware: {
        // Diagnostic code links open the shipped docs rendered, at the code's section.
        handleDiagnostics: (uri, diagnostics, next) => next(uri, diagnostics.map(previewDocLink)),
        workspace: {
          // Workspace Trust: an untrusted workspace must not choose the model (a path or download).
          configuration: async (params, token, next) => {
            const results = await next(params, token);
            if (vscode.workspace.isTrusted || !Array.isArray(results)) return results;
            return restrictToUserSettings(params.items, results, userSettingValue);
          },
        },
      },
    };
    const client = new LanguageClient('synonymLens', vscode.l10n.t('Synonym Lens'), serverOptions, clientOptions);
    defaultHandler = client.createDefaultErrorHandler();
    const visible = new VisibleRangesReporter((document, params) => {
      if (!client.isRunning()) return;
      const uri = client.code2ProtocolConverter.asUri(document.uri);
      void client.sendNotification(VisibleRangesNotification.type, { uri, ...params }).catch(() => undefined);
    });
    this.disposables.push(
      visible,
      client.onDidChangeState(({ newState }) => {
        this.output.info(`Language server ${State[newState].toLowerCase()}.`);
        if (newState === State.Starting) this.status.starting();
        if (newState === State.Running) visible.resendAll();
      }),
      client.onNotification(DocumentProgressNotification.type, (params) => this.status.documentProgress(params)),
      client.onNotification(ModelStatusNotification.type, (params) => {
        this.output.info(`Model ${params.modelId}: ${params.state}${params.error ? ` (${params.error})` : ''}, ${params.vocabularySize} terms.`);
        this.status.update(params);
      }),
    );
    return client;
  }

  dispose(): void {
    void this.stop();
  }
}

/** The client once it has started (the command may run while the server is still starting), or undefined when it is not running. */
export async function whenStarted(lc: LanguageClient | undefined): Promise<LanguageClient | undefined> {
  if (lc?.state === State.Starting) {
    await new Promise<void>((resolve) => {
      const sub = lc.onDidChangeState((e) => {
        if (e.newState === State.Starting) return;
        sub.dispose();
        resolve();
      });
    });
  }
  return lc?.isRunning() ? lc : undefined;
}

/** `whenStarted` for a command: when the server is not running, says so (and how to restart it). */
export async function startedClient(lc: LanguageClient | undefined): Promise<LanguageClient | undefined> {
  const started = await whenStarted(lc);
  if (!started) void vscode.window.showErrorMessage(vscode.l10n.t('Synonym Lens: the language server is not running. Run "Synonym Lens: Restart Language Server".'));
  return started;
}
