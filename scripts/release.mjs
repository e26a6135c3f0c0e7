// `npm run release -- <patch|minor|major|x.y.z>`: bumps the version (package.json and
// package-lock.json, through `npm version`, no git tag), turns the changelog's *Unreleased* section
// into the new version's, rebuilds, builds every platform's VSIX (`npm run package`, each checked
// against the allow-list) and installs the linux-x64 one into a fresh code-server (the e2e suite's
// VSIX check). It commits and tags nothing: review, then commit and tag as printed at the end.
// Usage: node scripts/release.mjs <patch|minor|major|x.y.z> [--skip-e2e]
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { releaseChangelog } from './changelog.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'skip-e2e': { type: 'boolean' } } });
const bump = positionals[0];
const fail = (message, code = 1) => {
  console.error(`release: ${message}`);
  process.exit(code);
};
if (positionals.length !== 1 || !/^(patch|minor|major|\d+\.\d+\.\d+)$/.test(bump)) fail('usage: npm run release -- <patch|minor|major|x.y.z> [--skip-e2e]', 2);

const run = (what, cmd, args) => {
  console.log(`release: ${what}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) fail(`${what} failed (exit ${r.status ?? r.signal}); the version bump and changelog are left in the working tree (git checkout -- package.json package-lock.json CHANGELOG.md undoes them)`);
};

const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' });
if (status.status !== 0) fail('git status failed: a release is made from a git work tree');
if (status.stdout.trim()) fail(`commit or stash your changes first:\n${status.stdout}`, 2);

// The changelog is checked before anything is changed.
const changelogFile = path.join(root, 'CHANGELOG.md');
const before = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
const nextVersion = /^\d/.test(bump) ? bump : (() => {
  const [major, minor, patch] = before.split('.').map(Number);
  return bump === 'major' ? `${major + 1}.0.0` : bump === 'minor' ? `${major}.${minor + 1}.0` : `${major}.${minor}.${patch + 1}`;
})();
const date = new Date().toISOString().slice(0, 10);
let changelog;
try {
  changelog = releaseChangelog(readFileSync(changelogFile, 'utf8'), nextVersion, date);
} catch (e) {
  fail(e.message, 2);
}

run(`version ${before} → ${nextVersion}`, 'npm', ['version', nextVersion, '--no-git-tag-version', '--ignore-scripts']);
writeFileSync(changelogFile, changelog);
console.log(`release: CHANGELOG.md: "Unreleased" is now "${nextVersion} - ${date}"`);
run('build', process.execPath, ['scripts/build.mjs']);
run('every platform\'s VSIX (npm run package)', process.execPath, ['scripts/package.mjs']);
if (!values['skip-e2e']) run('the linux-x64 VSIX installed into a fresh code-server (test/e2e/run.mjs --only vsix)', process.execPath, ['test/e2e/run.mjs', '--only', 'vsix']);
console.log(`\nrelease: ${nextVersion} is ready in out/vsix/. Review, then:
  git commit -am "Release ${nextVersion}" && git tag v${nextVersion}`);
