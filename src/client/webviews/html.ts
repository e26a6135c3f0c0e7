/**
 * The HTML shell of every Synonym Lens webview. Pure (no `vscode` import) so the Chromium tests
 * load exactly the page, and exactly the Content-Security-Policy, that VS Code shows.
 */

export interface WebviewHtmlOptions {
  /** `webview.cspSource`: the origin scripts and styles are loaded from. */
  cspSource: string;
  /** A fresh random nonce per render; only the bundle's script tag carries it. */
  nonce: string;
  /** `asWebviewUri` of the bundle (`dist/webview/<name>.js`). */
  scriptUri: string;
  /** `asWebviewUri` of the style sheets (`media/*.css`). */
  styleUris: readonly string[];
  title: string;
  /** Which view the bundle renders; set on `<body data-view>` for tests and styles. */
  view: 'table' | 'heatmap' | 'report' | 'suggestions';
  /**
   * The view's user-visible texts (strings.ts), as `<body data-strings>` JSON: an attribute, not a
   * script, so the CSP stays as it is, and the page has them before it draws anything.
   */
  strings: object;
  /** The display language (`vscode.env.language`, e.g. `en`, `zh-cn`), as `<html lang>`. */
  lang: string;
}

/** A nonce of 32 URL-safe characters from the platform's CSPRNG. */
export function makeNonce(): string {
  const bytes = new Uint8Array(24);
  globalThis.crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML attribute or text node (the shell holds URIs, a title and the strings' JSON). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/**
 * The page: CSP `default-src 'none'`; scripts only with the nonce; styles and images (data: for
 * canvas exports, blob: for none) from the extension's own resources. Constructable style sheets
 * (used by the `@vscode-elements` components) are not subject to `style-src`, so no
 * `'unsafe-inline'` is needed; inline `style=` attributes are never written, only CSSOM properties.
 */
export function webviewHtml(o: WebviewHtmlOptions): string {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${o.nonce}'`,
    `style-src ${o.cspSource}`,
    `img-src ${o.cspSource} data:`,
    `font-src ${o.cspSource}`,
  ].join('; ');
  const styles = o.styleUris.map((u) => `<link rel="stylesheet" href="${escapeHtml(u)}">`).join('\n    ');
  return `<!DOCTYPE html>
<html lang="${escapeHtml(o.lang)}">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${styles}
    <title>${escapeHtml(o.title)}</title>
  </head>
  <body data-view="${o.view}" data-strings="${escapeHtml(JSON.stringify(o.strings))}">
    <div id="app" role="application" aria-busy="true"></div>
    <script nonce="${escapeHtml(o.nonce)}" src="${escapeHtml(o.scriptUri)}"></script>
  </body>
</html>
`;
}
