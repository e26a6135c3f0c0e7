import * as vscode from 'vscode';
import { isDictionaryLanguage } from '../shared/languages';
import type { VisibleRangesParams } from '../shared/protocol';

/** Scrolling sends at most one notification per document this often. */
const DEBOUNCE_MS = 100;

/**
 * Tells the server which lines of each dictionary its editors show (`synonymLens/visibleRanges`)
 * when an editor shows one and as it scrolls, debounced, so a large file's visible rows are
 * embedded and published first. `send` returns false while no server runs; `resendAll` follows
 * a (re)start.
 */
export class VisibleRangesReporter implements vscode.Disposable {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly send: (document: vscode.TextDocument, params: Omit<VisibleRangesParams, 'uri'>) => void) {
    this.subscriptions = [
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => this.schedule(e.textEditor.document)),
      vscode.window.onDidChangeVisibleTextEditors((editors) => {
        for (const e of editors) this.schedule(e.document);
      }),
    ];
  }

  /** Sends the visible ranges of every dictionary shown now (the server just started). */
  resendAll(): void {
    for (const e of vscode.window.visibleTextEditors) this.schedule(e.document);
  }

  private schedule(document: vscode.TextDocument): void {
    if (!isDictionaryLanguage(document.languageId)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        const ranges = vscode.window.visibleTextEditors
          .filter((e) => e.document === document)
          .flatMap((e) => e.visibleRanges)
          .map((r) => ({ start: { line: r.start.line, character: 0 }, end: { line: r.end.line, character: 0 } }));
        this.send(document, { ranges });
      }, DEBOUNCE_MS),
    );
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const s of this.subscriptions) s.dispose();
  }
}
