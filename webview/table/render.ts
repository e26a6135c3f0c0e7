/**
 * The grid renderer: a virtualised grid over the view (only the visible rows exist in the DOM, so
 * 20,000 rows scroll like 20), drawn from the shared `GridState`, pooled row elements reused as
 * the view scrolls, and the status bar.
 */
import type { TablePairScore } from '../../src/shared/webviewProtocol';
import { visibleText } from '../../src/core/visible';
import { formatCosine, h, setText } from '../common/dom';
import { format } from '../common/strings';
import type { TableLayout } from './layout';
import type { Column } from './model';
import type { GridState } from './state';

/** Row height in CSS pixels; fixed so that row i sits at i × ROW_HEIGHT. */
export const ROW_HEIGHT = 24;
/** Rows rendered above and below the viewport, so fast scrolling shows no blank band. */
const OVERSCAN = 8;
/** A near-threshold band: scores within it get the warning colour. */
const NEAR = 0.05;

/** A pooled row element with its cells, showing data row `row` (-1: unused). */
export interface RowSlot {
  el: HTMLElement;
  cells: HTMLElement[];
  row: number;
}

function templateColumns(cols: readonly Column[]): string {
  return cols
    .map((c) => (c.kind === 'line' ? '64px' : c.kind === 'label' || c.kind === 'rule' ? '72px' : c.kind === 'score' ? '128px' : c.kind === 'id' ? '112px' : 'minmax(96px, 1fr)'))
    .join(' ');
}

export class GridRenderer {
  private readonly pool: RowSlot[] = [];

  constructor(
    private readonly s: GridState,
    private readonly dom: TableLayout,
    /** Called when a header cell is clicked, with its column's key. */
    private readonly onSort: (key: string) => void,
  ) {}

  /** Rebuilds the header for the model's columns (and drops the pooled rows, whose cells differ). */
  rebuildHeader(): void {
    const { model, saved } = this.s;
    if (!model) return;
    const S = this.s.strings;
    const cols = model.columns;
    this.dom.head.replaceChildren(
      ...cols.map((c, i) => {
        const sorted = saved.sort?.column === c.key;
        const cell = h('div', {
          className: `grid-header-cell kind-${c.kind}`,
          role: 'columnheader',
          'data-col': c.key,
          'aria-colindex': i + 1,
          'aria-sort': sorted ? (saved.sort!.descending ? 'descending' : 'ascending') : 'none',
          title: format(S.sortBy, c.title),
          text: c.title + (sorted ? (saved.sort!.descending ? ' ▼' : ' ▲') : ''),
        });
        cell.addEventListener('click', () => this.onSort(c.key));
        return cell;
      }),
    );
    this.dom.head.style.gridTemplateColumns = templateColumns(cols);
    this.dom.grid.setAttribute('aria-colcount', String(cols.length));
    for (const p of this.pool) p.el.remove();
    this.pool.length = 0;
  }

  /** Recomputes the filtered, sorted order, then redraws. */
  refreshView(): void {
    const { model, saved } = this.s;
    if (!model) return;
    this.s.setView(model.view(saved.filter ?? '', saved.flaggedOnly ?? false, saved.sort));
    const n = this.s.view.length;
    this.dom.spacer.style.height = `${n * ROW_HEIGHT}px`;
    this.dom.grid.setAttribute('aria-rowcount', String(n + 1));
    this.render();
    this.renderStatus();
  }

  /** Draws the rows in and near the viewport. */
  render(): void {
    const { model: m, view, selRow, selCol } = this.s;
    if (!m) return;
    const S = this.s.strings;
    const { body, spacer } = this.dom;
    const cols = m.columns;
    const viewportHeight = body.clientHeight || 600;
    const first = Math.max(0, Math.floor(body.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(view.length, Math.ceil((body.scrollTop + viewportHeight) / ROW_HEIGHT) + OVERSCAN);
    const needed = last - first;
    const template = templateColumns(cols);
    const pool = this.pool;
    while (pool.length < needed) {
      const el = h('div', { className: 'grid-row', role: 'row' });
      el.style.gridTemplateColumns = template;
      const cells = cols.map((c, i) => h('div', { className: `grid-cell kind-${c.kind}`, role: 'gridcell', 'data-col': c.key, 'aria-colindex': i + 1 }));
      el.append(...cells);
      spacer.append(el);
      pool.push({ el, cells, row: -1 });
    }
    for (let k = 0; k < pool.length; k++) {
      const slot = pool[k]!;
      const pos = first + k;
      if (pos >= last) {
        slot.el.hidden = true;
        slot.row = -1;
        continue;
      }
      const row = view[pos]!;
      slot.el.hidden = false;
      slot.row = row;
      slot.el.style.transform = `translateY(${pos * ROW_HEIGHT}px)`;
      slot.el.dataset.row = String(row);
      slot.el.setAttribute('aria-rowindex', String(pos + 2));
      slot.el.classList.toggle('selected', row === selRow);
      slot.el.setAttribute('aria-selected', String(row === selRow));
      const diag = m.diagnostics.get(row);
      for (let c = 0; c < cols.length; c++) {
        const col = cols[c]!;
        const cell = slot.cells[c]!;
        // Control and bidi characters shown as escapes: a U+202E in a term cannot reorder the row.
        setText(cell, visibleText(m.cellText(row, col)));
        cell.classList.toggle('focused', row === selRow && c === selCol);
        if (col.kind === 'line') {
          cell.dataset.severity = diag?.severity ?? '';
          cell.title = diag ? diag.items.map((d) => d.message).join('\n') : '';
        } else if (col.kind === 'score') {
          // One cell per pair: the score of this column's synonym with the row's term (an explicit
          // rule's output: its worst pair, every pair in the tooltip).
          const p = m.pairScore(row, col);
          cell.dataset.score = this.scoreClass(p);
          cell.title = m.pairScores(row, col).map((q) => this.pairTitle(q, m.oneWay(row))).join('\n');
          // A CSS custom property drives the bar; CSSOM writes are allowed by the CSP.
          cell.style.setProperty('--score', p ? String(Math.max(0, Math.min(1, (p.cosine + 1) / 2))) : '0');
        } else if (col.kind === 'rule') {
          cell.dataset.direction = m.oneWay(row) ? 'explicit' : 'equivalent';
          cell.title = m.oneWay(row) ? S.ruleExplicit : S.ruleEquivalent;
        } else {
          const cellDiag = diag?.items.find((d) => d.column === col.csv);
          cell.dataset.severity = cellDiag?.severity ?? '';
          cell.title = cellDiag ? cellDiag.message : '';
          // The side of an explicit rule a term is on; the first output is drawn after a ⇒.
          if (m.isRules && col.csv !== undefined) {
            const side = m.side(row, col.csv);
            cell.dataset.side = side ?? '';
            cell.classList.toggle('first-output', side === 'out' && m.side(row, col.csv - 1) === 'in');
          }
        }
      }
    }
  }

  private pairTitle(p: TablePairScore, oneWay: boolean): string {
    const S = this.s.strings;
    const template = oneWay ? (p.flagged ? S.pairScoreOneWayFlagged : S.pairScoreOneWay) : p.flagged ? S.pairScoreFlagged : S.pairScore;
    return format(template, visibleText(p.term), visibleText(p.synonym), formatCosine(p.cosine), p.label);
  }

  private scoreClass(p: TablePairScore | undefined): string {
    if (!p) return '';
    if (p.flagged) return 'flagged';
    const t = this.s.model?.threshold;
    if (t !== undefined && p.label === 1 && p.cosine < t + NEAR) return 'near';
    return 'ok';
  }

  /** The status bar: rows shown, model and flagged pairs, the message or the selected row's problems. */
  renderStatus(): void {
    const { model, view, selRow, message, scoresInfo } = this.s;
    if (!model) return;
    const S = this.s.strings;
    // Pairs, not rows: the count matches the Problems panel's.
    const flagged = model.flaggedPairs();
    setText(this.dom.counts, format(S.rowCounts, view.length.toLocaleString('en'), model.rowCount.toLocaleString('en')));
    setText(this.dom.scoreStatus, `${scoresInfo}${model.scores.size ? ` · ${format(S.flaggedCount, flagged)}` : ''}`);
    const diag = model.diagnostics.get(selRow);
    setText(this.dom.messageLine, message || (diag ? diag.items.map((d) => d.message).join(' · ') : ''));
  }

  /** Shows a message for the user in the status bar. */
  say(text: string): void {
    this.s.message = text;
    this.renderStatus();
  }

  /** Scrolls the selected row into the viewport. */
  ensureVisible(): void {
    const pos = this.s.selectedPosition();
    if (pos < 0) return;
    const { body } = this.dom;
    const top = pos * ROW_HEIGHT;
    if (top < body.scrollTop) body.scrollTop = top;
    else if (top + ROW_HEIGHT > body.scrollTop + body.clientHeight) body.scrollTop = top + ROW_HEIGHT - body.clientHeight;
  }

  /** The visible row element showing data row `row`, if any. */
  slotOf(row: number): RowSlot | undefined {
    return this.pool.find((p) => p.row === row && !p.el.hidden);
  }
}
