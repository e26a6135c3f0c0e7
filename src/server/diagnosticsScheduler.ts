/**
 * When each document's diagnostics job runs. Every change cancels the document's running job and
 * schedules a new one with a leading-edge debounce: an isolated edit runs at once, a burst of
 * keystrokes runs at most once per `debounceMs`. The job itself (src/server/diagnosticsJob.ts)
 * stops at its next check once cancelled. Timers are injectable so the policy is unit-tested
 * without waiting.
 */
import { CancelSource } from './cancellation';

/** The clock and timers the scheduler uses (Node's by default). */
export interface SchedulerTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const nodeTimers: SchedulerTimers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

interface Slot {
  /** The running job; cancelled when a newer version arrives. */
  job?: CancelSource;
  timer?: unknown;
  lastStart: number;
}

export type DiagnosticsRun = (uri: string, job: CancelSource) => Promise<void>;

export class DiagnosticsScheduler {
  private readonly slots = new Map<string, Slot>();

  /** `debounceMs`: minimum spacing of job starts per document during a burst of edits. */
  constructor(
    private readonly run: DiagnosticsRun,
    public debounceMs = 150,
    private readonly timers: SchedulerTimers = nodeTimers,
  ) {}

  /** A new version of `uri`: cancels its running job and starts a new one as soon as the debounce allows. */
  schedule(uri: string): void {
    let slot = this.slots.get(uri);
    if (!slot) this.slots.set(uri, (slot = { lastStart: 0 }));
    const s = slot;
    // The running job is stale now: let it stop at its next check instead of finishing.
    s.job?.cancel();
    if (s.timer !== undefined) this.timers.clearTimeout(s.timer);
    const wait = Math.max(0, s.lastStart + this.debounceMs - this.timers.now());
    s.timer = this.timers.setTimeout(() => {
      s.timer = undefined;
      const job = new CancelSource();
      s.job = job;
      s.lastStart = this.timers.now();
      void this.run(uri, job).finally(() => {
        if (s.job === job) s.job = undefined;
      });
    }, wait);
  }

  /** Whether `uri` has a job running (started and not yet finished or superseded). */
  running(uri: string): boolean {
    return this.slots.get(uri)?.job !== undefined;
  }

  /** The document closed: cancels its job and pending start. */
  forget(uri: string): void {
    const slot = this.slots.get(uri);
    if (!slot) return;
    slot.job?.cancel();
    if (slot.timer !== undefined) this.timers.clearTimeout(slot.timer);
    this.slots.delete(uri);
  }

  /** Cancels every job and pending start (shutdown). */
  dispose(): void {
    for (const uri of [...this.slots.keys()]) this.forget(uri);
  }
}
