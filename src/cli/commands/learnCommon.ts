/** What the learning commands (`fine-tune`, `adjust`, `evaluate`) share: input, model, Ctrl-C. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CancelledError } from '../../core/cancellation';
import { parseDictionary } from '../../core/csv/parse';
import { LearningInputError, LearningOptionError } from '../../runtime/learn/options';
import { dictionaryPairs } from '../../runtime/learn/pipeline';
import { CliError } from '../errors';
import { inputFormat, learningText } from '../dictionaryInput';

/** Exit code of a run cancelled with Ctrl-C (128 + SIGINT, as shells report it). */
export const EXIT_CANCELLED = 130;

/**
 * Reads a dictionary for learning (CSV, Solr or ES by file name or `format`): its errors and a file
 * without synonym pairs are user errors. A Solr or ES file's pairs come as CSV text (`learningText`).
 */
export function readLearningInput(file: string, format?: unknown): { text: string; pairs: ReturnType<typeof dictionaryPairs> } {
  const text = learningText(file, inputFormat(file, format));
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

/** `batchSize` → `--batch-size`: a learning option's name as the command line spells it. */
export function flagName(option: string): string {
  return '--' + option.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

/** Runs `fn`, turning the learning options' and input's errors into the CLI's usage errors. */
export function cliOptionError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw asCliError(e);
  }
}

function asCliError(e: unknown): unknown {
  if (e instanceof LearningOptionError) return new CliError(`${flagName(e.option)} ${e.problem}`);
  if (e instanceof LearningInputError) return new CliError(e.message);
  return e;
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

/** Turns a job failure into the CLI's outcome: cancelled → 130 with a note, else a user error. */
export function learningFailure(e: unknown, what: string): number {
  if (e instanceof CancelledError) {
    process.stderr.write(`synonym-lens: ${what} cancelled; nothing was written\n`);
    return EXIT_CANCELLED;
  }
  const user = asCliError(e);
  if (user instanceof CliError) throw user;
  throw new CliError(`${what} failed: ${(e as Error).message}`);
}
