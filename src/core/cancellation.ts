/**
 * Cancellation, declared once for every layer: a flag that long work polls between steps (batches,
 * training steps, download chunks) and the one error it throws. LSP and VS Code cancellation tokens
 * and the training worker's shared-memory flag are all structurally a `CancellationFlag`; front ends
 * test `instanceof CancelledError` at their boundary and answer in their own terms (the language
 * server with `RequestCancelled`, the CLI with exit code 130).
 */

/** A cancellation flag, structurally compatible with LSP/VS Code cancellation tokens. */
export interface CancellationFlag {
  readonly isCancellationRequested: boolean;
}

/** Thrown by any cancellable work once its flag is set. Its `name` survives a worker boundary. */
export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** A flag that is never set, for callers that cannot cancel. */
export const NEVER_CANCELLED: CancellationFlag = Object.freeze({ isCancellationRequested: false });

/** Throws `CancelledError` when `flag` is set. */
export function throwIfCancelled(flag: CancellationFlag | undefined): void {
  if (flag?.isCancellationRequested) throw new CancelledError();
}

/** An AbortSignal seen as a cancellation flag. */
export function flagOf(signal: { readonly aborted: boolean }): CancellationFlag {
  return {
    get isCancellationRequested() {
      return signal.aborted;
    },
  };
}
