/**
 * The Synonym Lens language server: wires documents, settings, models and features to one LSP
 * connection. Transport-agnostic — `main.ts` creates the connection (IPC, stdio or socket).
 *
 * Flow per document: every change cancels the document's running diagnostics job and schedules a
 * new one (leading-edge debounce: an isolated edit runs at once, a burst of keystrokes runs at most
 * once per `debounceMs`). A job re-parses, publishes structural diagnostics at once, then — when
 * the model is ready — embeds only the terms without vectors and publishes the similarity
 * diagnostics. A job checks its document version after every await; stale results are dropped.
 */
import * as l10n from '@vscode/l10n';
import { fsPath } from './uris';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  ErrorCodes,
  LSPErrorCodes,
  MessageType,
  ResponseError,
  ShowMessageNotification,
  TextDocumentSyncKind,
  TextDocuments,
  type CancellationToken,
  type Connection,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseDictionary } from '../core/csv/parse';
import { addRuleEdit } from '../core/formats/dictionary';
import { insertRowEdit, UnsafeEditError } from '../core/csv/serialize';
import { termKey, uniqueTerms } from '../core/dictionary';
import { flagPair } from '../core/scoring';
import {
  AddPairRequest,
  NeighborsRequest,
  PairScoresRequest,
  SimilarityMatrixRequest,
  type Neighbor,
  type PairScore,
} from '../shared/protocol';
import { normalizeSettings, thresholdsFor, type ExecutionProvider, type Settings } from '../shared/settings';
import { CancelSource, isCancellation, raceToken, requestCancelled, throwIfCancelled } from './cancellation';
import { codeActions, fineTuneKind, labelColumnOf, newPairValues, suggestKind } from './codeActions';
import { modelDiagnostics, structuralDiagnostics } from './diagnostics';
import { registerDownload } from './downloadHandler';
import { Analysis, type DocumentIndex } from './documents';
import { markNeighbors, renderHover } from './hover';
import { configureL10n, unsafeEditMessage, vocabularySkippedMessage } from './messages';
import { inlayHints } from './inlayHints';
import { registerLearning } from './learn/handlers';
import { ModelHost, resolveModelSpec, type ModelEntry } from './models';
import { SettingsProvider } from './settings';
import type { VectorStore } from './vocabulary';
import { readVocabularyFile, VocabularySkipError } from './vocabularyFile';

/** Options a client may pass in `initializationOptions` (all optional; for tests and benchmarks). */
export interface InitializationOptions {
  /** Minimum spacing of diagnostics jobs per document during a burst of edits, in ms (default 150). */
  debounceMs?: number;
  /** Intra-op threads of the embedding engine (default: the engine's choice). */
  threads?: number;
  /** Execution provider of transformer models (default `cpu`; settings.ts `executionProvider`). */
  executionProvider?: ExecutionProvider;
  /**
   * The extension's l10n bundle for VS Code's display language (`vscode.l10n.bundle`: English
   * message → translation). Without one the server's messages are English (messages.ts).
   */
  l10nBundle?: Record<string, string>;
  /**
   * Present when the workspace is untrusted: the user values of the restricted settings
   * (`restrictedSettingKeys`, keyed relative to `synonymLens`). The server then takes those
   * settings only from here, whatever configuration answers say, and ignores `threads` and
   * `executionProvider` above in favour of these.
   */
  untrustedSettings?: Record<string, unknown>;
}

interface DocState {
  analysis?: Analysis;
  /** The running diagnostics job; cancelled when a newer version arrives. */
  job?: CancelSource;
  timer?: NodeJS.Timeout;
  lastStart: number;
  /** The model spec whose vocabulary currently holds this document's terms. */
  spec?: string;
  /** The store and document index whose terms were last registered; later edits go as differences. */
  synced?: { store: VectorStore; index: DocumentIndex };
}

const MAX_MATRIX_TERMS = 4000;
/** Up to this many new terms are embedded before the first publish of a version (one engine batch). */
const FEW_TERMS = 256;
/** Embedding batches at least this large report work-done progress. */
const PROGRESS_MIN_TERMS = 5000;

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const states = new Map<string, DocState>();
  let settings: SettingsProvider = new SettingsProvider(connection, false);
  let host: ModelHost = new ModelHost(connection);
  let debounceMs = 150;
  let workspaceFolders: string[] = [];
  let inlayRefresh = false;
  let versionedEdits = false;
  let dynamicConfiguration = false;
  let workspaceFolderEvents = false;
  let workDoneProgress = false;
  /** Vocabulary-file sources loaded per model spec: file path → mtime. */
  const vocabularyLoaded = new Map<string, Map<string, number>>();
  const vocabularyJobs = new Map<string, CancelSource>();

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    const options = (params.initializationOptions ?? {}) as InitializationOptions;
    if (typeof options.debounceMs === 'number' && options.debounceMs >= 0) debounceMs = options.debounceMs;
    configureL10n(options.l10nBundle);
    const untrusted = options.untrustedSettings && typeof options.untrustedSettings === 'object' ? options.untrustedSettings : undefined;
    settings = new SettingsProvider(connection, caps.workspace?.configuration === true, untrusted);
    const runtime = untrusted ? { threads: untrusted.threads, executionProvider: untrusted.executionProvider } : options;
    if (untrusted) connection.console.info('Untrusted workspace: model, vocabulary files, execution provider and threads come from the user settings sent at start.');
    host = new ModelHost(connection, {
      ...(typeof runtime.threads === 'number' ? { threads: runtime.threads } : {}),
      ...(typeof runtime.executionProvider === 'string' ? { executionProvider: normalizeSettings({ executionProvider: runtime.executionProvider }).executionProvider } : {}),
    });
    inlayRefresh = caps.workspace?.inlayHint?.refreshSupport === true;
    versionedEdits = caps.workspace?.workspaceEdit?.documentChanges === true;
    dynamicConfiguration = caps.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    workspaceFolderEvents = caps.workspace?.workspaceFolders === true;
    workDoneProgress = caps.window?.workDoneProgress === true;
    workspaceFolders = (params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: '' }] : []))
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
    if (dynamicConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'synonymLens' }).catch(() => undefined);
    }
    if (workspaceFolderEvents) {
      connection.workspace.onDidChangeWorkspaceFolders((e) => {
        const removed = new Set(e.removed.map((f) => fsPath(f.uri)));
        workspaceFolders = workspaceFolders.filter((f) => !removed.has(f));
        for (const f of e.added) {
          const p = fsPath(f.uri);
          if (p) workspaceFolders.push(p);
        }
      });
    }
  });

  // ------------------------------------------------------------------------------------------
  // Documents and diagnostics

  documents.onDidChangeContent((e) => schedule(e.document.uri));
  documents.onDidClose((e) => {
    const uri = e.document.uri;
    const st = states.get(uri);
    st?.job?.cancel();
    if (st?.timer) clearTimeout(st.timer);
    if (st?.spec) host.peek(st.spec)?.store?.removeSource(uri);
    states.delete(uri);
    settings.forget(uri);
    void connection.sendDiagnostics({ uri, diagnostics: [] }).catch(() => undefined);
  });

  function state(uri: string): DocState {
    let st = states.get(uri);
    if (!st) states.set(uri, (st = { lastStart: 0 }));
    return st;
  }

  function schedule(uri: string): void {
    const st = state(uri);
    // The running job is stale now: let it stop at its next check instead of finishing.
    st.job?.cancel();
    if (st.timer) clearTimeout(st.timer);
    const wait = Math.max(0, st.lastStart + debounceMs - Date.now());
    st.timer = setTimeout(() => {
      st.timer = undefined;
      void validate(uri);
    }, wait);
  }

  /** The analysis of the document's current version, parsing now if the job has not yet. */
  function currentAnalysis(uri: string): Analysis | undefined {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const st = state(uri);
    // An edit re-parses incrementally from the previous version (which it supersedes).
    if (st.analysis?.version !== doc.version) st.analysis = st.analysis ? st.analysis.next(doc) : Analysis.of(doc);
    return st.analysis;
  }

  function specFor(s: Settings, uri: string): string {
    return resolveModelSpec(s.model, baseFolder(uri));
  }

  /**
   * The model that serves a document: the one its settings ask for, except while that one is
   * loading or after it failed to load, when the document's previous model — if it was ready —
   * keeps serving diagnostics, hovers, inlay hints and code actions (the status shows the new
   * model's state and error).
   */
  function servingEntry(s: Settings, uri: string): { wanted: ModelEntry; entry: ModelEntry } {
    const wanted = host.get(specFor(s, uri));
    const previousSpec = states.get(uri)?.spec;
    const previous = previousSpec && previousSpec !== wanted.spec ? host.peek(previousSpec) : undefined;
    return { wanted, entry: wanted.state !== 'ready' && previous?.state === 'ready' ? previous : wanted };
  }

  /** Disposes engines no open document asks for or is still served by. */
  async function releaseUnused(): Promise<void> {
    const keep = new Set<string>();
    for (const uri of documents.keys()) {
      keep.add(specFor(await settings.get(uri), uri));
      const served = states.get(uri)?.spec;
      if (served) keep.add(served);
    }
    await host.retainOnly(keep);
  }

  function baseFolder(uri: string): string | undefined {
    const p = fsPath(uri);
    if (p) {
      const folder = workspaceFolders.filter((f) => p.startsWith(f + path.sep)).sort((x, y) => y.length - x.length)[0];
      return folder ?? path.dirname(p);
    }
    return workspaceFolders[0];
  }

  /**
   * Moves the document's terms into the vocabulary of its current model: the terms that came and
   * went since the last time when the store already holds this document, all of them otherwise.
   */
  function attachTerms(uri: string, a: Analysis, entry: ModelEntry): void {
    const st = state(uri);
    if (st.spec && st.spec !== entry.spec) host.peek(st.spec)?.store?.removeSource(uri);
    const store = entry.store;
    if (!store) return;
    const delta = a.index.storeDelta.take();
    if (st.synced?.store === store && st.synced.index === a.index && store.hasSource(uri)) {
      store.updateSource(uri, delta.added, delta.removed);
    } else {
      store.setSource(uri, new Set(a.terms));
      st.synced = { store, index: a.index };
    }
    st.spec = entry.spec;
  }

  /**
   * The document's terms without a vector in `store`. After a complete check against the same
   * store only the terms added since need looking at (a store never drops a term a document holds).
   */
  function termsToEmbed(a: Analysis, store: VectorStore): string[] {
    return store.missing(a.index.embeddedIn === store ? a.index.unembedded : a.terms);
  }

  /** Records that every term of the document (the current version) has a vector in `store`. */
  function allEmbedded(a: Analysis, store: VectorStore): void {
    a.index.embeddedIn = store;
    a.index.unembedded.clear();
  }

  async function validate(uri: string): Promise<void> {
    const doc = documents.get(uri);
    const st = states.get(uri);
    if (!doc || !st) return;
    const job = new CancelSource();
    st.job = job;
    st.lastStart = Date.now();
    const version = doc.version;
    const stale = () => job.isCancellationRequested || documents.get(uri)?.version !== version;
    const publish = (diagnostics: Diagnostic[]) => {
      if (!stale()) void connection.sendDiagnostics({ uri, version, diagnostics }).catch(() => undefined);
    };
    try {
      const s = await settings.get(uri);
      if (stale()) return;
      const a = currentAnalysis(uri)!;
      if (!s.diagnostics.enabled) {
        publish([]);
        return;
      }
      const { wanted, entry } = servingEntry(s, uri);
      if (entry !== wanted) {
        // Served by the previous model meanwhile; switch once the new one is ready.
        wanted.ready.then(() => schedule(uri), () => undefined);
      }
      const switched = states.get(uri)?.spec !== undefined && states.get(uri)?.spec !== entry.spec;
      attachTerms(uri, a, entry);
      if (switched) void releaseUnused().catch(() => undefined);
      const structural = structuralDiagnostics(a, s);
      const t = thresholdsFor(s, entry.modelId);
      if (entry.state === 'ready') {
        const missing = termsToEmbed(a, entry.store!);
        if (missing.length <= FEW_TERMS) {
          // Typing adds a term or two: embedding them takes milliseconds, so publish once, complete,
          // rather than a partial set that flickers the edited row's warning off and on.
          await entry.store!.ensure(missing, job);
          if (stale()) return;
          allEmbedded(a, entry.store!);
          publish(structural.concat(modelDiagnostics(a, s, entry, t).diagnostics));
          if (entry === wanted) host.notify(entry);
          void loadVocabularyFiles(entry, s, uri);
          return;
        }
        publish(structural.concat(modelDiagnostics(a, s, entry, t).diagnostics));
      } else {
        publish(structural);
      }
      await untilReadyOrCancelled(entry, job);
      if (stale() || entry.state !== 'ready') return;
      attachTerms(uri, a, entry);
      await embedWithProgress(entry.store!, a.terms, job, uri);
      if (stale()) return;
      allEmbedded(a, entry.store!);
      const m = modelDiagnostics(a, s, entry, thresholdsFor(s, entry.modelId));
      publish(structural.concat(m.diagnostics));
      if (entry === wanted) host.notify(entry);
      if (inlayRefresh) void connection.languages.inlayHint.refresh().catch(() => undefined);
      void loadVocabularyFiles(entry, s, uri);
    } catch (e) {
      if (!isCancellation(e)) connection.console.error(`Diagnostics of ${uri} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    } finally {
      if (st.job === job) st.job = undefined;
    }
  }

  /** Embeds missing terms; a big batch shows server-created work-done progress (STYLE §4). */
  async function embedWithProgress(store: VectorStore, terms: Iterable<string>, job: CancelSource, uri: string): Promise<void> {
    const missing = store.missing(terms);
    if (missing.length < PROGRESS_MIN_TERMS || !workDoneProgress) return store.ensure(missing, job);
    const progress = await connection.window.createWorkDoneProgress().catch(() => undefined);
    if (!progress) return store.ensure(missing, job);
    try {
      progress.begin('Synonym Lens', 0, l10n.t('Embedding {0} terms of {1}', missing.length, path.basename(fsPath(uri) ?? uri)), false);
      let last = 0;
      await store.ensure(missing, job, (done, total) => {
        const pct = Math.floor((done / total) * 100);
        if (pct > last) progress.report((last = pct), l10n.t('{0} / {1} terms', done, total));
      });
    } finally {
      progress.done();
    }
  }

  /** Resolves when the model is ready or failed, or when the job is cancelled (never rejects). */
  function untilReadyOrCancelled(entry: ModelEntry, job: CancelSource): Promise<void> {
    if (entry.state !== 'loading') return Promise.resolve();
    return new Promise((resolve) => {
      job.onCancel(resolve);
      entry.ready.then(
        () => resolve(),
        () => resolve(),
      );
    });
  }

  /** Loads the vocabulary files of a document's settings into its model's vocabulary, in the background. */
  async function loadVocabularyFiles(entry: ModelEntry, s: Settings, uri: string): Promise<void> {
    const store = entry.store;
    if (!store || s.vocabularyFiles.length === 0) return;
    let loaded = vocabularyLoaded.get(entry.spec);
    if (!loaded) vocabularyLoaded.set(entry.spec, (loaded = new Map()));
    const base = baseFolder(uri);
    for (const file of s.vocabularyFiles) {
      const abs = path.isAbsolute(file) || !base ? path.resolve(file) : path.resolve(base, file);
      const id = `vocabulary:${abs}`;
      try {
        const mtime = (await stat(abs)).mtimeMs;
        if (loaded.get(abs) === mtime) continue;
        loaded.set(abs, mtime);
        const text = await readVocabularyFile(abs);
        const terms = new Set(/\.(csv|tsv)$/i.test(abs) ? uniqueTerms(parseDictionary(text)) : text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean));
        store.setSource(id, terms);
        const jobKey = `${entry.spec}\u0000${abs}`;
        vocabularyJobs.get(jobKey)?.cancel();
        const job = new CancelSource();
        vocabularyJobs.set(jobKey, job);
        const started = Date.now();
        await store.ensure(terms, job);
        vocabularyJobs.delete(jobKey);
        connection.console.info(`Vocabulary ${abs}: ${terms.size} terms ready in ${Date.now() - started} ms`);
        host.notify(entry);
      } catch (e) {
        if (isCancellation(e)) return;
        if (e instanceof VocabularySkipError) {
          // Said once per file and modification (kept in `loaded`), not on every document's job.
          const message = vocabularySkippedMessage(abs, e.skip);
          connection.console.warn(message);
          // A notification, not a request: nothing waits on the user's answer.
          void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
          continue;
        }
        loaded.delete(abs);
        connection.console.warn(`Vocabulary file ${abs} could not be loaded: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  connection.onDidChangeConfiguration(() => {
    void (async () => {
      settings.clear();
      for (const job of vocabularyJobs.values()) job.cancel();
      vocabularyJobs.clear();
      for (const [spec, loaded] of vocabularyLoaded) {
        const store = host.peek(spec)?.store;
        for (const file of loaded.keys()) store?.removeSource(`vocabulary:${file}`);
      }
      vocabularyLoaded.clear();
      // Engines nobody uses any more are disposed; a changed `model` loads on the next job, and a
      // document's previous model keeps serving it until then (`servingEntry`).
      await releaseUnused();
      for (const uri of documents.keys()) schedule(uri);
    })().catch((e) => connection.console.error(`Configuration change failed: ${String(e)}`));
  });

  // ------------------------------------------------------------------------------------------
  // Requests

  /** The ready model for a document's settings, waiting for it (cancellable); fails with the load error. */
  async function readyModel(s: Settings, uri: string | undefined, token: CancellationToken): Promise<ModelEntry & { store: VectorStore }> {
    return readyEntry(host.get(uri ? specFor(s, uri) : resolveModelSpec(s.model, workspaceFolders[0])), token);
  }

  /**
   * A model a request names (`model` param: a spec as the `synonymLens.model` setting takes it),
   * resolved against the document's folder like the setting, loaded through the registry as an
   * extra model, and refused like the setting when it does not load.
   */
  async function namedModel(model: unknown, uri: string, token: CancellationToken): Promise<ModelEntry & { store: VectorStore }> {
    if (typeof model !== 'string' || model.trim() === '') throw new ResponseError(ErrorCodes.InvalidParams, 'model must be a non-empty model setting (builtin, a folder or org/name)');
    return readyEntry(host.getExtra(resolveModelSpec(model.trim(), baseFolder(uri))), token);
  }

  async function readyEntry(entry: ModelEntry, token: CancellationToken): Promise<ModelEntry & { store: VectorStore }> {
    try {
      await raceToken(entry.ready, token);
    } catch (e) {
      if (isCancellation(e)) throw e;
      throw new ResponseError(ErrorCodes.InternalError, l10n.t('Model {0} is not available: {1}', entry.modelId, entry.error ?? String(e)));
    }
    return entry as ModelEntry & { store: VectorStore };
  }

  async function embedded(store: VectorStore, terms: Iterable<string>, token: CancellationToken): Promise<void> {
    try {
      await store.ensure(terms, token);
    } catch (e) {
      if (isCancellation(e)) throw requestCancelled();
      throw e;
    }
    throwIfCancelled(token);
  }

  function neighborsNow(entry: ModelEntry, a: Analysis | undefined, term: string, k: number): Neighbor[] | undefined {
    const v = entry.store?.get(term);
    if (!v) return undefined;
    return markNeighbors(a, term, entry.store!.nearest(v, k, new Set([term])));
  }

  function requireAnalysis(uri: string): Analysis {
    const a = currentAnalysis(uri);
    if (!a) throw new ResponseError(ErrorCodes.InvalidParams, `${uri} is not open`);
    return a;
  }

  /**
   * Runs a handler body that reads a document's analysis across awaits. Versions are incremental
   * (a newer one updates the rows of the older one in place), so when the document changed while
   * the body awaited, its result may mix two versions: it runs again on the new version, a few
   * times at most, then fails with `ContentModified` (the LSP's error for exactly that).
   * `closed` answers when the document is not open.
   */
  async function onCurrent<R>(uri: string, closed: () => R, body: (a: Analysis) => Promise<R>): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      const a = currentAnalysis(uri);
      if (!a) return closed();
      const result = await body(a);
      if (!a.superseded) return result;
      if (attempt === 3) throw new ResponseError(LSPErrorCodes.ContentModified, `${uri} changed while the request ran`);
    }
  }

  const notOpen = (uri: string) => (): never => {
    throw new ResponseError(ErrorCodes.InvalidParams, `${uri} is not open`);
  };

  connection.onHover(
    guard('hover', (params, token) => onCurrent(params.textDocument.uri, () => null, async (a) => {
      const hit = a.termCellAt(params.position);
      if (!hit) return null;
      const s = await settings.get(a.uri);
      throwIfCancelled(token);
      const { entry } = servingEntry(s, a.uri);
      const term = hit.cell.text;
      let neighbors: Neighbor[] | undefined;
      if (entry.state === 'ready' && entry.store) {
        // The term may not be embedded yet (just typed, or a big file still embedding): do it alone.
        if (!entry.store.has(term)) await embedded(entry.store, [term], token);
        neighbors = neighborsNow(entry, a, term, s.hover.topK);
      }
      const pending = entry.store ? Math.max(0, entry.store.memberCount - entry.store.vocabularySize) : 0;
      const threshold = thresholdsFor(s, entry.modelId).threshold;
      return renderHover({ analysis: a, term, range: a.docRange(hit.cell.range), entry, neighbors, pendingTerms: pending, threshold });
    })),
  );

  connection.languages.inlayHint.on(
    guard('inlayHint', (params, token) => onCurrent(params.textDocument.uri, () => [], async (a) => {
      const s = await settings.get(a.uri);
      throwIfCancelled(token);
      if (!s.inlayHints.enabled) return [];
      const { entry } = servingEntry(s, a.uri);
      if (entry.state !== 'ready' || !entry.store) return [];
      return inlayHints(a, params.range, entry.store, thresholdsFor(s, entry.modelId));
    })),
  );

  connection.onCodeAction(
    guard('codeAction', (params, token) => onCurrent(params.textDocument.uri, () => [], async (a) => {
      const s = await settings.get(a.uri);
      throwIfCancelled(token);
      const { entry } = servingEntry(s, a.uri);
      return codeActions({
        analysis: a,
        params,
        neighbors: (term) => (entry.state === 'ready' ? neighborsNow(entry, a, term, Math.max(10, s.hover.topK)) : undefined),
        versionedEdits,
      });
    })),
  );

  connection.onRequest(
    PairScoresRequest.type,
    guard('pairScores', (params, token) => onCurrent(params.uri, notOpen(params.uri), async (a) => {
      const s = await settings.get(a.uri);
      const entry = await readyModel(s, a.uri, token);
      await embedded(entry.store, a.terms, token);
      const t = thresholdsFor(s, entry.modelId);
      const pairs: PairScore[] = [];
      for (const p of a.dict.pairs) {
        const cosine = entry.store.cosine(p.a.text, p.b.text)!;
        pairs.push({
          row: p.row,
          term: p.a.text,
          synonym: p.b.text,
          label: p.label,
          cosine,
          flagged: flagPair(p.label, cosine, t) !== undefined,
          termRange: a.docRange(p.a.range),
          synonymRange: a.docRange(p.b.range),
        });
      }
      return { uri: a.uri, version: a.version, modelId: entry.modelId, ...t, pairs };
    })),
  );

  connection.onRequest(
    SimilarityMatrixRequest.type,
    guard('similarityMatrix', (params, token) => onCurrent(params.uri, notOpen(params.uri), async (a) => {
      const s = await settings.get(a.uri);
      const limit = Math.max(1, Math.min(MAX_MATRIX_TERMS, Math.floor(params.limit ?? 1000)));
      let candidates: string[];
      if (params.terms) candidates = [...new Set(params.terms.map((t) => t.trim()).filter(Boolean))];
      else if (params.range) {
        const inRange = new Set<string>();
        for (const p of a.pairsIn(params.range)) inRange.add(p.a.text).add(p.b.text);
        candidates = [...inRange];
      } else candidates = uniqueTerms(a.dict);
      const ordered = groupOrder(a, candidates);
      const truncated = ordered.terms.length > limit;
      const terms = ordered.terms.slice(0, limit);
      const groups = ordered.groups.slice(0, limit);
      const entry = params.model === undefined ? await readyModel(s, a.uri, token) : await namedModel(params.model, a.uri, token);
      await embedded(entry.store, terms, token);
      const n = terms.length;
      const vectors = terms.map((t) => entry.store.get(t)!.slice());
      const matrix = new Array<number>(n * n);
      for (let i = 0; i < n; i++) {
        matrix[i * n + i] = 1;
        for (let j = i + 1; j < n; j++) {
          let d = 0;
          const x = vectors[i];
          const y = vectors[j];
          for (let k = 0; k < x.length; k++) d += x[k] * y[k];
          const c = Math.max(-1, Math.min(1, d));
          matrix[i * n + j] = c;
          matrix[j * n + i] = c;
        }
        if (i % 64 === 63) throwIfCancelled(token);
      }
      return { uri: a.uri, version: a.version, modelId: entry.modelId, terms, groups, matrix, truncated };
    })),
  );

  connection.onRequest(
    NeighborsRequest.type,
    guard('neighbors', async (params, token) => {
      const term = (params.term ?? '').trim();
      if (!term) throw new ResponseError(ErrorCodes.InvalidParams, 'term is empty');
      const s = await settings.get(params.uri ?? '');
      const entry = await readyModel(s, params.uri, token);
      await embedded(entry.store, [term], token);
      // Looked up after the awaits: only the current version's groups mark the neighbours.
      const a = params.uri ? currentAnalysis(params.uri) : undefined;
      const k = Math.max(1, Math.min(1000, Math.floor(params.k ?? s.hover.topK)));
      return { modelId: entry.modelId, vocabularySize: entry.store.vocabularySize, neighbors: neighborsNow(entry, a, term, k) ?? [] };
    }),
  );

  connection.onRequest(
    AddPairRequest.type,
    guard('addPair', async (params) => {
      const a = requireAnalysis(params.uri);
      const term = params.term.trim();
      const synonym = params.synonym.trim();
      if (!term || !synonym) throw new ResponseError(ErrorCodes.InvalidParams, 'term and synonym must be non-empty');
      if (a.format !== 'csv') {
        // A search engine's file says synonyms only; the pair goes in as a rule in its syntax.
        if (params.label === 0) throw new ResponseError(ErrorCodes.InvalidParams, 'a Solr or Elasticsearch synonym file cannot say "not a synonym"');
        const edit = addRuleEdit(a.format, a.dict, term, synonym, params.afterRow);
        if (!edit) throw new ResponseError(ErrorCodes.InvalidParams, 'the synonyms set has no readable "synonyms_set" array');
        return { version: a.version, edits: [a.docEdit(edit)] };
      }
      const values = newPairValues(term, synonym, labelColumnOf(a), params.label === 0 ? '0' : '1');
      const afterRow = params.afterRow !== undefined && params.afterRow >= 0 && params.afterRow < a.dict.rows.length ? params.afterRow : undefined;
      try {
        return { version: a.version, edits: [a.docEdit(insertRowEdit(a.dict, values, afterRow))] };
      } catch (e) {
        if (e instanceof UnsafeEditError) throw new ResponseError(ErrorCodes.InvalidRequest, unsafeEditMessage(e.line));
        throw e;
      }
    }),
  );

  // Fine-tuning, vector adjustment and evaluation (worker thread, progress, cancellation).
  registerLearning(connection, documents, { specFor: async (uri) => specFor(await settings.get(uri), uri), entry: (spec) => host.get(spec) });
  registerDownload(connection);

  connection.onShutdown(async () => {
    for (const st of states.values()) {
      st.job?.cancel();
      if (st.timer) clearTimeout(st.timer);
    }
    await host.disposeAll();
  });

  /** Logs unexpected handler failures to the client's output; protocol errors pass through. */
  function guard<P, R>(name: string, fn: (params: P, token: CancellationToken) => Promise<R>) {
    return async (params: P, token: CancellationToken): Promise<R> => {
      try {
        return await fn(params, token);
      } catch (e) {
        if (isCancellation(e)) throw requestCancelled();
        if (!(e instanceof ResponseError)) connection.console.error(`${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        throw e;
      }
    };
  }

  documents.listen(connection);
  connection.listen();
}

/**
 * Orders terms so synonym groups form contiguous blocks: groups in order of first appearance in
 * the dictionary, then terms in no group, each a singleton group. Returns the group index per term.
 */
export function groupOrder(a: Analysis, terms: string[]): { terms: string[]; groups: number[] } {
  const byGroup = new Map<number, string[]>();
  const loose: string[] = [];
  for (const t of terms) {
    const g = a.groupOf(t);
    if (g === undefined) loose.push(t);
    else {
      let list = byGroup.get(g);
      if (!list) byGroup.set(g, (list = []));
      list.push(t);
    }
  }
  const outTerms: string[] = [];
  const outGroups: number[] = [];
  let index = 0;
  for (const g of [...byGroup.keys()].sort((x, y) => x - y)) {
    // Within a group, the dictionary's order of first appearance (stable across requests).
    const order = new Map(a.groups[g].map((t, i) => [termKey(t), i]));
    const members = byGroup.get(g)!.sort((x, y) => (order.get(termKey(x)) ?? 0) - (order.get(termKey(y)) ?? 0));
    for (const t of members) {
      outTerms.push(t);
      outGroups.push(index);
    }
    index++;
  }
  for (const t of loose) {
    outTerms.push(t);
    outGroups.push(index++);
  }
  return { terms: outTerms, groups: outGroups };
}

