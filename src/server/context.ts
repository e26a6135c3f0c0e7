/**
 * What the server's modules share: the open documents and their analyses, the settings, the model
 * host, the workspace folders, the client's capabilities, and the helpers every request handler
 * uses (the ready model for a document, embedding under a request's token, re-running a handler
 * whose document changed while it awaited, logging unexpected failures).
 */
import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import { ErrorCodes, LSPErrorCodes, MessageType, ResponseError, ShowMessageNotification, TextDocuments, type CancellationToken, type Connection } from 'vscode-languageserver/node';
import { DocumentProgressNotification, type DocumentProgressParams, type Neighbor } from '../shared/protocol';
import type { Settings } from '../shared/settings';
import { AnalysisHelpers } from './analysis';
import { isCancellation, raceToken, requestCancelled, throwIfCancelled } from './cancellation';
import { Analysis, documentFormat, type DocumentIndex } from './documents';
import { markNeighbors } from './hover';
import { ModelHost, resolveModelSpec, type ModelEntry } from './models';
import { SettingsProvider } from './settings';
import { editedDocuments } from './textDocument';
import { fsPath } from './uris';
import { runInSlices } from './steps';
import { trace, traceEnabled } from './trace';
import type { VectorStore } from './vocabulary';

/**
 * A CSV document longer than this (in UTF-16 code units, about 12,000 rows) is parsed in steps
 * when it is parsed whole, the server answering requests between them; a shorter one at once.
 */
export const STEPWISE_PARSE_CHARS = 500_000;

/** Progress notifications of one document are sent at most this often (phase changes excepted). */
const PROGRESS_INTERVAL_MS = 250;

/** A model entry whose store is loaded. */
export type ReadyEntry = ModelEntry & { store: VectorStore };

/** Per open document: its analysis and where its terms sit in a model's vocabulary. */
export interface DocState {
  analysis?: Analysis;
  /** The model spec whose vocabulary currently holds this document's terms. */
  spec?: string;
  /** The store and document index whose terms were last registered; later edits go as differences. */
  synced?: { store: VectorStore; index: DocumentIndex };
  /** A whole-file parse running in steps (a large file), resolving when `analysis` is set. */
  building?: Promise<void>;
  /** The line ranges editors show (`synonymLens/visibleRanges`), and a count of their changes. */
  visible?: { ranges: { start: number; end: number }[]; generation: number };
  /** The last progress sent for the document (throttling). */
  progress?: { phase: DocumentProgressParams['phase']; at: number };
}

/** What the client said it supports (read once in `initialize`). */
export interface ClientSupport {
  inlayRefresh: boolean;
  versionedEdits: boolean;
  /** A workspace edit may create files (`resourceOperations` has `create`): the decisions file. */
  createFiles: boolean;
  dynamicConfiguration: boolean;
  workspaceFolderEvents: boolean;
  workDoneProgress: boolean;
}

export class ServerContext {
  readonly documents = new TextDocuments(editedDocuments);
  readonly states = new Map<string, DocState>();
  settings: SettingsProvider;
  host: ModelHost;
  /** The Lucene analysis helpers (`synonymLens.analysis.*`); a missing JDK or jars is told once as a warning. */
  readonly analysis: AnalysisHelpers;
  workspaceFolders: string[] = [];
  support: ClientSupport = { inlayRefresh: false, versionedEdits: false, createFiles: false, dynamicConfiguration: false, workspaceFolderEvents: false, workDoneProgress: false };

  constructor(readonly connection: Connection) {
    this.settings = new SettingsProvider(connection, false);
    this.host = new ModelHost(connection);
    // A notification, not a request: nothing waits on the user's answer.
    this.analysis = new AnalysisHelpers((message) => void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message }).catch(() => undefined));
  }

  state(uri: string): DocState {
    let st = this.states.get(uri);
    if (!st) this.states.set(uri, (st = {}));
    return st;
  }

  /**
   * The analysis of the document's current version (undefined when it is not open). A large
   * file's whole-file parse runs in steps, and this waits for it; an edit re-parses incrementally
   * from the previous version (which it supersedes).
   */
  async analysisOf(uri: string): Promise<Analysis | undefined> {
    for (;;) {
      const st = this.states.get(uri);
      if (st?.building) {
        await st.building;
        continue;
      }
      const a = this.analysisNow(uri);
      if (a || !this.states.get(uri)?.building) return a;
    }
  }

  /**
   * The analysis of the document's current version when it is at hand without a whole-file parse
   * of a large file; otherwise undefined, and that parse runs (or keeps running) in steps, with
   * progress shown to the client (`analysisOf` waits for it). For requests that answer at once or
   * not at all (hover).
   */
  analysisNow(uri: string): Analysis | undefined {
    const doc = this.documents.get(uri);
    if (!doc) return undefined;
    const st = this.state(uri);
    if (st.building) return undefined;
    if (st.analysis?.version === doc.version) return st.analysis;
    const next = st.analysis?.tryNext(doc);
    st.analysis = undefined;
    if (next) return (st.analysis = next);
    if (doc.getText().length < STEPWISE_PARSE_CHARS || documentFormat(doc) !== 'csv') return (st.analysis = Analysis.of(doc));
    const total = doc.getText().length;
    const states = this.states;
    const done = runInSlices(Analysis.build(doc), {
      background: true,
      // Closed meanwhile (its state is gone, or belongs to a reopened document).
      flag: {
        get isCancellationRequested() {
          return states.get(uri) !== st;
        },
      },
      onProgress: (p) => {
        if (p.phase === 'scan') this.progress(uri, 'reading', p.done, total);
      },
    });
    st.building = done.then(
      (a) => {
        st.analysis = a;
      },
      () => undefined,
    ).finally(() => {
      st.building = undefined;
      this.progress(uri, 'done', total, total);
    });
    return undefined;
  }

  /**
   * Re-parses an edited CSV document at once from its analysed previous version, so that every
   * re-parse spans one edit. Left for later, the re-parse of a burst of edits spans all the rows
   * between the first and the last edited one (one text difference), and a 200k-row edit storm
   * re-read, re-counted and re-scored a good part of the file each time. Does nothing when the
   * new version needs a whole-file parse (`analysisNow` does it when asked).
   */
  advance(uri: string): void {
    const doc = this.documents.get(uri);
    const st = this.states.get(uri);
    const a = st?.analysis;
    if (!doc || !st || !a || st.building || a.format !== 'csv' || a.version === doc.version) return;
    st.analysis = a.tryNext(doc);
  }

  /**
   * Tells the client how far a large document's analysis is (`synonymLens/documentProgress`), at
   * most every `PROGRESS_INTERVAL_MS` unless the phase changes; `done` always goes out once
   * something was sent.
   */
  progress(uri: string, phase: DocumentProgressParams['phase'], done: number, total: number): void {
    const st = this.states.get(uri);
    if (!st) return;
    const now = performance.now();
    const last = st.progress;
    if (phase === 'done' ? !last || last.phase === 'done' : last?.phase === phase && now - last.at < PROGRESS_INTERVAL_MS) return;
    st.progress = { phase, at: now };
    void this.connection.sendNotification(DocumentProgressNotification.type, { uri, phase, done, total }).catch(() => undefined);
  }

  specFor(s: Settings, uri: string): string {
    return resolveModelSpec(s.model, this.baseFolder(uri));
  }

  /**
   * The model that serves a document: the one its settings ask for, except while that one is
   * loading or after it failed to load, when the document's previous model — if it was ready —
   * keeps serving diagnostics, hovers, inlay hints and code actions (the status shows the new
   * model's state and error).
   */
  servingEntry(s: Settings, uri: string): { wanted: ModelEntry; entry: ModelEntry } {
    const wanted = this.host.get(this.specFor(s, uri));
    const previousSpec = this.states.get(uri)?.spec;
    const previous = previousSpec && previousSpec !== wanted.spec ? this.host.peek(previousSpec) : undefined;
    return { wanted, entry: wanted.state !== 'ready' && previous?.state === 'ready' ? previous : wanted };
  }

  /** Disposes engines no open document asks for or is still served by. */
  async releaseUnused(): Promise<void> {
    const keep = new Set<string>();
    for (const uri of this.documents.keys()) {
      keep.add(this.specFor(await this.settings.get(uri), uri));
      const served = this.states.get(uri)?.spec;
      if (served) keep.add(served);
    }
    await this.host.retainOnly(keep);
  }

  /** The workspace folder holding `uri` (the innermost), else its own folder, else the first folder. */
  baseFolder(uri: string): string | undefined {
    const p = fsPath(uri);
    if (p) {
      const folder = this.workspaceFolders.filter((f) => p.startsWith(f + path.sep)).sort((x, y) => y.length - x.length)[0];
      return folder ?? path.dirname(p);
    }
    return this.workspaceFolders[0];
  }

  /** The ready model for a document's settings, waiting for it (cancellable); fails with the load error. */
  readyModel(s: Settings, uri: string | undefined, token: CancellationToken): Promise<ReadyEntry> {
    return this.readyEntry(this.host.get(uri ? this.specFor(s, uri) : resolveModelSpec(s.model, this.workspaceFolders[0])), token);
  }

  /**
   * A model a request names (`model` param: a spec as the `synonymLens.model` setting takes it),
   * resolved against the document's folder like the setting, loaded through the registry as an
   * extra model, and refused like the setting when it does not load.
   */
  namedModel(model: unknown, uri: string, token: CancellationToken): Promise<ReadyEntry> {
    if (typeof model !== 'string' || model.trim() === '') throw new ResponseError(ErrorCodes.InvalidParams, 'model must be a non-empty model setting (builtin, a folder or org/name)');
    return this.readyEntry(this.host.getExtra(resolveModelSpec(model.trim(), this.baseFolder(uri))), token);
  }

  private async readyEntry(entry: ModelEntry, token: CancellationToken): Promise<ReadyEntry> {
    try {
      await raceToken(entry.ready, token);
    } catch (e) {
      if (isCancellation(e)) throw e;
      throw new ResponseError(ErrorCodes.InternalError, l10n.t('Model {0} is not available: {1}', entry.modelId, entry.error ?? String(e)));
    }
    return entry as ReadyEntry;
  }

  /** Embeds `terms` for a request: its cancellation answers `RequestCancelled`. */
  async embedded(store: VectorStore, terms: Iterable<string>, token: CancellationToken): Promise<void> {
    try {
      await store.ensure(terms, token);
    } catch (e) {
      if (isCancellation(e)) throw requestCancelled();
      throw e;
    }
    throwIfCancelled(token);
  }

  /** The `k` nearest neighbours of an embedded term, marked by the document's groups; undefined when not embedded. */
  neighborsNow(entry: ModelEntry, a: Analysis | undefined, term: string, k: number): Neighbor[] | undefined {
    const v = entry.store?.get(term);
    if (!v) return undefined;
    return markNeighbors(a, term, entry.store!.nearest(v, k, new Set([term])));
  }

  async requireAnalysis(uri: string): Promise<Analysis> {
    const a = await this.analysisOf(uri);
    if (!a) throw new ResponseError(ErrorCodes.InvalidParams, `${uri} is not open`);
    return a;
  }

  /**
   * Runs a handler body that reads a document's analysis across awaits. Versions are incremental
   * (a newer one updates the rows of the older one in place), so when the document changed while
   * the body awaited, its result may mix two versions: it runs again on the new version, a few
   * times at most, then fails with `ContentModified` (the LSP's error for exactly that).
   * `closed` answers when the document is not open. With `busy`, the body does not wait for a
   * large file's whole-file parse: `busy` answers while it runs (a hover has nothing to show yet).
   */
  async onCurrent<R>(uri: string, closed: () => R, body: (a: Analysis) => Promise<R>, busy?: () => R): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      const a = busy ? this.analysisNow(uri) : await this.analysisOf(uri);
      if (!a) return busy && this.documents.get(uri) ? busy() : closed();
      const result = await body(a);
      if (!a.superseded) return result;
      if (attempt === 3) throw new ResponseError(LSPErrorCodes.ContentModified, `${uri} changed while the request ran`);
    }
  }

  /** The `closed` answer of `onCurrent` for requests on a document that must be open. */
  notOpen(uri: string): () => never {
    return () => {
      throw new ResponseError(ErrorCodes.InvalidParams, `${uri} is not open`);
    };
  }

  /** Logs unexpected handler failures to the client's output; protocol errors pass through. */
  guard<P, R>(name: string, fn: (params: P, token: CancellationToken) => Promise<R>): (params: P, token: CancellationToken) => Promise<R> {
    return async (params, token) => {
      const t0 = performance.now();
      if (traceEnabled()) trace(`${name} start`);
      try {
        return await fn(params, token);
      } catch (e) {
        if (isCancellation(e)) throw requestCancelled();
        if (!(e instanceof ResponseError)) this.connection.console.error(`${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        throw e;
      } finally {
        if (traceEnabled()) trace(`${name} answered in ${(performance.now() - t0).toFixed(1)} ms`);
      }
    };
  }
}
