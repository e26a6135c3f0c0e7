/**
 * What a model's tokenizer made of each term (`EmbeddingEngine.analyze`), kept beside its stored
 * vectors (`<store folder>/analyses.json`), so reopening a dictionary does not tokenize every term
 * again before its diagnostics (seconds for 40,000 terms with a large Unigram vocabulary).
 *
 *   { "format": 1, "fingerprint": "<the model's>", "terms": { "<term>": [units, unknownUnits, truncated 0|1], … } }
 *
 * A cache like the vectors: a file of another model or format is ignored, and so is an entry of
 * the wrong shape (that term is analysed again); entries are turned into analyses when first asked
 * for, so opening the file costs one `JSON.parse`. It is written (temporary file renamed into place) when the engine
 * is closed and something was added, at most `MAX_TERMS` entries (the newest).
 */
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TextAnalysis } from './engine';

const FORMAT = 1;
/** Most terms written (a term is ~40 bytes of JSON: ~20 MiB). */
const MAX_TERMS = 500_000;

type Entry = [units: number, unknownUnits: number, truncated: 0 | 1];

function valid(e: unknown): e is Entry {
  return Array.isArray(e) && e.length === 3 && Number.isInteger(e[0]) && Number.isInteger(e[1]) && e[0] >= 0 && e[1] >= 0 && e[1] <= e[0] && (e[2] === 0 || e[2] === 1);
}

export class StoredAnalyses {
  /** Term → analysis asked for or made this session, in that order (the newest are kept past `MAX_TERMS`). */
  private readonly terms = new Map<string, TextAnalysis>();
  /** The entries read from the file, unchecked until asked for. */
  private read: Record<string, unknown> = {};
  private added = 0;

  private constructor(
    readonly file: string,
    private readonly fingerprint: string,
  ) {}

  /** The analyses kept in `folder` for the model of `fingerprint` (none when absent or not valid). */
  static open(folder: string, fingerprint: string): StoredAnalyses {
    const stored = new StoredAnalyses(path.join(folder, 'analyses.json'), fingerprint);
    let parsed: { format?: unknown; fingerprint?: unknown; terms?: unknown };
    try {
      parsed = JSON.parse(readFileSync(stored.file, 'utf8')) as typeof parsed;
    } catch {
      return stored; // none yet, or unreadable: analysed afresh
    }
    if (parsed?.format !== FORMAT || parsed.fingerprint !== fingerprint || typeof parsed.terms !== 'object' || parsed.terms === null || Array.isArray(parsed.terms)) return stored;
    stored.read = parsed.terms as Record<string, unknown>;
    return stored;
  }

  /** The analysis of `text`: the kept one, else `analyze(text)` kept for the next time. */
  get(text: string, analyze: (text: string) => TextAnalysis): TextAnalysis {
    const kept = this.terms.get(text);
    if (kept) return kept;
    const e = Object.prototype.hasOwnProperty.call(this.read, text) ? this.read[text] : undefined;
    let a: TextAnalysis;
    if (valid(e)) a = { units: e[0], unknownUnits: e[1], unknownOnly: e[0] === e[1], truncated: e[2] === 1 };
    else {
      a = analyze(text);
      this.added++;
    }
    this.terms.set(text, a);
    return a;
  }

  /** Writes the file when terms were added since it was read; a failure costs only speed. */
  save(log: (message: string) => void = () => undefined): void {
    if (this.added === 0) return;
    // The file's entries not asked for this session first, then this session's: the newest last.
    const all: [string, unknown][] = Object.entries(this.read).filter(([t, e]) => !this.terms.has(t) && valid(e));
    for (const [t, a] of this.terms) all.push([t, [a.units, a.unknownUnits, a.truncated ? 1 : 0]]);
    const kept = all.length > MAX_TERMS ? all.slice(all.length - MAX_TERMS) : all;
    // No prototype: a term may be "__proto__".
    const terms = Object.create(null) as Record<string, unknown>;
    for (const [t, e] of kept) terms[t] = e;
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify({ format: FORMAT, fingerprint: this.fingerprint, terms }));
      renameSync(tmp, this.file);
      this.added = 0;
    } catch (e) {
      try {
        unlinkSync(tmp);
      } catch {
        // Never created.
      }
      log(`term analyses ${this.file}: ${(e as Error).message}; the next open analyses the terms again`);
    }
  }
}
