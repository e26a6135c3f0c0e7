/**
 * The Synonym Lens language server: wires documents, settings, models and features to one LSP
 * connection. Transport-agnostic — `main.ts` creates the connection (IPC, stdio or socket).
 *
 * The parts, each testable without the process: ServerContext (documents, settings, models,
 * shared request helpers), DiagnosticsScheduler (when a document's job runs) and diagnosticsJob
 * (what it does), VocabularyFiles (`synonymLens.vocabularyFiles`), and one module per request
 * group under requests/ registering its handlers; learning and model download register
 * themselves the same way.
 */
import { decisionsPathFor } from '../core/decisions';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  MessageType,
  ShowMessageNotification,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { VisibleRangesNotification, type InitializationOptions } from '../shared/protocol';
import { normalizeSettings } from '../shared/settings';
import { fineTuneKind, suggestKind } from './codeActions';
import { ServerContext } from './context';
import { diagnosticsJob } from './diagnosticsJob';
import { DiagnosticsScheduler } from './diagnosticsScheduler';
import { registerDownload } from './downloadHandler';
import { registerLearning } from './learn/handlers';
import { configureL10n } from './messages';
import { ModelHost, type ModelEntry } from './models';
import { registerDocumentFeatures } from './requests/documentFeatures';
import { registerAnalysisRequests } from './requests/analysis';
import { registerEditRequests } from './requests/edits';
import { registerProblemsRequest } from './requests/problems';
import { registerScoreRequests } from './requests/scores';
import { registerSuggestRequest } from './requests/suggest';
import { SettingsProvider } from './settings';
import { fsPath } from './uris';
import { VocabularyFiles } from './vocabularyFiles';
import { releaseMemoryAfterBurst, releaseMemorySoon } from './memory';
import { watchStalls } from './trace';

export function startServer(connection: Connection): void {
  const ctx = new ServerContext(connection);
  const { documents } = ctx;
  const vocabulary = new VocabularyFiles<ModelEntry>(
    {
      info: (m) => connection.console.info(m),
      warn: (m) => connection.console.warn(m),
      // A notification, not a request: nothing waits on the user's answer.
      tell: (message) => void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message }),
    },
    (entry) => ctx.host.notify(entry),
  );
  const scheduler: DiagnosticsScheduler = new DiagnosticsScheduler(diagnosticsJob(ctx, vocabulary, (uri) => scheduler.schedule(uri)));

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    const options = (params.initializationOptions ?? {}) as InitializationOptions;
    if (typeof options.debounceMs === 'number' && options.debounceMs >= 0) scheduler.debounceMs = options.debounceMs;
    configureL10n(options.l10nBundle);
    const untrusted = options.untrustedSettings && typeof options.untrustedSettings === 'object' ? options.untrustedSettings : undefined;
    ctx.settings = new SettingsProvider(connection, caps.workspace?.configuration === true, untrusted);
    const runtime = untrusted ? { threads: untrusted.threads, executionProvider: untrusted.executionProvider } : options;
    if (untrusted) connection.console.info('Untrusted workspace: model, vocabulary files, execution provider, threads and the analysis helper (whether it runs, java, Lucene jars) come from the user settings sent at start.');
    ctx.host = new ModelHost(connection, {
      // A model that fails after all (its full load, when it was opened from its record): the
      // documents get a new job, which says so or loads it again, instead of keeping stale diagnostics.
      onFailed: () => {
        vocabulary.reset((spec) => ctx.host.peek(spec)?.store);
        for (const uri of documents.keys()) scheduler.schedule(uri);
      },
      ...(typeof runtime.threads === 'number' ? { threads: runtime.threads } : {}),
      ...(typeof runtime.executionProvider === 'string' ? { executionProvider: normalizeSettings({ executionProvider: runtime.executionProvider }).executionProvider } : {}),
    });
    ctx.support = {
      inlayRefresh: caps.workspace?.inlayHint?.refreshSupport === true,
      versionedEdits: caps.workspace?.workspaceEdit?.documentChanges === true,
      createFiles: caps.workspace?.workspaceEdit?.documentChanges === true && (caps.workspace.workspaceEdit.resourceOperations ?? []).includes('create'),
      dynamicConfiguration: caps.workspace?.didChangeConfiguration?.dynamicRegistration === true,
      workspaceFolderEvents: caps.workspace?.workspaceFolders === true,
      workDoneProgress: caps.window?.workDoneProgress === true,
    };
    ctx.workspaceFolders = (params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: '' }] : []))
      .map((f) => fsPath(f.uri))
      .filter((p): p is string => p !== undefined);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        inlayHintProvider: { resolveProvider: false },
        codeActionProvider: {
          codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite, suggestKind, fineTuneKind],
          resolveProvider: false,
        },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'synonym-lens', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (ctx.support.dynamicConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'synonymLens' }).catch(() => undefined);
    }
    if (ctx.support.workspaceFolderEvents) {
      connection.workspace.onDidChangeWorkspaceFolders((e) => {
        const removed = new Set(e.removed.map((f) => fsPath(f.uri)));
        ctx.workspaceFolders = ctx.workspaceFolders.filter((f) => !removed.has(f));
        for (const f of e.added) {
          const p = fsPath(f.uri);
          if (p) ctx.workspaceFolders.push(p);
        }
      });
    }
  });

  /** Whether any document's diagnostics job is running (a collection waits for them). */
  const busy = () => documents.keys().some((uri) => scheduler.running(uri));
  documents.onDidChangeContent((e) => {
    ctx.advance(e.document.uri);
    scheduler.schedule(e.document.uri);
    releaseMemoryAfterBurst(busy);
  });
  documents.onDidClose((e) => {
    const uri = e.document.uri;
    scheduler.forget(uri);
    const spec = ctx.states.get(uri)?.spec;
    const entry = spec ? ctx.host.peek(spec) : undefined;
    if (entry?.store) {
      entry.store.removeSource(uri);
      // The vocabulary shrank: say so, or the status keeps counting the closed file's terms (and
      // reopening it would bring back the count last sent, which is never announced again).
      ctx.host.notify(entry);
    }
    ctx.states.delete(uri);
    ctx.settings.forget(uri);
    void connection.sendDiagnostics({ uri, diagnostics: [] }).catch(() => undefined);
    releaseMemorySoon(busy);
  });

  // What the editors show of a dictionary: a large file's job embeds those rows first.
  connection.onNotification(VisibleRangesNotification.type, (p) => {
    if (typeof p?.uri !== 'string' || !Array.isArray(p.ranges)) return;
    if (!documents.get(p.uri) && p.ranges.length === 0) return;
    const ranges = p.ranges
      .filter((r) => Number.isInteger(r?.start?.line) && Number.isInteger(r?.end?.line))
      .map((r) => ({ start: Math.max(0, r.start.line), end: Math.max(r.start.line, r.end.line) }));
    const st = ctx.state(p.uri);
    st.visible = { ranges, generation: (st.visible?.generation ?? 0) + 1 };
  });

  connection.onDidChangeConfiguration(() => {
    void (async () => {
      ctx.settings.clear();
      // The analysis settings may have changed: helpers restart on the next document job.
      ctx.analysis.disposeAll();
      vocabulary.reset((spec) => ctx.host.peek(spec)?.store);
      // Engines nobody uses any more are disposed; a changed `model` loads on the next job, and a
      // document's previous model keeps serving it until then (ServerContext.servingEntry).
      await ctx.releaseUnused();
      for (const uri of documents.keys()) scheduler.schedule(uri);
    })().catch((e) => connection.console.error(`Configuration change failed: ${String(e)}`));
  });

  // A decisions file beside a dictionary changed (the client watches `**/*.decisions.csv`): its
  // dictionary's pairs are scored with the new verdicts.
  connection.onDidChangeWatchedFiles((e) => {
    const changed = new Set(e.changes.map((c) => fsPath(c.uri)).filter((p): p is string => p !== undefined));
    for (const uri of documents.keys()) {
      const file = fsPath(uri);
      if (file && changed.has(decisionsPathFor(file))) scheduler.schedule(uri);
    }
  });

  registerDocumentFeatures(ctx);
  registerScoreRequests(ctx);
  registerEditRequests(ctx);
  registerAnalysisRequests(ctx);
  registerSuggestRequest(ctx);
  registerProblemsRequest(ctx);
  // Fine-tuning, vector adjustment and evaluation (worker thread, progress, cancellation).
  registerLearning(connection, documents, { specFor: async (uri) => ctx.specFor(await ctx.settings.get(uri), uri), entry: (spec) => ctx.host.get(spec) });
  registerDownload(connection);

  connection.onShutdown(async () => {
    scheduler.dispose();
    ctx.analysis.disposeAll();
    await ctx.host.disposeAll();
  });

  documents.listen(connection);
  watchStalls();
  connection.listen();
}
