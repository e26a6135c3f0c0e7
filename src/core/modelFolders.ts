/**
 * The model folders Fine-tune Model and Adjust Vectors write next to a dictionary
 * (`.synonym-lens/models/<name>/`), described from the JSON files they carry, and which of them a
 * clean-up keeps. Pure: the runtime (after a job, the CLI) and the extension host (the clean-up
 * command, the heatmap's model list) read the files and call these.
 */

/** What wrote a model folder. */
export type ModelFolderKind = 'fine-tuned' | 'adjusted' | 'other';

export interface ModelFolder {
  /** The folder's name (its id in reports). */
  name: string;
  kind: ModelFolderKind;
  /** When it was made, in ms since the epoch: the recorded date, else the folder's mtime. */
  time: number;
  /** Bytes of every file in the folder, recursively. */
  bytes: number;
  /** The training dictionary's path as recorded (fine-tuned folders). */
  trainingFile?: string;
  /** SHA-256 (hex) of the training dictionary's text as recorded (fine-tuned and adjusted folders). */
  trainingSha256?: string;
  /** The base model's id as recorded. */
  baseModel?: string;
}

const rec = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Describes a folder from its parsed `config.json` and `synonym-lens.json` (undefined when absent
 * or unreadable), its mtime and its size. A `synonym-lens.json` marks a fine-tuned folder; a
 * `config.json` of `model_type` `synonym-lens-adjusted` an adjusted-vector table.
 */
export function describeModelFolder(name: string, config: unknown, provenance: unknown, mtimeMs: number, bytes: number): ModelFolder {
  const c = rec(config);
  const p = rec(provenance);
  const adjusted = c.model_type === 'synonym-lens-adjusted';
  const kind: ModelFolderKind = provenance !== undefined && Object.keys(p).length > 0 ? 'fine-tuned' : adjusted ? 'adjusted' : 'other';
  const dated = Date.parse(str(p.date) ?? str(c.date) ?? '');
  const trainingSha256 = str(p.training_file_sha256) ?? str(c.training_file_sha256);
  const baseModel = str(p.base_model) ?? str(c.base_model_id);
  return {
    name,
    kind,
    time: Number.isFinite(dated) ? dated : mtimeMs,
    bytes,
    ...(str(p.training_file) !== undefined ? { trainingFile: str(p.training_file) } : {}),
    ...(trainingSha256 !== undefined ? { trainingSha256 } : {}),
    ...(baseModel !== undefined ? { baseModel } : {}),
  };
}

/** Newest first (by `time`, then name, so the order is total). */
export function newestFirst<T extends Pick<ModelFolder, 'name' | 'time'>>(folders: readonly T[]): T[] {
  return [...folders].sort((a, b) => b.time - a.time || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
}

/**
 * Which fine-tuned and adjusted folders a clean-up removes: all but the newest `keep` of them, never
 * one whose name is in `protectedNames` (the model in use, the folder just written). Folders of
 * kind `other` (put there by hand) are never removed. `keep` < 0 is read as 0.
 */
export function foldersToRemove<T extends Pick<ModelFolder, 'name' | 'time' | 'kind'>>(folders: readonly T[], keep: number, protectedNames: ReadonlySet<string>): T[] {
  const ours = newestFirst(folders.filter((f) => f.kind !== 'other'));
  return ours.slice(Math.max(0, Math.floor(keep))).filter((f) => !protectedNames.has(f.name));
}

/** A size for people: `512 B`, `17.2 MB`, `1.4 GB` (decimal units, as file managers show them). */
export function formatBytes(bytes: number): string {
  if (!(bytes >= 1000)) return `${Math.max(0, Math.round(bytes || 0))} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = bytes / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

/**
 * Contents of the `.gitignore` written into a dictionary's `.synonym-lens/` folder on first use: the
 * folder holds generated models (about 17 MB each) that do not belong in version control.
 */
export const WORK_FOLDER_GITIGNORE = '# Written by Synonym Lens: generated models and files, kept out of version control.\n*\n';
