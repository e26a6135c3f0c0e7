/**
 * One diagnostics job of one document version: re-parses, publishes structural diagnostics at
 * once, then — when the model is ready — embeds only the terms without vectors and publishes the
 * similarity diagnostics (a large file's progressively, top of the file first). The job checks its document version after every await; stale results
 * are dropped. When it runs is src/server/diagnosticsScheduler.ts's business.
 */
import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver/node';
import { analysisDiagnostics } from './analysis';
import { thresholdsFor } from '../shared/settings';
import { type CancelSource, isCancellation } from './cancellation';
import { STEPWISE_PARSE_CHARS, type ServerContext } from './context';
import { decisionsOf } from './decisionsFile';
import { modelDiagnosticListSteps, structuralParts } from './diagnostics';
import { capParts, type DiagnosticParts } from './diagnosticsCap';
import type { Analysis } from './documents';
import type { ModelEntry } from './models';
import { runInSlices } from './steps';
import { timed } from './trace';
import { fsPath } from './uris';
import type { VectorStore } from './vocabulary';
import type { EmbeddingEngine } from '../runtime/model/engine';
import type { VocabularyFiles } from './vocabularyFiles';

/** Up to this many new terms are embedded before the first publish of a version (one engine batch). */
const FEW_TERMS = 256;
/** Embedding batches at least this large report work-done progress. */
const PROGRESS_MIN_TERMS = 5000;
/** A large file's model diagnostics are published partially when this many terms are embedded … */
const PARTIAL_FIRST = 8192;
/** … and again each time that count has grown this many times. */
const PARTIAL_GROWTH = 4;
/** Terms embedded between two looks at what the editors show. */
const EMBED_SLICE = 2048;

/**
 * The job function the scheduler runs for a document (never rejects). `reschedule` asks for a new
 * job of a document (when the model it waits for becomes ready while the previous one serves it).
 */
export function diagnosticsJob(
  ctx: ServerContext,
  vocabulary: VocabularyFiles<ModelEntry>,
  reschedule: (uri: string) => void,
): (uri: string, job: CancelSource) => Promise<void> {
  const { connection, documents } = ctx;

  /**
   * Moves the document's terms into the vocabulary of its current model: the terms that came and
   * went since the last time when the store already holds this document, all of them otherwise.
   */
  function attachTerms(uri: string, a: Analysis, entry: ModelEntry): void {
    const st = ctx.state(uri);
    if (st.spec && st.spec !== entry.spec) ctx.host.peek(st.spec)?.store?.removeSource(uri);
    const store = entry.store;
    if (!store) return;
    const delta = a.index.storeDelta.take();
    if (st.synced?.store === store && st.synced.index === a.index && store.hasSource(uri)) {
      store.updateSource(uri, delta.added, delta.removed);
    } else {
      store.setSource(uri, new Set(a.terms));
      st.synced = { store, index: a.index };
    }
    st.spec = entry.spec;
  }

  /**
   * Embeds the document's missing terms: those of the rows editors show first (and again when
   * they scroll meanwhile), then the rest in document order, a slice at a time. A big batch
   * shows server-created work-done progress and the client's document progress; `partial`
   * publishes after the visible terms, then when `PARTIAL_FIRST` terms are embedded and each
   * time that count has grown `PARTIAL_GROWTH` times — a few partial publishes, however large the
   * file, each scoring every pair whose terms have vectors by then.
   */
  async function embedProgressively(store: VectorStore, engine: EmbeddingEngine | undefined, a: Analysis, job: CancelSource, uri: string, partial: () => Promise<void>): Promise<void> {
    const missing = timed('missing terms', () => store.missing(a.terms));
    const total = missing.length;
    if (total === 0) return;
    const warm = engine?.holds?.(missing) ?? false;
    // Room for all of them at once: the slices below would otherwise grow the matrix step by step.
    store.reserve(total);
    const shown = total >= PROGRESS_MIN_TERMS;
    const progress = shown && ctx.support.workDoneProgress ? await connection.window.createWorkDoneProgress().catch(() => undefined) : undefined;
    let done = 0;
    let lastPct = 0;
    const report = (now: number) => {
      if (!shown) return;
      ctx.progress(uri, 'embedding', now, total);
      const pct = Math.floor((now / total) * 100);
      if (progress && pct > lastPct) progress.report((lastPct = pct), l10n.t('{0} / {1} terms', now, total));
    };
    let nextPartial = PARTIAL_FIRST;
    let seen: number | undefined;
    try {
      progress?.begin('Synonym Lens', 0, l10n.t('Embedding {0} terms of {1}', total, path.basename(fsPath(uri) ?? uri)), false);
      for (let i = 0; i < total; ) {
        const visible = ctx.states.get(uri)?.visible;
        if (visible && visible.generation !== seen) {
          seen = visible.generation;
          const first = store.missing(visible.ranges.flatMap((r) => a.termsInLines(r.start, r.end)));
          if (first.length > 0) {
            await store.ensure(first, job, (d) => report(done + d));
            done += first.length;
            await partial();
            continue;
          }
        }
        const todo = store.missing(missing.slice(i, i + EMBED_SLICE));
        i += EMBED_SLICE;
        await store.ensure(todo, job, (d) => report(done + d));
        done += todo.length;
        if (done >= nextPartial && done < total) {
          nextPartial = done * PARTIAL_GROWTH;
          // Vectors all kept on disk come in so fast that another pass over the rows would only
          // delay the complete publish.
          if (!warm) await partial();
        }
      }
    } finally {
      progress?.done();
      if (shown) ctx.progress(uri, 'done', done, total);
    }
  }

  return async (uri, job) => {
    const doc = documents.get(uri);
    if (!doc) return;
    const version = doc.version;
    const stale = () => job.isCancellationRequested || documents.get(uri)?.version !== version;
    // Analysis diagnostics (the Lucene helper, when enabled) arrive on their own time: each
    // publish carries them once known, and their arrival republishes the last set with them.
    let analyzed: Diagnostic[] = [];
    let last: DiagnosticParts | undefined;
    let maxPerFile = Infinity;
    // The model's diagnostics are made as far as the cap keeps them (`ModelDiagnosticList`).
    const publish = (parts: DiagnosticParts) => {
      last = parts;
      if (stale()) return;
      const capped = timed('cap', () => capParts([...parts, analyzed], maxPerFile, fsPath(uri) ?? uri));
      void timed('send diagnostics', () => connection.sendDiagnostics({ uri, version, diagnostics: capped })).catch(() => undefined);
    };
    try {
      // Let the messages already received be read first: in an edit storm they make this version
      // stale, and it is dropped before it is parsed.
      await yieldToMessages();
      if (stale()) return;
      const s = await ctx.settings.get(uri);
      if (stale()) return;
      maxPerFile = s.diagnostics.maxPerFile;
      // A large file's first parse runs in steps; an edit re-parses incrementally.
      const a = await ctx.analysisOf(uri);
      // Parsing a large file takes a while: edits that arrived meanwhile supersede it too.
      await yieldToMessages();
      if (!a || stale() || a.version !== version) return;
      if (!s.diagnostics.enabled) {
        publish([]);
        return;
      }
      if (s.analysis.enabled) {
        void ctx.analysis
          .helper(s.analysis)
          .then((helper) => (helper && !stale() ? analysisDiagnostics(a, helper, s.analysis.analyzer) : undefined))
          .then((d) => {
            if (!d || stale()) return;
            analyzed = d;
            if (last) publish(last);
          })
          .catch((e: unknown) => connection.console.warn(`Analysis of ${uri} failed: ${e instanceof Error ? e.message : String(e)}`));
      }
      const structural = timed('structural diagnostics', () => structuralParts(a, s));
      const staleFlag = { get isCancellationRequested() { return stale(); } };
      const large = a.dict.text.length >= STEPWISE_PARSE_CHARS;
      // A large file's first version: its structural problems at once — they need the pair issues
      // only — then its term counts (what the steps below need), which its stepwise build left.
      const early = !a.index.termsCounted;
      if (early) {
        publish(structural);
        await runInSlices(a.index.countSteps(), { flag: staleFlag, background: true });
        if (stale()) return;
      }
      const { wanted, entry } = ctx.servingEntry(s, uri);
      if (entry !== wanted) {
        // Served by the previous model meanwhile; switch once the new one is ready.
        wanted.ready.then(() => reschedule(uri), () => undefined);
      }
      const switched = ctx.states.get(uri)?.spec !== undefined && ctx.states.get(uri)?.spec !== entry.spec;
      timed('attach terms', () => attachTerms(uri, a, entry));
      if (switched) void ctx.releaseUnused().catch(() => undefined);
      // The model's pass over the rows runs in time slices (a large file's takes seconds).
      const model = () => runInSlices(modelDiagnosticListSteps(a, s, entry, thresholdsFor(s, entry.modelId), decisionsOf(uri)), { flag: staleFlag, background: true });
      if (entry.state === 'ready') {
        const missing = timed('terms to embed', () => termsToEmbed(a, entry.store!));
        if (missing.length <= FEW_TERMS) {
          // Typing adds a term or two: embedding them takes milliseconds, so publish once, complete,
          // rather than a partial set that flickers the edited row's warning off and on.
          await entry.store!.ensure(missing, job);
          if (stale()) return;
          allEmbedded(a, entry.store!);
          publish([...structural, await model()]);
          if (entry === wanted) ctx.host.notify(entry);
          void vocabulary.load(entry, s.vocabularyFiles, ctx.baseFolder(uri));
          return;
        }
        // A large file's structural problems at once (unless published above), before the model's
        // pass over its rows; then what the model says of the terms it has vectors for (most of
        // them when the vectors were kept from an earlier session).
        // When the store holds none of them yet (a dictionary opened as the model became ready,
        // its vectors to be read from disk), the model has nothing to say yet: structural only.
        const some = anyEmbedded(a, entry.store!);
        if ((large || !some) && !early) publish(structural);
        if (some) publish([...structural, await model()]);
      } else if (!early) {
        publish(structural);
      }
      await untilReadyOrCancelled(entry, job);
      if (stale() || entry.state !== 'ready') return;
      timed('attach terms', () => attachTerms(uri, a, entry));
      await embedProgressively(entry.store!, entry.engine, a, job, uri, async () => {
        if (!stale()) publish([...structural, await model()]);
      });
      if (stale()) return;
      allEmbedded(a, entry.store!);
      publish([...structural, await model()]);
      if (entry === wanted) ctx.host.notify(entry);
      // Idle now: the document's line offsets, which its first edit would otherwise compute.
      if (!stale()) documents.get(uri)?.indexLines();
      if (ctx.support.inlayRefresh) void connection.languages.inlayHint.refresh().catch(() => undefined);
      void vocabulary.load(entry, s.vocabularyFiles, ctx.baseFolder(uri));
    } catch (e) {
      if (!isCancellation(e)) connection.console.error(`Diagnostics of ${uri} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  };
}

/**
 * The document's terms without a vector in `store`. After a complete check against the same
 * store only the terms added since need looking at (a store never drops a term a document holds).
 */
function termsToEmbed(a: Analysis, store: VectorStore): string[] {
  return store.missing(a.index.embeddedIn === store ? a.index.unembedded : a.terms);
}

/** Whether any term of the document has a vector in `store`. */
function anyEmbedded(a: Analysis, store: VectorStore): boolean {
  for (const t of a.terms) if (store.has(t)) return true;
  return false;
}

/** Records that every term of the document (the current version) has a vector in `store`. */
function allEmbedded(a: Analysis, store: VectorStore): void {
  a.index.embeddedIn = store;
  a.index.unembedded.clear();
}

/** Resolves after the I/O the event loop has pending (incoming messages) has been handled. */
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Resolves when the model is ready or failed, or when the job is cancelled (never rejects). */
function untilReadyOrCancelled(entry: ModelEntry, job: CancelSource): Promise<void> {
  if (entry.state !== 'loading') return Promise.resolve();
  return new Promise((resolve) => {
    job.onCancel(resolve);
    entry.ready.then(
      () => resolve(),
      () => resolve(),
    );
  });
}
