/**
 * Runs a learning job in a worker thread (`dist/trainWorker.js`) and owns its output folder: the
 * job fills a staging folder next to the destination, and only a job that finished and was not
 * cancelled is renamed into place. Shared by the language server and the CLI.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { MODELS_FOLDER } from '../../shared/conventions';
import { CancelledError } from '../../core/cancellation';
import { CodedError, type ModelErrorMessageId } from '../model/errorMessages';
import { ignoreWorkFolder } from './modelFolders';
import type { JobOutput, JobProgress, LearningJob } from './jobs';
import type { FromWorker, WorkerInput } from './worker';

/** How long a cancelled job may take to reach its next check before the worker is terminated. */
const CANCEL_GRACE_MS = 1500;
/** How often a deferred termination is retried while the job holds it off (`holdTermination`). */
const TERMINATE_RETRY_MS = 250;

/** The worker bundle: a sibling of the bundle that runs this code (dist/server.js, dist/cli.js). */
export function workerScript(): string {
  return process.env.SYNONYM_LENS_TRAIN_WORKER ?? path.join(__dirname, 'trainWorker.js');
}

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (event: JobProgress) => void;
}

/**
 * Runs `job` in a new worker. Resolves with its result; rejects with `CancelledError` when
 * `signal` aborts (the worker is told, then terminated after a grace period unless it holds
 * termination off) and with the job's error otherwise. Settles only after the worker has exited, so callers may clean up its files.
 */
export function runInWorker<J extends LearningJob>(job: J, options: RunOptions = {}): Promise<JobOutput<J>> {
  type R = JobOutput<J>;
  return new Promise<R>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new CancelledError());
      return;
    }
    // [0] cancelled, [1] regions that must not be terminated (see WorkerInput.cancel).
    const cancel = new SharedArrayBuffer(8);
    const flag = new Int32Array(cancel);
    const input: WorkerInput = { job, cancel };
    const worker = new Worker(workerScript(), { workerData: input });
    let outcome: { ok: true; value: R } | { ok: false; error: Error } | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      Atomics.store(flag, 0, 1);
      outcome = { ok: false, error: new CancelledError() };
      // A worker inside an onnxruntime call cannot be terminated (it would abort the process): wait
      // until it leaves the held region or, far more likely, stops at its own next check.
      const kill = () => {
        if (Atomics.load(flag, 1) > 0) killTimer = setTimeout(kill, TERMINATE_RETRY_MS);
        else void worker.terminate();
      };
      killTimer = setTimeout(kill, CANCEL_GRACE_MS);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'progress') {
        if (!options.signal?.aborted) options.onProgress?.(m.event);
      } else if (outcome === undefined) {
        if (m.type === 'result') outcome = { ok: true, value: m.result as R };
        else {
          const cancelled = m.name === 'CancelledError';
          const error: Error = cancelled ? new CancelledError() : Object.assign(new Error(m.message), m.code !== undefined ? { code: m.code } : {});
          if (m.stack && !cancelled) error.stack = m.stack;
          outcome = { ok: false, error };
        }
      }
    });
    worker.on('error', (e) => {
      outcome ??= { ok: false, error: e };
    });
    worker.on('exit', (code) => {
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      if (outcome?.ok) resolve(outcome.value);
      else reject(outcome?.error ?? new Error(`the training worker exited with code ${code}`));
    });
  });
}

/**
 * A staging folder for `dest`: `<hidden sibling>/model`, whose hidden parent is created now. Writers
 * may put their own temporary files next to the staging folder (the exporter does); removing the
 * hidden parent removes them all, even after a worker was terminated mid-write.
 */
export function stagingFor(dest: string): string {
  return withOutputErrors(dest, () => {
    mkdirSync(path.dirname(dest), { recursive: true });
    ignoreWorkFolder(path.dirname(dest));
    removeStaleStaging(path.dirname(dest));
    // The staging name adds ~25 bytes to the folder's: a long but legal name is shortened for it.
    const root = path.join(path.dirname(dest), `.${utf8Prefix(path.basename(dest), 180)}.partial-${process.pid}-${randomBytes(4).toString('hex')}`);
    mkdirSync(root);
    return path.join(root, 'model');
  });
}

/** File system error codes said in the user's terms when writing a model folder, by message id. */
const OUTPUT_ERRORS: Partial<Record<string, ModelErrorMessageId>> = {
  EROFS: 'outputReadOnly',
  ENOSPC: 'outputNoSpace',
  EDQUOT: 'outputNoSpace',
  ENAMETOOLONG: 'outputNameTooLong',
  EACCES: 'outputNoPermission',
  EPERM: 'outputNoPermission',
};

/**
 * An error writing the model folder `dest` (its staging folder, a file in it, the final rename) in
 * the user's terms, naming their folder and not the hidden staging one: `OutputFolderError` for the
 * codes of `OUTPUT_ERRORS`, the error itself otherwise.
 */
export function outputFolderError(error: unknown, dest: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const id = typeof code === 'string' ? OUTPUT_ERRORS[code] : undefined;
  if (id === undefined) return error;
  const name = path.basename(dest);
  const parent = path.dirname(dest);
  return new OutputFolderError(code!, id, id === 'outputNameTooLong' ? [name, Buffer.byteLength(name)] : [name, parent]);
}

/** Writing a model folder failed for a reason the user can act on (`code`: the errno name). */
export class OutputFolderError extends CodedError<string> {
  constructor(code: string, messageId: ModelErrorMessageId, args: (string | number)[]) {
    super(code, messageId, ...args);
    this.name = 'OutputFolderError';
  }
}

function withOutputErrors<T>(dest: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw outputFolderError(e, dest);
  }
}

/** A staging folder's name: `.<name>.partial-<pid>-<8 hex>`. */
const STAGING = /^\..*\.partial-(\d+)-[0-9a-f]{8}$/s;

/**
 * Removes staging folders in `dir` left by processes that no longer run (a job killed with
 * SIGKILL, a crash): their pid is in the name. A running process's folders are left alone.
 */
export function removeStaleStaging(dir: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = STAGING.exec(name);
    if (!m || isRunning(Number(m[1]))) continue;
    rmSync(path.join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The longest prefix of `s` of at most `maxBytes` UTF-8 bytes (whole code points). */
function utf8Prefix(s: string, maxBytes: number): string {
  let bytes = 0;
  let out = '';
  for (const ch of s) {
    bytes += Buffer.byteLength(ch);
    if (bytes > maxBytes) break;
    out += ch;
  }
  return out;
}

/**
 * Runs a job that writes `job.stagingDir` (from `stagingFor(dest)`), then renames it to `dest`. On
 * failure or cancellation the staging files are removed and `dest` is never created; an existing
 * `dest` is never replaced.
 */
export async function runToFolder<J extends LearningJob & { stagingDir: string }>(job: J, dest: string, options: RunOptions = {}): Promise<JobOutput<J>> {
  try {
    if (existsSync(dest)) throw new Error(`Output folder already exists: ${dest}; models are never overwritten.`);
    const result = await runInWorker(job, options);
    if (options.signal?.aborted) throw new CancelledError();
    if (existsSync(dest)) throw new Error(`Output folder already exists: ${dest}; models are never overwritten.`);
    renameSync(job.stagingDir, dest);
    return result;
  } catch (e) {
    throw outputFolderError(e, dest);
  } finally {
    rmSync(path.dirname(job.stagingDir), { recursive: true, force: true });
  }
}

/** `<dictionary dir>/.synonym-lens/models/<name>[-<suffix>]-<yyyymmdd-hhmmss>`, made unique. */
export function defaultModelDir(dictionaryPath: string, suffix?: string, now = new Date()): string {
  const name = path.basename(dictionaryPath).replace(/(\.synonyms)?\.(csv|tsv|txt)$/i, '') || 'model';
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  const base = path.join(path.dirname(dictionaryPath), ...MODELS_FOLDER, `${name}${suffix ? `-${suffix}` : ''}-${stamp}`);
  let dir = base;
  for (let i = 2; existsSync(dir); i++) dir = `${base}-${i}`;
  return dir;
}
