/**
 * `synonymLens/problems`: every problem of an open document, uncapped, a page at a time — what
 * "Show All Problems" lists when the Problems view holds only `synonymLens.diagnostics.maxPerFile`.
 * The list of one document version is computed once and kept while the client pages through it;
 * it is dropped when the document changes or closes, so it never outlives the version it is of.
 */
import { LSPErrorCodes, ResponseError, type CancellationToken, type Diagnostic } from 'vscode-languageserver/node';
import { ProblemsRequest, type Problem, type ProblemsParams } from '../../shared/protocol';
import { thresholdsFor } from '../../shared/settings';
import { analysisDiagnostics } from '../analysis';
import { throwIfCancelled } from '../cancellation';
import type { ServerContext } from '../context';
import { decisionsOf } from '../decisionsFile';
import { modelDiagnostics, structuralDiagnostics } from '../diagnostics';
import type { Analysis } from '../documents';

/** The problems of one document version, in document order. */
interface ProblemList {
  uri: string;
  version: number;
  problems: Problem[];
}

export function registerProblemsRequest(ctx: ServerContext): void {
  // One list at a time: paging is one document at a time, and 800,000 problems are not kept twice.
  let kept: ProblemList | undefined;
  const drop = (uri: string) => {
    if (kept?.uri === uri) kept = undefined;
  };
  ctx.documents.onDidChangeContent((e) => drop(e.document.uri));
  ctx.documents.onDidClose((e) => drop(e.document.uri));

  ctx.connection.onRequest(
    ProblemsRequest.type,
    ctx.guard('problems', (params: ProblemsParams, token) =>
      ctx.onCurrent(params.uri, ctx.notOpen(params.uri), async (a) => {
        if (params.version !== undefined && params.version !== a.version) {
          throw new ResponseError(LSPErrorCodes.ContentModified, `${params.uri} is at version ${a.version}, not ${params.version}`);
        }
        const offset = Math.max(0, Math.floor(Number(params.offset ?? 0)) || 0);
        const limit = Math.min(ProblemsRequest.maxLimit, Math.max(1, Math.floor(Number(params.limit ?? ProblemsRequest.maxLimit)) || ProblemsRequest.maxLimit));
        let list = kept?.uri === params.uri && kept.version === a.version ? kept : undefined;
        if (!list) {
          const problems = await allProblems(ctx, params.uri, a, token);
          // The document changed meanwhile: onCurrent runs this again on the new version.
          if (a.superseded) return { version: a.version, total: 0, offset, problems: [] };
          kept = list = { uri: params.uri, version: a.version, problems };
        }
        return { version: list.version, total: list.problems.length, offset, problems: list.problems.slice(offset, offset + limit) };
      }),
    ),
  );
}

/**
 * Every diagnostic the document's version has — structural, the model's (once its terms are
 * embedded, when the model is ready) and the analysis helper's (when enabled) — as problems in
 * document order, before any cap.
 */
async function allProblems(ctx: ServerContext, uri: string, a: Analysis, token: CancellationToken): Promise<Problem[]> {
  const s = await ctx.settings.get(uri);
  throwIfCancelled(token);
  let found: Diagnostic[] = structuralDiagnostics(a, s);
  const { entry } = ctx.servingEntry(s, uri);
  if (entry.state === 'ready' && entry.store) {
    await ctx.embedded(entry.store, a.terms, token);
    // concat, not push(...): a spread of 800,000 arguments overflows the stack.
    found = found.concat(modelDiagnostics(a, s, entry, thresholdsFor(s, entry.modelId), decisionsOf(uri)).diagnostics);
  }
  if (s.analysis.enabled) {
    const helper = await ctx.analysis.helper(s.analysis);
    throwIfCancelled(token);
    if (helper) found = found.concat(await analysisDiagnostics(a, helper, s.analysis.analyzer));
  }
  const problems = found.map(
    (d): Problem => ({
      range: d.range,
      severity: d.severity ?? 1,
      code: String(d.code ?? ''),
      message: typeof d.message === 'string' ? d.message : String(d.message),
    }),
  );
  return problems.sort(
    (x, y) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character || (x.code < y.code ? -1 : x.code > y.code ? 1 : 0),
  );
}
