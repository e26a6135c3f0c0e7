// A model folder that carries its own adjusted vectors (`<folder>/adjusted/`, from
// `fine-tune --adjust`) loads as its model with those terms answered from the table; a table that
// disagrees with its config or with the model is refused with a precise, localisable error.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { termKey } from '../../src/core/dictionary';
import { sha256Hex } from '../../src/runtime/learn/export';
import { configureL10n, modelErrorMessage } from '../../src/server/messages';
import { AdjustedEngine } from '../../src/runtime/model/adjusted';
import { BUILTIN_V1_SPEC, builtinV1ModelDir, loadEngine } from '../../src/runtime/model/load';
import { ModelLoadError } from '../../src/runtime/model/transformer';
import { tempRoot } from '../helpers/fixtures';

const tmp = tempRoot('synonym-lens-own-table-');
after(() => {
  configureL10n(undefined);
  tmp.cleanup();
});

const DIM = 128;
const TERMS = ['普拉多', '霸道SUV'];

/** A unit vector along axis `k`. */
function axis(k: number): Float32Array {
  const v = new Float32Array(DIM);
  v[k] = 1;
  return v;
}

/** A copy of the embedded v1 model's folder (a char-n-gram folder as fine-tuning writes them) with an `adjusted/` table of `TERMS` (axes 0 and 1). */
function folderWithTable(name: string, edit: (files: { config: Record<string, unknown>; terms: string[]; bytes: Uint8Array }) => void = () => {}): string {
  const dir = path.join(tmp.root, name);
  cpSync(builtinV1ModelDir(), dir, { recursive: true });
  const data = new Float32Array(TERMS.length * DIM);
  TERMS.forEach((_, i) => data.set(axis(i), i * DIM));
  const bytes = new Uint8Array(data.buffer);
  const files = {
    config: { method: 'retrofit', dimension: DIM, terms: TERMS.length, moved_terms: 2, vectors_sha256: sha256Hex(bytes), training_file_sha256: sha256Hex('x') },
    terms: TERMS.map(termKey),
    bytes,
  };
  edit(files);
  mkdirSync(path.join(dir, 'adjusted'));
  writeFileSync(path.join(dir, 'adjusted', 'config.json'), JSON.stringify(files.config));
  writeFileSync(path.join(dir, 'adjusted', 'terms.json'), JSON.stringify(files.terms));
  writeFileSync(path.join(dir, 'adjusted', 'vectors.f32'), files.bytes);
  return dir;
}

test('a folder with adjusted/ answers the table\'s terms (by termKey) from it and other texts from its model', async () => {
  const dir = folderWithTable('good');
  const plain = await loadEngine(BUILTIN_V1_SPEC);
  const engine = await loadEngine(dir);
  try {
    assert.ok(engine instanceof AdjustedEngine);
    assert.equal(engine.id, 'good', 'the folder keeps its own id');
    const [a, b, other] = await engine.embed(['普拉多', ' 霸道suv ', '丰田']);
    assert.deepEqual([...a!], [...axis(0)]);
    assert.deepEqual([...b!], [...axis(1)], 'looked up by termKey');
    assert.deepEqual([...other!], [...(await plain.embed(['丰田']))[0]!]);
    // The fingerprint (the vector cache's key) covers the table.
    assert.notEqual(engine.fingerprint, plain.fingerprint);
    assert.equal(engine.fingerprint, (await reload(folderWithTable('same'))).fingerprint);
    const other2 = await reload(folderWithTable('moved', (f) => {
      const data = new Float32Array(f.bytes.buffer.slice(0));
      data.set(axis(2), 0);
      f.bytes = new Uint8Array(data.buffer);
      f.config.vectors_sha256 = sha256Hex(f.bytes);
    }));
    assert.notEqual(other2.fingerprint, engine.fingerprint);
  } finally {
    await engine.dispose();
    await plain.dispose();
  }
});

async function reload(dir: string): Promise<{ fingerprint: string }> {
  const e = await loadEngine(dir);
  const fingerprint = e.fingerprint;
  await e.dispose();
  return { fingerprint };
}

/** Loads `dir` and returns the ModelLoadError it fails with. */
async function loadError(dir: string): Promise<ModelLoadError> {
  try {
    const e = await loadEngine(dir);
    await e.dispose();
  } catch (err) {
    assert.ok(err instanceof ModelLoadError, String(err));
    return err;
  }
  return assert.fail(`${dir} loaded`);
}

test('a tampered vectors.f32 is refused: the file, the config and both checksums are named', async () => {
  const dir = folderWithTable('tampered', (f) => {
    f.bytes = f.bytes.slice();
    f.bytes[5] ^= 1;
  });
  const err = await loadError(dir);
  assert.equal(err.code, 'bad-config');
  assert.equal(err.messageId, 'adjustedChecksum');
  const vectors = path.join(dir, 'adjusted', 'vectors.f32');
  assert.equal(err.message, `${vectors} does not match the checksum in ${path.join(dir, 'adjusted', 'config.json')} (sha256 ${sha256Hex(readFileSync(vectors))} ≠ ${JSON.parse(readFileSync(path.join(dir, 'adjusted', 'config.json'), 'utf8')).vectors_sha256}): the file is damaged or was changed after it was written`);
  // The editor says it in its display language; the CLI prints `message` (English).
  assert.equal(configureL10n(JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8'))), true);
  assert.match(modelErrorMessage(err), /^.*vectors\.f32 与 .*config\.json 中的校验和不符（sha256 [0-9a-f]{64} ≠ [0-9a-f]{64}）：文件已损坏，或在写入后被修改过$/);
  configureL10n(undefined);
});

test('each other disagreement has its own error', async () => {
  const cases: [string, Parameters<typeof folderWithTable>[1], string, RegExp][] = [
    ['truncated', (f) => (f.bytes = f.bytes.slice(0, DIM * 4)), 'adjustedMismatch', /terms\.json and vectors\.f32 do not match \(2 terms × 128\)/],
    ['count', (f) => (f.config.terms = 3), 'adjustedTermCount', /config\.json says 3 terms, but .*terms\.json lists 2/],
    ['dimension', (f) => (f.config.dimension = 64), 'adjustedDimension', /the adjusted vectors have dimension 64, but the model has dimension 128/],
    ['no-sha', (f) => delete f.config.vectors_sha256, 'adjustedConfigField', /Invalid .*config\.json: "vectors_sha256" is missing or not a valid value/],
    ['terms-not-strings', (f) => (f.terms = [1, 2] as unknown as string[]), 'adjustedTermsInvalid', /terms\.json is not a JSON array of terms/],
  ];
  for (const [name, edit, id, pattern] of cases) {
    const err = await loadError(folderWithTable(name, edit));
    assert.equal(err.messageId, id, name);
    assert.match(err.message, pattern, name);
  }
});
