/** What the learning commands (`fine-tune`, `adjust`, `evaluate`) share: input, model, Ctrl-C. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseDictionary } from '../../core/csv/parse';
import { LearningCancelledError } from '../../core/learn/types';
import { dictionaryPairs } from '../../server/learn/pipeline';
import { builtinV1ModelDir } from '../../server/model/load';
import { resolveTransformerSpec } from '../../server/model/transformer';
import { CliError } from '../errors';
import { readTextFile } from '../input';

/** Exit code of a run cancelled with Ctrl-C (128 + SIGINT, as shells report it). */
export const EXIT_CANCELLED = 130;

/** Reads a dictionary for learning: CSV errors and a file without synonym pairs are user errors. */
export function readLearningInput(file: string): { text: string; pairs: ReturnType<typeof dictionaryPairs> } {
  const text = readTextFile(file);
  const errors = parseDictionary(text).problems.filter((p) => p.severity === 'error');
  if (errors.length) {
    const p = errors[0]!;
    throw new CliError(`'${file}' has ${errors.length} CSV error${errors.length === 1 ? '' : 's'}; fix them first (line ${p.range.start.line + 1}: ${p.message})`);
  }
  try {
    return { text, pairs: dictionaryPairs(text) };
  } catch (e) {
    throw new CliError(`'${file}': ${(e as Error).message}`);
  }
}

/** `--out`: required, and never an existing folder (models are never overwritten). */
export function outOption(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new CliError('--out <dir> is required (a new folder for the model)');
  const out = path.resolve(value);
  if (existsSync(out)) throw new CliError(`--out '${value}' already exists; choose a new folder (models are never overwritten)`);
  return out;
}

/**
 * `--model` for training: `builtin`, a model folder (char-n-gram or transformer), or a transformer
 * `org/name` downloaded with `model download` or in the Hugging Face cache; returns its folder and id.
 */
export function baseModelOption(value: unknown): { dir: string; id: string; spec: string } {
  const spec = typeof value === 'string' && value.trim() !== '' ? value.trim() : 'builtin';
  // Fine-tuning trains the char n-gram table; the embedded model's v1 folder is that table alone.
  if (spec === 'builtin') return { dir: builtinV1ModelDir(), id: 'builtin', spec };
  const transformer = resolveTransformerSpec(spec);
  if (transformer !== undefined) return { dir: transformer, id: path.basename(transformer), spec: transformer };
  const dir = path.resolve(spec);
  if (!existsSync(path.join(dir, 'config.json'))) throw new CliError(`--model '${spec}' is not a model folder (no config.json)`);
  return { dir, id: path.basename(dir), spec: dir };
}

/** An AbortSignal fired by the first Ctrl-C (SIGINT); a second Ctrl-C exits at once. */
export function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(EXIT_CANCELLED);
    process.stderr.write('synonym-lens: cancelling…\n');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: abort.signal, dispose: () => process.off('SIGINT', onSigint) };
}

export function isCancelled(e: unknown): boolean {
  return e instanceof LearningCancelledError || (e instanceof Error && e.name === 'CancelledError');
}

/** Turns a job failure into the CLI's outcome: cancelled → 130 with a note, else a user error. */
export function learningFailure(e: unknown, what: string): number {
  if (isCancelled(e)) {
    process.stderr.write(`synonym-lens: ${what} cancelled; nothing was written\n`);
    return EXIT_CANCELLED;
  }
  if (e instanceof CliError) throw e;
  throw new CliError(`${what} failed: ${(e as Error).message}`);
}
