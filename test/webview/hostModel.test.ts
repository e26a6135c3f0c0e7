/**
 * The host side of the table and heatmap without VS Code: webview requests become core row
 * edits that keep every other byte, diagnostics land on rows, pairs are found for reveal.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits, parseDictionary, UnsafeEditError } from '../../src/core/csv';
import { webviewHtml } from '../../src/client/webviews/html';
import { normalizeReport } from '../../src/client/webviews/reportModel';
import { newestTunedModel } from '../../src/client/webviews/tunedModel';
import { DictionaryCache, deleteRowsEdits, diagnosticsToRows, editRowEdits, heatmapPairs, insertRowEdits, pairRange, rowAtLine } from '../../src/client/webviews/tableModel';

const TEXT = 'term,synonym,label\r\n"car" ,automobile,1\r\nphone,"cell\nphone",1\r\n\r\nbike,bicycle,0';

describe('table edits on the host', () => {
  const dict = parseDictionary(TEXT);

  it('edits one cell and keeps every other byte (quoting, CRLF, blank line, no final EOL)', () => {
    const out = applyEdits(TEXT, editRowEdits(dict, 2, ['bike', 'cycle, bicycle', '0']));
    assert.equal(out, 'term,synonym,label\r\n"car" ,automobile,1\r\nphone,"cell\nphone",1\r\n\r\nbike,"cycle, bicycle",0');
  });

  it('refuses a table edit that would close an unclosed quote above it (the other rows would read differently)', () => {
    const text = 'term,synonym\n"丰田,丰田汽车\n宝马,BMW\n奔驰,Benz\n';
    const d = parseDictionary(text);
    assert.throws(() => editRowEdits(d, 2, ['奔驰', 'Mercedes, Benz']), (e: unknown) => e instanceof UnsafeEditError && e.line === 2);
    assert.throws(() => insertRowEdits(d, ['a', '"b"']), UnsafeEditError);
    assert.equal(applyEdits(text, editRowEdits(d, 2, ['奔驰', 'Mercedes'])), text.replace('Benz', 'Mercedes'));
  });

  it('an unchanged row is no edit at all', () => {
    assert.deepEqual(editRowEdits(dict, 0, ['car', 'automobile', '1']).length, 1, 'the stray space after "car" is part of its raw value');
    assert.deepEqual(editRowEdits(dict, 0, dict.rows[0]!.cells.map((c) => c.raw)), []);
  });

  it('inserts after a row with the file\'s line ending, and at the end of a file without a final EOL', () => {
    assert.equal(applyEdits(TEXT, insertRowEdits(dict, ['car', 'auto', '1'], 0)), TEXT.replace('1\r\nphone', '1\r\ncar,auto,1\r\nphone'));
    assert.equal(applyEdits(TEXT, insertRowEdits(dict, ['x', 'y', '1'])), `${TEXT}\r\nx,y,1`);
  });

  it('deletes several rows in one edit set, the last one without a final EOL', () => {
    assert.equal(applyEdits(TEXT, deleteRowsEdits(dict, [2, 1, 2])), 'term,synonym,label\r\n"car" ,automobile,1\r\n\r\n'.replace(/\r\n$/, ''));
  });

  it('finds the row of a line, including a multi-line quoted record', () => {
    assert.equal(rowAtLine(dict, 2)?.index, 1);
    assert.equal(rowAtLine(dict, 3)?.index, 1);
    assert.equal(rowAtLine(dict, 4), undefined);
    assert.equal(rowAtLine(dict, 5)?.index, 2);
  });

  it('attaches diagnostics to rows and cells', () => {
    const d = diagnosticsToRows(dict, [
      { range: { start: { line: 5, character: 5 }, end: { line: 5, character: 12 } }, severity: 1, message: 'low', code: 'low-similarity' },
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } }, severity: 0, message: 'header' },
    ]);
    assert.deepEqual(d, [
      { row: 2, column: 1, severity: 'warning', message: 'low', code: 'low-similarity' },
      { row: -1, column: undefined, severity: 'error', message: 'header', code: undefined },
    ]);
  });

  it('finds a pair in either order for reveal, else the first cell of the term', () => {
    assert.deepEqual(pairRange(dict, 'Automobile', 'CAR'), { start: { line: 1, character: 0 }, end: { line: 1, character: 17 } });
    assert.deepEqual(pairRange(dict, 'bike', 'nothing'), { start: { line: 5, character: 0 }, end: { line: 5, character: 4 } });
    assert.equal(pairRange(dict, 'nothing', 'car'), undefined);
  });

  it('lists the dictionary pairs among heatmap terms', () => {
    assert.deepEqual(heatmapPairs(dict, ['bicycle', 'car', 'bike', 'automobile']), [
      // Row 2 starts on line 5: a quoted line break and a blank line come before it.
      { i: 1, j: 3, label: 1, row: 0, line: 1 },
      { i: 2, j: 0, label: 0, row: 2, line: 5 },
    ]);
  });
});

describe('webview HTML shell', () => {
  it('has a strict CSP with the nonce on its only script, and escapes what it embeds', () => {
    const html = webviewHtml({ cspSource: 'https://x.vscode-cdn.net', nonce: 'abc123', scriptUri: 'https://x/t.js?a=1&b="2"', styleUris: ['https://x/w.css'], title: '<t>', view: 'table', strings: { addRow: '"Add" <Row> & co' }, lang: 'zh-cn' });
    assert.match(html, /content="default-src &#39;none&#39;; script-src &#39;nonce-abc123&#39;; style-src https:\/\/x.vscode-cdn.net; img-src https:\/\/x.vscode-cdn.net data:; font-src https:\/\/x.vscode-cdn.net"/);
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.match(html, /<script nonce="abc123" src="https:\/\/x\/t.js\?a=1&amp;b=&quot;2&quot;"><\/script>/);
    assert.match(html, /<title>&lt;t&gt;<\/title>/);
    // The strings table is an attribute (no script), escaped; the language is the display language.
    assert.match(html, /<html lang="zh-cn">/);
    assert.match(html, /data-strings="\{&quot;addRow&quot;:&quot;\\&quot;Add\\&quot; &lt;Row&gt; &amp; co&quot;\}"/);
  });
});

describe('report JSON', () => {
  it('accepts {before, after?} or a bare evaluation, and names what is missing', () => {
    const e = { n: 3, accuracy: 1 };
    assert.deepEqual(normalizeReport({ before: e, after: e }), { before: e, after: e });
    assert.deepEqual(normalizeReport(e), { before: e });
    assert.throws(() => normalizeReport([]), /no "before" evaluation/);
    assert.throws(() => normalizeReport({ before: e, after: 1 }), /"after" is not an evaluation/);
    assert.throws(() => normalizeReport('x'), /not a JSON object/);
  });
});

describe('the heatmap\'s fine-tuned model', () => {
  const dict = '/w/cars.synonyms.csv';
  it('is the newest fine-tuned folder by its provenance date, trained on this dictionary or an unrecorded file', () => {
    const found = newestTunedModel(
      [
        { dir: '/w/.synonym-lens/models/cars-1', provenance: { date: '2026-01-01T10:00:00.000Z', training_file: dict } },
        // Newer, but trained on another dictionary of the folder.
        { dir: '/w/.synonym-lens/models/fruit-1', provenance: { date: '2026-03-01T10:00:00.000Z', training_file: '/w/fruit.synonyms.csv' } },
        { dir: '/w/.synonym-lens/models/cars-2', provenance: { date: '2026-02-01T10:00:00.000Z', training_file: dict } },
        { dir: '/w/.synonym-lens/models/old', provenance: { date: '2025-12-01T10:00:00.000Z' } },
        // Unreadable or dateless provenance is no candidate.
        { dir: '/w/.synonym-lens/models/broken', provenance: undefined },
        { dir: '/w/.synonym-lens/models/dateless', provenance: { training_file: dict } },
        { dir: '/w/.synonym-lens/models/baddate', provenance: { date: 'yesterday' } },
      ],
      dict,
    );
    assert.deepEqual(found, { dir: '/w/.synonym-lens/models/cars-2', date: '2026-02-01T10:00:00.000Z' });
  });

  it('is undefined when there is none, and matches Windows paths without regard to case', () => {
    assert.equal(newestTunedModel([], dict), undefined);
    assert.equal(newestTunedModel([{ dir: '/x', provenance: { date: '2026-01-01', training_file: '/w/other.csv' } }], dict), undefined);
    assert.equal(newestTunedModel([{ dir: 'C:\\m', provenance: { date: '2026-01-01', training_file: 'c:\\W\\Cars.csv' } }], 'C:\\w\\cars.csv')?.dir, 'C:\\m');
  });
});

describe('the host\'s dictionary cache', () => {
  it('reads a document in its format, per version: a Solr file\'s rows are its rules, diagnostics land on its terms', () => {
    const cache = new DictionaryCache();
    const text = '# cars\n普拉多, 霸道SUV\na\\,b => c\n';
    let reads = 0;
    const read = () => (reads++, text);
    const parsed = cache.parsed('file:///cars.synonyms.txt', 1, read, 'solr');
    assert.equal(parsed.format, 'solr');
    assert.deepEqual(parsed.dict.rows.map((r) => r.cells.map((c) => c.text)), [['普拉多', '霸道SUV'], ['a,b', 'c']]);
    assert.equal(cache.get('file:///cars.synonyms.txt', 1, read, 'solr'), parsed.dict);
    assert.equal(reads, 1);
    // A new version, or the same text read in another format, is parsed again.
    assert.equal(cache.get('file:///cars.synonyms.txt', 1, read).rows.length, 3);
    assert.equal(reads, 2);
    const rows = diagnosticsToRows(parsed.dict, [{ range: { start: { line: 2, character: 8 }, end: { line: 2, character: 9 } }, severity: 1, message: 'x' }]);
    assert.deepEqual([rows[0]!.row, rows[0]!.column], [1, 1]);
  });
});
