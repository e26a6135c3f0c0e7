/**
 * The server side of learning: `synonymLens/fineTune`, `synonymLens/adjustVectors` and
 * `synonymLens/evaluate`. Each runs its heavy part in a worker thread (`runner.ts`) so hovers and
 * diagnostics keep answering, reports work-done progress (the client's token when it sent one,
 * else a server-created progress), and is cancellable from the request or the progress UI: the
 * request then fails with `RequestCancelled` and no output folder appears.
 */
import { readFile } from 'node:fs/promises';
import { fsPath } from '../uris';
import * as l10n from '@vscode/l10n';
import path from 'node:path';
import { type CancellationToken, ErrorCodes, ResponseError, type Connection, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { termsOf } from '../../core/learn/evaluate';
import { ADJUST_METHODS, type AdjustMethod } from '../../core/learn/adjust';
import { LearningCancelledError } from '../../core/learn/types';
import type { TrainStage } from '../../core/learn/epochs';
import { openRequestProgress } from '../progress';
import {
  AdjustVectorsRequest,
  EvaluateRequest,
  FINE_TUNE_LOSSES,
  FineTuneRequest,
  type AdjustVectorsResult,
  type EvaluateResult,
  type FineTuneResult,
} from '../../shared/protocol';
import { isCancellation, requestCancelled } from '../cancellation';
import type { EmbeddingEngine } from '../model/engine';
import { builtinV1ModelDir, loadEngine } from '../model/load';
import { modelErrorMessage } from '../messages';
import type { ModelEntry } from '../models';
import { evaluationPairs } from '../../core/learn/split';
import { dictionaryPairs, type AdjustOutput, type EvaluateOutput, type FineTuneOutput, type JobProgress, type PhaseProgress } from './pipeline';
import { defaultModelDir, runInWorker, runToFolder, stagingFor } from './runner';

/** What the learning handlers need from the server: the model of a document. */
export interface LearningModels {
  /** The resolved model spec for a document's settings: `builtin` or an absolute folder. */
  specFor(uri: string): Promise<string>;
  /** The server's model entry for a spec (loading it when first asked). */
  entry(spec: string): ModelEntry;
}

/** A learning job's phase in the editor's language (the worker sends ids; it has no l10n bundle). */
function phaseText(e: PhaseProgress): string {
  switch (e.phase) {
    case 'load-base':
      return l10n.t('loading the base model');
    case 'evaluate-held-out':
      return l10n.t('evaluating on held-out pairs');
    case 'write-model':
      return l10n.t('writing the model');
    case 'write-vectors':
      return l10n.t('writing the adjusted vectors');
    case 'train-adapter':
      return l10n.t('training the adapter');
    case 'embed-terms':
      return e.model !== undefined ? l10n.t('embedding terms with {0}: {1}/{2}', e.model, e.done, e.total) : l10n.t('embedding {0} terms', e.total);
    case 'adjust-terms':
      return l10n.t('adjusting {0} term vectors ({1})', e.total, e.method);
    case 'evaluate-pairs':
      return l10n.t('evaluating {0} pairs', e.total);
  }
}

export function registerLearning(connection: Connection, documents: TextDocuments<TextDocument>, models: LearningModels): void {
  /** The dictionary's text (the open document's, else the file's) and its path. */
  async function dictionary(uri: string): Promise<{ text: string; file: string }> {
    const file = fsPath(uri);
    if (!file) throw new ResponseError(ErrorCodes.InvalidParams, `Only dictionaries on disk can be learned from: ${uri}`);
    const open = documents.get(uri);
    if (open) return { text: open.getText(), file };
    try {
      return { text: await readFile(file, 'utf8'), file };
    } catch (e) {
      throw new ResponseError(ErrorCodes.InvalidParams, `Cannot read ${file}: ${(e as Error).message}`);
    }
  }

  /**
   * Runs `fn` under work-done progress and an abort signal fed by the request's token and the
   * progress's cancel button; maps cancellation to `RequestCancelled` and logs failures.
   */
  async function job<R>(
    name: string,
    title: string,
    params: { workDoneToken?: string | number },
    token: CancellationToken,
    fn: (signal: AbortSignal, progress: (e: JobProgress) => void) => Promise<R>,
  ): Promise<R> {
    const progress = await openRequestProgress(connection, params.workDoneToken, token);
    const { reporter } = progress;
    const started = Date.now();
    let epochs = 0;
    let lastPct = -1;
    let lastAt = 0;
    // Training may run twice (`epochs.ts`): a run choosing the epoch count on held-out groups (the
    // bar's first 40 %), then the final run (the rest up to 95 %; the evaluation and export follow).
    let stage: TrainStage = 'final';
    let chose = false;
    const report = (pct: number, message: string) => {
      const now = Date.now();
      // Throttled: a report per percent at most, and at most four a second.
      if (pct === lastPct && now - lastAt < 1000) return;
      if (now - lastAt < 250 && pct !== 100) return;
      lastPct = pct;
      lastAt = now;
      reporter.report(pct, message);
    };
    try {
      reporter.begin(title, 0, l10n.t('starting'), true);
      const result = await fn(progress.signal, (e) => {
        switch (e.type) {
          case 'start':
            epochs = e.epochs;
            stage = e.stage;
            if (stage === 'choose-epochs') {
              chose = true;
              reporter.report(0, l10n.t('choosing the number of epochs on held-out groups: {0} pairs, at most {1} epochs', e.pairs, e.epochs));
            } else reporter.report(Math.max(lastPct, 0), l10n.t('{0} pairs, {1} epochs, {2} steps', e.pairs, e.epochs, e.totalSteps));
            break;
          case 'step': {
            const eta = Math.round(e.etaMs / 1000);
            const [from, span] = stage === 'choose-epochs' ? [0, 40] : chose ? [40, 55] : [0, 95];
            const at =
              stage === 'choose-epochs'
                ? l10n.t('choosing epochs: epoch {0}/{1} loss {2}', e.epoch, epochs, e.loss.toFixed(4))
                : l10n.t('epoch {0}/{1} loss {2}', e.epoch, epochs, e.loss.toFixed(4));
            // The choosing run may stop early, so its ETA assumes every epoch: shown only for the final run.
            const message = e.step < e.totalSteps && stage === 'final' ? l10n.t('{0} · {1} s left', at, eta) : at;
            report(Math.max(lastPct, Math.min(95, from + Math.floor((e.step / e.totalSteps) * span))), message);
            break;
          }
          case 'epoch':
            connection.console.info(`${name}: epoch ${e.epoch}/${e.epochs} mean loss ${e.meanLoss.toFixed(4)} (${(e.elapsedMs / 1000).toFixed(1)} s)`);
            break;
          case 'done':
            break;
          case 'phase':
            reporter.report(lastPct < 0 ? 0 : Math.max(lastPct, 0), phaseText(e));
            break;
        }
      });
      connection.console.info(`${name} finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return result;
    } catch (e) {
      if (progress.signal.aborted || isCancellation(e) || e instanceof LearningCancelledError) {
        connection.console.info(`${name} cancelled`);
        throw requestCancelled();
      }
      if (e instanceof ResponseError) throw e;
      connection.console.error(`${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      throw new ResponseError(ErrorCodes.InternalError, e instanceof Error ? e.message : String(e));
    } finally {
      progress.done();
    }
  }

  /** Where a job writes: `outDir` (relative to the dictionary's folder) or the default. */
  function outputDir(file: string, outDir: string | undefined, suffix?: string): string {
    if (outDir === undefined || outDir.trim() === '') return defaultModelDir(file, suffix);
    return path.resolve(path.dirname(file), outDir);
  }

  /** A ready engine for `spec`: the server's own when loaded there, else a private one to dispose. */
  async function engineFor(spec: string, signal: AbortSignal): Promise<{ engine: EmbeddingEngine; id: string; dispose: () => Promise<void> }> {
    const entry = models.entry(spec);
    const ready = await Promise.race([
      entry.ready.then(
        () => true,
        () => false,
      ),
      new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new LearningCancelledError()), { once: true })),
    ]);
    if (!ready || !entry.engine) throw new ResponseError(ErrorCodes.InternalError, l10n.t('Model {0} is not available: {1}', entry.modelId, entry.error ?? l10n.t('failed to load')));
    return { engine: entry.engine, id: entry.modelId, dispose: () => Promise.resolve() };
  }

  async function privateEngine(spec: string): Promise<{ engine: EmbeddingEngine; id: string; dispose: () => Promise<void> }> {
    try {
      const engine = await loadEngine(spec);
      return { engine, id: engine.id, dispose: () => engine.dispose() };
    } catch (e) {
      throw new ResponseError(ErrorCodes.InvalidParams, l10n.t('Cannot load model {0}: {1}', spec, modelErrorMessage(e)));
    }
  }

  const positiveInt = (v: unknown, name: string, fallback: number, max: number): number => {
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) throw new ResponseError(ErrorCodes.InvalidParams, `${name} must be a whole number in [1, ${max}]`);
    return v;
  };

  connection.onRequest(FineTuneRequest.type, async (params, token): Promise<FineTuneResult> => {
    if (params.loss !== undefined && !FINE_TUNE_LOSSES.includes(params.loss)) {
      throw new ResponseError(ErrorCodes.InvalidParams, `loss must be one of ${FINE_TUNE_LOSSES.join(', ')}`);
    }
    const epochs = positiveInt(params.epochs, 'epochs', 10, 1000);
    const validation = params.validation ?? undefined;
    if (validation !== undefined && (typeof validation !== 'number' || !(validation >= 0 && validation <= 0.5)))
      throw new ResponseError(ErrorCodes.InvalidParams, 'validation must be a number in [0, 0.5]');
    const batchSize = positiveInt(params.batchSize, 'batchSize', 32, 4096);
    const seed = params.seed ?? 42;
    // Undefined: the default of the base's kind (0.01 for char-n-gram tables, 1e-3 for adapters).
    const lr = params.lr ?? undefined;
    if (lr !== undefined && (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0)) throw new ResponseError(ErrorCodes.InvalidParams, 'lr must be a positive number');
    for (const key of ['shapeFeatures', 'learnOrderWeights'] as const) {
      if (params[key] !== undefined && typeof params[key] !== 'boolean') throw new ResponseError(ErrorCodes.InvalidParams, `${key} must be true or false`);
    }
    if (params.adapter !== undefined && params.adapter !== 'linear' && params.adapter !== 'mlp') throw new ResponseError(ErrorCodes.InvalidParams, 'adapter must be linear or mlp');
    // `null` as absent: a client may send the setting's "none" that way.
    const adjust = params.adjust ?? undefined;
    if (adjust !== undefined && !ADJUST_METHODS.includes(adjust)) throw new ResponseError(ErrorCodes.InvalidParams, `adjust must be one of ${ADJUST_METHODS.join(', ')}`);
    const { text, file } = await dictionary(params.uri);
    const spec = await models.specFor(params.uri);
    const dest = outputDir(file, params.outDir);
    return job('Fine-tuning', l10n.t('Fine-tuning model'), params, token, async (signal, onProgress) => {
      try {
        dictionaryPairs(text);
      } catch (e) {
        throw new ResponseError(ErrorCodes.InvalidParams, (e as Error).message);
      }
      const stagingDir = stagingFor(dest);
      const out = await runToFolder<FineTuneOutput>(
        {
          kind: 'fineTune',
          text,
          dictionary: file,
          // Fine-tuning trains the char n-gram table: the embedded model's v1 folder is that table alone.
          baseDir: spec === 'builtin' ? builtinV1ModelDir() : spec,
          baseId: spec === 'builtin' ? 'builtin' : path.basename(spec),
          stagingDir,
          modelName: path.basename(dest),
          loss: params.loss,
          epochs,
          validation,
          batchSize,
          lr,
          seed,
          shapeFeatures: params.shapeFeatures,
          learnOrderWeights: params.learnOrderWeights,
          adapter: params.adapter,
          adjust,
        },
        dest,
        { signal, onProgress },
      );
      connection.console.info(`Fine-tuned model written to ${dest}`);
      return { modelDir: dest, reportPath: path.join(dest, 'report.json'), report: out.report };
    });
  });

  connection.onRequest(AdjustVectorsRequest.type, async (params, token): Promise<AdjustVectorsResult> => {
    const method = params.method as AdjustMethod;
    if (!ADJUST_METHODS.includes(method)) throw new ResponseError(ErrorCodes.InvalidParams, `method must be one of ${ADJUST_METHODS.join(', ')}`);
    const { text, file } = await dictionary(params.uri);
    const spec = await models.specFor(params.uri);
    const dest = outputDir(file, params.outDir, method);
    return job('Adjusting vectors', l10n.t('Adjusting vectors ({0})', method), params, token, async (signal, onProgress) => {
      let pairs;
      try {
        pairs = dictionaryPairs(text);
      } catch (e) {
        throw new ResponseError(ErrorCodes.InvalidParams, (e as Error).message);
      }
      const terms = termsOf(pairs);
      const model = await engineFor(spec, signal);
      onProgress({ type: 'phase', phase: 'embed-terms', message: `embedding ${terms.length} terms`, done: 0, total: terms.length });
      const vectors = await model.engine.embed(terms, signal_(signal));
      const out = await runToFolder<AdjustOutput>(
        {
          kind: 'adjust',
          text,
          method,
          terms,
          vectors,
          stagingDir: stagingFor(dest),
          base: { spec, id: model.id, fingerprint: model.engine.fingerprint, dimension: model.engine.dimension },
        },
        dest,
        { signal, onProgress },
      );
      connection.console.info(`Adjusted vectors (${method}, ${out.movedTerms} terms moved) written to ${dest}`);
      return { modelDir: dest, method, movedTerms: out.movedTerms, terms: out.terms, baseModelId: model.id };
    });
  });

  connection.onRequest(EvaluateRequest.type, async (params, token): Promise<EvaluateResult> => {
    const { text } = await dictionary(params.uri);
    const threshold = params.threshold ?? 0.5;
    if (typeof threshold !== 'number' || threshold < -1 || threshold > 1) throw new ResponseError(ErrorCodes.InvalidParams, 'threshold must be in [-1, 1]');
    const docSpec = await models.specFor(params.uri);
    const file = fsPath(params.uri)!;
    const spec = params.modelDir === undefined || params.modelDir.trim() === '' ? docSpec
      : params.modelDir === 'builtin' ? 'builtin' : path.resolve(path.dirname(file), params.modelDir);
    return job('Evaluation', l10n.t('Evaluating model'), params, token, async (signal, onProgress) => {
      let labelled;
      try {
        labelled = evaluationPairs(dictionaryPairs(text));
      } catch (e) {
        throw new ResponseError(ErrorCodes.InvalidParams, (e as Error).message);
      }
      const model = spec === docSpec ? await engineFor(spec, signal) : await privateEngine(spec);
      try {
        const terms = termsOf(labelled.pairs);
        onProgress({ type: 'phase', phase: 'embed-terms', message: `embedding ${terms.length} terms`, done: 0, total: terms.length });
        const vectors = await model.engine.embed(terms, signal_(signal));
        // evaluate() looks terms up as spelled in the pairs; termsOf keeps the first spelling.
        const spelled = new Map<string, Float32Array>();
        terms.forEach((t, i) => spelled.set(t, vectors[i]!));
        const all = [...new Set(labelled.pairs.flatMap((p) => [p.a, p.b]))];
        const missing = all.filter((t) => !spelled.has(t));
        if (missing.length) (await model.engine.embed(missing, signal_(signal))).forEach((v, i) => spelled.set(missing[i]!, v));
        const out = await runInWorker<EvaluateOutput>(
          { kind: 'evaluate', pairs: labelled.pairs, terms: [...spelled.keys()], vectors: [...spelled.values()], threshold },
          { signal, onProgress },
        );
        return { modelId: model.id, evaluation: out.evaluation, markdown: out.markdown, sampledNegatives: labelled.sampled, scores: out.scores };
      } finally {
        await model.dispose();
      }
    });
  });
}

/** An AbortSignal as the engines' cancellation flag. */
function signal_(signal: AbortSignal): { readonly isCancellationRequested: boolean } {
  return {
    get isCancellationRequested() {
      return signal.aborted;
    },
  };
}

