/**
 * Loads a webview bundle in headless Debian Chromium (playwright-core) the way VS Code shows it:
 * the page is `webviewHtml` (the same shell and CSP the extension serves), resources come only from
 * `dist/webview` and `media` (the panel's `localResourceRoots`), and `acquireVsCodeApi` is a fake
 * that records posted messages and state. Host → webview messages are delivered with
 * `window.postMessage`, as VS Code does. No sleeps: every wait is on a condition.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { makeNonce, webviewHtml } from '../../src/client/webviews/html';
import { webviewStrings } from '../../src/client/webviews/strings';
import { bundleLocalizer } from '../helpers/l10n';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ORIGIN = 'https://webview.test';
const ROOTS = ['dist/webview/', 'media/'];

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Fails (never skips) when the browser is missing, naming the Debian package CI installs. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}. The webview tests need Debian's "chromium" package: apt-get install -y chromium (or set CHROMIUM_PATH).`);
  }
}

let built: Promise<void> | undefined;
/** Builds the webview bundles once per test process (the same options as the product build). */
export function buildWebviews(): Promise<void> {
  built ??= (async () => {
    const { webviewBuild } = (await import(pathToFileURL(path.join(root, 'webview/build.mjs')).href)) as { webviewBuild: esbuild.BuildOptions };
    await esbuild.build({ ...webviewBuild, logLevel: 'error' });
  })();
  return built;
}

export interface Webview {
  page: Page;
  context: BrowserContext;
  /** Delivers a host → webview message. */
  send(message: unknown): Promise<void>;
  /** Messages the webview posted so far. */
  posted<T = { type: string }>(): Promise<T[]>;
  /**
   * Waits for the first message of `type` posted after the first `from` messages whose fields
   * equal those of `match` (compared as JSON).
   */
  waitForPosted<T = Record<string, unknown>>(type: string, from?: number, match?: Record<string, unknown>): Promise<T>;
  state<T>(): Promise<T>;
  /** CSP violations and page errors seen so far. */
  problems(): Promise<string[]>;
  dialogs: string[];
  close(): Promise<void>;
}

export interface OpenOptions {
  view: 'table' | 'heatmap' | 'report' | 'suggestions';
  state?: unknown;
  viewport?: { width: number; height: number };
  /** Body class VS Code sets for the theme. */
  theme?: 'vscode-dark' | 'vscode-light' | 'vscode-high-contrast';
  /**
   * VS Code's display language: the page gets the strings table the extension would send, built
   * from l10n/bundle.l10n.<language>.json (default English).
   */
  language?: 'en' | 'zh-cn';
}

/** The strings table of `view` as the host builds it for `language`. */
export function stringsFor(view: OpenOptions['view'], language: OpenOptions['language'] = 'en'): object {
  const identity = { t: (m: string) => m };
  const l10n = language === 'en' ? identity : bundleLocalizer(JSON.parse(readFileSync(path.join(root, 'l10n', `bundle.l10n.${language}.json`), 'utf8')));
  return webviewStrings(view, l10n);
}

/** A few of VS Code's theme variables, so the page renders with real-looking colours. */
const THEMES: Record<string, string> = {
  'vscode-dark': '--vscode-foreground:#cccccc;--vscode-editor-background:#1e1e1e;--vscode-editor-foreground:#d4d4d4;--vscode-focusBorder:#007fd4;--vscode-font-family:sans-serif;--vscode-font-size:13px;--vscode-errorForeground:#f48771;--vscode-charts-red:#f14c4c;--vscode-charts-green:#89d185;--vscode-charts-blue:#3794ff;--vscode-charts-yellow:#cca700;--vscode-charts-orange:#d18616;--vscode-list-activeSelectionBackground:#04395e;',
  'vscode-light': '--vscode-foreground:#616161;--vscode-editor-background:#ffffff;--vscode-editor-foreground:#000000;--vscode-focusBorder:#0090f1;--vscode-font-family:sans-serif;--vscode-font-size:13px;--vscode-errorForeground:#a1260d;--vscode-charts-red:#e51400;--vscode-charts-green:#388a34;--vscode-charts-blue:#1a85ff;--vscode-charts-yellow:#bf8803;--vscode-charts-orange:#d18616;--vscode-list-activeSelectionBackground:#0060c0;',
};

/**
 * Runs before the page's scripts: the fake `acquireVsCodeApi` (once only, like VS Code's), a record
 * of posted messages, CSP violations and errors, and the theme (body class + CSS variables, set
 * through CSSOM as VS Code does).
 */
const INIT_SCRIPT = `function (o) {
  var posted = [], problems = [], state = o.state === null ? undefined : o.state, acquired = false;
  window.__posted = posted;
  window.__problems = problems;
  window.__getState = function () { return state; };
  document.addEventListener('securitypolicyviolation', function (e) { problems.push('CSP ' + e.violatedDirective + ' ' + e.blockedURI); });
  window.addEventListener('error', function (e) { problems.push('error ' + e.message); });
  window.acquireVsCodeApi = function () {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return {
      postMessage: function (m) { posted.push(JSON.parse(JSON.stringify(m))); },
      getState: function () { return state; },
      setState: function (s) { state = JSON.parse(JSON.stringify(s)); },
    };
  };
  function applyVars() {
    o.vars.split(';').forEach(function (d) {
      var i = d.indexOf(':');
      if (i > 0) document.documentElement.style.setProperty(d.slice(0, i), d.slice(i + 1));
    });
  }
  if (document.documentElement) applyVars();
  else new MutationObserver(function (_, obs) {
    if (document.documentElement) { obs.disconnect(); applyVars(); }
  }).observe(document, { childList: true });
  document.addEventListener('DOMContentLoaded', function () { document.body.classList.add(o.theme); });
}`;

export async function openWebview(o: OpenOptions): Promise<Webview> {
  requireChromium();
  await buildWebviews();
  const profile = mkdtempSync(path.join(tmpdir(), 'synonym-lens-webview-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: o.viewport ?? { width: 1000, height: 700 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const theme = o.theme ?? 'vscode-dark';
  const html = webviewHtml({
    cspSource: ORIGIN,
    nonce: makeNonce(),
    scriptUri: `${ORIGIN}/dist/webview/${o.view}.js`,
    styleUris: [`${ORIGIN}/media/webview.css`, `${ORIGIN}/media/${o.view}.css`],
    title: o.view,
    view: o.view,
    strings: stringsFor(o.view, o.language),
    lang: o.language ?? 'en',
  });
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== ORIGIN) return route.abort();
    if (url.pathname === '/') return route.fulfill({ status: 200, contentType: 'text/html', body: html });
    const rel = url.pathname.slice(1);
    const file = path.join(root, rel);
    if (!ROOTS.some((r) => rel.startsWith(r)) || !existsSync(file)) return route.fulfill({ status: 404, body: '' });
    const type = rel.endsWith('.js') ? 'text/javascript' : rel.endsWith('.css') ? 'text/css' : 'application/octet-stream';
    return route.fulfill({ status: 200, contentType: type, body: readFileSync(file) });
  });
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  // A string, not a function: the test runner's transpiler would add helpers the page lacks.
  await page.addInitScript(`(${INIT_SCRIPT})(${JSON.stringify({ state: o.state ?? null, theme, vars: THEMES[theme] ?? THEMES['vscode-dark'] })})`);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(`pageerror ${e.message}`));
  await page.goto(`${ORIGIN}/`);
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
  return {
    page,
    context,
    dialogs,
    send: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
    posted: <T>() => page.evaluate(() => (window as unknown as { __posted: T[] }).__posted),
    waitForPosted: async <T>(type: string, from = 0, match: Record<string, unknown> = {}) => {
      // The page's CSP forbids eval, so the condition is data, not a function source.
      const handle = await page.waitForFunction(
        ({ type, from, match }) => {
          const list = (window as unknown as { __posted: Record<string, unknown>[] }).__posted.slice(from);
          // No named inner functions: the test transpiler would wrap them in a helper the page lacks.
          return list.find((m) => m.type === type && Object.entries(match).every(([k, v]) => JSON.stringify(m[k]) === JSON.stringify(v))) ?? false;
        },
        { type, from, match },
      );
      return (await handle.jsonValue()) as T;
    },
    state: <T>() => page.evaluate(() => (window as unknown as { __getState: () => T }).__getState()),
    problems: async () => [...pageErrors, ...(await page.evaluate(() => (window as unknown as { __problems: string[] }).__problems))],
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
