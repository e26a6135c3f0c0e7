/**
 * The table page's elements: toolbar (filter, issues-only, buttons), the grid (header, a body
 * whose spacer holds the pooled rows) and the status bar. Built once; texts from the page's strings.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { TableStrings } from '../../src/shared/webviewProtocol';
import { h } from '../common/dom';

export type ValueElement = HTMLElement & { value: string };
export type CheckElement = HTMLElement & { checked: boolean };

export interface TableLayout {
  app: HTMLElement;
  filterField: ValueElement;
  issuesBox: CheckElement;
  addButton: HTMLElement;
  deleteButton: HTMLElement;
  nextButton: HTMLElement;
  revealButton: HTMLElement;
  heatmapButton: HTMLElement;
  textButton: HTMLElement;
  head: HTMLElement;
  /** Holds the row elements; its height is the whole view's. */
  spacer: HTMLElement;
  /** The scrolling viewport. */
  body: HTMLElement;
  grid: HTMLElement;
  counts: HTMLElement;
  scoreStatus: HTMLElement;
  messageLine: HTMLElement;
}

/** Creates the page's elements inside `#app`. */
export function createLayout(S: TableStrings): TableLayout {
  const filterField = h('vscode-textfield', { id: 'filter', placeholder: S.filterPlaceholder, 'aria-label': S.filterLabel }) as ValueElement;
  const issuesBox = h('vscode-checkbox', { id: 'issues-only', label: S.issuesOnly }) as CheckElement;
  const button = (id: string, text: string, title: string, secondary = true) => h('vscode-button', { id, title, secondary }, text);
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
  return { app, filterField, issuesBox, addButton, deleteButton, nextButton, revealButton, heatmapButton, textButton, head, spacer, body, grid, counts, scoreStatus, messageLine };
}
