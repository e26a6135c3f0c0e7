/**
 * The decisions file beside a dictionary (`<name>.decisions.csv`, core/decisions.ts), as the
 * diagnostics read it: a pair decided "not a synonym" there is scored as a label-0 pair (flagged
 * only when the model finds it too similar), one decided "synonym" as a label-1 pair. Read from
 * disk, cached by modification time and size; a file that does not read counts as no decisions
 * (the CLI and the suggestions name its bad line).
 */
import { readFileSync, statSync } from 'node:fs';
import { DecisionIndex, decisionsPathFor, parseDecisions } from '../core/decisions';
import { fsPath } from './uris';

/** A dictionary's decisions and a key that changes whenever they do. */
export interface Decided {
  index: DecisionIndex;
  key: string;
}

const cache = new Map<string, { stamp: string; decided: Decided | undefined }>();

/** The decisions of the dictionary at `uri` (undefined: no decisions file, or one that does not read). */
export function decisionsOf(uri: string): Decided | undefined {
  const file = fsPath(uri);
  if (!file) return undefined;
  const path = decisionsPathFor(file);
  let stamp: string;
  try {
    const s = statSync(path);
    if (!s.isFile()) return undefined;
    stamp = `${s.mtimeMs}:${s.size}`;
  } catch {
    cache.delete(path);
    return undefined;
  }
  const hit = cache.get(path);
  if (hit?.stamp === stamp) return hit.decided;
  let decided: Decided | undefined;
  try {
    const index = new DecisionIndex(parseDecisions(readFileSync(path, 'utf8')));
    decided = index.size > 0 ? { index, key: `${path}@${stamp}` } : undefined;
  } catch {
    decided = undefined;
  }
  cache.set(path, { stamp, decided });
  return decided;
}
