/** `loadEngine` dispatches transformer folders, downloaded `org/name` ids and the HF cache to the transformer engine. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadEngine } from '../../src/runtime/model/load';
import { TransformerEngine, MODELS_DIR_ENV, resolveTransformerSpec } from '../../src/runtime/model/transformer';
import { makeModel, tempRoot } from '../helpers/fixtures';

const { root, cleanup } = tempRoot();
after(cleanup);

test('loadEngine(folder with tokenizer.json) gives a TransformerEngine', async () => {
  const m = makeModel(path.join(root, 'plain'), { arch: 'xlmr' });
  const engine = await loadEngine(m.dir, { threads: 1 });
  assert.ok(engine instanceof TransformerEngine);
  assert.equal(engine.id, 'plain');
  assert.equal((await engine.embed(['汽车']))[0]!.length, 32);
  await engine.dispose();
});

test('loadEngine("org/name") finds a downloaded model, then the HF cache (HF_HOME)', async (t) => {
  const models = path.join(root, 'storage');
  makeModel(path.join(models, 'acme--tiny-bert'), { arch: 'bert' });
  const hfHome = path.join(root, 'hf-home');
  const snap = path.join(hfHome, 'hub', 'models--acme--tiny-xlmr', 'snapshots', 'f00d');
  makeModel(snap, { arch: 'xlmr' });
  mkdirSync(path.join(hfHome, 'hub', 'models--acme--tiny-xlmr', 'refs'), { recursive: true });
  writeFileSync(path.join(hfHome, 'hub', 'models--acme--tiny-xlmr', 'refs', 'main'), 'f00d\n');
  const saved = { models: process.env[MODELS_DIR_ENV], hf: process.env.HF_HOME, cache: process.env.HF_HUB_CACHE };
  t.after(() => {
    for (const [k, v] of [[MODELS_DIR_ENV, saved.models], ['HF_HOME', saved.hf], ['HF_HUB_CACHE', saved.cache]] as const)
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  });
  process.env[MODELS_DIR_ENV] = models;
  process.env.HF_HOME = hfHome;
  delete process.env.HF_HUB_CACHE;

  assert.equal(resolveTransformerSpec('acme/tiny-bert'), path.join(models, 'acme--tiny-bert'));
  assert.equal(resolveTransformerSpec('acme/tiny-xlmr'), snap);
  assert.equal(resolveTransformerSpec('acme/absent'), undefined);
  const a = await loadEngine('acme/tiny-bert');
  const b = await loadEngine('acme/tiny-xlmr');
  assert.equal(b.id, 'acme/tiny-xlmr');
  assert.ok(a instanceof TransformerEngine && b instanceof TransformerEngine);
  await a.dispose();
  await b.dispose();
});
