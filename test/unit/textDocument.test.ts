/**
 * EditedDocument (src/server/textDocument.ts) must be the editor-text library's document in all
 * it answers: text, positions, lines, line breaks, after any sequence of edits. And the edit it
 * hands the re-parse must describe the text before and after it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { EditedDocument } from '../../src/server/textDocument';

const piece = fc.constantFrom('a', 'bc', ',', '\n', '\r\n', '\r', '车', '😀', 'x,y,1\n', 'term,synonym\n');
const text = fc.array(piece, { maxLength: 25 }).map((p) => p.join(''));
const position = fc.record({ line: fc.integer({ min: -1, max: 12 }), character: fc.integer({ min: -1, max: 14 }) });
const change: fc.Arbitrary<TextDocumentContentChangeEvent> = fc.oneof(
  { weight: 9, arbitrary: fc.record({ range: fc.record({ start: position, end: position }), text }) },
  { weight: 1, arbitrary: fc.record({ text }) },
);

const onLine = (p: { line: number; character: number }, doc: TextDocument) => ({ line: Math.max(0, p.line) % doc.lineCount, character: p.character });

function same(ours: EditedDocument, lib: TextDocument, what: string): void {
  assert.equal(ours.getText(), lib.getText(), what);
  assert.equal(ours.version, lib.version, what);
  assert.equal(ours.lineCount, lib.lineCount, what);
  const n = lib.getText().length;
  for (let o = -1; o <= n + 1; o++) assert.deepEqual(ours.positionAt(o), lib.positionAt(o), `${what} positionAt ${o}`);
  for (let line = -1; line <= lib.lineCount + 1; line++) {
    assert.deepEqual(ours.getLineRange(line), lib.getLineRange(line), `${what} getLineRange ${line}`);
    assert.equal(ours.getEOLCharacters(line), lib.getEOLCharacters(line), `${what} getEOLCharacters ${line}`);
    for (let character = -1; character <= 6; character++) {
      const p = { line, character };
      assert.equal(ours.offsetAt(p), lib.offsetAt(p), `${what} offsetAt ${JSON.stringify(p)}`);
    }
    const range = { start: { line, character: 1 }, end: { line: line + 1, character: 2 } };
    assert.equal(ours.getText(range), lib.getText(range), `${what} getText ${JSON.stringify(range)}`);
  }
}

test('EditedDocument answers as the library document after any edits (many of them, so the pieces are joined again too)', () => {
  fc.assert(
    fc.property(text, fc.array(fc.array(change, { minLength: 1, maxLength: 3 }), { maxLength: 40 }), fc.boolean(), (t, batches, early) => {
      const ours = new EditedDocument('file:///d.csv', 'csv', 1, t);
      let lib = TextDocument.create('file:///d.csv', 'csv', 1, t);
      // Line offsets computed before the first edit (then kept up to date), or first after them.
      if (early) assert.equal(ours.lineCount, lib.lineCount);
      for (let [i, changes] of batches.entries()) {
        const before = ours.getText();
        // Ranges on the document's lines (the library's line bookkeeping assumes so).
        let sim = TextDocument.create(lib.uri, 'csv', 0, lib.getText());
        changes = changes.map((c) => {
          const on = 'range' in c ? { ...c, range: { start: onLine(c.range.start, sim), end: onLine(c.range.end, sim) } } : c;
          sim = TextDocument.update(sim, [on], 0);
          return on;
        });
        ours.update(changes, i + 2);
        lib = TextDocument.update(lib, changes, i + 2);
        const edit = ours.editFrom(i + 1);
        if (changes.length === 1 && 'range' in changes[0]) {
          assert.ok(edit, 'one incremental change gives the edit');
          assert.equal(before.slice(0, edit.start) + edit.inserted + before.slice(edit.end), lib.getText());
          assert.equal(before.slice(edit.start, edit.end), edit.removed);
          assert.equal(edit.read(edit.start - 2, edit.start + edit.inserted.length + 3), lib.getText().slice(Math.max(0, edit.start - 2), edit.start + edit.inserted.length + 3));
        } else assert.equal(edit, undefined);
        assert.equal(ours.editFrom(i), undefined);
      }
      same(ours, lib, JSON.stringify({ t, batches }));
    }),
    { numRuns: 400 },
  );
});
