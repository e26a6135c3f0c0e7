/**
 * The built-in char-n-gram engine: featurise in core, run the ONNX graph through the adapter.
 * Texts are sorted by feature count and cut into batches padded only to their own longest text
 * (padding is the main cost lever: docs/performance.md).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { FeatureRows, featurize, featurizeInto, type CharNgramModelConfig, type Featurized } from '../../core/builtin/featurizer';
import { BUILTIN_IO } from '../../core/builtin/model';
import { LexiconRows, lexiconRowsInto, type LexiconVocabulary } from '../../core/builtin/lexicon';
import { embeddingDimension, LEXICON_IO } from '../../core/builtin/modelV2';
import { CancelledError, type CancellationFlag, type EmbeddingEngine, type FlatEmbedding, type TextAnalysis } from './engine';
import { OnnxSession, type InputTensor } from './onnxAdapter';
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

/** Most features whose buffers an engine keeps between calls (9 bytes each: id, weight, kind). */
const SPARE_FEATURES_MAX = 1 << 20;

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

function analysisOf(f: Featurized): TextAnalysis {
  return { units: f.ids.length, unknownUnits: 0, unknownOnly: f.ids.length === 0, truncated: f.truncated };
}

/** The model inputs of a call's texts, text after text (`featurizeInto`, `lexiconRowsInto`). */
interface CallInputs {
  readonly feats: FeatureRows;
  /** Lexicon rows, when the model has a lexicon half. */
  readonly lex: LexiconRows | undefined;
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
    const inputs = this.inputsOf(texts);
    try {
      await this.run(inputs, token, (i, emb, b) => (out[i] = emb.slice(b * dim, (b + 1) * dim)));
    } finally {
      this.release(inputs);
    }
    return out;
  }

  /**
   * `embed` and `analyze` in one pass: each text featurised once, its vector copied into one flat
   * array — `into`'s first `texts.length × dimension` values when it is long enough (a caller
   * embedding batch after batch reuses one array).
   */
  async embedFlat(texts: readonly string[], token?: CancellationFlag, into?: Float32Array): Promise<FlatEmbedding> {
    const dim = this.dimension;
    const size = texts.length * dim;
    const data = into && into.length >= size ? into.subarray(0, size) : new Float32Array(size);
    const inputs = this.inputsOf(texts);
    try {
      await this.run(inputs, token, (i, emb, b) => data.set(emb.subarray(b * dim, (b + 1) * dim), i * dim));
      const { feats } = inputs;
      const analyses = new Array<TextAnalysis>(texts.length);
      for (let t = 0; t < texts.length; t++) {
        const units = feats.count(t);
        analyses[t] = { units, unknownUnits: 0, unknownOnly: units === 0, truncated: feats.truncated[t] === 1 };
      }
      return { data, analyses };
    } finally {
      this.release(inputs);
    }
  }

  /** True once a run's output had the expected shape. */
  private outputChecked = false;

  /** Buffers of a finished call, kept for the next (concurrent calls make their own). */
  private spare: CallInputs | undefined;

  /** Featurises `texts` (and looks up their lexicon rows) into the spare buffers or new ones. */
  private inputsOf(texts: readonly string[]): CallInputs {
    const inputs = this.spare ?? { feats: new FeatureRows(), lex: this.config.lexicon && this.lexicon ? new LexiconRows() : undefined };
    this.spare = undefined;
    inputs.feats.clear();
    inputs.lex?.clear();
    for (const t of texts) featurizeInto(t, this.config, inputs.feats);
    if (inputs.lex) for (const t of texts) lexiconRowsInto(t, this.lexicon!, this.config.lexicon!, inputs.lex);
    return inputs;
  }

  /** Keeps a call's buffers for the next unless they grew past ~9 MiB (a rare huge call's memory is given back). */
  private release(inputs: CallInputs): void {
    if (inputs.feats.ids.length <= SPARE_FEATURES_MAX) this.spare = inputs;
  }

  /**
   * Runs the graph over a call's texts in batches sorted by feature count, each padded to its own
   * longest text; `put(i, output, b)` takes text i's row b of a batch's output. The input and output
   * tensors of the batches are views of buffers made once per call.
   */
  private async run(inputs: CallInputs, token: CancellationFlag | undefined, put: (i: number, output: Float32Array, b: number) => void): Promise<void> {
    if (this.disposed) throw new Error(`engine ${this.id} was disposed`);
    const { feats, lex } = inputs;
    const texts = feats.texts;
    const order = new Int32Array(texts);
    for (let t = 0; t < texts; t++) order[t] = t;
    order.sort((a, b) => feats.count(a) - feats.count(b) || a - b);
    const dim = this.dimension;
    // A batch holds at most maxBatchFeatures padded features, or one text of maxFeatures.
    const most = this.maxBatchFeatures;
    const idBuffer = new BigInt64Array(Math.max(most, texts ? feats.count(order[texts - 1]!) : 0));
    const weightBuffer = new Float32Array(idBuffer.length);
    const outBuffer = new Float32Array(this.maxBatchTexts * dim);
    let lexIdBuffer = new BigInt64Array(0);
    let lexWeightBuffer = new Float32Array(0);

    let start = 0;
    while (start < texts) {
      if (token?.isCancellationRequested) throw new CancelledError();
      // Grow the batch while its padded size (count × longest) stays within budget.
      let end = start + 1;
      while (end < texts && end - start < this.maxBatchTexts && (end - start + 1) * Math.max(1, feats.count(order[end]!)) <= most) end++;
      const count = end - start;
      // Pad to at least one column: a zero-width tensor is legal ONNX but not worth the risk.
      const n = Math.max(1, feats.count(order[end - 1]!));
      const ids = idBuffer.subarray(0, count * n).fill(0n);
      const weights = weightBuffer.subarray(0, count * n).fill(0);
      const idWords = HOST_LITTLE_ENDIAN ? new Uint32Array(ids.buffer, 0, 2 * count * n) : undefined;
      for (let b = 0; b < count; b++) {
        const t = order[start + b]!;
        const from = feats.start[t]!;
        const to = feats.start[t + 1]!;
        const base = b * n;
        // Bucket ids are < 2^32, so on little-endian hosts writing the low word of each int64 is exact.
        if (idWords) for (let k = from; k < to; k++) idWords[2 * (base + k - from)] = feats.ids[k]!;
        else for (let k = from; k < to; k++) ids[base + k - from] = BigInt(feats.ids[k]!);
        weights.set(feats.weights.subarray(from, to), base);
      }
      const feeds: Record<string, InputTensor> = {
        [BUILTIN_IO.ids]: { data: ids, dims: [count, n] },
        [BUILTIN_IO.weights]: { data: weights, dims: [count, n] },
      };
      if (lex) {
        // The lexicon rows of the batch (`lex_ids`, `lex_weights` [count, m], weight 1 per row, 0 on padding).
        let m = 1;
        for (let b = 0; b < count; b++) m = Math.max(m, lex.count(order[start + b]!));
        if (lexIdBuffer.length < count * m) {
          lexIdBuffer = new BigInt64Array(Math.max(count * m, 2 * lexIdBuffer.length));
          lexWeightBuffer = new Float32Array(lexIdBuffer.length);
        }
        const lexIds = lexIdBuffer.subarray(0, count * m).fill(0n);
        const lexWeights = lexWeightBuffer.subarray(0, count * m).fill(0);
        for (let b = 0; b < count; b++) {
          const t = order[start + b]!;
          for (let k = lex.start[t]!, j = b * m; k < lex.start[t + 1]!; k++, j++) {
            lexIds[j] = BigInt(lex.rows[k]!);
            lexWeights[j] = 1;
          }
        }
        feeds[LEXICON_IO.ids] = { data: lexIds, dims: [count, m] };
        feeds[LEXICON_IO.weights] = { data: lexWeights, dims: [count, m] };
      }
      // Into our buffer once the graph's output is known to have the config's width (the probe
      // in `create` checks it with an output of onnxruntime's, for the precise message).
      const into = this.outputChecked ? { [BUILTIN_IO.embedding]: { data: outBuffer.subarray(0, count * dim), dims: [count, dim] } } : undefined;
      const result = await this.runExclusive(() => this.session.run(feeds, [BUILTIN_IO.embedding], into));
      const { data: emb, dims } = result[BUILTIN_IO.embedding]!;
      if (dims.length !== 2 || dims[0] !== count || dims[1] !== dim)
        throw new Error(`model output has shape [${dims.join(', ')}], expected [${count}, ${dim}] (batch × config.json dimension)`);
      this.outputChecked = true;
      for (let b = 0; b < count; b++) put(order[start + b]!, emb, b);
      start = end;
    }
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
