/**
 * Which fine-tuned model the heatmap compares the dictionary's model with, without `vscode`
 * (tested in plain Node): Fine-tune Model writes `<dictionary dir>/.synonym-lens/models/<name>/`
 * with a `synonym-lens.json` provenance file carrying its `date` (vector adjustments write no such
 * file, so they are not candidates).
 */

/** A model folder next to the dictionary and its parsed `synonym-lens.json` (undefined when unreadable). */
export interface TunedCandidate {
  /** Absolute folder path. */
  dir: string;
  provenance: unknown;
}

export interface TunedModel {
  dir: string;
  /** ISO date-time of the fine-tuning run. */
  date: string;
}

/**
 * The newest fine-tuned model (by its provenance `date`) trained on `dictionaryPath`, or trained
 * on an unrecorded file. Folders whose provenance names another training file (another
 * dictionary in the same folder) are skipped; so are folders without a valid `date`.
 */
export function newestTunedModel(candidates: readonly TunedCandidate[], dictionaryPath: string | undefined): TunedModel | undefined {
  let best: (TunedModel & { time: number }) | undefined;
  for (const c of candidates) {
    if (typeof c.provenance !== 'object' || c.provenance === null) continue;
    const p = c.provenance as { date?: unknown; training_file?: unknown };
    if (typeof p.date !== 'string') continue;
    const time = Date.parse(p.date);
    if (!Number.isFinite(time)) continue;
    if (typeof p.training_file === 'string' && dictionaryPath !== undefined && !samePath(p.training_file, dictionaryPath)) continue;
    if (!best || time > best.time) best = { dir: c.dir, date: p.date, time };
  }
  return best && { dir: best.dir, date: best.date };
}

/** Paths compare case-insensitively on Windows-style paths (a drive letter), exactly elsewhere. */
function samePath(a: string, b: string): boolean {
  const norm = (p: string) => p.replace(/\\/g, '/').replace(/\/+$/, '');
  return /^[a-z]:/i.test(a) ? norm(a).toLowerCase() === norm(b).toLowerCase() : norm(a) === norm(b);
}

