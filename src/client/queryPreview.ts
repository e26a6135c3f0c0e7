/**
 * `synonymLens.previewExpansion` ("Preview Query Expansion…"): a query typed by the user, run
 * through the dictionary's rules by Lucene's SynonymGraphFilter with the configured analyzer (the
 * server's Java helper, `synonymLens/previewExpansion`), shown as a read-only document: the token
 * graph, and the token sequences the query then matches.
 */
import * as vscode from 'vscode';
import { graphPaths } from '../core/formats/tokenGraph';
import { PreviewExpansionRequest, type PreviewExpansionResult } from '../shared/protocol';
import { isDictionaryLanguage } from '../shared/languages';
import { activeDictionaryUri } from './activeDictionary';
import { startedClient, type SynonymLensClient } from './languageClient';

export const PREVIEW_SCHEME = 'synonym-lens-preview';

/** The read-only documents of the previews, by URI; each preview gets its own. */
export class ExpansionPreviews implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  add(dictionary: vscode.Uri, query: string, text: string): vscode.Uri {
    const name = dictionary.path.split('/').pop() ?? 'dictionary';
    const uri = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${name} — ${query.replace(/[/\\]/g, ' ').slice(0, 60)}.md`, query: String(this.texts.size + 1) });
    this.texts.set(uri.toString(), text);
    return uri;
  }
}

export interface PreviewExpansionArgs {
  uri?: string | vscode.Uri;
  query?: string;
}

/**
 * Asks for a query (unless `args.query` gives one), previews its expansion with the dictionary's
 * rules and returns the server's answer (undefined when cancelled or when it failed; the failure
 * is shown).
 */
export async function previewExpansion(client: SynonymLensClient, previews: ExpansionPreviews, args?: PreviewExpansionArgs | vscode.Uri): Promise<PreviewExpansionResult | undefined> {
  const opts = args instanceof vscode.Uri ? { uri: args } : (args ?? {});
  const uri = typeof opts.uri === 'string' ? vscode.Uri.parse(opts.uri) : (opts.uri ?? activeDictionaryUri());
  if (!uri) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Synonym Lens: open a synonym dictionary (CSV, Solr or Elasticsearch) to preview a query with its rules.'));
    return undefined;
  }
  const lc = await startedClient(client.languageClient);
  if (!lc) return undefined;
  const document = await vscode.workspace.openTextDocument(uri);
  if (!isDictionaryLanguage(document.languageId)) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Synonym Lens: open a synonym dictionary (CSV, Solr or Elasticsearch) to preview a query with its rules.'));
    return undefined;
  }
  const query =
    opts.query ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t('Preview Query Expansion'),
      prompt: vscode.l10n.t('A query, as users type it: Lucene runs it through the rules of {0}.', uri.path.split('/').pop() ?? ''),
      validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Type a query.')),
    }));
  if (query === undefined || !query.trim()) return undefined;
  let result: PreviewExpansionResult;
  try {
    result = await lc.sendRequest(PreviewExpansionRequest.type, { uri: document.uri.toString(), query });
  } catch (error) {
    void vscode.window.showErrorMessage(`${vscode.l10n.t('Preview Query Expansion')}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  const view = previews.add(uri, query, renderExpansion(uri, query, result));
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(view), { preview: true, viewColumn: vscode.ViewColumn.Beside });
  return result;
}

/** The preview document: what the query matches, then the graph's tokens. */
export function renderExpansion(uri: vscode.Uri, query: string, result: PreviewExpansionResult): string {
  const { paths, truncated } = graphPaths(result.tokens);
  const lines = [
    `# ${vscode.l10n.t('Query expansion of "{0}"', query)}`,
    '',
    vscode.l10n.t('{0} rules of {1}, {2} analyzer, Lucene SynonymGraphFilter.', result.rules, uri.path.split('/').pop() ?? '', result.analyzer),
    '',
    `## ${vscode.l10n.t('The query matches')}`,
    '',
    ...paths.map((p) => `- ${p.join(' ')}`),
  ];
  if (truncated) lines.push(`- ${vscode.l10n.t('… and more ({0} shown)', paths.length)}`);
  if (!paths.length) lines.push(vscode.l10n.t('Nothing: the analyzer removes every word of the query.'));
  lines.push('', `## ${vscode.l10n.t('Tokens')}`, '', `| ${vscode.l10n.t('token')} | ${vscode.l10n.t('type')} | ${vscode.l10n.t('from → to')} | ${vscode.l10n.t('query text')} |`, '|---|---|---|---|');
  for (const t of result.tokens) {
    const cell = (s: string) => s.replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`);
    lines.push(`| ${cell(t.term)} | ${cell(t.type)} | ${t.position} → ${t.position + t.positionLength} | ${cell(query.slice(t.start, t.end))} |`);
  }
  return lines.join('\n') + '\n';
}
