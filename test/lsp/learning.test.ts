/**
 * Protocol tests of the learning requests against the real bundled server (`dist/server.js`, which
 * starts `dist/trainWorker.js`): fine-tuning with progress and a loadable model folder,
 * cancellation that leaves nothing behind while hovers keep answering, vector adjustment and
 * evaluation. Every wait is on a message; nothing sleeps.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource, LSPErrorCodes, type Hover } from 'vscode-languageserver-protocol/node';
import type { AdjustVectorsResult, EvaluateResult, FineTuneResult } from '../../src/shared/protocol';
import { loadEngine } from '../../src/server/model/load';
import { dot } from '../../src/core/vectors';
import { has, root, startServer, type TestServer } from './client';

const dir = mkdtempSync(path.join(tmpdir(), 'synonym-lens-learning-'));
const dictPath = path.join(dir, 'cars.synonyms.csv');
copyFileSync(path.join(root, 'samples/cars.synonyms.csv'), dictPath);
const uri = pathToFileURL(dictPath).toString();
const text = readFileSync(dictPath, 'utf8');
const rows = text.split(/\r?\n/).slice(1).filter((l) => l.trim() !== '').length;
const positives = text.split(/\r?\n/).slice(1).map((l) => l.split(',')).filter((c) => c.length >= 3 && c[2]!.trim() === '1').map((c) => [c[0]!.trim(), c[1]!.trim()] as const);

let server: TestServer;

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
  assert.equal(r.epochLosses.length, 8);
  assert.ok(r.data.train > 0 && r.data.dev > 0, JSON.stringify(r.data));
  for (const e of [r.before, r.after]) {
    for (const k of ['n', 'accuracy', 'threshold', 'best_accuracy', 'f1', 'ap', 'roc_auc', 'mean_cos_pos', 'mean_cos_neg', 'report']) assert.ok(k in e, `${k} missing`);
    assert.ok(e.n > 0);
  }
  assert.deepEqual(JSON.parse(readFileSync(result.reportPath, 'utf8')).after.n, r.after.n);
  assert.match(readFileSync(path.join(result.modelDir, 'report.md'), 'utf8'), /\| ROC-AUC \|/);

  // The folder loads in the engine and scores the dictionary's pairs higher than the base model.
  const base = await meanPositiveCosine('builtin');
  const tuned = await meanPositiveCosine(result.modelDir);
  assert.ok(tuned > base + 0.05, `mean cosine of the synonym pairs: base ${base.toFixed(3)}, fine-tuned ${tuned.toFixed(3)}`);
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
  const other = await server.request<EvaluateResult>('synonymLens/evaluate', { uri, modelDir: 'retrofit-model' });
  assert.equal(other.modelId, 'retrofit-model');
  assert.ok(other.evaluation.mean_cos_pos > result.evaluation.mean_cos_pos);
});

test('learning requests reject bad parameters with InvalidParams', async () => {
  await assert.rejects(server.request('synonymLens/adjustVectors', { uri, method: 'magic' }), (e: { code?: number }) => e.code === -32602);
  await assert.rejects(server.request('synonymLens/fineTune', { uri, epochs: 0 }), (e: { code?: number }) => e.code === -32602);
  await assert.rejects(server.request('synonymLens/fineTune', { uri: 'untitled:x' }), (e: { code?: number }) => e.code === -32602);
});
