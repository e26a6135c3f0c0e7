// `synonymLens.vocabularyFiles` loading without the server process: which terms a file gives,
// reloading only on a changed file, a clear warning for a missing one, and reset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { VocabularyFiles, vocabularySource, vocabularyTerms } from '../../src/server/vocabularyFiles';

class FakeStore {
  readonly sources = new Map<string, Set<string>>();
  readonly embedded = new Set<string>();
  setSource(id: string, terms: Set<string>): void {
    this.sources.set(id, terms);
  }
  removeSource(id: string): void {
    this.sources.delete(id);
  }
  async ensure(terms: Iterable<string>): Promise<void> {
    for (const t of terms) this.embedded.add(t);
  }
}

function setup() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vocabulary-'));
  const log: string[] = [];
  const notified: string[] = [];
  const store = new FakeStore();
  const entry = { spec: 'builtin', store };
  const files = new VocabularyFiles(
    { info: (m) => log.push(`info ${m}`), warn: (m) => log.push(`warn ${m}`), tell: (m) => log.push(`tell ${m}`) },
    (e) => notified.push(e.spec),
  );
  return { dir, log, notified, store, entry, files, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('vocabularyTerms: a dictionary gives its terms, a text file one term per non-empty line', () => {
  assert.deepEqual([...vocabularyTerms('x.csv', 'term,synonym\ncar,auto\nauto,automobile\n')].sort(), ['auto', 'automobile', 'car']);
  assert.deepEqual([...vocabularyTerms('x.txt', ' car \r\n\nbike\ncar\n')], ['car', 'bike']);
});

test('a relative file loads against the base folder, is embedded, and is not read again while unchanged', async () => {
  const t = setup();
  try {
    const file = path.join(t.dir, 'words.txt');
    writeFileSync(file, 'alpha\nbeta\n');
    await t.files.load(t.entry, ['words.txt'], t.dir);
    assert.deepEqual([...t.store.sources.get(vocabularySource(file))!], ['alpha', 'beta']);
    assert.deepEqual([...t.store.embedded].sort(), ['alpha', 'beta']);
    assert.deepEqual(t.notified, ['builtin']);
    await t.files.load(t.entry, ['words.txt'], t.dir);
    assert.equal(t.notified.length, 1, 'an unchanged file was loaded again');
    writeFileSync(file, 'gamma\n');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    await t.files.load(t.entry, ['words.txt'], t.dir);
    assert.deepEqual([...t.store.sources.get(vocabularySource(file))!], ['gamma']);
    assert.equal(t.notified.length, 2);
  } finally {
    t.done();
  }
});

test('a missing file is a warning naming it; the other files still load; reset removes their terms', async () => {
  const t = setup();
  try {
    const good = path.join(t.dir, 'good.txt');
    writeFileSync(good, 'one\n');
    await t.files.load(t.entry, ['missing.txt', 'good.txt'], t.dir);
    assert.ok(t.log.some((l) => l.startsWith('warn ') && l.includes(path.join(t.dir, 'missing.txt'))), t.log.join('\n'));
    assert.ok(t.store.sources.has(vocabularySource(good)));
    t.files.reset(() => t.store);
    assert.equal(t.store.sources.size, 0);
    await t.files.load(t.entry, ['good.txt'], t.dir);
    assert.ok(t.store.sources.has(vocabularySource(good)), 'not loaded again after reset');
  } finally {
    t.done();
  }
});
