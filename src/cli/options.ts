import { CliError } from './errors';
import { loadEngine } from '../runtime/model/load';
import type { EmbeddingEngine } from '../runtime/model/engine';

/** Parses a numeric option, with a message that names the option when it is not a number. */
export function numberOption(value: unknown, name: string, fallback: number, range?: [number, number]): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(n)) {
    throw new CliError(`--${name} must be a number, got '${String(value)}'`);
  }
  if (range && (n < range[0] || n > range[1])) {
    throw new CliError(`--${name} must be between ${range[0]} and ${range[1]}, got ${n}`);
  }
  return n;
}

/** Parses a positive integer option. */
export function intOption(value: unknown, name: string, fallback: number): number {
  const n = numberOption(value, name, fallback);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`--${name} must be a positive whole number, got '${String(value)}'`);
  return n;
}

/** Loads the model named by --model (default: the embedded model), as a user-facing error on failure. */
export async function openEngine(spec: unknown): Promise<EmbeddingEngine> {
  const name = typeof spec === 'string' && spec.trim() !== '' ? spec : 'builtin';
  try {
    return await loadEngine(name);
  } catch (e) {
    throw new CliError(`cannot load model '${name}': ${(e as Error).message}`);
  }
}
