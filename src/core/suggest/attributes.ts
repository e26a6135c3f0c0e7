/**
 * The attribute stop-list: words that name a property of a thing rather than the thing (colours,
 * sizes, years, model numbers). Embeddings put `red bike` next to `blue bike` and `iPhone 14` next
 * to `iPhone 15`, but a search engine must not rewrite one into the other, so a candidate pair
 * whose terms are the same once their attributes are taken out, and whose attributes differ, is
 * never suggested as a synonym.
 *
 * Words come from a default list (English and Chinese) plus a per-dictionary file next to the
 * dictionary (`attributesPathFor`), one word a line.
 */

import { termKey } from '../dictionary';
import { sidecarPath } from '../decisions';

/** The default attribute words (compared after `termKey`: NFKC, trimmed, lower case). */
export const DEFAULT_ATTRIBUTE_WORDS: readonly string[] = [
  // colours
  'red', 'blue', 'green', 'black', 'white', 'yellow', 'pink', 'purple', 'orange', 'grey', 'gray', 'brown',
  'silver', 'gold', 'golden', 'beige', 'navy', 'violet', 'cyan', 'magenta', 'maroon', 'turquoise',
  '红色', '蓝色', '绿色', '黑色', '白色', '黄色', '粉色', '粉红色', '紫色', '橙色', '灰色', '棕色', '咖啡色', '银色',
  '金色', '米色', '卡其色', '藏青色', '深蓝色', '浅蓝色', '天蓝色', '玫瑰金', '香槟色',
  // sizes
  'xxs', 'xs', 's', 'm', 'l', 'xl', 'xxl', 'xxxl', 'small', 'medium', 'large', 'mini', 'plus', 'max', 'pro',
  '大号', '中号', '小号', '加大', '加大码', '特大号', '均码', '迷你', '大码', '小码', '中码',
  // ages and seasons
  'new', 'old', 'spring', 'summer', 'autumn', 'fall', 'winter', '新款', '旧款', '春季', '夏季', '秋季', '冬季', '春款',
  '夏款', '秋款', '冬款', '男款', '女款', '男士', '女士', '儿童', '童装',
];

/** Numbers, with a unit or a year suffix if any: `2024`, `2024款`, `128gb`, `15.6寸`, `500 ml`. */
const NUMBER = /\d+(?:\.\d+)?\s*(?:年款|年|款|gb|tb|mb|g|kg|mg|ml|l|cm|mm|m|km|寸|英寸|码|号|升|克|千克|公斤|斤|米|厘米|毫米|英尺|inch|in)?(?![\p{Script=Latin}\d])/giu;

const LATIN_WORD = /^[\p{Script=Latin}\d' ]+$/u;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A term with its attributes taken out. */
export interface StrippedTerm {
  /** What is left, white space and hyphens collapsed to one space, trimmed. */
  rest: string;
  /** The attributes found, sorted. */
  attributes: string[];
}

/** A compiled attribute stop-list. */
export class AttributeList {
  private readonly pattern: RegExp | undefined;
  readonly size: number;

  /** @param words attribute words (any case and width; blank entries ignored). */
  constructor(words: Iterable<string> = DEFAULT_ATTRIBUTE_WORDS) {
    const keys = [...new Set([...words].map(termKey).filter((w) => w !== ''))].sort((a, b) => b.length - a.length);
    this.size = keys.length;
    // Latin words match whole words only (`s` is a size, not the s of `bus`); others (CJK) match
    // anywhere, longest first.
    const parts = keys.map((w) => (LATIN_WORD.test(w) ? `(?<![\\p{L}\\p{N}])${escape(w)}(?![\\p{L}\\p{N}])` : escape(w)));
    this.pattern = parts.length ? new RegExp(parts.join('|'), 'gu') : undefined;
  }

  /** Stripped terms seen so far: a ranking checks each term against many others. */
  private readonly stripped = new Map<string, StrippedTerm>();

  /** `term` (by `termKey`) with its numbers and attribute words taken out. */
  strip(term: string): StrippedTerm {
    let out = this.stripped.get(term);
    if (!out) {
      if (this.stripped.size >= 500_000) this.stripped.clear();
      out = this.stripUncached(term);
      this.stripped.set(term, out);
    }
    return out;
  }

  private stripUncached(term: string): StrippedTerm {
    const attributes: string[] = [];
    const take = (m: string) => {
      attributes.push(m.replace(/\s+/g, ''));
      return ' ';
    };
    let rest = termKey(term).replace(NUMBER, take);
    if (this.pattern) rest = rest.replace(this.pattern, take);
    return { rest: rest.replace(/[\s\-_‐‑–—·・]+/g, ' ').trim(), attributes: attributes.sort() };
  }

  /**
   * Whether `a` and `b` are the same thing with different attributes (`red bike` / `blue bike`,
   * `2023款卡罗拉` / `2024款卡罗拉`): equal and non-empty once attributes are taken out, with
   * different attributes.
   */
  differOnlyInAttributes(a: string, b: string): boolean {
    const x = this.strip(a);
    const y = this.strip(b);
    return x.rest !== '' && x.rest === y.rest && x.attributes.join('\u0000') !== y.attributes.join('\u0000');
  }
}

/**
 * Words of a per-dictionary attribute file: one a line, trimmed; blank lines and lines starting
 * with `#` skipped.
 */
export function parseAttributeWords(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** The attribute file of a dictionary: its path with the last extension replaced by `.attributes.txt`. */
export function attributesPathFor(dictionaryPath: string): string {
  return sidecarPath(dictionaryPath, '.attributes.txt');
}
