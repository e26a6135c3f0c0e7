import * as vscode from 'vscode';
import type { DocumentSelector } from 'vscode-languageclient';
import { DICTIONARY_LANGUAGES } from '../shared/languages';
export { restrictToUserSettings } from '../shared/settings';

/** The user (global) value of a `synonymLens.*` setting, or its default. */
export function userSettingValue(key: string): unknown {
  const inspected = vscode.workspace.getConfiguration('synonymLens').inspect(key);
  return inspected?.globalValue ?? inspected?.defaultValue;
}

/**
 * The documents the server handles: the dictionary languages (CSV, Solr, ES synonyms set) plus `synonymLens.files` globs.
 * A glob without a leading `**` or `/` is matched anywhere in the tree (`data/*.csv` → `**\/data/*.csv`),
 * because VS Code matches string patterns against absolute paths.
 */
export function documentSelector(): DocumentSelector {
  const globs = vscode.workspace.getConfiguration('synonymLens').get<unknown>('files');
  const patterns = Array.isArray(globs) ? globs.filter((g): g is string => typeof g === 'string' && g.trim() !== '') : [];
  return [
    ...DICTIONARY_LANGUAGES.map((language) => ({ language })),
    ...patterns.map((g) => {
      const glob = g.trim().replace(/\\/g, '/');
      return { scheme: 'file', pattern: glob.startsWith('**') || glob.startsWith('/') ? glob : `**/${glob}` };
    }),
  ];
}
