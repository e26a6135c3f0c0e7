/**
 * Spelling variants: a candidate that is the same word spelled another way is not a synonym
 * decision (a curator accepts those in bulk), so it gets its own kind. The checks run as a
 * cascade, each on the previous one's normalised text, and the kind is the first check that makes
 * the two terms equal — `Ｅ-Bike` / `ebike` is a spacing variant once width and case are folded.
 *
 * The conversions that need tables (traditional → simplified Chinese, pinyin) and the edit
 * distance come in through `SpellingTools`, so core stays free of packages; the runtime layer
 * builds them from `opencc-js`, `pinyin-pro` and `fastest-levenshtein`.
 */

/** What a candidate pair is: a synonym decision, or a spelling variant of one kind. */
export type CandidateKind = 'synonym' | VariantKind;

/** The spelling-variant kinds, in cascade order. */
export type VariantKind = 'width' | 'case' | 'traditional-simplified' | 'spacing' | 'pinyin' | 'edit-distance';

export const VARIANT_KINDS: readonly VariantKind[] = ['width', 'case', 'traditional-simplified', 'spacing', 'pinyin', 'edit-distance'];

/** Conversions the variant checks need, supplied by the caller. */
export interface SpellingTools {
  /** Traditional Chinese characters converted to simplified ones; other text unchanged. */
  toSimplified(text: string): string;
  /** Simplified Chinese characters converted to traditional ones; other text unchanged. */
  toTraditional(text: string): string;
  /** The toneless pinyin of the text's Han characters, syllables separated by one space; other characters kept. */
  pinyin(text: string): string;
  /** Levenshtein distance in UTF-16 code units. */
  editDistance(a: string, b: string): number;
}

const HAN = /\p{Script=Han}/u;
/** White space, hyphens, underscores, dots and middle dots: what "spacing" variants differ in. */
const SPACING = /[\s\-_‐‑‒–—―.·・･]+/gu;

/** Whether a text contains a Han (Chinese) character. */
export function hasHan(text: string): boolean {
  return HAN.test(text);
}

/**
 * The kind of the pair (a, b) (see the module comment):
 * 1. `width` — equal after Unicode NFKC (full-width `ＳＵＶ` / `SUV`);
 * 2. `case` — equal ignoring case;
 * 3. `traditional-simplified` — equal once traditional characters are simplified (`自行車` / `自行车`);
 * 4. `spacing` — equal ignoring white space, hyphens, underscores and dots (`e-bike` / `ebike`);
 * 5. `pinyin` — both Chinese and the same toneless pinyin (an input-method slip: `帐号` / `账号`);
 * 6. `edit-distance` — neither Chinese, at least 4 characters, and 1 edit apart (2 from 8
 *    characters on; two adjacent letters swapped count as 1) — a typo (`iphone` / `iphnoe`). Chinese terms one character apart are
 *    usually different words (`红酒` / `白酒`), so the check is not applied to them;
 * otherwise `synonym`. Two identical (trimmed) terms are `width` variants of themselves.
 */
export function classifyPair(a: string, b: string, tools: SpellingTools): CandidateKind {
  let x = a.trim().normalize('NFKC');
  let y = b.trim().normalize('NFKC');
  if (x === y) return 'width';
  x = x.toLowerCase();
  y = y.toLowerCase();
  if (x === y) return 'case';
  // Both ways: the conversions are not inverse (著 stays 著 when simplified, though 着 becomes
  // 著 when made traditional), and a term is a script variant when either way makes them equal.
  x = tools.toSimplified(x);
  y = tools.toSimplified(y);
  const xt = tools.toTraditional(x);
  const yt = tools.toTraditional(y);
  if (x === y || xt === yt) return 'traditional-simplified';
  x = x.replace(SPACING, '');
  y = y.replace(SPACING, '');
  if (x === y || xt.replace(SPACING, '') === yt.replace(SPACING, '')) return 'spacing';
  const hanX = hasHan(x);
  const hanY = hasHan(y);
  if (hanX && hanY) return tools.pinyin(x) === tools.pinyin(y) ? 'pinyin' : 'synonym';
  if (hanX || hanY) return 'synonym';
  const longer = Math.max(x.length, y.length);
  if (Math.min(x.length, y.length) < 4) return 'synonym';
  if (isTransposition(x, y)) return 'edit-distance';
  return tools.editDistance(x, y) <= (longer >= 8 ? 2 : 1) ? 'edit-distance' : 'synonym';
}

/** Whether `y` is `x` with two adjacent characters swapped (a typo Levenshtein counts as 2 edits). */
function isTransposition(x: string, y: string): boolean {
  if (x.length !== y.length) return false;
  let i = 0;
  while (i < x.length && x[i] === y[i]) i++;
  return i + 1 < x.length && x[i] === y[i + 1] && x[i + 1] === y[i] && x.slice(i + 2) === y.slice(i + 2);
}

/**
 * The key under which spelling variants of the first four kinds meet: NFKC, lower case,
 * simplified then back to traditional (one spelling per character either way), without spacing. Two terms with the same key are a width, case,
 * traditional-simplified or spacing variant of each other.
 */
export function variantKey(term: string, tools: SpellingTools): string {
  return tools.toTraditional(tools.toSimplified(term.trim().normalize('NFKC').toLowerCase())).replace(SPACING, '');
}

/** The key under which `pinyin` variants meet (`variantKey`'s pinyin), or undefined for a term without Han characters. */
export function pinyinKey(term: string, tools: SpellingTools): string | undefined {
  const key = variantKey(term, tools);
  return hasHan(key) ? tools.pinyin(key) : undefined;
}
