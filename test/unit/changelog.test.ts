// The release step's changelog edit (scripts/changelog.mjs): Unreleased becomes the new version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(__dirname, '..', '..');
const load = async () =>
  (await import(pathToFileURL(path.join(root, 'scripts', 'changelog.mjs')).href)) as { releaseChangelog(text: string, version: string, date: string): string };

const text = '# Changelog\n\nIntro.\n\n## [Unreleased]\n\n### Added\n- A thing.\n\n## [0.1.0] - 2026-12-05\n\n### Added\n- First.\n';

test('release: the Unreleased section becomes the version\'s, a new empty Unreleased goes above, older sections stay byte-identical', async () => {
  const { releaseChangelog } = await load();
  const out = releaseChangelog(text, '0.2.0', '2027-01-02');
  assert.equal(out, '# Changelog\n\nIntro.\n\n## [Unreleased]\n\n## [0.2.0] - 2027-01-02\n\n### Added\n- A thing.\n\n## [0.1.0] - 2026-12-05\n\n### Added\n- First.\n');
});

test('release: refuses an empty Unreleased section, a missing one and a version released before', async () => {
  const { releaseChangelog } = await load();
  assert.throws(() => releaseChangelog(releaseChangelog(text, '0.2.0', '2027-01-02'), '0.3.0', '2027-01-03'), /lists no change/);
  assert.throws(() => releaseChangelog('# Changelog\n\n## [0.1.0]\n- x\n', '0.2.0', '2027-01-02'), /no "## \[Unreleased\]"/);
  assert.throws(() => releaseChangelog(text, '0.1.0', '2027-01-02'), /already has a section for 0\.1\.0/);
});

test('CHANGELOG.md has an Unreleased section, 0.1.0 and a section for the manifest\'s version', () => {
  const changelog = readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8');
  assert.match(changelog, /^## \[0\.1\.0\] - \d{4}-\d{2}-\d{2}$/m);
  const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  assert.match(changelog, new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\]`, 'm'), 'the manifest\'s version has a section');
  assert.match(changelog, /^## \[Unreleased\]$/m);
});
