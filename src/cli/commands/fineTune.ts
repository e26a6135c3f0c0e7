import { evaluationMarkdown } from '../../core/learn/evaluate';
import type { FineTuneOutput, JobProgress } from '../../runtime/learn/jobs';
import { fineTuneOptions } from '../../runtime/learn/options';
import { fineTune, resolveBaseModel } from '../../runtime/learn/services';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { readDecisionsOption } from '../decisionsInput';
import { writeHuman } from '../output';
import { intOption, numberOption } from '../options';
import { cliOptionError, interruptSignal, learningFailure, outOption, readLearningInput } from './learnCommon';

/**
 * `fine-tune <file.csv> --out <dir> [--model builtin|<dir>|org/name] [--loss auto|…] [--epochs n]
 * [--validation 0.1] [--batch-size n] [--lr x] [--seed n] [--no-shape-features] [--order-weights] [--adapter linear|mlp]
 * [--adjust seed|retrofit|counterfit] [--json]`: trains the char-n-gram model's table, or a residual
 * adapter over a transformer model's frozen encoder, on the dictionary (in a worker thread),
 * evaluates before/after on held-out synonym groups, with `--adjust` adds the dictionary terms'
 * adjusted vectors to the folder (`adjusted/`), and writes a new model folder atomically. One
 * progress line per epoch on stderr; Ctrl-C cancels and writes nothing (exit 130). The rejections
 * of the decisions file beside the dictionary (`<dict>.decisions.csv`) join the pairs as label 0.
 */
export async function runFineTune(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  const file = positionals[0]!;
  // Flags become typed values here; what they may be is the learning options' rule (shared with the server).
  const base = cliOptionError(() => resolveBaseModel(values.model as string | undefined));
  const options = cliOptionError(() =>
    fineTuneOptions(
      {
        loss: values.loss,
        epochs: values.epochs === undefined ? undefined : intOption(values.epochs, 'epochs', 10),
        validation: values.validation === undefined ? undefined : numberOption(values.validation, 'validation', 0),
        batchSize: values['batch-size'] === undefined ? undefined : intOption(values['batch-size'], 'batch-size', 32),
        lr: values.lr === undefined ? undefined : numberOption(values.lr, 'lr', 0),
        seed: values.seed === undefined ? undefined : numberOption(values.seed, 'seed', 42),
        shapeFeatures: values['no-shape-features'] ? false : undefined,
        learnOrderWeights: values['order-weights'] ? true : undefined,
        adapter: values.adapter,
        adjust: values.adjust,
      },
      base,
    ),
  );
  const out = outOption(values.out);
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
    // The decisions file beside the dictionary: its rejections are hard negatives (label 0).
    const decisions = readDecisionsOption(path.resolve(file), undefined);
    result = await fineTune({ text, dictionary: path.resolve(file), base, dest: out, options, decisions }, { signal: interrupt.signal, onProgress });
  } catch (e) {
    return learningFailure(e, 'fine-tuning');
  } finally {
    interrupt.dispose();
  }
  const { epochs, validation, batchSize, seed } = options;
  const r = result.report;
  if (values.json) {
    const json = {
      model_dir: out,
      report: path.join(out, 'report.json'),
      base_model: r.baseModelId,
      loss: r.loss,
      epochs: r.epochSelection?.epochs ?? r.collapseStop?.epochs ?? epochs,
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
      ...(r.collapseStop
        ? {
            collapse_guard: {
              stopped_at: r.collapseStop.stoppedAt ?? null,
              epochs: r.collapseStop.epochs,
              limit: r.collapseStop.limit,
              rise: r.collapseStop.rise,
              random_cos_rise_by_epoch: r.collapseStop.randomCosRiseByEpoch,
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
    const c = r.collapseStop;
    if (c?.stoppedAt !== undefined) {
      writeHuman(
        `epochs: ${c.epochs} of at most ${c.maxEpochs} (too few pairs to hold out for choosing the count; epoch ${c.stoppedAt} raised the mean cosine of random term pairs ` +
          `by ${c.randomCosRiseByEpoch[c.stoppedAt]!.toFixed(3)}, more than ${c.limit}, so training stopped)\n`,
      );
    }
    if (s) {
      writeHuman(
        s.fallback
          ? `epochs: ${s.epochs} (epoch ${s.bestEpoch} scored best on held-out training groups, but its final run failed the collapse guard)\n`
          : `epochs: ${s.epochs} of at most ${s.maxEpochs}, chosen on ${s.validationPairs} held-out training pairs (AUC ${s.aucByEpoch[0]!.toFixed(3)} → ${s.aucByEpoch[s.bestEpoch]!.toFixed(3)})\n`,
      );
    }
    writeHuman(`Held-out evaluation (${r.data.dev} pairs in groups not trained on):\n\n${evaluationMarkdown(r.before, r.after, ['base', 'fine-tuned'])}\n`);
    if (r.adjusted) {
      writeHuman(
        `adjusted vectors (${r.adjusted.method}): moved ${r.adjusted.movedTerms} of ${r.adjusted.terms} dictionary terms, written to adjusted/ (the evaluation above is without them)\n`,
      );
    }
    writeHuman(`wrote ${out} (${readdirSync(out).sort().join(', ')})\n`);
  }
  return 0;
}
