import * as vscode from 'vscode';
import { parseDictionary } from '../core/csv/parse';
import { uniqueTerms } from '../core/dictionary';
import { DICTIONARY_LANGUAGES } from '../shared/languages';
import type { DocumentProgressParams, ModelStatusParams } from '../shared/protocol';
import { Commands } from '../shared/commands';

/** The client counts the active file's terms itself only below this length (UTF-16 code units). */
const COUNT_MAX_CHARS = 500_000;

/**
 * The language status item of a synonym dictionary: its state word (starting, loading, ready,
 * failed), how many distinct terms the active file has, and which model the server uses — e.g.
 * `Ready · 39 terms in this file · model builtin:char-ngram-v1`. The server drives the model state
 * through `synonymLens/modelStatus`; the client adds its own states (starting, stopped, limited
 * mode) and counts the active file's terms itself, since the server's vocabulary spans every open
 * dictionary and vocabulary file. While the server reads or embeds a large active file, the item
 * shows how far it is (`synonymLens/documentProgress`), e.g. `Synonym Lens: 120,000 / 1,000,000 terms`.
 */
export class ModelStatusItem implements vscode.Disposable {
  private readonly item: vscode.LanguageStatusItem;
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the new text whenever the item changes (tests wait on it rather than polling). */
  readonly onDidChange = this.changed.event;
  private limited = false;
  private last: ModelStatusParams | undefined;
  /** Distinct terms of the active synonym dictionary; undefined when none is active. */
  private activeTerms: number | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Work in progress on large documents (`synonymLens/documentProgress`), by URI. */
  private readonly progress = new Map<string, DocumentProgressParams>();

  constructor() {
    this.item = vscode.languages.createLanguageStatusItem('synonymLens.model', DICTIONARY_LANGUAGES.map((language) => ({ language })));
    this.item.name = vscode.l10n.t('Synonym Lens model');
    this.item.command = { command: Commands.restartServer, title: vscode.l10n.t('Restart') };
    this.starting();
    this.countActiveTerms();
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(() => {
        this.countActiveTerms();
        if (this.last) this.update(this.last);
      }),
      // A closed document's work stops with it (the server sends no `done` then).
      vscode.workspace.onDidCloseTextDocument((d) => this.progress.delete(d.uri.toString())),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document) this.countActiveTerms();
      }),
    );
  }

  private countActiveTerms(): void {
    const doc = vscode.window.activeTextEditor?.document;
    // A large file is not parsed again here, on every keystroke: the status then names the model only.
    const count = doc?.languageId === 'synonym-csv' && doc.getText().length < COUNT_MAX_CHARS ? uniqueTerms(parseDictionary(doc.getText())).length : undefined;
    if (count === this.activeTerms) return;
    this.activeTerms = count;
    if (this.last) this.update(this.last);
  }

  /** The server's progress on a large document: shown while that document is the active one. */
  documentProgress(p: DocumentProgressParams): void {
    if (p.phase === 'done') this.progress.delete(p.uri);
    else this.progress.set(p.uri, p);
    if (this.last) this.update(this.last);
  }

  /** The active document's progress as the item's text, or undefined when nothing runs. */
  private progressText(): string | undefined {
    const uri = vscode.window.activeTextEditor?.document.uri.toString();
    const p = uri === undefined ? undefined : this.progress.get(uri);
    if (!p) return undefined;
    const n = (x: number) => x.toLocaleString(vscode.env.language);
    return p.phase === 'reading'
      ? vscode.l10n.t('Synonym Lens: reading the file, {0}%', Math.floor((100 * p.done) / Math.max(1, p.total)))
      : vscode.l10n.t('Synonym Lens: {0} / {1} terms', n(p.done), n(p.total));
  }

  /** Limited mode: an untrusted workspace, where the model comes from user settings only. */
  setLimited(limited: boolean): void {
    this.limited = limited;
    if (this.last) this.update(this.last);
  }

  starting(): void {
    this.last = undefined;
    this.show(`$(sync~spin) ${vscode.l10n.t('Starting language server…')}`, '', vscode.LanguageStatusSeverity.Information, true);
  }

  stopped(reason?: string): void {
    this.last = undefined;
    this.show(`$(error) ${vscode.l10n.t('Language server stopped')}`, reason ?? '', vscode.LanguageStatusSeverity.Error, false);
  }

  update(status: ModelStatusParams): void {
    this.last = status;
    switch (status.state) {
      case 'loading':
        this.show(`$(sync~spin) ${vscode.l10n.t('Loading model {0}…', status.modelId)}`, status.modelId, vscode.LanguageStatusSeverity.Information, true);
        break;
      case 'ready': {
        const progress = this.progressText();
        if (progress) {
          this.show(`$(sync~spin) ${progress}`, vscode.l10n.t('{0} terms embedded across open dictionaries and vocabulary files', status.vocabularySize), vscode.LanguageStatusSeverity.Information, true);
          break;
        }
        this.show(
          this.activeTerms === undefined
            ? vscode.l10n.t('Ready · model {0}', status.modelId)
            : vscode.l10n.t('Ready · {0} terms in this file · model {1}', this.activeTerms, status.modelId),
          vscode.l10n.t('{0} terms embedded across open dictionaries and vocabulary files', status.vocabularySize),
          vscode.LanguageStatusSeverity.Information,
          false,
        );
        break;
      }
      case 'error':
        this.show(`$(error) ${vscode.l10n.t('Failed · model {0}', status.modelId)}`, status.error ?? status.modelId, vscode.LanguageStatusSeverity.Error, false);
        break;
    }
  }

  /** What the item currently says, for logs and tests. */
  get text(): string {
    return this.item.text;
  }

  private show(text: string, detail: string, severity: vscode.LanguageStatusSeverity, busy: boolean): void {
    const limited = this.limited ? vscode.l10n.t('limited mode') : '';
    this.item.text = limited ? `${text} · ${limited}` : text;
    this.item.detail = limited
      ? [detail, vscode.l10n.t('Untrusted workspace: the model comes from user settings only.')].filter(Boolean).join(' — ')
      : detail;
    this.item.severity = severity;
    this.item.busy = busy;
    this.changed.fire(this.item.text);
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
    this.changed.dispose();
    this.item.dispose();
  }
}
