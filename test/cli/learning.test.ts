// The learning commands of the bundled CLI (dist/cli.js with dist/trainWorker.js): exit codes,
// JSON keys, output folders, Ctrl-C. Inputs are fixtures in test/fixtures/learning/.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadEngine } from '../../src/runtime/model/load';
import { referenceEmbedCharNgram } from '../../src/core/builtin/modelV2';
import { readCharNgramBase, readInitializer } from '../../src/runtime/learn/baseModel';
import { makeModel } from '../helpers/fixtures';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');
const fixtures = path.join(root, 'test', 'fixtures', 'learning');
const labelled = path.join(fixtures, 'labelled.csv');
const positives = path.join(fixtures, 'positives.synonyms.csv');
const tmp = mkdtempSync(path.join(tmpdir(), 'synonym-lens-cli-learning-'));

after(() => rmSync(tmp, { recursive: true, force: true }));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: tmp });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const EVALUATION_KEYS = ['n', 'accuracy', 'threshold', 'best_accuracy', 'best_threshold', 'f1', 'f1_threshold', 'precision', 'recall', 'ap', 'roc_auc', 'mean_cos_pos', 'mean_cos_neg', 'report'];

/** Hidden staging folders a run may leave next to its output. */
const leftovers = (dir: string) => readdirSync(dir).filter((n) => n.includes('.partial-') || n.includes('.tmp-'));

test('evaluate --json has the documented keys and scores every labelled pair', () => {
  const r = run('evaluate', labelled, '--json', '--threshold', '0.3');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  for (const k of EVALUATION_KEYS) assert.ok(k in out, `${k} missing`);
  assert.equal(out.n, 31);
  assert.equal(out.threshold, 0.3);
  assert.equal(out.sampled_negatives, 0);
  assert.match(out.model, /^builtin:/);
  assert.ok(out.roc_auc > 0.5 && out.roc_auc <= 1, `roc_auc ${out.roc_auc}`);
  assert.equal(out.report['1'].support + out.report['0'].support, 31);
});

test('evaluate samples negatives for a positive-only file and prints a Markdown table', () => {
  const r = run('evaluate', positives);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /30 pairs \(\+ \d+ sampled negatives/);
  assert.match(r.stdout, /\| ROC-AUC \| \d\.\d{4} \|/);
  assert.match(r.stdout, /precision +recall +f1-score +support/);
});

test('evaluate: usage and input errors exit 2 with one line', () => {
  for (const [args, pattern] of [
    [['evaluate', path.join(tmp, 'missing.csv')], /no such file/],
    [['evaluate', path.join(fixtures, 'no-pairs.csv')], /no synonym pair/],
    [['evaluate', labelled, '--threshold', '2'], /--threshold must be between -1 and 1/],
    [['evaluate', labelled, '--model', path.join(tmp, 'nope')], /cannot load model/],
  ] as const) {
    const r = run(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('fine-tune writes a loadable model folder, reports each epoch on stderr and before/after in JSON', () => {
  const out = path.join(tmp, 'tuned');
  // --validation 0: every epoch asked for (on this 30-pair file the collapse guard would stop mnrl after one; see the next test).
  const r = run('fine-tune', positives, '--out', out, '--epochs', '4', '--loss', 'mnrl', '--seed', '3', '--validation', '0', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stderr.split('\n').filter((l) => /^epoch /.test(l)).map((l) => l.split(/\s+/)[1]), ['1/4', '2/4', '3/4', '4/4']);
  const json = JSON.parse(r.stdout);
  assert.equal(json.model_dir, out);
  assert.equal(json.loss, 'mnrl');
  assert.equal(json.epoch_losses.length, 4);
  for (const side of ['before', 'after']) for (const k of EVALUATION_KEYS) assert.ok(k in json[side], `${side}.${k} missing`);
  assert.ok(json.data.dev > 0 && json.data.sampledNegatives > 0, JSON.stringify(json.data));
  for (const f of ['model.onnx', 'config.json', 'synonym-lens.json', 'report.json', 'report.md']) assert.ok(existsSync(path.join(out, f)), `${f} missing`);
  const config = JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8'));
  assert.equal(config.model_type, 'synonym-lens-char-ngram');
  // Shape features are learned by default and recorded, so the folder embeds as it was evaluated.
  assert.deepEqual([json.shape_features, json.order_weights, config.featurizer.shapeFeatures, config.featurizer.orderWeights], [true, false, true, undefined]);
  assert.deepEqual(leftovers(tmp), []);

  // The new folder is a model: it evaluates, and it is a base for another fine-tuning run.
  const e = run('evaluate', positives, '--model', out, '--json');
  assert.equal(e.code, 0, e.stderr);
  const base = JSON.parse(run('evaluate', positives, '--json').stdout);
  assert.ok(JSON.parse(e.stdout).mean_cos_pos > base.mean_cos_pos, 'the trained pairs are closer after fine-tuning');
  const again = run('fine-tune', positives, '--out', path.join(tmp, 'tuned-again'), '--model', out, '--epochs', '1');
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /\| ROC-AUC \|/);
});

test('fine-tune of a dictionary too small to choose the epochs: the collapse guard stops it and the JSON, stderr and report say so', () => {
  const out = path.join(tmp, 'tuned-guarded');
  const r = run('fine-tune', positives, '--out', out, '--epochs', '4', '--loss', 'mnrl', '--seed', '3', '--json');
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  const g = json.collapse_guard;
  assert.ok(g, 'a collapse_guard record');
  assert.equal(json.epoch_selection, undefined, 'too few pairs to choose the epochs');
  assert.equal(g.limit, 0.02);
  assert.equal(g.random_cos_rise_by_epoch[0], 0);
  assert.ok(g.stopped_at >= 1 && g.stopped_at <= 4, JSON.stringify(g));
  assert.ok(g.random_cos_rise_by_epoch[g.stopped_at] > g.limit, 'stopped where the rise passed the limit');
  assert.equal(g.random_cos_rise_by_epoch.length, g.stopped_at + 1, 'no epoch after the stop');
  assert.ok(g.epochs === g.stopped_at || g.epochs === g.stopped_at - 1, JSON.stringify(g));
  assert.equal(json.epochs, g.epochs);
  assert.equal(json.epoch_losses.length, g.epochs, 'the kept run trained that many epochs');
  const report = readFileSync(path.join(out, 'report.md'), 'utf8');
  assert.match(report, new RegExp(`- Epochs: ${g.epochs} of at most 4: too few synonym pairs .* the collapse guard decided: epoch ${g.stopped_at} raised the mean cosine of random pairs`));
  // --validation 0 turns the guard off with the choice.
  const plain = JSON.parse(run('fine-tune', positives, '--out', path.join(tmp, 'tuned-unguarded'), '--epochs', '4', '--loss', 'mnrl', '--seed', '3', '--validation', '0', '--json').stdout);
  assert.equal(plain.collapse_guard, undefined);
  assert.equal(plain.epoch_losses.length, 4);
});

test('fine-tune on the embedded default (char-ngram-v2) keeps its lexicon half: same meaning table and word list, CC BY-SA 4.0 carried over, loads and embeds as the TS reference', async () => {
  const out = path.join(tmp, 'tuned-v2');
  const r = run('fine-tune', labelled, '--out', out, '--epochs', '3', '--seed', '4', '--json');
  assert.equal(r.code, 0, r.stderr);
  const builtinDir = path.join(root, 'models', 'builtin');
  const config = JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8'));
  assert.equal(config.featurizer.version, 'char-ngram-v2');
  assert.deepEqual(config.featurizer.lexicon, JSON.parse(readFileSync(path.join(builtinDir, 'config.json'), 'utf8')).featurizer.lexicon);
  assert.equal(config.license, 'CC-BY-SA-4.0');
  const provenance = JSON.parse(readFileSync(path.join(out, 'synonym-lens.json'), 'utf8'));
  assert.deepEqual([provenance.base_model, provenance.license], ['builtin:char-ngram-v2', 'CC-BY-SA-4.0']);
  assert.ok(readFileSync(path.join(out, 'lexicon.txt')).equals(readFileSync(path.join(builtinDir, 'lexicon.txt'))), 'lexicon.txt copied byte for byte');
  assert.match(readFileSync(path.join(out, 'NOTICE'), 'utf8'), /fine-tuned by Synonym Lens from builtin:char-ngram-v2[\s\S]*CC-CEDICT[\s\S]*WordNet/);
  assert.ok(existsSync(path.join(out, 'LICENSE')));
  const tuned = readFileSync(path.join(out, 'model.onnx'));
  const shipped = readFileSync(path.join(builtinDir, 'model.onnx'));
  for (const [name, type] of [['lexicon_int8', 3], ['lexicon_scale', 1]] as const)
    assert.ok(Buffer.from(readInitializer(tuned, name, type)!).equals(Buffer.from(readInitializer(shipped, name, type)!)), `${name} unchanged`);
  assert.match(readFileSync(path.join(out, 'report.md'), 'utf8'), /Base model: `builtin:char-ngram-v2`/);
  const info = run('model', 'info', out);
  assert.equal(info.code, 0, info.stderr);
  assert.match(info.stdout, /license\s+CC-BY-SA-4\.0/);

  // Loaded by the engine (onnxruntime) it embeds as the trainer's TS reference of the same graph.
  const base = readCharNgramBase(out, 'tuned-v2');
  const engine = await loadEngine(out, { threads: 1 });
  try {
    assert.equal(engine.dimension, 256);
    const texts = ['发动机', '引擎', '普拉多', 'engine', '宝马X5'];
    const got = await engine.embed(texts);
    texts.forEach((t, i) => {
      const want = referenceEmbedCharNgram(t, base.config, base.table, base.lexicon);
      assert.ok(want.every((x, d) => Math.abs(x - got[i]![d]!) <= 1e-5), t);
    });
  } finally {
    await engine.dispose();
  }

  // The previous embedded model stays a base of its own: no lexicon half, MIT.
  const v1 = path.join(tmp, 'tuned-v1');
  assert.equal(run('fine-tune', labelled, '--out', v1, '--model', 'builtin:char-ngram-v1', '--epochs', '2').code, 0);
  const v1Config = JSON.parse(readFileSync(path.join(v1, 'config.json'), 'utf8'));
  assert.deepEqual([v1Config.featurizer.version, v1Config.featurizer.lexicon, v1Config.license, existsSync(path.join(v1, 'lexicon.txt'))], ['char-ngram-v1', undefined, undefined, false]);
  assert.equal(JSON.parse(readFileSync(path.join(v1, 'synonym-lens.json'), 'utf8')).base_model, 'builtin:char-ngram-v1');
});

test('fine-tune --no-shape-features --order-weights: the config says so and the folder evaluates', () => {
  const out = path.join(tmp, 'tuned-plain');
  const r = run('fine-tune', labelled, '--out', out, '--epochs', '2', '--no-shape-features', '--order-weights', '--json');
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.deepEqual([json.shape_features, json.order_weights], [false, true]);
  const config = JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8'));
  assert.equal(config.featurizer.shapeFeatures, undefined);
  assert.ok(Array.isArray(config.featurizer.orderWeights) && config.featurizer.orderWeights.some((w: number) => w !== 1), JSON.stringify(config.featurizer));
  assert.match(readFileSync(path.join(out, 'report.md'), 'utf8'), /shape features off, learned n-gram kind weights/);
  assert.equal(run('evaluate', labelled, '--model', out).code, 0);
});

/** `mean_cos_pos` of `evaluate --json` on `file` with `model` (in-vocabulary: the pairs the folder was trained and adjusted on). */
function meanPositiveCosine(file: string, model: string): number {
  const r = run('evaluate', file, '--model', model, '--json');
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout).mean_cos_pos;
}

test('fine-tune --adjust retrofit puts the adjusted vectors into the new folder: they load with it and pull the dictionary\'s pairs closer', () => {
  const plain = path.join(tmp, 'tuned-no-adjust');
  const out = path.join(tmp, 'tuned-retrofit');
  assert.equal(run('fine-tune', positives, '--out', plain, '--epochs', '3', '--seed', '5').code, 0);
  const r = run('fine-tune', positives, '--out', out, '--epochs', '3', '--seed', '5', '--adjust', 'retrofit', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /adjusting \d+ term vectors \(retrofit\)…/);
  const json = JSON.parse(r.stdout);
  assert.equal(json.adjusted.method, 'retrofit');
  assert.ok(json.adjusted.moved_terms > 0 && json.adjusted.moved_terms <= json.adjusted.terms, JSON.stringify(json.adjusted));
  for (const f of ['config.json', 'terms.json', 'vectors.f32']) assert.ok(existsSync(path.join(out, 'adjusted', f)), `adjusted/${f} missing`);
  assert.ok(!existsSync(path.join(plain, 'adjusted')));
  const table = JSON.parse(readFileSync(path.join(out, 'adjusted', 'config.json'), 'utf8'));
  assert.deepEqual(Object.keys(table).sort(), ['dimension', 'method', 'moved_terms', 'terms', 'training_file_sha256', 'vectors_sha256']);
  // The default base is char-ngram-v2: 128 char dimensions + 128 of the lexicon half.
  assert.deepEqual([table.method, table.dimension, table.terms, table.moved_terms], ['retrofit', 256, json.adjusted.terms, json.adjusted.moved_terms]);
  assert.equal(readFileSync(path.join(out, 'adjusted', 'vectors.f32')).length, table.terms * 256 * 4);
  // Same seed, same training: the held-out evaluation is the model's, with or without the table.
  const plainReport = JSON.parse(readFileSync(path.join(plain, 'report.json'), 'utf8'));
  assert.deepEqual(json.after, plainReport.after);
  assert.match(readFileSync(path.join(out, 'report.md'), 'utf8'), /Adjusted vectors added \(`retrofit`, in `adjusted\/`\): \d+ of \d+ dictionary terms moved/);
  assert.equal(JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')).adjusted.method, 'retrofit');
  assert.deepEqual(leftovers(tmp), []);

  const withTable = meanPositiveCosine(positives, out);
  const without = meanPositiveCosine(positives, plain);
  assert.ok(withTable > without, `mean positive cosine with the table ${withTable} ≤ without ${without}`);

  const info = run('model', 'info', out);
  assert.equal(info.code, 0, info.stderr);
  assert.match(info.stdout, new RegExp(`adjusted +retrofit: ${table.terms} dictionary terms \\(${table.moved_terms} moved\\) in adjusted/`));
  const infoJson = JSON.parse(run('model', 'info', out, '--json').stdout);
  assert.equal(infoJson.adjusted.vectors_sha256, table.vectors_sha256);
  assert.doesNotMatch(run('model', 'info', plain).stdout, /adjusted/);

  const bad = run('fine-tune', positives, '--out', path.join(tmp, 'never-adjusted'), '--adjust', 'magic');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--adjust must be one of seed, retrofit, counterfit, got 'magic'/);
});

test('fine-tune refuses an existing --out, a missing --out and a bad --loss (exit 2)', () => {
  mkdirSync(path.join(tmp, 'exists'), { recursive: true });
  for (const [args, pattern] of [
    [['fine-tune', positives, '--out', path.join(tmp, 'exists')], /already exists/],
    [['fine-tune', positives], /--out <dir> is required/],
    [['fine-tune', positives, '--out', path.join(tmp, 'x'), '--loss', 'hinge'], /--loss must be auto or one of cosine, mnrl, cosent, contrastive/],
    [['fine-tune', positives, '--out', path.join(tmp, 'x'), '--epochs', '0'], /--epochs must be a positive whole number/],
    [['fine-tune', positives, '--out', path.join(tmp, 'x'), '--adapter', 'deep'], /--adapter must be one of linear, mlp/],
    [['fine-tune', positives, '--out', path.join(tmp, 'x'), '--adapter', 'mlp'], /--adapter mlp is for transformer models; builtin is a char-n-gram model/],
  ] as const) {
    const r = run(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
  }
  assert.ok(!existsSync(path.join(tmp, 'x')));
});

test('Ctrl-C during fine-tune exits 130 and leaves no output folder', async () => {
  const dir = mkdtempSync(path.join(tmp, 'sigint-'));
  const out = path.join(dir, 'model');
  const child = spawn(process.execPath, [cli, 'fine-tune', labelled, '--out', out, '--epochs', '5000', '--batch-size', '1'], { cwd: dir });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/^epoch 1\//m.test(stderr)) resolve();
    });
    child.once('exit', () => reject(new Error(`exited before the first epoch: ${stderr}`)));
  });
  child.kill('SIGINT');
  assert.equal(await exited, 130, stderr);
  assert.match(stderr, /fine-tuning cancelled; nothing was written/);
  assert.ok(!existsSync(out), 'output folder written');
  assert.deepEqual(leftovers(dir), []);
});

test('evaluate on the file a model was fine-tuned on says so first; --held-out evaluates the pairs it held out, as its report did', () => {
  const out = path.join(tmp, 'tuned-on-labelled');
  const dict = path.join(tmp, 'cars-train.csv');
  writeFileSync(dict, readFileSync(labelled));
  const tuned = run('fine-tune', dict, '--out', out, '--epochs', '2', '--seed', '5', '--json');
  assert.equal(tuned.code, 0, tuned.stderr);
  const report = JSON.parse(tuned.stdout);

  const human = run('evaluate', dict, '--model', out);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /^WARNING: this file is the model's training file: \d+ of its 31 pairs were trained on, so these metrics overstate how well it scores new pairs\. Run with --held-out/);
  const json = JSON.parse(run('evaluate', dict, '--model', out, '--json').stdout);
  assert.equal(json.training.kind, 'same-file');
  assert.equal(json.training.held_out_available, true);
  assert.equal(json.training.trained_pairs, report.data.train);

  // The held-out side of the model's own split: the pairs (and sampled negatives) its report scored.
  const held = JSON.parse(run('evaluate', dict, '--model', out, '--held-out', '--json').stdout);
  assert.equal(held.held_out, true);
  assert.equal(held.training, undefined);
  assert.equal(held.n, report.after.n);
  assert.ok(Math.abs(held.roc_auc - report.after.roc_auc) < 1e-3, `held-out ROC-AUC ${held.roc_auc} vs the report's ${report.after.roc_auc}`);
  assert.match(run('evaluate', dict, '--model', out, '--held-out').stdout, /cars-train\.csv: \d+ held-out pairs of 31 · model tuned-on-labelled/);

  // A copy with one more row: most pairs were trained on; no held-out side to offer.
  const edited = path.join(tmp, 'cars-edited.csv');
  writeFileSync(edited, readFileSync(labelled, 'utf8') + 'zzz,yyy,1\n');
  const overlap = JSON.parse(run('evaluate', edited, '--model', out, '--json').stdout);
  assert.equal(overlap.training.kind, 'overlap');
  assert.equal(overlap.training.held_out_available, false);
  assert.equal(overlap.training.training_file, dict);
  const refused = run('evaluate', edited, '--model', out, '--held-out');
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--held-out needs a fine-tuned model evaluated on the very file it was trained on/);

  // Another file, the embedded model: nothing to warn about.
  const other = path.join(tmp, 'other.csv');
  writeFileSync(other, 'term,synonym,label\n天空,苍穹,1\n大海,海洋,1\n天空,海洋,0\n');
  assert.doesNotMatch(run('evaluate', other, '--model', out).stdout, /WARNING/);
  assert.doesNotMatch(run('evaluate', dict).stdout, /WARNING/);
});

test('adjust writes an adjusted-vectors folder that evaluate loads (exit 0)', () => {
  const out = path.join(tmp, 'retrofit');
  const r = run('adjust', labelled, '--out', out, '--method', 'retrofit', '--json');
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.equal(json.method, 'retrofit');
  assert.ok(json.moved_terms > 0 && json.moved_terms <= json.terms);
  for (const f of ['config.json', 'terms.json', 'vectors.f32']) assert.ok(existsSync(path.join(out, f)), `${f} missing`);
  const before = JSON.parse(run('evaluate', labelled, '--json').stdout);
  const afterAdjust = JSON.parse(run('evaluate', labelled, '--model', out, '--json').stdout);
  assert.ok(afterAdjust.mean_cos_pos > before.mean_cos_pos);
  const bad = run('adjust', labelled, '--out', path.join(tmp, 'y'), '--method', 'magic');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--method must be one of seed, retrofit, counterfit/);
});

test('fine-tune --model <transformer folder> trains an adapter and writes a folder that loads', async () => {
  const bert = path.join(tmp, 'bert-base');
  makeModel(bert, { arch: 'bert', vocabTerms: readFileSync(positives, 'utf8').split(/[\s,]+/) });
  const out = path.join(tmp, 'bert-tuned');
  // --loss auto is the setting's default and the help's: accepted, the job picks the loss.
  // --validation 0: all 3 epochs (the collapse guard may stop this tiny random encoder's adapter earlier).
  const r = run('fine-tune', positives, '--out', out, '--model', bert, '--epochs', '3', '--loss', 'auto', '--validation', '0', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stderr.split('\n').filter((l) => /^epoch /.test(l)).map((l) => l.split(/\s+/)[1]), ['1/3', '2/3', '3/3']);
  const json = JSON.parse(r.stdout);
  assert.equal(json.model_dir, out);
  assert.equal(json.base_model, 'bert-base');
  assert.equal(json.loss, 'mnrl', 'auto on a positive-only file');
  assert.equal(json.lr, 1e-3, 'the adapter default learning rate');
  assert.equal(json.epoch_losses.length, 3);
  for (const side of ['before', 'after']) for (const k of EVALUATION_KEYS) assert.ok(k in json[side], `${side}.${k} missing`);
  for (const f of ['config.json', 'tokenizer.json', 'synonym-lens.json', 'report.json', 'report.md']) assert.ok(existsSync(path.join(out, f)), `${f} missing`);
  assert.equal(JSON.parse(readFileSync(path.join(out, 'synonym-lens.json'), 'utf8')).adapter.kind, 'linear');
  assert.equal(json.adapter, 'linear');
  assert.deepEqual(leftovers(tmp), []);
  const mlp = run('fine-tune', positives, '--out', path.join(tmp, 'bert-mlp'), '--model', bert, '--epochs', '2', '--adapter', 'mlp', '--json');
  assert.equal(mlp.code, 0, mlp.stderr);
  assert.deepEqual(JSON.parse(readFileSync(path.join(tmp, 'bert-mlp', 'synonym-lens.json'), 'utf8')).adapter, { kind: 'mlp', dim: 32, hidden: 32 });
  assert.equal(run('evaluate', positives, '--model', path.join(tmp, 'bert-mlp')).code, 0);

  const engine = await loadEngine(out);
  try {
    assert.equal(engine.id, 'bert-tuned');
    const [v] = await engine.embed(['普拉多']);
    assert.equal(v!.length, 32);
  } finally {
    await engine.dispose();
  }
  const e = run('evaluate', positives, '--model', out, '--json');
  assert.equal(e.code, 0, e.stderr);
  assert.equal(JSON.parse(e.stdout).model, 'bert-tuned');
  // A fine-tuned transformer folder is a base again (a second adapter on top), with an explicit --lr.
  const again = run('fine-tune', positives, '--out', path.join(tmp, 'bert-tuned-again'), '--model', out, '--epochs', '1', '--lr', '0.01');
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /wrote .*bert-tuned-again \(.*synonym-lens\.json/);
});

test('fine-tune --model <transformer folder> --adjust counterfit: the adapter folder carries its own table', () => {
  const bert = path.join(tmp, 'bert-for-adjust');
  makeModel(bert, { arch: 'bert', vocabTerms: readFileSync(labelled, 'utf8').split(/[\s,]+/) });
  const plain = path.join(tmp, 'bert-adapter');
  const out = path.join(tmp, 'bert-adapter-counterfit');
  assert.equal(run('fine-tune', labelled, '--out', plain, '--model', bert, '--epochs', '2').code, 0);
  const r = run('fine-tune', labelled, '--out', out, '--model', bert, '--epochs', '2', '--adjust', 'counterfit', '--json');
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.equal(json.adjusted.method, 'counterfit');
  const table = JSON.parse(readFileSync(path.join(out, 'adjusted', 'config.json'), 'utf8'));
  assert.deepEqual([table.method, table.dimension, table.terms], ['counterfit', 32, json.adjusted.terms]);
  assert.ok(table.moved_terms > 0);
  const withTable = meanPositiveCosine(labelled, out);
  const without = meanPositiveCosine(labelled, plain);
  assert.ok(withTable > without, `mean positive cosine with the table ${withTable} ≤ without ${without}`);
  const info = run('model', 'info', out);
  assert.equal(info.code, 0, info.stderr);
  assert.match(info.stdout, /adjusted +counterfit: \d+ dictionary terms \(\d+ moved\) in adjusted\//);
  assert.deepEqual(leftovers(tmp), []);
});

test('adjusted vectors over a transformer folder keep working when both folders move together', () => {
  const home = mkdtempSync(path.join(tmp, 'portable-'));
  const bert = path.join(home, 'models', 'bert-base');
  makeModel(bert, { arch: 'bert', vocabTerms: readFileSync(labelled, 'utf8').split(/[\s,]+/) });
  const out = path.join(home, 'models', 'bert-retrofit');
  assert.equal(run('adjust', labelled, '--out', out, '--method', 'retrofit', '--model', bert).code, 0);
  const config = JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8'));
  assert.equal(config.base_model_relative, '../bert-base');
  const before = JSON.parse(run('evaluate', labelled, '--model', out, '--json').stdout);
  const moved = path.join(tmp, 'moved-elsewhere');
  renameSync(home, moved);
  const r = run('evaluate', labelled, '--model', path.join(moved, 'models', 'bert-retrofit'), '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).roc_auc, before.roc_auc);
});

test('fine-tune --model <adjusted-vectors folder> says to fine-tune its base instead (exit 2)', () => {
  const adjusted = path.join(tmp, 'retrofit-for-base');
  assert.equal(run('adjust', labelled, '--out', adjusted, '--method', 'seed').code, 0);
  const r = run('fine-tune', labelled, '--out', path.join(tmp, 'never'), '--model', adjusted);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /retrofit-for-base holds adjusted vectors over builtin, not a model that can be trained; fine-tune the embedded model instead/);
  assert.ok(!existsSync(path.join(tmp, 'never')));
  assert.deepEqual(leftovers(tmp), []);
});

/**
 * A positive-only dictionary big enough for the epoch choice: 200 synonym groups of two made-up
 * terms that share a two-character stem (so a few epochs learn something the held-out groups share).
 */
function groupsCsv(file: string, groups = 200): string {
  const han = (k: number) => String.fromCodePoint(0x4e00 + ((k * 7919) % 20000));
  const rows = ['term,synonym'];
  for (let g = 0; g < groups; g++) rows.push(`${han(3 * g)}${han(3 * g + 1)}甲,${han(3 * g)}${han(3 * g + 1)}乙${han(3 * g + 2)}`);
  const out = path.join(tmp, file);
  writeFileSync(out, rows.join('\n') + '\n');
  return out;
}

test('fine-tune chooses its epoch count on held-out groups (--validation), reports it, and --validation 0 turns it off', () => {
  const dict = groupsCsv('groups.synonyms.csv');
  const out = path.join(tmp, 'tuned-choice');
  const r = run('fine-tune', dict, '--out', out, '--epochs', '6', '--loss', 'cosine', '--validation', '0.3', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^choosing the number of epochs on held-out groups: \d+ pairs, at most 6 epochs/m);
  const json = JSON.parse(r.stdout);
  const s = json.epoch_selection;
  assert.ok(s, 'epoch_selection missing');
  assert.equal(json.max_epochs, 6);
  assert.equal(json.validation, 0.3);
  assert.ok(json.epochs >= 1 && json.epochs <= 6, String(json.epochs));
  assert.equal(json.epoch_losses.length, json.epochs, 'the final run trains for the chosen count');
  assert.ok(s.auc_by_epoch.length >= 2 && s.auc_by_epoch.length <= 7, JSON.stringify(s));
  assert.ok(s.validation_pairs >= 2 * 20, 'held-out synonym pairs plus as many sampled negatives');
  // The best epoch is the best held-out AUC among the epochs that passed the collapse guard.
  const passed = s.auc_by_epoch.map((a: number, e: number) => [a, e]).filter(([, e]: number[]) => e > 0 && s.random_cos_rise_by_epoch[e] <= 0.02);
  assert.equal(s.best_epoch, passed.reduce((b: number[], x: number[]) => (x[0]! > b[0]! ? x : b))[1]);
  const meta = JSON.parse(readFileSync(path.join(out, 'synonym-lens.json'), 'utf8'));
  assert.deepEqual([meta.hyper_parameters.epochs, meta.hyper_parameters.max_epochs, meta.hyper_parameters.validation], [json.epochs, 6, 0.3]);
  assert.match(readFileSync(path.join(out, 'report.md'), 'utf8'), new RegExp(`- Epochs: ${json.epochs} of at most 6, chosen on 30 % of the training groups`));

  const fixed = run('fine-tune', dict, '--out', path.join(tmp, 'tuned-fixed'), '--epochs', '3', '--loss', 'cosine', '--validation', '0', '--json');
  assert.equal(fixed.code, 0, fixed.stderr);
  assert.doesNotMatch(fixed.stderr, /choosing/);
  const fj = JSON.parse(fixed.stdout);
  assert.equal(fj.epoch_selection, undefined);
  assert.deepEqual([fj.epochs, fj.epoch_losses.length], [3, 3]);

  // The 60-row positives fixture is too small to hold out 20 synonym pairs: the run trains --epochs and says why.
  const small = run('fine-tune', positives, '--out', path.join(tmp, 'tuned-small'), '--epochs', '2', '--json');
  assert.equal(small.code, 0, small.stderr);
  assert.equal(JSON.parse(small.stdout).epoch_selection, undefined);
  assert.match(readFileSync(path.join(tmp, 'tuned-small', 'report.md'), 'utf8'), /- Epochs: 2, as set: too few synonym pairs to hold out 10 %/);

  const bad = run('fine-tune', dict, '--out', path.join(tmp, 'never'), '--validation', '0.9');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--validation must be between 0 and 0\.5, got 0\.9/);
});
