/** The custom requests over similarities: pair scores (table), similarity matrix (heatmap), neighbours. */
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { uniqueTerms } from '../../core/dictionary';
import { flagPair } from '../../core/scoring';
import { decisionsOf } from '../decisionsFile';
import { groupOrder, similarityMatrix } from '../../core/similarity';
import { NeighborsRequest, PairScoresRequest, SimilarityMatrixRequest, type PairScore } from '../../shared/protocol';
import { thresholdsFor } from '../../shared/settings';
import { throwIfCancelled } from '../cancellation';
import type { ServerContext } from '../context';

/** The most terms a similarity matrix holds (its size grows with the square). */
const MAX_MATRIX_TERMS = 4000;

export function registerScoreRequests(ctx: ServerContext): void {
  const { connection } = ctx;

  connection.onRequest(
    PairScoresRequest.type,
    ctx.guard('pairScores', (params, token) => ctx.onCurrent(params.uri, ctx.notOpen(params.uri), async (a) => {
      const s = await ctx.settings.get(a.uri);
      const entry = await ctx.readyModel(s, a.uri, token);
      await ctx.embedded(entry.store, a.terms, token);
      const t = thresholdsFor(s, entry.modelId);
      const decided = decisionsOf(a.uri)?.index;
      const pairs: PairScore[] = [];
      for (const p of a.dict.pairs) {
        const cosine = entry.store.cosine(p.a.text, p.b.text)!;
        // Scored as the diagnostics score it: a verdict in the decisions file overrides the label.
        const label = decided?.get(p.a.text, p.b.text)?.label ?? p.label;
        pairs.push({
          row: p.row,
          term: p.a.text,
          synonym: p.b.text,
          label,
          cosine,
          flagged: flagPair(label, cosine, t) !== undefined,
          termRange: a.docRange(p.a.range),
          synonymRange: a.docRange(p.b.range),
        });
      }
      return { uri: a.uri, version: a.version, modelId: entry.modelId, ...t, pairs };
    })),
  );

  connection.onRequest(
    SimilarityMatrixRequest.type,
    ctx.guard('similarityMatrix', (params, token) => ctx.onCurrent(params.uri, ctx.notOpen(params.uri), async (a) => {
      const s = await ctx.settings.get(a.uri);
      const limit = Math.max(1, Math.min(MAX_MATRIX_TERMS, Math.floor(params.limit ?? 1000)));
      let candidates: string[];
      if (params.terms) candidates = [...new Set(params.terms.map((t) => t.trim()).filter(Boolean))];
      else if (params.range) {
        const inRange = new Set<string>();
        for (const p of a.pairsIn(params.range)) inRange.add(p.a.text).add(p.b.text);
        candidates = [...inRange];
      } else candidates = uniqueTerms(a.dict);
      const ordered = groupOrder(a, candidates);
      const truncated = ordered.terms.length > limit;
      const terms = ordered.terms.slice(0, limit);
      const groups = ordered.groups.slice(0, limit);
      const entry = params.model === undefined ? await ctx.readyModel(s, a.uri, token) : await ctx.namedModel(params.model, a.uri, token);
      await ctx.embedded(entry.store, terms, token);
      const matrix = similarityMatrix(terms.map((t) => entry.store.get(t)!), () => throwIfCancelled(token));
      return { uri: a.uri, version: a.version, modelId: entry.modelId, terms, groups, matrix, truncated };
    })),
  );

  connection.onRequest(
    NeighborsRequest.type,
    ctx.guard('neighbors', async (params, token) => {
      const term = (params.term ?? '').trim();
      if (!term) throw new ResponseError(ErrorCodes.InvalidParams, 'term is empty');
      const s = await ctx.settings.get(params.uri ?? '');
      const entry = await ctx.readyModel(s, params.uri, token);
      await ctx.embedded(entry.store, [term], token);
      // Looked up after the awaits: only the current version's groups mark the neighbours.
      const a = params.uri ? ctx.analysisNow(params.uri) : undefined;
      const k = Math.max(1, Math.min(1000, Math.floor(params.k ?? s.hover.topK)));
      return { modelId: entry.modelId, vocabularySize: entry.store.vocabularySize, neighbors: ctx.neighborsNow(entry, a, term, k) ?? [] };
    }),
  );
}
