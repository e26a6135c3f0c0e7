/**
 * The table webview in headless Chromium: render, sort, filter, keyboard navigation, edits posted
 * as row edit requests against the shown version, scores and diagnostics, and inert hostile cells.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openWebview, requireChromium, type Webview } from './harness';

// A missing browser is a failure with the package to install, never a silent skip.
it('headless Chromium is installed (Debian package "chromium")', () => requireChromium());

const TEXT = [
  'term,synonym,label',
  '普拉多,霸道SUV,1',
  'apple,pomme,1',
  '"<img src=x onerror=alert(1)>","<script>window.__xss=1</script>",1',
  'car,automobile,0',
  'Zebra,"quoted, comma",1',
  '',
].join('\n');

const cellTexts = (w: Webview, key: string) =>
  w.page.$$eval(`.grid-row:not([hidden]) .grid-cell[data-col="${key}"]`, (els) =>
    els
      .map((e) => ({ y: Number(/translateY\((\d+)px\)/.exec((e.parentElement as HTMLElement).style.transform)?.[1] ?? 0), t: e.textContent ?? '' }))
      .sort((a, b) => a.y - b.y)
      .map((x) => x.t),
  );

describe('table webview', () => {
  let w: Webview;
  before(async () => {
    w = await openWebview({ view: 'table' });
    await w.send({ type: 'document', uri: 'file:///d.synonyms.csv', version: 3, text: TEXT });
    await w.page.waitForSelector('#grid[data-version="3"]');
  });
  after(async () => {
    await w?.close();
  });

  it('renders the rows with the header\'s column names, as text', async () => {
    const headers = await w.page.$$eval('.grid-header-cell', (els) => els.map((e) => e.textContent));
    assert.deepEqual(headers, ['#', 'term', 'synonym', 'label', 'Similarity']);
    assert.deepEqual(await cellTexts(w, 'c0'), ['普拉多', 'apple', '<img src=x onerror=alert(1)>', 'car', 'Zebra']);
    assert.deepEqual(await cellTexts(w, 'line'), ['2', '3', '4', '5', '6']);
    assert.equal(await w.page.textContent('#counts'), '5 of 5 rows');
  });

  it('keeps hostile cells inert: no element, no script, no dialog', async () => {
    assert.equal(await w.page.locator('#app img, #app script').count(), 0);
    assert.equal(await w.page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    assert.deepEqual(w.dialogs, []);
    assert.deepEqual(await cellTexts(w, 'c1').then((t) => t[2]), '<script>window.__xss=1</script>');
    assert.deepEqual(await w.problems(), []);
  });

  it('sorts by a column (ascending, descending, file order) and says so in aria-sort', async () => {
    await w.page.click('.grid-header-cell[data-col="c0"]');
    assert.deepEqual(await cellTexts(w, 'c0'), ['<img src=x onerror=alert(1)>', 'apple', 'car', 'Zebra', '普拉多']);
    assert.equal(await w.page.getAttribute('.grid-header-cell[data-col="c0"]', 'aria-sort'), 'ascending');
    await w.page.click('.grid-header-cell[data-col="c0"]');
    assert.deepEqual(await cellTexts(w, 'c0'), ['普拉多', 'Zebra', 'car', 'apple', '<img src=x onerror=alert(1)>']);
    await w.page.click('.grid-header-cell[data-col="c0"]');
    assert.deepEqual(await cellTexts(w, 'line'), ['2', '3', '4', '5', '6']);
    assert.equal((await w.state<{ sort?: unknown }>()).sort, undefined);
  });

  it('filters on every word, case- and width-insensitively, and keeps the filter in state', async () => {
    await w.page.fill('#filter input', 'ＳＵＶ');
    await w.page.waitForFunction(() => document.querySelector('#counts')?.textContent === '1 of 5 rows');
    assert.deepEqual(await cellTexts(w, 'c0'), ['普拉多']);
    assert.equal((await w.state<{ filter?: string }>()).filter, 'ＳＵＶ');
    await w.page.fill('#filter input', '');
    await w.page.waitForFunction(() => document.querySelector('#counts')?.textContent === '5 of 5 rows');
  });

  it('colours scores by threshold and shows the lowest cosine of a row', async () => {
    await w.send({
      type: 'scores', version: 3, modelId: 'builtin:test', threshold: 0.5, negativeThreshold: 0.8,
      pairs: [
        { row: 0, term: '普拉多', synonym: '霸道SUV', label: 1, cosine: 0.31, flagged: true },
        { row: 1, term: 'apple', synonym: 'pomme', label: 1, cosine: 0.52, flagged: false },
        { row: 3, term: 'car', synonym: 'automobile', label: 0, cosine: 0.2, flagged: false },
        // A stale score for a row that no longer holds that pair is dropped (version differs below).
      ],
    });
    await w.page.waitForSelector('.grid-cell[data-col="score"][data-score="flagged"]');
    assert.deepEqual(await cellTexts(w, 'score'), ['0.310', '0.520', '', '0.200', '']);
    const kinds = await w.page.$$eval('.grid-row:not([hidden])', (rows) =>
      rows.map((r) => [r.getAttribute('data-row'), r.querySelector('[data-col="score"]')!.getAttribute('data-score')]),
    );
    assert.deepEqual(Object.fromEntries(kinds), { 0: 'flagged', 1: 'near', 2: '', 3: 'ok', 4: '' });
    await w.page.click('#issues-only');
    await w.page.waitForFunction(() => document.querySelector('#counts')?.textContent === '1 of 5 rows');
    await w.page.click('#issues-only');
    await w.page.waitForFunction(() => document.querySelector('#counts')?.textContent === '5 of 5 rows');
  });

  it('navigates with the keyboard and edits a cell → editRow with the row\'s values', async () => {
    await w.page.click('.grid-row[data-row="1"] .grid-cell[data-col="c1"]');
    await w.page.keyboard.press('ArrowDown');
    await w.page.keyboard.press('ArrowUp');
    await w.page.keyboard.press('ArrowRight');
    await w.page.keyboard.press('ArrowLeft');
    assert.equal(await w.page.getAttribute('.grid-row.selected', 'data-row'), '1');
    const from = (await w.posted()).length;
    await w.page.keyboard.press('Enter');
    await w.page.waitForSelector('input.cell-editor');
    assert.equal(await w.page.inputValue('input.cell-editor'), 'pomme');
    await w.page.fill('input.cell-editor', 'pomme, fruit');
    await w.page.keyboard.press('Enter');
    const m = await w.waitForPosted<{ requestId: number; version: number; row: number; values: string[] }>('editRow', from);
    assert.deepEqual({ version: m.version, row: m.row, values: m.values }, { version: 3, row: 1, values: ['apple', 'pomme, fruit', '1'] });
    // The host answers and sends the new text; the grid shows it.
    await w.send({ type: 'response', requestId: m.requestId, ok: true, result: { version: 4 } });
    await w.send({ type: 'document', uri: 'file:///d.synonyms.csv', version: 4, text: TEXT.replace('apple,pomme,1', 'apple,"pomme, fruit",1') });
    await w.page.waitForSelector('#grid[data-version="4"]');
    assert.equal((await cellTexts(w, 'c1'))[1], 'pomme, fruit');
  });

  it('typing on a cell starts an edit with that character; Escape cancels', async () => {
    await w.page.click('.grid-row[data-row="4"] .grid-cell[data-col="c0"]');
    await w.page.keyboard.press('q');
    assert.equal(await w.page.inputValue('input.cell-editor'), 'q');
    const from = (await w.posted()).length;
    await w.page.keyboard.press('Escape');
    assert.equal(await w.page.locator('input.cell-editor').count(), 0);
    assert.equal((await w.posted()).slice(from).filter((m) => m.type === 'editRow').length, 0);
  });

  it('Space toggles a label; Delete deletes the row; Insert adds one after it', async () => {
    await w.page.click('.grid-row[data-row="2"] .grid-cell[data-col="c2"]');
    let from = (await w.posted()).length;
    await w.page.keyboard.press('Space');
    const toggle = await w.waitForPosted<{ requestId: number; row: number; values: string[] }>('editRow', from);
    assert.deepEqual(toggle.values, ['<img src=x onerror=alert(1)>', '<script>window.__xss=1</script>', '0']);
    await w.send({ type: 'response', requestId: toggle.requestId, ok: true, result: { version: 4 } });

    from = (await w.posted()).length;
    await w.page.keyboard.press('Delete');
    const del = await w.waitForPosted<{ requestId: number; rows: number[]; version: number }>('deleteRows', from);
    assert.deepEqual({ rows: del.rows, version: del.version }, { rows: [2], version: 4 });
    await w.send({ type: 'response', requestId: del.requestId, ok: true, result: { version: 4 } });

    from = (await w.posted()).length;
    await w.page.keyboard.press('Insert');
    const ins = await w.waitForPosted<{ requestId: number; values: string[]; afterRow: number }>('insertRow', from);
    assert.deepEqual({ values: ins.values, afterRow: ins.afterRow }, { values: ['<img src=x onerror=alert(1)>', '', '1'], afterRow: 2 });
    await w.send({ type: 'response', requestId: ins.requestId, ok: false, error: 'The document changed.' });
    await w.page.waitForFunction(() => document.querySelector('#message')?.textContent === 'The document changed.');
  });

  it('F8 jumps to the next row with a problem and Alt+Enter reveals it in the text editor', async () => {
    await w.send({ type: 'diagnostics', version: 4, items: [{ row: 4, column: 1, severity: 'warning', message: 'Line 6: quoted comma.' }] });
    await w.page.waitForSelector('.grid-cell[data-col="line"][data-severity="warning"]');
    await w.page.click('.grid-row[data-row="1"] .grid-cell[data-col="c0"]');
    await w.page.keyboard.press('F8');
    assert.equal(await w.page.getAttribute('.grid-row.selected', 'data-row'), '4');
    assert.equal(await w.page.textContent('#message'), 'Line 6: quoted comma.');
    const from = (await w.posted()).length;
    await w.page.keyboard.press('Alt+Enter');
    const m = await w.waitForPosted<{ row: number; column: number }>('revealRow', from);
    assert.deepEqual({ row: m.row, column: m.column }, { row: 4, column: 0 });
  });
});

describe('table webview when an edit\'s document update never arrives', () => {
  let w: Webview;
  before(async () => {
    w = await openWebview({ view: 'table' });
    await w.send({ type: 'document', uri: 'file:///d.synonyms.csv', version: 1, text: TEXT });
    await w.page.waitForSelector('#grid[data-version="1"]');
  });
  after(async () => {
    await w?.close();
  });

  it('tells the user the table may be out of date instead of carrying on silently', async () => {
    await w.page.click('.grid-row[data-row="1"] .grid-cell[data-col="c2"]');
    let from = (await w.posted()).length;
    await w.page.keyboard.press('Space');
    const edit = await w.waitForPosted<{ requestId: number }>('editRow', from);
    // The host applied the edit as version 2, but the document message for version 2 is lost.
    await w.send({ type: 'response', requestId: edit.requestId, ok: true, result: { version: 2 } });
    const expected = 'The edit was applied, but the table did not receive document version 2; it may be out of date. Reopen the table to reload it.';
    await w.page.waitForFunction((text) => document.querySelector('#message')?.textContent === text, expected, { timeout: 20_000 });
    // The table keeps working: the next edit is still sent.
    from = (await w.posted()).length;
    await w.page.keyboard.press('Space');
    await w.waitForPosted('editRow', from);
    assert.deepEqual(await w.problems(), []);
  });
});

describe('table webview at 20,000 rows', () => {
  let w: Webview;
  before(async () => {
    w = await openWebview({ view: 'table' });
  });
  after(async () => {
    await w?.close();
  });

  it('keeps only the visible rows in the DOM and scrolls to the last row', async () => {
    const lines = ['term,synonym,label'];
    for (let i = 0; i < 20000; i++) lines.push(`term${i},synonym${i},${i % 7 === 0 ? 0 : 1}`);
    await w.send({ type: 'document', uri: 'file:///big.synonyms.csv', version: 1, text: lines.join('\n') + '\n' });
    await w.page.waitForSelector('#grid[data-version="1"]');
    assert.equal(await w.page.textContent('#counts'), '20,000 of 20,000 rows');
    const rendered = await w.page.locator('.grid-row').count();
    assert.ok(rendered < 80, `${rendered} row elements`);
    await w.page.click('.grid-row[data-row="0"] .grid-cell[data-col="c0"]');
    await w.page.keyboard.press('Control+End');
    await w.page.waitForSelector('.grid-row.selected[data-row="19999"]');
    assert.equal((await cellTexts(w, 'c0')).at(-1), 'term19999');
    const state = await w.state<{ scrollTop: number; selected: { row: number } }>();
    assert.equal(state.selected.row, 19999);
    assert.ok(state.scrollTop > 400000);
  });
});

describe('table webview: messages in the order VS Code delivers them', () => {
  let w: Webview;
  before(async () => {
    w = await openWebview({ view: 'table' });
  });
  after(async () => {
    await w?.close();
  });

  // In VS Code, what the host posts while the page loads (its diagnostics and scores events) is
  // delivered before the answer to `ready`; the first document must still show them.
  it('shows scores and diagnostics that arrived before the first document', async () => {
    await w.send({ type: 'diagnostics', version: 1, items: [{ row: 0, severity: 'warning', message: 'low similarity' }] });
    await w.send({
      type: 'scores', version: 1, modelId: 'builtin:test', threshold: 0.5, negativeThreshold: 0.8,
      pairs: [{ row: 0, term: '普拉多', synonym: '霸道SUV', label: 1, cosine: -0.18, flagged: true }],
    });
    await w.send({ type: 'document', uri: 'file:///d.synonyms.csv', version: 1, text: TEXT });
    await w.page.waitForSelector('#grid[data-version="1"]');
    await w.page.waitForSelector('.grid-row[data-row="0"] .grid-cell[data-col="score"][data-score="flagged"]');
    assert.equal(await w.page.textContent('.grid-row[data-row="0"] .grid-cell[data-col="score"]'), '-0.180');
    assert.equal(await w.page.getAttribute('.grid-row[data-row="0"] .grid-cell[data-col="line"]', 'data-severity'), 'warning');
    assert.match((await w.page.textContent('#score-status')) ?? '', /1 flagged/);
  });
});

describe('table webview: a row of several pairs', () => {
  it('shows one score cell per synonym and counts flagged pairs, as the Problems panel does', async () => {
    const w = await openWebview({ view: 'table' });
    try {
      // Row 0 holds two pairs (普拉多~霸道SUV, 普拉多~陆地巡洋舰), both flagged; row 1 one pair; row 2
      // repeats a synonym, so its two pairs go to their own cells.
      await w.send({ type: 'document', uri: 'file:///m.synonyms.csv', version: 1, text: '普拉多,霸道SUV,陆地巡洋舰\n宝马,BMW\nx,y,y\n' });
      await w.page.waitForSelector('#grid[data-version="1"]');
      await w.send({
        type: 'scores', version: 1, modelId: 'builtin:test', threshold: 0.5, negativeThreshold: 0.8,
        pairs: [
          { row: 0, term: '普拉多', synonym: '霸道SUV', label: 1, cosine: -0.04, flagged: true },
          { row: 0, term: '普拉多', synonym: '陆地巡洋舰', label: 1, cosine: -0.12, flagged: true },
          { row: 1, term: '宝马', synonym: 'BMW', label: 1, cosine: 0.91, flagged: false },
          { row: 2, term: 'x', synonym: 'y', label: 1, cosine: 0.2, flagged: true },
          { row: 2, term: 'x', synonym: 'y', label: 1, cosine: 0.2, flagged: true },
        ],
      });
      await w.page.waitForSelector('.grid-row[data-row="0"] .grid-cell[data-col="score2"][data-score="flagged"]');
      const headers = await w.page.$$eval('.grid-header-cell', (els) => els.map((e) => e.textContent));
      assert.deepEqual(headers, ['#', 'Term', 'Synonym 1', 'Synonym 2', 'Similarity 1', 'Similarity 2']);
      assert.deepEqual(await cellTexts(w, 'score'), ['-0.040', '0.910', '0.200']);
      assert.deepEqual(await cellTexts(w, 'score2'), ['-0.120', '', '0.200']);
      assert.match((await w.page.getAttribute('.grid-row[data-row="0"] .grid-cell[data-col="score2"]', 'title')) ?? '', /普拉多 ~ 陆地巡洋舰: −?-?0\.12/);
      // 4 flagged pairs in 2 rows: the count is of pairs.
      assert.match((await w.page.textContent('#score-status')) ?? '', /· 4 flagged/);
      // Sorting by the second similarity column orders by that pair's score; rows without one go last.
      await w.page.click('.grid-header-cell[data-col="score2"]');
      assert.deepEqual(await cellTexts(w, 'line'), ['1', '3', '2']);
    } finally {
      await w.close();
    }
  });
});

describe('table webview: control and bidi characters', () => {
  it('shows them as escapes, so a U+202E cannot reorder a cell', async () => {
    const w = await openWebview({ view: 'table' });
    try {
      await w.send({ type: 'document', uri: 'file:///b.synonyms.csv', version: 1, text: 'term,synonym\n"gpj.\u202eexe",x\nclear\u001b[2J,y\n' });
      await w.page.waitForSelector('#grid[data-version="1"]');
      assert.deepEqual(await cellTexts(w, 'c0'), ['gpj.\\u202eexe', 'clear\\x1b[2J']);
    } finally {
      await w.close();
    }
  });
});

describe('table webview on a Solr synonyms file', () => {
  // Comments and blank lines are not rows; escapes show as the terms the engine reads.
  const SOLR = [
    '# cars, Solr format',
    '普拉多, 霸道SUV, 陆地巡洋舰',
    '',
    'a\\,b, Land Cruiser => LC',
    '<img src=x onerror=alert(1)>, <script>window.__xss=1</script>',
    '',
  ].join('\n');
  let w: Webview;
  before(async () => {
    w = await openWebview({ view: 'table' });
    await w.send({ type: 'document', uri: 'file:///cars.synonyms.txt', version: 2, text: SOLR, format: 'solr' });
    await w.page.waitForSelector('#grid[data-version="2"]');
  });
  after(async () => {
    await w?.close();
  });

  it('shows a row per rule with its direction, terms unescaped, hostile terms as text', async () => {
    const headers = await w.page.$$eval('.grid-header-cell', (els) => els.map((e) => e.textContent));
    assert.deepEqual(headers, ['#', 'Rule', 'Term', 'Synonym 1', 'Synonym 2', 'Similarity 1', 'Similarity 2']);
    assert.deepEqual(await cellTexts(w, 'line'), ['2', '4', '5']);
    assert.deepEqual(await cellTexts(w, 'rule'), ['⇔', '⇒', '⇔']);
    assert.deepEqual(await cellTexts(w, 'c0'), ['普拉多', 'a,b', '<img src=x onerror=alert(1)>']);
    assert.deepEqual(await cellTexts(w, 'c1'), ['霸道SUV', 'Land Cruiser', '<script>window.__xss=1</script>']);
    assert.deepEqual(await cellTexts(w, 'c2'), ['陆地巡洋舰', 'LC', '']);
    // The explicit rule: its inputs and outputs are marked, and a ⇒ is drawn before the first output.
    const row1 = '.grid-row[data-row="1"]';
    assert.equal(await w.page.getAttribute(`${row1} .grid-cell[data-col="rule"]`, 'data-direction'), 'explicit');
    assert.equal(await w.page.getAttribute(`${row1} .grid-cell[data-col="rule"]`, 'title'), 'Explicit rule: the terms left of ⇒ map to the terms right of it, one way');
    assert.deepEqual(await w.page.$$eval(`${row1} .grid-cell[data-side]`, (els) => els.map((e) => (e as HTMLElement).dataset.side)), ['in', 'in', 'out']);
    const arrow = await w.page.$eval(`${row1} .grid-cell[data-col="c2"]`, (e) => getComputedStyle(e, '::before').content);
    assert.equal(arrow, '"⇒ "');
    assert.equal(await w.page.locator('.grid-row[data-row="0"] .grid-cell.first-output').count(), 0);
    assert.equal(await w.page.locator('#app img, #app script').count(), 0);
    assert.equal(await w.page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    assert.deepEqual(await w.problems(), []);
  });

  it('scores each pair; an explicit rule\'s output lists its one-way pairs', async () => {
    await w.send({
      type: 'scores', version: 2, modelId: 'builtin:test', threshold: 0.5, negativeThreshold: 0.8,
      pairs: [
        { row: 0, term: '普拉多', synonym: '霸道SUV', label: 1, cosine: 0.61, flagged: false },
        { row: 0, term: '普拉多', synonym: '陆地巡洋舰', label: 1, cosine: 0.3, flagged: true },
        { row: 1, term: 'a,b', synonym: 'LC', label: 1, cosine: 0.7, flagged: false },
        { row: 1, term: 'Land Cruiser', synonym: 'LC', label: 1, cosine: 0.2, flagged: true },
      ],
    });
    await w.page.waitForSelector('.grid-row[data-row="1"] .grid-cell[data-col="score2"][data-score="flagged"]');
    assert.deepEqual(await cellTexts(w, 'score'), ['0.610', '', '']);
    assert.deepEqual(await cellTexts(w, 'score2'), ['0.300', '0.200', '']);
    assert.equal(await w.page.getAttribute('.grid-row[data-row="1"] .grid-cell[data-col="score2"]', 'title'), 'a,b → LC: 0.700 (label 1)\nLand Cruiser → LC: 0.200 (label 1) — flagged');
    assert.equal(await w.page.getAttribute('.grid-row[data-row="0"] .grid-cell[data-col="score"]', 'title'), '普拉多 ~ 霸道SUV: 0.610 (label 1)');
    assert.match((await w.page.textContent('#score-status')) ?? '', /· 2 flagged/);
  });

  it('edits one term at a time: change a term, add a synonym, delete a rule', async () => {
    // The editor holds the term as the engine reads it; what is typed goes to the host as is.
    await w.page.dblclick('.grid-row[data-row="1"] .grid-cell[data-col="c0"]');
    assert.equal(await w.page.inputValue('input.cell-editor'), 'a,b');
    let from = (await w.posted()).length;
    await w.page.fill('input.cell-editor', 'x=>y');
    await w.page.keyboard.press('Enter');
    const edit = await w.waitForPosted<{ requestId: number; version: number; row: number; column: number; value: string }>('editTerm', from);
    assert.deepEqual({ version: edit.version, row: edit.row, column: edit.column, value: edit.value }, { version: 2, row: 1, column: 0, value: 'x=>y' });
    assert.equal((await w.posted()).slice(from).filter((m) => m.type === 'editRow').length, 0);
    await w.send({ type: 'response', requestId: edit.requestId, ok: true, result: { version: 3 } });
    await w.send({ type: 'document', uri: 'file:///cars.synonyms.txt', version: 3, text: SOLR.replace('a\\,b', 'x\\=>y'), format: 'solr' });
    await w.page.waitForSelector('#grid[data-version="3"]');
    assert.equal((await cellTexts(w, 'c0'))[1], 'x=>y');

    // A synonym typed into the empty cell after a rule's last term is added to the rule.
    await w.page.click('.grid-row[data-row="2"] .grid-cell[data-col="c2"]');
    from = (await w.posted()).length;
    await w.page.keyboard.type('q');
    await w.page.keyboard.press('Enter');
    const add = await w.waitForPosted<{ requestId: number; row: number; column: number; value: string }>('editTerm', from);
    assert.deepEqual({ row: add.row, column: add.column, value: add.value }, { row: 2, column: 2, value: 'q' });
    await w.send({ type: 'response', requestId: add.requestId, ok: false, error: 'Line 5 ends with a lone backslash.' });
    await w.page.waitForFunction(() => document.querySelector('#message')?.textContent === 'Line 5 ends with a lone backslash.');

    await w.page.click('.grid-row[data-row="0"] .grid-cell[data-col="c1"]');
    from = (await w.posted()).length;
    await w.page.keyboard.press('Delete');
    const del = await w.waitForPosted<{ rows: number[]; version: number }>('deleteRows', from);
    assert.deepEqual({ rows: del.rows, version: del.version }, { rows: [0], version: 3 });
  });
});

describe('table webview on an Elasticsearch synonyms set', () => {
  it('shows the rule ids beside the rules', async () => {
    const w = await openWebview({ view: 'table' });
    try {
      const text = '{\n  "synonyms_set": [\n    { "id": "cars-1", "synonyms": "普拉多, 霸道SUV" },\n    { "synonyms": "a\\\\,b => c" }\n  ]\n}\n';
      await w.send({ type: 'document', uri: 'file:///cars.synonyms.json', version: 1, text, format: 'es' });
      await w.page.waitForSelector('#grid[data-version="1"]');
      const headers = await w.page.$$eval('.grid-header-cell', (els) => els.map((e) => e.textContent));
      assert.deepEqual(headers, ['#', 'Rule', 'Id', 'Term', 'Synonym', 'Similarity']);
      assert.deepEqual(await cellTexts(w, 'id'), ['cars-1', '']);
      assert.deepEqual(await cellTexts(w, 'rule'), ['⇔', '⇒']);
      assert.deepEqual(await cellTexts(w, 'c0'), ['普拉多', 'a,b']);
      assert.deepEqual(await w.problems(), []);
    } finally {
      await w.close();
    }
  });
});
