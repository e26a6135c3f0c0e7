/**
 * `synonymLens/addPair`: the edit that adds a row formatted like the file; `synonymLens/decidePairs`:
 * the edit recording verdicts on suggested pairs (accepted into the dictionary, rejected as label-0
 * rows or into the decisions file), built from the same row edits and decisions-file append.
 */
import * as l10n from '@vscode/l10n';
import { ErrorCodes, ResponseError, type WorkspaceEdit } from 'vscode-languageserver/node';
import { insertRowEdit, UnsafeEditError, type TextEdit as OffsetEdit } from '../../core/csv/serialize';
import { termKey } from '../../core/dictionary';
import { addRuleEdit } from '../../core/formats/dictionary';
import { AddPairRequest, DecidePairsRequest, type DecidePairsResult, type DecidedPair } from '../../shared/protocol';
import { labelColumnOf, newPairValues } from '../codeActions';
import type { ServerContext } from '../context';
import { decisionsTarget, recordDecisionsEdit } from '../decisionsFile';
import type { Analysis } from '../documents';
import { unsafeEditMessage } from '../messages';

/**
 * The offset edit adding the pair (term, synonym) with `label` to the dictionary, after data row
 * `afterRow` (default: the last row): a CSV row in the file's layout, or a rule in a Solr file's or
 * ES synonyms set's syntax (label 1 only). Throws `ResponseError` when the file cannot take it.
 */
function pairEdit(a: Analysis, term: string, synonym: string, label: 0 | 1, afterRow: number | undefined): OffsetEdit {
  if (a.format !== 'csv') {
    // A search engine's file says synonyms only; the pair goes in as a rule in its syntax.
    if (label === 0) throw new ResponseError(ErrorCodes.InvalidParams, 'a Solr or Elasticsearch synonym file cannot say "not a synonym"');
    const edit = addRuleEdit(a.format, a.dict, term, synonym, afterRow);
    if (!edit) throw new ResponseError(ErrorCodes.InvalidParams, 'the synonyms set has no readable "synonyms_set" array');
    return edit;
  }
  const values = newPairValues(term, synonym, labelColumnOf(a), label === 0 ? '0' : '1');
  const row = afterRow !== undefined && afterRow >= 0 && afterRow < a.dict.rows.length ? afterRow : undefined;
  try {
    return insertRowEdit(a.dict, values, row);
  } catch (e) {
    if (e instanceof UnsafeEditError) throw new ResponseError(ErrorCodes.InvalidRequest, unsafeEditMessage(e.line));
    throw e;
  }
}

/** The last data row holding a synonym pair (label 1) of one of `members` (by `termKey`); undefined when none does. */
export function lastRowOfGroup(a: Pick<Analysis, 'dict'>, members: readonly string[]): number | undefined {
  const keys = new Set(members.map(termKey));
  let last: number | undefined;
  for (const p of a.dict.pairs) {
    if (p.label !== 1) continue;
    if ((keys.has(termKey(p.a.text)) || keys.has(termKey(p.b.text))) && (last === undefined || p.row > last)) last = p.row;
  }
  return last;
}

/**
 * Several inserts as one list of edits: inserts at the same offset are joined in order (each row
 * after the one before), so the edits never overlap; sorted by offset.
 */
export function mergeInserts(edits: readonly OffsetEdit[]): OffsetEdit[] {
  const at = new Map<number, OffsetEdit>();
  const out: OffsetEdit[] = [];
  for (const e of edits) {
    const same = e.start === e.end ? at.get(e.start) : undefined;
    if (same) same.newText += e.newText;
    else {
      const copy = { ...e };
      if (e.start === e.end) at.set(e.start, copy);
      out.push(copy);
    }
  }
  return out.sort((x, y) => x.start - y.start);
}

export function registerEditRequests(ctx: ServerContext): void {
  ctx.connection.onRequest(
    AddPairRequest.type,
    ctx.guard('addPair', async (params) => {
      const a = await ctx.requireAnalysis(params.uri);
      const term = params.term.trim();
      const synonym = params.synonym.trim();
      if (!term || !synonym) throw new ResponseError(ErrorCodes.InvalidParams, 'term and synonym must be non-empty');
      return { version: a.version, edits: [a.docEdit(pairEdit(a, term, synonym, params.label === 0 ? 0 : 1, params.afterRow))] };
    }),
  );

  ctx.connection.onRequest(
    DecidePairsRequest.type,
    ctx.guard('decidePairs', async (params): Promise<DecidePairsResult> => {
      const a = await ctx.requireAnalysis(params.uri);
      if (params.verdict !== 'accept' && params.verdict !== 'reject') throw new ResponseError(ErrorCodes.InvalidParams, 'verdict must be "accept" or "reject"');
      const pairs = (Array.isArray(params.pairs) ? params.pairs : []).map((p: DecidedPair) => ({
        term: typeof p?.term === 'string' ? p.term.trim() : '',
        candidate: typeof p?.candidate === 'string' ? p.candidate.trim() : '',
        group: Array.isArray(p?.group) ? p.group.filter((m): m is string => typeof m === 'string') : [],
      }));
      if (pairs.length === 0 || pairs.some((p) => !p.term || !p.candidate)) throw new ResponseError(ErrorCodes.InvalidParams, 'every pair needs a non-empty term and candidate');
      const label: 0 | 1 = params.verdict === 'accept' ? 1 : 0;
      const versioned = (edits: OffsetEdit[]): WorkspaceEdit => ({ documentChanges: [{ textDocument: { uri: a.uri, version: a.version }, edits: edits.map((e) => a.docEdit(e)) }] });

      // Accepted pairs, and rejections in a file that has a label column, are rows of the dictionary.
      if (label === 1 || (a.format === 'csv' && labelColumnOf(a) !== undefined)) {
        const edits = pairs.map((p) => pairEdit(a, p.term, p.candidate, label, lastRowOfGroup(a, p.group.length > 0 ? p.group : [p.term])));
        return { version: a.version, edit: versioned(mergeInserts(edits)), recordedIn: 'dictionary', target: a.uri };
      }
      // Otherwise a rejection is a line of the decisions file beside the dictionary.
      if (!ctx.support.createFiles) throw new ResponseError(ErrorCodes.InvalidRequest, 'the client cannot create the decisions file');
      const target = await decisionsTarget(ctx, a.uri);
      const recorded = target && recordDecisionsEdit(target, pairs.map((p) => ({ term: p.term, synonym: p.candidate })));
      if (!target || !recorded) throw new ResponseError(ErrorCodes.InvalidParams, l10n.t('The decisions file beside the dictionary cannot be read or does not read as a decisions file; fix it (see docs/decisions.md) and try again.'));
      return { version: a.version, edit: recorded.edit, recordedIn: 'decisions', target: target.uri };
    }),
  );
}
