/**
 * A minimal LSP client for protocol tests: spawns the real bundled `dist/server.js`, answers
 * `workspace/configuration` from a settings object the test controls, and turns notifications
 * into awaitable events. No sleeps: a test awaits the notification it expects, and a timeout
 * fails it with what did arrive.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CancellationTokenSource,
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializeRequest,
  InitializedNotification,
  IPCMessageReader,
  IPCMessageWriter,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShowMessageNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { DocumentProgressNotification, ModelStatusNotification, type DocumentProgressParams, type ModelStatusParams } from '../../src/shared/protocol';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const serverPath = path.join(root, 'dist/server.js');
export const fixturesDir = path.join(root, 'test/fixtures/lsp');

export function fixtureUri(name: string): string {
  return pathToFileURL(path.join(fixturesDir, name)).toString();
}

export interface StartOptions {
  transport?: 'stdio' | 'ipc';
  /** The `synonymLens` section returned for configuration requests; mutate `server.settings` later. */
  settings?: Record<string, unknown>;
  initializationOptions?: Record<string, unknown>;
  /** Advertise `workspace.workspaceEdit.documentChanges` (VS Code does). Default true. */
  documentChanges?: boolean;
  /** Extra environment for the server process. */
  env?: Record<string, string>;
  /** The server bundle to run (default `dist/server.js`; benchmarks pass a peer's). */
  server?: string;
}

type Waiter<T> = { pred: (e: T) => boolean; resolve: (e: T) => void };

/** An append-only event log whose entries can be awaited by predicate from a cursor on. */
export class EventLog<T> {
  readonly events: T[] = [];
  private waiters: Waiter<T>[] = [];

  push(e: T): void {
    this.events.push(e);
    this.waiters = this.waiters.filter((w) => {
      if (!w.pred(e)) return true;
      w.resolve(e);
      return false;
    });
  }

  /** Index of the next event: pass it as `after` to ignore what already arrived. */
  get cursor(): number {
    return this.events.length;
  }

  wait(pred: (e: T) => boolean, what: string, timeoutMs: number, after = 0): Promise<T> {
    const hit = this.events.slice(after).find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const seen = this.events.slice(after).map((e) => JSON.stringify(e).slice(0, 400));
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received since cursor:\n${seen.join('\n') || '(nothing)'}`));
      }, timeoutMs);
      const waiter: Waiter<T> = {
        pred,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      };
      this.waiters.push(waiter);
    });
  }
}

export class TestServer {
  readonly diagnostics = new EventLog<PublishDiagnosticsParams>();
  readonly statuses = new EventLog<ModelStatusParams>();
  /** `synonymLens/documentProgress` notifications (large documents). */
  readonly documentProgress = new EventLog<DocumentProgressParams>();
  readonly logs = new EventLog<string>();
  /** `window/showMessage` notifications (what VS Code would pop up). */
  readonly shown = new EventLog<{ type: number; message: string }>();
  readonly progress = new EventLog<{ token: string | number; value: { kind: string; message?: string; percentage?: number } }>();
  /** The server's stderr, a line at a time. */
  readonly stderr = new EventLog<string>();
  readonly configurationRequests: unknown[] = [];
  inlayHintRefreshes = 0;
  settings: Record<string, unknown>;
  private versions = new Map<string, number>();

  constructor(
    readonly connection: ProtocolConnection,
    readonly child: ChildProcess,
    settings: Record<string, unknown>,
  ) {
    this.settings = settings;
  }

  /** Resolves with the first publishDiagnostics for `uri` (after `after`) satisfying `pred`. */
  waitDiagnostics(uri: string, pred: (d: Diagnostic[], version?: number) => boolean, opts: { after?: number; timeoutMs?: number; what?: string } = {}): Promise<PublishDiagnosticsParams> {
    return this.diagnostics.wait(
      (e) => e.uri === uri && pred(e.diagnostics, e.version),
      opts.what ?? `diagnostics for ${path.basename(uri)}`,
      opts.timeoutMs ?? 20_000,
      opts.after ?? 0,
    );
  }

  waitStatus(pred: (s: ModelStatusParams) => boolean, opts: { after?: number; timeoutMs?: number; what?: string } = {}): Promise<ModelStatusParams> {
    return this.statuses.wait(pred, opts.what ?? 'model status', opts.timeoutMs ?? 20_000, opts.after ?? 0);
  }

  open(uri: string, text: string, languageId = 'synonym-csv'): void {
    this.versions.set(uri, 1);
    void this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
  }

  /** Sends incremental (or full) changes and returns the new version. */
  change(uri: string, changes: TextDocumentContentChangeEvent[]): number {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    void this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  close(uri: string): void {
    void this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  /** Replaces the settings and tells the server (it pulls them again). */
  async setSettings(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  request<R>(method: string, params: unknown, token?: CancellationTokenSource): Promise<R> {
    return token ? this.connection.sendRequest<R>(method, params, token.token) : this.connection.sendRequest<R>(method, params);
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest(ShutdownRequest.type), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      // The process may be gone already.
    }
    const exited = new Promise<void>((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) resolve();
      else this.child.once('exit', () => resolve());
    });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    this.connection.dispose();
  }
}

export async function startServer(opts: StartOptions = {}): Promise<TestServer> {
  const bundle = opts.server ?? serverPath;
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run node scripts/build.mjs first`);
  const transport = opts.transport ?? 'stdio';
  const env = { ...process.env, ...opts.env };
  let child: ChildProcess;
  let connection: ProtocolConnection;
  if (transport === 'ipc') {
    child = fork(bundle, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env });
    connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  } else {
    child = spawn(process.execPath, [bundle, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env });
    connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  }
  const stderr: string[] = [];
  child.stderr?.on('data', (d: Buffer) => {
    stderr.push(d.toString());
    if (process.env.LSP_TEST_DEBUG) process.stderr.write(`[server] ${d}`);
  });
  const server = new TestServer(connection, child, opts.settings ?? {});
  let partLine = '';
  child.stderr?.on('data', (d: Buffer) => {
    const lines = (partLine + d.toString()).split('\n');
    partLine = lines.pop()!;
    for (const line of lines) server.stderr.push(line);
  });
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => server.diagnostics.push(p));
  connection.onNotification(ModelStatusNotification.type, (p) => server.statuses.push(p));
  connection.onNotification(DocumentProgressNotification.type, (p) => server.documentProgress.push(p));
  connection.onNotification(ShowMessageNotification.type, (p) => server.shown.push(p));
  connection.onNotification(LogMessageNotification.type, (p) => {
    server.logs.push(p.message);
    if (process.env.LSP_TEST_DEBUG) process.stderr.write(`[log] ${p.message}\n`);
  });
  connection.onRequest(ConfigurationRequest.type, (p) => {
    server.configurationRequests.push(p);
    return p.items.map((item) => (item.section === 'synonymLens' ? server.settings : null));
  });
  connection.onRequest(RegistrationRequest.type, () => undefined);
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.onNotification('$/progress', (p: { token: string | number; value: { kind: string; message?: string; percentage?: number } }) => server.progress.push(p));
  connection.onRequest('workspace/inlayHint/refresh', () => {
    server.inlayHintRefreshes++;
    return null;
  });
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(fixturesDir).toString(),
    workspaceFolders: [{ uri: pathToFileURL(fixturesDir).toString(), name: 'fixtures' }],
    initializationOptions: opts.initializationOptions ?? {},
    capabilities: {
      window: { workDoneProgress: true },
      workspace: {
        configuration: true,
        didChangeConfiguration: { dynamicRegistration: true },
        inlayHint: { refreshSupport: true },
        // As VS Code: version-checked edits that may also create, rename and delete files.
        workspaceEdit: { documentChanges: opts.documentChanges ?? true, ...(opts.documentChanges === false ? {} : { resourceOperations: ['create', 'rename', 'delete'] }) },
      },
      textDocument: {
        synchronization: { dynamicRegistration: false },
        publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        inlayHint: {},
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor', 'refactor.rewrite', 'source'] } } },
      },
    },
  });
  await connection.sendNotification(InitializedNotification.type, {});
  child.once('exit', (code, signal) => {
    if (code !== 0 && code !== null && process.env.LSP_TEST_DEBUG) process.stderr.write(`server exited ${code ?? signal}: ${stderr.join('')}\n`);
  });
  return server;
}

export function codes(d: Diagnostic[]): string[] {
  return d.map((x) => String(x.code)).sort();
}

export function has(code: string) {
  return (d: Diagnostic[]) => d.some((x) => x.code === code);
}
