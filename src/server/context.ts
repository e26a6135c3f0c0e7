/**
 * What the server's modules share: the open documents and their analyses, the settings, the model
 * host, the workspace folders, the client's capabilities, and the helpers every request handler
 * uses (the ready model for a document, embedding under a request's token, re-running a handler
 * whose document changed while it awaited, logging unexpected failures).
 */
import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import { ErrorCodes, LSPErrorCodes, ResponseError, TextDocuments, type CancellationToken, type Connection } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Neighbor } from '../shared/protocol';
import type { Settings } from '../shared/settings';
import { isCancellation, raceToken, requestCancelled, throwIfCancelled } from './cancellation';
import { Analysis, type DocumentIndex } from './documents';
import { markNeighbors } from './hover';
import { ModelHost, resolveModelSpec, type ModelEntry } from './models';
import { SettingsProvider } from './settings';
import { fsPath } from './uris';
import type { VectorStore } from './vocabulary';

/** A model entry whose store is loaded. */
export type ReadyEntry = ModelEntry & { store: VectorStore };

/** Per open document: its analysis and where its terms sit in a model's vocabulary. */
export interface DocState {
  analysis?: Analysis;
  /** The model spec whose vocabulary currently holds this document's terms. */
  spec?: string;
  /** The store and document index whose terms were last registered; later edits go as differences. */
  synced?: { store: VectorStore; index: DocumentIndex };
}

/** What the client said it supports (read once in `initialize`). */
export interface ClientSupport {
  inlayRefresh: boolean;
  versionedEdits: boolean;
  dynamicConfiguration: boolean;
  workspaceFolderEvents: boolean;
  workDoneProgress: boolean;
}

export class ServerContext {
  readonly documents = new TextDocuments(TextDocument);
  readonly states = new Map<string, DocState>();
  settings: SettingsProvider;
  host: ModelHost;
  workspaceFolders: string[] = [];
  support: ClientSupport = { inlayRefresh: false, versionedEdits: false, dynamicConfiguration: false, workspaceFolderEvents: false, workDoneProgress: false };

  constructor(readonly connection: Connection) {
    this.settings = new SettingsProvider(connection, false);
    this.host = new ModelHost(connection);
  }

  state(uri: string): DocState {
    let st = this.states.get(uri);
    if (!st) this.states.set(uri, (st = {}));
    return st;
  }

  /** The analysis of the document's current version, parsing now if the diagnostics job has not yet. */
  currentAnalysis(uri: string): Analysis | undefined {
    const doc = this.documents.get(uri);
    if (!doc) return undefined;
    const st = this.state(uri);
    // An edit re-parses incrementally from the previous version (which it supersedes).
    if (st.analysis?.version !== doc.version) st.analysis = st.analysis ? st.analysis.next(doc) : Analysis.of(doc);
    return st.analysis;
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

  requireAnalysis(uri: string): Analysis {
    const a = this.currentAnalysis(uri);
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
  async onCurrent<R>(uri: string, closed: () => R, body: (a: Analysis) => Promise<R>): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      const a = this.currentAnalysis(uri);
      if (!a) return closed();
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
      try {
        return await fn(params, token);
      } catch (e) {
        if (isCancellation(e)) throw requestCancelled();
        if (!(e instanceof ResponseError)) this.connection.console.error(`${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        throw e;
      }
    };
  }
}
