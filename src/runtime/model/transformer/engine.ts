/**
 * The transformer engine: any Hugging Face ONNX encoder folder (BERT-, XLM-R-family …) through
 * the onnxruntime adapter.
 *
 * Speed comes from what the recipe measured on this hardware (shared/recipes/onnxruntime-performance.md):
 * intra-op threads = physical cores (onnxruntime's default uses one here); texts sorted by token
 * length and cut into batches padded only to their own longest text (+1 % padding instead of
 * +38–52 %); input buffers allocated once and reused; one `session.run` at a time, so concurrent
 * requests interleave batch by batch instead of oversubscribing the cores.
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CancelledError, type CancellationFlag, type EmbeddingEngine, type TextAnalysis } from '../engine';
import { OnnxSession, type ExecutionProviderChoice, type InputTensor } from '../onnxAdapter';
import { LocalizableError } from '../errorMessages';
import { ModelLoadError } from './errors';
import { resolveModelFolder, type ResolvedModel, type Variant } from './layout';
import { createFirstTokenSession } from './firstTokenSession';
import { poolOne } from './pooling';
import type { Pooling } from './presets';
import { TermTokenizer, type EncodedText } from './tokenizer';

export interface TransformerEngineOptions {
  /** Intra-op threads; default the physical core count. */
  readonly threads?: number;
  /** Execution provider (onnxAdapter.ts); default `$SYNONYM_LENS_EXECUTION_PROVIDER`, else `cpu`. */
  readonly executionProvider?: ExecutionProviderChoice;
  /** Which ONNX file: fp32 `model.onnx`, `model_quantized.onnx`, `model_fp16.onnx`; default the best present. */
  readonly variant?: Variant;
  /** Pooling; default: the graph's `sentence_embedding` output, else 1_Pooling, else the preset, else mean. */
  readonly pooling?: Exclude<Pooling, 'model'>;
  /** Text prepended to every term; default the preset's (e5: `query: `), else none. */
  readonly prefix?: string;
  /** Maximum tokens per text including specials; default min(declared, preset), else 512. */
  readonly maxLength?: number;
  /** Most texts per `session.run` (default 32: the recipe's best on 2 cores). */
  readonly batchSize?: number;
  /** Most padded tokens per `session.run` (default 8192), bounding memory for long texts. */
  readonly maxBatchTokens?: number;
  /** Memory the weights may take, in bytes (default: free memory now). Larger models are refused. */
  readonly memoryBudgetBytes?: number;
  /** Id shown to users; default the repository id or folder name (+ `:quantized` / `:fp16`). */
  readonly id?: string;
  /**
   * For CLS pooling, run a rewritten graph whose last layer computes only the first token
   * (firstTokenSession.ts; checked against the original at load). Default true.
   */
  readonly firstTokenOnly?: boolean;
  /** Least share of matrix products the rewrite must cut to be used (default `MIN_SHARE`, 0.1). */
  readonly firstTokenMinShare?: number;
}

/** What was chosen for a model, for `model info` and the status line. */
export interface TransformerModelInfo {
  readonly dir: string;
  readonly repoId?: string;
  readonly onnxPath: string;
  readonly variant: Variant | 'other';
  readonly externalData: readonly string[];
  readonly weightBytes: number;
  readonly inputs: readonly string[];
  readonly output: string;
  readonly pooling: Pooling;
  readonly prefix: string;
  readonly maxLength: number;
  readonly vocabSize: number;
  readonly dimension: number;
  readonly threads: number;
  /** Whether the first-token-only graph is in use, and why (not). */
  readonly firstTokenOnly: { readonly applied: boolean; readonly detail: string };
}

const KNOWN_INPUTS = new Set(['input_ids', 'attention_mask', 'token_type_ids']);
const TOKEN_OUTPUTS = ['last_hidden_state', 'token_embeddings', 'hidden_states'];

async function hashFiles(files: readonly string[], extra: string): Promise<string> {
  const h = createHash('sha256');
  for (const f of files) {
    h.update(path.basename(f)).update('\u0000');
    for await (const chunk of createReadStream(f, { highWaterMark: 1 << 22 })) h.update(chunk as Buffer);
  }
  return h.update(extra).digest('hex');
}

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
}

/** Reusable int64 (or int32) input buffers, grown on demand. */
class InputBuffers {
  private ids = new BigInt64Array(0);
  private mask = new BigInt64Array(0);
  private types = new BigInt64Array(0);

  fill(batch: readonly EncodedText[], seq: number, padId: number): { ids: BigInt64Array; mask: BigInt64Array; types: BigInt64Array } {
    const n = batch.length * seq;
    if (this.ids.length < n) {
      this.ids = new BigInt64Array(n);
      this.mask = new BigInt64Array(n);
      this.types = new BigInt64Array(n);
    }
    const ids = this.ids.subarray(0, n);
    const mask = this.mask.subarray(0, n);
    const types = this.types.subarray(0, n);
    ids.fill(BigInt(padId));
    mask.fill(0n);
    types.fill(0n);
    batch.forEach((e, b) => {
      const row = b * seq;
      for (let t = 0; t < e.ids.length; t++) {
        ids[row + t] = BigInt(e.ids[t]!);
        mask[row + t] = 1n;
        types[row + t] = BigInt(e.typeIds[t]!);
      }
    });
    return { ids, mask, types };
  }
}

/**
 * `batch` texts for probing a graph: text b has max(1, seq − b) tokens (so padding and the mask
 * are exercised), ids spread deterministically over the tokenizer's range, never the padding id.
 */
function probeTexts(batch: number, seq: number, tokenizer: TermTokenizer): EncodedText[] {
  return Array.from({ length: batch }, (_, b) => {
    const ids = Array.from({ length: Math.max(1, seq - b) }, (_, t) => {
      const id = (b * 7919 + t * 104729 + 17) % (tokenizer.maxId + 1);
      return id === tokenizer.padId ? (id + 1) % (tokenizer.maxId + 1) : id;
    });
    return { ids, typeIds: ids.map(() => 0), units: ids.length, unknownUnits: 0, truncated: false };
  });
}

/** The input side of a model folder: its maximum length, the prefix put before every term, and its tokenizer. */
export function transformerInput(model: ResolvedModel, options: Pick<TransformerEngineOptions, 'maxLength' | 'prefix'> = {}): { maxLength: number; prefix: string; tokenizer: TermTokenizer } {
  const preset = model.preset;
  const maxLength = Math.max(4, Math.floor(options.maxLength ?? Math.min(model.declaredMaxLength ?? 512, preset?.maxLength ?? Infinity)));
  // A fine-tuned export's recorded prefix wins over a preset (layout.ts `exportedPrefix`).
  const prefix = options.prefix ?? model.exportedPrefix ?? preset?.prefix ?? '';
  return { maxLength, prefix, tokenizer: TermTokenizer.fromJson(model.tokenizerJson, model.tokenizerConfig, model.config, maxLength) };
}

/** What a transformer model makes of a text (`EmbeddingEngine.analyze`): its tokens, without running the model. */
export function analyzeTransformerText(tokenizer: TermTokenizer, prefix: string, text: string): TextAnalysis {
  const bare = tokenizer.encode(text);
  const full = prefix ? tokenizer.encode(prefix + text) : bare;
  return { units: bare.units, unknownUnits: bare.unknownUnits, unknownOnly: bare.units === bare.unknownUnits, truncated: full.truncated };
}

export class TransformerEngine implements EmbeddingEngine {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly buffers = new InputBuffers();
  private disposed = false;

  private constructor(
    readonly id: string,
    readonly fingerprint: string,
    readonly dimension: number,
    readonly info: TransformerModelInfo,
    private readonly session: OnnxSession,
    private readonly tokenizer: TermTokenizer,
    private readonly int32Inputs: boolean,
    private readonly batchSize: number,
    private readonly maxBatchTokens: number,
  ) {}

  get maxInputLength(): number {
    return this.info.maxLength;
  }

  /** Opens a model folder; throws `ModelLoadError` with one precise message on any problem. */
  static async load(folder: string, options: TransformerEngineOptions = {}): Promise<TransformerEngine> {
    const model = resolveModelFolder(folder, options.variant);
    return TransformerEngine.fromResolved(model, options);
  }

  static async fromResolved(model: ResolvedModel, options: TransformerEngineOptions = {}): Promise<TransformerEngine> {
    const files = [model.onnxPath, ...model.externalData];
    const weightBytes = files.reduce((s, f) => s + statSync(f).size, 0);
    if (weightBytes === 0) throw new ModelLoadError('not-onnx', 'onnxEmpty', model.onnxPath);
    // onnxruntime holds the weights once plus optimised copies of some; 1.2× is a conservative floor.
    const budget = options.memoryBudgetBytes ?? os.freemem();
    if (weightBytes * 1.2 > budget)
      throw new ModelLoadError('too-large', model.externalData.length ? 'tooLargeWithExternalData' : 'tooLarge', gib(weightBytes), path.basename(model.onnxPath), gib(weightBytes * 1.2), gib(budget));

    const preset = model.preset;
    const { maxLength, prefix, tokenizer } = transformerInput(model, options);

    let session: OnnxSession;
    try {
      session = await OnnxSession.create(model.onnxPath, { threads: options.threads, executionProvider: options.executionProvider });
    } catch (err) {
      // Our own (the execution provider choice) are precise already.
      if (err instanceof LocalizableError) throw err;
      const detail = (err as Error).message;
      if (/external|_data|\.data|No such file|open file/i.test(detail) && /data/i.test(detail))
        throw new ModelLoadError('missing-file', 'externalDataUnreadable', model.onnxPath, detail);
      throw new ModelLoadError('not-onnx', 'onnxNotLoadable', model.onnxPath, detail);
    }
    try {
      const inputs = session.inputNames;
      const unknownInputs = inputs.filter((n) => !KNOWN_INPUTS.has(n));
      if (!inputs.includes('input_ids') || unknownInputs.length)
        throw unknownInputs.length
          ? new ModelLoadError('unknown-io', 'notEncoderInputsCannotFeed', inputs.join(', '), unknownInputs.join(', '))
          : new ModelLoadError('unknown-io', 'notEncoderInputs', inputs.join(', '));
      const outputs = session.outputNames;
      let pooling: Pooling;
      let output: string | undefined;
      if (options.pooling === undefined && outputs.includes('sentence_embedding')) {
        pooling = 'model';
        output = 'sentence_embedding';
      } else {
        pooling = options.pooling ?? model.declaredPooling ?? preset?.pooling ?? 'mean';
        output = TOKEN_OUTPUTS.find((n) => outputs.includes(n));
      }
      if (!output)
        throw new ModelLoadError('unknown-io', 'noPoolableOutput', outputs.join(', '));

      // Probe: the tokenizer's largest id must index the embedding table, and the output tells the dimension.
      const probe = tokenizer.encode('');
      const ids = [...probe.ids];
      ids.splice(ids.length - (tokenizer.specialCount > 1 ? 1 : 0), 0, tokenizer.maxId);
      const probeText: EncodedText = { ids, typeIds: ids.map(() => 0), units: 1, unknownUnits: 0, truncated: false };
      const run = async (int32: boolean) => {
        const feeds = TransformerEngine.feeds(new InputBuffers(), [probeText], ids.length, tokenizer.padId, inputs, int32);
        return session.run(feeds, [output!]);
      };
      let int32 = false;
      let result;
      try {
        result = await run(false);
      } catch (err) {
        const msg = (err as Error).message;
        if (/int32/i.test(msg) && /expected/i.test(msg)) {
          int32 = true;
          result = await run(true).catch((e: Error) => {
            throw TransformerEngine.probeError(e, tokenizer, model);
          });
        } else throw TransformerEngine.probeError(err as Error, tokenizer, model);
      }
      const dims = result[output]!.dims;
      if ((pooling === 'model' && dims.length !== 2) || (pooling !== 'model' && dims.length !== 3))
        throw new ModelLoadError('unknown-io', 'outputShape', output, dims.join(', '), pooling === 'model' ? '[batch, hidden]' : '[batch, sequence, hidden]');
      const dimension = dims[dims.length - 1]!;

      // CLS pooling by the engine, or inside the graph (`sentence_embedding` of a fine-tuned export
      // or a sentence-transformers export with CLS pooling: recognised by the graph itself).
      const candidate = pooling === 'cls' || pooling === 'model';
      let firstTokenOnly: TransformerModelInfo['firstTokenOnly'] = { applied: false, detail: `not used with ${pooling} pooling` };
      if (candidate && options.firstTokenOnly === false) firstTokenOnly = { applied: false, detail: 'turned off' };
      else if (candidate && weightBytes * 2.2 > budget) firstTokenOnly = { applied: false, detail: 'not enough free memory to check the rewrite' };
      else if (candidate) {
        const probeFeeds = (batch: number, seq: number) => TransformerEngine.feeds(new InputBuffers(), probeTexts(batch, seq, tokenizer), seq, tokenizer.padId, inputs, int32);
        const original = session;
        const rewritten = await createFirstTokenSession({
          onnxPath: model.onnxPath,
          output,
          outputKind: pooling === 'model' ? 'pooled' : 'tokens',
          feeds: probeFeeds,
          maxSeq: maxLength,
          session: { threads: options.threads, executionProvider: options.executionProvider },
          beforeProbe: () => original.dispose(),
          minShare: options.firstTokenMinShare,
        });
        if (rewritten.ok) {
          session = rewritten.session;
          firstTokenOnly = { applied: true, detail: rewritten.detail };
        } else {
          if (rewritten.probed) session = await OnnxSession.create(model.onnxPath, { threads: options.threads, executionProvider: options.executionProvider });
          firstTokenOnly = { applied: false, detail: rewritten.reason };
        }
      }

      const fingerprint = await hashFiles(files, JSON.stringify({ tokenizer: model.tokenizerJson, pooling, prefix, maxLength }));
      const variantSuffix = model.variant === 'fp32' || model.variant === 'other' ? '' : `:${model.variant}`;
      const id = options.id ?? `${model.repoId ?? path.basename(model.dir)}${variantSuffix}`;
      const info: TransformerModelInfo = {
        dir: model.dir,
        repoId: model.repoId,
        onnxPath: model.onnxPath,
        variant: model.variant,
        externalData: model.externalData,
        weightBytes,
        inputs,
        output,
        pooling,
        prefix,
        maxLength,
        vocabSize: tokenizer.vocabSize,
        dimension,
        threads: session.threads,
        firstTokenOnly,
      };
      return new TransformerEngine(id, fingerprint, dimension, info, session, tokenizer, int32, Math.max(1, options.batchSize ?? 32), Math.max(maxLength, options.maxBatchTokens ?? 8192));
    } catch (err) {
      await session.dispose();
      throw err;
    }
  }

  private static probeError(err: Error, tokenizer: TermTokenizer, model: ResolvedModel): Error {
    const msg = err.message;
    if (/out of (data )?bounds|indices element|index .* out of range|must be within/i.test(msg)) {
      const declared = model.config.vocab_size;
      return typeof declared === 'number'
        ? new ModelLoadError('vocab-mismatch', 'vocabMismatchDeclared', tokenizer.maxId, declared, msg)
        : new ModelLoadError('vocab-mismatch', 'vocabMismatch', tokenizer.maxId, msg);
    }
    return new ModelLoadError('unknown-io', 'probeFailed', msg);
  }

  private static feeds(buffers: InputBuffers, batch: readonly EncodedText[], seq: number, padId: number, inputs: readonly string[], int32: boolean): Record<string, InputTensor> {
    const { ids, mask, types } = buffers.fill(batch, seq, padId);
    const dims = [batch.length, seq];
    const conv = (a: BigInt64Array) => (int32 ? Int32Array.from(a, (x) => Number(x)) : a);
    const feeds: Record<string, InputTensor> = { input_ids: { data: conv(ids), dims } };
    if (inputs.includes('attention_mask')) feeds.attention_mask = { data: conv(mask), dims };
    if (inputs.includes('token_type_ids')) feeds.token_type_ids = { data: conv(types), dims };
    return feeds;
  }

  analyze(text: string): TextAnalysis {
    return analyzeTransformerText(this.tokenizer, this.info.prefix, text);
  }

  /** Token strings of a text without specials (for `model info` and diagnostics). */
  tokenize(text: string): string[] {
    return this.tokenizer.tokenize(this.info.prefix + text);
  }

  async embed(texts: readonly string[], token?: CancellationFlag): Promise<Float32Array[]> {
    if (this.disposed) throw new Error('the engine was disposed');
    const encoded = texts.map((t) => this.tokenizer.encode(this.info.prefix + t));
    // Length-sorted (stable) so each batch is padded only to its own longest text.
    const order = encoded.map((_, i) => i).sort((a, b) => encoded[a]!.ids.length - encoded[b]!.ids.length || a - b);
    const result = new Array<Float32Array>(texts.length);
    for (let start = 0; start < order.length; ) {
      if (token?.isCancellationRequested) throw new CancelledError();
      // Sorted ascending, so the last text of a batch is its longest.
      let end = start;
      while (end < order.length && end - start < this.batchSize && (end - start + 1) * encoded[order[end]!]!.ids.length <= this.maxBatchTokens) end++;
      if (end === start) end = start + 1;
      const idx = order.slice(start, end);
      const batch = idx.map((i) => encoded[i]!);
      const vectors = await this.runExclusive(() => this.runBatch(batch));
      idx.forEach((i, k) => (result[i] = vectors[k]!));
      start = end;
    }
    if (token?.isCancellationRequested) throw new CancelledError();
    return result;
  }

  private runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runBatch(batch: readonly EncodedText[]): Promise<Float32Array[]> {
    if (this.disposed) throw new Error('the engine was disposed');
    const seq = batch[batch.length - 1]!.ids.length;
    const feeds = TransformerEngine.feeds(this.buffers, batch, seq, this.tokenizer.padId, this.info.inputs, this.int32Inputs);
    const out = (await this.session.run(feeds, [this.info.output]))[this.info.output]!;
    const outSeq = this.info.pooling === 'model' ? 1 : out.dims[1]!;
    return batch.map((e, b) => poolOne(out.data, b, outSeq, this.dimension, e.ids.length, this.info.pooling));
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.queue.catch(() => undefined);
    await this.session.dispose();
  }
}

/** Loads a transformer model folder (see `TransformerEngine.load`). */
export function loadTransformerEngine(folder: string, options: TransformerEngineOptions = {}): Promise<TransformerEngine> {
  return TransformerEngine.load(folder, options);
}
