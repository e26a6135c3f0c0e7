import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BUILTIN_MODEL_CONFIG } from '../../src/core/builtin/featurizer';
import { generateEmbeddingTable, referenceEmbed } from '../../src/core/builtin/model';
import { trainCharNgram } from '../../src/core/learn/train';
import { exportCharNgramModel, sha256Hex } from '../../src/runtime/learn/export';
import { loadEngine } from '../../src/runtime/model/load';

const pairs = [
  ['汽车', '轿车'], ['手机', '电话'], ['电脑', '计算机'], ['马铃薯', '土豆'], ['car', 'automobile'], ['番茄', '西红柿'],
].map(([a, b]) => ({ a: a!, b: b!, label: 1 as const }));

test('an exported fine-tuned model loads with loadEngine and embeds as in-process (≤ 1e-5)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sl-export-'));
  try {
    const config = BUILTIN_MODEL_CONFIG;
    // Shape features (the default) and learned order weights change the featuriser's config: the
    // folder must carry the trained config, and the server's loader must honour it.
    const r = trainCharNgram(generateEmbeddingTable(config), config, pairs, { loss: 'mnrl', epochs: 3, batchSize: 3, learnOrderWeights: true });
    assert.equal(r.config.shapeFeatures, true);
    assert.equal(r.config.orderWeights?.length, 8);
    const out = exportCharNgramModel({
      outDir: path.join(dir, 'tuned'),
      config: r.config,
      table: r.table,
      provenance: {
        base_model: 'builtin:char-ngram-v1',
        base_fingerprint: 'test',
        training_file_sha256: sha256Hex('term,synonym\n'),
        loss: 'mnrl',
        hyper_parameters: { epochs: 3, batch_size: 3 },
      },
    });
    assert.deepEqual(readdirSync(out).sort(), ['config.json', 'model.onnx', 'synonym-lens.json']);
    assert.deepEqual(readdirSync(dir), ['tuned'], 'no temporary folder is left');
    const meta = JSON.parse(readFileSync(path.join(out, 'synonym-lens.json'), 'utf8'));
    assert.equal(meta.loss, 'mnrl');
    assert.match(meta.date, /^\d{4}-\d\d-\d\dT/);

    const engine = await loadEngine(out);
    try {
      const texts = ['汽车', '计算机', 'automobile', '未见过的词', 'SUV 越野'];
      const got = await engine.embed(texts);
      texts.forEach((t, i) => {
        const want = referenceEmbed(t, r.config, r.table);
        const err = Math.max(...want.map((v, d) => Math.abs(v - got[i]![d]!)));
        assert.ok(err <= 1e-5, `${t}: max abs difference ${err}`);
      });
    } finally {
      await engine.dispose();
    }

    assert.throws(
      () => exportCharNgramModel({ outDir: out, config, table: r.table, provenance: meta }),
      /already exists/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('export refuses the base folder and an existing folder', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sl-export-'));
  try {
    const base = path.join(dir, 'base');
    mkdirSync(base);
    const config = { ...BUILTIN_MODEL_CONFIG, buckets: 8, dimension: 4 };
    const common = { config, table: new Float32Array(32), provenance: { base_model: 'x', base_fingerprint: 'x', training_file_sha256: 'x', loss: 'cosine', hyper_parameters: {} } };
    assert.throws(() => exportCharNgramModel({ ...common, outDir: base, baseDir: base }), /base model/);
    assert.throws(() => exportCharNgramModel({ ...common, outDir: base }), /already exists/);
    assert.deepEqual(readdirSync(dir), ['base']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
