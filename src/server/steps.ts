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

/** Runs `steps` to their end in time slices; throws `CancelledError` at a pause once `flag` is set. */
export async function runInSlices<T>(steps: Steps<T>, options: { flag?: CancellationFlag; onProgress?: (p: StepProgress) => void; sliceMs?: number } = {}): Promise<T> {
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
    if (options.flag?.isCancellationRequested) {
      steps.return(undefined as T);
      throw new CancelledError();
    }
    start = performance.now();
  }
}
