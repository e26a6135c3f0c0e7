/**
 * The report webview in headless Chromium, fed with real `evaluate()` output from core: metrics
 * before/after with Δ, classification reports, histograms, PR/ROC and loss curves, inert text,
 * restoring from `getState` without the host.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { evaluate } from '../../src/core/learn/evaluate';
import type { TextPair } from '../../src/core/learn/types';
import type { EvaluationReport, ScoredPair } from '../../src/shared/webviewProtocol';
import { openWebview, requireChromium, type Webview } from './harness';

// A missing browser is a failure with the package to install, never a silent skip.
it('headless Chromium is installed (Debian package "chromium")', () => requireChromium());

/** Unit vectors at an angle per term, so cosines are known: cos(θa − θb). */
function vectors(angles: Record<string, number>) {
  return (t: string) => (t in angles ? Float32Array.of(Math.cos(angles[t]!), Math.sin(angles[t]!)) : undefined);
}
const PAIRS: TextPair[] = [
  { a: 'car', b: 'automobile', label: 1 },
  { a: 'phone', b: 'telephone', label: 1 },
  { a: 'car', b: 'phone', label: 0 },
  { a: 'automobile', b: 'telephone', label: 0 },
];
const BEFORE = vectors({ car: 0, automobile: 1.2, phone: 0.6, telephone: 2.0 });
const AFTER = vectors({ car: 0, automobile: 0.2, phone: 1.6, telephone: 1.7 });
const scoresOf = (v: (t: string) => Float32Array | undefined): ScoredPair[] =>
  PAIRS.map((p) => {
    const a = v(p.a)!;
    const b = v(p.b)!;
    return { cosine: a[0]! * b[0]! + a[1]! * b[1]!, label: p.label, a: p.a, b: p.b };
  });

const REPORT: EvaluationReport = JSON.parse(
  JSON.stringify({
    title: 'Fine-tune <img src=x onerror=alert(1)>',
    dictionary: 'cars.synonyms.csv',
    baseModelId: 'builtin:char-ngram-v1',
    modelId: 'tuned:1',
    before: evaluate(PAIRS, BEFORE),
    after: evaluate(PAIRS, AFTER),
    scores: { before: scoresOf(BEFORE), after: scoresOf(AFTER) },
    epochLosses: [0.9, 0.5, 0.3],
    stepLosses: [0, 1, 2, 3, 4, 5].map((step) => ({ step, loss: 1 - step * 0.12 })),
    data: { pairs: 10, train: 6, dev: 4, dropped: 0, sampledNegatives: 2 },
    loss: 'cosent',
    hyperParameters: { epochs: 4, batchSize: 2, lr: 0.01, seed: 42, validation: 0.1 },
    epochSelection: {
      fraction: 0.1,
      trainPairs: 5,
      validationPairs: 40,
      aucByEpoch: [0.7, 0.8, 0.85, 0.84, 0.83],
      randomCosRiseByEpoch: [0, 0.01, 0.01, 0.02, 0.02],
      maxEpochs: 4,
      bestEpoch: 2,
      epochs: 2,
      redone: true,
      fallback: false,
    },
    elapsedMs: 1234,
  }),
) as EvaluationReport;

describe('report webview', () => {
  let w: Webview;
  before(async () => {
    w = await openWebview({ view: 'report' });
    await w.send({ type: 'report', report: REPORT, source: '/w/report.json' });
    await w.page.waitForSelector('#metrics table');
  });
  after(async () => {
    await w?.close();
  });

  it('shows metrics before and after with Δ coloured by direction', async () => {
    const cells = (key: string) => w.page.$$eval(`tr[data-metric="${key}"] td`, (tds) => tds.map((t) => t.textContent));
    const b = REPORT.before;
    const a = REPORT.after!;
    assert.deepEqual(await cells('n'), ['pairs', '4', '4', '']);
    assert.deepEqual(await cells('ap'), ['average precision', b.ap.toFixed(4), a.ap.toFixed(4), `${a.ap - b.ap >= 0 ? '+' : '−'}${Math.abs(a.ap - b.ap).toFixed(4)}`]);
    assert.ok(a.ap > b.ap);
    assert.equal(await w.page.getAttribute('tr[data-metric="ap"] td.delta', 'class'), 'num delta better');
  });

  it('shows both classification reports', async () => {
    const captions = await w.page.$$eval('#classification caption', (c) => c.map((x) => x.textContent));
    assert.deepEqual(captions, ['Before — at cosine 0.5', 'After — at cosine 0.5']);
    const support = await w.page.$$eval('#classification table:first-of-type tbody tr td:last-child', (c) => c.map((x) => x.textContent));
    assert.deepEqual(support, ['2', '2', '4', '4', '4']);
  });

  it('draws the histograms with the threshold, PR/ROC curves and the loss curve', async () => {
    assert.equal(await w.page.locator('#histogram svg').count(), 2);
    const bars = await w.page.$$eval('#histogram figure:first-child .bar', (r) => r.reduce((s, x) => s + Number(x.getAttribute('data-count')), 0));
    assert.equal(bars, 4);
    assert.equal(await w.page.locator('#histogram .threshold').count(), 2);
    assert.equal(await w.page.locator('#curves path.line').count(), 5, 'PR ×2, ROC ×2, chance');
    assert.equal(await w.page.locator('#loss path.line').count(), 2);
    const training = await w.page.$$eval('#training td', (t) => t.map((x) => x.textContent));
    assert.deepEqual(training.slice(0, 6), ['pairs (train / dev / dropped)', '10 (6 / 4 / 0)', 'sampled non-synonyms (dev)', '2', 'loss', 'cosent']);
    assert.equal(training.at(-1), '1.2 s');
  });

  it('shows how the epoch count was chosen: the held-out AUC per epoch with the chosen one marked', async () => {
    const text = await w.page.textContent('#epochs p');
    assert.match(text ?? '', /^Trained for 2 of at most 4 epochs: the count was chosen on 40 held-out pairs \(10 % of the training groups/);
    assert.match(text ?? '', /a run of all 4 epochs moved them more, so it was kept\.$/);
    assert.equal(await w.page.locator('#epochs svg').count(), 1);
    assert.equal(await w.page.locator('#epochs path.line').count(), 2, 'the AUC curve and the chosen-epoch marker');
    const training = await w.page.$$eval('#training td', (t) => t.map((x) => x.textContent));
    const at = training.indexOf('epochs trained');
    assert.equal(training[at + 1], '2 of at most 4');
  });

  it('keeps text inert and stores the report in state', async () => {
    assert.equal(await w.page.textContent('h1'), 'Fine-tune <img src=x onerror=alert(1)>');
    assert.equal(await w.page.locator('#app img').count(), 0);
    assert.deepEqual(w.dialogs, []);
    assert.deepEqual(await w.problems(), []);
    assert.equal((await w.state<{ source: string }>()).source, '/w/report.json');
  });
});

describe('report webview restored from state', () => {
  let w: Webview;
  before(async () => {
    w = await openWebview({ view: 'report', state: { report: { before: REPORT.before } } });
  });
  after(async () => {
    await w?.close();
  });

  it('renders a single evaluation without the host, leaving out missing sections', async () => {
    await w.page.waitForSelector('#metrics table');
    assert.deepEqual(await w.page.$$eval('#metrics th', (t) => t.map((x) => x.textContent)), ['metric', 'value']);
    assert.equal(await w.page.locator('#histogram, #curves, #loss, #training').count(), 0);
  });
});

describe('report webview: an evaluation on the model\'s own training data', () => {
  let w: Webview;
  before(async () => {
    w = await openWebview({ view: 'report' });
  });
  after(async () => {
    await w?.close();
  });

  it('says so above the figures, with the way to the held-out split; a new report in the same panel replaces it', async () => {
    const training = { kind: 'same-file', pairs: 31, trainedPairs: 24, trainingFile: '/w/cars.csv', heldOutAvailable: true } as const;
    await w.send({ type: 'report', report: { title: 'Evaluation of cars-1 on cars.csv', before: REPORT.before, training } });
    await w.page.waitForSelector('#training-warning');
    const banner = await w.page.textContent('#training-warning');
    assert.match(banner ?? '', /^Evaluated on its own training data: this file is the one the model was fine-tuned on, and 24 of its 31 pairs were trained on\. These figures overstate/);
    assert.match(banner ?? '', /Choose "Evaluate on the held-out split"/);
    assert.equal(await w.page.getAttribute('#training-warning', 'role'), 'alert');
    // The banner comes before the metrics.
    assert.ok(await w.page.evaluate(() => !!(document.querySelector('#training-warning')!.compareDocumentPosition(document.querySelector('#metrics')!) & Node.DOCUMENT_POSITION_FOLLOWING)));

    // Overlap with another file's pairs: the training file is named, the other way out is given.
    await w.send({ type: 'report', report: { title: 'Evaluation of cars-1 on cars-v2.csv', before: REPORT.before, training: { kind: 'overlap', pairs: 32, trainedPairs: 24, trainingFile: '/w/<b>cars</b>.csv', heldOutAvailable: false } } });
    await w.page.waitForFunction(() => /cars-v2/.test(document.querySelector('h1')?.textContent ?? ''));
    assert.match((await w.page.textContent('#training-warning')) ?? '', /24 of the 32 pairs were trained on \(from \/w\/<b>cars<\/b>\.csv\)\..*Evaluate on a file the model was not trained on/);
    assert.equal(await w.page.locator('#app b').count(), 0);

    // The held-out evaluation: no warning, a note saying what was evaluated.
    await w.send({ type: 'report', report: { title: 'Held-out', before: REPORT.before, heldOut: true } });
    await w.page.waitForSelector('#held-out-note');
    assert.equal(await w.page.locator('#training-warning').count(), 0);
    assert.equal(await w.page.textContent('#held-out-note'), 'Held-out split only: the 4 pairs the fine-tuning did not train on (as in its report).');
  });
});

describe('report webview: a small dictionary stopped by the collapse guard', () => {
  let w: Webview;
  before(async () => {
    w = await openWebview({ view: 'report' });
  });
  after(async () => {
    await w?.close();
  });

  it('says the guard stopped training, at which epoch and by how much, and how many epochs were kept', async () => {
    const { epochSelection: _, ...rest } = REPORT;
    const collapseStop = { maxEpochs: 10, randomCosRiseByEpoch: [0, 0.012, 0.0346], stoppedAt: 2, epochs: 1, rise: 0.012, limit: 0.02 };
    await w.send({ type: 'report', report: { ...rest, title: 'Guarded', collapseStop }, source: '/w/report.json' });
    await w.page.waitForSelector('#epochs p');
    assert.equal(
      await w.page.textContent('#epochs p'),
      "Trained for 1 of at most 10 epochs: the dictionary has too few synonym pairs to hold some out for choosing the count, so the collapse guard decided. Epoch 2 raised the mean cosine of random pairs of the dictionary's terms by 0.035 (more than 0.02), so training stopped there.",
    );
    assert.equal(await w.page.locator('#epochs svg').count(), 0);
    const training = await w.page.$$eval('#training td', (t) => t.map((x) => x.textContent));
    assert.equal(training[training.indexOf('epochs trained') + 1], '1 of at most 10');
    assert.deepEqual(await w.problems(), []);
  });
});
