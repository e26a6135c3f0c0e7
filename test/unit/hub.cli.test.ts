/** `runModel` (the `model` CLI subcommands) against the loopback hub: download, list, info. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runModel } from '../../src/cli/commands/model';
import { CliError } from '../../src/cli/errors';
import { makeModel, tempRoot } from '../helpers/fixtures';
import { startHub } from '../helpers/hubServer';

const { root, cleanup } = tempRoot('synonym-lens-cli-model-');
after(cleanup);

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string }> {
  const write = process.stdout.write.bind(process.stdout);
  const errWrite = process.stderr.write.bind(process.stderr);
  let out = '';
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return { code: await fn(), out };
  } finally {
    process.stdout.write = write;
    process.stderr.write = errWrite;
  }
}

test('model download, list and info work end to end; bad input is a CliError', async () => {
  const m = makeModel(path.join(root, 'src'), { arch: 'xlmr' });
  const read = (p: string) => readFileSync(path.join(m.dir, p));
  const hub = await startHub({
    'intfloat/multilingual-e5-small': [
      { path: 'config.json', content: read('config.json') },
      { path: 'tokenizer.json', content: read('tokenizer.json') },
      { path: 'tokenizer_config.json', content: read('tokenizer_config.json') },
      { path: 'onnx/model.onnx', content: read('onnx/model.onnx'), lfs: true },
    ],
  });
  const modelsDir = path.join(root, 'models');
  const saved = process.env.HF_HUB_CACHE;
  process.env.HF_HUB_CACHE = path.join(root, 'empty-hf-cache');
  try {
    const values = { endpoint: hub.url, 'models-dir': modelsDir };
    const d = await capture(() => runModel(['download', 'intfloat/multilingual-e5-small'], values));
    assert.equal(d.code, 0);
    assert.match(d.out, /intfloat\/multilingual-e5-small → .*intfloat--multilingual-e5-small/);
    const l = await capture(() => runModel(['list'], { 'models-dir': modelsDir, json: true }));
    const listed = JSON.parse(l.out) as { id: string; source: string }[];
    assert.deepEqual(listed.map((x) => [x.id, x.source]), [['intfloat/multilingual-e5-small', 'downloaded']]);
    const i = await capture(() => runModel(['info', 'intfloat/multilingual-e5-small'], { 'models-dir': modelsDir, text: 'suv' }));
    assert.match(i.out, /pooling +mean, prefix "query: "/);
    assert.match(i.out, /dimension +32/);
    assert.match(i.out, /tokens +▁query : ▁suv/);
    assert.match(i.out, /graph +as exported \(first-token rewrite: not used with mean pooling\)/);
    // A sentence-transformers folder declaring CLS pooling (as bge's does).
    const bge = makeModel(path.join(root, 'bge-like'), {
      arch: 'bert',
      extraFiles: { 'modules.json': [{ idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' }, { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' }], '1_Pooling/config.json': { word_embedding_dimension: 32, pooling_mode_cls_token: true, pooling_mode_mean_tokens: false } },
    });
    const c = await capture(() => runModel(['info', bge.dir], {}));
    assert.match(c.out, /graph +first token only in the last layer: \d+ nodes \(6 matrix products\)/);
    await assert.rejects(runModel(['download', 'nobody/nothing'], values), (e: unknown) => e instanceof CliError && /404/.test(e.message));
    await assert.rejects(runModel(['info', 'nobody/nothing'], { 'models-dir': modelsDir }), CliError);
    await assert.rejects(runModel(['download', 'x/y'], { ...values, variant: 'int4' }), /--variant must be one of fp32, quantized, fp16/);
    await assert.rejects(runModel(['frobnicate'], {}), CliError);
    // A hub whose graph names external data outside the folder: refused, nothing written there.
    const evil = makeModel(path.join(root, 'evil'), { arch: 'bert', layout: 'external', externalLocation: '../../ESCAPED.txt' });
    const evilHub = await startHub(
      { 'acme/evil': [{ path: 'config.json', content: read('config.json') }, { path: 'tokenizer.json', content: read('tokenizer.json') }, { path: 'onnx/model.onnx', content: readFileSync(path.join(evil.dir, 'onnx/model.onnx')) }] },
      { hostile: [{ path: 'onnx/../../ESCAPED.txt', content: Buffer.from('escaped') }, { path: 'onnx/model.onnx_data/../../../ESCAPED.txt', content: Buffer.from('escaped') }] },
    );
    try {
      await assert.rejects(runModel(['download', 'acme/evil'], { endpoint: evilHub.url, 'models-dir': modelsDir }), (e: unknown) => e instanceof CliError && /names external data "\.\.\/\.\.\/ESCAPED\.txt"/.test(e.message));
      assert.ok(!existsSync(path.join(root, 'ESCAPED.txt')) && !existsSync(path.join(modelsDir, 'ESCAPED.txt')) && !existsSync(path.join(path.dirname(modelsDir), 'ESCAPED.txt')));
    } finally {
      await evilHub.close();
    }
  } finally {
    if (saved === undefined) delete process.env.HF_HUB_CACHE;
    else process.env.HF_HUB_CACHE = saved;
    await hub.close();
  }
});
