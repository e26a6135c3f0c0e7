/**
 * Gives memory back after a document closes and after a burst of edits. A closed file's parse,
 * analyses and diagnostics are garbage at once, as are the superseded versions of an edit storm,
 * but V8 collects its old generation when the heap next grows: RSS with nothing open stayed up by
 * about one file's worth after each open/close (85 MiB a cycle for 50,000 rows), and 5 s after a
 * storm of one-row edits it was 60 % above its value before. A full collection once things have
 * settled returns it; single edits (typing) never trigger one.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Quiet time after the last close before collecting (a burst of closes costs one collection). */
const SETTLE_MS = 1000;
/** Edits that make a burst worth a collection, and the quiet time after the last one. */
const BURST_EDITS = 50;
const BURST_SETTLE_MS = 2000;
let edits = 0;

let collect: (() => void) | null | undefined;
let timer: NodeJS.Timeout | undefined;

/** V8's full collection, exposed on demand (`--expose-gc` set at run time); null if it cannot be. */
export function collector(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    const existing = (globalThis as { gc?: () => void }).gc;
    if (typeof existing === 'function') return (collect = existing);
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    collect = typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    collect = null;
  }
  return collect;
}

/**
 * Collects garbage once no document has closed for `ms` and `busy()` (diagnostics jobs still
 * running) is false: a collection in the middle of a job would slow it, and its garbage would
 * be left for later anyway.
 */
export function releaseMemorySoon(busy: () => boolean = () => false, ms = SETTLE_MS): void {
  if (timer) clearTimeout(timer);
  const fire = () => {
    if (busy()) {
      timer = setTimeout(fire, ms).unref();
      return;
    }
    timer = undefined;
    edits = 0;
    collector()?.();
  };
  // Never keeps the process alive on its own.
  timer = setTimeout(fire, ms).unref();
}

/** A document changed: after `BURST_EDITS` changes, collects once they stop for `BURST_SETTLE_MS` and jobs are done. */
export function releaseMemoryAfterBurst(busy: () => boolean): void {
  if (++edits >= BURST_EDITS) releaseMemorySoon(busy, BURST_SETTLE_MS);
}
