/**
 * Inlay hints: each pair's cosine (`≈ 0.83`) right after its synonym cell, with a tooltip that
 * says on which side of the threshold it falls.
 */
import { MarkupKind, type InlayHint, type Range } from 'vscode-languageserver/node';
import { formatCosine, type Thresholds } from '../core/scoring';
import { pairVerdict } from './messages';
import type { Analysis } from './documents';
import type { VectorStore } from './vocabulary';

export function inlayHints(a: Analysis, range: Range, store: VectorStore, t: Thresholds): InlayHint[] {
  const out: InlayHint[] = [];
  for (const pair of a.pairsIn(range)) {
    const c = store.cosine(pair.a.text, pair.b.text);
    if (c === undefined) continue;
    out.push({
      position: a.docRange(pair.b.range).end,
      label: `≈ ${formatCosine(c)}`,
      paddingLeft: true,
      tooltip: { kind: MarkupKind.Markdown, value: pairVerdict(pair, c, t) },
    });
  }
  return out;
}
