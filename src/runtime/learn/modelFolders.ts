/**
 * The model folders next to a dictionary on disk: the `.gitignore` of the work folder, listing the
 * folders (core's `describeModelFolder`) and removing all but the newest N after a job
 * (`synonymLens.fineTune.keepModels`, `fine-tune --keep`).
 */
import { lstatSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeModelFolder, foldersToRemove, WORK_FOLDER_GITIGNORE, type ModelFolder } from '../../core/modelFolders';
import { WORK_FOLDER } from '../../shared/conventions';

/**
 * Writes `.gitignore` (`*`) into the work folder `.synonym-lens` that `modelsDir` is in, unless the
 * folder has one (the user's own is never replaced). A `modelsDir` outside a work folder (an
 * explicit output folder) gets nothing. Best effort: a read-only folder fails later, with the
 * job's own error.
 */
export function ignoreWorkFolder(modelsDir: string): void {
  const work = path.dirname(modelsDir);
  if (path.basename(work) !== WORK_FOLDER) return;
  try {
    writeFileSync(path.join(work, '.gitignore'), WORK_FOLDER_GITIGNORE, { flag: 'wx' });
  } catch {
    // EEXIST (kept as it is) or a folder we cannot write to (the job reports that).
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Bytes of the files under `dir` (symbolic links count as themselves, never followed). */
export function folderBytes(dir: string): number {
  let total = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const p = path.join(dir, name);
    try {
      const s = lstatSync(p);
      total += s.isDirectory() ? folderBytes(p) : s.size;
    } catch {
      // Removed meanwhile.
    }
  }
  return total;
}

/** A model folder and its absolute path. */
export interface ModelFolderOnDisk extends ModelFolder {
  dir: string;
}

/** The model folders in `modelsDir` (hidden staging folders and files skipped), newest first unsorted. */
export function listModelFolders(modelsDir: string): ModelFolderOnDisk[] {
  let names: string[];
  try {
    names = readdirSync(modelsDir);
  } catch {
    return [];
  }
  const out: ModelFolderOnDisk[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const dir = path.join(modelsDir, name);
    let stat;
    try {
      stat = lstatSync(dir);
    } catch {
      continue;
    }
    if (!stat.isDirectory()) continue;
    out.push({ ...describeModelFolder(name, readJson(path.join(dir, 'config.json')), readJson(path.join(dir, 'synonym-lens.json')), stat.mtimeMs, folderBytes(dir)), dir });
  }
  return out;
}

const real = (p: string): string => {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
};

/**
 * Removes all but the newest `keep` fine-tuned and adjusted folders of `modelsDir`, never one of
 * `protect` (absolute paths or model specs: the model in use, the folder just written; compared
 * by real path) and never a folder of another kind. Returns what was removed.
 */
export function pruneModelFolders(modelsDir: string, keep: number, protect: readonly string[]): ModelFolderOnDisk[] {
  const folders = listModelFolders(modelsDir);
  const guarded = new Set(protect.filter((p) => path.isAbsolute(p)).map(real));
  const protectedNames = new Set(folders.filter((f) => guarded.has(real(f.dir))).map((f) => f.name));
  const removed: ModelFolderOnDisk[] = [];
  for (const f of foldersToRemove(folders, keep, protectedNames)) {
    try {
      // A symbolic link named like a model was skipped when listing; a folder replaced meanwhile is left.
      if (!statSync(f.dir).isDirectory()) continue;
      rmSync(f.dir, { recursive: true, force: true });
      removed.push(f);
    } catch {
      // Busy or not ours to remove: kept, and not reported as freed.
    }
  }
  return removed;
}
