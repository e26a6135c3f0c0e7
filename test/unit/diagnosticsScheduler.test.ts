// When a document's diagnostics job runs: leading-edge debounce per document, a newer version
// cancels the running job. A fake clock drives the scheduler, so nothing here waits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CancelSource } from '../../src/server/cancellation';
import { DiagnosticsScheduler, type SchedulerTimers } from '../../src/server/diagnosticsScheduler';

/** A manual clock: `advance` fires due timers in order. */
class FakeTimers implements SchedulerTimers {
  time = 1000;
  private next = 1;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { at: this.time + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  get count(): number {
    return this.pending.size;
  }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.pending].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.time = Math.max(this.time, due[1].at);
      due[1].fn();
    }
    this.time = end;
  }
}

/** Records job starts; each job stays running until its `finish` is called. */
function recorder() {
  const runs: { uri: string; at: number; job: CancelSource; finish: () => void }[] = [];
  let clock: FakeTimers;
  const run = (uri: string, job: CancelSource) =>
    new Promise<void>((finish) => {
      runs.push({ uri, at: clock.now(), job, finish });
    });
  return { runs, run, setClock: (c: FakeTimers) => (clock = c) };
}

function setup(debounceMs = 150) {
  const timers = new FakeTimers();
  const rec = recorder();
  rec.setClock(timers);
  return { timers, runs: rec.runs, scheduler: new DiagnosticsScheduler(rec.run, debounceMs, timers) };
}

test('an isolated edit runs at once (no wait on the leading edge)', () => {
  const { timers, runs, scheduler } = setup();
  scheduler.schedule('a');
  timers.advance(0);
  assert.equal(runs.length, 1);
  assert.equal(runs[0]!.at, 1000);
  assert.equal(scheduler.running('a'), true);
});

test('a burst of edits runs at most once per debounce interval, with the last version', () => {
  const { timers, runs, scheduler } = setup(150);
  scheduler.schedule('a');
  timers.advance(0);
  for (let i = 0; i < 10; i++) {
    timers.advance(10);
    scheduler.schedule('a');
  }
  assert.equal(runs.length, 1, 'a second job started inside the interval');
  assert.equal(runs[0]!.job.isCancellationRequested, true, 'the running job was not cancelled by the newer version');
  assert.equal(timers.count, 1, 'more than one pending start');
  timers.advance(50);
  assert.equal(runs.length, 2);
  assert.equal(runs[1]!.at, 1150);
  assert.equal(runs[1]!.job.isCancellationRequested, false);
});

test('documents are debounced independently', () => {
  const { timers, runs, scheduler } = setup(150);
  scheduler.schedule('a');
  scheduler.schedule('b');
  timers.advance(0);
  assert.deepEqual(runs.map((r) => r.uri).sort(), ['a', 'b']);
});

test('a finished job is no longer running; a later edit runs at once again', async () => {
  const { timers, runs, scheduler } = setup(150);
  scheduler.schedule('a');
  timers.advance(0);
  runs[0]!.finish();
  await Promise.resolve();
  await Promise.resolve();
  assert.equal(scheduler.running('a'), false);
  timers.advance(500);
  scheduler.schedule('a');
  timers.advance(0);
  assert.equal(runs.length, 2);
});

test('forget cancels the running job and the pending start; dispose does so for every document', () => {
  const { timers, runs, scheduler } = setup(150);
  scheduler.schedule('a');
  scheduler.schedule('b');
  timers.advance(0);
  scheduler.schedule('a');
  scheduler.forget('a');
  assert.equal(runs[0]!.job.isCancellationRequested, true);
  assert.equal(timers.count, 0);
  timers.advance(1000);
  assert.equal(runs.length, 2, 'a forgotten document started a job');
  scheduler.dispose();
  assert.equal(runs[1]!.job.isCancellationRequested, true);
});

test('debounce 0 runs every version', () => {
  const { timers, runs, scheduler } = setup(0);
  for (let i = 0; i < 3; i++) {
    scheduler.schedule('a');
    timers.advance(0);
  }
  assert.equal(runs.length, 3);
  assert.deepEqual(runs.map((r) => r.job.isCancellationRequested), [true, true, false]);
});
