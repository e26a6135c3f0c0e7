/** `synonymLens/previewExpansion`: a query through the document's rules with a real Lucene analyzer. */
import * as l10n from '@vscode/l10n';
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { convertDictionary } from '../../core/formats/dictionary';
import { PreviewExpansionRequest } from '../../shared/protocol';
import { AnalysisHelperError } from '../analysis';
import type { ServerContext } from '../context';

export function registerAnalysisRequests(ctx: ServerContext): void {
  ctx.connection.onRequest(
    PreviewExpansionRequest.type,
    ctx.guard('previewExpansion', async (params) => {
      if (typeof params.query !== 'string' || !params.query.trim()) throw new ResponseError(ErrorCodes.InvalidParams, 'query must be a non-empty string');
      const a = await ctx.requireAnalysis(params.uri);
      // The accepted rules in Solr syntax, whatever the file's format: what the engine would load.
      const { text, rules } = convertDictionary(a.dict, 'solr');
      const s = await ctx.settings.get(params.uri);
      // Asked for explicitly, so it runs even when analysis diagnostics are off.
      const helper = await ctx.analysis.helper(s.analysis, true);
      if (!helper) throw new ResponseError(ErrorCodes.InternalError, l10n.t('The query preview needs Java and the Lucene 8 jars (see synonymLens.analysis.java and synonymLens.analysis.luceneJars).'));
      try {
        return { analyzer: s.analysis.analyzer, rules, tokens: await helper.expand(text, params.query) };
      } catch (e) {
        if (e instanceof AnalysisHelperError) throw new ResponseError(ErrorCodes.InvalidRequest, l10n.t('Lucene refused the rules: {0}', e.message));
        throw e;
      }
    }),
  );
}
