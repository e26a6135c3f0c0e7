/**
 * Runs core's stepwise computations (src/core/steps.ts) in the server without blocking it: the
 * steps run for a time slice, then the event loop handles what arrived meanwhile (hovers, edits,
 * cancellations) before the next slice. A request's handler may wait for several turns of the
 * event loop, each behind one slice: 5 ms slices gave hovers during a 200k-row open a p95 of
 * 106 ms against 149–169 ms with 20 ms slices (bench/scale.mjs, quiet host), while a pause costs
 * the computation one `setImmediate`.
 */
import { CancelledError, type CancellationFlag } from '../core/cancellation';
import type { StepProgress, Steps } from '../core/steps';
import { traceSlice } from './trace';

const SLICE_MS = 5;
/** The longest a pause of background work waits for the requests being answered. */
const REQUEST_WAIT_MS = 100;

/** Requests being answered on a document's analysis (see `answering`). */
let inFlight = 0;
let whenIdle: (() => void)[] = [];

/**
 * Runs a request handler's body (it holds the analysis it answers on). Background work in slices
 * waits at its next pause until no such body runs, so a hover's own awaits are not each queued
 * behind another slice. The wait is bounded (`REQUEST_WAIT_MS`): a body that awaits something
 * background work produces still gets it.
 */
export async function answering<T>(body: () => Promise<T>): Promise<T> {
  inFlight++;
  try {
    return await body();
  } finally {
    if (--inFlight === 0) {
      const waiting = whenIdle;
      whenIdle = [];
      for (const resolve of waiting) resolve();
    }
  }
}

/** Resolves when no request body runs, or after `waitMs`. */
function requestsAnswered(waitMs: number): Promise<void> {
  if (inFlight === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, waitMs);
    function done(): void {
      clearTimeout(timer);
      resolve();
    }
    whenIdle.push(done);
  });
}

/**
 * Runs `steps` to their end in time slices; throws `CancelledError` at a pause once `flag` is set.
 * `background`: work no request waits for (a diagnostics job, a large file's parse): its pauses
 * also let the requests being answered finish first (see `answering`), waiting at most
 * `requestWaitMs` (default `REQUEST_WAIT_MS`).
 */
export async function runInSlices<T>(steps: Steps<T>, options: { flag?: CancellationFlag; onProgress?: (p: StepProgress) => void; sliceMs?: number; background?: boolean; requestWaitMs?: number } = {}): Promise<T> {
  const slice = options.sliceMs ?? SLICE_MS;
  let start = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (r.value) options.onProgress?.(r.value);
    const ran = performance.now() - start;
    if (ran < slice) continue;
    traceSlice(ran);
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (options.background) await requestsAnswered(options.requestWaitMs ?? REQUEST_WAIT_MS);
    if (options.flag?.isCancellationRequested) {
      steps.return(undefined as T);
      throw new CancelledError();
    }
    start = performance.now();
  }
}
