/**
 * Entry point of the training worker (`dist/trainWorker.js`, a worker_threads Worker). Runs one
 * learning job from `workerData` synchronously, so the server's main thread keeps answering hovers
 * and diagnostics. Cancellation arrives through a shared Int32Array (a message could not be read
 * while the loop runs); progress and the result go back as messages (see `runner.ts`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runJob, type JobProgress, type LearningJob } from './pipeline';

export type FromWorker =
  | { type: 'progress'; event: JobProgress }
  | { type: 'result'; result: unknown }
  | { type: 'error'; message: string; name: string; stack?: string };

export interface WorkerInput {
  job: LearningJob;
  /** Int32Array view: element 0 set to 1 means cancelled. */
  cancel: SharedArrayBuffer;
}

const input = workerData as WorkerInput;
const flag = new Int32Array(input.cancel);
const post = (m: FromWorker) => parentPort!.postMessage(m);
const token = {
  get isCancellationRequested() {
    return Atomics.load(flag, 0) !== 0;
  },
};

// Step events are many (one per batch); send at most one every 100 ms, but always the others.
let lastStep = 0;
try {
  const result = runJob(input.job, {
    token,
    onProgress: (event) => {
      if (event.type === 'step') {
        const now = Date.now();
        if (now - lastStep < 100 && event.step !== event.totalSteps) return;
        lastStep = now;
      }
      post({ type: 'progress', event });
    },
  });
  post({ type: 'result', result });
} catch (e) {
  const err = e instanceof Error ? e : new Error(String(e));
  post({ type: 'error', message: err.message, name: err.name, stack: err.stack });
}
