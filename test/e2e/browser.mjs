// Headless Chromium (Debian's) through playwright-core, and the workbench URLs of code-server.
import { createRequire } from 'node:module';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/** Loads playwright-core from the harness cache (it is not a dependency of the extension). */
export function loadPlaywright(playwrightCore) {
  return createRequire(import.meta.url)(playwrightCore);
}

/** A fresh persistent context (its own profile folder) with one page. */
export async function launch(playwright, { executablePath, profileDir, viewport = { width: 1400, height: 900 } }) {
  // The harness handles signals itself (it must stop code-server too), so Playwright must not
  // exit the process on its own when Ctrl-C arrives.
  const context = await playwright.chromium.launchPersistentContext(profileDir, {
    executablePath, headless: true, viewport, args: CHROMIUM_ARGS, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

/**
 * The workbench URL for `folder`, optionally as an Extension Development Host
 * (`extensionDevelopmentPath`) and in extension-test mode (`extensionTestsPath`). The payload's
 * remote authority must equal the host:port the page is served from.
 */
/**
 * @param {string} baseUrl
 * @param {string} folder
 * @param {{ extensionDevelopmentPath?: string, extensionTestsPath?: string }} [options]
 */
export function workbenchUrl(baseUrl, folder, { extensionDevelopmentPath, extensionTestsPath } = {}) {
  const authority = new URL(baseUrl).host;
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', `vscode-remote://${authority}${extensionDevelopmentPath}`]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', `vscode-remote://${authority}${extensionTestsPath}`]);
  const query = `folder=${encodeURIComponent(folder)}${payload.length ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : ''}`;
  return `${baseUrl.replace(/\/$/, '')}/?${query}`;
}
