/**
 * Editing in the grid: the inline cell editor and the edit actions (change a cell, toggle a label,
 * add a row, delete a row). The grid never changes the text itself: each action queues a request
 * to the host, and the grid redraws from the document the host sends back.
 */
import { h } from '../common/dom';
import { format } from '../common/strings';
import { locateRow, type EditQueue } from './editQueue';
import type { TableLayout } from './layout';
import { ROW_HEIGHT, type GridRenderer } from './render';
import type { Selection } from './selection';
import type { GridState } from './state';

interface OpenEditor {
  input: HTMLInputElement;
  row: number;
  csv: number;
  version: number;
  original: string[];
  /** The value the editor opened with. */
  before: string;
}

export class Editing {
  private editor: OpenEditor | undefined;

  constructor(
    private readonly s: GridState,
    private readonly dom: TableLayout,
    private readonly renderer: GridRenderer,
    private readonly selection: Selection,
    private readonly queue: EditQueue,
  ) {}

  /** Whether the cell editor is open. */
  get active(): boolean {
    return this.editor !== undefined;
  }

  /** Whether `node` is inside the open cell editor. */
  contains(node: Node): boolean {
    return this.editor?.input.contains(node) ?? false;
  }

  /** Opens the cell editor on the selected cell, holding `initial` or the cell's value. */
  startEdit(initial?: string): void {
    const { s } = this;
    const model = s.model;
    if (!model || s.selRow < 0) return;
    const col = model.columns[s.selCol];
    if (!col?.editable || col.csv === undefined) return;
    this.renderer.ensureVisible();
    this.renderer.render();
    const slot = this.renderer.slotOf(s.selRow);
    if (!slot) return;
    const cell = slot.cells[s.selCol]!;
    const input = h('input', { className: 'cell-editor', 'aria-label': format(s.strings.editCell, col.title), spellcheck: 'false' });
    const original = model.row(s.selRow).cells.map((c) => c.raw);
    const before = model.rawValue(s.selRow, col.csv);
    input.value = initial ?? before;
    input.style.top = `${s.positionOf[s.selRow]! * ROW_HEIGHT}px`;
    input.style.left = `${cell.offsetLeft}px`;
    input.style.width = `${cell.offsetWidth}px`;
    input.style.height = `${ROW_HEIGHT}px`;
    this.dom.spacer.append(input);
    this.editor = { input, row: s.selRow, csv: col.csv, version: model.version, original, before };
    input.focus();
    if (initial === undefined) input.select();
    input.addEventListener('keydown', (e) => {
      e.stopPropagation();
      if (e.key === 'Enter') {
        e.preventDefault();
        this.commitEdit();
        this.selection.moveBy(1);
      } else if (e.key === 'Tab') {
        e.preventDefault();
        this.commitEdit();
        this.selection.select(s.selRow, s.selCol + (e.shiftKey ? -1 : 1));
      } else if (e.key === 'Escape') {
        e.preventDefault();
        this.cancelEdit();
      }
    });
    input.addEventListener('blur', () => this.commitEdit(false));
  }

  private closeEditor(refocus: boolean): OpenEditor | undefined {
    const e = this.editor;
    this.editor = undefined;
    e?.input.remove();
    if (refocus) this.dom.grid.focus();
    return e;
  }

  cancelEdit(): void {
    this.closeEditor(true);
  }

  commitEdit(refocus = true): void {
    const e = this.closeEditor(refocus);
    if (!e) return;
    const value = e.input.value;
    if (value === e.before) return;
    const { s } = this;
    this.queue.enqueue(() => {
      const row = locateRow(s.model, e.row, e.original, e.version);
      if (row < 0) {
        this.renderer.say(s.strings.rowChanged);
        return undefined;
      }
      // A rule's term is edited alone, in the file's syntax; a CSV record is written whole.
      if (s.model!.isRules) return { type: 'editTerm', version: s.model!.version, row, column: e.csv, value };
      return { type: 'editRow', version: s.model!.version, row, values: s.model!.valuesWith(row, e.csv, value) };
    });
  }

  toggleLabel(): void {
    const { s } = this;
    const model = s.model;
    if (!model || s.selRow < 0) return;
    const col = model.columns[s.selCol]!;
    const current = model.rawValue(s.selRow, col.csv!).trim();
    const row = s.selRow;
    const original = model.row(row).cells.map((c) => c.raw);
    const version = model.version;
    this.queue.enqueue(() => {
      const r = locateRow(s.model, row, original, version);
      if (r < 0) return undefined;
      return { type: 'editRow', version: s.model!.version, row: r, values: s.model!.valuesWith(r, col.csv!, current === '1' ? '0' : '1') };
    });
  }

  addRow(): void {
    const { s } = this;
    const model = s.model;
    if (!model) return;
    const after = s.selRow >= 0 ? s.selRow : undefined;
    // A new row repeats the selected term (the common case: one more synonym for it).
    const labelled = model.dict.labelColumn;
    const values = ['', ''];
    if (after !== undefined) values[0] = model.isRules ? model.rawValue(after, 0) : (model.row(after).term?.raw ?? '');
    if (labelled !== undefined) {
      while (values.length <= labelled) values.push('');
      values[labelled] = '1';
    }
    this.queue.enqueue(
      () => ({ type: 'insertRow', version: s.model!.version, values, afterRow: after }),
      () => {
        const m = s.model;
        if (!m) return;
        const row = after === undefined ? m.rowCount - 1 : after + 1;
        if (row < 0 || row >= m.rowCount) return;
        // Show the new row even when a filter or sort would hide or move it.
        if (s.positionOf[row]! < 0) this.selection.clearFilter();
        this.selection.select(row, m.columns.findIndex((c) => c.kind === (values[0] ? 'synonym' : 'term')));
        this.startEdit();
      },
    );
  }

  deleteSelected(): void {
    const { s } = this;
    const model = s.model;
    if (!model || s.selRow < 0) return;
    const row = s.selRow;
    const original = model.row(row).cells.map((c) => c.raw);
    const version = model.version;
    const pos = s.positionOf[row]!;
    this.queue.enqueue(
      () => {
        const r = locateRow(s.model, row, original, version);
        return r < 0 ? undefined : { type: 'deleteRows', version: s.model!.version, rows: [r] };
      },
      () => {
        if (s.view.length > 0) this.selection.select(s.view[Math.min(pos, s.view.length - 1)]!);
      },
    );
  }
}
