/**
 * `synonymLens.showAllProblems` ("Show All Problems"): every problem of a dictionary, past the
 * Problems view's cap (`synonymLens.diagnostics.maxPerFile`), as read-only text documents of
 * `ProblemsRequest.maxLimit` problems each — one line per problem, its location a link to the
 * cell, and links to the previous and next pages. A page is fetched from the server
 * (`synonymLens/problems`) when its document opens, so 800,000 problems are never one document
 * nor one message.
 */
import * as vscode from 'vscode';
import { LSPErrorCodes, ResponseError } from 'vscode-languageclient/node';
import { Commands } from '../shared/commands';
import { ProblemsRequest, type Problem, type ProblemsResult, type ShowAllProblemsCommandArgs } from '../shared/protocol';
import { activeDictionaryUri } from './activeDictionary';
import { whenStarted, type SynonymLensClient } from './languageClient';

export const PROBLEMS_SCHEME = 'synonym-lens-problems';

/** Arguments of the command: the dictionary, and for the page links which page of which version. */
export type ShowAllProblemsArgs = Partial<ShowAllProblemsCommandArgs> & { page?: number; version?: number };

/** Where a page document came from, kept in its URI's query. */
interface PageKey {
  uri: string;
  page: number;
  version?: number;
}

/** A rendered page: its text and the links in it. */
interface Page {
  text: string;
  links: vscode.DocumentLink[];
}

/** Lines before the first problem of a page: the title, the page links, a blank line. */
const HEADER_LINES = 3;

/** The page documents: content from the server, links from what the content was made of. */
export class ProblemPages implements vscode.TextDocumentContentProvider, vscode.DocumentLinkProvider {
  private readonly pages = new Map<string, Page>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly client: SynonymLensClient) {}

  /** Registers the provider and its link provider; the page documents' links are dropped as they close. */
  register(): vscode.Disposable {
    return vscode.Disposable.from(
      this.changed,
      vscode.workspace.registerTextDocumentContentProvider(PROBLEMS_SCHEME, this),
      vscode.languages.registerDocumentLinkProvider({ scheme: PROBLEMS_SCHEME }, this),
      vscode.workspace.onDidCloseTextDocument((d) => this.pages.delete(d.uri.toString())),
    );
  }

  /** Opens a page; one already open is fetched again (the dictionary may have changed since). */
  async open(key: PageKey): Promise<vscode.TextEditor> {
    const uri = ProblemPages.uriOf(key);
    if (this.pages.has(uri.toString())) this.changed.fire(uri);
    return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
  }

  static uriOf(key: PageKey): vscode.Uri {
    const name = vscode.Uri.parse(key.uri).path.split('/').pop() ?? 'dictionary';
    const page = key.page > 0 ? ` (${key.page + 1})` : '';
    return vscode.Uri.from({ scheme: PROBLEMS_SCHEME, path: `/${name} — ${vscode.l10n.t('problems')}${page}`, query: JSON.stringify(key) });
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const key = JSON.parse(uri.query) as PageKey;
    const page = await this.render(key, token);
    this.pages.set(uri.toString(), page);
    return page.text;
  }

  provideDocumentLinks(document: vscode.TextDocument): vscode.DocumentLink[] {
    return this.pages.get(document.uri.toString())?.links ?? [];
  }

  private async render(key: PageKey, token: vscode.CancellationToken): Promise<Page> {
    const source = vscode.Uri.parse(key.uri);
    const name = source.path.split('/').pop() ?? '';
    const lc = await whenStarted(this.client.languageClient);
    if (!lc) return { text: vscode.l10n.t('Synonym Lens: the language server is not running. Run "Synonym Lens: Restart Language Server".') + '\n', links: [] };
    let result: ProblemsResult;
    try {
      result = await lc.sendRequest(ProblemsRequest.type, { uri: key.uri, version: key.version, offset: key.page * ProblemsRequest.maxLimit, limit: ProblemsRequest.maxLimit }, token);
    } catch (error) {
      const changed = error instanceof ResponseError && error.code === LSPErrorCodes.ContentModified;
      const text = changed
        ? vscode.l10n.t('{0} changed since this list was made. Run "Synonym Lens: Show All Problems" again.', name)
        : `${vscode.l10n.t('Show All Problems')}: ${error instanceof Error ? error.message : String(error)}`;
      return { text: text + '\n', links: [] };
    }
    const from = result.total ? result.offset + 1 : 0;
    const to = result.offset + result.problems.length;
    const lines = [vscode.l10n.t('{0} problems in {1} (version {2}); {3}–{4} below.', count(result.total), name, result.version, count(from), count(to))];
    const links: vscode.DocumentLink[] = [];
    // The page links: each runs the command for the neighbouring page of the same version.
    let nav = '';
    const navLink = (label: string, page: number) => {
      const start = nav.length;
      nav += label;
      const args: ShowAllProblemsArgs = { uri: key.uri, page, version: result.version };
      const link = new vscode.DocumentLink(new vscode.Range(1, start, 1, nav.length), vscode.Uri.parse(`command:${Commands.showAllProblems}?${encodeURIComponent(JSON.stringify([args]))}`));
      link.tooltip = label;
      links.push(link);
      nav += '   ';
    };
    if (key.page > 0) navLink(vscode.l10n.t('« previous page'), key.page - 1);
    if (to < result.total) navLink(vscode.l10n.t('next page »'), key.page + 1);
    lines.push(nav.trimEnd(), '');
    for (const p of result.problems) {
      const at = `${name}:${p.range.start.line + 1}:${p.range.start.character + 1}`;
      const link = new vscode.DocumentLink(new vscode.Range(lines.length, 0, lines.length, at.length), source.with({ fragment: `L${p.range.start.line + 1},${p.range.start.character + 1}` }));
      links.push(link);
      lines.push(`${at}  ${severityName(p.severity)}  ${p.code}  ${p.message.replace(/\r?\n|\r/g, ' ')}`);
    }
    if (lines.length === HEADER_LINES) lines.push(vscode.l10n.t('No problems.'));
    return { text: lines.join('\n') + '\n', links };
  }
}

/** Opens a page of the problems of a dictionary (the active one without arguments). */
export async function showAllProblems(pages: ProblemPages, args?: ShowAllProblemsArgs | vscode.Uri): Promise<vscode.TextEditor | undefined> {
  const opts: ShowAllProblemsArgs = args instanceof vscode.Uri ? { uri: args.toString() } : (args ?? {});
  const uri = opts.uri ?? activeDictionaryUri()?.toString();
  if (!uri) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Synonym Lens: open a synonym dictionary to list its problems.'));
    return undefined;
  }
  // The server lists problems of open documents only.
  await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  return pages.open({ uri, page: Math.max(0, Math.floor(opts.page ?? 0)), ...(opts.version !== undefined ? { version: opts.version } : {}) });
}

function severityName(severity: Problem['severity']): string {
  switch (severity) {
    case 1:
      return vscode.l10n.t('error');
    case 2:
      return vscode.l10n.t('warning');
    case 3:
      return vscode.l10n.t('info');
    default:
      return vscode.l10n.t('hint');
  }
}

const count = (n: number) => n.toLocaleString(vscode.env.language);
