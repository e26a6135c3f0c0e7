import * as vscode from 'vscode';
import { DICTIONARY_LANGUAGES } from '../shared/languages';
import type { ModelStatusParams } from '../shared/protocol';

/**
 * The language status item of a synonym dictionary: which model the server uses, whether it is
 * loading, ready or failed, and how many terms it has embedded. The server drives it through
 * `synonymLens/modelStatus`; the client adds its own states (starting, stopped, limited mode).
 */
export class ModelStatusItem implements vscode.Disposable {
  private readonly item: vscode.LanguageStatusItem;
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the new text whenever the item changes (tests wait on it rather than polling). */
  readonly onDidChange = this.changed.event;
  private limited = false;
  private last: ModelStatusParams | undefined;

  constructor() {
    this.item = vscode.languages.createLanguageStatusItem('synonymLens.model', DICTIONARY_LANGUAGES.map((language) => ({ language })));
    this.item.name = vscode.l10n.t('Synonym Lens model');
    this.item.command = { command: 'synonymLens.restartServer', title: vscode.l10n.t('Restart') };
    this.starting();
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
        this.show(`$(sync~spin) ${vscode.l10n.t('Loading model…')}`, status.modelId, vscode.LanguageStatusSeverity.Information, true);
        break;
      case 'ready':
        this.show(
          vscode.l10n.t('{0} · {1} terms', status.modelId, status.vocabularySize),
          '',
          vscode.LanguageStatusSeverity.Information,
          false,
        );
        break;
      case 'error':
        this.show(`$(error) ${vscode.l10n.t('Model failed')}`, status.error ?? status.modelId, vscode.LanguageStatusSeverity.Error, false);
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
    this.changed.dispose();
    this.item.dispose();
  }
}
