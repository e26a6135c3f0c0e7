/**
 * Protocol tests of the learning requests against the real bundled server (`dist/server.js`, which
 * starts `dist/trainWorker.js`): fine-tuning with progress and a loadable model folder,
 * cancellation that leaves nothing behind while hovers keep answering, vector adjustment and
 * evaluation — with the embedded model, and with a generated BERT folder as `synonymLens.model`
 * (an adapter over the frozen encoder). Every wait is on a message; nothing sleeps.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource, LSPErrorCodes, type Hover } from 'vscode-languageserver-protocol/node';
import type { AdjustVectorsResult, EvaluateResult, FineTuneResult, SimilarityMatrixResult } from '../../src/shared/protocol';
import { loadEngine } from '../../src/runtime/model/load';
import { dot } from '../../src/core/vectors';
import { splitByGroup } from '../../src/core/learn/split';
import { dictionaryPairs } from '../../src/runtime/learn/pipeline';
import { makeModel } from '../helpers/fixtures';
import { has, root, startServer, type TestServer } from './client';

const dir = mkdtempSync(path.join(tmpdir(), 'synonym-lens-learning-'));
const dictPath = path.join(dir, 'cars.synonyms.csv');
copyFileSync(path.join(root, 'samples/cars.synonyms.csv'), dictPath);
const uri = pathToFileURL(dictPath).toString();
const text = readFileSync(dictPath, 'utf8');
const rows = text.split(/\r?\n/).slice(1).filter((l) => l.trim() !== '').length;
const positives = text.split(/\r?\n/).slice(1).map((l) => l.split(',')).filter((c) => c.length >= 3 && c[2]!.trim() === '1').map((c) => [c[0]!.trim(), c[1]!.trim()] as const);

let server: TestServer;
/** The folder the first fine-tuning test wrote (later tests compare with it). */
let tunedDir: string | undefined;

before(async () => {
  server = await startServer();
  server.open(uri, text);
  await server.waitDiagnostics(uri, has('low-similarity'), { what: 'similarity diagnostics of the copy', timeoutMs: 60_000 });
});

after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Folders a job left next to its output (staging folders are hidden `.name.partial-…`). */
function leftovers(parent: string): string[] {
  return existsSync(parent) ? readdirSync(parent).filter((n) => n.includes('.partial-') || n.includes('.tmp-')) : [];
}

async function meanPositiveCosine(spec: string): Promise<number> {
  const engine = await loadEngine(spec);
  try {
    let sum = 0;
    for (const [a, b] of positives) {
      const [x, y] = await engine.embed([a, b]);
      sum += dot(x!, y!);
    }
    return sum / positives.length;
  } finally {
    await engine.dispose();
  }
}

test('fineTune reports progress per epoch and writes a model folder with a before/after report', async () => {
  const cursor = server.progress.cursor;
  const result = await server.request<FineTuneResult>('synonymLens/fineTune', { uri, epochs: 8, seed: 7 });
  tunedDir = result.modelDir;

  // Server-created work-done progress: begin (cancellable), epoch reports, end.
  const events = server.progress.events.slice(cursor);
  const begin = events.find((e) => e.value.kind === 'begin') as { token: string; value: { kind: string; title?: string; cancellable?: boolean } } | undefined;
  assert.ok(begin, 'no begin');
  assert.equal(begin.value.title, 'Fine-tuning model');
  assert.equal(begin.value.cancellable, true);
  const mine = events.filter((e) => e.token === begin.token);
  assert.ok(mine.some((e) => e.value.kind === 'report' && /^epoch \d+\/8 loss \d/.test(e.value.message ?? '')), `no epoch report: ${JSON.stringify(mine.map((e) => e.value.message))}`);
  await server.progress.wait((e) => e.token === begin.token && e.value.kind === 'end', 'progress end', 5000, cursor);

  const models = path.join(dir, '.synonym-lens', 'models');
  assert.equal(path.dirname(result.modelDir), models);
  assert.match(path.basename(result.modelDir), /^cars-\d{8}-\d{6}/);
  for (const f of ['model.onnx', 'config.json', 'synonym-lens.json', 'report.json', 'report.md']) assert.ok(existsSync(path.join(result.modelDir, f)), `${f} missing`);
  assert.equal(result.reportPath, path.join(result.modelDir, 'report.json'));
  assert.deepEqual(leftovers(models), []);

  const r = result.report;
  assert.equal(r.loss, 'cosent', 'the sample has label-0 rows, so the default loss is cosent');
  // The sample is too small to hold out synonym pairs for choosing the epoch count, so the collapse
  // guard watches random pairs of its terms and stops at the first epoch that pulls them together.
  const guard = r.collapseStop;
  assert.ok(guard, 'the collapse guard ran');
  assert.equal(guard.maxEpochs, 8);
  assert.equal(r.epochLosses.length, guard.epochs);
  assert.ok(guard.stoppedAt === undefined ? guard.epochs === 8 : guard.epochs <= guard.stoppedAt && guard.randomCosRiseByEpoch[guard.stoppedAt]! > guard.limit, JSON.stringify(guard));
  assert.ok(r.data.train > 0 && r.data.dev > 0, JSON.stringify(r.data));
  for (const e of [r.before, r.after]) {
    for (const k of ['n', 'accuracy', 'threshold', 'best_accuracy', 'f1', 'ap', 'roc_auc', 'mean_cos_pos', 'mean_cos_neg', 'report']) assert.ok(k in e, `${k} missing`);
    assert.ok(e.n > 0);
  }
  assert.deepEqual(JSON.parse(readFileSync(result.reportPath, 'utf8')).after.n, r.after.n);
  assert.match(readFileSync(path.join(result.modelDir, 'report.md'), 'utf8'), /\| ROC-AUC \|/);
  // No epoch choice, and the report says why and what the guard did.
  assert.equal(r.epochSelection, undefined);
  assert.equal(r.hyperParameters.validation, 0.1);
  assert.match(
    readFileSync(path.join(result.modelDir, 'report.md'), 'utf8'),
    guard.stoppedAt === undefined
      ? /- Epochs: 8, as set: too few synonym pairs to hold out 10 % of the groups .*; the collapse guard .* let every epoch pass/
      : new RegExp(`- Epochs: ${guard.epochs} of at most 8: too few synonym pairs to hold out 10 % of the groups .*the collapse guard decided: epoch ${guard.stoppedAt} raised`),
  );

  // The folder loads in the engine and scores the dictionary's pairs higher than the base model.
  const base = await meanPositiveCosine('builtin');
  const tuned = await meanPositiveCosine(result.modelDir);
  assert.ok(tuned > base + 0.05, `mean cosine of the synonym pairs: base ${base.toFixed(3)}, fine-tuned ${tuned.toFixed(3)}`);
});

test('fineTune with adjust writes the adjusted vectors into the new folder, which loads with them', async () => {
  assert.ok(tunedDir, 'the first fine-tuning test ran');
  const cursor = server.progress.cursor;
  const result = await server.request<FineTuneResult>('synonymLens/fineTune', { uri, epochs: 8, seed: 7, adjust: 'retrofit', outDir: 'tuned-retrofit' });
  assert.equal(result.modelDir, path.join(dir, 'tuned-retrofit'));
  for (const f of ['config.json', 'terms.json', 'vectors.f32']) assert.ok(existsSync(path.join(result.modelDir, 'adjusted', f)), `adjusted/${f} missing`);
  const table = JSON.parse(readFileSync(path.join(result.modelDir, 'adjusted', 'config.json'), 'utf8'));
  assert.equal(table.method, 'retrofit');
  assert.deepEqual(result.report.adjusted, { method: 'retrofit', terms: table.terms, movedTerms: table.moved_terms });
  assert.ok(table.moved_terms > 0);
  assert.ok(server.progress.events.slice(cursor).some((e) => /^adjusting \d+ term vectors \(retrofit\)$/.test(e.value.message ?? '')), 'no adjusting phase');
  // Same seed as the first run: same model, so the held-out evaluation (without the table) is the same.
  assert.deepEqual(result.report.after, JSON.parse(readFileSync(path.join(tunedDir, 'report.json'), 'utf8')).after);
  const plain = await meanPositiveCosine(tunedDir);
  const adjusted = await meanPositiveCosine(result.modelDir);
  assert.ok(adjusted > plain, `mean cosine of the synonym pairs: fine-tuned ${plain.toFixed(3)}, with the table ${adjusted.toFixed(3)}`);
  await assert.rejects(server.request('synonymLens/fineTune', { uri, adjust: 'magic' }), (e: { code?: number; message?: string }) => e.code === -32602 && /adjust must be one of seed, retrofit, counterfit/.test(e.message ?? ''));
});

test('similarityMatrix with model = the fine-tuned folder: same terms and order, other cosines; a bad folder is refused', async () => {
  assert.ok(tunedDir, 'the fine-tuning test ran first');
  const statusCursor = server.statuses.cursor;
  const base = await server.request<SimilarityMatrixResult>('synonymLens/similarityMatrix', { uri });
  // Relative to the dictionary's folder (it is outside the workspace folder), as the setting would be.
  const relative = path.relative(dir, tunedDir).split(path.sep).join('/');
  const tuned = await server.request<SimilarityMatrixResult>('synonymLens/similarityMatrix', { uri, model: relative });
  assert.equal(tuned.modelId, path.basename(tunedDir));
  assert.notEqual(base.modelId, tuned.modelId);
  assert.deepEqual(tuned.terms, base.terms);
  assert.deepEqual(tuned.groups, base.groups);
  assert.equal(tuned.version, base.version);
  const n = base.terms.length;
  assert.equal(tuned.matrix.length, n * n);
  const maxDiff = Math.max(...base.matrix.map((x, k) => Math.abs(x - tuned.matrix[k]!)));
  assert.ok(maxDiff > 0.05, `the fine-tuned matrix differs from the base one (max |Δ| ${maxDiff})`);
  // Synonym pairs are closer with the fine-tuned model, on average.
  const at = (m: SimilarityMatrixResult, a: string, b: string) => m.matrix[m.terms.indexOf(a) * n + m.terms.indexOf(b)]!;
  const mean = (m: SimilarityMatrixResult) => positives.reduce((s, [a, b]) => s + at(m, a, b), 0) / positives.length;
  assert.ok(mean(tuned) > mean(base), `mean synonym cosine: base ${mean(base).toFixed(3)}, tuned ${mean(tuned).toFixed(3)}`);
  // An absolute folder names the same (cached) model.
  const again = await server.request<SimilarityMatrixResult>('synonymLens/similarityMatrix', { uri, model: tunedDir });
  assert.deepEqual(again.matrix, tuned.matrix);

  await assert.rejects(server.request('synonymLens/similarityMatrix', { uri, model: 'no-such-model' }), (e: { code?: number; message?: string }) => e.code === -32603 && /Model no-such-model is not available: .*not found/i.test(e.message ?? ''));
  await assert.rejects(server.request('synonymLens/similarityMatrix', { uri, model: ' ' }), (e: { code?: number }) => e.code === -32602);
  // A named model is not the document's: the status item keeps showing the document's model.
  assert.ok(server.statuses.events.slice(statusCursor).every((st) => st.modelId === base.modelId), JSON.stringify(server.statuses.events.slice(statusCursor)));
});

test('cancelling fineTune mid-training fails with RequestCancelled, leaves no folder, and hovers answer meanwhile', async () => {
  const cursor = server.progress.cursor;
  const cts = new CancellationTokenSource();
  const outDir = path.join(dir, 'cancelled-model');
  const pending = server.request<FineTuneResult>('synonymLens/fineTune', { uri, epochs: 1000, batchSize: 4, outDir: 'cancelled-model' }, cts);
  pending.catch(() => undefined);
  await server.progress.wait((e) => e.value.kind === 'report' && /^epoch /.test(e.value.message ?? ''), 'a training step report', 30_000, cursor);

  // Training runs in the worker: the main thread answers a hover now.
  const hover = await server.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 1 } });
  assert.ok(hover, 'no hover while training');
  const stillTraining = server.progress.events.slice(cursor).every((e) => e.value.kind !== 'end');
  assert.ok(stillTraining, 'training ended before the hover was answered; make the run longer');

  cts.cancel();
  await assert.rejects(pending, (e: { code?: number }) => e.code === LSPErrorCodes.RequestCancelled);
  await server.progress.wait((e) => e.value.kind === 'end', 'progress end after cancel', 5000, cursor);
  assert.ok(!existsSync(outDir), 'a cancelled run left its output folder');
  assert.deepEqual(leftovers(dir), []);
});

test('the progress cancel button (window/workDoneProgress/cancel) cancels fineTune too', async () => {
  const cursor = server.progress.cursor;
  const pending = server.request<FineTuneResult>('synonymLens/fineTune', { uri, epochs: 1000, batchSize: 4, outDir: 'cancelled-by-progress' });
  pending.catch(() => undefined);
  const report = await server.progress.wait((e) => e.value.kind === 'report' && /^epoch /.test(e.value.message ?? ''), 'a training step report', 30_000, cursor);
  await server.connection.sendNotification('window/workDoneProgress/cancel', { token: report.token });
  await assert.rejects(pending, (e: { code?: number }) => e.code === LSPErrorCodes.RequestCancelled);
  assert.ok(!existsSync(path.join(dir, 'cancelled-by-progress')));
  assert.deepEqual(leftovers(dir), []);
});

test('adjustVectors (retrofit) writes a model folder that moves dictionary terms only', async () => {
  const result = await server.request<AdjustVectorsResult>('synonymLens/adjustVectors', { uri, method: 'retrofit', outDir: 'retrofit-model' });
  assert.equal(result.modelDir, path.join(dir, 'retrofit-model'));
  assert.equal(result.method, 'retrofit');
  assert.ok(result.movedTerms > 0 && result.movedTerms <= result.terms, JSON.stringify(result));
  assert.match(result.baseModelId, /^builtin:/);
  const base = await loadEngine('builtin');
  const adjusted = await loadEngine(result.modelDir);
  try {
    const [x0, y0] = await base.embed(['普拉多', '霸道SUV']);
    const [x1, y1] = await adjusted.embed(['普拉多', '霸道SUV']);
    assert.ok(dot(x1!, y1!) > dot(x0!, y0!) + 0.1, `retrofit: ${dot(x0!, y0!)} → ${dot(x1!, y1!)}`);
    // A term outside the dictionary keeps its vector.
    const [o0] = await base.embed(['哈弗H6']);
    const [o1] = await adjusted.embed(['哈弗H6']);
    assert.deepEqual([...o1!], [...o0!]);
  } finally {
    await base.dispose();
    await adjusted.dispose();
  }
});

test('evaluate returns the metrics of the document\'s model on its pairs', async () => {
  const result = await server.request<EvaluateResult>('synonymLens/evaluate', { uri });
  assert.match(result.modelId, /^builtin:/);
  assert.equal(result.evaluation.n, rows, 'every pair of the file (it has label-0 rows, so nothing is sampled)');
  assert.equal(result.sampledNegatives, 0);
  assert.equal(result.evaluation.threshold, 0.5);
  assert.match(result.markdown, /\| accuracy @ 0.5 \|/);
  // The scored pairs behind the metrics, for the report's histogram and PR/ROC curves.
  assert.equal(result.scores.length, result.evaluation.n);
  assert.ok(result.scores.every((p) => (p.label === 0 || p.label === 1) && p.cosine >= -1 && p.cosine <= 1 && typeof p.a === 'string'));
  const pos = result.scores.filter((p) => p.label === 1);
  assert.equal(pos.length, positives.length);
  assert.ok(Math.abs(pos.reduce((s, p) => s + p.cosine, 0) / pos.length - result.evaluation.mean_cos_pos) < 1e-5, 'mean positive cosine of the scores = the evaluation\'s');
  const other = await server.request<EvaluateResult>('synonymLens/evaluate', { uri, modelDir: 'retrofit-model' });
  assert.equal(other.modelId, 'retrofit-model');
  assert.ok(other.evaluation.mean_cos_pos > result.evaluation.mean_cos_pos);
});

test('fineTune on a dictionary large enough chooses the epoch count first: staged progress, never going back, and the choice in the report', async () => {
  // 200 made-up synonym groups sharing a two-character stem (positive-only: negatives are sampled).
  const han = (k: number) => String.fromCodePoint(0x4e00 + ((k * 7919) % 20000));
  const lines = ['term,synonym'];
  for (let g = 0; g < 200; g++) lines.push(`${han(3 * g)}${han(3 * g + 1)}甲,${han(3 * g)}${han(3 * g + 1)}乙${han(3 * g + 2)}`);
  const bigPath = path.join(dir, 'groups.synonyms.csv');
  writeFileSync(bigPath, lines.join('\n') + '\n');
  const cursor = server.progress.cursor;
  const result = await server.request<FineTuneResult>('synonymLens/fineTune', { uri: pathToFileURL(bigPath).toString(), epochs: 4, validation: 0.3, loss: 'cosine', outDir: path.join(dir, 'chosen') });
  const events = server.progress.events.slice(cursor);
  const begin = events.find((e) => e.value.kind === 'begin');
  assert.ok(begin, 'no begin');
  const reports = events.filter((e) => e.token === begin.token && e.value.kind === 'report');
  const messages = reports.map((e) => e.value.message ?? '');
  // Stage starts are reported unthrottled (step reports are throttled to four a second, so a fast run may show none).
  const choosing = messages.findIndex((m) => /^choosing the number of epochs on held-out groups: \d+ pairs, at most 4 epochs$/.test(m));
  const s = result.report.epochSelection;
  assert.ok(s, 'epochSelection missing');
  const final = messages.findIndex((m) => new RegExp(`^\\d+ pairs, ${s.epochs} epochs, \\d+ steps$`).test(m));
  assert.ok(choosing >= 0 && final > choosing, `choosing, then the final run: ${JSON.stringify(messages)}`);
  const pct = reports.map((e) => e.value.percentage).filter((p): p is number => p !== undefined);
  assert.deepEqual(pct, [...pct].sort((a, b) => a - b), `percentages never go back: ${JSON.stringify(pct)}`);
  assert.equal(s.maxEpochs, 4);
  assert.ok(s.epochs >= 1 && s.epochs <= 4);
  assert.equal(result.report.epochLosses.length, s.epochs);
  assert.match(readFileSync(path.join(result.modelDir, 'report.md'), 'utf8'), new RegExp(`- Epochs: ${s.epochs} of at most 4, chosen on 30 % of the training groups`));
});

test('learning requests reject bad parameters with InvalidParams', async () => {
  await assert.rejects(server.request('synonymLens/adjustVectors', { uri, method: 'magic' }), (e: { code?: number }) => e.code === -32602);
  await assert.rejects(server.request('synonymLens/fineTune', { uri, epochs: 0 }), (e: { code?: number }) => e.code === -32602);
  for (const validation of [0.9, -0.1, 'x'])
    await assert.rejects(server.request('synonymLens/fineTune', { uri, validation }), (e: { code?: number; message?: string }) => e.code === -32602 && /validation must be (between 0 and 0\.5|a number)/.test(e.message ?? ''));
  await assert.rejects(server.request('synonymLens/fineTune', { uri: 'untitled:x' }), (e: { code?: number }) => e.code === -32602);
});

describe('with a transformer model (synonymLens.model = a generated BERT folder)', () => {
  const tdir = mkdtempSync(path.join(tmpdir(), 'synonym-lens-learning-tf-'));
  const tDict = path.join(tdir, 'cars.synonyms.csv');
  const tUri = pathToFileURL(tDict).toString();
  const modelDir = path.join(tdir, 'bert-test');
  // The pairs the worker trains on: the same split (seed 42, the default) of the same pairs.
  const trainPositives = splitByGroup(dictionaryPairs(text), { seed: 42 }).train.filter((p) => p.label === 1);
  let ts: TestServer;

  before(async () => {
    copyFileSync(dictPath, tDict);
    // A WordPiece vocabulary covering every character of the dictionary (Chinese characters are
    // single tokens), so no term is all [UNK].
    makeModel(modelDir, { arch: 'bert', layout: 'flat', vocabTerms: text.split(/[\s,]+/) });
    ts = await startServer({ settings: { model: modelDir } });
    ts.open(tUri, text);
    await ts.waitStatus((s) => s.state !== 'loading' && s.modelId === 'bert-test', { what: 'the BERT model loaded', timeoutMs: 60_000 });
    assert.equal(ts.statuses.events.at(-1)?.state, 'ready', JSON.stringify(ts.statuses.events.at(-1)));
  });

  after(async () => {
    await ts?.stop();
    rmSync(tdir, { recursive: true, force: true });
  });

  async function meanCosine(spec: string, pairs: readonly { a: string; b: string }[]): Promise<number> {
    const engine = await loadEngine(spec);
    try {
      const vectors = await engine.embed(pairs.flatMap((p) => [p.a, p.b]));
      return pairs.reduce((s, _, i) => s + dot(vectors[2 * i]!, vectors[2 * i + 1]!), 0) / pairs.length;
    } finally {
      await engine.dispose();
    }
  }

  test('fineTune trains an adapter: epoch progress, an adapter folder that loads, training pairs closer', async () => {
    const cursor = ts.progress.cursor;
    // validation 0: all 6 epochs (the collapse guard may stop this tiny random encoder's adapter earlier on the sample).
    const result = await ts.request<FineTuneResult>('synonymLens/fineTune', { uri: tUri, epochs: 6, outDir: 'tuned-bert', validation: 0 });

    const events = ts.progress.events.slice(cursor);
    const begin = events.find((e) => e.value.kind === 'begin');
    assert.ok(begin, 'no begin');
    const mine = events.filter((e) => e.token === begin.token);
    assert.ok(mine.some((e) => e.value.kind === 'report' && /^epoch \d+\/6 loss \d/.test(e.value.message ?? '')), `no epoch report: ${JSON.stringify(mine.map((e) => e.value.message))}`);
    assert.ok(mine.some((e) => /^embedding terms with bert-test/.test(e.value.message ?? '')), 'no embedding phase');

    assert.equal(result.modelDir, path.join(tdir, 'tuned-bert'));
    for (const f of ['model.onnx', 'config.json', 'tokenizer.json', 'synonym-lens.json', 'report.json', 'report.md']) assert.ok(existsSync(path.join(result.modelDir, f)), `${f} missing`);
    assert.deepEqual(leftovers(tdir), []);
    const provenance = JSON.parse(readFileSync(path.join(result.modelDir, 'synonym-lens.json'), 'utf8'));
    assert.equal(provenance.adapter.kind, 'linear');
    assert.equal(provenance.base_model, 'bert-test');
    assert.equal(provenance.loss, 'cosent');
    assert.equal(provenance.hyper_parameters.lr, 1e-3, 'the adapter default learning rate');
    assert.match(provenance.training_file_sha256, /^[0-9a-f]{64}$/);

    // The report is filled as on the char-n-gram path.
    const r = result.report;
    assert.equal(r.baseModelId, 'bert-test');
    assert.equal(r.modelId, 'tuned-bert');
    assert.equal(r.loss, 'cosent', 'the sample has label-0 rows');
    assert.equal(r.hyperParameters.lr, 1e-3);
    assert.equal(r.epochLosses.length, 6);
    assert.ok(r.stepLosses.length > 0);
    assert.ok(r.data.train > 0 && r.data.dev > 0, JSON.stringify(r.data));
    assert.equal(r.scores.before.length, r.before.n);
    assert.equal(r.scores.after.length, r.after.n);
    assert.ok(r.scores.after.every((s, i) => s.a === r.scores.before[i]!.a && Math.abs(s.cosine) <= 1));
    assert.deepEqual(JSON.parse(readFileSync(result.reportPath, 'utf8')).after, JSON.parse(JSON.stringify(r.after)));
    assert.match(readFileSync(path.join(result.modelDir, 'report.md'), 'utf8'), /\| ROC-AUC \|/);

    // The folder loads in the engine, and the pairs it was trained on are closer than in the base.
    const base = await meanCosine(modelDir, trainPositives);
    const tuned = await meanCosine(result.modelDir, trainPositives);
    assert.ok(tuned > base + 0.02, `mean cosine of the training synonym pairs: base ${base.toFixed(4)}, fine-tuned ${tuned.toFixed(4)}`);
  });

  test('cancelling a transformer fineTune fails with RequestCancelled and leaves no folder', async () => {
    const cursor = ts.progress.cursor;
    const cts = new CancellationTokenSource();
    const pending = ts.request<FineTuneResult>('synonymLens/fineTune', { uri: tUri, epochs: 1000, batchSize: 1, outDir: 'cancelled-bert' }, cts);
    pending.catch(() => undefined);
    await ts.progress.wait((e) => e.value.kind === 'report' && /^epoch /.test(e.value.message ?? ''), 'a training step report', 60_000, cursor);
    cts.cancel();
    await assert.rejects(pending, (e: { code?: number }) => e.code === LSPErrorCodes.RequestCancelled);
    await ts.progress.wait((e) => e.value.kind === 'end', 'progress end after cancel', 5000, cursor);
    assert.ok(!existsSync(path.join(tdir, 'cancelled-bert')), 'a cancelled run left its output folder');
    assert.deepEqual(leftovers(tdir), []);
  });

  test('adjustVectors over a transformer model writes a table that loads over the BERT folder', async () => {
    const result = await ts.request<AdjustVectorsResult>('synonymLens/adjustVectors', { uri: tUri, method: 'retrofit', outDir: 'retrofit-bert' });
    assert.equal(result.baseModelId, 'bert-test');
    assert.ok(result.movedTerms > 0, JSON.stringify(result));
    const config = JSON.parse(readFileSync(path.join(result.modelDir, 'config.json'), 'utf8'));
    assert.equal(config.base_model, modelDir, 'the base is recorded as the absolute transformer folder');
    const before = await meanCosine(modelDir, positives.map(([a, b]) => ({ a, b })));
    const adjusted = await meanCosine(result.modelDir, positives.map(([a, b]) => ({ a, b })));
    assert.ok(adjusted > before, `retrofit over BERT: ${before.toFixed(4)} → ${adjusted.toFixed(4)}`);
  });

  test('evaluate scores the document\'s transformer model, and a fine-tuned folder by modelDir', async () => {
    const base = await ts.request<EvaluateResult>('synonymLens/evaluate', { uri: tUri });
    assert.equal(base.modelId, 'bert-test');
    assert.equal(base.evaluation.n, rows);
    const tuned = await ts.request<EvaluateResult>('synonymLens/evaluate', { uri: tUri, modelDir: 'tuned-bert' });
    assert.equal(tuned.modelId, 'tuned-bert');
    assert.equal(tuned.evaluation.n, rows);
  });
});
