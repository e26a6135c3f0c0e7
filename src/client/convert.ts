/**
 * `synonymLens.convertDictionary` ("Convert Dictionary…"): writes the dictionary in view as CSV, a
 * Solr synonyms file or an Elasticsearch synonyms set — the same pairs with their directions (core's
 * `convertDictionary`) — atomically, next to the source by default.
 */
import * as vscode from 'vscode';
import { convertDictionary, DICTIONARY_FORMATS, formatOfDocument, parseAnyDictionary, type DictionaryFormat, type ParsedDictionary } from '../core/formats/dictionary';
import { activeDictionaryUri } from './activeDictionary';

const EXTENSION: Record<DictionaryFormat, string> = { csv: '.synonyms.csv', solr: '.synonyms.txt', es: '.synonyms.json' };

function formatLabel(f: DictionaryFormat): string {
  if (f === 'csv') return vscode.l10n.t('Synonym Lens CSV (term,synonym,label; label => for one-way pairs)');
  if (f === 'solr') return vscode.l10n.t('Solr synonyms file (Solr, Elasticsearch, OpenSearch)');
  return vscode.l10n.t('Elasticsearch synonyms set (JSON body of PUT _synonyms/<set>)');
}

/** Reads a dictionary document in its own format; shows the first error and returns undefined if it has one. */
export async function readDictionaryDocument(uri: vscode.Uri, title: string): Promise<ParsedDictionary | undefined> {
  const document = await vscode.workspace.openTextDocument(uri);
  const parsed = parseAnyDictionary(document.getText(), formatOfDocument(document.languageId, uri.path));
  const error = parsed.dict.problems.find((p) => p.severity === 'error');
  if (error) {
    void vscode.window.showErrorMessage(vscode.l10n.t('{0}: fix the errors first (line {1}: {2}).', title, error.range.start.line + 1, error.message));
    return undefined;
  }
  return parsed;
}

/** Writes a text file atomically: a temporary sibling renamed over the target. False (and a message) on failure. */
export async function writeTextAtomic(target: vscode.Uri, text: string, title: string): Promise<boolean> {
  const tmp = vscode.Uri.joinPath(target, '..', `.${target.path.split('/').pop()}.${Date.now()}.tmp`);
  try {
    await vscode.workspace.fs.writeFile(tmp, new TextEncoder().encode(text));
    await vscode.workspace.fs.rename(tmp, target, { overwrite: true });
    return true;
  } catch (error) {
    await vscode.workspace.fs.delete(tmp).then(undefined, () => undefined);
    void vscode.window.showErrorMessage(vscode.l10n.t('{0} failed: {1}', title, String(error)));
    return false;
  }
}

export async function convertDictionaryCommand(arg?: { uri?: string | vscode.Uri; to?: DictionaryFormat; target?: string | vscode.Uri } | vscode.Uri): Promise<vscode.Uri | undefined> {
  const title = vscode.l10n.t('Convert Dictionary');
  const opts = arg instanceof vscode.Uri ? { uri: arg } : (arg ?? {});
  const uri = typeof opts.uri === 'string' ? vscode.Uri.parse(opts.uri) : (opts.uri ?? activeDictionaryUri());
  if (!uri) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Synonym Lens: open a synonym dictionary (CSV, Solr or Elasticsearch) to convert.'));
    return undefined;
  }
  const parsed = await readDictionaryDocument(uri, title);
  if (!parsed) return undefined;
  let to = opts.to;
  if (!to) {
    const picked = await vscode.window.showQuickPick(
      DICTIONARY_FORMATS.filter((f) => f !== parsed.format).map((f) => ({ label: f, detail: formatLabel(f), format: f })),
      { title, placeHolder: vscode.l10n.t('Format') },
    );
    if (!picked) return undefined;
    to = picked.format;
  }
  const base = uri.path.split('/').pop()!.replace(/(\.synonyms)?\.(csv|tsv|txt|json)$/i, '');
  const result = convertDictionary(parsed.dict, to, base.replace(/[^A-Za-z0-9_.-]+/g, '-') || 'synonyms');
  let target = typeof opts.target === 'string' ? vscode.Uri.file(opts.target) : opts.target;
  if (!target) {
    target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.joinPath(uri, '..', `${base}${EXTENSION[to]}`), title });
    if (!target) return undefined;
  }
  if (!(await writeTextAtomic(target, result.text, title))) return undefined;
  for (const w of result.warnings) void vscode.window.showWarningMessage(`Synonym Lens: ${w}`);
  void vscode.window.showInformationMessage(vscode.l10n.t('Converted {0} rules to {1}.', result.rules, vscode.workspace.asRelativePath(target)));
  return target;
}
