/**
 * The webview end of the typed channel: `acquireVsCodeApi` wrapped with typed `post`, typed
 * message handlers, request/response matched by id, and typed `getState`/`setState`.
 */

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

interface Response {
  type: 'response';
  requestId: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** Messages the host sends: a union discriminated on `type`, responses included. */
export class Host<To extends { type: string }, From extends { type: string }, State extends object> {
  private readonly api: VsCodeApi;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();

  constructor(onMessage: (message: Exclude<To, { type: 'response' }>) => void) {
    this.api = acquireVsCodeApi();
    window.addEventListener('message', (e: MessageEvent) => {
      const m = e.data as To | Response | undefined;
      if (!m || typeof m !== 'object' || typeof m.type !== 'string') return;
      if (m.type === 'response') {
        const r = m as Response;
        const p = this.pending.get(r.requestId);
        if (!p) return;
        this.pending.delete(r.requestId);
        if (r.ok) p.resolve(r.result);
        else p.reject(new Error(r.error ?? 'The request failed.'));
        return;
      }
      onMessage(m as Exclude<To, { type: 'response' }>);
    });
  }

  post(message: From): void {
    this.api.postMessage(message);
  }

  /** Sends a message carrying a fresh `requestId` and resolves with the response's result. */
  request<R>(message: DistributiveOmit<Extract<From, { requestId: number }>, 'requestId'>): Promise<R> {
    const requestId = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(requestId, { resolve: resolve as (r: unknown) => void, reject });
      this.api.postMessage({ ...message, requestId });
    });
  }

  getState(): Partial<State> {
    const s = this.api.getState();
    return s && typeof s === 'object' ? (s as Partial<State>) : {};
  }

  setState(state: State): void {
    this.api.setState(state);
  }
}

type DistributiveOmit<T, K extends keyof never> = T extends unknown ? Omit<T, K> : never;
