import * as vscode from 'vscode';
import { isDictionaryLanguage } from '../shared/languages';

/** A CSV or TSV, or a file named as a Solr synonyms file or synonyms set (the table editor's). */
const isDictionaryPath = (uri: vscode.Uri) => /\.(csv|tsv)$|\.synonyms\.(txt|json)$|(^|\/)synonyms[^/]*\.txt$/i.test(uri.path);

/**
 * The dictionary a command without an argument works on: the active text editor's (a synonym-csv
 * document or any CSV/TSV), else the active tab's (the table editor), else a visible synonym
 * dictionary, else the most recent `*.synonyms.csv` tab. The fall-backs matter when a webview is
 * focused — the walkthrough's buttons, the report — where `activeTextEditor` is undefined.
 */
export function activeDictionaryUri(): vscode.Uri | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && (isDictionaryLanguage(doc.languageId) || isDictionaryPath(doc.uri))) return doc.uri;
  const active = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if ((active instanceof vscode.TabInputCustom || active instanceof vscode.TabInputText) && isDictionaryPath(active.uri)) return active.uri;
  const visible = vscode.window.visibleTextEditors.find((e) => isDictionaryLanguage(e.document.languageId));
  if (visible) return visible.document.uri;
  for (const group of vscode.window.tabGroups.all) {
    const input = group.activeTab?.input;
    if ((input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText) && /\.synonyms\.csv$/i.test(input.uri.path)) return input.uri;
  }
  for (const tab of vscode.window.tabGroups.all.flatMap((g) => g.tabs)) {
    const input = tab.input;
    if ((input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText) && /\.synonyms\.csv$/i.test(input.uri.path)) return input.uri;
  }
  return undefined;
}
