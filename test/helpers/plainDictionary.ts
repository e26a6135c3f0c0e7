/** A parsed dictionary as plain data, for comparing two parses field by field in tests. */
import type { Cell, Dictionary, Row } from '../../src/core/csv/types';

/** Everything observable of a dictionary, as plain data (ranges read through the getters). */
export function plain(d: Dictionary): unknown {
  const cell = (c: Cell | undefined) =>
    c && { raw: c.raw, text: c.text, quoted: c.quoted, column: c.column, range: c.range, start: c.start, end: c.end };
  const row = (r: Row) => ({
    index: r.index,
    cells: r.cells.map(cell),
    term: cell(r.term),
    synonyms: r.synonyms.map(cell),
    label: r.label,
    labelCell: cell(r.labelCell),
    range: r.range,
    start: r.start,
    end: r.end,
    endWithEol: r.endWithEol,
    has: ['term', 'label', 'labelCell'].filter((k) => k in r),
  });
  return {
    text: d.text,
    bom: d.bom,
    eol: d.eol,
    header: d.header && { ...d.header, cells: d.header.cells.map(cell) },
    labelColumn: d.labelColumn,
    rows: d.rows.map(row),
    pairs: d.pairs.map((p) => ({ a: cell(p.a), b: cell(p.b), label: p.label, row: p.row })),
    problems: d.problems,
    keys: Object.keys(d).sort(),
  };
}

