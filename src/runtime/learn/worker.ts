/**
 * Entry point of the training worker (`dist/trainWorker.js`, a worker_threads Worker). Runs one
 * learning job from `workerData`, so the server's main thread keeps answering hovers and
 * diagnostics. The training loops are synchronous; a transformer fine-tune also awaits its engine
 * (loaded here, in the worker) while embedding. Cancellation arrives through a shared Int32Array (a
 * message could not be read while a loop runs); progress and the result go back as messages (see
 * `runner.ts`). The worker exits by itself once the job has settled and its engine is disposed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { JobProgress, LearningJob } from './jobs';
import { runJob } from './pipeline';

export type FromWorker =
  | { type: 'progress'; event: JobProgress }
  | { type: 'result'; result: unknown }
  | { type: 'error'; message: string; name: string; stack?: string; code?: string };

export interface WorkerInput {
  job: LearningJob;
  /**
   * Int32Array view of two elements: [0] set to 1 means cancelled; [1] counts the job's regions that
   * must not be terminated (onnxruntime calls in flight, `JobContext.holdTermination`).
   */
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
async function main(): Promise<void> {
  try {
    const result = await runJob(input.job, {
      token,
      holdTermination: async (fn) => {
        Atomics.add(flag, 1, 1);
        try {
          return await fn();
        } finally {
          Atomics.sub(flag, 1, 1);
        }
      },
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
    // A file system error keeps its code (ENOSPC, EROFS…), so the runner can say it in the user's terms.
    const code = (err as NodeJS.ErrnoException).code;
    post({ type: 'error', message: err.message, name: err.name, stack: err.stack, ...(typeof code === 'string' ? { code } : {}) });
  }
}

void main();
