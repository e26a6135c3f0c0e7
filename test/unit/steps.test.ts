/**
 * Stepwise computations: `runSteps` runs them at once; the server's `runInSlices` lets the event
 * loop run between slices and stops at a pause once cancelled.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { CancelledError } from '../../src/core/cancellation';
import { runSteps, type Steps } from '../../src/core/steps';
import { answering, runInSlices } from '../../src/server/steps';

/** Counts to `n`, pausing after each number; `busyMs` of work per step. */
function* counting(n: number, busyMs = 0, log: string[] = []): Steps<number> {
  let i = 0;
  try {
    for (; i < n; i++) {
      const until = performance.now() + busyMs;
      while (performance.now() < until);
      yield { phase: 'count', done: i + 1, total: n };
    }
    return i;
  } finally {
    log.push(`stopped at ${i}`);
  }
}

test('runSteps runs a computation to its end', () => {
  assert.equal(runSteps(counting(1000)), 1000);
});

test('runInSlices lets other work run between slices and reports progress', async () => {
  const order: string[] = [];
  const progress: number[] = [];
  // 20 steps of 5 ms in slices of 10 ms: a callback queued at the start runs before the end.
  setImmediate(() => order.push('other work'));
  const result = await runInSlices(counting(20, 5), { sliceMs: 10, onProgress: (p) => progress.push(p.done) });
  order.push('computation done');
  assert.equal(result, 20);
  assert.deepEqual(order, ['other work', 'computation done']);
  assert.deepEqual(progress, Array.from({ length: 20 }, (_, i) => i + 1));
});

test('runInSlices stops at the next pause once cancelled, and the computation is closed', async () => {
  const flag = { isCancellationRequested: false };
  const log: string[] = [];
  setImmediate(() => (flag.isCancellationRequested = true));
  await assert.rejects(runInSlices(counting(1000, 2, log), { sliceMs: 5, flag }), CancelledError);
  assert.equal(log.length, 1);
  assert.notEqual(log[0], 'stopped at 1000');
});

test('background work in slices waits at its pauses for the requests being answered; other work does not', async () => {
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
  for (const background of [true, false]) {
    let release!: () => void;
    const request = answering(() => new Promise<void>((resolve) => (release = resolve)));
    let steps = 0;
    // A pause after every step; the bound is long enough never to end the wait in this test.
    const run = runInSlices(counting(3), { sliceMs: 0, background, requestWaitMs: 600_000, onProgress: () => steps++ });
    for (let i = 0; i < 5; i++) await turn();
    const whileAnswering = steps;
    release();
    await request;
    assert.equal(await run, 3);
    assert.equal(steps, 3);
    // Background work stopped at its first pause until the request was answered.
    assert.equal(whileAnswering, background ? 1 : 3);
  }
});
