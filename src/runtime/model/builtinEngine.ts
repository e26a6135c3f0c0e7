/**
 * The built-in char-n-gram engine: featurise in core, run the ONNX graph through the adapter.
 * Texts are sorted by feature count and cut into batches padded only to their own longest text
 * (padding is the main cost lever: docs/performance.md).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { featurize, type CharNgramModelConfig, type Featurized } from '../../core/builtin/featurizer';
import { BUILTIN_IO } from '../../core/builtin/model';
import { lexiconLookup, type LexiconVocabulary } from '../../core/builtin/lexicon';
import { embeddingDimension, LEXICON_IO } from '../../core/builtin/modelV2';
import { CancelledError, type CancellationFlag, type EmbeddingEngine, type FlatEmbedding, type TextAnalysis } from './engine';
import { OnnxSession } from './onnxAdapter';
import { LocalizableError } from './errorMessages';

export interface BuiltinEngineOptions {
  /** Id shown to users, e.g. `builtin:char-ngram-v1`. */
  readonly id: string;
  readonly config: CharNgramModelConfig;
  /**
   * The graph: its bytes, or the path of `model.onnx`. From a path onnxruntime maps the file itself
   * and the fingerprint is hashed from a stream meanwhile, so the bytes are never held whole: a
   * 37 MB v2 graph opens in tens of milliseconds that way, against hundreds from a buffer
   * (docs/performance.md). The fingerprint is the same either way; a caller that starts
   * `builtinFileFingerprint` itself (before indexing the lexicon) passes its promise.
   */
  readonly model: { readonly bytes: Uint8Array } | { readonly path: string; readonly fingerprint?: Promise<string> };
  /** Intra-op threads; default `BUILTIN_DEFAULT_THREADS`. */
  readonly threads?: number;
  /** Most texts per `session.run` (default 256). */
  readonly maxBatchTexts?: number;
  /** Most padded features per `session.run`, batch × n (default 16384 ≈ 8 MiB of gathered rows at dim 128). */
  readonly maxBatchFeatures?: number;
  /** The lexicon's word list (`lexicon.txt`) when the config has a lexicon half (char-ngram-v2). */
  readonly lexicon?: LexiconVocabulary;
}

/**
 * Intra-op threads of the built-in graph unless the caller sets them (`synonymLens.threads`). Its
 * MatMuls and gathers are tiny (a few hundred rows of 128 floats), so a second thread costs more in
 * spinning and hand-offs than it computes: `check` on 200k rows was measured 1.7× slower with 2 threads
 * than with 1 on a 2-core host (34.2 against 19.6 s, load 7; docs/performance.md).
 */
export const BUILTIN_DEFAULT_THREADS = 1;

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** sha256 over the model bytes and the canonical config JSON: keys the vector cache. */
export function builtinFingerprint(modelBytes: Uint8Array, config: CharNgramModelConfig): string {
  return createHash('sha256').update(modelBytes).update('\u0000').update(JSON.stringify(config)).digest('hex');
}

/**
 * `builtinFingerprint` of the file at `modelPath`, read as a stream (the reads overlap whatever the
 * main thread does meanwhile: indexing the lexicon, building the session). WebCrypto's digest on the
 * thread pool was measured slower than this for a 37 MB file.
 */
export async function builtinFileFingerprint(modelPath: string, config: CharNgramModelConfig): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(modelPath, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.update('\u0000').update(JSON.stringify(config)).digest('hex');
}

/** onnxruntime refused the model bytes (not ONNX, corrupt, unsupported opset…). */
export class OnnxLoadError extends Error {
  constructor(readonly detail: string) {
    super(`onnxruntime could not load the model: ${detail}`);
    this.name = 'OnnxLoadError';
  }
}

function featurizeAll(texts: readonly string[], config: CharNgramModelConfig): Featurized[] {
  return texts.map((t) => featurize(t, config));
}

function analysisOf(f: Featurized): TextAnalysis {
  return { units: f.ids.length, unknownUnits: 0, unknownOnly: f.ids.length === 0, truncated: f.truncated };
}

export class BuiltinEngine implements EmbeddingEngine {
  readonly dimension: number;
  readonly maxInputLength: number;
  private readonly maxBatchTexts: number;
  private readonly maxBatchFeatures: number;
  /** Serialises `session.run` calls so concurrent requests interleave batch by batch. */
  private runQueue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private lexicon: LexiconVocabulary | undefined;

  private constructor(
    readonly id: string,
    readonly fingerprint: string,
    readonly config: CharNgramModelConfig,
    private readonly session: OnnxSession,
    options: BuiltinEngineOptions,
  ) {
    this.dimension = embeddingDimension(config);
    this.maxInputLength = config.maxFeatures;
    this.maxBatchTexts = Math.max(1, options.maxBatchTexts ?? 256);
    this.maxBatchFeatures = Math.max(config.maxFeatures, options.maxBatchFeatures ?? 16384);
  }

  /** Creates the session and checks the graph has the expected inputs and output. */
  static async create(options: BuiltinEngineOptions): Promise<BuiltinEngine> {
    const model = options.model;
    // Started before the session so the file is read while onnxruntime builds it.
    const hashing = 'path' in model ? (model.fingerprint ?? builtinFileFingerprint(model.path, options.config)) : undefined;
    hashing?.catch(() => undefined); // awaited below; not an unhandled rejection if the session fails first
    let session: OnnxSession;
    try {
      session = await OnnxSession.create('path' in model ? model.path : model.bytes, { threads: options.threads ?? BUILTIN_DEFAULT_THREADS });
    } catch (err) {
      throw new OnnxLoadError(String((err as Error)?.message ?? err).trim());
    }
    if (options.config.lexicon && !options.lexicon) throw new Error('the model has a lexicon half but no lexicon.txt was read');
    const want = [BUILTIN_IO.ids, BUILTIN_IO.weights, ...(options.config.lexicon ? [LEXICON_IO.ids, LEXICON_IO.weights] : [])];
    if (!want.every((n) => session.inputNames.includes(n)) || !session.outputNames.includes(BUILTIN_IO.embedding)) {
      const found = [session.inputNames.join(', '), session.outputNames.join(', ')];
      await session.dispose();
      throw new LocalizableError('notCharNgramGraph', found);
    }
    let fingerprint: string;
    try {
      fingerprint = hashing ? await hashing : builtinFingerprint((model as { bytes: Uint8Array }).bytes, options.config);
    } catch (err) {
      await session.dispose();
      throw err;
    }
    const engine = new BuiltinEngine(options.id, fingerprint, options.config, session, options);
    engine.lexicon = options.lexicon;
    // Probe once so a table/config mismatch fails at load time, not on first use.
    let probe: Float32Array[];
    try {
      probe = await engine.embed(['a']);
    } catch (err) {
      await engine.dispose();
      throw new LocalizableError('charNgramProbeFailed', [(err as Error).message]);
    }
    if (probe[0]!.length !== engine.dimension || probe[0]!.some((x) => !Number.isFinite(x))) {
      await engine.dispose();
      throw new LocalizableError('charNgramDimension', [engine.dimension]);
    }
    return engine;
  }

  /** Intra-op threads of the session. */
  get threads(): number {
    return this.session.threads;
  }

  analyze(text: string): TextAnalysis {
    return analysisOf(featurize(text, this.config));
  }

  async embed(texts: readonly string[], token?: CancellationFlag): Promise<Float32Array[]> {
    const out = new Array<Float32Array>(texts.length);
    const dim = this.dimension;
    await this.run(texts, featurizeAll(texts, this.config), token, (i, emb, b) => (out[i] = emb.slice(b * dim, (b + 1) * dim)));
    return out;
  }

  /** `embed` and `analyze` in one pass: each text featurised once, its vector copied into one flat array. */
  async embedFlat(texts: readonly string[], token?: CancellationFlag): Promise<FlatEmbedding> {
    const feats = featurizeAll(texts, this.config);
    const dim = this.dimension;
    const data = new Float32Array(texts.length * dim);
    await this.run(texts, feats, token, (i, emb, b) => data.set(emb.subarray(b * dim, (b + 1) * dim), i * dim));
    return { data, analyses: feats.map(analysisOf) };
  }

  /** Runs the graph over `texts` in length-sorted batches; `put(i, output, b)` takes text i's row b of a batch output. */
  private async run(
    texts: readonly string[],
    feats: readonly Featurized[],
    token: CancellationFlag | undefined,
    put: (i: number, output: Float32Array, b: number) => void,
  ): Promise<void> {
    if (this.disposed) throw new Error(`engine ${this.id} was disposed`);
    const order = feats.map((_, i) => i).sort((a, b) => feats[a]!.ids.length - feats[b]!.ids.length);
    const dim = this.dimension;

    let start = 0;
    while (start < order.length) {
      if (token?.isCancellationRequested) throw new CancelledError();
      // Grow the batch while its padded size (count × longest) stays within budget.
      let end = start + 1;
      while (
        end < order.length &&
        end - start < this.maxBatchTexts &&
        (end - start + 1) * Math.max(1, feats[order[end]!]!.ids.length) <= this.maxBatchFeatures
      )
        end++;
      const count = end - start;
      // Pad to at least one column: a zero-width tensor is legal ONNX but not worth the risk.
      const n = Math.max(1, feats[order[end - 1]!]!.ids.length);
      const ids = new BigInt64Array(count * n);
      const weights = new Float32Array(count * n);
      const idWords = HOST_LITTLE_ENDIAN ? new Uint32Array(ids.buffer) : undefined;
      for (let b = 0; b < count; b++) {
        const f = feats[order[start + b]!]!;
        const base = b * n;
        // Bucket ids are < 2^32, so on little-endian hosts writing the low word of each int64 is exact.
        if (idWords) for (let k = 0; k < f.ids.length; k++) idWords[2 * (base + k)] = f.ids[k]!;
        else for (let k = 0; k < f.ids.length; k++) ids[base + k] = BigInt(f.ids[k]!);
        weights.set(f.weights, base);
      }
      const inputs: Record<string, { data: BigInt64Array | Float32Array; dims: number[] }> = {
        [BUILTIN_IO.ids]: { data: ids, dims: [count, n] },
        [BUILTIN_IO.weights]: { data: weights, dims: [count, n] },
      };
      if (this.config.lexicon && this.lexicon) Object.assign(inputs, this.lexiconInputs(texts, order.slice(start, end)));
      const result = await this.runExclusive(() =>
        this.session.run(
          inputs,
          [BUILTIN_IO.embedding],
        ),
      );
      const { data: emb, dims } = result[BUILTIN_IO.embedding]!;
      if (dims.length !== 2 || dims[0] !== count || dims[1] !== dim)
        throw new Error(`model output has shape [${dims.join(', ')}], expected [${count}, ${dim}] (batch × config.json dimension)`);
      for (let b = 0; b < count; b++) put(order[start + b]!, emb, b);
      start = end;
    }
  }

  /** The lexicon rows of a batch (`lex_ids`, `lex_weights` [count, m], weight 1 per row, 0 on padding). */
  private lexiconInputs(texts: readonly string[], batch: readonly number[]): Record<string, { data: BigInt64Array | Float32Array; dims: number[] }> {
    const rows = batch.map((i) => lexiconLookup(texts[i]!, this.lexicon!, this.config.lexicon!).rows);
    const m = Math.max(1, ...rows.map((r) => r.length));
    const ids = new BigInt64Array(batch.length * m);
    const weights = new Float32Array(batch.length * m);
    rows.forEach((r, b) => {
      for (let k = 0; k < r.length; k++) {
        ids[b * m + k] = BigInt(r[k]!);
        weights[b * m + k] = 1;
      }
    });
    return { [LEXICON_IO.ids]: { data: ids, dims: [batch.length, m] }, [LEXICON_IO.weights]: { data: weights, dims: [batch.length, m] } };
  }

  private runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.runQueue.then(fn, fn);
    this.runQueue = next.catch(() => undefined);
    return next;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.runQueue;
    await this.session.dispose();
  }
}
