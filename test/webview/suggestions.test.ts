/**
 * The Synonym Suggestions webview in headless Chromium under the production shell and CSP: the
 * candidates grouped by standard term with their evidence, variants apart, and the keyboard review
 * (j/k move, a accept, r reject, s skip, u undo, Shift+J selects, Shift+A accepts the variants),
 * the messages it sends the host, the filter, and a hostile term shown as text.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SuggestionItem, SuggestionsData } from '../../src/shared/webviewProtocol';
import { openWebview, requireChromium, type Webview } from './harness';

it('headless Chromium is installed (Debian package "chromium")', () => requireChromium());

const HOSTILE = '<img src=x onerror="window.__pwned=1">';
const item = (id: number, term: string, candidate: string, score: number, kind: SuggestionItem['kind'] = 'synonym', group: string[] | null = [term]): SuggestionItem => ({
  id,
  term,
  candidate,
  score,
  kind,
  group,
  evidence: { cosine: score - 0.05, nearest: term, rank: id, rankBack: kind === 'synonym' ? 2 : null, ...(id === 2 ? { count: 42 } : {}) },
});
const DATA: SuggestionsData = {
  dictionary: 'cars.synonyms.csv',
  uri: 'file:///work/cars.synonyms.csv',
  termLists: ['/work/cars.terms.txt', '/work/more terms.csv'],
  modelId: 'builtin:char-ngram-v2',
  newTerms: 7,
  items: [
    item(1, '普拉多', '霸道', 0.91, 'synonym', ['普拉多', '霸道SUV']),
    item(2, '普拉多', '普拉多2700', 0.88, 'synonym', ['普拉多', '霸道SUV']),
    item(3, '本田', HOSTILE, 0.7),
    item(4, '凯美瑞', '凱美瑞', 0.6, 'traditional-simplified'),
    item(5, 'HONDA', 'honda', 0.55, 'case'),
    item(6, '卡罗拉', 'Corolla', 0.5, 'synonym', null),
  ],
  total: 6,
  decisions: { since: 3, hasModel: false },
};

describe('suggestions webview', () => {
  let w: Webview;
  before(async () => {
    w = await openWebview({ view: 'suggestions' });
    await w.send({ type: 'suggestions', data: DATA });
    await w.page.waitForSelector('.item[data-id="1"].current');
  });
  after(async () => {
    await w?.close();
  });

  const current = () => w.page.$eval('.item.current', (e) => Number((e as HTMLElement).dataset.id));
  const shown = () => w.page.$$eval('.item', (es) => es.map((e) => Number((e as HTMLElement).dataset.id)));
  /** Answers the host request the page sent last of `type` (after `from` messages), as the host would. */
  async function answer(type: string, from: number, result?: unknown, ok = true): Promise<Record<string, unknown>> {
    const m = await w.waitForPosted<Record<string, unknown>>(type, from);
    await w.send({ type: 'response', requestId: m.requestId, ok, ...(ok ? { result } : { error: 'the dictionary is read-only' }) });
    return m;
  }

  it('groups synonyms by standard term, with evidence, and the variants in their own section', async () => {
    assert.deepEqual(await w.page.$$eval('#synonyms .group .term', (es) => es.map((e) => e.textContent)), ['普拉多', '本田', '卡罗拉']);
    assert.deepEqual(await w.page.$$eval('#variants .item', (es) => es.map((e) => (e as HTMLElement).dataset.kind)), ['traditional-simplified', 'case']);
    const evidence = await w.page.$eval('.item[data-id="2"] .evidence', (e) => e.textContent);
    assert.equal(evidence, 'cosine 0.830 · rank 2 · back 2 · count 42 · score 0.880');
    assert.equal(await w.page.$eval('.item[data-id="4"] .evidence', (e) => e.textContent), 'cosine 0.550 · rank 4 · back – · score 0.600');
    assert.equal(await w.page.$eval('#synonyms .group:first-of-type .group-members', (e) => e.textContent), 'joins 霸道SUV');
    assert.equal(await w.page.$eval('.item[data-id="6"]', (e) => e.closest('.group')!.querySelector('.group-members')!.textContent), 'new group');
    assert.equal(await w.page.textContent('#decisions'), '3 decisions (no fine-tuned model yet)');
    assert.equal(await w.page.textContent('#info'), '6 candidates · 7 new terms · model builtin:char-ngram-v2');
  });

  it('keeps the dictionary and the term lists of the run as its state (what the panel serializer runs again after a reload)', async () => {
    assert.deepEqual(await w.state(), { uri: DATA.uri, termLists: DATA.termLists });
  });

  it('shows a hostile term as text: no element, no script, no CSP violation', async () => {
    assert.equal(await w.page.$eval('.item[data-id="3"] .candidate', (e) => e.textContent), HOSTILE);
    assert.equal(await w.page.$$eval('#list img', (es) => es.length), 0);
    assert.equal(await w.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.deepEqual(await w.problems(), []);
    const csp = await w.page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.getAttribute('content'));
    assert.match(csp!, /default-src 'none'; script-src 'nonce-[0-9a-f]{48}'/);
  });

  it('j and k move the cursor through the list in order', async () => {
    await w.page.focus('#list');
    await w.page.keyboard.press('j');
    assert.equal(await current(), 2);
    await w.page.keyboard.press('j');
    await w.page.keyboard.press('j');
    assert.equal(await current(), 6);
    await w.page.keyboard.press('k');
    await w.page.keyboard.press('k');
    assert.equal(await current(), 2);
  });

  it('a accepts the current candidate: it leaves the list, the host is asked, the next one is current', async () => {
    const from = (await w.posted()).length;
    await w.page.keyboard.press('a');
    const m = await answer('decide', from);
    assert.deepEqual({ verdict: m.verdict, ids: m.ids }, { verdict: 'accept', ids: [2] });
    assert.deepEqual(await shown(), [1, 3, 6, 4, 5]);
    assert.equal(await current(), 3);
    await w.page.waitForSelector('#message:text("Accepted 普拉多 ~ 普拉多2700")');
  });

  it('r rejects; a failed verdict puts the candidate back and says why', async () => {
    let from = (await w.posted()).length;
    await w.page.keyboard.press('r');
    const m = await answer('decide', from, undefined, false);
    assert.deepEqual({ verdict: m.verdict, ids: m.ids }, { verdict: 'reject', ids: [3] });
    await w.page.waitForSelector('#message:text("Failed: the dictionary is read-only")');
    assert.deepEqual(await shown(), [1, 3, 6, 4, 5]);
    from = (await w.posted()).length;
    await w.page.keyboard.press('r');
    await answer('decide', from);
    await w.page.waitForSelector('.item[data-id="3"]', { state: 'detached' });
    assert.equal(await current(), 6);
  });

  it('u undoes the last verdict: the host names the candidates and they come back', async () => {
    const from = (await w.posted()).length;
    await w.page.keyboard.press('u');
    await answer('undo', from, { ids: [3] });
    await w.page.waitForSelector('.item[data-id="3"].current');
    await w.page.waitForSelector('#message:text("Undone.")');
  });

  it('s skips to the next candidate and marks the skipped one', async () => {
    await w.page.keyboard.press('s');
    assert.equal(await current(), 6);
    assert.equal(await w.page.$eval('.item[data-id="3"]', (e) => e.classList.contains('skipped')), true);
  });

  it('Shift+J selects a range that a accepts at once', async () => {
    await w.page.keyboard.press('k');
    assert.equal(await current(), 3);
    await w.page.keyboard.press('Shift+J');
    assert.deepEqual(await w.page.$$eval('.item[aria-selected="true"]', (es) => es.map((e) => Number((e as HTMLElement).dataset.id))), [3, 6]);
    const from = (await w.posted()).length;
    await w.page.keyboard.press('a');
    const m = await answer('decide', from);
    assert.deepEqual(m.ids, [3, 6]);
    assert.deepEqual(await shown(), [1, 4, 5]);
  });

  it('the filter narrows the list by every word; / focuses it and Escape goes back', async () => {
    await w.page.keyboard.press('/');
    await w.page.keyboard.type('凯美');
    await w.page.waitForFunction(() => document.querySelectorAll('.item').length === 1);
    assert.deepEqual(await shown(), [4]);
    await w.page.keyboard.press('Escape');
    await w.page.keyboard.press('Control+A');
    // Back in the list, keys are commands again (Control is not): clear the filter through the field.
    await w.page.$eval('#filter', (f) => {
      (f as HTMLElement & { value: string }).value = '';
      f.dispatchEvent(new Event('input'));
    });
    assert.deepEqual(await shown(), [1, 4, 5]);
  });

  it('Shift+A accepts every variant shown', async () => {
    await w.page.focus('#list');
    const from = (await w.posted()).length;
    await w.page.keyboard.press('Shift+A');
    const m = await answer('decide', from);
    assert.deepEqual({ verdict: m.verdict, ids: m.ids }, { verdict: 'accept', ids: [4, 5] });
    assert.deepEqual(await shown(), [1]);
    assert.equal(await w.page.$$eval('#variants', (es) => es.length), 0);
  });

  it('Refresh and Fine-tune on Decisions ask the host; busy disables them; a new count is shown', async () => {
    const from = (await w.posted()).length;
    await w.page.click('#refresh');
    await w.waitForPosted('refresh', from);
    await w.page.click('#fine-tune');
    await w.waitForPosted('fineTune', from);
    await w.send({ type: 'busy', what: 'fineTune' });
    await w.page.waitForSelector('#fine-tune[disabled]');
    assert.equal(await w.page.textContent('#busy'), 'Fine-tuning…');
    await w.send({ type: 'busy', what: undefined });
    await w.page.waitForSelector('#fine-tune:not([disabled])');
    await w.send({ type: 'decisions', decisions: { since: 0, hasModel: true } });
    await w.page.waitForSelector('#decisions:text("0 decisions since the last fine-tune")');
    assert.deepEqual(await w.problems(), []);
    assert.deepEqual(w.dialogs, []);
  });
});

describe('suggestions webview with a long run', () => {
  it('draws the best candidates only, says how many there are, and the filter reaches the others', async () => {
    const w = await openWebview({ view: 'suggestions' });
    try {
      const items = Array.from({ length: 2500 }, (_, i) => item(i + 1, `term${Math.floor(i / 10)}`, `candidate${i}`, 1 - i / 10_000));
      await w.send({ type: 'suggestions', data: { ...DATA, items, total: 30_000 } });
      await w.page.waitForSelector('.item.current');
      assert.equal(await w.page.$$eval('.item', (es) => es.length), 2000);
      assert.equal(await w.page.textContent('#truncated'), 'Showing the 2000 best of 30000 candidates: filter to see others.');
      await w.page.keyboard.press('/');
      await w.page.keyboard.type('candidate2499');
      await w.page.waitForSelector('.item[data-candidate="candidate2499"]');
      assert.equal(await w.page.$eval('#truncated', (e) => (e as HTMLElement).hidden), true);
      assert.deepEqual(await w.problems(), []);
    } finally {
      await w.close();
    }
  });
});

describe('suggestions webview in Chinese', () => {
  it('shows the zh-cn texts the host sends', async () => {
    const w = await openWebview({ view: 'suggestions', language: 'zh-cn' });
    try {
      await w.send({ type: 'suggestions', data: DATA });
      await w.page.waitForSelector('.item.current');
      assert.equal(await w.page.textContent('#decisions'), '3 个决定（尚无微调模型）');
      assert.equal(await w.page.$eval('.item[data-id="4"] .kind', (e) => e.textContent), '繁体/简体');
    } finally {
      await w.close();
    }
  });
});
