/**
 * Property: a row edit (replace, insert, delete) never changes how any other row reads. Random
 * small dictionaries over an alphabet rich in quotes, commas and line breaks — well-formed or with
 * problems (unclosed and stray quotes, ragged rows, no final line break) — get random edits; after
 * applying one and parsing again, every other row has the same cells, or the edit was refused
 * with an UnsafeEditError (a quote written after an unclosed one).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, deleteRowEdit, insertRowEdit, parseDictionary, replaceRowEdit, UnsafeEditError, type Dictionary } from '../../src/core/csv';
import { Random } from '../../src/core/random';

const rows = (d: Dictionary) => d.rows.map((r) => r.cells.map((c) => c.raw));
const pick = <T>(rng: Random, xs: readonly T[]): T => xs[rng.nextInt(xs.length)]!;

function randomField(rng: Random): string {
  const n = rng.nextInt(5);
  let s = '';
  for (let i = 0; i < n; i++) s += pick(rng, ['a', 'b', '丰', ' ', ',', '"', '\n', 'x']);
  return s;
}

/** A CSV text: a header and some records, fields written raw or quoted, with some damage. */
function randomText(rng: Random): string {
  const lines = ['term,synonym,label'];
  const count = 1 + rng.nextInt(6);
  for (let r = 0; r < count; r++) {
    const fields: string[] = [];
    const width = 1 + rng.nextInt(3);
    for (let f = 0; f < width; f++) {
      const v = randomField(rng).replaceAll('\n', '');
      const kind = rng.nextInt(10);
      if (kind < 5) fields.push(v.replaceAll('"', '').replaceAll(',', ''));
      else if (kind < 8) fields.push(`"${v.replaceAll('"', '""')}"`);
      else if (kind < 9) fields.push(`"${v.replaceAll('"', '')}`); // unclosed quote
      else fields.push(`${v.replaceAll(',', '')}"x`); // stray quote
    }
    lines.push(fields.join(','));
  }
  return lines.join(pick(rng, ['\n', '\r\n'])) + (rng.nextInt(3) === 0 ? '' : '\n');
}

test('edit row i, parse again: every other row is unchanged, or the edit is refused (2,000 random cases)', () => {
  const rng = new Random(14);
  let refused = 0;
  let applied = 0;
  for (let k = 0; k < 2000; k++) {
    const text = randomText(rng);
    const dict = parseDictionary(text);
    const before = rows(dict);
    const op = rng.nextInt(3);
    const values = Array.from({ length: 1 + rng.nextInt(3) }, () => randomField(rng));
    const where = JSON.stringify({ text, op, values });
    try {
      if (op === 0 && before.length) {
        const i = rng.nextInt(before.length);
        const after = rows(parseDictionary(applyEdits(text, [replaceRowEdit(dict, i, values)])));
        assert.equal(after.length, before.length, where);
        for (let j = 0; j < before.length; j++) if (j !== i) assert.deepEqual(after[j], before[j], `${where} row ${j}`);
      } else if (op === 1) {
        const afterRow = before.length && rng.nextInt(2) ? rng.nextInt(before.length) : undefined;
        const after = rows(parseDictionary(applyEdits(text, [insertRowEdit(dict, values, afterRow)])));
        const at = afterRow === undefined ? before.length : afterRow + 1;
        assert.equal(after.length, before.length + 1, where);
        assert.deepEqual([...after.slice(0, at), ...after.slice(at + 1)], before, where);
      } else if (before.length) {
        const i = rng.nextInt(before.length);
        const after = rows(parseDictionary(applyEdits(text, [deleteRowEdit(dict, i)])));
        assert.deepEqual(after, [...before.slice(0, i), ...before.slice(i + 1)], where);
      }
      applied++;
    } catch (e) {
      if (!(e instanceof UnsafeEditError)) throw e;
      assert.ok(dict.problems.some((p) => p.code === 'unterminated-quote' && p.range.start.line + 1 === e.line), where);
      refused++;
    }
  }
  assert.ok(refused > 20 && applied > 1000, `refused ${refused}, applied ${applied}`);
});

test('the reported case: editing row 3 after an unclosed quote on row 1 is refused, naming line 2', () => {
  const text = 'term,synonym\n"丰田,丰田汽车\n宝马,BMW\n奔驰,Benz\n';
  const dict = parseDictionary(text);
  assert.throws(() => replaceRowEdit(dict, 2, ['奔驰', 'Mercedes, Benz']), (e: unknown) => e instanceof UnsafeEditError && e.line === 2);
  assert.throws(() => insertRowEdit(dict, ['a', 'b, c']), UnsafeEditError);
  // Edits that write no quote, and fixing the unclosed row itself, stay allowed.
  assert.equal(rows(parseDictionary(applyEdits(text, [replaceRowEdit(dict, 2, ['奔驰', 'Mercedes'])])))[1]!.join('|'), '宝马|BMW');
  assert.deepEqual(rows(parseDictionary(applyEdits(text, [replaceRowEdit(dict, 0, ['丰田', '丰田汽车'])]))), [['丰田', '丰田汽车'], ['宝马', 'BMW'], ['奔驰', 'Benz']]);
});
