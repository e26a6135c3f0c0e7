/** Hover, inlay hints and code actions on a dictionary document. */
import type { Neighbor } from '../../shared/protocol';
import { thresholdsFor } from '../../shared/settings';
import { throwIfCancelled } from '../cancellation';
import { codeActions } from '../codeActions';
import type { ServerContext } from '../context';
import { decisionsTarget } from '../decisionsFile';
import { renderHover } from '../hover';
import { inlayHints } from '../inlayHints';
import { answering } from '../steps';
import { timed } from '../trace';

export function registerDocumentFeatures(ctx: ServerContext): void {
  const { connection } = ctx;

  connection.onHover(
    ctx.guard('hover', (params, token) => ctx.onCurrent(params.textDocument.uri, () => null, (a) => answering(async () => {
      const hit = a.termCellAt(params.position);
      if (!hit) return null;
      const s = await ctx.settings.get(a.uri);
      throwIfCancelled(token);
      const { entry } = ctx.servingEntry(s, a.uri);
      const term = hit.cell.text;
      let neighbors: Neighbor[] | undefined;
      if (entry.state === 'ready' && entry.store) {
        // The term may not be embedded yet (just typed, or a big file still embedding): do it alone.
        if (!entry.store.has(term)) await ctx.embedded(entry.store, [term], token);
        neighbors = timed('hover neighbours', () => ctx.neighborsNow(entry, a, term, s.hover.topK));
      }
      const pending = entry.store ? Math.max(0, entry.store.memberCount - entry.store.vocabularySize) : 0;
      const threshold = thresholdsFor(s, entry.modelId).threshold;
      return renderHover({ analysis: a, term, range: a.docRange(hit.cell.range), entry, neighbors, pendingTerms: pending, threshold });
      // A large file still being read has nothing to show yet; the hover does not wait for it.
    }), () => null)),
  );

  connection.languages.inlayHint.on(
    ctx.guard('inlayHint', (params, token) => ctx.onCurrent(params.textDocument.uri, () => [], (a) => answering(async () => {
      const s = await ctx.settings.get(a.uri);
      throwIfCancelled(token);
      if (!s.inlayHints.enabled) return [];
      const { entry } = ctx.servingEntry(s, a.uri);
      if (entry.state !== 'ready' || !entry.store) return [];
      return inlayHints(a, params.range, entry.store, thresholdsFor(s, entry.modelId));
    }), () => [])),
  );

  connection.onCodeAction(
    ctx.guard('codeAction', (params, token) => ctx.onCurrent(params.textDocument.uri, () => [], (a) => answering(async () => {
      const s = await ctx.settings.get(a.uri);
      throwIfCancelled(token);
      const { entry } = ctx.servingEntry(s, a.uri);
      return codeActions({
        analysis: a,
        params,
        neighbors: (term) => (entry.state === 'ready' ? ctx.neighborsNow(entry, a, term, Math.max(10, s.hover.topK)) : undefined),
        versionedEdits: ctx.support.versionedEdits,
        ...(ctx.support.createFiles && a.dict.labelColumn === undefined ? { decisions: await decisionsTarget(ctx, a.uri) } : {}),
      });
    }), () => [])),
  );
}
