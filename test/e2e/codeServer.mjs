// Starts code-server isolated on 127.0.0.1 with a free port: its own config, user-data and
// extension folders, XDG dirs and TMPDIR inside the run folder, in its own process group so that
// stopping it also stops its extension hosts, language servers and file watchers.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** User settings for a quiet, deterministic workbench. */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'editor.hover.delay': 100,
  'chat.commandCenter.enabled': false,
  'files.autoSave': 'off',
  'window.restoreWindows': 'none',
};

/**
 * Starts code-server and resolves with `{ url, pid, stop }` once `/healthz` answers.
 * `env` is added to code-server's environment, which its extension hosts inherit.
 */
export async function startCodeServer({ codeServer, runDir, logFile, env = {}, workspaceTrust = false, settings = {}, port = 0 }) {
  const dirs = { userData: path.join(runDir, 'user-data'), extensions: path.join(runDir, 'extensions'), xdgConfig: path.join(runDir, 'xdg-config'), xdgData: path.join(runDir, 'xdg-data'), tmp: path.join(runDir, 'tmp') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(path.join(dirs.userData, 'User/settings.json'), JSON.stringify({ ...USER_SETTINGS, 'security.workspace.trust.enabled': workspaceTrust, ...settings }, null, 2));
  const config = path.join(runDir, 'config.yaml');
  writeFileSync(config, '');

  // Drop variables of an enclosing VS Code (its terminal) so code-server does not talk to it.
  const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(VSCODE_|ELECTRON_RUN_AS_NODE)/.test(k)));
  const args = [
    '--config', config, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions,
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
    '--disable-getting-started-override', ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
  ];
  const log = createWriteStream(logFile);
  // `detached` makes the child a session and process-group leader (setsid), so `kill(-pid)` reaches all.
  const child = spawn(codeServer, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...baseEnv, TMPDIR: dirs.tmp, XDG_CONFIG_HOME: dirs.xdgConfig, XDG_DATA_HOME: dirs.xdgData, ...env },
  });
  let exited = false;
  const exit = new Promise((resolve) => child.on('exit', (code, signal) => { exited = true; resolve({ code, signal }); }));

  const stop = async () => {
    if (exited) return;
    try { process.kill(-child.pid, 'SIGTERM'); } catch { return; }
    const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch {} }, 5000);
    await exit;
    clearTimeout(timer);
    // The group may outlive its leader briefly (file watcher, extension host): make sure it is gone.
    try { process.kill(-child.pid, 'SIGKILL'); } catch {}
  };

  const url = await new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error('code-server did not report its port within 60 s')), 60000);
    const onData = (chunk) => {
      log.write(chunk);
      buffer += chunk;
      const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(buffer);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    void exit.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`code-server exited early (${code ?? signal}); see ${logFile}`)); });
  }).catch(async (e) => { await stop(); throw e; });

  const health = await fetch(`${url}/healthz`).catch((e) => e);
  if (!(health instanceof Response) || !health.ok) {
    await stop();
    throw new Error(`code-server at ${url} is not healthy: ${health instanceof Response ? health.status : health}`);
  }
  /** Synchronous last resort for `process.on('exit')`: kill the whole group at once. */
  const killNow = () => {
    if (!exited) try { process.kill(-child.pid, 'SIGKILL'); } catch {}
  };
  return { url, pid: child.pid, stop, killNow, exited: exit, userDataDir: dirs.userData, trust: workspaceTrust };
}
