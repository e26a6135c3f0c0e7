// Settings are typed once (src/shared/settings.ts); package.json must declare exactly those keys
// (descriptions through package.nls.json), and whatever a client sends must normalise to complete
// settings without throwing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { settingsSchema, normalizeSettings, defaultSettings, holdRestrictedSettings, restrictedSettingKeys, thresholdsFor, restrictToUserSettings } from '../../src/shared/settings';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const nls: Record<string, string> = JSON.parse(readFileSync(path.join(root, 'package.nls.json'), 'utf8'));
const declared: Record<string, Record<string, unknown>> = pkg.contributes.configuration.properties;

/** The English text of a `%key%` placeholder; fails on a literal or an unknown key. */
function english(value: unknown, what: string): string {
  const key = typeof value === 'string' ? /^%([^%\s]+)%$/.exec(value)?.[1] : undefined;
  assert.ok(key, `${what} is not a %key% placeholder: ${String(value)}`);
  assert.equal(typeof nls[key], 'string', `${what}: package.nls.json lacks ${key}`);
  return nls[key]!;
}

test('package.json declares every typed setting with the same type, default, range and description', () => {
  assert.deepEqual(Object.keys(declared).sort(), settingsSchema.map((s) => s.key).sort());
  for (const s of settingsSchema) {
    const d = declared[s.key];
    assert.equal(d.type, s.type, s.key);
    assert.deepEqual(d.default, s.default, s.key);
    assert.equal(english(d.markdownDescription, s.key), s.description, s.key);
    assert.equal(d.description, undefined, `${s.key}: markdownDescription only`);
    assert.deepEqual(d.enum, s.enum, s.key);
    if (d.enumDescriptions !== undefined) {
      assert.equal((d.enumDescriptions as unknown[]).length, s.enum?.length, `${s.key}: one description per enum value`);
      (d.enumDescriptions as unknown[]).forEach((e, i) => english(e, `${s.key} enumDescriptions[${i}]`));
    }
    assert.equal(d.minimum, s.minimum, s.key);
    assert.equal(d.maximum, s.maximum, s.key);
    assert.ok(['resource', 'window', 'machine-overridable', 'application'].includes(d.scope as string), s.key);
  }
});

test('the model path, the download endpoint, vocabulary files, execution provider, threads and the Java analysis helper can never come from an untrusted workspace', () => {
  assert.deepEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations, [...restrictedSettingKeys]);
  assert.deepEqual([...restrictedSettingKeys].sort(), ['synonymLens.analysis.enabled', 'synonymLens.analysis.java', 'synonymLens.analysis.luceneJars', 'synonymLens.executionProvider', 'synonymLens.hub.endpoint', 'synonymLens.model', 'synonymLens.threads', 'synonymLens.vocabularyFiles']);
  for (const key of restrictedSettingKeys) assert.match(english(declared[key]!.markdownDescription, key), /untrusted workspace/, key);
});

test('settings that reload the model or restart the server say so', () => {
  for (const s of settingsSchema) {
    if (s.reloadsModel) assert.match(s.description, /reloads the model/, s.key);
    if (s.restartsServer) assert.match(s.description, /language server restarts|restarts the language server/, s.key);
  }
  assert.deepEqual(settingsSchema.filter((s) => s.restartsServer).map((s) => s.key).sort(), ['synonymLens.executionProvider', 'synonymLens.files', 'synonymLens.threads']);
});

test('executionProvider: known names in any case, anything else is cpu', () => {
  assert.equal(normalizeSettings({ executionProvider: ' CUDA ' }).executionProvider, 'cuda');
  assert.equal(normalizeSettings({ executionProvider: 'auto' }).executionProvider, 'auto');
  for (const bad of ['gpu', '', 3, null]) assert.equal(normalizeSettings({ executionProvider: bad }).executionProvider, 'cpu');
});

test('normalizeSettings: nothing, garbage and partial input give complete settings', () => {
  assert.deepEqual(normalizeSettings(undefined), defaultSettings);
  assert.deepEqual(normalizeSettings('nonsense'), defaultSettings);
  assert.deepEqual(normalizeSettings([1, 2]), defaultSettings);
  const s = normalizeSettings({ diagnostics: { threshold: '0.7', severity: { lowSimilarity: 'INFO', duplicate: 'loud' } }, hover: { topK: 1e9 } });
  assert.equal(s.diagnostics.threshold, 0.7);
  assert.equal(s.diagnostics.severity.lowSimilarity, 'information');
  assert.equal(s.diagnostics.severity.duplicate, 'warning', 'unknown severity falls back to the default');
  assert.equal(s.hover.topK, 100, 'clamped');
  assert.equal(normalizeSettings({ diagnostics: { threshold: 5 } }).diagnostics.threshold, 1);
  assert.equal(normalizeSettings({ 'diagnostics.threshold': 0.3 }).diagnostics.threshold, 0.3, 'flat dotted keys');
  assert.deepEqual(normalizeSettings({ vocabularyFiles: ['a.txt', 3, ' ', ' b.csv '] }).vocabularyFiles, ['a.txt', 'b.csv']);
  assert.equal(normalizeSettings({ model: '   ' }).model, 'builtin');
  assert.equal(normalizeSettings({ threads: '4' }).threads, 4);
  assert.equal(normalizeSettings({ threads: -2 }).threads, 0, 'clamped to automatic');
  assert.equal(normalizeSettings({ hub: { endpoint: 'https://hf-mirror.com/' } }).hub.endpoint, 'https://hf-mirror.com');
  assert.equal(normalizeSettings({ 'hub.endpoint': 'ftp://x' }).hub.endpoint, '', 'only http(s) endpoints');
});

test('per-model thresholds override the general ones for that model only', () => {
  const s = normalizeSettings({ diagnostics: { threshold: 0.5, modelThresholds: { 'bge-m3': { threshold: 0.8 }, bad: 7 } } });
  assert.deepEqual(thresholdsFor(s, 'bge-m3'), { threshold: 0.8, negativeThreshold: 0.5 });
  assert.deepEqual(thresholdsFor(s, 'builtin:char-ngram-v1'), { threshold: 0.5, negativeThreshold: 0.5 });
  assert.equal('bad' in s.diagnostics.modelThresholds, false);
});

test('restrictToUserSettings: every way the server may ask hides workspace values of restricted keys', () => {
  const user: Record<string, unknown> = { model: 'builtin', 'hub.endpoint': '', vocabularyFiles: [], executionProvider: 'cpu', threads: 0, 'analysis.enabled': false, 'analysis.java': '', 'analysis.luceneJars': [] };
  const held = { model: 'builtin', hub: { endpoint: '' }, vocabularyFiles: [], executionProvider: 'cpu', threads: 0, analysis: { enabled: false, java: '', luceneJars: [] } };
  const userValue = (key: string) => user[key];
  const evil = { model: '/tmp/evil-model', hub: { endpoint: 'http://evil.example' }, threads: 3, diagnostics: { threshold: 0.4 }, analysis: { enabled: true, java: '/tmp/evil/java', luceneJars: ['/tmp/evil.jar'] } };
  const items = [
    { section: '' },
    { section: 'synonymLens' },
    { section: 'synonymLens.model' },
    { section: 'synonymLens.hub' },
    { section: 'synonymLens.hub.endpoint' },
    { section: 'synonymLens.diagnostics' },
    { section: 'editor' },
    {},
  ];
  const results = [{ synonymLens: evil, editor: { tabSize: 2 } }, evil, evil.model, evil.hub, evil.hub.endpoint, evil.diagnostics, { tabSize: 2 }, { synonymLens: evil }];
  const frozen = JSON.stringify(results);
  const out = restrictToUserSettings(items, results, userValue) as Record<string, any>[];
  assert.deepEqual(out[0], { synonymLens: { ...evil, ...held }, editor: { tabSize: 2 } });
  assert.deepEqual(out[1], { ...evil, ...held });
  assert.equal(out[2], 'builtin');
  assert.deepEqual(out[3], { endpoint: '' });
  assert.equal(out[4], '');
  // Unrestricted sections pass through unchanged (the same objects).
  assert.equal(out[5], evil.diagnostics);
  assert.equal(out[6], results[6]);
  assert.deepEqual(out[7], { synonymLens: { ...evil, ...held } });
  assert.equal(JSON.stringify(results), frozen, 'the inputs are not mutated');
  // A workspace result without the section at all still gets the user values filled in.
  assert.deepEqual(restrictToUserSettings([{ section: 'synonymLens' }], [{ threads: 1 }], userValue), [held]);
});

test('fineTune defaults: known losses, adapters and adjustments, epochs and validation clamped, anything else falls back', () => {
  assert.deepEqual(normalizeSettings({}).fineTune, { loss: 'auto', epochs: 10, validation: 0.1, shapeFeatures: true, adapter: 'linear', adjust: 'none', keepModels: 5 });
  assert.deepEqual(
    normalizeSettings({ fineTune: { loss: 'cosine', epochs: 5000, validation: 0.9, shapeFeatures: false, adapter: 'mlp', adjust: 'retrofit', keepModels: 0 } }).fineTune,
    { loss: 'cosine', epochs: 1000, validation: 0.5, shapeFeatures: false, adapter: 'mlp', adjust: 'retrofit', keepModels: 1 },
  );
  assert.equal(normalizeSettings({ fineTune: { keepModels: 12.4 } }).fineTune.keepModels, 12);
  assert.equal(normalizeSettings({ fineTune: { validation: 0 } }).fineTune.validation, 0, '0 turns the epoch choice off');
  assert.equal(normalizeSettings({ fineTune: { validation: -1 } }).fineTune.validation, 0);
  assert.deepEqual(normalizeSettings({ 'fineTune.loss': 'hinge', 'fineTune.adapter': 'deep', 'fineTune.epochs': 'x', 'fineTune.validation': 'y', 'fineTune.adjust': 'magic', 'fineTune.keepModels': 'all' }).fineTune, { loss: 'auto', epochs: 10, validation: 0.1, shapeFeatures: true, adapter: 'linear', adjust: 'none', keepModels: 5 });
});

test('holdRestrictedSettings: the server keeps restricted keys at the held values and passes the rest', () => {
  const held = { model: 'builtin', 'hub.endpoint': '', vocabularyFiles: [], executionProvider: 'cpu', threads: 0, 'analysis.enabled': false, 'analysis.java': '', 'analysis.luceneJars': [] };
  const out = holdRestrictedSettings(
    { model: '/evil', vocabularyFiles: ['/etc/passwd'], executionProvider: 'cuda', threads: 64, hub: { endpoint: 'http://evil' }, diagnostics: { threshold: 0.3 }, analysis: { enabled: true, java: '/evil/java', analyzer: 'cjk' } },
    held,
  );
  assert.deepEqual(out, {
    model: 'builtin',
    vocabularyFiles: [],
    executionProvider: 'cpu',
    threads: 0,
    hub: { endpoint: '' },
    diagnostics: { threshold: 0.3 },
    // The analyzer names no program: the workspace may choose it.
    analysis: { enabled: false, java: '', luceneJars: [], analyzer: 'cjk' },
  });
  assert.deepEqual(normalizeSettings(holdRestrictedSettings(undefined, held)).vocabularyFiles, []);
});
