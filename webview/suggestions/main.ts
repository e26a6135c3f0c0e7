/**
 * The Synonym Suggestions view: candidates from term lists grouped by standard term with their
 * evidence, spelling variants in a section of their own, and a keyboard-first review — j/k move,
 * a accept, r reject, s skip, u undo, Shift+J/K extend a selection that a/r decide at once,
 * Shift+A accepts every variant shown, / focuses the filter. Verdicts are recorded by the host
 * (a text edit of the dictionary or its decisions file); a decided candidate leaves the list at
 * once and comes back if the host fails or the verdict is undone.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { CandidateKind } from '../../src/core/suggest/kinds';
import { SUGGESTIONS_DRAWN, type FromSuggestionsMessage, type SuggestionItem, type SuggestionsData, type SuggestionsState, type SuggestionsStrings, type ToSuggestionsMessage, type UndoResult } from '../../src/shared/webviewProtocol';
import { formatCosine, h, setText } from '../common/dom';
import { Host } from '../common/host';
import { format, pageStrings } from '../common/strings';

const S = pageStrings<SuggestionsStrings>();
type ValueElement = HTMLElement & { value: string };

const KIND_TEXT: Record<CandidateKind, string> = {
  synonym: S.kindSynonym,
  width: S.kindWidth,
  case: S.kindCase,
  'traditional-simplified': S.kindTraditionalSimplified,
  spacing: S.kindSpacing,
  pinyin: S.kindPinyin,
  'edit-distance': S.kindEditDistance,
};

const app = document.getElementById('app')!;
const filterField = h('vscode-textfield', { id: 'filter', placeholder: S.filterPlaceholder, 'aria-label': S.filterLabel }) as ValueElement;
const button = (id: string, text: string, title: string, secondary = true) => h('vscode-button', { id, title, secondary }, text);
const acceptSelectedButton = button('accept-selected', S.acceptSelected, S.acceptSelectedTitle, false);
const acceptVariantsButton = button('accept-variants', S.acceptAllVariants, S.acceptAllVariantsTitle);
const refreshButton = button('refresh', S.refresh, S.refreshTitle);
const fineTuneButton = button('fine-tune', S.fineTune, S.fineTuneTitle);
const info = h('span', { id: 'info' });
const decisionsInfo = h('span', { id: 'decisions' });
const busy = h('span', { id: 'busy', hidden: true });
const truncated = h('div', { id: 'truncated', className: 'note', hidden: true });
const message = h('span', { id: 'message', role: 'status', 'aria-live': 'polite' });
const list = h('div', { id: 'list', role: 'listbox', tabindex: 0, 'aria-multiselectable': 'true', 'aria-label': S.listLabel });

app.append(
  h('div', { className: 'toolbar' }, filterField, acceptSelectedButton, acceptVariantsButton, refreshButton, fineTuneButton),
  h('div', { className: 'summary' }, info, decisionsInfo, busy),
  h('div', { className: 'keys', text: S.keysHelp }),
  truncated,
  list,
  h('div', { className: 'statusbar' }, message),
);

/** Everything the page knows: the run's items, which are decided (hidden), skipped or selected, and the cursor. */
let data: SuggestionsData | undefined;
const byId = new Map<number, SuggestionItem>();
const decided = new Set<number>();
const skipped = new Set<number>();
const selected = new Set<number>();
let current: number | undefined;
let anchor: number | undefined;
/** Verdicts and undos run one after another, in the order the keys were pressed. */
let queue: Promise<void> = Promise.resolve();

const host = new Host<ToSuggestionsMessage, FromSuggestionsMessage, SuggestionsState>((m) => {
  switch (m.type) {
    case 'suggestions':
      load(m.data);
      break;
    case 'busy':
      busy.hidden = m.what === undefined;
      setText(busy, m.what === 'fineTune' ? S.busyFineTune : m.what === 'refresh' ? S.busyRefresh : '');
      list.setAttribute('aria-busy', String(m.what !== undefined));
      for (const b of [refreshButton, fineTuneButton]) b.toggleAttribute('disabled', m.what !== undefined);
      break;
    case 'decisions':
      if (data) data.decisions = m.decisions;
      showDecisions();
      break;
  }
});

function load(d: SuggestionsData): void {
  data = d;
  // What the host runs again when the window reloads (its panel serializer gets this state).
  host.setState({ uri: d.uri, termLists: d.termLists });
  byId.clear();
  for (const item of d.items) byId.set(item.id, item);
  decided.clear();
  skipped.clear();
  selected.clear();
  current = undefined;
  anchor = undefined;
  app.removeAttribute('aria-busy');
  list.dataset.model = d.modelId;
  render();
  showDecisions();
  const first = visibleIds()[0];
  if (first !== undefined) moveTo(first, false);
}

function showDecisions(): void {
  if (!data) return;
  const { since, hasModel } = data.decisions;
  setText(decisionsInfo, format(hasModel ? S.decisionsSince : S.decisionsNoModel, since));
  decisionsInfo.dataset.count = String(since);
}

/** Whether an item matches the filter: every word appears in its term, candidate, group or kind. */
function matches(item: SuggestionItem, words: string[]): boolean {
  if (words.length === 0) return true;
  const text = [item.term, item.candidate, ...(item.group ?? []), KIND_TEXT[item.kind], item.kind].join('\u0000').toLowerCase();
  return words.every((w) => text.includes(w));
}

const isVariant = (item: SuggestionItem) => item.kind !== 'synonym';
const rankText = (r: number | null) => (r === null ? S.rankNone : String(r));

function itemRow(item: SuggestionItem): HTMLElement {
  const e = item.evidence;
  const evidence = [format(S.evidenceCosine, formatCosine(e.cosine)), format(S.evidenceRanks, rankText(e.rank), rankText(e.rankBack))];
  if (e.count !== undefined) evidence.push(format(S.evidenceCount, e.count));
  if (e.nearest !== item.term) evidence.push(format(S.evidenceNearest, e.nearest));
  evidence.push(format(S.evidenceScore, item.score.toFixed(3)));
  const row = h(
    'div',
    { className: 'item', role: 'option', 'data-id': item.id, 'data-term': item.term, 'data-candidate': item.candidate, 'data-kind': item.kind, 'data-score': item.score.toFixed(4), 'aria-selected': 'false' },
    h('span', { className: 'candidate', text: item.candidate }),
    h('span', { className: `kind kind-${item.kind}`, text: KIND_TEXT[item.kind] }),
    h('span', { className: 'evidence', text: evidence.join(' · ') }),
  );
  row.addEventListener('click', (ev) => {
    if (ev.ctrlKey || ev.metaKey) toggleSelected(item.id);
    else if (ev.shiftKey) extendTo(item.id);
    else {
      selected.clear();
      moveTo(item.id, false);
    }
    list.focus();
  });
  return row;
}

/** Groups of a section: items by standard term, in the order of their best candidate. */
function groupsOf(items: SuggestionItem[]): Map<string, SuggestionItem[]> {
  const groups = new Map<string, SuggestionItem[]>();
  for (const item of items) {
    const g = groups.get(item.term);
    if (g) g.push(item);
    else groups.set(item.term, [item]);
  }
  return groups;
}

function section(id: string, title: string, items: SuggestionItem[]): HTMLElement | undefined {
  if (items.length === 0) return undefined;
  const out = h('section', { className: 'section', id, 'data-count': items.length }, h('h2', { text: `${title} (${items.length})` }));
  for (const [term, members] of groupsOf(items)) {
    const group = members[0]!.group;
    const others = group?.filter((m) => m !== term) ?? [];
    const title = h('div', { className: 'group-title' }, h('span', { className: 'term', text: term }));
    title.append(h('span', { className: 'group-members', text: group ? (others.length ? format(S.joinsGroup, others.join(', ')) : '') : S.newGroup }));
    out.append(h('div', { className: 'group', role: 'group', 'aria-label': term }, title, ...members.map(itemRow)));
  }
  return out;
}

function render(): void {
  if (!data) return;
  const words = filterField.value.toLowerCase().split(/\s+/).filter(Boolean);
  const open = data.items.filter((i) => !decided.has(i.id) && matches(i, words));
  // Items come highest score first: the best are drawn, and the note says how many more there are.
  const shown = open.slice(0, SUGGESTIONS_DRAWN);
  const all = open.length + (words.length === 0 ? data.total - data.items.length : 0);
  truncated.hidden = shown.length === all;
  setText(truncated, truncated.hidden ? '' : format(S.truncated, shown.length, all));
  list.replaceChildren();
  const parts = [section('synonyms', S.synonymsHeading, shown.filter((i) => !isVariant(i))), section('variants', S.variantsHeading, shown.filter(isVariant))].filter(
    (x): x is HTMLElement => x !== undefined,
  );
  if (parts.length === 0) list.append(h('p', { className: 'empty', text: data.items.length === 0 ? S.empty : S.allDecided }));
  list.append(...parts);
  list.dataset.count = String(shown.length);
  setText(info, format(S.info, shown.length, data.newTerms, data.modelId));
  acceptVariantsButton.toggleAttribute('disabled', !shown.some(isVariant));
  paintMarks();
}

function rowOf(id: number): HTMLElement | null {
  return list.querySelector<HTMLElement>(`.item[data-id="${id}"]`);
}

/** The ids shown, in list order (what j/k walk). */
function visibleIds(): number[] {
  return [...list.querySelectorAll<HTMLElement>('.item')].map((e) => Number(e.dataset.id));
}

function paintMarks(): void {
  for (const row of list.querySelectorAll<HTMLElement>('.item')) {
    const id = Number(row.dataset.id);
    row.classList.toggle('current', id === current);
    row.classList.toggle('skipped', skipped.has(id));
    row.setAttribute('aria-selected', String(selected.has(id) || id === current));
    row.classList.toggle('selected', selected.has(id));
  }
  if (current !== undefined) list.setAttribute('aria-activedescendant', `item-${current}`);
  acceptSelectedButton.toggleAttribute('disabled', selected.size === 0);
}

function moveTo(id: number, keepAnchor: boolean): void {
  current = id;
  if (!keepAnchor) anchor = id;
  for (const row of list.querySelectorAll('.item.current')) row.removeAttribute('id');
  paintMarks();
  const row = rowOf(id);
  if (row) {
    row.id = `item-${id}`;
    row.scrollIntoView({ block: 'nearest' });
  }
}

function step(delta: 1 | -1, extend: boolean): void {
  const ids = visibleIds();
  if (ids.length === 0) return;
  const at = current === undefined ? -1 : ids.indexOf(current);
  const next = ids[Math.max(0, Math.min(ids.length - 1, at < 0 ? 0 : at + delta))]!;
  if (extend) extendTo(next);
  else {
    selected.clear();
    moveTo(next, false);
  }
}

/** Selects the items from the anchor to `id` (Shift+J/K, Shift+click). */
function extendTo(id: number): void {
  const ids = visibleIds();
  const from = ids.indexOf(anchor ?? current ?? id);
  const to = ids.indexOf(id);
  selected.clear();
  for (let i = Math.min(from, to); i <= Math.max(from, to); i++) if (i >= 0) selected.add(ids[i]!);
  moveTo(id, true);
}

function toggleSelected(id: number): void {
  if (selected.has(id)) selected.delete(id);
  else selected.add(id);
  moveTo(id, false);
}

/** The items a verdict applies to: the selection when there is one, else the current item. */
function targets(): number[] {
  const ids = visibleIds();
  if (selected.size > 0) return ids.filter((id) => selected.has(id));
  return current !== undefined && ids.includes(current) ? [current] : [];
}

function say(text: string): void {
  setText(message, text);
}

/** Hides `ids` at once and moves to the next item still shown; the host records the verdict. */
function decide(verdict: 'accept' | 'reject', ids: number[]): void {
  if (ids.length === 0) return;
  const order = visibleIds();
  const after = order.slice(order.indexOf(ids[ids.length - 1]!) + 1).find((id) => !ids.includes(id)) ?? order.filter((id) => !ids.includes(id)).pop();
  for (const id of ids) decided.add(id);
  selected.clear();
  render();
  if (after !== undefined) moveTo(after, false);
  else current = undefined;
  const first = byId.get(ids[0]!)!;
  queue = queue.then(async () => {
    try {
      await host.request({ type: 'decide', verdict, ids });
      say(ids.length === 1 ? format(verdict === 'accept' ? S.accepted : S.rejected, first.term, first.candidate) : format(verdict === 'accept' ? S.acceptedMany : S.rejectedMany, ids.length));
    } catch (e) {
      for (const id of ids) decided.delete(id);
      render();
      moveTo(ids[0]!, false);
      say(format(S.failed, e instanceof Error ? e.message : String(e)));
    }
  });
}

function undo(): void {
  queue = queue.then(async () => {
    try {
      const result = await host.request<UndoResult | undefined>({ type: 'undo' });
      if (!result || result.ids.length === 0) {
        say(S.nothingToUndo);
        return;
      }
      for (const id of result.ids) decided.delete(id);
      render();
      moveTo(result.ids[0]!, false);
      say(S.undone);
    } catch (e) {
      say(format(S.failed, e instanceof Error ? e.message : String(e)));
    }
  });
}

function skip(): void {
  if (current === undefined) return;
  skipped.add(current);
  step(1, false);
}

document.addEventListener('keydown', (e) => {
  // Typing in the filter is text, not commands; Escape or Enter goes back to the list.
  if (e.composedPath().includes(filterField)) {
    if (e.key === 'Escape' || e.key === 'Enter') {
      e.preventDefault();
      list.focus();
    }
    return;
  }
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  let handled = true;
  switch (e.key) {
    case 'j':
    case 'ArrowDown':
      step(1, false);
      break;
    case 'k':
    case 'ArrowUp':
      step(-1, false);
      break;
    case 'J':
      step(1, true);
      break;
    case 'K':
      step(-1, true);
      break;
    case 'a':
      decide('accept', targets());
      break;
    case 'A':
      acceptAllVariants();
      break;
    case 'r':
      decide('reject', targets());
      break;
    case 's':
      skip();
      break;
    case 'u':
      undo();
      break;
    case '/':
      filterField.focus();
      break;
    default:
      handled = false;
  }
  if (handled) e.preventDefault();
});

function acceptAllVariants(): void {
  const ids = visibleIds().filter((id) => byId.get(id)?.kind !== 'synonym');
  decide('accept', ids);
}

filterField.addEventListener('input', () => {
  render();
  const ids = visibleIds();
  if (current === undefined || !ids.includes(current)) {
    if (ids[0] !== undefined) moveTo(ids[0], false);
  }
});
acceptSelectedButton.addEventListener('click', () => decide('accept', targets()));
acceptVariantsButton.addEventListener('click', acceptAllVariants);
refreshButton.addEventListener('click', () => host.post({ type: 'refresh' }));
fineTuneButton.addEventListener('click', () => host.post({ type: 'fineTune' }));

host.post({ type: 'ready' });
list.focus();
