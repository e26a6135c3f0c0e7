// Installs (once) and locates what the E2E harness needs, in a cache folder outside the repository:
// Debian packages (Chromium; build headers for code-server's native modules), code-server 4.100.3
// from npm with its offline fixes (below), playwright-core and @vscode/vsce.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3'; // bundles VS Code 1.100.3
const RIPGREP_CACHE = 'vscode-ripgrep-cache-1.15.11'; // @vscode/ripgrep pinned by code-server 4.100.3
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';
const TOOLS = { 'playwright-core': '^1.50.0', '@vscode/vsce': '^3.2.0' };
const BUILD_PACKAGES = ['build-essential', 'pkg-config', 'python3', 'libkrb5-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'libx11-dev'];

export const cacheDir = path.resolve(process.env.SYNONYM_LENS_E2E_CACHE || path.join(os.homedir(), '.cache/synonym-lens-e2e'));

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.error) throw r.error;
  return r.status === 0;
}
const quiet = (cmd, args) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const which = (name) => quiet('sh', ['-c', `command -v ${name}`]);
const hasDeb = (pkg) => quiet('dpkg', ['-s', pkg]);

export function aptInstall(packages) {
  const missing = packages.filter((p) => !hasDeb(p));
  if (!missing.length) return;
  console.log(`e2e: apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const args = ['install', '-y', '--no-install-recommends', ...missing];
  // `apt-get update` only when the install needs it (stale or empty package lists).
  if (sh('apt-get', args, { env })) return;
  if (!sh('apt-get', ['update'], { env }) || !sh('apt-get', args, { env })) throw new Error(`apt-get install ${missing.join(' ')} failed`);
}

function npmInstall(dir, specs, env = {}) {
  mkdirSync(dir, { recursive: true });
  if (!existsSync(path.join(dir, 'package.json'))) writeFileSync(path.join(dir, 'package.json'), '{ "private": true }\n');
  const ok = sh('npm', ['install', '--no-audit', '--no-fund', '--no-save', ...specs], { cwd: dir, env: { ...process.env, ...env } });
  if (!ok) throw new Error(`npm install ${specs.join(' ')} failed in ${dir}`);
}

/** Debian's Chromium (and a CJK font for screenshots), for the webview and real-VS-Code tests. */
export function ensureChromium() {
  aptInstall(['chromium', 'fonts-wqy-microhei']);
}

/**
 * Returns paths of the installed tools, installing whatever is missing. `browser: false` (for
 * `npm start`) installs code-server alone: no Chromium, fonts, playwright-core or vsce.
 */
export function ensureTools({ browser = true } = {}) {
  const csDir = path.join(cacheDir, 'code-server');
  const csMarker = path.join(csDir, `.installed-${CODE_SERVER_VERSION}`);
  const toolsDir = path.join(cacheDir, 'tools');
  const toolsMarker = path.join(toolsDir, `.installed-${Object.entries(TOOLS).map((e) => e.join('@')).join(',')}`.replace(/[\/^]/g, '_'));
  const needCodeServer = !existsSync(csMarker);

  // A CJK font, so that screenshots of Chinese dictionaries show characters rather than boxes.
  aptInstall([...(browser ? ['chromium', 'fonts-wqy-microhei'] : []), ...(needCodeServer ? ['ripgrep', ...BUILD_PACKAGES] : [])]);

  if (needCodeServer) {
    const t0 = Date.now();
    console.log(`e2e: installing code-server@${CODE_SERVER_VERSION} into ${csDir} (first run only, ~2 min)`);
    rmSync(csDir, { recursive: true, force: true });
    // @vscode/ripgrep's postinstall downloads from GitHub; seed its cache with Debian's rg instead.
    const tmp = path.join(cacheDir, 'tmp');
    const seed = path.join(tmp, 'rgseed');
    mkdirSync(path.join(tmp, RIPGREP_CACHE), { recursive: true });
    mkdirSync(seed, { recursive: true });
    copyFileSync(spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim(), path.join(seed, 'rg'));
    if (!sh('tar', ['czf', path.join(tmp, RIPGREP_CACHE, RIPGREP_ASSET), '-C', seed, 'rg'])) throw new Error('could not seed the ripgrep cache');
    npmInstall(csDir, [`code-server@${CODE_SERVER_VERSION}`], {
      TMPDIR: tmp,
      npm_config_unsafe_perm: 'true', // code-server's postinstall refuses to run as root otherwise
      npm_config_yes: 'true', // node-pty's postinstall runs `npx node-gyp`, which would prompt
      npm_config_dangerously_allow_all_scripts: 'true', // npm's install-script gate
    });
    writeFileSync(csMarker, new Date().toISOString() + '\n');
    console.log(`e2e: code-server installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }

  const codeServer = path.join(csDir, 'node_modules/.bin/code-server');
  if (!browser) return { codeServer };

  if (!existsSync(toolsMarker)) {
    console.log(`e2e: installing ${Object.keys(TOOLS).join(', ')} into ${toolsDir}`);
    rmSync(toolsDir, { recursive: true, force: true });
    npmInstall(toolsDir, Object.entries(TOOLS).map(([n, v]) => `${n}@${v}`), { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' });
    writeFileSync(toolsMarker, new Date().toISOString() + '\n');
  }

  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);
  if (!chromium || !which('chromium')) throw new Error('chromium not found after apt-get install');
  return {
    codeServer,
    playwrightCore: path.join(toolsDir, 'node_modules/playwright-core/index.js'),
    vsce: path.join(toolsDir, 'node_modules/.bin/vsce'),
    chromium,
  };
}

// `node test/e2e/tools.mjs` installs the tools ahead of a run.
if (import.meta.url === `file://${process.argv[1]}`) console.log(ensureTools());
