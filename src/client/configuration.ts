import * as vscode from 'vscode';
import type { DocumentSelector } from 'vscode-languageclient';

/** Settings that an untrusted workspace may not set (also declared in package.json `restrictedConfigurations`). */
export const restrictedSettings = ['model'] as const;

/** One item of a `workspace/configuration` request, as the client middleware sees it. */
export interface ConfigurationItemLike {
  section?: string;
  scopeUri?: string;
}

/**
 * Replaces restricted `synonymLens.*` values in a `workspace/configuration` result by their user
 * (global) values, so that an untrusted workspace cannot point the server at a model of its choosing.
 * `userValue(key)` returns the user setting or the default. Results are copied, never mutated.
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
      return { ...result, synonymLens: patch(result.synonymLens, userValue) };
    }
    if (section === 'synonymLens') return isObject(result) ? patch(result, userValue) : result;
    for (const key of restrictedSettings) if (section === `synonymLens.${key}`) return userValue(key);
    return result;
  });
}

function patch(settings: Record<string, unknown>, userValue: (key: string) => unknown): Record<string, unknown> {
  const copy = { ...settings };
  for (const key of restrictedSettings) copy[key] = userValue(key);
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
