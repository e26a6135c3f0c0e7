/**
 * Reads a dictionary's decisions file for the commands that honour it: `--decisions <file>`, else
 * the file next to the dictionary (`<dict>.decisions.csv`) when it exists. A file that does not
 * read stops the command with its bad line.
 */
import { existsSync } from 'node:fs';
import { decisionsPathFor, DecisionsError, parseDecisions, type Decision } from '../core/decisions';
import { CliError } from './errors';
import { readTextFile } from './input';

export function readDecisionsOption(dictFile: string, option: unknown): Decision[] {
  const file = typeof option === 'string' ? option : decisionsPathFor(dictFile);
  if (typeof option !== 'string' && !existsSync(file)) return [];
  try {
    return parseDecisions(readTextFile(file));
  } catch (e) {
    if (e instanceof DecisionsError) throw new CliError(`'${file}': ${e.message}`);
    throw e;
  }
}
