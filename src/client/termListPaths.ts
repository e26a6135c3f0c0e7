/**
 * Which term lists of `synonymLens.vocabularyFiles` Suggest Synonyms… may read, without `vscode`
 * (tested in plain Node). Workspace Trust: in an untrusted workspace a value from the workspace's
 * own settings may name only a file inside a workspace folder (after links are resolved) — a
 * workspace must not make the extension read, and show the terms of, a file elsewhere on the
 * machine. The user's own settings, and files the user picks in the file dialog, are always fine.
 */
import path from 'node:path';

export interface TermListSettingValues {
  /** The user (global) value. */
  user: readonly string[];
  /** The workspace-folder value, else the workspace value; undefined when neither is set. */
  workspace: readonly string[] | undefined;
}

export interface TermListPathOptions {
  trusted: boolean;
  /** The folder relative paths resolve against (the dictionary's workspace folder); undefined: relative paths are skipped. */
  base: string | undefined;
  /** The workspace folders' paths. */
  workspaceFolders: readonly string[];
  /** The real path of a file (links resolved), or the path itself when it cannot be resolved. */
  realpath: (p: string) => string;
}

export interface TermListPaths {
  /** Absolute paths that may be read, in setting order, each once. */
  allowed: string[];
  /** Absolute paths refused by Workspace Trust (named by workspace settings, outside the workspace). */
  refused: string[];
}

/** Whether `file` is `folder` or lies under it. */
function inside(folder: string, file: string): boolean {
  const rel = path.relative(folder, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export function termListPaths(values: TermListSettingValues, o: TermListPathOptions): TermListPaths {
  const allowed: string[] = [];
  const refused: string[] = [];
  const resolve = (p: string) => (path.isAbsolute(p) ? path.normalize(p) : o.base !== undefined ? path.resolve(o.base, p) : undefined);
  const add = (list: string[], p: string) => {
    if (!allowed.includes(p) && !refused.includes(p)) list.push(p);
  };
  // Trusted, the setting is what VS Code says it is: a workspace value replaces the user's.
  // Untrusted, the user's value holds and the workspace's adds only files inside the workspace.
  const user = o.trusted && values.workspace !== undefined ? [] : values.user;
  for (const raw of user) {
    const p = typeof raw === 'string' && raw.trim() ? resolve(raw.trim()) : undefined;
    if (p) add(allowed, p);
  }
  const folders = o.workspaceFolders.map((f) => o.realpath(f));
  for (const raw of values.workspace ?? []) {
    const p = typeof raw === 'string' && raw.trim() ? resolve(raw.trim()) : undefined;
    if (!p) continue;
    if (o.trusted || folders.some((f) => inside(f, o.realpath(p)))) add(allowed, p);
    else add(refused, p);
  }
  return { allowed, refused };
}
