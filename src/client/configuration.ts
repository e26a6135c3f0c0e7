import * as vscode from 'vscode';
import type { DocumentSelector } from 'vscode-languageclient';
import { restrictedSettingKeys } from '../shared/settings';

/** Restricted keys relative to the `synonymLens` section, e.g. `model`, `hub.endpoint`. */
export const restrictedSettings: readonly string[] = restrictedSettingKeys.map((k) => k.slice('synonymLens.'.length));

/** One item of a `workspace/configuration` request, as the client middleware sees it. */
export interface ConfigurationItemLike {
  section?: string;
  scopeUri?: string;
}

/**
 * Replaces restricted `synonymLens.*` values in a `workspace/configuration` result by their user
 * (global) values, so that an untrusted workspace cannot point the server at a model or a download
 * server of its choosing. `userValue(key)` returns the user setting or the default. Results are
 * copied, never mutated.
 */
export function restrictToUserSettings(
  items: readonly ConfigurationItemLike[],
  results: readonly unknown[],
  userValue: (key: string) => unknown,
): unknown[] {
  return results.map((result, i) => {
    const section = items[i]?.section;
    if (section === undefined || section === '') {
      if (!isObject(result) || !isObject(result.synonymLens)) return result;
      return { ...result, synonymLens: patch(result.synonymLens, restrictedSettings, userValue) };
    }
    if (!section.startsWith('synonymLens')) return result;
    const prefix = section === 'synonymLens' ? '' : section.slice('synonymLens.'.length);
    for (const key of restrictedSettings) if (key === prefix) return userValue(key);
    // A section above restricted keys (`synonymLens`, `synonymLens.hub`): patch the keys below it.
    const below = restrictedSettings.filter((k) => prefix === '' || k.startsWith(`${prefix}.`));
    if (!below.length || !isObject(result)) return result;
    return patch(result, below.map((k) => (prefix === '' ? k : k.slice(prefix.length + 1))), (rel) => userValue(prefix === '' ? rel : `${prefix}.${rel}`));
  });
}

/** A copy of `settings` with each dotted `key` set to `userValue(key)` (copying every object on the path). */
function patch(settings: Record<string, unknown>, keys: readonly string[], userValue: (key: string) => unknown): Record<string, unknown> {
  const copy = { ...settings };
  for (const key of keys) {
    const parts = key.split('.');
    let node = copy;
    for (const part of parts.slice(0, -1)) {
      const next = isObject(node[part]) ? { ...(node[part] as Record<string, unknown>) } : {};
      node[part] = next;
      node = next;
    }
    node[parts[parts.length - 1]!] = userValue(key);
  }
  return copy;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The user (global) value of a `synonymLens.*` setting, or its default. */
export function userSettingValue(key: string): unknown {
  const inspected = vscode.workspace.getConfiguration('synonymLens').inspect(key);
  return inspected?.globalValue ?? inspected?.defaultValue;
}

/**
 * The documents the server handles: the `synonym-csv` language plus `synonymLens.files` globs.
 * A glob without a leading `**` or `/` is matched anywhere in the tree (`data/*.csv` → `**\/data/*.csv`),
 * because VS Code matches string patterns against absolute paths.
 */
export function documentSelector(): DocumentSelector {
  const globs = vscode.workspace.getConfiguration('synonymLens').get<unknown>('files');
  const patterns = Array.isArray(globs) ? globs.filter((g): g is string => typeof g === 'string' && g.trim() !== '') : [];
  return [
    { language: 'synonym-csv' },
    ...patterns.map((g) => {
      const glob = g.trim().replace(/\\/g, '/');
      return { scheme: 'file', pattern: glob.startsWith('**') || glob.startsWith('/') ? glob : `**/${glob}` };
    }),
  ];
}
