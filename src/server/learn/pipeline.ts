/**
 * The learning jobs as plain functions of their input: fine-tune, adjust vectors, evaluate. They run
 * inside the training worker (`worker.ts`), synchronously, checking a cancellation flag between
 * steps; the server and the CLI start them through `runner.ts`. Each job writes only into the
 * staging folder it is given; the caller renames it into place on success (so a cancelled or failed
 * job leaves no output).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { referenceEmbed } from '../../core/builtin/model';
import { parseDictionary } from '../../core/csv/parse';
import { termKey } from '../../core/dictionary';
import { adjustVectors, type AdjustMethod } from '../../core/learn/adjust';
import { evaluate, evaluationMarkdown, termsOf, type Evaluation } from '../../core/learn/evaluate';
import type { LossName } from '../../core/learn/losses';
import { sampleNegatives, splitByGroup } from '../../core/learn/split';
import { trainCharNgram, type TrainProgress } from '../../core/learn/train';
import { LearningCancelledError, textPairs, type CancellationFlag, type TextPair } from '../../core/learn/types';
import type { FineTuneLoss, LearningDataSummary, LearningReport } from '../../shared/protocol';
import { ADJUSTED_MODEL_TYPE, ADJUSTED_TERMS_FILE, ADJUSTED_VECTORS_FILE } from '../model/adjusted';
import { readCharNgramBase } from './baseModel';
import { exportCharNgramModel, sha256Hex } from './export';

/** Progress of any job: the training loop's events plus named phases. */
export type JobProgress = TrainProgress | { type: 'phase'; message: string };

export interface FineTuneJob {
  kind: 'fineTune';
  /** The dictionary's text and its path (for the report and provenance). */
  text: string;
  dictionary: string;
  baseDir: string;
  baseId: string;
  /** Folder to create and fill (must not exist). */
  stagingDir: string;
  /** The final folder's name: the new model's id. */
  modelName: string;
  loss?: FineTuneLoss;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
}

export interface FineTuneOutput {
  report: LearningReport;
  markdown: string;
}

export interface AdjustJob {
  kind: 'adjust';
  text: string;
  method: AdjustMethod;
  /** Distinct terms of the dictionary and their vectors from the current model. */
  terms: string[];
  vectors: Float32Array[];
  stagingDir: string;
  /** Written to the folder's config.json so the loader finds the base again. */
  base: { spec: string; id: string; fingerprint: string; dimension: number };
}

export interface AdjustOutput {
  movedTerms: number;
  terms: number;
}

export interface EvaluateJob {
  kind: 'evaluate';
  /** Labelled pairs (negatives already sampled when needed). */
  pairs: TextPair[];
  terms: string[];
  vectors: Float32Array[];
  threshold: number;
}

export interface EvaluateOutput {
  evaluation: Evaluation;
  markdown: string;
}

export type LearningJob = FineTuneJob | AdjustJob | EvaluateJob;

export interface JobContext {
  token: CancellationFlag;
  onProgress: (event: JobProgress) => void;
}

function checkCancelled(token: CancellationFlag): void {
  if (token.isCancellationRequested) throw new LearningCancelledError();
}

/** Pairs of a dictionary text; throws when there is nothing to learn from. */
export function dictionaryPairs(text: string): TextPair[] {
  const pairs = textPairs(parseDictionary(text).pairs).filter((p) => termKey(p.a) !== '' && termKey(p.b) !== '');
  if (!pairs.some((p) => p.label === 1)) throw new Error('The dictionary has no synonym pair (label 1) to learn from.');
  return pairs;
}

/**
 * Pairs for evaluating on a whole file: its labelled pairs, plus sampled negatives (half hard,
 * seeded) when it has no label-0 pair — without negatives, AUC and AP are undefined.
 */
export function evaluationPairs(pairs: readonly TextPair[], seed = 42): { pairs: TextPair[]; sampled: number } {
  if (pairs.some((p) => p.label === 0)) return { pairs: [...pairs], sampled: 0 };
  const negatives = sampleNegatives(pairs, { seed });
  return { pairs: [...pairs, ...negatives], sampled: negatives.length };
}

/** Keeps at most `max` points of a series, evenly spaced, last point included. */
function downsample<T>(xs: T[], max: number): T[] {
  if (xs.length <= max) return xs;
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(xs[Math.round((i * (xs.length - 1)) / (max - 1))]!);
  return out;
}

export function runFineTune(job: FineTuneJob, ctx: JobContext): FineTuneOutput {
  const started = Date.now();
  const all = dictionaryPairs(job.text);
  ctx.onProgress({ type: 'phase', message: 'loading the base model' });
  const base = readCharNgramBase(job.baseDir, job.baseId);
  checkCancelled(ctx.token);

  // Held-out evaluation: split by synonym group so no dev term is trained on.
  const split = splitByGroup(all, { seed: job.seed });
  if (!split.train.some((p) => p.label === 1) || !split.dev.some((p) => p.label === 1)) {
    throw new Error('Fine-tuning needs at least two synonym groups (one is held out for the evaluation).');
  }
  let dev = split.dev;
  let sampledNegatives = 0;
  if (!dev.some((p) => p.label === 0)) {
    const negatives = sampleNegatives(dev.filter((p) => p.label === 1), { seed: job.seed });
    dev = dev.concat(negatives);
    sampledNegatives = negatives.length;
  }
  const loss: LossName = job.loss ?? (split.train.some((p) => p.label === 0) ? 'cosent' : 'mnrl');
  const data: LearningDataSummary = { pairs: all.length, train: split.train.length, dev: split.dev.length, dropped: split.dropped.length, sampledNegatives };

  const stepLosses: { step: number; loss: number }[] = [];
  const trained = trainCharNgram(base.table, base.config, split.train, {
    loss,
    epochs: job.epochs,
    batchSize: job.batchSize,
    learningRate: job.lr,
    seed: job.seed,
    token: ctx.token,
    onProgress: (e) => {
      if (e.type === 'step') stepLosses.push({ step: e.step, loss: e.loss });
      ctx.onProgress(e);
    },
  });
  checkCancelled(ctx.token);

  ctx.onProgress({ type: 'phase', message: 'evaluating on held-out pairs' });
  // Retrieval searches every term of the dictionary (train and dev), as the benchmark does.
  const vocabulary = termsOf(all);
  const embedder = (table: Float32Array) => {
    const cache = new Map<string, Float32Array>();
    return (t: string) => {
      let v = cache.get(t);
      if (!v) cache.set(t, (v = referenceEmbed(t, base.config, table)));
      return v;
    };
  };
  const vBefore = embedder(base.table);
  const vAfter = embedder(trained.table);
  const before = evaluate(dev, vBefore, { vocabulary });
  checkCancelled(ctx.token);
  const after = evaluate(dev, vAfter, { vocabulary });
  checkCancelled(ctx.token);
  const scored = (v: (t: string) => Float32Array) =>
    dev.map((p) => {
      const a = v(p.a);
      const b = v(p.b);
      let d = 0;
      for (let k = 0; k < a.length; k++) d += a[k]! * b[k]!;
      return { a: p.a, b: p.b, label: p.label, cosine: Math.max(-1, Math.min(1, d)) };
    });

  const hyperParameters = { epochs: job.epochs, batchSize: job.batchSize, lr: job.lr, seed: job.seed };
  const report: LearningReport = {
    title: `Fine-tuning ${path.basename(job.dictionary)} (${loss})`,
    createdAt: new Date().toISOString(),
    dictionary: job.dictionary,
    baseModelId: base.id,
    modelId: job.modelName,
    before,
    after,
    scores: { before: scored(vBefore), after: scored(vAfter) },
    epochLosses: trained.epochLosses,
    stepLosses: downsample(stepLosses, 1000),
    data,
    loss,
    hyperParameters,
    elapsedMs: Date.now() - started,
  };

  ctx.onProgress({ type: 'phase', message: 'writing the model' });
  exportCharNgramModel({
    outDir: job.stagingDir,
    config: base.config,
    table: trained.table,
    baseDir: base.dir,
    provenance: {
      base_model: base.id,
      base_fingerprint: base.fingerprint,
      training_file_sha256: sha256Hex(job.text),
      training_file: job.dictionary,
      loss,
      hyper_parameters: { ...hyperParameters, total_steps: trained.totalSteps, train_pairs: trained.pairs },
      metrics_before: before,
      metrics_after: after,
    },
  });
  const markdown = fineTuneMarkdown(report);
  writeFileSync(path.join(job.stagingDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(path.join(job.stagingDir, 'report.md'), markdown);
  return { report, markdown };
}

/** The report a user reads after "Fine-tune Model", as Markdown. */
export function fineTuneMarkdown(r: LearningReport): string {
  const d = r.data;
  return (
    `# ${r.title}\n\n` +
    `- Dictionary: \`${r.dictionary}\`\n` +
    `- Base model: \`${r.baseModelId}\` → new model \`${r.modelId}\`\n` +
    `- Loss \`${r.loss}\`, ${r.hyperParameters.epochs} epochs, batch ${r.hyperParameters.batchSize}, lr ${r.hyperParameters.lr}, seed ${r.hyperParameters.seed}; ${(r.elapsedMs / 1000).toFixed(1)} s\n` +
    `- Data: ${d.pairs} pairs, split by synonym group into ${d.train} train and ${d.dev} held-out pairs` +
    `${d.dropped ? ` (${d.dropped} dropped)` : ''}${d.sampledNegatives ? `; ${d.sampledNegatives} negatives sampled for the evaluation` : ''}\n` +
    `- Mean loss per epoch: ${r.epochLosses.map((l) => l.toFixed(4)).join(', ')}\n\n` +
    `## Held-out evaluation (pairs not trained on)\n\n` +
    evaluationMarkdown(r.before, r.after, ['base', 'fine-tuned'])
  );
}

export function runAdjust(job: AdjustJob, ctx: JobContext): AdjustOutput {
  const pairs = dictionaryPairs(job.text);
  checkCancelled(ctx.token);
  ctx.onProgress({ type: 'phase', message: `adjusting ${job.terms.length} term vectors (${job.method})` });
  const adjusted = adjustVectors(job.terms, job.vectors, pairs, { method: job.method });
  checkCancelled(ctx.token);
  const originals = new Map(job.terms.map((t, i) => [termKey(t), job.vectors[i]!]));
  let moved = 0;
  const keys = [...adjusted.keys()];
  const data = new Float32Array(keys.length * job.base.dimension);
  keys.forEach((k, i) => {
    const v = adjusted.get(k)!;
    data.set(v, i * job.base.dimension);
    const o = originals.get(k);
    if (o && v.some((x, j) => x !== o[j])) moved++;
  });
  ctx.onProgress({ type: 'phase', message: 'writing the adjusted vectors' });
  mkdirSync(job.stagingDir);
  const tableBytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const config = {
    model_type: ADJUSTED_MODEL_TYPE,
    base_model: job.base.spec,
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
  ctx.onProgress({ type: 'phase', message: `evaluating ${job.pairs.length} pairs` });
  const evaluation = evaluate(job.pairs, (t) => byKey.get(t), { threshold: job.threshold });
  return { evaluation, markdown: evaluationMarkdown(evaluation) };
}

export function runJob(job: LearningJob, ctx: JobContext): FineTuneOutput | AdjustOutput | EvaluateOutput {
  switch (job.kind) {
    case 'fineTune':
      return runFineTune(job, ctx);
    case 'adjust':
      return runAdjust(job, ctx);
    case 'evaluate':
      return runEvaluate(job, ctx);
  }
}
