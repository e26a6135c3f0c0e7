/**
 * Cancellation plumbing shared by the server's handlers: one flag type for our own background
 * work (stale diagnostics runs) and helpers that turn an LSP token into `RequestCancelled`.
 */
import { CancellationToken, LSPErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { CancelledError, type CancellationFlag } from '../core/cancellation';

/** A cancellation flag the server sets itself, e.g. when a newer document version arrives. */
export class CancelSource implements CancellationFlag {
  private cancelled = false;
  private readonly listeners: (() => void)[] = [];
  get isCancellationRequested(): boolean {
    return this.cancelled;
  }
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    for (const l of this.listeners.splice(0)) l();
  }
  onCancel(listener: () => void): void {
    if (this.cancelled) listener();
    else this.listeners.push(listener);
  }
}

/** The error every request handler answers with when its client cancelled it. */
export function requestCancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
}

export function throwIfCancelled(token: CancellationToken | undefined): void {
  if (token?.isCancellationRequested) throw requestCancelled();
}

/** Both an LSP token and our own flag as one flag (for engine.embed). */
export function anyFlag(...flags: (CancellationFlag | undefined)[]): CancellationFlag {
  return {
    get isCancellationRequested() {
      return flags.some((f) => f?.isCancellationRequested);
    },
  };
}

/**
 * Awaits `promise` but gives up as soon as `token` is cancelled, with `RequestCancelled`.
 * The promise itself keeps running (it is shared work, e.g. a model load), so its rejection is
 * observed here to avoid an unhandled rejection.
 */
export function raceToken<T>(promise: Promise<T>, token: CancellationToken | undefined): Promise<T> {
  if (!token) return promise;
  if (token.isCancellationRequested) {
    promise.catch(() => undefined);
    return Promise.reject(requestCancelled());
  }
  return new Promise<T>((resolve, reject) => {
    const sub = token.onCancellationRequested(() => {
      sub.dispose();
      reject(requestCancelled());
    });
    promise.then(
      (v) => {
        sub.dispose();
        resolve(v);
      },
      (e) => {
        sub.dispose();
        reject(e);
      },
    );
  });
}

export function isCancellation(e: unknown): boolean {
  return (
    e instanceof CancelledError ||
    (e instanceof ResponseError && e.code === LSPErrorCodes.RequestCancelled)
  );
}

/** Yields to the event loop so queued requests (hover, cancellation) are served between chunks. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
