// Settings are typed once (src/shared/settings.ts); package.json must declare exactly those keys,
// and whatever a client sends must normalise to complete settings without throwing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { settingsSchema, normalizeSettings, defaultSettings, thresholdsFor } from '../../src/shared/settings';

const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
const declared: Record<string, Record<string, unknown>> = pkg.contributes.configuration.properties;

test('package.json declares every typed setting with the same type, default, range and description', () => {
  assert.deepEqual(Object.keys(declared).sort(), settingsSchema.map((s) => s.key).sort());
  for (const s of settingsSchema) {
    const d = declared[s.key];
    assert.equal(d.type, s.type, s.key);
    assert.deepEqual(d.default, s.default, s.key);
    assert.equal(d.markdownDescription, s.description, s.key);
    assert.deepEqual(d.enum, s.enum, s.key);
    assert.equal(d.minimum, s.minimum, s.key);
    assert.equal(d.maximum, s.maximum, s.key);
    assert.ok(['resource', 'window', 'machine-overridable', 'application'].includes(d.scope as string), s.key);
  }
});

test('the model path can never come from an untrusted workspace', () => {
  assert.deepEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations, ['synonymLens.model']);
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
});

test('per-model thresholds override the general ones for that model only', () => {
  const s = normalizeSettings({ diagnostics: { threshold: 0.5, modelThresholds: { 'bge-m3': { threshold: 0.8 }, bad: 7 } } });
  assert.deepEqual(thresholdsFor(s, 'bge-m3'), { threshold: 0.8, negativeThreshold: 0.5 });
  assert.deepEqual(thresholdsFor(s, 'builtin:char-ngram-v1'), { threshold: 0.5, negativeThreshold: 0.5 });
  assert.equal('bad' in s.diagnostics.modelThresholds, false);
});
