/** `synonymLens/addPair`: the edit that adds a row formatted like the file. */
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { insertRowEdit } from '../../core/csv/serialize';
import { AddPairRequest } from '../../shared/protocol';
import { labelColumnOf, newPairValues } from '../codeActions';
import type { ServerContext } from '../context';

export function registerEditRequests(ctx: ServerContext): void {
  ctx.connection.onRequest(
    AddPairRequest.type,
    ctx.guard('addPair', async (params) => {
      const a = ctx.requireAnalysis(params.uri);
      const term = params.term.trim();
      const synonym = params.synonym.trim();
      if (!term || !synonym) throw new ResponseError(ErrorCodes.InvalidParams, 'term and synonym must be non-empty');
      const values = newPairValues(term, synonym, labelColumnOf(a), params.label === 0 ? '0' : '1');
      const afterRow = params.afterRow !== undefined && params.afterRow >= 0 && params.afterRow < a.dict.rows.length ? params.afterRow : undefined;
      return { version: a.version, edits: [a.docEdit(insertRowEdit(a.dict, values, afterRow))] };
    }),
  );
}
