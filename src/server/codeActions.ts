/**
 * Code actions on a dictionary. Every edit is built by core's serialize functions (replace,
 * insert or delete one record), so bytes outside the touched record stay identical.
 */
import * as l10n from '@vscode/l10n';
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { Row } from '../core/csv/types';
import { deleteRowEdit, insertRowEdit, replaceRowEdit, UnsafeEditError } from '../core/csv/serialize';
import { insertSolrRuleEdit } from '../core/formats/solr';
import { termKey } from '../core/dictionary';
import { visibleText } from '../core/visible';
import { ClientCommands, DiagnosticCodes, diagnosticSource, type FineTuneCommandArgs, type Neighbor, type ShowAllProblemsCommandArgs } from '../shared/protocol';
import { recordDecisionsEdit, type DecisionsTarget } from './decisionsFile';
import type { DiagnosticData } from './diagnostics';
import type { Analysis } from './documents';
import { unsafeEditMessage } from './messages';

export interface CodeActionInput {
  analysis: Analysis;
  params: CodeActionParams;
  /** Neighbours of a term (best first), or undefined when the model is not ready. */
  neighbors: (term: string) => Neighbor[] | undefined;
  /** Use `documentChanges` (version-checked) rather than `changes`. */
  versionedEdits: boolean;
  /**
   * The decisions file beside the dictionary (its URI and text, undefined when it does not exist),
   * where "Mark as not a synonym" records a verdict for a file without a label column. Absent: the
   * client cannot create files through an edit, and the action is not offered.
   */
  decisions?: DecisionsTarget;
}

/** Kind of the "Fine-tune model on this file" action outside a quick fix. */
export const fineTuneKind = `${CodeActionKind.Source}.synonymLens.fineTune`;
/** Kind of "Add … as a new pair" suggestions. */
export const suggestKind = `${CodeActionKind.Refactor}.synonymLens.addNeighbor`;

/** Neighbours suggested as new pairs per term. */
const SUGGESTIONS = 3;

export function codeActions(input: CodeActionInput): CodeAction[] {
  const { analysis: a, params } = input;
  const out: CodeAction[] = [];
  const edit = (e: { start: number; end: number; newText: string }): WorkspaceEdit => workspaceEdit(input, [a.docEdit(e)]);
  /** A row edit, or — when it would change how other rows read — the action greyed out with why. */
  const guarded = (make: () => { start: number; end: number; newText: string }): Pick<CodeAction, 'edit' | 'disabled'> => {
    try {
      return { edit: edit(make()) };
    } catch (e) {
      if (e instanceof UnsafeEditError) return { disabled: { reason: unsafeEditMessage(e.line) } };
      throw e;
    }
  };
  const labelColumn = labelColumnOf(a);
  let fineTuneOffered = false;

  for (const d of params.context.diagnostics) {
    if (d.source !== diagnosticSource) continue;
    if (d.code === DiagnosticCodes.tooManyDiagnostics) {
      out.push({ ...showAllProblems(a.uri), diagnostics: [d], isPreferred: true });
      continue;
    }
    // The row edits below write CSV. A Solr file's rule is a line, so removing a whole rule is the
    // same edit; an ES synonyms set gets the fine-tuning action only.
    if (a.format === 'es' && d.code !== DiagnosticCodes.lowSimilarity) continue;
    const data = d.data as DiagnosticData | undefined;
    if (!data || data.version !== a.version) continue;
    const row = a.dict.rows[data.row];
    if (!row) continue;
    switch (d.code) {
      case DiagnosticCodes.duplicatePair:
      case DiagnosticCodes.reversedDuplicatePair:
      case DiagnosticCodes.selfPair:
      case DiagnosticCodes.conflictingLabel: {
        const removal = removePairEdit(a, row, data.column);
        if (removal && (a.format === 'csv' || removal.whole)) {
          out.push(fix(removalTitle(d.code, removal.whole, row.range.start.line + 1), d, guarded(removal.edit), true));
        }
        break;
      }
      case DiagnosticCodes.lowSimilarity:
      case DiagnosticCodes.negativeTooSimilar: {
        const label = d.code === DiagnosticCodes.lowSimilarity ? '0' : '1';
        const pair = a.dict.pairs.find((p) => p.row === row.index && p.b.column === data.column);
        if (labelColumn !== undefined && row.cells.length > labelColumn) {
          const values = row.cells.map((c) => c.raw);
          values[labelColumn] = label;
          const title = label === '0' ? l10n.t('Mark as negative (label 0)') : l10n.t('Mark as synonym (label 1)');
          out.push(fix(title, d, guarded(() => replaceRowEdit(a.dict, row.index, values)), false));
        } else if (d.code === DiagnosticCodes.lowSimilarity && pair && a.format !== 'es') {
          // No label column: the verdict goes to the decisions file beside the dictionary, which
          // the diagnostics read (the pair is then scored as a non-synonym) …
          const target = input.versionedEdits ? input.decisions : undefined;
          const recorded = target && recordDecisionsEdit(target, [{ term: pair.a.text, synonym: pair.b.text }]);
          if (target && recorded) {
            const title = l10n.t('Mark as not a synonym (recorded in {0})', recorded.name);
            // The client saves the file after the edit: the diagnostics read decisions from disk.
            const save = { title, command: ClientCommands.saveDecisions, arguments: [target.uri] };
            out.push({ ...fix(title, d, { edit: recorded.edit }, false), command: save });
          }
          // … or, in a two-column CSV, into a label column this edit adds (every other row labelled 1).
          const withLabels = a.format === 'csv' ? addLabelColumnEdits(a, row.index) : undefined;
          if (withLabels) out.push(fix(l10n.t('Add a label column and mark as not a synonym (label 0)'), d, withLabels.length ? { edit: workspaceEdit(input, withLabels.map((e) => a.docEdit(e))) } : {}, false));
        }
        // Remove this pair: its synonym from the row, or the whole row when it is the row's only pair.
        const removal = removePairEdit(a, row, data.column);
        if (removal && (a.format === 'csv' || removal.whole)) out.push(fix(l10n.t('Remove this pair (line {0})', row.range.start.line + 1), d, guarded(removal.edit), false));
        if (d.code === DiagnosticCodes.lowSimilarity && !fineTuneOffered) {
          fineTuneOffered = true;
          out.push({ ...fineTune(a.uri, CodeActionKind.QuickFix), diagnostics: [d] });
        }
        break;
      }
    }
  }

  // Actions on the row under the cursor, independent of diagnostics.
  const cursor = params.range.start;
  const row = a.rowAt(cursor);
  if (a.format === 'csv' && row?.term && row.synonyms.length === 1) {
    const values = row.cells.map((c) => c.raw);
    const s = row.synonyms[0].column;
    [values[row.term.column], values[s]] = [values[s], values[row.term.column]];
    out.push({
      title: l10n.t('Swap term and synonym ({0} ↔ {1})', visibleText(row.synonyms[0].text), visibleText(row.term.text)),
      kind: CodeActionKind.RefactorRewrite,
      ...guarded(() => replaceRowEdit(a.dict, row.index, values)),
    });
  }
  const hit = a.termCellAt(cursor);
  if (hit && a.format !== 'es') {
    const term = hit.cell.text;
    const partners = a.partnersOf(term);
    const neighbors = input.neighbors(term) ?? [];
    const fresh = neighbors.filter((n) => !n.isSynonym && !n.isNegative && !partners.has(termKey(n.term))).slice(0, SUGGESTIONS);
    for (const n of fresh) {
      const values = newPairValues(term, n.term, labelColumn, '1');
      out.push({
        title: l10n.t('Add pair {0} ~ {1} (cosine {2})', visibleText(term), visibleText(n.term), n.cosine.toFixed(2)),
        kind: suggestKind,
        ...guarded(() => (a.format === 'solr' ? insertSolrRuleEdit(a.dict, hit.row.index, [term, n.term]) : insertRowEdit(a.dict, values, hit.row.index))),
      });
    }
  }
  if (!fineTuneOffered) out.push(fineTune(a.uri, fineTuneKind));

  const only = params.context.only;
  return only?.length ? out.filter((c) => only.some((k) => c.kind === k || c.kind?.startsWith(`${k}.`))) : out;
}

/**
 * A label column for a CSV whose rows hold one pair each (term, synonym): `label` after the
 * header's last column, `,1` after every row and `,0` after row `rowIndex`. Rows with more
 * synonyms would need splitting, so such a file gets undefined; an empty array means the edit
 * would be unsafe (an unclosed quote) and the action is shown greyed out.
 */
function addLabelColumnEdits(a: Analysis, rowIndex: number): { start: number; end: number; newText: string }[] | undefined {
  const d = a.dict;
  if (d.labelColumn !== undefined || d.rows.some((r) => r.cells.length !== 2)) return undefined;
  if (d.header && d.header.cells.length !== 2) return undefined;
  if (d.problems.some((p) => p.code === 'unterminated-quote')) return [];
  const at = (r: Row) => r.end;
  const edits = d.rows.map((r) => ({ start: at(r), end: at(r), newText: r.index === rowIndex ? ',0' : ',1' }));
  if (d.header) {
    const h = d.header.cells[d.header.cells.length - 1]!.end;
    // The header's own language: 标准词,近似词 gets 标签.
    edits.unshift({ start: h, end: h, newText: d.header.language === 'zh' ? ',标签' : ',label' });
  }
  return edits;
}

/** "Remove row: duplicate pair (line 3)" — one literal per combination, so each translates whole. */
function removalTitle(code: Diagnostic['code'], whole: boolean, line: number): string {
  if (code === DiagnosticCodes.selfPair) return whole ? l10n.t('Remove row: self pair (line {0})', line) : l10n.t('Remove synonym: self pair (line {0})', line);
  if (code === DiagnosticCodes.conflictingLabel) {
    return whole ? l10n.t('Remove row: conflicting pair (line {0})', line) : l10n.t('Remove synonym: conflicting pair (line {0})', line);
  }
  return whole ? l10n.t('Remove row: duplicate pair (line {0})', line) : l10n.t('Remove synonym: duplicate pair (line {0})', line);
}

function fix(title: string, d: Diagnostic, edit: Pick<CodeAction, 'edit' | 'disabled'>, preferred: boolean): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [d], ...edit, isPreferred: preferred && !edit.disabled };
}

function fineTune(uri: string, kind: string): CodeAction {
  const args: FineTuneCommandArgs = { uri };
  const title = l10n.t('Fine-tune model on this file');
  return {
    title,
    kind,
    command: { title, command: ClientCommands.fineTune, arguments: [args] },
  };
}

/** "Show all problems": the summary diagnostic's way to the problems past the cap. */
function showAllProblems(uri: string): CodeAction {
  const args: ShowAllProblemsCommandArgs = { uri };
  const title = l10n.t('Show all problems of this file');
  return { title, kind: CodeActionKind.QuickFix, command: { title, command: ClientCommands.showAllProblems, arguments: [args] } };
}

function workspaceEdit(input: CodeActionInput, edits: TextEdit[]): WorkspaceEdit {
  const uri = input.analysis.uri;
  return input.versionedEdits
    ? { documentChanges: [{ textDocument: { uri, version: input.analysis.version }, edits }] }
    : { changes: { [uri]: edits } };
}

/** The label column: the header's, or for header-less training files the column rows keep their label in. */
export function labelColumnOf(a: Analysis): number | undefined {
  const h = a.dict.header?.roles.indexOf('label');
  if (h !== undefined && h >= 0) return h;
  if (a.dict.header) return undefined;
  return a.dict.rows.find((r) => r.labelCell)?.labelCell?.column;
}

/** Values of a new row in this file's layout: term, synonym, empty extra synonym columns, label. */
export function newPairValues(term: string, synonym: string, labelColumn: number | undefined, label: '0' | '1'): string[] {
  if (labelColumn === undefined) return [term, synonym];
  const values = [term, synonym];
  while (values.length < labelColumn) values.push('');
  values[labelColumn] = label;
  return values;
}

/**
 * Removes one pair of a row: the whole record when it is the row's only pair, otherwise just the
 * synonym cell (dropped when nothing positional follows it, emptied otherwise).
 */
function removePairEdit(a: Analysis, row: Row, column: number | undefined): { edit: () => { start: number; end: number; newText: string }; whole: boolean } | undefined {
  if (row.synonyms.length <= 1 || column === undefined) return { edit: () => deleteRowEdit(a.dict, row.index), whole: true };
  const values = row.cells.map((c) => c.raw);
  if (column >= values.length) return undefined;
  const positional = a.dict.header?.roles.some((r, i) => i > column && r !== 'synonym') || row.labelCell !== undefined;
  if (positional) values[column] = '';
  else values.splice(column, 1);
  return { edit: () => replaceRowEdit(a.dict, row.index, values), whole: false };
}
