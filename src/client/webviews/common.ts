/** What every Synonym Lens webview shares on the host side: options, HTML, typed posting. */
import * as vscode from 'vscode';
import type { ResponseMessage } from '../../shared/webviewProtocol';
import { makeNonce, webviewHtml, type WebviewHtmlOptions } from './html';
import { watchPageReady } from './pageWatchdog';
import { webviewStrings } from './strings';

/** The only folders a webview may load from: the bundles and the style sheets. */
export function resourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: resourceRoots(extensionUri) };
}

/**
 * Sets the page of `view` (`dist/webview/<view>.js`, `media/webview.css` + `media/<view>.css`) in
 * `panel`, with its texts in VS Code's display language, and sets it again (a fresh nonce makes it
 * a new page) while it does not say `ready` — a script the webview's service worker gave up on
 * leaves the page blank otherwise (see pageWatchdog.ts). Watching ends with the panel.
 */
export function showPage(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, view: WebviewHtmlOptions['view'], title: string): void {
  const { webview } = panel;
  const asUri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
  const render = () => {
    webview.html = webviewHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: asUri('dist', 'webview', `${view}.js`),
      styleUris: [asUri('media', 'webview.css'), asUri('media', `${view}.css`)],
      title,
      view,
      strings: webviewStrings(view, vscode.l10n),
      lang: vscode.env.language,
    });
  };
  render();
  const watchdog = watchPageReady({ reload: render });
  const subscriptions = [
    webview.onDidReceiveMessage((m: unknown) => {
      if (isMessage(m) && m.type === 'ready') watchdog.ready();
    }),
    panel.onDidDispose(() => {
      watchdog.dispose();
      vscode.Disposable.from(...subscriptions).dispose();
    }),
  ];
}

/** A typed wrapper over `postMessage`; a message to a disposed webview is dropped. */
export class Channel<To> {
  constructor(private readonly webview: vscode.Webview) {}

  post(message: To): void {
    // postMessage resolves false when the webview is hidden or gone; the webview asks again
    // (`ready`) when it comes back, so a lost message needs no retry.
    this.webview.postMessage(message).then(undefined, () => undefined);
  }

  respond(requestId: number, result?: unknown): void {
    this.post({ type: 'response', requestId, ok: true, result } satisfies ResponseMessage as To);
  }

  fail(requestId: number, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.post({ type: 'response', requestId, ok: false, error: message } satisfies ResponseMessage as To);
  }
}

/** A message from a webview is untrusted input: it must at least be an object with a `type`. */
export function isMessage(m: unknown): m is { type: string; requestId?: unknown } {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}

export const isInt = (x: unknown): x is number => Number.isInteger(x);
export const isStringArray = (x: unknown): x is string[] => Array.isArray(x) && x.every((v) => typeof v === 'string');

/** Converts a core range (plain object) to a `vscode.Range`. */
export function toRange(r: { start: { line: number; character: number }; end: { line: number; character: number } }): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/**
 * Shows `range` of `document` selected and centred: in the text editor already showing the
 * document when there is one (a second copy beside the webview would hide what the user just
 * arranged), else in a text editor beside the webview.
 */
export async function revealInTextEditor(document: vscode.TextDocument, range: vscode.Range): Promise<void> {
  const uri = document.uri.toString();
  const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri && e.viewColumn !== undefined);
  const viewColumn = visible?.viewColumn ?? vscode.ViewColumn.Beside;
  const editor = await vscode.window.showTextDocument(document, { viewColumn, selection: range, preserveFocus: false });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
