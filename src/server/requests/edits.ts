/** `synonymLens/addPair`: the edit that adds a row formatted like the file. */
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { insertRowEdit, UnsafeEditError } from '../../core/csv/serialize';
import { addRuleEdit } from '../../core/formats/dictionary';
import { AddPairRequest } from '../../shared/protocol';
import { labelColumnOf, newPairValues } from '../codeActions';
import type { ServerContext } from '../context';
import { unsafeEditMessage } from '../messages';

export function registerEditRequests(ctx: ServerContext): void {
  ctx.connection.onRequest(
    AddPairRequest.type,
    ctx.guard('addPair', async (params) => {
      const a = ctx.requireAnalysis(params.uri);
      const term = params.term.trim();
      const synonym = params.synonym.trim();
      if (!term || !synonym) throw new ResponseError(ErrorCodes.InvalidParams, 'term and synonym must be non-empty');
      if (a.format !== 'csv') {
        // A search engine's file says synonyms only; the pair goes in as a rule in its syntax.
        if (params.label === 0) throw new ResponseError(ErrorCodes.InvalidParams, 'a Solr or Elasticsearch synonym file cannot say "not a synonym"');
        const edit = addRuleEdit(a.format, a.dict, term, synonym, params.afterRow);
        if (!edit) throw new ResponseError(ErrorCodes.InvalidParams, 'the synonyms set has no readable "synonyms_set" array');
        return { version: a.version, edits: [a.docEdit(edit)] };
      }
      const values = newPairValues(term, synonym, labelColumnOf(a), params.label === 0 ? '0' : '1');
      const afterRow = params.afterRow !== undefined && params.afterRow >= 0 && params.afterRow < a.dict.rows.length ? params.afterRow : undefined;
      try {
        return { version: a.version, edits: [a.docEdit(insertRowEdit(a.dict, values, afterRow))] };
      } catch (e) {
        if (e instanceof UnsafeEditError) throw new ResponseError(ErrorCodes.InvalidRequest, unsafeEditMessage(e.line));
        throw e;
      }
    }),
  );
}
