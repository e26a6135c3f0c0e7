// CHANGELOG.md at release time: the *Unreleased* section becomes the new version's section (with
// the date) and a fresh, empty *Unreleased* section goes above it. Used by scripts/release.mjs.

const UNRELEASED = /^## \[Unreleased\][^\n]*\n/m;

/** The changelog with `version` released on `date` (YYYY-MM-DD); throws when there is nothing to release. */
export function releaseChangelog(text, version, date) {
  const m = UNRELEASED.exec(text);
  if (!m) throw new Error('CHANGELOG.md has no "## [Unreleased]" section');
  if (new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\]`, 'm').test(text)) throw new Error(`CHANGELOG.md already has a section for ${version}`);
  const start = m.index + m[0].length;
  const next = text.slice(start).search(/^## /m);
  const body = next < 0 ? text.slice(start) : text.slice(start, start + next);
  if (!/^\s*[-*] \S/m.test(body)) throw new Error('the "Unreleased" section of CHANGELOG.md lists no change');
  return `${text.slice(0, m.index)}## [Unreleased]\n\n## [${version}] - ${date}\n${text.slice(start)}`;
}
