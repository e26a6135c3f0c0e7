/**
 * Stepwise computations: long pure loops (parsing a million-row file, indexing its pairs) are
 * written as generators that `yield` between chunks of work, so a front end with an event loop
 * can answer other requests in between (the language server drives them in time slices), while
 * everyone else runs them to the end at once with `runSteps`. Core has no timers of its own.
 */

/** What a step reports: how far the computation is, in its own unit (characters, rows). */
export interface StepProgress {
  /** Which part of the work is running (e.g. `scan`, `rows`, `index`). */
  phase: string;
  done: number;
  total: number;
}

/** A stepwise computation of a `T`; every yield is a point where it may be paused. */
export type Steps<T> = Generator<StepProgress | undefined, T, void>;

/** Runs a stepwise computation to its end without pausing and returns its result. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}
