import { ADJUST_METHODS, type AdjustMethod } from '../../core/learn/adjust';
import { DEFAULT_VALIDATION_FRACTION } from '../../core/learn/epochs';
import { FINE_TUNE_LOSSES, type FineTuneLoss } from '../../shared/protocol';
import type { FineTuneOutput, JobProgress } from '../../server/learn/pipeline';
import { evaluationMarkdown } from '../../core/learn/evaluate';
import { runToFolder, stagingFor } from '../../server/learn/runner';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { CliError } from '../errors';
import { intOption, numberOption } from '../options';
import { isTransformerFolder } from '../../server/model/transformer';
import { baseModelOption, interruptSignal, learningFailure, outOption, readLearningInput } from './learnCommon';

/**
 * `fine-tune <file.csv> --out <dir> [--model builtin|<dir>|org/name] [--loss …] [--epochs n]
 * [--validation 0.1] [--batch-size n] [--lr x] [--seed n] [--no-shape-features] [--order-weights] [--adapter linear|mlp]
 * [--adjust seed|retrofit|counterfit] [--json]`: trains the char-n-gram model's table, or a residual
 * adapter over a transformer model's frozen encoder, on the dictionary (in a worker thread),
 * evaluates before/after on held-out synonym groups, with `--adjust` adds the dictionary terms'
 * adjusted vectors to the folder (`adjusted/`), and writes a new model folder atomically. One
 * progress line per epoch on stderr; Ctrl-C cancels and writes nothing (exit 130).
 */
export async function runFineTune(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  const file = positionals[0]!;
  const loss = values.loss as FineTuneLoss | undefined;
  if (loss !== undefined && !FINE_TUNE_LOSSES.includes(loss)) throw new CliError(`--loss must be one of ${FINE_TUNE_LOSSES.join(', ')}, got '${String(loss)}'`);
  const epochs = intOption(values.epochs, 'epochs', 10);
  // Share of training groups held out to choose the epoch count (≤ --epochs); 0: train --epochs.
  const validation = numberOption(values.validation, 'validation', DEFAULT_VALIDATION_FRACTION, [0, 0.5]);
  const batchSize = intOption(values['batch-size'], 'batch-size', 32);
  // Without --lr the job takes its base's default: 0.01 for char-n-gram, 1e-3 for transformer adapters.
  const lr = values.lr === undefined ? undefined : numberOption(values.lr, 'lr', 0, [1e-9, 10]);
  const seed = intOption(values.seed, 'seed', 42);
  const adapter = values.adapter;
  if (adapter !== undefined && adapter !== 'linear' && adapter !== 'mlp') throw new CliError(`--adapter must be linear or mlp, got '${String(adapter)}'`);
  const adjust = values.adjust as AdjustMethod | undefined;
  if (adjust !== undefined && !ADJUST_METHODS.includes(adjust)) throw new CliError(`--adjust must be one of ${ADJUST_METHODS.join(', ')}, got '${String(adjust)}'`);
  const out = outOption(values.out);
  const base = baseModelOption(values.model);
  if (adapter === 'mlp' && !isTransformerFolder(base.dir)) throw new CliError(`--adapter mlp is for transformer models; ${base.id} is a char-n-gram model, whose table is trained instead`);
  const { text } = readLearningInput(file, values.format);

  const stderr = (s: string) => process.stderr.write(s + '\n');
  const onProgress = (e: JobProgress) => {
    if (e.type === 'start' && e.stage === 'choose-epochs') stderr(`choosing the number of epochs on held-out groups: ${e.pairs} pairs, at most ${e.epochs} epochs × ${e.stepsPerEpoch} steps`);
    else if (e.type === 'start') stderr(`fine-tuning on ${e.pairs} pairs: ${e.epochs} epochs × ${e.stepsPerEpoch} steps`);
    else if (e.type === 'epoch') stderr(`epoch ${e.epoch}/${e.epochs}  loss ${e.meanLoss.toFixed(4)}  ${(e.elapsedMs / 1000).toFixed(1)} s`);
    else if (e.type === 'phase') stderr(`${e.message}…`);
  };
  const interrupt = interruptSignal();
  let result: FineTuneOutput;
  try {
    result = await runToFolder<FineTuneOutput>(
      {
        kind: 'fineTune',
        text,
        dictionary: path.resolve(file),
        baseDir: base.dir,
        baseId: base.id,
        stagingDir: stagingFor(out),
        modelName: path.basename(out),
        loss,
        epochs,
        validation,
        batchSize,
        lr,
        seed,
        shapeFeatures: values['no-shape-features'] ? false : undefined,
        learnOrderWeights: values['order-weights'] ? true : undefined,
        adapter,
        adjust,
      },
      out,
      { signal: interrupt.signal, onProgress },
    );
  } catch (e) {
    return learningFailure(e, 'fine-tuning');
  } finally {
    interrupt.dispose();
  }
  const r = result.report;
  if (values.json) {
    const json = {
      model_dir: out,
      report: path.join(out, 'report.json'),
      base_model: r.baseModelId,
      loss: r.loss,
      epochs: r.epochSelection?.epochs ?? epochs,
      max_epochs: epochs,
      validation,
      ...(r.epochSelection
        ? {
            epoch_selection: {
              best_epoch: r.epochSelection.bestEpoch,
              redone: r.epochSelection.redone,
              fallback: r.epochSelection.fallback,
              validation_pairs: r.epochSelection.validationPairs,
              auc_by_epoch: r.epochSelection.aucByEpoch,
              random_cos_rise_by_epoch: r.epochSelection.randomCosRiseByEpoch,
            },
          }
        : {}),
      batch_size: batchSize,
      lr: r.hyperParameters.lr,
      seed,
      ...(r.hyperParameters.shapeFeatures !== undefined ? { shape_features: r.hyperParameters.shapeFeatures, order_weights: r.hyperParameters.learnOrderWeights ?? false } : {}),
      ...(r.hyperParameters.adapter ? { adapter: r.hyperParameters.adapter } : {}),
      ...(r.adjusted ? { adjusted: { method: r.adjusted.method, terms: r.adjusted.terms, moved_terms: r.adjusted.movedTerms } } : {}),
      data: r.data,
      epoch_losses: r.epochLosses,
      before: r.before,
      after: r.after,
    };
    process.stdout.write(JSON.stringify(json, null, 2) + '\n');
  } else {
    const s = r.epochSelection;
    if (s) {
      process.stdout.write(
        s.fallback
          ? `epochs: ${s.epochs} (epoch ${s.bestEpoch} scored best on held-out training groups, but its final run failed the collapse guard)\n`
          : `epochs: ${s.epochs} of at most ${s.maxEpochs}, chosen on ${s.validationPairs} held-out training pairs (AUC ${s.aucByEpoch[0]!.toFixed(3)} → ${s.aucByEpoch[s.bestEpoch]!.toFixed(3)})\n`,
      );
    }
    process.stdout.write(`Held-out evaluation (${r.data.dev} pairs in groups not trained on):\n\n${evaluationMarkdown(r.before, r.after, ['base', 'fine-tuned'])}\n`);
    if (r.adjusted) {
      process.stdout.write(
        `adjusted vectors (${r.adjusted.method}): moved ${r.adjusted.movedTerms} of ${r.adjusted.terms} dictionary terms, written to adjusted/ (the evaluation above is without them)\n`,
      );
    }
    process.stdout.write(`wrote ${out} (${readdirSync(out).sort().join(', ')})\n`);
  }
  return 0;
}
