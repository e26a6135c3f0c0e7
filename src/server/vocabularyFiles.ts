/**
 * `synonymLens.vocabularyFiles`: extra terms (a dictionary's terms, or one term per line) loaded
 * into a model's vocabulary in the background, so hovers and neighbours reach past the open
 * dictionaries. A file is read again only when its modification time changed; a configuration
 * change drops every loaded file (`reset`) and the next diagnostics job loads the current list.
 */
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { parseDictionary } from '../core/csv/parse';
import { uniqueTerms } from '../core/dictionary';
import { CancelSource, isCancellation } from './cancellation';
import { vocabularySkippedMessage } from './messages';
import { readVocabularyFile, VocabularySkipError } from './vocabularyFile';
import type { VectorStore } from './vocabulary';

/** What the loader needs of a model entry. */
export interface VocabularyTarget {
  spec: string;
  store?: Pick<VectorStore, 'setSource' | 'removeSource' | 'ensure'>;
}

export interface VocabularyLog {
  info(message: string): void;
  warn(message: string): void;
  /** A message the user sees (a file skipped, and why); nothing waits on an answer. */
  tell(message: string): void;
}

/** The source id a vocabulary file's terms are registered under in a store. */
export const vocabularySource = (file: string): string => `vocabulary:${file}`;

/** The terms of a vocabulary file: a dictionary's (`.csv`, `.tsv`) or one per non-empty line. */
export function vocabularyTerms(file: string, text: string): Set<string> {
  return new Set(/\.(csv|tsv)$/i.test(file) ? uniqueTerms(parseDictionary(text)) : text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean));
}

export class VocabularyFiles<E extends VocabularyTarget = VocabularyTarget> {
  /** Files loaded per model spec: absolute path → mtime. */
  private readonly loaded = new Map<string, Map<string, number>>();
  private readonly jobs = new Map<string, CancelSource>();

  constructor(
    private readonly log: VocabularyLog,
    /** Called when a file's terms are embedded (the model's status shows the new vocabulary size). */
    private readonly embeddedInto: (entry: E) => void,
  ) {}

  /** Loads `files` (relative ones against `base`) into the entry's vocabulary; never rejects. */
  async load(entry: E, files: readonly string[], base: string | undefined): Promise<void> {
    const store = entry.store;
    if (!store || files.length === 0) return;
    let loaded = this.loaded.get(entry.spec);
    if (!loaded) this.loaded.set(entry.spec, (loaded = new Map()));
    for (const file of files) {
      const abs = path.isAbsolute(file) || !base ? path.resolve(file) : path.resolve(base, file);
      try {
        const mtime = (await stat(abs)).mtimeMs;
        if (loaded.get(abs) === mtime) continue;
        loaded.set(abs, mtime);
        const terms = vocabularyTerms(abs, await readVocabularyFile(abs));
        store.setSource(vocabularySource(abs), terms);
        const jobKey = `${entry.spec}\u0000${abs}`;
        this.jobs.get(jobKey)?.cancel();
        const job = new CancelSource();
        this.jobs.set(jobKey, job);
        const started = Date.now();
        await store.ensure(terms, job);
        this.jobs.delete(jobKey);
        this.log.info(`Vocabulary ${abs}: ${terms.size} terms ready in ${Date.now() - started} ms`);
        this.embeddedInto(entry);
      } catch (e) {
        if (isCancellation(e)) return;
        if (e instanceof VocabularySkipError) {
          // Said once per file and modification (kept in `loaded`), not on every document's job.
          const message = vocabularySkippedMessage(abs, e.skip);
          this.log.warn(message);
          this.log.tell(message);
          continue;
        }
        loaded.delete(abs);
        this.log.warn(`Vocabulary file ${abs} could not be loaded: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  /** Cancels running loads and removes every loaded file's terms from its model's store. */
  reset(storeOf: (spec: string) => Pick<VectorStore, 'removeSource'> | undefined): void {
    for (const job of this.jobs.values()) job.cancel();
    this.jobs.clear();
    for (const [spec, loaded] of this.loaded) {
      const store = storeOf(spec);
      for (const file of loaded.keys()) store?.removeSource(vocabularySource(file));
    }
    this.loaded.clear();
  }
}
