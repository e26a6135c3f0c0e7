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

  /** The index of `word`, or −1. */
  private find(word: string): number {
    let h = 0x811c9dc5;
    for (let k = 0; k < word.length; k++) h = Math.imul(h ^ word.charCodeAt(k), 0x01000193);
    for (let slot = h & this.mask; ; slot = (slot + 1) & this.mask) {
      const w = this.slots[slot]! - 1;
      if (w < 0) return -1;
      if (this.length[w] === word.length && this.text.startsWith(word, this.start[w]!)) return w;
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

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc]/u;
const LATIN = /[a-z]/;

/**
 * Forward longest-match segmentation of a CJK run (an array of code points) into vocabulary words of
 * ≥ 2 characters; characters not covered come back as single-character segments flagged unknown.
 */
export function segmentRun(chars: readonly string[], vocab: LexiconVocabulary, maxWordLength: number): { word: string; known: boolean }[] {
  const out: { word: string; known: boolean }[] = [];
  // Candidates are slices of the joined run at code-point offsets: one string per probe, no arrays.
  const run = chars.join('');
  const offset = new Array<number>(chars.length + 1);
  offset[0] = 0;
  for (let k = 0; k < chars.length; k++) offset[k + 1] = offset[k]! + chars[k]!.length;
  let i = 0;
  while (i < chars.length) {
    let matched = 0;
    let word = '';
    for (let len = Math.min(maxWordLength, chars.length - i); len >= 2; len--) {
      word = run.slice(offset[i]!, offset[i + len]!);
      if (vocab.has(word)) {
        matched = len;
        break;
      }
    }
    if (matched > 0) {
      out.push({ word, known: true });
      i += matched;
    } else {
      out.push({ word: chars[i]!, known: false });
      i += 1;
    }
  }
  return out;
}

/** Looks a text up in the lexicon (rules in the module comment). */
export function lexiconLookup(text: string, vocab: LexiconVocabulary, config: Pick<LexiconConfig, 'maxUnknownShare' | 'maxWordLength'>): LexiconLookup {
  const s = text.normalize('NFKC').toLowerCase(); // as the char half's normalizeText
  const rows: number[] = [];
  const segments: string[] = [];
  let unknownChars = 0;
  const add = (word: string): boolean => {
    const row = vocab.get(word);
    if (row === undefined) return false;
    rows.push(row);
    segments.push(word);
    return true;
  };
  const chars = Array.from(s);
  let i = 0;
  while (i < chars.length) {
    const ch = chars[i]!;
    if (CJK.test(ch)) {
      const run: string[] = [];
      while (i < chars.length && CJK.test(chars[i]!)) run.push(chars[i++]!);
      if (add(run.join(''))) continue;
      const segs = segmentRun(run, vocab, config.maxWordLength);
      const unknown = segs.filter((x) => !x.known).length;
      unknownChars += unknown;
      const keepChars = unknown / run.length <= config.maxUnknownShare;
      for (const seg of segs) if (seg.known || keepChars) add(seg.word);
    } else if (LATIN.test(ch)) {
      let word = '';
      while (i < chars.length && LATIN.test(chars[i]!)) word += chars[i++]!;
      if (ENGLISH_STOP_WORDS.has(word) || word.length < 2) continue;
      for (const form of englishBaseForms(word)) if (add(form)) break;
    } else i++;
  }
  return { rows, segments, unknownChars };
}
