/**
 * The synonym table webview: a virtualised grid over the document's rows (only the visible rows
 * exist in the DOM, so 20,000 rows scroll like 20), sort, filter, keyboard navigation, inline
 * editing. It never changes the text itself: edits go to the host as row edit requests, and the
 * grid redraws from the document the host sends back.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { EditResult, FromTableMessage, TablePairScore, TableState, TableStrings, ToTableMessage } from '../../src/shared/webviewProtocol';
import { Host } from '../common/host';
import { formatCosine, h, setText } from '../common/dom';
import { format, pageStrings } from '../common/strings';
import { TableModel, type Column } from './model';
import { visibleText } from '../../src/core/visible';

/** Row height in CSS pixels; fixed so that row i sits at i × ROW_HEIGHT. */
export const ROW_HEIGHT = 24;
/** Rows rendered above and below the viewport, so fast scrolling shows no blank band. */
const OVERSCAN = 8;
/** A near-threshold band: scores within it get the warning colour. */
const NEAR = 0.05;

const S = pageStrings<TableStrings>();

type ValueElement = HTMLElement & { value: string };
type CheckElement = HTMLElement & { checked: boolean };

let model: TableModel | undefined;
let view: Int32Array = new Int32Array(0);
/** Position of each data row in `view`, -1 when filtered out. */
let positionOf: Int32Array = new Int32Array(0);
const state: TableState = {};
let selRow = -1;
let selCol = 1;
let message = '';
let scoresInfo = S.waitingForServer;
let versionWaiters: { version: number; resolve: () => void }[] = [];

const host = new Host<ToTableMessage, FromTableMessage, TableState>(onMessage);
Object.assign(state, host.getState());

// ---------------------------------------------------------------------------------------------
// Layout

const filterField = h('vscode-textfield', { id: 'filter', placeholder: S.filterPlaceholder, 'aria-label': S.filterLabel }) as ValueElement;
const issuesBox = h('vscode-checkbox', { id: 'issues-only', label: S.issuesOnly }) as CheckElement;
const button = (id: string, text: string, title: string, secondary = true) =>
  h('vscode-button', { id, title, secondary }, text);
const addButton = button('add-row', S.addRow, S.addRowTitle, false);
const deleteButton = button('delete-row', S.deleteRow, S.deleteRowTitle);
const nextButton = button('next-problem', S.nextProblem, S.nextProblemTitle);
const revealButton = button('reveal-row', S.showInText, S.showInTextTitle);
const heatmapButton = button('open-heatmap', S.heatmap, S.heatmapTitle);
const textButton = button('open-text', S.openText, S.openTextTitle);

const head = h('div', { className: 'grid-head', role: 'row', 'aria-rowindex': 1 });
const spacer = h('div', { className: 'grid-spacer' });
const body = h('div', { className: 'grid-body' }, spacer);
const grid = h('div', { id: 'grid', className: 'grid', role: 'grid', tabindex: 0, 'aria-label': S.gridLabel, 'aria-multiselectable': 'false' }, head, body);
const counts = h('span', { id: 'counts' });
const scoreStatus = h('span', { id: 'score-status' });
const messageLine = h('span', { id: 'message', role: 'status', 'aria-live': 'polite' });
const statusBar = h('div', { className: 'statusbar' }, counts, scoreStatus, messageLine);
const toolbar = h('div', { className: 'toolbar', role: 'toolbar' }, filterField, issuesBox, addButton, deleteButton, nextButton, revealButton, heatmapButton, textButton);
const app = document.getElementById('app')!;
app.append(toolbar, grid, statusBar);

filterField.value = state.filter ?? '';
issuesBox.checked = state.flaggedOnly ?? false;

/** Pooled row elements; each keeps its cells. */
const pool: { el: HTMLElement; cells: HTMLElement[]; row: number }[] = [];
let editor: { input: HTMLInputElement; row: number; csv: number; version: number; original: string[] } | undefined;

// ---------------------------------------------------------------------------------------------
// Messages from the host

function onMessage(m: Exclude<ToTableMessage, { type: 'response' }>): void {
  switch (m.type) {
    case 'document': {
      const previous = model;
      model = new TableModel(m.uri, m.version, m.text, S);
      // Scores and diagnostics may arrive before the first document: VS Code delivers what the
      // host posted while the page was loading (its change events) ahead of the answer to `ready`.
      if (lastScores) {
        model.threshold = lastScores.threshold;
        model.negativeThreshold = lastScores.negativeThreshold;
        model.modelId = lastScores.modelId;
        model.setScores(lastScores.version, lastScores.pairs);
      }
      model.setDiagnostics(lastDiagnostics);
      if (selRow >= model.rowCount) selRow = model.rowCount - 1;
      if (selRow < 0 && model.rowCount > 0 && state.selected) selRow = Math.min(state.selected.row, model.rowCount - 1);
      if (selRow < 0 && model.rowCount > 0) selRow = 0;
      if (state.selected && !previous) selCol = Math.min(state.selected.column, model.columns.length - 1);
      rebuildHeader();
      refreshView();
      if (!previous && state.scrollTop) body.scrollTop = state.scrollTop;
      app.setAttribute('aria-busy', 'false');
      grid.setAttribute('data-version', String(m.version));
      versionWaiters = versionWaiters.filter((w) => (w.version <= m.version ? (w.resolve(), false) : true));
      return;
    }
    case 'scores':
      lastScores = m;
      if (model) {
        model.threshold = m.threshold;
        model.negativeThreshold = m.negativeThreshold;
        model.modelId = m.modelId;
        model.setScores(m.version, m.pairs);
      }
      scoresInfo = format(S.modelInfo, m.modelId, m.threshold);
      refreshView();
      return;
    case 'scoresUnavailable':
      scoresInfo = format(S.scoresUnavailable, m.reason);
      renderStatus();
      return;
    case 'diagnostics':
      lastDiagnostics = m.items;
      model?.setDiagnostics(m.items);
      refreshView();
      return;
  }
}

let lastScores: Extract<ToTableMessage, { type: 'scores' }> | undefined;
let lastDiagnostics: Extract<ToTableMessage, { type: 'diagnostics' }>['items'] = [];

// ---------------------------------------------------------------------------------------------
// Rendering

function templateColumns(cols: readonly Column[]): string {
  return cols
    .map((c) => (c.kind === 'line' ? '64px' : c.kind === 'label' ? '72px' : c.kind === 'score' ? '128px' : 'minmax(96px, 1fr)'))
    .join(' ');
}

function rebuildHeader(): void {
  if (!model) return;
  const cols = model.columns;
  head.replaceChildren(
    ...cols.map((c, i) => {
      const sorted = state.sort?.column === c.key;
      const cell = h('div', {
        className: `grid-header-cell kind-${c.kind}`,
        role: 'columnheader',
        'data-col': c.key,
        'aria-colindex': i + 1,
        'aria-sort': sorted ? (state.sort!.descending ? 'descending' : 'ascending') : 'none',
        title: format(S.sortBy, c.title),
        text: c.title + (sorted ? (state.sort!.descending ? ' ▼' : ' ▲') : ''),
      });
      cell.addEventListener('click', () => toggleSort(c.key));
      return cell;
    }),
  );
  head.style.gridTemplateColumns = templateColumns(cols);
  grid.setAttribute('aria-colcount', String(cols.length));
  for (const p of pool) p.el.remove();
  pool.length = 0;
}

/** Recomputes the filtered, sorted order, then redraws. */
function refreshView(): void {
  if (!model) return;
  view = model.view(state.filter ?? '', state.flaggedOnly ?? false, state.sort);
  positionOf = new Int32Array(model.rowCount).fill(-1);
  for (let p = 0; p < view.length; p++) positionOf[view[p]!] = p;
  spacer.style.height = `${view.length * ROW_HEIGHT}px`;
  grid.setAttribute('aria-rowcount', String(view.length + 1));
  render();
  renderStatus();
}

function render(): void {
  if (!model) return;
  const m = model;
  const cols = m.columns;
  const viewportHeight = body.clientHeight || 600;
  const first = Math.max(0, Math.floor(body.scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(view.length, Math.ceil((body.scrollTop + viewportHeight) / ROW_HEIGHT) + OVERSCAN);
  const needed = last - first;
  const template = templateColumns(cols);
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
        // One cell per pair: the score of this column's synonym with the row's term.
        const p = m.pairScore(row, col);
        cell.dataset.score = scoreClass(p);
        cell.title = p ? format(p.flagged ? S.pairScoreFlagged : S.pairScore, visibleText(p.term), visibleText(p.synonym), formatCosine(p.cosine), p.label) : '';
        // A CSS custom property drives the bar; CSSOM writes are allowed by the CSP.
        cell.style.setProperty('--score', p ? String(Math.max(0, Math.min(1, (p.cosine + 1) / 2))) : '0');
      } else {
        const cellDiag = diag?.items.find((d) => d.column === col.csv);
        cell.dataset.severity = cellDiag?.severity ?? '';
        cell.title = cellDiag ? cellDiag.message : '';
      }
    }
  }
}

function scoreClass(p: TablePairScore | undefined): string {
  if (!p) return '';
  if (p.flagged) return 'flagged';
  const t = model?.threshold;
  if (t !== undefined && p.label === 1 && p.cosine < t + NEAR) return 'near';
  return 'ok';
}

function renderStatus(): void {
  if (!model) return;
  // Pairs, not rows: the count matches the Problems panel's.
  const flagged = model.flaggedPairs();
  setText(counts, format(S.rowCounts, view.length.toLocaleString('en'), model.rowCount.toLocaleString('en')));
  setText(scoreStatus, `${scoresInfo}${model.scores.size ? ` · ${format(S.flaggedCount, flagged)}` : ''}`);
  const diag = model.diagnostics.get(selRow);
  setText(messageLine, message || (diag ? diag.items.map((d) => d.message).join(' · ') : ''));
}

function say(text: string): void {
  message = text;
  renderStatus();
}

let renderQueued = false;
body.addEventListener('scroll', () => {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    render();
    saveState();
  });
});
new ResizeObserver(() => render()).observe(body);

function saveState(): void {
  state.scrollTop = body.scrollTop;
  state.selected = selRow >= 0 ? { row: selRow, column: selCol } : undefined;
  host.setState({ ...state });
}

// ---------------------------------------------------------------------------------------------
// Sort, filter, selection

function toggleSort(key: string): void {
  // ascending → descending → file order
  const s = state.sort;
  state.sort = s?.column !== key ? { column: key, descending: false } : s.descending ? undefined : { column: key, descending: true };
  rebuildHeader();
  refreshView();
  ensureVisible();
  saveState();
}

filterField.addEventListener('input', () => {
  state.filter = filterField.value;
  refreshView();
  saveState();
});
issuesBox.addEventListener('change', () => {
  state.flaggedOnly = issuesBox.checked;
  refreshView();
  saveState();
});

function select(row: number, col = selCol, reveal = true): void {
  if (!model) return;
  selRow = row;
  selCol = Math.max(0, Math.min(col, model.columns.length - 1));
  message = '';
  if (reveal) ensureVisible();
  render();
  renderStatus();
  saveState();
}

function ensureVisible(): void {
  const pos = selRow >= 0 ? positionOf[selRow] ?? -1 : -1;
  if (pos < 0) return;
  const top = pos * ROW_HEIGHT;
  if (top < body.scrollTop) body.scrollTop = top;
  else if (top + ROW_HEIGHT > body.scrollTop + body.clientHeight) body.scrollTop = top + ROW_HEIGHT - body.clientHeight;
}

function moveBy(delta: number): void {
  if (view.length === 0) return;
  const pos = selRow >= 0 ? positionOf[selRow]! : -1;
  const next = pos < 0 ? 0 : Math.max(0, Math.min(view.length - 1, pos + delta));
  select(view[next]!);
}

function nextIssue(backwards: boolean): void {
  if (!model || view.length === 0) return;
  const start = selRow >= 0 ? positionOf[selRow]! : -1;
  for (let k = 1; k <= view.length; k++) {
    const pos = (((start + (backwards ? -k : k)) % view.length) + view.length) % view.length;
    const row = view[pos]!;
    if (model.hasIssue(row)) {
      select(row);
      return;
    }
  }
  say(S.noProblems);
}

body.addEventListener('mousedown', (e) => {
  const target = (e.target as HTMLElement).closest<HTMLElement>('.grid-cell');
  if (!target || !model || editor?.input.contains(e.target as Node)) return;
  const rowEl = target.parentElement!;
  const col = model.columns.findIndex((c) => c.key === target.dataset.col);
  select(Number(rowEl.dataset.row), col, false);
  grid.focus();
  e.preventDefault();
});
body.addEventListener('dblclick', (e) => {
  const target = (e.target as HTMLElement).closest<HTMLElement>('.grid-cell');
  if (!target || !model) return;
  const col = model.columns[selCol];
  if (col?.editable) startEdit();
  else revealSelected();
});

// ---------------------------------------------------------------------------------------------
// Keyboard

grid.addEventListener('keydown', (e) => {
  if (!model || editor) return;
  const page = Math.max(1, Math.floor(body.clientHeight / ROW_HEIGHT) - 1);
  const ctrl = e.ctrlKey || e.metaKey;
  let handled = true;
  switch (e.key) {
    case 'ArrowDown': moveBy(1); break;
    case 'ArrowUp': moveBy(-1); break;
    case 'ArrowLeft': select(selRow, selCol - 1); break;
    case 'ArrowRight': select(selRow, selCol + 1); break;
    case 'PageDown': moveBy(page); break;
    case 'PageUp': moveBy(-page); break;
    case 'Home': ctrl ? moveBy(-Infinity) : select(selRow, 0); break;
    case 'End': ctrl ? moveBy(Infinity) : select(selRow, model.columns.length - 1); break;
    case 'F2': startEdit(); break;
    case 'Enter':
      if (e.altKey || ctrl) revealSelected();
      else if (model.columns[selCol]?.editable) startEdit();
      else revealSelected();
      break;
    case 'F8': nextIssue(e.shiftKey); break;
    case 'Delete': deleteSelected(); break;
    case 'Insert': addRow(); break;
    case ' ':
      if (model.columns[selCol]?.kind === 'label') toggleLabel();
      else startEdit(' ');
      break;
    default:
      if (e.key.length === 1 && !ctrl && !e.altKey) startEdit(e.key);
      else handled = false;
  }
  if (handled) e.preventDefault();
});

// ---------------------------------------------------------------------------------------------
// Editing: requests go to the host one at a time, each against the version the grid shows.

let chain: Promise<void> = Promise.resolve();

/** How long an edit's document update may take to reach the grid before the user is told. */
const UPDATE_TIMEOUT_MS = 5000;

/**
 * Resolves once the grid shows document version `version` or later; rejects with a message for
 * the user when that update has not arrived within UPDATE_TIMEOUT_MS (the grid would otherwise
 * go on showing a document that no longer exists, and the next edit would be made against it).
 */
function whenVersion(version: number): Promise<void> {
  if (model && model.version >= version) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      versionWaiters = versionWaiters.filter((w) => w !== waiter);
      reject(new Error(format(S.updateLost, version)));
    }, UPDATE_TIMEOUT_MS);
    const waiter = {
      version,
      resolve: () => {
        clearTimeout(timer);
        resolve();
      },
    };
    versionWaiters.push(waiter);
  });
}

type EditRequest = Parameters<typeof host.request>[0];

/** Queues an edit; `make` builds the request against the model current when its turn comes. */
function enqueue(make: () => EditRequest | undefined, after?: () => void): void {
  chain = chain.then(async () => {
    const request = make();
    if (!request) return;
    try {
      const r = await host.request<EditResult>(request);
      await whenVersion(r.version);
      after?.();
    } catch (error) {
      say(error instanceof Error ? error.message : String(error));
    }
  });
}

/** Finds the row that held `original` values when the document moved on since they were read. */
function locateRow(row: number, original: readonly string[], version: number): number {
  if (!model) return -1;
  if (model.version === version) return row;
  const same = (i: number) => {
    const cells = model!.dict.rows[i]?.cells;
    return !!cells && cells.length === original.length && cells.every((c, k) => c.raw === original[k]);
  };
  for (let d = 0; d < 200; d++) {
    if (same(row + d)) return row + d;
    if (d > 0 && same(row - d)) return row - d;
  }
  return -1;
}

function startEdit(initial?: string): void {
  if (!model || selRow < 0) return;
  const col = model.columns[selCol];
  if (!col?.editable || col.csv === undefined) return;
  ensureVisible();
  render();
  const slot = pool.find((p) => p.row === selRow && !p.el.hidden);
  if (!slot) return;
  const cell = slot.cells[selCol]!;
  const input = h('input', { className: 'cell-editor', 'aria-label': format(S.editCell, col.title), spellcheck: 'false' });
  const original = model.row(selRow).cells.map((c) => c.raw);
  input.value = initial ?? model.rawValue(selRow, col.csv);
  input.style.top = `${positionOf[selRow]! * ROW_HEIGHT}px`;
  input.style.left = `${cell.offsetLeft}px`;
  input.style.width = `${cell.offsetWidth}px`;
  input.style.height = `${ROW_HEIGHT}px`;
  spacer.append(input);
  editor = { input, row: selRow, csv: col.csv, version: model.version, original };
  input.focus();
  if (initial === undefined) input.select();
  input.addEventListener('keydown', (e) => {
    e.stopPropagation();
    if (e.key === 'Enter') {
      e.preventDefault();
      commitEdit();
      moveBy(1);
    } else if (e.key === 'Tab') {
      e.preventDefault();
      commitEdit();
      select(selRow, selCol + (e.shiftKey ? -1 : 1));
    } else if (e.key === 'Escape') {
      e.preventDefault();
      cancelEdit();
    }
  });
  input.addEventListener('blur', () => commitEdit(false));
}

function closeEditor(refocus: boolean): typeof editor {
  const e = editor;
  editor = undefined;
  e?.input.remove();
  if (refocus) grid.focus();
  return e;
}

function cancelEdit(): void {
  closeEditor(true);
}

function commitEdit(refocus = true): void {
  const e = closeEditor(refocus);
  if (!e) return;
  const value = e.input.value;
  if (value === (e.original[e.csv] ?? '')) return;
  enqueue(() => {
    const row = locateRow(e.row, e.original, e.version);
    if (row < 0) {
      say(S.rowChanged);
      return undefined;
    }
    return { type: 'editRow', version: model!.version, row, values: model!.valuesWith(row, e.csv, value) };
  });
}

function toggleLabel(): void {
  if (!model || selRow < 0) return;
  const col = model.columns[selCol]!;
  const current = model.rawValue(selRow, col.csv!).trim();
  const row = selRow;
  const original = model.row(row).cells.map((c) => c.raw);
  const version = model.version;
  enqueue(() => {
    const r = locateRow(row, original, version);
    if (r < 0) return undefined;
    return { type: 'editRow', version: model!.version, row: r, values: model!.valuesWith(r, col.csv!, current === '1' ? '0' : '1') };
  });
}

function addRow(): void {
  if (!model) return;
  const after = selRow >= 0 ? selRow : undefined;
  // A new row repeats the selected term (the common case: one more synonym for it).
  const labelled = model.dict.labelColumn;
  const values = ['', ''];
  if (after !== undefined) values[0] = model.row(after).term?.raw ?? '';
  if (labelled !== undefined) {
    while (values.length <= labelled) values.push('');
    values[labelled] = '1';
  }
  enqueue(
    () => ({ type: 'insertRow', version: model!.version, values, afterRow: after }),
    () => {
      if (!model) return;
      const row = after === undefined ? model.rowCount - 1 : after + 1;
      if (row < 0 || row >= model.rowCount) return;
      // Show the new row even when a filter or sort would hide or move it.
      if (positionOf[row]! < 0) {
        state.filter = '';
        filterField.value = '';
        state.flaggedOnly = false;
        issuesBox.checked = false;
        refreshView();
      }
      select(row, model.columns.findIndex((c) => c.kind === (values[0] ? 'synonym' : 'term')));
      startEdit();
    },
  );
}

function deleteSelected(): void {
  if (!model || selRow < 0) return;
  const row = selRow;
  const original = model.row(row).cells.map((c) => c.raw);
  const version = model.version;
  const pos = positionOf[row]!;
  enqueue(
    () => {
      const r = locateRow(row, original, version);
      return r < 0 ? undefined : { type: 'deleteRows', version: model!.version, rows: [r] };
    },
    () => {
      if (view.length > 0) select(view[Math.min(pos, view.length - 1)]!);
    },
  );
}

function revealSelected(): void {
  if (!model || selRow < 0) return;
  const col = model.columns[selCol];
  host.post({ type: 'revealRow', row: selRow, column: col?.csv });
}

addButton.addEventListener('click', () => addRow());
deleteButton.addEventListener('click', () => deleteSelected());
nextButton.addEventListener('click', () => nextIssue(false));
revealButton.addEventListener('click', () => revealSelected());
textButton.addEventListener('click', () => host.post({ type: 'openText' }));
heatmapButton.addEventListener('click', () => {
  const term = model && selRow >= 0 ? model.row(selRow).term?.text : undefined;
  host.post({ type: 'openHeatmap', term });
});

host.post({ type: 'ready' });
