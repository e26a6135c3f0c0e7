/**
 * The worker runner's cancellation contract (src/runtime/learn/runner.ts), with a stand-in worker
 * script: a cancelled job that does not stop is terminated after the grace period — but never
 * while it holds termination off (`JobContext.holdTermination`, element 1 of the shared flags),
 * because terminating a worker inside an onnxruntime call aborts the whole process.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CancelledError } from '../../src/core/cancellation';
import { runInWorker, stagingFor } from '../../src/runtime/learn/runner';

const dir = mkdtempSync(path.join(tmpdir(), 'synonym-lens-runner-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Ignores cancellation; holds termination off for HOLD_MS (blocking its thread, as a native call
// does), then releases it and keeps ignoring cancellation.
const worker = path.join(dir, 'holdingWorker.js');
writeFileSync(
  worker,
  `const { parentPort, workerData } = require('node:worker_threads');
const flag = new Int32Array(workerData.cancel);
const HOLD_MS = Number(process.env.HOLD_MS);
Atomics.add(flag, 1, 1);
parentPort.postMessage({ type: 'progress', event: { type: 'phase', message: 'holding' } });
while (Atomics.load(flag, 0) === 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, HOLD_MS);
Atomics.sub(flag, 1, 1);
parentPort.postMessage({ type: 'progress', event: { type: 'phase', message: 'released' } });
setInterval(() => undefined, 1000);
`,
);

test('a cancelled worker that holds termination off is terminated only after it releases it', async () => {
  process.env.SYNONYM_LENS_TRAIN_WORKER = worker;
  process.env.HOLD_MS = '2500';
  try {
    const abort = new AbortController();
    const phases: string[] = [];
    let cancelledAt = 0;
    const pending = runInWorker({ kind: 'evaluate', pairs: [], terms: [], vectors: [], threshold: 0.5 }, {
      signal: abort.signal,
      onProgress: (e) => {
        if (e.type !== 'phase') return;
        phases.push(e.message);
        if (e.message === 'holding') {
          cancelledAt = Date.now();
          abort.abort();
        }
      },
    });
    await assert.rejects(pending, (e) => e instanceof CancelledError);
    const took = Date.now() - cancelledAt;
    // The grace period is 1.5 s; the hold lasts 2.5 s after the cancel.
    assert.ok(took >= 2500, `terminated after ${took} ms, inside the held region`);
    assert.ok(took < 10_000, `took ${took} ms`);
    assert.deepEqual(phases, ['holding'], 'progress after cancellation is not forwarded');
  } finally {
    delete process.env.SYNONYM_LENS_TRAIN_WORKER;
    delete process.env.HOLD_MS;
  }
});

test('a new staging folder clears those of dead processes (kill -9 mid-run), keeps running ones, and fits a long folder name', () => {
  const models = path.join(dir, 'models');
  mkdirSync(models, { recursive: true });
  // A pid that certainly ran and has exited.
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  const stale = path.join(models, `.run-1.partial-${dead}-0123abcd`);
  mkdirSync(path.join(stale, 'model'), { recursive: true });
  writeFileSync(path.join(stale, 'model', 'model.onnx'), 'half');
  const live = path.join(models, `.run-2.partial-${process.ppid}-89abcdef`);
  mkdirSync(live);
  const other = path.join(models, 'run-3.partial-1-0000000x'); // not a staging name
  mkdirSync(other);
  const staging = stagingFor(path.join(models, 'run-4'));
  assert.ok(!existsSync(stale), 'the dead process\'s staging folder is gone');
  assert.ok(existsSync(live) && existsSync(other) && existsSync(path.dirname(staging)));
  // A legal 250-byte folder name still gets a staging folder (no ENAMETOOLONG).
  const long = stagingFor(path.join(models, '模'.repeat(83)));
  assert.ok(existsSync(path.dirname(long)));
  assert.ok(readdirSync(models).every((n) => Buffer.byteLength(n) <= 255));
});
