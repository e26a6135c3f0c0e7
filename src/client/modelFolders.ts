/**
 * The model folders Fine-tune Model and Adjust Vectors wrote in the workspace
 * (`<dictionary dir>/.synonym-lens/models/<name>/`), read through `vscode.workspace.fs`, and
 * "Synonym Lens: Clean Up Fine-tuned Models…": a quick pick of them (the older ones beyond
 * `synonymLens.fineTune.keepModels` ticked, the model in use left out), a confirmation, and the
 * space freed.
 */
import * as vscode from 'vscode';
import { describeModelFolder, foldersToRemove, formatBytes, newestFirst, type ModelFolder } from '../core/modelFolders';
import { MODELS_FOLDER, MODELS_FOLDER_GLOB } from '../shared/conventions';
import { normalizeSettings } from '../shared/settings';

/** A model folder of the workspace. */
export interface WorkspaceModelFolder extends ModelFolder {
  uri: vscode.Uri;
}

async function readJson(uri: vscode.Uri): Promise<unknown> {
  try {
    return JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri))) as unknown;
  } catch {
    return undefined;
  }
}

/** Bytes of the files under `uri` (links are not followed). */
async function folderBytes(uri: vscode.Uri): Promise<number> {
  let total = 0;
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(uri);
  } catch {
    return 0;
  }
  for (const [name, type] of entries) {
    const child = vscode.Uri.joinPath(uri, name);
    if (type & vscode.FileType.SymbolicLink) continue;
    if (type & vscode.FileType.Directory) total += await folderBytes(child);
    else total += await vscode.workspace.fs.stat(child).then((s) => s.size, () => 0);
  }
  return total;
}

/** One folder, described from its files. */
async function describe(dir: vscode.Uri): Promise<WorkspaceModelFolder> {
  const [config, provenance, stat, bytes] = await Promise.all([
    readJson(vscode.Uri.joinPath(dir, 'config.json')),
    readJson(vscode.Uri.joinPath(dir, 'synonym-lens.json')),
    vscode.workspace.fs.stat(dir).then((s) => s.mtime, () => 0),
    folderBytes(dir),
  ]);
  return { ...describeModelFolder(dir.path.split('/').pop() ?? '', config, provenance, stat, bytes), uri: dir };
}

/** The model folders in the models folder next to `dictionary` (hidden staging folders skipped). */
export async function modelFoldersBeside(dictionary: vscode.Uri): Promise<WorkspaceModelFolder[]> {
  const models = vscode.Uri.joinPath(dictionary, '..', ...MODELS_FOLDER);
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(models);
  } catch {
    return [];
  }
  const dirs = entries.filter(([name, type]) => type === vscode.FileType.Directory && !name.startsWith('.')).map(([name]) => vscode.Uri.joinPath(models, name));
  return newestFirst(await Promise.all(dirs.map(describe)));
}

/** Every model folder of the workspace's `.synonym-lens/models/` folders, newest first. */
export async function workspaceModelFolders(): Promise<WorkspaceModelFolder[]> {
  const configs = await vscode.workspace.findFiles(`**/${MODELS_FOLDER_GLOB}/*/config.json`, '**/node_modules/**', 2000);
  const dirs = new Map(configs.map((c) => {
    const dir = vscode.Uri.joinPath(c, '..');
    return [dir.toString(), dir] as const;
  }));
  return newestFirst(await Promise.all([...dirs.values()].map(describe)));
}

/** The folder `synonymLens.model` names in the workspace (relative settings resolve against each workspace folder). */
export function currentModelFolders(): Set<string> {
  const out = new Set<string>();
  const add = (value: unknown, base?: vscode.Uri) => {
    if (typeof value !== 'string' || value.trim() === '' || value === 'builtin' || value.startsWith('builtin:')) return;
    const v = value.trim();
    if (/^([a-z]:)?[\\/]/i.test(v)) out.add(vscode.Uri.file(v).toString());
    else if (base) out.add(vscode.Uri.joinPath(base, v).toString());
  };
  const folders = vscode.workspace.workspaceFolders ?? [];
  const inspected = vscode.workspace.getConfiguration('synonymLens').inspect('model');
  add(inspected?.globalValue, folders[0]?.uri);
  add(inspected?.workspaceValue, folders[0]?.uri);
  for (const f of folders) add(vscode.workspace.getConfiguration('synonymLens', f.uri).get('model'), f.uri);
  return out;
}

/** Arguments of the clean-up command for scripts and tests: skip the pick (`select`) and the confirmation. */
export interface CleanUpArgs {
  /** `suggested`: the folders the pick would tick; an array: these folders (paths). */
  select?: 'suggested' | string[];
  /** Skip the confirmation dialog. */
  confirm?: boolean;
}

export interface CleanUpResult {
  removed: string[];
  bytes: number;
}

/** `synonymLens.cleanUpModels`: pick the model folders to remove, confirm, remove them, say what was freed. */
export async function cleanUpModels(args: CleanUpArgs = {}): Promise<CleanUpResult | undefined> {
  const title = vscode.l10n.t('Clean Up Fine-tuned Models');
  const current = currentModelFolders();
  const all = (await workspaceModelFolders()).filter((f) => f.kind !== 'other');
  const candidates = all.filter((f) => !current.has(f.uri.toString()));
  if (!candidates.length) {
    void vscode.window.showInformationMessage(
      all.length ? vscode.l10n.t('Synonym Lens: the only model folder is the model in use; nothing to clean up.') : vscode.l10n.t('Synonym Lens: there are no fine-tuned or adjusted models in this workspace.'),
    );
    return { removed: [], bytes: 0 };
  }
  // Ticked: beyond the newest `keepModels` of each models folder (as a job would remove them).
  const suggested = new Set<string>();
  const byParent = new Map<string, WorkspaceModelFolder[]>();
  for (const f of all) {
    const parent = vscode.Uri.joinPath(f.uri, '..').toString();
    byParent.set(parent, [...(byParent.get(parent) ?? []), f]);
  }
  for (const [parent, folders] of byParent) {
    const keep = normalizeSettings({ fineTune: vscode.workspace.getConfiguration('synonymLens', vscode.Uri.parse(parent)).get('fineTune') }).fineTune.keepModels;
    const protectedNames = new Set(folders.filter((f) => current.has(f.uri.toString())).map((f) => f.name));
    for (const f of foldersToRemove(folders, keep, protectedNames)) suggested.add(f.uri.toString());
  }
  let chosen: WorkspaceModelFolder[];
  if (args.select === 'suggested') chosen = candidates.filter((f) => suggested.has(f.uri.toString()));
  else if (Array.isArray(args.select)) {
    const wanted = new Set(args.select.map((p) => vscode.Uri.file(p).toString()));
    chosen = candidates.filter((f) => wanted.has(f.uri.toString()));
  } else {
    type Item = vscode.QuickPickItem & { folder: WorkspaceModelFolder };
    const items: Item[] = candidates.map((f) => ({
      label: `$(${f.kind === 'adjusted' ? 'symbol-array' : 'beaker'}) ${f.name}`,
      description: `${formatBytes(f.bytes)} · ${new Date(f.time).toLocaleString()}`,
      detail: vscode.workspace.asRelativePath(f.uri, true),
      picked: suggested.has(f.uri.toString()),
      folder: f,
    }));
    const picked = await vscode.window.showQuickPick(items, {
      title,
      canPickMany: true,
      placeHolder: vscode.l10n.t('Model folders to delete (the model in use is not listed)'),
    });
    if (!picked?.length) return undefined;
    chosen = picked.map((i) => i.folder);
  }
  if (!chosen.length) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Synonym Lens: nothing to clean up.'));
    return { removed: [], bytes: 0 };
  }
  const total = chosen.reduce((s, f) => s + f.bytes, 0);
  if (!args.confirm) {
    const remove = vscode.l10n.t('Delete');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('Delete {0} model folders ({1})? This cannot be undone.', chosen.length, formatBytes(total)),
      { modal: true, detail: chosen.map((f) => f.name).join('\n') },
      remove,
    );
    if (answer !== remove) return undefined;
  }
  const removed: string[] = [];
  let bytes = 0;
  const failed: string[] = [];
  for (const f of chosen) {
    try {
      await vscode.workspace.fs.delete(f.uri, { recursive: true, useTrash: false });
      removed.push(f.uri.fsPath);
      bytes += f.bytes;
    } catch (e) {
      failed.push(`${f.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  void vscode.window.showInformationMessage(vscode.l10n.t('Synonym Lens: deleted {0} model folders, freed {1}.', removed.length, formatBytes(bytes)));
  if (failed.length) void vscode.window.showErrorMessage(vscode.l10n.t('Synonym Lens: could not delete {0}', failed.join('; ')));
  return { removed, bytes };
}

/** What a job's notification adds when it removed older folders (`keepModels`); empty when none. */
export function removedModelsNote(removed: readonly { bytes: number }[] | undefined): string {
  if (!removed?.length) return '';
  return ' ' + vscode.l10n.t('{0} older model folders were removed ({1} freed; setting synonymLens.fineTune.keepModels).', removed.length, formatBytes(removed.reduce((s, r) => s + r.bytes, 0)));
}
