/**
 * The one file that imports onnxruntime-node (STYLE.md convention 5: one adapter per foreign
 * runtime). Everything else passes and receives plain typed arrays.
 */
import * as ort from 'onnxruntime-node';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalizableError } from './errorMessages';

/** Input tensor: a typed array and its shape; the element type follows from the array class. */
export interface InputTensor {
  readonly data: Float32Array | BigInt64Array | Int32Array | Uint8Array;
  readonly dims: readonly number[];
}

/** Output tensor converted to float32. */
export interface OutputTensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** Execution providers we let users choose (settings); `auto` takes CUDA when its binaries are installed. */
export type { ExecutionProvider as ExecutionProviderChoice } from '../../shared/settings';
import type { ExecutionProvider as ExecutionProviderChoice } from '../../shared/settings';

export interface OnnxSessionOptions {
  /** Intra-op threads; default: the physical core count (onnxruntime's own default uses one here). */
  readonly threads?: number;
  /**
   * Execution provider; default `$SYNONYM_LENS_EXECUTION_PROVIDER`, else `cpu`. `cuda` needs
   * onnxruntime-node's CUDA binaries (installed when `onnxruntime-node-install` is not `skip`).
   */
  readonly executionProvider?: ExecutionProviderChoice;
}

/** The execution providers this onnxruntime-node build can use here (CPU always). */
export function availableExecutionProviders(): string[] {
  const backends = ort.listSupportedBackends?.() ?? [{ name: 'cpu', bundled: true }];
  // `bundled: false` providers (CUDA, TensorRT) exist only once their binaries were installed.
  return backends.filter((b) => b.bundled || existsSync(path.join(ortBinaryDir(), `libonnxruntime_providers_${b.name}.so`))).map((b) => b.name);
}

function ortBinaryDir(): string {
  return path.join(path.dirname(require.resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', process.platform, process.arch);
}

/** Resolves a provider choice to onnxruntime's list, with a precise error for an unavailable one. */
export function resolveExecutionProviders(choice: string | undefined): string[] {
  const c = (choice ?? process.env.SYNONYM_LENS_EXECUTION_PROVIDER ?? 'cpu').trim().toLowerCase();
  const available = availableExecutionProviders();
  if (c === 'cpu' || c === '') return ['cpu'];
  if (c === 'auto') return available.includes('cuda') ? ['cuda', 'cpu'] : ['cpu'];
  if (c === 'cuda') {
    if (!available.includes('cuda')) {
      throw new LocalizableError('cudaNotInstalled', [available.join(', ')]);
    }
    return ['cuda', 'cpu'];
  }
  throw new LocalizableError('unknownExecutionProvider', [c]);
}

/** IEEE 754 half-precision bits → float32, for models whose outputs are float16. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * Physical cores (not hyper-threads): unique (physical id, core id) pairs of /proc/cpuinfo on
 * Linux, else `os.availableParallelism()`. Kept ≤ the parallelism the process may use.
 */
export function physicalCoreCount(): number {
  const logical = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const cores = new Set<string>();
    let physical = '0';
    for (const line of info.split('\n')) {
      const m = /^(physical id|core id)\s*:\s*(\d+)/.exec(line);
      if (!m) continue;
      if (m[1] === 'physical id') physical = m[2]!;
      else cores.add(`${physical}:${m[2]}`);
    }
    if (cores.size > 0) return Math.max(1, Math.min(cores.size, logical));
  } catch {
    // Not Linux, or /proc unavailable: fall through.
  }
  return Math.max(1, logical);
}

function toTensor(t: InputTensor): ort.Tensor {
  const dims = [...t.dims];
  if (t.data instanceof BigInt64Array) return new ort.Tensor('int64', t.data, dims);
  if (t.data instanceof Float32Array) return new ort.Tensor('float32', t.data, dims);
  if (t.data instanceof Int32Array) return new ort.Tensor('int32', t.data, dims);
  return new ort.Tensor('bool', t.data, dims);
}

/** An onnxruntime inference session behind typed arrays. */
export class OnnxSession {
  private released = false;

  private constructor(
    private readonly session: ort.InferenceSession,
    /** Intra-op threads the session was created with. */
    readonly threads: number,
  ) {}

  /**
   * Creates a session from a file path or the model bytes (CPU execution provider unless chosen
   * otherwise, all graph optimisations). Errors are onnxruntime's own; callers add context (see `load.ts`).
   */
  static async create(model: string | Uint8Array, options: OnnxSessionOptions = {}): Promise<OnnxSession> {
    const threads = Math.max(1, Math.floor(options.threads ?? physicalCoreCount()));
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      executionProviders: resolveExecutionProviders(options.executionProvider),
      graphOptimizationLevel: 'all',
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
    };
    const session =
      typeof model === 'string'
        ? await ort.InferenceSession.create(model, sessionOptions)
        : await ort.InferenceSession.create(model, sessionOptions);
    return new OnnxSession(session, threads);
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  /**
   * Runs the graph; returns the requested outputs (default: all) as float32 arrays. An output named
   * in `into` (float32, its shape known beforehand) is written by onnxruntime into that array instead
   * of a new one, and returned as it.
   */
  async run(
    feeds: Readonly<Record<string, InputTensor>>,
    outputs: readonly string[] = this.outputNames,
    into?: Readonly<Record<string, OutputTensor>>,
  ): Promise<Record<string, OutputTensor>> {
    if (this.released) throw new Error('the ONNX session was disposed');
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = toTensor(t);
    const fetches: Record<string, ort.Tensor | null> = {};
    for (const name of outputs) fetches[name] = into?.[name] ? new ort.Tensor('float32', into[name].data, [...into[name].dims]) : null;
    const results = await this.session.run(ortFeeds, fetches);
    const out: Record<string, OutputTensor> = {};
    for (const name of outputs) {
      const r = results[name];
      if (!r) throw new Error(`the model produced no output "${name}"`);
      const given = into?.[name];
      if (given) {
        // onnxruntime-node wrote the values into `given` and hands back a copy besides: keep ours.
        out[name] = { data: given.data, dims: [...r.dims] };
        continue;
      }
      const data = r.data;
      let f32: Float32Array;
      if (data instanceof Float32Array) f32 = data;
      // float16 arrives as raw half-precision bits where the runtime has no Float16Array (Node 20).
      else if (r.type === 'float16' && data instanceof Uint16Array) f32 = Float32Array.from(data, halfToFloat);
      else if (data instanceof BigInt64Array || data instanceof BigUint64Array) f32 = Float32Array.from(data, (x) => Number(x));
      else if (ArrayBuffer.isView(data)) f32 = Float32Array.from(data as unknown as ArrayLike<number>);
      else throw new Error(`output "${name}" has non-numeric type ${r.type}`);
      out[name] = { data: f32, dims: [...r.dims] };
    }
    return out;
  }

  /** Frees the native session; idempotent. */
  async dispose(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.session.release();
  }
}
