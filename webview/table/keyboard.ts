/**
 * Keyboard and mouse on the grid: arrow keys, Page Up/Down, Home/End (Ctrl: first/last row), F2
 * or typing to edit, Enter to edit or reveal, F8 for the next problem, Delete, Insert, Space to
 * toggle a label; click to select, double-click to edit or reveal.
 */
import type { Editing } from './editing';
import type { TableLayout } from './layout';
import { ROW_HEIGHT } from './render';
import type { Selection } from './selection';
import type { GridState } from './state';

export interface GridActions {
  /** Shows the selected row in the text editor. */
  revealSelected(): void;
}

export function bindGridInput(s: GridState, dom: TableLayout, selection: Selection, editing: Editing, actions: GridActions): void {
  const { body, grid } = dom;
  body.addEventListener('mousedown', (e) => {
    const target = (e.target as HTMLElement).closest<HTMLElement>('.grid-cell');
    if (!target || !s.model || editing.contains(e.target as Node)) return;
    const rowEl = target.parentElement!;
    const col = s.model.columns.findIndex((c) => c.key === target.dataset.col);
    selection.select(Number(rowEl.dataset.row), col, false);
    grid.focus();
    e.preventDefault();
  });
  body.addEventListener('dblclick', (e) => {
    const target = (e.target as HTMLElement).closest<HTMLElement>('.grid-cell');
    if (!target || !s.model) return;
    const col = s.model.columns[s.selCol];
    if (col?.editable) editing.startEdit();
    else actions.revealSelected();
  });

  grid.addEventListener('keydown', (e) => {
    const model = s.model;
    if (!model || editing.active) return;
    const page = Math.max(1, Math.floor(body.clientHeight / ROW_HEIGHT) - 1);
    const ctrl = e.ctrlKey || e.metaKey;
    let handled = true;
    switch (e.key) {
      case 'ArrowDown': selection.moveBy(1); break;
      case 'ArrowUp': selection.moveBy(-1); break;
      case 'ArrowLeft': selection.select(s.selRow, s.selCol - 1); break;
      case 'ArrowRight': selection.select(s.selRow, s.selCol + 1); break;
      case 'PageDown': selection.moveBy(page); break;
      case 'PageUp': selection.moveBy(-page); break;
      case 'Home': ctrl ? selection.moveBy(-Infinity) : selection.select(s.selRow, 0); break;
      case 'End': ctrl ? selection.moveBy(Infinity) : selection.select(s.selRow, model.columns.length - 1); break;
      case 'F2': editing.startEdit(); break;
      case 'Enter':
        if (e.altKey || ctrl) actions.revealSelected();
        else if (model.columns[s.selCol]?.editable) editing.startEdit();
        else actions.revealSelected();
        break;
      case 'F8': selection.nextIssue(e.shiftKey); break;
      case 'Delete': editing.deleteSelected(); break;
      case 'Insert': editing.addRow(); break;
      case ' ':
        if (model.columns[s.selCol]?.kind === 'label') editing.toggleLabel();
        else editing.startEdit(' ');
        break;
      default:
        if (e.key.length === 1 && !ctrl && !e.altKey) editing.startEdit(e.key);
        else handled = false;
    }
    if (handled) e.preventDefault();
  });
}
