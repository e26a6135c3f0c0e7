/**
 * Selection, sort and filter: which cell is selected, moving it, jumping to the next row with a
 * problem, and the state kept across hide/show (`setState`).
 */
import type { TableLayout } from './layout';
import type { TableHost } from './editQueue';
import type { GridRenderer } from './render';
import type { GridState } from './state';

export class Selection {
  constructor(
    private readonly s: GridState,
    private readonly dom: TableLayout,
    private readonly renderer: GridRenderer,
    private readonly host: TableHost,
  ) {}

  /** Saves sort, filter, scroll position and selection with the webview's state. */
  saveState(): void {
    const { s } = this;
    s.saved.scrollTop = this.dom.body.scrollTop;
    s.saved.selected = s.selRow >= 0 ? { row: s.selRow, column: s.selCol } : undefined;
    this.host.setState({ ...s.saved });
  }

  select(row: number, col = this.s.selCol, reveal = true): void {
    const { s } = this;
    if (!s.model) return;
    s.selRow = row;
    s.selCol = Math.max(0, Math.min(col, s.model.columns.length - 1));
    s.message = '';
    if (reveal) this.renderer.ensureVisible();
    this.renderer.render();
    this.renderer.renderStatus();
    this.saveState();
  }

  moveBy(delta: number): void {
    const { view } = this.s;
    if (view.length === 0) return;
    const pos = this.s.selectedPosition();
    const next = pos < 0 ? 0 : Math.max(0, Math.min(view.length - 1, pos + delta));
    this.select(view[next]!);
  }

  /** Selects the next (or previous) row in view order with a flagged score or a diagnostic. */
  nextIssue(backwards: boolean): void {
    const { model, view } = this.s;
    if (!model || view.length === 0) return;
    const start = this.s.selectedPosition();
    for (let k = 1; k <= view.length; k++) {
      const pos = (((start + (backwards ? -k : k)) % view.length) + view.length) % view.length;
      const row = view[pos]!;
      if (model.hasIssue(row)) {
        this.select(row);
        return;
      }
    }
    this.renderer.say(this.s.strings.noProblems);
  }

  toggleSort(key: string): void {
    // ascending → descending → file order
    const { saved } = this.s;
    const s = saved.sort;
    saved.sort = s?.column !== key ? { column: key, descending: false } : s.descending ? undefined : { column: key, descending: true };
    this.renderer.rebuildHeader();
    this.renderer.refreshView();
    this.renderer.ensureVisible();
    this.saveState();
  }

  /** Clears the filter and the issues-only switch (so that a new row is in view). */
  clearFilter(): void {
    const { saved } = this.s;
    saved.filter = '';
    this.dom.filterField.value = '';
    saved.flaggedOnly = false;
    this.dom.issuesBox.checked = false;
    this.renderer.refreshView();
  }

  /** Wires the filter field, the issues-only switch and scrolling. */
  bind(): void {
    const { dom, s } = this;
    dom.filterField.value = s.saved.filter ?? '';
    dom.issuesBox.checked = s.saved.flaggedOnly ?? false;
    dom.filterField.addEventListener('input', () => {
      s.saved.filter = dom.filterField.value;
      this.renderer.refreshView();
      this.saveState();
    });
    dom.issuesBox.addEventListener('change', () => {
      s.saved.flaggedOnly = dom.issuesBox.checked;
      this.renderer.refreshView();
      this.saveState();
    });
    let renderQueued = false;
    dom.body.addEventListener('scroll', () => {
      if (renderQueued) return;
      renderQueued = true;
      requestAnimationFrame(() => {
        renderQueued = false;
        this.renderer.render();
        this.saveState();
      });
    });
    new ResizeObserver(() => this.renderer.render()).observe(dom.body);
  }
}

