/**
 * `synonymLens/suggest`: ranked synonym candidates for an open dictionary from term lists, with the
 * runtime's suggestion service (embedding with the document's model, then core's ranking). The
 * decisions file and the attribute file next to the dictionary are honoured. Work-done progress,
 * cancellable from the request or the progress UI; the ranking pauses between steps so hovers and
 * diagnostics keep being answered.
 */
import * as l10n from '@vscode/l10n';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { DecisionIndex, DecisionsError, decisionsPathFor, parseDecisions } from '../../core/decisions';
import { AttributeList, attributesPathFor, DEFAULT_ATTRIBUTE_WORDS, parseAttributeWords } from '../../core/suggest/attributes';
import { parseTermList, TermListError, type ListTerm } from '../../core/suggest/termList';
import { SuggestRequest, type SuggestResult } from '../../shared/protocol';
import { runSuggest, type SuggestRunProgress } from '../../runtime/suggest/service';
import { isCancellation, requestCancelled } from '../cancellation';
import type { ServerContext } from '../context';
import { decisionsTarget } from '../decisionsFile';
import { openRequestProgress } from '../progress';
import { fsPath } from '../uris';
import { readVocabularyFile, VocabularySkipError } from '../vocabularyFile';

/** The most candidates per group a request may ask for. */
const MAX_K = 100;

const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A sidecar file's text, or undefined when there is none; read like a vocabulary file. */
async function readSidecar(file: string): Promise<string | undefined> {
  if (!existsSync(file)) return undefined;
  return readVocabularyFile(file);
}

function invalid(message: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, message);
}

export function registerSuggestRequest(ctx: ServerContext): void {
  const { connection } = ctx;
  connection.onRequest(
    SuggestRequest.type,
    ctx.guard('suggest', async (params, token): Promise<SuggestResult> => {
      await ctx.requireAnalysis(params.uri);
      const s = await ctx.settings.get(params.uri);
      const k = params.k === undefined ? 10 : Math.floor(params.k);
      if (!Number.isFinite(k) || k < 1 || k > MAX_K) throw invalid(l10n.t('k must be a whole number from 1 to {0}', MAX_K));
      if (params.minScore !== undefined && !Number.isFinite(params.minScore)) throw invalid(l10n.t('minScore must be a number'));
      const dictFile = fsPath(params.uri);
      const base = ctx.baseFolder(params.uri);
      const lists = params.termLists ?? s.vocabularyFiles;
      if (lists.length === 0) throw invalid(l10n.t('No term list: pass termLists or set synonymLens.vocabularyFiles'));

      // Everything a user file can get wrong is said before the long part starts.
      const terms: ListTerm[] = [];
      for (const list of lists) {
        const file = path.isAbsolute(list) || !base ? path.resolve(list) : path.resolve(base, list);
        try {
          terms.push(...parseTermList(await readVocabularyFile(file)));
        } catch (e) {
          if (e instanceof TermListError) throw invalid(l10n.t('{0}: {1}', file, e.message));
          if (e instanceof VocabularySkipError) throw invalid(l10n.t('Cannot read the term list {0} ({1})', file, e.skip.reason));
          throw e;
        }
      }
      let decisions = new DecisionIndex();
      let attributeWords: string[] = [];
      if (dictFile) {
        const decisionsFile = decisionsPathFor(dictFile);
        try {
          // The open document's text when an editor has it (a verdict just recorded, not yet saved).
          const text = (await decisionsTarget(ctx, params.uri))?.text ?? (await readSidecar(decisionsFile));
          if (text !== undefined) decisions = new DecisionIndex(parseDecisions(text));
        } catch (e) {
          if (e instanceof DecisionsError) throw invalid(l10n.t('{0}: {1}', decisionsFile, e.message));
          throw e;
        }
        attributeWords = parseAttributeWords((await readSidecar(attributesPathFor(dictFile))) ?? '');
      }

      const entry = await ctx.readyModel(s, params.uri, token);
      const engine = entry.engine;
      if (!engine) throw new ResponseError(ErrorCodes.InternalError, l10n.t('Model {0} is not available: {1}', entry.modelId, entry.error ?? ''));
      const progress = await openRequestProgress(connection, params.workDoneToken, token);
      const { reporter } = progress;
      let lastPct = -1;
      const onProgress = (p: SuggestRunProgress) => {
        // Embedding is the first 40 %, the groups the next 40, new groups and variants the rest.
        const pct =
          p.stage === 'embedding' ? (40 * p.done) / Math.max(1, p.total) : p.stage === 'groups' ? 40 + (40 * p.done) / Math.max(1, p.total) : p.stage === 'new-pairs' ? 80 + (15 * p.done) / Math.max(1, p.total) : 95;
        const rounded = Math.floor(pct);
        if (rounded === lastPct) return;
        lastPct = rounded;
        const message = p.stage === 'embedding' ? l10n.t('embedding {0}/{1} terms', p.done, p.total) : p.stage === 'groups' ? l10n.t('synonym groups {0}/{1}', p.done, p.total) : p.stage === 'new-pairs' ? l10n.t('new groups {0}/{1}', p.done, p.total) : l10n.t('spelling variants');
        reporter.report(rounded, message);
      };
      try {
        reporter.begin(l10n.t('Finding synonym suggestions'), 0, l10n.t('{0} terms', terms.length), true);
        const flag = { get isCancellationRequested() { return progress.signal.aborted; } };
        // The current version, read after the awaits: runSuggest takes what it needs of it at once.
        const a = await ctx.requireAnalysis(params.uri);
        const version = a.version;
        const result = await runSuggest(
          engine,
          { dictionary: a.dict, terms, decisions, attributes: new AttributeList([...DEFAULT_ATTRIBUTE_WORDS, ...s.suggest.attributeTerms, ...attributeWords]), options: { k, minScore: params.minScore }, pause: yieldToEvents },
          flag,
          onProgress,
        );
        connection.console.info(`suggest ${params.uri}: ${result.suggestions.length} suggestions from ${result.newTerms} new terms`);
        return { uri: params.uri, version, modelId: entry.modelId, dictionaryTerms: result.dictionaryTerms, newTerms: result.newTerms, decisions: decisions.size, suggestions: result.suggestions };
      } catch (e) {
        if (progress.signal.aborted || isCancellation(e)) throw requestCancelled();
        throw e;
      } finally {
        progress.done();
      }
    }),
  );
}
