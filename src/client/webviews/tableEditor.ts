/**
 * The synonym table: a `CustomTextEditorProvider` whose model is the text document itself
 * (vscode-extension-samples `custom-editor-sample`). The webview renders the document's text and
 * asks for edits; every edit is a `WorkspaceEdit` built from core's edits — a CSV's row edits, or
 * a Solr file's or ES synonyms set's term and rule edits in that file's syntax — so undo, redo,
 * save and the dirty state are VS Code's own and every byte outside the edited term or record is kept.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { UnsafeEditError, type TextEdit } from '../../core/csv';
import { formatOfDocument, type DictionaryFormat } from '../../core/formats/dictionary';
import { deleteRuleEdits, insertRuleEdits, RuleEditError, ruleTermEdits } from '../../core/formats/tableEdits';
import { Commands } from '../../shared/commands';
import { PairScoresRequest } from '../../shared/protocol';
import type { FromTableMessage, ToTableMessage } from '../../shared/webviewProtocol';
import { whenStarted } from '../languageClient';
import { Channel, errorText, isInt, isMessage, isStringArray, revealInTextEditor, showPage, toRange, webviewOptions } from './common';
import { DictionaryCache, deleteRowsEdits, diagnosticsToRows, editRowEdits, insertRowEdits, rowRange } from './tableModel';

export const TABLE_VIEW_TYPE = 'synonymLens.table';

/** Scores are re-requested this long after the last change (the server re-scores on its own pace). */
const SCORE_DEBOUNCE_MS = 250;

export class TableEditorProvider implements vscode.CustomTextEditorProvider {
  private readonly cache = new DictionaryCache();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly getClient: () => LanguageClient | undefined,
  ) {}

  resolveCustomTextEditor(document: vscode.TextDocument, panel: vscode.WebviewPanel): void {
    panel.webview.options = webviewOptions(this.extensionUri);
    showPage(panel, this.extensionUri, 'table', vscode.l10n.t('Synonym Table'));
    const session = new TableSession(document, panel, this.getClient, this.cache);
    panel.onDidDispose(() => session.dispose());
  }
}

/** One open table: keeps its webview in step with the document, diagnostics and scores. */
class TableSession implements vscode.Disposable {
  private readonly channel: Channel<ToTableMessage>;
  private readonly disposables: vscode.Disposable[] = [];
  private scoreTimer: ReturnType<typeof setTimeout> | undefined;
  private scoreRequest: vscode.CancellationTokenSource | undefined;
  /** Edits are applied one after the other, each against the version the webview saw. */
  private editQueue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly document: vscode.TextDocument,
    panel: vscode.WebviewPanel,
    private readonly getClient: () => LanguageClient | undefined,
    private readonly cache: DictionaryCache,
  ) {
    this.channel = new Channel<ToTableMessage>(panel.webview);
    const uri = document.uri.toString();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() !== uri || e.contentChanges.length === 0) return;
        this.postDocument();
        this.scheduleScores();
      }),
      vscode.languages.onDidChangeDiagnostics((e) => {
        if (!e.uris.some((u) => u.toString() === uri)) return;
        this.postDiagnostics();
        // The server publishes diagnostics after scoring a version: a good moment to fetch scores.
        this.scheduleScores();
      }),
    );
  }

  dispose(): void {
    clearTimeout(this.scoreTimer);
    this.scoreRequest?.cancel();
    this.scoreRequest?.dispose();
    vscode.Disposable.from(...this.disposables.splice(0)).dispose();
  }

  /** The document's format: by its language (a file named in `synonymLens.files` by its extension). */
  private format(): DictionaryFormat {
    return formatOfDocument(this.document.languageId, this.document.uri.path);
  }

  private parsed() {
    return this.cache.parsed(this.document.uri.toString(), this.document.version, () => this.document.getText(), this.format());
  }

  private dict() {
    return this.parsed().dict;
  }

  private postDocument(): void {
    this.channel.post({ type: 'document', uri: this.document.uri.toString(), version: this.document.version, text: this.document.getText(), format: this.format() });
  }

  private postDiagnostics(): void {
    const diagnostics = vscode.languages.getDiagnostics(this.document.uri).map((d) => ({
      range: d.range,
      severity: d.severity,
      message: d.message,
      code: typeof d.code === 'object' ? d.code.value : d.code,
    }));
    this.channel.post({ type: 'diagnostics', version: this.document.version, items: diagnosticsToRows(this.dict(), diagnostics) });
  }

  private scheduleScores(): void {
    clearTimeout(this.scoreTimer);
    this.scoreTimer = setTimeout(() => void this.requestScores(), SCORE_DEBOUNCE_MS);
  }

  private async requestScores(): Promise<void> {
    this.scoreRequest?.cancel();
    this.scoreRequest?.dispose();
    const source = (this.scoreRequest = new vscode.CancellationTokenSource());
    // A table restored with the window asks before the server has started: wait for it.
    const client = await whenStarted(this.getClient());
    if (source.token.isCancellationRequested) return;
    if (!client) {
      this.channel.post({ type: 'scoresUnavailable', reason: vscode.l10n.t('The language server is not running.') });
      return;
    }
    try {
      const r = await client.sendRequest(PairScoresRequest.type, { uri: this.document.uri.toString() }, source.token);
      if (source.token.isCancellationRequested) return;
      this.channel.post({
        type: 'scores',
        version: r.version,
        modelId: r.modelId,
        threshold: r.threshold,
        negativeThreshold: r.negativeThreshold,
        pairs: r.pairs.map((p) => ({ row: p.row, term: p.term, synonym: p.synonym, label: p.label, cosine: p.cosine, flagged: p.flagged })),
      });
    } catch (error) {
      try {
        // Convention 7: the client decides what is worth logging; cancellations come back quietly.
        client.handleFailedRequest(PairScoresRequest.type, source.token, error, undefined, false);
      } catch (e) {
        if (e instanceof vscode.CancellationError) return;
        this.channel.post({ type: 'scoresUnavailable', reason: errorText(error) });
      }
    }
  }

  private onMessage(m: unknown): void {
    if (!isMessage(m)) return;
    const msg = m as FromTableMessage;
    switch (msg.type) {
      case 'ready':
        this.postDocument();
        this.postDiagnostics();
        void this.requestScores();
        return;
      case 'editRow':
      case 'editTerm':
      case 'insertRow':
      case 'deleteRows':
        if (!isInt(msg.requestId)) return;
        this.editQueue = this.editQueue.then(() => this.applyEdit(msg));
        return;
      case 'revealRow': {
        if (!isInt(msg.row)) return;
        const range = rowRange(this.dict(), msg.row, isInt(msg.column) ? msg.column : undefined);
        if (range) void revealInTextEditor(this.document, toRange(range)).then(undefined, (e: unknown) => this.showError(e));
        return;
      }
      case 'openText':
        void vscode.commands.executeCommand('vscode.openWith', this.document.uri, 'default', vscode.ViewColumn.Beside).then(undefined, (e: unknown) => this.showError(e));
        return;
      case 'openHeatmap':
        void vscode.commands
          .executeCommand(Commands.showHeatmap, { uri: this.document.uri.toString(), term: msg.term, terms: isStringArray(msg.terms) ? msg.terms : undefined })
          .then(undefined, (e: unknown) => this.showError(e));
        return;
    }
  }

  private showError(e: unknown): void {
    void vscode.window.showErrorMessage(`Synonym Lens: ${errorText(e)}`);
  }

  private async applyEdit(msg: Extract<FromTableMessage, { requestId: number }>): Promise<void> {
    try {
      if (msg.version !== this.document.version) {
        throw new Error(
          vscode.l10n.t('The document changed (version {0}, the table showed {1}); the table has been refreshed.', this.document.version, String(msg.version)),
        );
      }
      const parsed = this.parsed();
      const dict = parsed.dict;
      // A CSV's records are edited whole; a rule file's terms one by one, in its own syntax.
      const rules = parsed.format !== 'csv';
      let edits: TextEdit[];
      if (msg.type === 'editRow') {
        if (rules || !isInt(msg.row) || !isStringArray(msg.values)) throw new Error('Malformed edit request.');
        edits = editRowEdits(dict, msg.row, msg.values);
      } else if (msg.type === 'editTerm') {
        if (!rules || !isInt(msg.row) || !isInt(msg.column) || msg.column < 0 || typeof msg.value !== 'string') throw new Error('Malformed edit request.');
        edits = ruleTermEdits(parsed, msg.row, msg.column, msg.value);
      } else if (msg.type === 'insertRow') {
        if (!isStringArray(msg.values) || (msg.afterRow !== undefined && !isInt(msg.afterRow))) throw new Error('Malformed insert request.');
        edits = rules ? insertRuleEdits(parsed, msg.values, msg.afterRow) : insertRowEdits(dict, msg.values, msg.afterRow);
      } else {
        if (!Array.isArray(msg.rows) || !msg.rows.every(isInt)) throw new Error('Malformed delete request.');
        edits = rules ? deleteRuleEdits(parsed, msg.rows) : deleteRowsEdits(dict, msg.rows);
      }
      if (edits.length > 0) {
        const we = new vscode.WorkspaceEdit();
        for (const e of edits) {
          we.replace(this.document.uri, new vscode.Range(this.document.positionAt(e.start), this.document.positionAt(e.end)), e.newText);
        }
        if (!(await vscode.workspace.applyEdit(we))) throw new Error(vscode.l10n.t('VS Code refused the edit.'));
      }
      this.channel.respond(msg.requestId, { version: this.document.version });
    } catch (error) {
      this.channel.fail(
        msg.requestId,
        error instanceof UnsafeEditError
          ? new Error(vscode.l10n.t('Line {0} has a quote that is never closed, so this edit could change how the rows after it are read. Close that quote first.', error.line))
          : error instanceof RuleEditError
            ? new Error(ruleEditMessage(error))
            : error,
      );
      // Make sure the webview shows the document as it is now.
      this.postDocument();
    }
  }
}

/** Why the table cannot make an edit in a Solr file or synonyms set, for people. */
function ruleEditMessage(e: RuleEditError): string {
  const line = String(e.line ?? '');
  switch (e.problem) {
    case 'danglingEscape':
      return vscode.l10n.t('Line {0} ends with a lone backslash, which would escape the comma before a new term. Remove the backslash or write it as \\\\ first.', line);
    case 'lastTerm':
      return vscode.l10n.t('The rule on line {0} keeps at least one term on each side; delete the rule instead.', line);
    case 'noTerm':
      return vscode.l10n.t('A new rule starts with the selected rule\'s first term: select a rule first, or type the rule in the text editor.');
    case 'noSynonymsSet':
      return vscode.l10n.t('The file has no readable "synonyms_set" array to add a rule to; fix the JSON in the text editor first.');
    case 'noRule':
      return vscode.l10n.t('The rule is no longer in the document; the table has been refreshed.');
  }
}
