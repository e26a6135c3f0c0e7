/**
 * The synonym table webview: wires the page's parts together. `layout` builds the elements,
 * `render` draws the virtualised grid from the shared `state`, `selection` moves the selection and
 * keeps sort and filter, `editing` and `editQueue` turn edits into requests to the host one at a
 * time, `keyboard` maps keys and clicks to those actions, and `messages` takes the host's
 * documents, scores and diagnostics. The grid never changes the text itself.
 */
import type { FromTableMessage, TableState, TableStrings, ToTableMessage } from '../../src/shared/webviewProtocol';
import { Host } from '../common/host';
import { pageStrings } from '../common/strings';
import { EditQueue } from './editQueue';
import { Editing } from './editing';
import { bindGridInput } from './keyboard';
import { createLayout } from './layout';
import { tableMessageHandler } from './messages';
import { GridRenderer } from './render';
import { Selection } from './selection';
import { GridState } from './state';

const S = pageStrings<TableStrings>();
const saved: TableState = {};
const state = new GridState(S, saved);
const dom = createLayout(S);

// The handlers below run on events, after every part exists.
const host = new Host<ToTableMessage, FromTableMessage, TableState>((m) => onMessage(m));
Object.assign(saved, host.getState());
const renderer = new GridRenderer(state, dom, (key) => selection.toggleSort(key));
const selection = new Selection(state, dom, renderer, host);
const queue = new EditQueue(state, host, (text) => renderer.say(text));
const editing = new Editing(state, dom, renderer, selection, queue);
const onMessage = tableMessageHandler(state, dom, renderer, queue);

function revealSelected(): void {
  if (!state.model || state.selRow < 0) return;
  const col = state.model.columns[state.selCol];
  host.post({ type: 'revealRow', row: state.selRow, column: col?.csv });
}

selection.bind();
bindGridInput(state, dom, selection, editing, { revealSelected });
dom.addButton.addEventListener('click', () => editing.addRow());
dom.deleteButton.addEventListener('click', () => editing.deleteSelected());
dom.nextButton.addEventListener('click', () => selection.nextIssue(false));
dom.revealButton.addEventListener('click', () => revealSelected());
dom.textButton.addEventListener('click', () => host.post({ type: 'openText' }));
dom.heatmapButton.addEventListener('click', () => {
  const term = state.model && state.selRow >= 0 ? state.model.row(state.selRow).term?.text : undefined;
  host.post({ type: 'openHeatmap', term });
});

host.post({ type: 'ready' });
