/**
 * An opt-in trace of what keeps requests waiting (`SYNONYM_LENS_TRACE_REQUESTS=1`), written to
 * the server's stderr: each request's start and answer, the long synchronous steps of a
 * diagnostics job, the long slices of stepwise work, and the event loop's stalls (the time a
 * request could not even be read). Off by default; when off, each hook costs one boolean test.
 */
const tracing = process.env.SYNONYM_LENS_TRACE_REQUESTS === '1';
/** Steps, slices and stalls shorter than this are not reported. */
const LONG_MS = 20;

export function traceEnabled(): boolean {
  return tracing;
}

/** Writes one trace line (milliseconds since the process started, then `message`). */
export function trace(message: string): void {
  if (tracing) process.stderr.write(`[trace ${performance.now().toFixed(0)}] ${message}\n`);
}

/** Runs `fn`; with tracing on, reports it when it held the event loop `LONG_MS` or more. */
export function timed<T>(what: string, fn: () => T): T {
  if (!tracing) return fn();
  const t0 = performance.now();
  try {
    return fn();
  } finally {
    const ms = performance.now() - t0;
    if (ms >= LONG_MS) trace(`step ${what}: ${ms.toFixed(1)} ms`);
  }
}

/** Reports a slice of stepwise work that ran `ms` without a pause (with tracing on, when long). */
export function traceSlice(ms: number): void {
  if (tracing && ms >= LONG_MS) trace(`slice ${ms.toFixed(1)} ms`);
}

/**
 * With tracing on, reports each time the event loop did not turn for `LONG_MS` or more (a timer
 * every 5 ms that came late); the timer does not keep the process alive.
 */
export function watchStalls(): void {
  if (!tracing) return;
  const every = 5;
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    const late = now - last - every;
    if (late >= LONG_MS) trace(`stall ${late.toFixed(0)} ms`);
    last = now;
  }, every).unref();
}
