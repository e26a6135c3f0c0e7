/**
 * Model folders next to a dictionary: the work folder's `.gitignore`, keeping the newest N
 * fine-tuned and adjusted folders (never the model in use), and errors writing a model folder said
 * in the user's terms with their folder's name — with a stand-in worker that fails as a full or
 * read-only disk does, and a real rename refused for a name too long for the file system.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeModelFolder, foldersToRemove, formatBytes, WORK_FOLDER_GITIGNORE } from '../../src/core/modelFolders';
import { listModelFolders, pruneModelFolders } from '../../src/runtime/learn/modelFolders';
import { OutputFolderError, runToFolder, stagingFor } from '../../src/runtime/learn/runner';

const dir = mkdtempSync(path.join(tmpdir(), 'synonym-lens-folders-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the first job in a dictionary folder writes .synonym-lens/.gitignore ignoring everything; an existing one is kept', () => {
  const dict = path.join(dir, 'project');
  const staging = stagingFor(path.join(dict, '.synonym-lens', 'models', 'cars-1'));
  const ignore = path.join(dict, '.synonym-lens', '.gitignore');
  assert.equal(readFileSync(ignore, 'utf8'), WORK_FOLDER_GITIGNORE);
  assert.match(WORK_FOLDER_GITIGNORE, /^\*$/m);
  rmSync(path.dirname(staging), { recursive: true });
  writeFileSync(ignore, 'mine\n');
  stagingFor(path.join(dict, '.synonym-lens', 'models', 'cars-2'));
  assert.equal(readFileSync(ignore, 'utf8'), 'mine\n', 'the user\'s own .gitignore is never replaced');
  // An explicit output folder outside a work folder gets no .gitignore beside it.
  stagingFor(path.join(dir, 'elsewhere', 'out'));
  assert.ok(!existsSync(path.join(dir, '.gitignore')) && !existsSync(path.join(dir, 'elsewhere', '.gitignore')));
});

function fineTuned(models: string, name: string, date: string, bytes = 1000): string {
  const d = path.join(models, name);
  mkdirSync(d, { recursive: true });
  writeFileSync(path.join(d, 'config.json'), JSON.stringify({ model_type: 'synonym-lens-char-ngram' }));
  writeFileSync(path.join(d, 'synonym-lens.json'), JSON.stringify({ date, training_file: '/x/cars.synonyms.csv', training_file_sha256: 'ab'.repeat(32), base_model: 'builtin' }));
  writeFileSync(path.join(d, 'model.onnx'), Buffer.alloc(bytes));
  return d;
}

test('keeping the newest N: older fine-tuned and adjusted folders go, the model in use, the new folder and hand-made folders stay', () => {
  const models = path.join(dir, 'keep', '.synonym-lens', 'models');
  const made = Array.from({ length: 7 }, (_, i) => fineTuned(models, `cars-${i}`, `2026-12-0${i + 1}T10:00:00Z`, 1000 * (i + 1)));
  // An adjusted folder dated by its config.json, older than all of them.
  const adjusted = path.join(models, 'cars-retrofit');
  mkdirSync(adjusted);
  writeFileSync(path.join(adjusted, 'config.json'), JSON.stringify({ model_type: 'synonym-lens-adjusted', date: '2026-11-01T00:00:00Z', training_file_sha256: 'cd'.repeat(32) }));
  // Put there by hand (no provenance): never removed.
  const manual = path.join(models, 'my-model');
  mkdirSync(manual);
  writeFileSync(path.join(manual, 'config.json'), '{}');
  utimesSync(manual, new Date('2020-01-01'), new Date('2020-01-01'));
  // A symbolic link to a folder elsewhere is not followed, listed or removed.
  const outside = fineTuned(path.join(dir, 'keep', 'outside'), 'x', '2026-01-01T00:00:00Z');
  symlinkSync(outside, path.join(models, 'linked'));

  const listed = listModelFolders(models);
  assert.deepEqual(listed.map((f) => f.name).sort(), [...made.map((d) => path.basename(d)), 'cars-retrofit', 'my-model'].sort());
  assert.equal(listed.find((f) => f.name === 'cars-retrofit')!.kind, 'adjusted');
  assert.equal(listed.find((f) => f.name === 'my-model')!.kind, 'other');
  const c0 = listed.find((f) => f.name === 'cars-0')!;
  assert.equal(c0.kind, 'fine-tuned');
  assert.ok(c0.bytes > 1000, 'the size counts every file');

  // The oldest fine-tuned folder is the model in use (given as a spec through a relative path).
  const removed = pruneModelFolders(models, 3, [path.join(models, '..', 'models', 'cars-0'), made[6]!]);
  assert.deepEqual(removed.map((r) => r.name).sort(), ['cars-1', 'cars-2', 'cars-3', 'cars-retrofit']);
  assert.deepEqual(readdirSync(models).sort(), ['cars-0', 'cars-4', 'cars-5', 'cars-6', 'linked', 'my-model']);
  assert.ok(existsSync(outside), 'the link\'s target is untouched');
  assert.equal(removed.find((r) => r.name === 'cars-3')!.bytes, listed.find((f) => f.name === 'cars-3')!.bytes);
});

test('core: which folders a clean-up removes, how a folder is described, sizes for people', () => {
  const f = (name: string, time: number, kind: 'fine-tuned' | 'adjusted' | 'other' = 'fine-tuned') => ({ name, time, kind });
  const folders = [f('a', 1), f('b', 5), f('c', 3), f('d', 4, 'other'), f('e', 2, 'adjusted')];
  assert.deepEqual(foldersToRemove(folders, 2, new Set()).map((x) => x.name), ['e', 'a']);
  assert.deepEqual(foldersToRemove(folders, 2, new Set(['a'])).map((x) => x.name), ['e']);
  assert.deepEqual(foldersToRemove(folders, 0, new Set(['b'])).map((x) => x.name), ['c', 'e', 'a']);
  const d = describeModelFolder('m', { model_type: 'x' }, { date: '2026-12-05T10:00:00Z', training_file_sha256: 'ff', training_file: '/d.csv' }, 7, 9);
  assert.deepEqual(d, { name: 'm', kind: 'fine-tuned', time: Date.parse('2026-12-05T10:00:00Z'), bytes: 9, trainingFile: '/d.csv', trainingSha256: 'ff' });
  assert.equal(describeModelFolder('n', undefined, undefined, 7, 0).time, 7, 'no recorded date: the mtime');
  assert.deepEqual([formatBytes(0), formatBytes(999), formatBytes(17_200_000), formatBytes(1_400_000_000)], ['0 B', '999 B', '17.2 MB', '1.4 GB']);
});

// A stand-in worker that fails the way a job's write fails: an errno error (code FAIL_CODE) naming
// the hidden staging folder, as Node's fs reports it.
const failingWorker = path.join(dir, 'failingWorker.js');
writeFileSync(
  failingWorker,
  `const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { stagingDir } = workerData.job;
fs.mkdirSync(stagingDir);
const code = process.env.FAIL_CODE;
if (code) {
  const e = new Error(code + ': injected failure, write ' + JSON.stringify(stagingDir + '/model.onnx'));
  e.code = code;
  throw e;
}
fs.writeFileSync(stagingDir + '/config.json', '{}');
parentPort.postMessage({ type: 'result', result: { movedTerms: 0, terms: 0 } });
`,
);

async function runWith(code: string | undefined, dest: string): Promise<unknown> {
  process.env.SYNONYM_LENS_TRAIN_WORKER = failingWorker;
  if (code) process.env.FAIL_CODE = code;
  else delete process.env.FAIL_CODE;
  try {
    const job = { kind: 'adjust', text: '', method: 'seed', terms: [], vectors: [], stagingDir: stagingFor(dest), base: { spec: 'builtin', id: 'builtin', fingerprint: '', dimension: 2 } } as const;
    await runToFolder({ ...job, terms: [], vectors: [] }, dest);
    return undefined;
  } catch (e) {
    return e;
  } finally {
    delete process.env.SYNONYM_LENS_TRAIN_WORKER;
    delete process.env.FAIL_CODE;
  }
}

test('a full disk, a read-only disk or a missing permission while writing a model folder: said with the folder\'s name and what to do', async () => {
  const models = path.join(dir, 'errors', '.synonym-lens', 'models');
  const cases: [string, RegExp][] = [
    ['ENOSPC', /^Not enough disk space to write the model folder "cars-20261205" in .*models\. Free some space \(for example with "Synonym Lens: Clean Up Fine-tuned Models…"\)/],
    ['EROFS', /^Cannot write the model folder "cars-20261205": .*models is on a read-only disk or folder\. Choose an output folder you can write to/],
    ['EACCES', /^No permission to write the model folder "cars-20261205" in .*models\./],
  ];
  for (const [code, message] of cases) {
    const dest = path.join(models, 'cars-20261205');
    const e = await runWith(code, dest);
    assert.ok(e instanceof OutputFolderError, `${code}: ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, message);
    assert.doesNotMatch(e.message, /partial|injected/, 'the hidden staging folder and the raw errno text are not shown');
    assert.ok(!existsSync(dest), 'no output folder');
    assert.deepEqual(readdirSync(models).filter((n) => n.startsWith('.')), [], 'no staging folder left');
  }
  // Another error is passed on as it is.
  const other = await runWith('EIO', path.join(models, 'x'));
  assert.ok(other instanceof Error && !(other instanceof OutputFolderError) && /^EIO: injected/.test(other.message));
});

test('a folder name too long for the file system: refused by the real rename, said with the name and its length', async () => {
  const models = path.join(dir, 'long', '.synonym-lens', 'models');
  const name = `${'模'.repeat(90)}`; // 270 bytes: longer than the 255 a name may have
  const e = await runWith(undefined, path.join(models, name));
  assert.ok(e instanceof OutputFolderError, String(e));
  assert.equal(e.code, 'ENAMETOOLONG');
  assert.equal(e.message, `The model folder name "${name}" is too long for this file system (270 bytes). Choose a shorter output folder name.`);
  assert.deepEqual(readdirSync(models).filter((n) => n !== '.gitignore'), []);
});
