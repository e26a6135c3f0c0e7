/**
 * Hover on a term cell: the term's synonym group and its nearest neighbours in the vocabulary,
 * with command links to add a neighbour as a synonym or open the heatmap, and on a Solr or ES
 * file to preview the term as a query through the file's rules. "Add as synonym" is
 * offered only at or above the model's flagging threshold (per-model thresholds apply): a pair
 * added below it would be flagged as low-similarity at once, so the rest are neighbours only.
 */
import * as l10n from '@vscode/l10n';
import { MarkupKind, type Hover } from 'vscode-languageserver/node';
import { termKey } from '../core/dictionary';
import { formatCosine } from '../core/scoring';
import { ClientCommands, type AddSynonymCommandArgs, type Neighbor, type PreviewExpansionCommandArgs, type ShowHeatmapCommandArgs } from '../shared/protocol';
import type { Analysis } from './documents';
import { commandLink, escapeMarkdown } from './markdown';
import type { ModelEntry } from './models';

export interface HoverInput {
  analysis: Analysis;
  term: string;
  range: Hover['range'];
  entry: ModelEntry;
  /** Neighbours, or undefined when the model is not ready. */
  neighbors?: Neighbor[];
  /** Vocabulary terms still waiting for vectors (they cannot be neighbours yet). */
  pendingTerms: number;
  /** The model's flagging threshold (cosine in [-1, 1]): below it a neighbour is not offered as a synonym. */
  threshold: number;
}

/** Marks neighbours paired with `term` in the dictionary: synonyms (same group) and label-0 partners. */
export function markNeighbors(a: Analysis | undefined, term: string, hits: { text: string; cosine: number }[]): Neighbor[] {
  const members = a?.synonymGroup(term);
  const group = members && new Set(members.map(termKey));
  const partners = a?.partnersOf(term);
  return hits.map((h) => {
    const isSynonym = group !== undefined && group.has(termKey(h.text));
    return { term: h.text, cosine: h.cosine, isSynonym, isNegative: !isSynonym && partners?.get(termKey(h.text)) === 0 };
  });
}

export function renderHover(input: HoverInput): Hover {
  const { analysis: a, term, entry } = input;
  const lines: string[] = [];
  const group = a.synonymGroup(term);
  lines.push(`**${escapeMarkdown(term)}**`);
  if (group !== undefined) {
    const members = group.filter((t) => termKey(t) !== termKey(term));
    lines.push('', l10n.t('Synonym group: {0}', members.map(escapeMarkdown).join(' · ')));
  } else {
    lines.push('', l10n.t('Not in any synonym group yet.'));
  }
  lines.push('');
  // Placeholders are filled with escaped text only: a translation adds no Markdown of its own.
  const model = escapeMarkdown(entry.modelId);
  if (entry.state === 'error') {
    lines.push(l10n.t('Model {0} failed to load: {1}', model, escapeMarkdown(entry.error ?? l10n.t('unknown error'))));
  } else if (!input.neighbors) {
    lines.push(l10n.t('Model {0} is loading… neighbours appear when it is ready.', model));
  } else {
    const size = entry.store?.vocabularySize ?? 0;
    lines.push(
      input.pendingTerms > 0
        ? l10n.t('Nearest neighbours ({0}, {1} terms, {2} still embedding):', model, size, input.pendingTerms)
        : l10n.t('Nearest neighbours ({0}, {1} terms):', model, size),
      '',
    );
    if (input.neighbors.length === 0) lines.push(`_${l10n.t('none yet')}_`);
    input.neighbors.forEach((n, i) => {
      let mark = '';
      if (n.isSynonym) mark = ` ✓ ${l10n.t('synonym')}`;
      else if (n.isNegative) mark = ` ✗ ${l10n.t('labelled not a synonym')}`;
      else if (n.cosine < input.threshold) mark = ` — ${l10n.t('neighbour only (below the threshold {0})', formatCosine(input.threshold))}`;
      else {
        const args: AddSynonymCommandArgs = { uri: a.uri, term, synonym: n.term };
        mark = ` — ${commandLink(l10n.t('Add as synonym'), ClientCommands.addSynonym, [args], l10n.t('Append this pair to the dictionary'))}`;
      }
      lines.push(`${i + 1}. ${escapeMarkdown(n.term)} \`${formatCosine(n.cosine)}\`${mark}`);
    });
  }
  const heat: ShowHeatmapCommandArgs = { uri: a.uri, term };
  lines.push('', commandLink(l10n.t('Show in heatmap'), ClientCommands.showHeatmap, [heat], l10n.t('Open the similarity heatmap around this term')));
  if (a.format !== 'csv') {
    // A search engine's own file: what Lucene makes of the term as a query (the Java helper).
    const preview: PreviewExpansionCommandArgs = { uri: a.uri, query: term };
    lines.push('', commandLink(l10n.t('Preview query expansion'), ClientCommands.previewExpansion, [preview], l10n.t('See what Lucene makes of this term as a query with the rules of this file')));
  }
  return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n') }, range: input.range };
}
