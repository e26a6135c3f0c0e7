/**
 * The lexicon half of the embedded model `char-ngram-v2`: a term → rows of its meaning table.
 *
 * The vocabulary (one word a line in the model folder's `lexicon.txt`, its line number is its row)
 * holds CC-CEDICT headwords (simplified and traditional), their characters, and English gloss words.
 * A term is normalised like the char half (NFKC, lower-case) and split into runs:
 * - a CJK run is looked up whole; else segmented by forward longest match into vocabulary words of
 *   two or more characters; the characters left over get their own single-character rows only when
 *   their share of the run is at most `maxUnknownShare` (per-character meaning turns transliterated
 *   names such as 凯美瑞 into 美好; the share was chosen on measured data, docs/models.md);
 * - a Latin word is looked up as it is, else by a few English inflection rules (cars → car,
 *   studies → study, parked → park); stop words and unknown words add nothing.
 * Every row found weighs 1 (the graph sums the rows and L2-normalises the half).
 *
 * Pure TS, no node types: the server, the CLI and training share it.
 */
import { charClass, CJK_CHAR, nextRun } from './charClass';

/** Parameters of the lexicon half, recorded in config.json under `featurizer.lexicon`. */
export interface LexiconConfig {
  /** Rows of the meaning table = lines of `lexicon.txt`. */
  readonly rows: number;
  /** Columns of the meaning table. */
  readonly dimension: number;
  /** Weight α of the meaning half: embedding = [√(1−α)·char ; √α·meaning], each half unit length. */
  readonly alpha: number;
  /** Largest share of a CJK run's characters outside multi-character words that still gets per-character rows. */
  readonly maxUnknownShare: number;
  /** Longest vocabulary word tried by the segmenter (code points). */
  readonly maxWordLength: number;
}

/** Word list of the lexicon: word → row (what lookups need of it). */
export interface LexiconVocabulary {
  get(word: string): number | undefined;
  has(word: string): boolean;
  /** The row of the word `s[start, end)` + `tail`, or −1: `get` without making the string. */
  rowOf(s: string, start: number, end: number, tail?: string): number;
  readonly size: number;
}

/**
 * Parses `lexicon.txt`: line r lists the words of row r separated by tabs (headwords with the same
 * senses, e.g. simplified and traditional forms, share a row). A word listed twice belongs to its
 * last row.
 */
export function parseLexiconVocabulary(text: string, rows: number): LexiconVocabulary {
  return new LexiconTable(text, rows);
}

/**
 * The vocabulary as an open-addressing hash table over offsets into `lexicon.txt`'s text: no
 * string per word and no Map entry, so the model loads in a fraction of the time a Map of its
 * 234,000 words takes to build (docs/models.md). Words are compared in place (`startsWith`).
 */
class LexiconTable implements LexiconVocabulary {
  private readonly start: Int32Array;
  private readonly length: Int32Array;
  private readonly row: Int32Array;
  /** Slot → word index + 1 (0: empty); the capacity is a power of two, at least twice the words. */
  private readonly slots: Int32Array;
  private readonly mask: number;
  private words = 0;

  constructor(
    private readonly text: string,
    rows: number,
  ) {
    let lines = 0;
    let tabs = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) lines++;
      else if (c === 9) tabs++;
    }
    if (text.length > 0 && text.charCodeAt(text.length - 1) !== 10) lines++;
    if (lines !== rows) throw new Error(`lexicon.txt has ${lines} lines, config.json says ${rows} rows`);
    const most = lines + tabs;
    this.start = new Int32Array(most);
    this.length = new Int32Array(most);
    this.row = new Int32Array(most);
    let capacity = 16;
    while (capacity < 2 * most) capacity *= 2;
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
    let r = 0;
    let from = 0;
    for (let i = 0; i <= text.length; i++) {
      const c = i < text.length ? text.charCodeAt(i) : 10;
      if (c !== 10 && c !== 9) continue;
      if (i > from) this.insert(from, i - from, r);
      from = i + 1;
      if (c === 10) {
        r++;
        if (i + 1 >= text.length) break;
      }
    }
  }

  get size(): number {
    return this.words;
  }

  has(word: string): boolean {
    return this.find(word) >= 0;
  }

  get(word: string): number | undefined {
    const w = this.find(word);
    return w < 0 ? undefined : this.row[w];
  }

  rowOf(s: string, start: number, end: number, tail = ''): number {
    const w = this.find(s, start, end, tail);
    return w < 0 ? -1 : this.row[w]!;
  }

  /** The index of the word `s[start, end)` + `tail` (default: all of `s`), or −1. */
  private find(s: string, start = 0, end = s.length, tail = ''): number {
    let h = 0x811c9dc5;
    for (let k = start; k < end; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
    for (let k = 0; k < tail.length; k++) h = Math.imul(h ^ tail.charCodeAt(k), 0x01000193);
    const length = end - start + tail.length;
    const text = this.text;
    probe: for (let slot = h & this.mask; ; slot = (slot + 1) & this.mask) {
      const w = this.slots[slot]! - 1;
      if (w < 0) return -1;
      if (this.length[w] !== length) continue;
      const at = this.start[w]! - start;
      for (let k = start; k < end; k++) if (text.charCodeAt(at + k) !== s.charCodeAt(k)) continue probe;
      const tailAt = at + end;
      for (let k = 0; k < tail.length; k++) if (text.charCodeAt(tailAt + k) !== tail.charCodeAt(k)) continue probe;
      return w;
    }
  }

  private insert(start: number, length: number, row: number): void {
    const text = this.text;
    let h = 0x811c9dc5;
    for (let k = start; k < start + length; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193);
    for (let slot = h & this.mask; ; slot = (slot + 1) & this.mask) {
      const w = this.slots[slot]! - 1;
      if (w < 0) {
        this.start[this.words] = start;
        this.length[this.words] = length;
        this.row[this.words] = row;
        this.slots[slot] = ++this.words;
        return;
      }
      if (this.length[w] === length && text.startsWith(text.slice(start, start + length), this.start[w]!)) {
        this.row[w] = row; // listed again: its last row, as a map would keep it
        return;
      }
    }
  }
}

/** `lexicon.txt` text for rows of words (the inverse of `parseLexiconVocabulary`). */
export function formatLexiconVocabulary(rowWords: readonly (readonly string[])[]): string {
  return rowWords.map((ws) => ws.join('\t')).join('\n') + '\n';
}

/** Checks `featurizer.lexicon` of a config.json; returns it typed or throws naming the bad field. */
export function parseLexiconConfig(value: unknown): LexiconConfig {
  if (typeof value !== 'object' || value === null) throw new Error('featurizer config: "lexicon" must be an object');
  const v = value as Record<string, unknown>;
  const num = (key: string, ok: (x: number) => boolean, what: string): number => {
    const x = v[key];
    if (typeof x !== 'number' || !Number.isFinite(x) || !ok(x)) throw new Error(`featurizer config: "lexicon.${key}" must be ${what}`);
    return x;
  };
  const posInt = (x: number): boolean => Number.isInteger(x) && x > 0;
  return {
    rows: num('rows', posInt, 'a positive integer'),
    dimension: num('dimension', posInt, 'a positive integer'),
    alpha: num('alpha', (x) => x > 0 && x < 1, 'in (0, 1)'),
    maxUnknownShare: num('maxUnknownShare', (x) => x >= 0 && x <= 1, 'in [0, 1]'),
    maxWordLength: num('maxWordLength', posInt, 'a positive integer'),
  };
}

/** How one text was looked up: its rows (each weighs 1) and the segments that found them. */
export interface LexiconLookup {
  readonly rows: number[];
  readonly segments: string[];
  /** Characters of CJK runs covered by no vocabulary word (kept or dropped per the policy). */
  readonly unknownChars: number;
}

/** English words that carry no meaning of their own in a gloss or a term. */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above across after again against all almost along also although always am among an and
another any anyone anything are around as at away back be became because become been before being
below between both but by can cannot could did do does doing done down during each either else
enough etc even ever every few for from further get gets getting give given go goes going got had
has have having he her here hers herself him himself his how however i if in into is it its itself
just least less let like made make makes many may me might more most much must my myself neither
no nor not of off often on once one ones oneself only or other others otherwise our ours ourselves
out over own per perhaps quite rather really same several shall she should since so some somebody
someone something sometimes such than that the their theirs them themselves then there these they
this those though through thus to too toward towards under until up upon us used using usually very
via was we were what whatever when where whether which while who whom whose why will with within
without would yet you your yours yourself
sth sb lit fig abbr abbreviation variant old archaic literary coll colloquial dialect tw
esp usu cl classifier pr see written surname erhua equivalent kind type form term`.split(/\s+/),
);

/** Suffix rules (suffix, replacement) tried in order when an English word is not in the vocabulary. */
const INFLECTIONS: readonly (readonly [string, string])[] = [
  ['ies', 'y'],
  ['ses', 's'],
  ['xes', 'x'],
  ['zes', 'z'],
  ['ches', 'ch'],
  ['shes', 'sh'],
  ['men', 'man'],
  ['s', ''],
  ['ed', 'e'],
  ['ed', ''],
  ['ing', 'e'],
  ['ing', ''],
  ['er', ''],
  ['est', ''],
];

/** The base forms of an English word by the suffix rules above (the word itself first). */
export function englishBaseForms(word: string): string[] {
  const out = [word];
  for (const [suffix, rep] of INFLECTIONS) {
    if (word.length > suffix.length + 1 && word.endsWith(suffix)) out.push(word.slice(0, -suffix.length) + rep);
  }
  return out;
}

/** Receives what a lexicon scan finds: a row and its segment, `s[start, end)` + `tail` of the normalised text. */
interface LexiconSink {
  add(row: number, s: string, start: number, end: number, tail: string): void;
}

/** The stop words as a table, so a word of the text is tested without making its string. */
let stopWords: LexiconTable | undefined;

// Per CJK run being segmented (grown as needed): its code points' UTF-16 offsets (plus the end),
// and per segment its start and end in code points and its row (−1: none).
let cpOffsets = new Int32Array(64);
let segFrom = new Int32Array(64);
let segTo = new Int32Array(64);
let segRow = new Int32Array(64);

/**
 * Looks up the normalised text `s` (rules in the module comment), giving each row found to `sink`;
 * returns the count of CJK characters covered by no vocabulary word. Strings are made only for a
 * whole text, never per run, segment or candidate word.
 */
function scanLexicon(s: string, vocab: LexiconVocabulary, config: Pick<LexiconConfig, 'maxUnknownShare' | 'maxWordLength'>, sink: LexiconSink): number {
  stopWords ??= new LexiconTable([...ENGLISH_STOP_WORDS].join('\n'), ENGLISH_STOP_WORDS.size);
  let unknownChars = 0;
  let i = 0;
  while (i < s.length) {
    const cp0 = s.codePointAt(i)!;
    if (cp0 >= 0x61 && cp0 <= 0x7a) {
      const from = i;
      while (i < s.length && s.charCodeAt(i) >= 0x61 && s.charCodeAt(i) <= 0x7a) i++;
      const length = i - from;
      if (length < 2 || stopWords.rowOf(s, from, i) >= 0) continue;
      // The word itself, else its base forms by the suffix rules, in order (`englishBaseForms`).
      let row = vocab.rowOf(s, from, i);
      if (row >= 0) sink.add(row, s, from, i, '');
      else {
        for (const [suffix, rep] of INFLECTIONS) {
          if (length <= suffix.length + 1 || !s.endsWith(suffix, i)) continue;
          row = vocab.rowOf(s, from, i - suffix.length, rep);
          if (row >= 0) {
            sink.add(row, s, from, i - suffix.length, rep);
            break;
          }
        }
      }
      continue;
    }
    if (charClass(cp0) !== CJK_CHAR) {
      i += cp0 > 0xffff ? 2 : 1;
      continue;
    }
    const from = i;
    if (cpOffsets.length < s.length + 1) cpOffsets = grownInts(cpOffsets, s.length + 1);
    const m = nextRun(s, i, cpOffsets);
    i = cpOffsets[m]!;
    const whole = vocab.rowOf(s, from, i);
    if (whole >= 0) {
      sink.add(whole, s, from, i, '');
      continue;
    }
    const unknown = segmentInto(s, m, vocab, config.maxWordLength);
    unknownChars += unknown;
    const keepChars = unknown / m <= config.maxUnknownShare;
    for (let g = 0; g < lastSegmentation.count; g++) {
      const known = segTo[g]! - segFrom[g]! > 1;
      if ((known || keepChars) && segRow[g]! >= 0) sink.add(segRow[g]!, s, cpOffsets[segFrom[g]!]!, cpOffsets[segTo[g]!]!, '');
    }
  }
  return unknownChars;
}

/** Segments of the last `segmentInto`: how many, and how many single characters no word covered. */
const lastSegmentation = { count: 0, unknown: 0 };

function grownInts(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/**
 * Forward longest-match segmentation of the CJK run whose `m` code points start at `cpOffsets` in
 * `s` into vocabulary words of ≥ 2 characters (`segmentRun`), into `segFrom`/`segTo`/`segRow`;
 * a character no word covers is a segment of its own with its own row, if any. Returns the count
 * of those characters.
 */
function segmentInto(s: string, m: number, vocab: LexiconVocabulary, maxWordLength: number): number {
  if (m > segFrom.length) {
    segFrom = grownInts(segFrom, m);
    segTo = grownInts(segTo, m);
    segRow = grownInts(segRow, m);
  }
  let count = 0;
  let unknown = 0;
  let c = 0;
  while (c < m) {
    let len = Math.min(maxWordLength, m - c);
    let row = -1;
    for (; len >= 2; len--) {
      row = vocab.rowOf(s, cpOffsets[c]!, cpOffsets[c + len]!);
      if (row >= 0) break;
    }
    if (len < 2) {
      len = 1;
      row = vocab.rowOf(s, cpOffsets[c]!, cpOffsets[c + 1]!);
      unknown++;
    }
    segFrom[count] = c;
    segTo[count] = c + len;
    segRow[count++] = row;
    c += len;
  }
  lastSegmentation.count = count;
  lastSegmentation.unknown = unknown;
  return unknown;
}

/**
 * Forward longest-match segmentation of a CJK run (an array of code points) into vocabulary words of
 * ≥ 2 characters; characters not covered come back as single-character segments flagged unknown.
 */
export function segmentRun(chars: readonly string[], vocab: LexiconVocabulary, maxWordLength: number): { word: string; known: boolean }[] {
  const run = chars.join('');
  const m = chars.length;
  if (m + 1 > cpOffsets.length) cpOffsets = grownInts(cpOffsets, m + 1);
  cpOffsets[0] = 0;
  for (let k = 0; k < m; k++) cpOffsets[k + 1] = cpOffsets[k]! + chars[k]!.length;
  segmentInto(run, m, vocab, maxWordLength);
  const out: { word: string; known: boolean }[] = [];
  for (let g = 0; g < lastSegmentation.count; g++) out.push({ word: run.slice(cpOffsets[segFrom[g]!]!, cpOffsets[segTo[g]!]!), known: segTo[g]! - segFrom[g]! > 1 });
  return out;
}

/** Looks a text up in the lexicon (rules in the module comment). */
export function lexiconLookup(text: string, vocab: LexiconVocabulary, config: Pick<LexiconConfig, 'maxUnknownShare' | 'maxWordLength'>): LexiconLookup {
  const rows: number[] = [];
  const segments: string[] = [];
  const unknownChars = scanLexicon(text.normalize('NFKC').toLowerCase(), vocab, config, {
    add(row, s, start, end, tail) {
      rows.push(row);
      segments.push(s.slice(start, end) + tail);
    },
  });
  return { rows, segments, unknownChars };
}

/** Lexicon rows of many texts one after another (text t's are `rows[start[t], start[t + 1])`), grown as needed. */
export class LexiconRows implements LexiconSink {
  rows = new Int32Array(1024);
  start = new Int32Array(257);
  texts = 0;
  private end = 0;

  /** Empties the buffers for reuse (their memory is kept). */
  clear(): void {
    this.texts = 0;
    this.end = 0;
  }

  /** Rows of text `t`. */
  count(t: number): number {
    return this.start[t + 1]! - this.start[t]!;
  }

  add(row: number): void {
    if (this.end === this.rows.length) this.rows = grownInts(this.rows, this.end + 1);
    this.rows[this.end++] = row;
  }

  /** Closes the rows of the text being added. */
  next(): void {
    if (this.texts + 2 > this.start.length) this.start = grownInts(this.start, this.texts + 2);
    this.start[++this.texts] = this.end;
  }
}

/** `lexiconLookup(text, …).rows` appended to `out` as its next text, with no array or string per segment. */
export function lexiconRowsInto(text: string, vocab: LexiconVocabulary, config: Pick<LexiconConfig, 'maxUnknownShare' | 'maxWordLength'>, out: LexiconRows): void {
  scanLexicon(text.normalize('NFKC').toLowerCase(), vocab, config, out);
  out.next();
}
