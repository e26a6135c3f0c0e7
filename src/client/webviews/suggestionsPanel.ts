/**
 * The Synonym Suggestions view: "Suggest Synonyms…" asks for term lists (the
 * `synonymLens.vocabularyFiles` setting's files, held to Workspace Trust, and/or files picked in a
 * dialog), runs `synonymLens/suggest` under a cancellable notification, and shows the candidates
 * in a webview panel per dictionary. A verdict from the view is `synonymLens/decidePairs`' edit,
 * applied as a WorkspaceEdit (Ctrl+Z in the document undoes an accepted pair; the view's own undo
 * takes back exactly the text it inserted, if it is still there). "Fine-tune on Decisions" runs
 * Fine-tune Model on the dictionary; "Refresh Suggestions" runs the suggestions again with the
 * model in use.
 */
import { realpathSync } from 'node:fs';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { decisionsPathFor, decisionsSince, parseDecisions, type Decision } from '../../core/decisions';
import { Commands } from '../../shared/commands';
import { DecidePairsRequest, SuggestRequest, type DecidePairsResult, type SuggestResult } from '../../shared/protocol';
import { SUGGESTIONS_SENT, type DecisionsCount, type FromSuggestionsMessage, type SuggestionItem, type SuggestionsState, type ToSuggestionsMessage, type UndoResult } from '../../shared/webviewProtocol';
import { saveDecisionsFile } from '../decisionsDocument';
import { startedClient } from '../languageClient';
import { longRequest, targetUri } from '../learning';
import { modelFoldersBeside } from '../modelFolders';
import { termListPaths } from '../termListPaths';
import { Channel, errorText, isInt, isMessage, showPage, webviewOptions } from './common';

export const SUGGESTIONS_VIEW_TYPE = 'synonymLens.suggestions';

/** Arguments of `synonymLens.suggestSynonyms` (menus pass a Uri; tests and keybindings may name the term lists). */
export interface SuggestSynonymsArgs {
  uri?: string | vscode.Uri;
  /** Term list paths (absolute, or relative to the dictionary's folder); given, no picker is shown. */
  termLists?: string[];
}

/** Texts inserted by an applied verdict, per document, so the view can take exactly them back. */
interface Inserted {
  uri: vscode.Uri;
  /** Offsets in the document after the edit, ascending. */
  spans: { offset: number; text: string }[];
  /** Save the document after the edit and after undoing it (the decisions file, read from disk by the diagnostics). */
  save: boolean;
}

interface Verdict {
  ids: number[];
  inserted: Inserted[];
  /** When the verdict went into the dictionary itself (it has no date there), for the decisions count. */
  inDictionaryAt?: number;
}

const realpath = (p: string) => {
  try {
    return realpathSync.native(p);
  } catch {
    return p;
  }
};

/**
 * The term lists to suggest from: a quick pick of the setting's lists (all ticked) and a
 * "Choose Files…" entry for the file dialog. Undefined when the user cancelled.
 */
async function pickTermLists(dictionary: vscode.Uri): Promise<string[] | undefined> {
  const inspected = vscode.workspace.getConfiguration('synonymLens', dictionary).inspect<string[]>('vocabularyFiles');
  const asList = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
  const folder = vscode.workspace.getWorkspaceFolder(dictionary) ?? vscode.workspace.workspaceFolders?.[0];
  const { allowed, refused } = termListPaths(
    { user: asList(inspected?.globalValue) ?? [], workspace: asList(inspected?.workspaceFolderValue) ?? asList(inspected?.workspaceValue) },
    {
      trusted: vscode.workspace.isTrusted,
      base: folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined,
      workspaceFolders: (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
      realpath,
    },
  );
  if (refused.length > 0) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('This workspace is not trusted, so Synonym Lens does not read term lists its settings name outside the workspace: {0}. Pick them with "Choose Files…" or trust the workspace.', refused.join(', ')),
    );
  }
  type Item = vscode.QuickPickItem & { path?: string };
  const choose: Item = { label: `$(folder-opened) ${vscode.l10n.t('Choose Files…')}`, alwaysShow: true };
  const items: Item[] = [...allowed.map((p) => ({ label: vscode.workspace.asRelativePath(p), description: 'synonymLens.vocabularyFiles', path: p, picked: true })), choose];
  let picked: readonly Item[] = [choose];
  if (allowed.length > 0) {
    const chosen = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: vscode.l10n.t('Suggest Synonyms: term lists'),
      placeHolder: vscode.l10n.t('Term lists to find synonyms in (one term a line, or a CSV with a term and a count column)'),
    });
    if (!chosen) return undefined;
    picked = chosen;
  }
  const paths = picked.flatMap((i) => (i.path ? [i.path] : []));
  if (picked.includes(choose)) {
    const files = await vscode.window.showOpenDialog({
      canSelectMany: true,
      defaultUri: folder?.uri,
      openLabel: vscode.l10n.t('Use as Term Lists'),
      title: vscode.l10n.t('Suggest Synonyms: term lists'),
      filters: { [vscode.l10n.t('Term lists')]: ['txt', 'csv', 'tsv'], [vscode.l10n.t('All files')]: ['*'] },
    });
    if (!files) return paths.length > 0 ? paths : undefined;
    paths.push(...files.filter((f) => f.scheme === 'file').map((f) => f.fsPath));
  }
  return paths.length > 0 ? paths : undefined;
}

export class SuggestionsPanels implements vscode.Disposable {
  private readonly open = new Map<string, SuggestionsPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly getClient: () => LanguageClient | undefined,
  ) {}

  /** `synonymLens.suggestSynonyms`: `{ uri?, termLists? }`, a Uri (menus), or nothing (the dictionary in view). */
  async show(arg?: SuggestSynonymsArgs | vscode.Uri): Promise<void> {
    const uri = targetUri(arg);
    if (!uri) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Synonym Lens: open a synonym dictionary to suggest synonyms for.'));
      return;
    }
    const given = !(arg instanceof vscode.Uri) && Array.isArray(arg?.termLists) ? arg.termLists.filter((t): t is string => typeof t === 'string' && t.trim() !== '') : undefined;
    const termLists = given?.length ? given : await pickTermLists(uri);
    if (!termLists) return;
    let p = this.open.get(uri.toString());
    const created = !p;
    if (p) p.reveal();
    else {
      const panel = vscode.window.createWebviewPanel(SUGGESTIONS_VIEW_TYPE, panelTitle(uri), vscode.ViewColumn.Beside, {
        ...webviewOptions(this.extensionUri),
        retainContextWhenHidden: true,
      });
      p = this.adopt(panel, uri);
    }
    // A first run that was cancelled or failed (the notification said why) leaves no empty panel.
    if (!(await p.run(termLists)) && created) p.close();
  }

  /**
   * Restores a panel VS Code kept across a window reload: the page's state names the dictionary
   * and the term lists of its last run, which runs again (the candidates depend on the dictionary,
   * the lists and the model as they are now). A panel without that state, or of a dictionary
   * already shown, closes.
   */
  restore(panel: vscode.WebviewPanel, state: SuggestionsState | undefined): void {
    const termLists = Array.isArray(state?.termLists) ? state.termLists.filter((t): t is string => typeof t === 'string' && t !== '') : [];
    if (typeof state?.uri !== 'string' || termLists.length === 0 || this.open.has(state.uri)) {
      panel.dispose();
      return;
    }
    const uri = vscode.Uri.parse(state.uri);
    panel.webview.options = webviewOptions(this.extensionUri);
    panel.title = panelTitle(uri);
    const p = this.adopt(panel, uri);
    // Not awaited: VS Code restores the other panels meanwhile; the run has its own notification.
    void p.run(termLists).then((shown) => {
      if (!shown) p.close();
    });
  }

  private adopt(panel: vscode.WebviewPanel, uri: vscode.Uri): SuggestionsPanel {
    const key = uri.toString();
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.png');
    showPage(panel, this.extensionUri, 'suggestions', panel.title);
    const view = new SuggestionsPanel(panel, uri, this.getClient);
    this.open.set(key, view);
    panel.onDidDispose(() => {
      this.open.delete(key);
      view.dispose();
    });
    return view;
  }

  dispose(): void {
    for (const p of this.open.values()) p.dispose();
    this.open.clear();
  }
}

function panelTitle(uri: vscode.Uri): string {
  return vscode.l10n.t('Suggestions: {0}', uri.path.split('/').pop() ?? '');
}

class SuggestionsPanel implements vscode.Disposable {
  private readonly channel: Channel<ToSuggestionsMessage>;
  private readonly disposables: vscode.Disposable[] = [];
  private termLists: string[] = [];
  private items = new Map<number, SuggestionItem>();
  private nextId = 1;
  private readonly verdicts: Verdict[] = [];
  private last: SuggestResult | undefined;
  private ready = false;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly uri: vscode.Uri,
    private readonly getClient: () => LanguageClient | undefined,
  ) {
    this.channel = new Channel<ToSuggestionsMessage>(panel.webview);
    this.disposables.push(panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)));
  }

  reveal(): void {
    this.panel.reveal(this.panel.viewColumn);
  }

  /** Finds suggestions from `termLists` (kept for Refresh) and shows them; false when there are none to show (cancelled, failed). */
  async run(termLists: string[]): Promise<boolean> {
    this.termLists = termLists;
    return this.refresh();
  }

  close(): void {
    this.panel.dispose();
  }

  /** The running client; a panel restored with the window runs before the server has started, so this waits for it. */
  private client(): Promise<LanguageClient | undefined> {
    return startedClient(this.getClient());
  }

  private async refresh(): Promise<boolean> {
    const lc = await this.client();
    if (!lc) return false;
    this.channel.post({ type: 'busy', what: 'refresh' });
    try {
      // The server suggests for open documents: open it (without showing it) first.
      await vscode.workspace.openTextDocument(this.uri);
      const result = await longRequest(lc, SuggestRequest.type, { uri: this.uri.toString(), termLists: this.termLists }, vscode.l10n.t('Finding synonym suggestions'));
      if (!result) return false;
      this.last = result;
      // The highest scores only: a 100k-term list can yield more candidates than a page should hold.
      this.items = new Map(result.suggestions.slice(0, SUGGESTIONS_SENT).map((s) => [this.nextId, { ...s, id: this.nextId++ }]));
      // Verdicts of an earlier run cannot be undone from this one (their items are gone).
      this.verdicts.length = 0;
      await this.post();
      return true;
    } finally {
      this.channel.post({ type: 'busy', what: undefined });
    }
  }

  /** Sends the current run (when the page is ready for it). */
  private async post(): Promise<void> {
    if (!this.ready || !this.last) return;
    this.channel.post({
      type: 'suggestions',
      data: {
        dictionary: this.uri.path.split('/').pop() ?? '',
        uri: this.uri.toString(),
        termLists: this.termLists,
        modelId: this.last.modelId,
        newTerms: this.last.newTerms,
        items: [...this.items.values()],
        total: this.last.suggestions.length,
        decisions: await this.decisionsCount(),
      },
    });
  }

  /** Decisions since the newest fine-tuned model of this dictionary: the decisions file's, by date, and the view's verdicts recorded in the dictionary. */
  private async decisionsCount(): Promise<DecisionsCount> {
    const folders = await modelFoldersBeside(this.uri);
    const file = this.uri.fsPath;
    const tuned = folders.find((f) => f.kind === 'fine-tuned' && (f.trainingFile === undefined || f.trainingFile === file));
    let decisions: Decision[] = [];
    try {
      const decisionsUri = vscode.Uri.file(decisionsPathFor(file));
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === decisionsUri.toString());
      decisions = parseDecisions(open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(decisionsUri)));
    } catch {
      // No decisions file yet, or one that does not read (Suggest and Fine-tune say which line).
    }
    const inDictionary = this.verdicts.filter((v) => v.inDictionaryAt !== undefined && (tuned === undefined || v.inDictionaryAt > tuned.time)).reduce((n, v) => n + v.ids.length, 0);
    return { since: decisionsSince(decisions, tuned?.time) + inDictionary, hasModel: tuned !== undefined };
  }

  private async onMessage(m: unknown): Promise<void> {
    if (!isMessage(m)) return;
    const message = m as FromSuggestionsMessage;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        await this.post();
        return;
      case 'refresh':
        await this.refresh();
        return;
      case 'fineTune':
        await this.fineTune();
        return;
      case 'decide': {
        if (!isInt(message.requestId)) return;
        const ids = Array.isArray(message.ids) ? message.ids.filter((id) => isInt(id) && this.items.has(id)) : [];
        if ((message.verdict !== 'accept' && message.verdict !== 'reject') || ids.length === 0) {
          this.channel.fail(message.requestId, vscode.l10n.t('Unknown candidates.'));
          return;
        }
        try {
          await this.decide(message.verdict, ids);
          this.channel.respond(message.requestId);
          this.channel.post({ type: 'decisions', decisions: await this.decisionsCount() });
        } catch (e) {
          this.channel.fail(message.requestId, e);
        }
        return;
      }
      case 'undo': {
        if (!isInt(message.requestId)) return;
        try {
          const result: UndoResult = { ids: await this.undo() };
          this.channel.respond(message.requestId, result);
          this.channel.post({ type: 'decisions', decisions: await this.decisionsCount() });
        } catch (e) {
          this.channel.fail(message.requestId, e);
        }
        return;
      }
    }
  }

  /** Records the verdict on the items `ids` with the server's edit; throws with the reason when it cannot. */
  private async decide(verdict: 'accept' | 'reject', ids: number[]): Promise<void> {
    const lc = await this.client();
    if (!lc) throw new Error(vscode.l10n.t('The language server is not running.'));
    const pairs = ids.map((id) => this.items.get(id)!).map((s) => ({ term: s.term, candidate: s.candidate, group: s.group }));
    await vscode.workspace.openTextDocument(this.uri);
    const result: DecidePairsResult = await lc.sendRequest(DecidePairsRequest.type, { uri: this.uri.toString(), verdict, pairs });
    const inserted = await applyInserts(lc, result);
    this.verdicts.push({ ids, inserted, ...(result.recordedIn === 'dictionary' ? { inDictionaryAt: Date.now() } : {}) });
  }

  /** Takes back the last verdict's inserted text; resolves with its items (none when there is nothing to undo). */
  private async undo(): Promise<number[]> {
    const v = this.verdicts.pop();
    if (!v) return [];
    const edit = new vscode.WorkspaceEdit();
    const documents: vscode.TextDocument[] = [];
    for (const ins of v.inserted) {
      const document = await vscode.workspace.openTextDocument(ins.uri);
      const text = document.getText();
      if (ins.spans.some((s) => text.slice(s.offset, s.offset + s.text.length) !== s.text)) {
        this.verdicts.push(v);
        throw new Error(vscode.l10n.t('{0} changed since; undo there with Ctrl+Z.', vscode.workspace.asRelativePath(ins.uri)));
      }
      for (const s of ins.spans) edit.delete(ins.uri, new vscode.Range(document.positionAt(s.offset), document.positionAt(s.offset + s.text.length)));
      if (ins.save) documents.push(document);
    }
    if (!(await vscode.workspace.applyEdit(edit))) {
      this.verdicts.push(v);
      throw new Error(vscode.l10n.t('The edit could not be applied.'));
    }
    for (const d of documents) await saveDecisionsFile(d.uri);
    return v.ids;
  }

  private async fineTune(): Promise<void> {
    this.channel.post({ type: 'busy', what: 'fineTune' });
    try {
      // Unsaved verdicts in the decisions file are read from its open document by the server.
      await vscode.commands.executeCommand(Commands.fineTune, { uri: this.uri.toString() });
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Synonym Lens: {0} failed: {1}', vscode.l10n.t('Fine-tune on Decisions'), errorText(e)));
    } finally {
      this.channel.post({ type: 'busy', what: undefined });
      this.channel.post({ type: 'decisions', decisions: await this.decisionsCount() });
    }
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables.splice(0)).dispose();
  }
}

/**
 * Applies the server's edit of a verdict and returns where its inserted text now lies in each
 * document (every edit of a verdict is an insert). The decisions file is saved, because the
 * diagnostics and other tools read it from disk.
 */
async function applyInserts(lc: LanguageClient, result: DecidePairsResult): Promise<Inserted[]> {
  const edit = await lc.protocol2CodeConverter.asWorkspaceEdit(result.edit);
  const plan: Inserted[] = [];
  for (const change of result.edit.documentChanges ?? []) {
    if (!('textDocument' in change)) continue;
    const uri = vscode.Uri.parse(change.textDocument.uri);
    const exists = await vscode.workspace.fs.stat(uri).then(
      () => true,
      () => false,
    );
    const before = exists ? await vscode.workspace.openTextDocument(uri) : undefined;
    const offsetOf = (p: { line: number; character: number }) => (before ? before.offsetAt(new vscode.Position(p.line, p.character)) : 0);
    const inserts = change.edits.map((e) => ({ offset: offsetOf(e.range.start), text: 'newText' in e ? e.newText : '' })).sort((a, b) => a.offset - b.offset);
    let shift = 0;
    const spans = inserts.map((i) => {
      const span = { offset: i.offset + shift, text: i.text };
      shift += i.text.length;
      return span;
    });
    plan.push({ uri, spans, save: result.recordedIn === 'decisions' });
  }
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(vscode.l10n.t('The edit could not be applied (the document changed meanwhile?). Refresh and try again.'));
  for (const p of plan) {
    if (p.save) await saveDecisionsFile(p.uri);
  }
  return plan;
}
