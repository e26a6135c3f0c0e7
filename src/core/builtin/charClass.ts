/**
 * Character classes the built-in model splits text by (both halves: the featuriser's runs and the
 * lexicon's CJK runs), memoised per code point: the regexes run once per distinct character, and a
 * dictionary repeats few characters. Pure TS.
 */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc]/u;
const WORD = /[\p{L}\p{N}\p{M}]/u;

/** Separates runs, yields no feature (spaces, punctuation, symbols, emoji). */
export const OTHER = 0;
/** Han, Hiragana, Katakana (with `ー`), Hangul. */
export const CJK_CHAR = 1;
/** Letters, digits and combining marks of other scripts. */
export const WORD_CHAR = 2;
export type CharClass = typeof OTHER | typeof CJK_CHAR | typeof WORD_CHAR;

/** Class + 1 of each BMP code point once seen (0: not yet). */
const bmp = new Uint8Array(0x10000);
const astral = new Map<number, CharClass>();

function classify(cp: number): CharClass {
  const ch = String.fromCodePoint(cp);
  return CJK.test(ch) ? CJK_CHAR : WORD.test(ch) ? WORD_CHAR : OTHER;
}

/** Character class of one code point (a lone surrogate is `OTHER`, as the regexes say). */
export function charClass(cp: number): CharClass {
  if (cp < 0x80) {
    // ASCII, identical to the regexes: letters and digits form words, the rest separates.
    return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) ? WORD_CHAR : OTHER;
  }
  if (cp < 0x10000) {
    const c = bmp[cp]!;
    if (c !== 0) return (c - 1) as CharClass;
    const k = classify(cp);
    bmp[cp] = k + 1;
    return k;
  }
  let c = astral.get(cp);
  if (c === undefined) {
    c = classify(cp);
    if (astral.size < 65536) astral.set(cp, c);
  }
  return c;
}

/**
 * Finds the next run at or after `s[i]` (separators skipped): writes the UTF-16 offsets of its code
 * points into `offsets` from index 0, then the run's end, and returns how many code points it has
 * (0: no run left). Its class is `charClass` of its first code point. `offsets` needs room for
 * `s.length − i + 1` entries.
 */
export function nextRun(s: string, i: number, offsets: Int32Array): number {
  let cls: CharClass = OTHER;
  while (i < s.length) {
    const cp = s.codePointAt(i)!;
    cls = charClass(cp);
    if (cls !== OTHER) break;
    i += cp > 0xffff ? 2 : 1;
  }
  let m = 0;
  while (i < s.length) {
    const cp = s.codePointAt(i)!;
    if (charClass(cp) !== cls) break;
    offsets[m++] = i;
    i += cp > 0xffff ? 2 : 1;
  }
  offsets[m] = i;
  return m;
}
