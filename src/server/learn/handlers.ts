/**
 * The server side of learning: `synonymLens/fineTune`, `synonymLens/adjustVectors` and
 * `synonymLens/evaluate`. Each runs its heavy part in a worker thread (`runner.ts`) so hovers and
 * diagnostics keep answering, reports work-done progress (the client's token when it sent one,
 * else a server-created progress), and is cancellable from the request or the progress UI: the
 * request then fails with `RequestCancelled` and no output folder appears.
 */
import { readFile } from 'node:fs/promises';
import { formatOfPath, learningCsv } from '../../core/formats/dictionary';
import { documentFormat } from '../documents';
import path from 'node:path';
import * as l10n from '@vscode/l10n';
import { type CancellationToken, ErrorCodes, ResponseError, type Connection, type TextDocuments } from 'vscode-languageserver/node';
import type { EditedDocument } from '../textDocument';
import { CancelledError } from '../../core/cancellation';
import type { TrainStage } from '../../core/learn/epochs';
import { AdjustVectorsRequest, EvaluateRequest, FineTuneRequest, type AdjustVectorsResult, type EvaluateResult, type FineTuneResult, type RemovedModelFolder } from '../../shared/protocol';
import type { JobProgress, PhaseProgress } from '../../runtime/learn/jobs';
import { adjustMethod, evaluationThreshold, fineTuneOptions, LearningInputError, LearningOptionError } from '../../runtime/learn/options';
import { defaultModelDir } from '../../runtime/learn/runner';
import { pruneModelFolders } from '../../runtime/learn/modelFolders';
import { adjust, evaluate, fineTune, resolveBaseModel, type ModelHandle } from '../../runtime/learn/services';
import { loadEngine } from '../../runtime/model/load';
import { isCancellation, requestCancelled } from '../cancellation';
import { modelErrorMessage } from '../messages';
import type { ModelEntry } from '../models';
import { openRequestProgress } from '../progress';
import { fsPath } from '../uris';
import { DecisionsError, parseDecisions, type Decision } from '../../core/decisions';
import { decisionsTarget } from '../decisionsFile';

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

export function registerLearning(connection: Connection, documents: TextDocuments<EditedDocument>, models: LearningModels): void {
  /** The dictionary's text (the open document's, else the file's) and its path. */
  async function dictionary(uri: string): Promise<{ text: string; file: string }> {
    const file = fsPath(uri);
    if (!file) throw new ResponseError(ErrorCodes.InvalidParams, `Only dictionaries on disk can be learned from: ${uri}`);
    const open = documents.get(uri);
    // A Solr or ES file is learned from as the CSV of its pairs (directions kept).
    if (open) return { text: learningCsv(open.getText(), documentFormat(open)), file };
    try {
      return { text: learningCsv(await readFile(file, 'utf8'), formatOfPath(file)), file };
    } catch (e) {
      throw new ResponseError(ErrorCodes.InvalidParams, `Cannot read ${file}: ${(e as Error).message}`);
    }
  }

  /**
   * The verdicts of the decisions file beside the dictionary (the open document's text when an
   * editor has it): its rejections are hard negatives of a fine-tune. A file that does not read
   * stops the job with its bad line.
   */
  async function fileDecisions(uri: string): Promise<Decision[]> {
    const target = await decisionsTarget({ documents }, uri);
    if (target?.text === undefined) return [];
    try {
      return parseDecisions(target.text);
    } catch (e) {
      if (e instanceof DecisionsError) throw new ResponseError(ErrorCodes.InvalidParams, l10n.t('{0}: {1}', decodeURIComponent(target.uri.slice(target.uri.lastIndexOf('/') + 1)), e.message));
      throw e;
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
            const eta = e.etaMs === undefined ? 0 : Math.round(e.etaMs / 1000);
            const [from, span] = stage === 'choose-epochs' ? [0, 40] : chose ? [40, 55] : [0, 95];
            const at =
              stage === 'choose-epochs'
                ? l10n.t('choosing epochs: epoch {0}/{1} loss {2}', e.epoch, epochs, e.loss.toFixed(4))
                : l10n.t('epoch {0}/{1} loss {2}', e.epoch, epochs, e.loss.toFixed(4));
            // The choosing run may stop early, so its ETA assumes every epoch: shown only for the final
            // run, and only once its step times are measured and a second or more remains.
            const message = e.step < e.totalSteps && stage === 'final' && eta >= 1 ? l10n.t('{0} · {1} s left', at, eta) : at;
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
      if (progress.signal.aborted || isCancellation(e)) {
        connection.console.info(`${name} cancelled`);
        throw requestCancelled();
      }
      if (e instanceof ResponseError) throw e;
      connection.console.error(`${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      // A model folder that could not be written (read-only, full disk…) says so in the editor's language.
      throw new ResponseError(ErrorCodes.InternalError, modelErrorMessage(e));
    } finally {
      progress.done();
    }
  }

  /** Where a job writes: `outDir` (relative to the dictionary's folder) or the default. */
  function outputDir(file: string, outDir: string | undefined, suffix?: string): string {
    if (outDir === undefined || outDir.trim() === '') return defaultModelDir(file, suffix);
    return path.resolve(path.dirname(file), outDir);
  }

  /**
   * After a job wrote `dest` into the dictionary's default models folder: keeps the newest
   * `keep` folders there, never `dest` nor the document's current model (`spec`).
   */
  function keepNewest(file: string, dest: string, keep: number | undefined, spec: string): RemovedModelFolder[] | undefined {
    if (keep === undefined || !Number.isFinite(keep)) return undefined;
    const modelsDir = path.dirname(defaultModelDir(file));
    if (path.dirname(dest) !== modelsDir) return undefined;
    const removed = pruneModelFolders(modelsDir, Math.max(1, Math.floor(keep)), [dest, spec]);
    for (const r of removed) connection.console.info(`Removed the older model folder ${r.dir} (${r.bytes} bytes; keepModels ${keep})`);
    return removed.map((r) => ({ dir: r.dir, bytes: r.bytes }));
  }

  /** The server's engine for `spec`, once loaded (a job waits for it, cancellably). */
  async function serverModel(spec: string, signal: AbortSignal): Promise<ModelHandle> {
    const entry = models.entry(spec);
    const ready = await Promise.race([
      entry.ready.then(
        () => true,
        () => false,
      ),
      new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new CancelledError()), { once: true })),
    ]);
    if (!ready || !entry.engine) throw new ResponseError(ErrorCodes.InternalError, l10n.t('Model {0} is not available: {1}', entry.modelId, entry.error ?? l10n.t('failed to load')));
    return { engine: entry.engine, id: entry.modelId, spec };
  }

  /** A model the server does not serve (Evaluate Model on another folder): loaded for the job only. */
  async function privateModel(spec: string): Promise<ModelHandle & { dispose: () => Promise<void> }> {
    try {
      const engine = await loadEngine(spec);
      return { engine, id: engine.id, spec, dispose: () => engine.dispose() };
    } catch (e) {
      throw new ResponseError(ErrorCodes.InvalidParams, l10n.t('Cannot load model {0}: {1}', spec, modelErrorMessage(e)));
    }
  }

  connection.onRequest(FineTuneRequest.type, async (params, token): Promise<FineTuneResult> => {
    const { text, file } = await dictionary(params.uri);
    const spec = await models.specFor(params.uri);
    const base = invalidParams(() => resolveBaseModel(spec));
    const options = invalidParams(() => fineTuneOptions(params, base));
    const dest = outputDir(file, params.outDir);
    const decisions = await fileDecisions(params.uri);
    return job('Fine-tuning', l10n.t('Fine-tuning model'), params, token, async (signal, onProgress) => {
      const out = await invalidParamsAsync(() => fineTune({ text, dictionary: file, base, dest, options, decisions }, { signal, onProgress }));
      connection.console.info(`Fine-tuned model written to ${dest}`);
      const removedModels = keepNewest(file, dest, params.keepModels, spec);
      return { modelDir: dest, reportPath: path.join(dest, 'report.json'), report: out.report, ...(removedModels ? { removedModels } : {}) };
    });
  });

  connection.onRequest(AdjustVectorsRequest.type, async (params, token): Promise<AdjustVectorsResult> => {
    const method = invalidParams(() => adjustMethod(params.method, undefined));
    const { text, file } = await dictionary(params.uri);
    const spec = await models.specFor(params.uri);
    const dest = outputDir(file, params.outDir, method);
    return job('Adjusting vectors', l10n.t('Adjusting vectors ({0})', method), params, token, async (signal, onProgress) => {
      const model = await serverModel(spec, signal);
      const out = await invalidParamsAsync(() => adjust({ text, method, model, dest }, { signal, onProgress }));
      connection.console.info(`Adjusted vectors (${method}, ${out.movedTerms} terms moved) written to ${dest}`);
      const removedModels = keepNewest(file, dest, params.keepModels, spec);
      return { modelDir: dest, method, movedTerms: out.movedTerms, terms: out.terms, baseModelId: model.id, ...(removedModels ? { removedModels } : {}) };
    });
  });

  connection.onRequest(EvaluateRequest.type, async (params, token): Promise<EvaluateResult> => {
    const { text, file } = await dictionary(params.uri);
    const threshold = invalidParams(() => evaluationThreshold(params.threshold));
    const docSpec = await models.specFor(params.uri);
    const spec = params.modelDir === undefined || params.modelDir.trim() === '' ? docSpec
      : params.modelDir === 'builtin' ? 'builtin' : path.resolve(path.dirname(file), params.modelDir);
    return job('Evaluation', l10n.t('Evaluating model'), params, token, async (signal, onProgress) => {
      const model = spec === docSpec ? { ...(await serverModel(spec, signal)), dispose: () => Promise.resolve() } : await privateModel(spec);
      try {
        const modelDir = path.isAbsolute(spec) ? spec : undefined;
        const out = await invalidParamsAsync(() => evaluate({ text, model, threshold, inWorker: true, modelDir, heldOut: params.heldOut === true }, { signal, onProgress }));
        return {
          modelId: out.modelId,
          evaluation: out.evaluation,
          markdown: out.markdown,
          sampledNegatives: out.sampledNegatives,
          scores: out.scores,
          ...(out.training ? { training: out.training } : {}),
          ...(out.heldOut ? { heldOut: true } : {}),
        };
      } finally {
        await model.dispose();
      }
    });
  });
}

/** The caller's own mistakes (options, dictionary) as `InvalidParams`; everything else as it is. */
function asInvalidParams(e: unknown): unknown {
  return e instanceof LearningOptionError || e instanceof LearningInputError ? new ResponseError(ErrorCodes.InvalidParams, e.message) : e;
}

function invalidParams<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw asInvalidParams(e);
  }
}

async function invalidParamsAsync<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw asInvalidParams(e);
  }
}
