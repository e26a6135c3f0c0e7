/**
 * The learning jobs as plain functions of their input: fine-tune, adjust vectors, evaluate. They run
 * inside the training worker (`worker.ts`), checking a cancellation flag between steps; the server
 * and the CLI start them through `runner.ts`. Each job writes only into the staging folder it is
 * given; the caller renames it into place on success (so a cancelled or failed job leaves no output).
 *
 * Fine-tuning has two paths, chosen by the base folder: a char-n-gram model (the embedded one or a
 * fine-tuned copy) has its embedding table trained end to end (`trainCharNgram`, synchronous; a
 * `char-ngram-v2` base keeps its lexicon half frozen and carried into the new folder); a
 * transformer folder (one with tokenizer.json) is loaded into this worker and gets a residual
 * adapter over its frozen encoder (`fineTuneTransformer`, asynchronous because embedding is). Both
 * fill the same `LearningReport`, and with `adjust` both add the new model's adjusted vectors of the
 * dictionary's terms to the folder (`adjusted/`, loaded with it: model/adjusted.ts).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { CharNgramModelConfig } from '../../core/builtin/featurizer';
import { embeddingDimension, referenceEmbedCharNgram } from '../../core/builtin/modelV2';
import { parseDictionary } from '../../core/csv/parse';
import { termKey } from '../../core/dictionary';
import { adjustVectors, type AdjustMethod } from '../../core/learn/adjust';
import { evaluate, evaluationMarkdown, termsOf } from '../../core/learn/evaluate';
import type { LossName } from '../../core/learn/losses';
import { splitForScoring } from '../../core/learn/split';
import { COLLAPSE_LIMIT, DEFAULT_VALIDATION_FRACTION, MIN_VALIDATION_POSITIVES } from '../../core/learn/epochs';
import { trainCharNgram } from '../../core/learn/train';
import { textPairs, type TextPair } from '../../core/learn/types';
import { CancelledError, type CancellationFlag } from '../../core/cancellation';
import { dot } from '../../core/vectors';
import type { LearningDataSummary, LearningReport } from '../../shared/protocol';
import { ADJUSTED_MODEL_TYPE, ADJUSTED_TERMS_FILE, ADJUSTED_VECTORS_FILE, EMBEDDED_TABLE_DIR, type EmbeddedTableConfig } from '../model/adjusted';
import { isTransformerFolder, loadTransformerEngine } from '../model/transformer';
import { readCharNgramBase } from './baseModel';
import { exportCharNgramModel, sha256Hex } from './export';
import { fineTuneTransformer } from './transformerFineTune';
import { LearningInputError } from './options';
import { DEFAULT_LR, type AdjustJob, type AdjustOutput, type EvaluateJob, type EvaluateOutput, type FineTuneJob, type FineTuneOutput, type JobContext, type JobOutput, type JobProgress, type LearningJob } from './jobs';
import { withRejectedPairs } from '../../core/trainingData';

function checkCancelled(token: CancellationFlag): void {
  if (token.isCancellationRequested) throw new CancelledError();
}

/** Pairs of a dictionary text; throws when there is nothing to learn from. */
export function dictionaryPairs(text: string): TextPair[] {
  const pairs = textPairs(parseDictionary(text).pairs).filter((p) => termKey(p.a) !== '' && termKey(p.b) !== '');
  if (!pairs.some((p) => p.label === 1)) throw new LearningInputError('The dictionary has no synonym pair (label 1) to learn from.');
  return pairs;
}

/** Keeps at most `max` points of a series, evenly spaced, last point included. */
function downsample<T>(xs: T[], max: number): T[] {
  if (xs.length <= max) return xs;
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(xs[Math.round((i * (xs.length - 1)) / (max - 1))]!);
  return out;
}

/** The split of a fine-tuning run: train pairs, dev pairs completed with negatives, the loss. */
interface FineTuneData {
  all: TextPair[];
  train: TextPair[];
  /** Dev pairs plus sampled negatives when dev had no label-0 pair. */
  dev: TextPair[];
  loss: LossName;
  summary: LearningDataSummary;
}

function fineTuneData(job: FineTuneJob, all: TextPair[]): FineTuneData {
  // Held-out evaluation: split by synonym group so no dev term is trained on.
  const split = splitForScoring(all, { seed: job.seed });
  if (!split.train.some((p) => p.label === 1) || !split.dev.some((p) => p.label === 1)) {
    throw new Error('Fine-tuning needs at least two synonym groups (one is held out for the evaluation).');
  }
  const { sampledNegatives } = split;
  const loss: LossName = job.loss ?? (split.train.some((p) => p.label === 0) ? 'cosent' : 'mnrl');
  const summary: LearningDataSummary = { pairs: all.length, train: split.train.length, dev: split.dev.length - sampledNegatives, dropped: split.dropped.length, sampledNegatives };
  return { all, train: split.train, dev: split.dev, loss, summary };
}

/** Cosine of each dev pair under `vectorOf` (unit vectors), clamped to [-1, 1]. */
function scorePairs(dev: readonly TextPair[], vectorOf: (t: string) => Float32Array) {
  return dev.map((p) => {
    const a = vectorOf(p.a);
    const b = vectorOf(p.b);
    return { a: p.a, b: p.b, label: p.label, cosine: Math.max(-1, Math.min(1, dot(a, b))) };
  });
}

/** A step-loss recorder that forwards every event to the job's progress. */
function recordingProgress(ctx: JobContext): { stepLosses: { step: number; loss: number }[]; onProgress: (e: JobProgress) => void } {
  const stepLosses: { step: number; loss: number }[] = [];
  return {
    stepLosses,
    onProgress: (e) => {
      if (e.type === 'step') stepLosses.push({ step: e.step, loss: e.loss });
      ctx.onProgress(e);
    },
  };
}

/** Writes report.json and report.md into the model folder and returns the job's output. */
function finishReport(dir: string, report: LearningReport): FineTuneOutput {
  const markdown = fineTuneMarkdown(report);
  writeFileSync(path.join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(path.join(dir, 'report.md'), markdown);
  return { report, markdown };
}

/** A table of adjusted vectors ready to write: term keys in row order, float32 rows, moved rows. */
interface AdjustedTableData {
  keys: string[];
  bytes: Uint8Array;
  movedTerms: number;
}

/**
 * Adjusts `vectors` (of `terms`, from the model the table will sit over) with `method` over all
 * `pairs`, as one table: every distinct term a row, in `adjustVectors`' order.
 */
function adjustedTable(terms: readonly string[], vectors: readonly Float32Array[], pairs: readonly TextPair[], method: AdjustMethod, dimension: number, ctx: JobContext): AdjustedTableData {
  ctx.onProgress({ type: 'phase', phase: 'adjust-terms', message: `adjusting ${terms.length} term vectors (${method})`, total: terms.length, method });
  const adjusted = adjustVectors(terms, vectors, pairs, { method });
  checkCancelled(ctx.token);
  const originals = new Map(terms.map((t, i) => [termKey(t), vectors[i]!]));
  let movedTerms = 0;
  const keys = [...adjusted.keys()];
  const data = new Float32Array(keys.length * dimension);
  keys.forEach((k, i) => {
    const v = adjusted.get(k)!;
    data.set(v, i * dimension);
    const o = originals.get(k);
    if (o && v.some((x, j) => x !== o[j])) movedTerms++;
  });
  return { keys, bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), movedTerms };
}

/**
 * The fine-tuned model's own adjusted vectors (`job.adjust`): the dictionary's terms as the new
 * model embeds them (`vectorOf`), adjusted over all its pairs, written to `<stagingDir>/adjusted/`
 * before the runner renames the folder into place.
 */
function writeOwnAdjustedTable(job: FineTuneJob, ctx: JobContext, all: TextPair[], dimension: number, vectorOf: (t: string) => Float32Array): LearningReport['adjusted'] {
  if (job.adjust === undefined) return undefined;
  checkCancelled(ctx.token);
  const terms = termsOf(all);
  const table = adjustedTable(terms, terms.map(vectorOf), all, job.adjust, dimension, ctx);
  ctx.onProgress({ type: 'phase', phase: 'write-vectors', message: 'writing the adjusted vectors' });
  const dir = path.join(job.stagingDir, EMBEDDED_TABLE_DIR);
  mkdirSync(dir);
  const config: EmbeddedTableConfig = {
    method: job.adjust,
    dimension,
    terms: table.keys.length,
    moved_terms: table.movedTerms,
    vectors_sha256: sha256Hex(table.bytes),
    training_file_sha256: sha256Hex(job.text),
  };
  writeFileSync(path.join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  writeFileSync(path.join(dir, ADJUSTED_TERMS_FILE), `${JSON.stringify(table.keys)}\n`);
  writeFileSync(path.join(dir, ADJUSTED_VECTORS_FILE), table.bytes);
  return { method: job.adjust, terms: table.keys.length, movedTerms: table.movedTerms };
}

export async function runFineTune(job: FineTuneJob, ctx: JobContext): Promise<FineTuneOutput> {
  const all = withRejectedPairs(dictionaryPairs(job.text), job.decisions ?? []);
  ctx.onProgress({ type: 'phase', phase: 'load-base', message: 'loading the base model' });
  return isTransformerFolder(job.baseDir) ? runTransformerFineTune(job, ctx, all) : runCharNgramFineTune(job, ctx, all);
}

function runCharNgramFineTune(job: FineTuneJob, ctx: JobContext, all: TextPair[]): FineTuneOutput {
  const started = Date.now();
  const base = readCharNgramBase(job.baseDir, job.baseId);
  checkCancelled(ctx.token);
  const { train, dev, loss, summary: data } = fineTuneData(job, all);
  const lr = job.lr ?? DEFAULT_LR.charNgram;

  // `adapter` concerns transformer bases only (the editor sends its setting whatever the model).
  const recorder = recordingProgress(ctx);
  const trained = trainCharNgram(base.table, base.config, train, {
    loss,
    shapeFeatures: job.shapeFeatures ?? true,
    learnOrderWeights: job.learnOrderWeights ?? false,
    epochs: job.epochs,
    validation: job.validation,
    batchSize: job.batchSize,
    learningRate: lr,
    seed: job.seed,
    token: ctx.token,
    onProgress: recorder.onProgress,
  }, base.lexicon);
  checkCancelled(ctx.token);

  ctx.onProgress({ type: 'phase', phase: 'evaluate-held-out', message: 'evaluating on held-out pairs' });
  // Retrieval searches every term of the dictionary (train and dev), as the benchmark does.
  const vocabulary = termsOf(all);
  // Training may change the config (shape features, order weights): embed each side with its own.
  const embedder = (table: Float32Array, config: CharNgramModelConfig) => {
    const cache = new Map<string, Float32Array>();
    return (t: string) => {
      let v = cache.get(t);
      if (!v) cache.set(t, (v = referenceEmbedCharNgram(t, config, table, base.lexicon)));
      return v;
    };
  };
  const vBefore = embedder(base.table, base.config);
  const vAfter = embedder(trained.table, trained.config);
  const before = evaluate(dev, vBefore, { vocabulary });
  checkCancelled(ctx.token);
  const after = evaluate(dev, vAfter, { vocabulary });
  checkCancelled(ctx.token);

  const hyperParameters = {
    epochs: job.epochs,
    batchSize: job.batchSize,
    lr,
    seed: job.seed,
    validation: job.validation ?? DEFAULT_VALIDATION_FRACTION,
    shapeFeatures: trained.config.shapeFeatures === true,
    learnOrderWeights: job.learnOrderWeights ?? false,
  };
  const report: LearningReport = {
    title: `Fine-tuning ${path.basename(job.dictionary)} (${loss})`,
    createdAt: new Date().toISOString(),
    dictionary: job.dictionary,
    baseModelId: base.id,
    modelId: job.modelName,
    before,
    after,
    scores: { before: scorePairs(dev, vBefore), after: scorePairs(dev, vAfter) },
    epochLosses: trained.epochLosses,
    ...(trained.epochSelection ? { epochSelection: trained.epochSelection } : {}),
    ...(trained.collapseStop ? { collapseStop: trained.collapseStop } : {}),
    stepLosses: downsample(recorder.stepLosses, 1000),
    data,
    loss,
    hyperParameters,
    elapsedMs: Date.now() - started,
  };

  ctx.onProgress({ type: 'phase', phase: 'write-model', message: 'writing the model' });
  exportCharNgramModel({
    outDir: job.stagingDir,
    config: trained.config,
    table: trained.table,
    baseDir: base.dir,
    ...(base.lexicon ? { lexicon: { meaning: base.lexicon.meaning, words: base.lexicon.words } } : {}),
    provenance: {
      base_model: base.id,
      base_fingerprint: base.fingerprint,
      training_file_sha256: sha256Hex(job.text),
      training_file: job.dictionary,
      loss,
      hyper_parameters: {
        ...hyperParameters,
        epochs: trained.epochSelection?.epochs ?? trained.collapseStop?.epochs ?? job.epochs,
        max_epochs: job.epochs,
        total_steps: trained.totalSteps,
        train_pairs: trained.pairs,
      },
      metrics_before: before,
      metrics_after: after,
    },
  });
  // Embedded with the trained table and config, as the exported graph embeds (within 1e-5).
  const adjusted = writeOwnAdjustedTable(job, ctx, all, embeddingDimension(trained.config), vAfter);
  return finishReport(job.stagingDir, adjusted ? { ...report, adjusted } : report);
}

/**
 * A transformer base: its engine is loaded here, in the worker (a second onnxruntime session next
 * to the server's; the server's own engine lives on the main thread and cannot be shared), and a
 * linear residual adapter is trained over its frozen, cached embeddings (transformerFineTune.ts).
 */
function runTransformerFineTune(job: FineTuneJob, ctx: JobContext, all: TextPair[]): Promise<FineTuneOutput> {
  const hold = ctx.holdTermination ?? ((fn) => fn());
  return hold(() => transformerFineTune(job, ctx, all));
}

async function transformerFineTune(job: FineTuneJob, ctx: JobContext, all: TextPair[]): Promise<FineTuneOutput> {
  const started = Date.now();
  if (job.learnOrderWeights) throw new Error('learned n-gram kind weights are for char-n-gram models; a transformer model gets an adapter instead');
  const { train, dev, loss, summary: data } = fineTuneData(job, all);
  let engine;
  try {
    engine = await loadTransformerEngine(job.baseDir);
  } catch (e) {
    throw new Error(`Cannot load the base model ${job.baseDir}: ${(e as Error).message}`);
  }
  try {
    checkCancelled(ctx.token);
    const lr = job.lr ?? DEFAULT_LR.adapter;
    const recorder = recordingProgress(ctx);
    const result = await fineTuneTransformer({
      baseDir: job.baseDir,
      engine,
      trainPairs: train,
      devPairs: dev,
      // Retrieval searches every term of the dictionary (train and dev), as on the n-gram path.
      vocabulary: termsOf(all),
      options: { loss, epochs: job.epochs, validation: job.validation, batchSize: job.batchSize, learningRate: lr, seed: job.seed, adapter: job.adapter ?? 'linear' },
      outDir: job.stagingDir,
      provenance: { training_file_sha256: sha256Hex(job.text), training_file: job.dictionary },
      onProgress: recorder.onProgress,
      token: ctx.token,
    });
    checkCancelled(ctx.token);
    const vectorOf = (m: ReadonlyMap<string, Float32Array>) => (t: string) => {
      const v = m.get(t);
      if (!v) throw new Error(`internal: no vector for ${JSON.stringify(t)}`);
      return v;
    };
    const report: LearningReport = {
      title: `Fine-tuning ${path.basename(job.dictionary)} (${loss}, ${result.adapter.kind} adapter)`,
      createdAt: new Date().toISOString(),
      dictionary: job.dictionary,
      baseModelId: engine.id,
      modelId: job.modelName,
      before: result.before,
      after: result.after,
      scores: { before: scorePairs(dev, vectorOf(result.vectorsBefore)), after: scorePairs(dev, vectorOf(result.vectorsAfter)) },
      epochLosses: result.training.epochLosses,
      ...(result.training.epochSelection ? { epochSelection: result.training.epochSelection } : {}),
      ...(result.training.collapseStop ? { collapseStop: result.training.collapseStop } : {}),
      stepLosses: downsample(recorder.stepLosses, 1000),
      data,
      loss,
      hyperParameters: { epochs: job.epochs, batchSize: job.batchSize, lr, seed: job.seed, validation: job.validation ?? DEFAULT_VALIDATION_FRACTION, adapter: result.adapter.kind },
      elapsedMs: Date.now() - started,
    };
    // The adapter-applied vectors of every dictionary term were computed for the evaluation (the
    // retrieval vocabulary is the whole dictionary); the exported graph gives the same within 1e-5.
    const adjusted = writeOwnAdjustedTable(job, ctx, all, engine.dimension, vectorOf(result.vectorsAfter));
    return finishReport(job.stagingDir, adjusted ? { ...report, adjusted } : report);
  } catch (e) {
    // The engine reports its own cancellation as `CancelledError` too; one type for the runner.
    if (e instanceof Error && e.name === 'CancelledError') throw new CancelledError();
    throw e;
  } finally {
    await engine.dispose();
  }
}

/** The report's line on how the epoch count was chosen (empty when it was not). */
function epochChoiceMarkdown(r: LearningReport): string {
  const s = r.epochSelection;
  if (!s) {
    if (r.hyperParameters.validation === 0) return `- Epochs: ${r.hyperParameters.epochs}, as set (validation 0: no epoch choice)\n`;
    const tooFew =
      `too few synonym pairs to hold out ${Math.round((r.hyperParameters.validation ?? 0) * 100)} % of the groups ` +
      `for choosing the count (at least ${MIN_VALIDATION_POSITIVES} held-out synonym pairs are needed)`;
    const c = r.collapseStop;
    if (!c) return `- Epochs: ${r.hyperParameters.epochs}, as set: ${tooFew}\n`;
    const rises = `Rise of the mean cosine of random term pairs by epoch: ${c.randomCosRiseByEpoch.map((x, e) => `${e}: ${x.toFixed(3)}`).join(', ')}`;
    if (c.stoppedAt === undefined) return `- Epochs: ${c.epochs}, as set: ${tooFew}; the collapse guard (random pairs of the dictionary's terms, at most +${c.limit}) let every epoch pass. ${rises}\n`;
    return (
      `- Epochs: ${c.epochs} of at most ${c.maxEpochs}: ${tooFew}, so the collapse guard decided: epoch ${c.stoppedAt} raised the mean cosine of random pairs of the dictionary's terms ` +
      `by ${c.randomCosRiseByEpoch[c.stoppedAt]!.toFixed(3)} (more than ${c.limit}), so training stopped there` +
      (c.epochs < c.stoppedAt
        ? ` and the model was trained again for ${c.epochs} epochs (rise ${c.rise.toFixed(3)})`
        : c.stoppedAt === 1
          ? ' after its first epoch'
          : ` and that model was kept (a run of ${c.stoppedAt - 1} epochs moved random pairs more)`) +
      `. ${rises}\n`
    );
  }
  const auc = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(3));
  const curve = s.aucByEpoch.map((a, e) => `${e}: ${auc(a)}`).join(', ');
  const share = `${Math.round(s.fraction * 100)} % of the training groups (${s.validationPairs} pairs)`;
  const guard = `raised the mean cosine of random term pairs by more than ${COLLAPSE_LIMIT}`;
  if (s.fallback)
    return `- Epochs: ${s.epochs}. Epoch ${s.bestEpoch} scored best on ${share}, but a run of ${s.bestEpoch} epochs on every training pair ${guard}, ` +
      `so the model was trained for all ${s.maxEpochs}. Validation AUC by epoch: ${curve}\n`;
  return (
    `- Epochs: ${s.epochs} of at most ${s.maxEpochs}, chosen on ${share} held out of a first run, then trained on every training pair. ` +
    (s.redone ? `That run ${guard}; a run of all ${s.maxEpochs} epochs moved them more, so it was kept. ` : '') +
    `Validation AUC by epoch: ${curve}\n`
  );
}

/** The report a user reads after "Fine-tune Model", as Markdown. */
export function fineTuneMarkdown(r: LearningReport): string {
  const d = r.data;
  return (
    `# ${r.title}\n\n` +
    `- Dictionary: \`${r.dictionary}\`\n` +
    `- Base model: \`${r.baseModelId}\` → new model \`${r.modelId}\`\n` +
    `- Loss \`${r.loss}\`, ${r.hyperParameters.epochs} epochs, batch ${r.hyperParameters.batchSize}, lr ${r.hyperParameters.lr}, seed ${r.hyperParameters.seed}` +
    `${r.hyperParameters.shapeFeatures !== undefined ? `, shape features ${r.hyperParameters.shapeFeatures ? 'on' : 'off'}` : ''}` +
    `${r.hyperParameters.learnOrderWeights ? ', learned n-gram kind weights' : ''}` +
    `${r.hyperParameters.adapter ? `, ${r.hyperParameters.adapter} adapter` : ''}; ${(r.elapsedMs / 1000).toFixed(1)} s\n` +
    `- Data: ${d.pairs} pairs, split by synonym group into ${d.train} train and ${d.dev} held-out pairs` +
    `${d.dropped ? ` (${d.dropped} dropped)` : ''}${d.sampledNegatives ? `; ${d.sampledNegatives} negatives sampled for the evaluation` : ''}\n` +
    epochChoiceMarkdown(r) +
    `- Mean loss per epoch: ${r.epochLosses.map((l) => l.toFixed(4)).join(', ')}\n` +
    (r.adjusted
      ? `- Adjusted vectors added (\`${r.adjusted.method}\`, in \`adjusted/\`): ${r.adjusted.movedTerms} of ${r.adjusted.terms} dictionary terms moved, ` +
        `adjusted over all pairs of the dictionary after fine-tuning; the folder answers these terms from the table. ` +
        `The evaluation below is the fine-tuned model's without the table, which changes no term outside the dictionary.\n`
      : '') +
    `\n## Held-out evaluation (pairs not trained on)\n\n` +
    evaluationMarkdown(r.before, r.after, ['base', 'fine-tuned'])
  );
}

export function runAdjust(job: AdjustJob, ctx: JobContext): AdjustOutput {
  const pairs = dictionaryPairs(job.text);
  checkCancelled(ctx.token);
  const { keys, bytes: tableBytes, movedTerms: moved } = adjustedTable(job.terms, job.vectors, pairs, job.method, job.base.dimension, ctx);
  ctx.onProgress({ type: 'phase', phase: 'write-vectors', message: 'writing the adjusted vectors' });
  mkdirSync(job.stagingDir);
  // A base folder is also recorded relative to the new folder (a sibling of the staging root), so
  // the pair can move or be shared together; the absolute spec stays as the fallback.
  const finalParent = path.dirname(path.dirname(job.stagingDir));
  const baseRelative = path.isAbsolute(job.base.spec) ? path.relative(path.join(finalParent, 'x'), job.base.spec).split(path.sep).join('/') : undefined;
  const config = {
    model_type: ADJUSTED_MODEL_TYPE,
    base_model: job.base.spec,
    ...(baseRelative !== undefined ? { base_model_relative: baseRelative } : {}),
    base_model_id: job.base.id,
    base_fingerprint: job.base.fingerprint,
    method: job.method,
    dimension: job.base.dimension,
    terms: keys.length,
    moved_terms: moved,
    vectors_sha256: sha256Hex(tableBytes),
    training_file_sha256: sha256Hex(job.text),
    date: new Date().toISOString(),
  };
  writeFileSync(path.join(job.stagingDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  writeFileSync(path.join(job.stagingDir, ADJUSTED_TERMS_FILE), `${JSON.stringify(keys)}\n`);
  writeFileSync(path.join(job.stagingDir, ADJUSTED_VECTORS_FILE), tableBytes);
  return { movedTerms: moved, terms: keys.length };
}

export function runEvaluate(job: EvaluateJob, ctx: JobContext): EvaluateOutput {
  const byKey = new Map(job.terms.map((t, i) => [t, job.vectors[i]!]));
  checkCancelled(ctx.token);
  ctx.onProgress({ type: 'phase', phase: 'evaluate-pairs', message: `evaluating ${job.pairs.length} pairs`, total: job.pairs.length });
  const evaluation = evaluate(job.pairs, (t) => byKey.get(t), { threshold: job.threshold });
  // The same pairs evaluate() scored: a pair with a term the engine gave no vector is left out there too.
  const scored = job.pairs.filter((p) => byKey.has(p.a) && byKey.has(p.b));
  return { evaluation, markdown: evaluationMarkdown(evaluation), scores: scorePairs(scored, (t) => byKey.get(t)!) };
}

export async function runJob<J extends LearningJob>(job: J, ctx: JobContext): Promise<JobOutput<J>> {
  // Each branch returns its kind's output; the cast tells the compiler what the switch proves.
  const j: LearningJob = job;
  switch (j.kind) {
    case 'fineTune':
      return (await runFineTune(j, ctx)) as JobOutput<J>;
    case 'adjust':
      return runAdjust(j, ctx) as JobOutput<J>;
    case 'evaluate':
      return runEvaluate(j, ctx) as JobOutput<J>;
  }
}
