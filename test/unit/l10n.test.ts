// Localisation is complete and consistent: every `%key%` of package.json has an English and a
// Simplified Chinese text (and no text is left unused); every runtime string passed to `l10n.t` —
// `vscode.l10n.t` in src/client (the webviews' strings tables included) and `@vscode/l10n` in
// src/server — has a zh-cn translation keeping its `{n}` placeholders; every walkthrough page has
// a zh-cn page; and the English titles the end-to-end suites type into the palette are still the
// English ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { webviewStrings } from '../../src/client/webviews/strings';
import type { WebviewStrings } from '../../src/shared/webviewProtocol';
import { bundleLocalizer, l10nCalls } from '../helpers/l10n';

const root = path.join(__dirname, '..', '..');
const read = (rel: string) => readFileSync(path.join(root, rel), 'utf8');
const pkgText = read('package.json');
const pkg = JSON.parse(pkgText);
const nls: Record<string, string> = JSON.parse(read('package.nls.json'));
const nlsZh: Record<string, string> = JSON.parse(read('package.nls.zh-cn.json'));
const bundleZh: Record<string, string | { message: string; comment?: string[] }> = JSON.parse(read('l10n/bundle.l10n.zh-cn.json'));

/** `{0}`, `{1}` … of a message, sorted (named `{name}` placeholders count too). */
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
const messageOf = (v: string | { message: string }) => (typeof v === 'string' ? v : v.message);

/** Every string value in package.json, with its JSON path. */
function strings(v: unknown, at: string, out: [string, string][] = []): [string, string][] {
  if (typeof v === 'string') out.push([at, v]);
  else if (Array.isArray(v)) v.forEach((x, i) => strings(x, `${at}[${i}]`, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) strings(x, `${at}.${k}`, out);
  return out;
}

const keysUsed = new Set(strings(pkg, '$').flatMap(([, s]) => [...s.matchAll(/^%([^%\s]+)%$/g)].map((m) => m[1]!)));

test('every %key% of package.json has an English and a zh-cn text, and no text is unused', () => {
  assert.ok(keysUsed.size > 40, `only ${keysUsed.size} keys found`);
  for (const key of keysUsed) {
    assert.equal(typeof nls[key], 'string', `package.nls.json lacks ${key}`);
    assert.equal(typeof nlsZh[key], 'string', `package.nls.zh-cn.json lacks ${key}`);
    assert.ok(nlsZh[key]!.trim() !== '', `empty zh-cn text for ${key}`);
  }
  assert.deepEqual(Object.keys(nls).filter((k) => !keysUsed.has(k)), [], 'unused keys in package.nls.json');
  assert.deepEqual(Object.keys(nlsZh).filter((k) => !keysUsed.has(k)), [], 'unused keys in package.nls.zh-cn.json');
});

test('every user-facing string contributed in package.json goes through package.nls.json', () => {
  const userFacing = /^\$\.(displayName|description|capabilities\.untrustedWorkspaces\.description|contributes\.(commands\[\d+\]\.(title|category)|configuration\.title|configuration\.properties\.[^.]+(\.[^.]+)*\.(markdownDescription|description|enumDescriptions\[\d+\])|customEditors\[\d+\]\.displayName|languages\[\d+\]\.aliases\[0\]|walkthroughs\[\d+\]\.(title|description|steps\[\d+\]\.(title|description))))$/;
  const found = strings(pkg, '$').filter(([at]) => userFacing.test(at));
  assert.ok(found.length >= keysUsed.size, `${found.length} user-facing strings`);
  for (const [at, s] of found) assert.match(s, /^%[^%\s]+%$/, `${at} is not localised: ${s}`);
});

test('zh-cn contributed texts keep command links, code spans and placeholders of the English ones', () => {
  for (const key of keysUsed) {
    const en = nls[key]!;
    const zh = nlsZh[key]!;
    const links = (s: string) => [...s.matchAll(/\]\((command:[^)]+)\)/g)].map((m) => m[1]).sort();
    assert.deepEqual(links(zh), links(en), `${key}: command links differ`);
    const codes = (s: string) => [...s.matchAll(/`([^`]+)`/g)].map((m) => m[1]).sort();
    assert.deepEqual(codes(zh), codes(en), `${key}: code spans differ`);
    assert.deepEqual(placeholders(zh), placeholders(en), `${key}: placeholders differ`);
  }
});

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [path.join(dir, e.name)] : [],
  );
}

test('the l10n.t extractor reads quotes, escapes and the object form, and rejects what cannot be a key', () => {
  const calls = l10nCalls(`vscode.l10n.t('It\\'s {0}', x); l10n.t("say \\"hi\\""); l10n.t(\`plain\`); l10n.t({ message: 'obj {0}', args: [1], comment: ['c'] }); l10n.t(v); l10n.t(\`a \${b}\`)`);
  assert.deepEqual(calls.slice(0, 4).map((c) => c.message), ["It's {0}", 'say "hi"', 'plain', 'obj {0}']);
  assert.ok(calls[4]!.problem && calls[5]!.problem);
});

test('every l10n.t string in src/client and src/server has a zh-cn translation with the same placeholders', () => {
  const messages = new Map<string, string>();
  const problems: string[] = [];
  for (const file of [...sources('src/client'), ...sources('src/server')]) {
    for (const c of l10nCalls(read(file))) {
      if (c.problem) problems.push(`${file}: ${c.problem}`);
      else messages.set(c.message!, file);
    }
  }
  assert.deepEqual(problems, [], 'l10n.t needs a literal message so that the bundle can be checked');
  assert.ok(messages.size > 250, `only ${messages.size} messages found`);
  const fromServer = [...messages.values()].filter((f) => f.startsWith(path.join('src', 'server')));
  assert.ok(fromServer.length > 50, `only ${fromServer.length} messages of the language server found`);
  const missing = [...messages].filter(([m]) => bundleZh[m] === undefined).map(([m, f]) => `${f}: ${m}`);
  assert.deepEqual(missing, [], 'l10n/bundle.l10n.zh-cn.json lacks these');
  for (const [m] of messages) {
    const zh = messageOf(bundleZh[m]!);
    assert.ok(zh.trim() !== '', `empty translation of ${m}`);
    assert.deepEqual(placeholders(zh), placeholders(m), `placeholders of ${m}`);
  }
  assert.deepEqual(Object.keys(bundleZh).filter((k) => !messages.has(k)), [], 'stale entries in the zh-cn bundle');
});

test('every text of the webviews\' strings tables has a zh-cn translation with the same placeholders', () => {
  const views: (keyof WebviewStrings)[] = ['table', 'heatmap', 'report'];
  for (const view of views) {
    const missing = new Set<string>();
    const en = webviewStrings(view, { t: (m) => m }) as unknown as Record<string, string>;
    const zh = webviewStrings(view, bundleLocalizer(bundleZh, missing)) as unknown as Record<string, string>;
    assert.deepEqual([...missing], [], `${view}: l10n/bundle.l10n.zh-cn.json lacks these`);
    assert.ok(Object.keys(en).length >= 20, `${view}: only ${Object.keys(en).length} strings`);
    for (const [key, text] of Object.entries(en)) {
      assert.equal(typeof text, 'string', `${view}.${key}`);
      assert.ok(zh[key]!.trim() !== '', `${view}.${key}: empty translation`);
      assert.deepEqual(placeholders(zh[key]!), placeholders(text), `${view}.${key}: placeholders differ`);
    }
  }
  // Spot checks that the pages really get Chinese.
  assert.equal(webviewStrings('table', bundleLocalizer(bundleZh)).addRow, '添加行');
  assert.equal(webviewStrings('report', bundleLocalizer(bundleZh)).metricsBeforeAfter, '微调前后的指标');
});

test('every walkthrough page has a zh-cn page (VS Code reads <page>.nls.<language>.md) with the same command links and code spans', () => {
  const steps = pkg.contributes.walkthroughs.flatMap((w: { steps: { media: { markdown?: string } }[] }) => w.steps.map((s) => s.media.markdown)).filter(Boolean) as string[];
  assert.ok(steps.length >= 5);
  const links = (s: string) => [...s.matchAll(/\]\((command:[^)]+)\)/g)].map((m) => m[1]).sort();
  for (const page of steps) {
    const zhPage = page.replace(/\.md$/, '.nls.zh-cn.md');
    const en = read(page);
    const zh = read(zhPage);
    assert.match(zh, /[\u4e00-\u9fff]/, `${zhPage} is not Chinese`);
    assert.deepEqual(links(zh), links(en), `${zhPage}: command links differ from ${page}`);
    const codes = (s: string) => [...s.replace(/```[\s\S]*?```/g, (m) => m.replace(/`/g, '')).matchAll(/`([^`\n]+)`/g)].map((m) => m[1]).sort();
    assert.deepEqual(codes(zh), codes(en), `${zhPage}: code spans differ from ${page}`);
  }
});

test('the e2e suites find "Synonym Lens: Fine-tune Model" by its English title (code-server runs in English)', () => {
  const fineTune = pkg.contributes.commands.find((c: { command: string }) => c.command === 'synonymLens.fineTune');
  const resolve = (s: string) => nls[/^%(.+)%$/.exec(s)?.[1] ?? ''] ?? s;
  const label = `${resolve(fineTune.category)}: ${resolve(fineTune.title)}`;
  assert.equal(label, 'Synonym Lens: Fine-tune Model');
  assert.ok(read('test/e2e/ui.mjs').includes(`'${label}'`), 'test/e2e/ui.mjs looks for this label');
  // The palette's fuzzy match of what users type ("Fine-tune model") against the English title.
  assert.ok(resolve(fineTune.title).toLowerCase().includes('fine-tune model'));
  assert.equal(pkg.l10n, './l10n');
});
