// Generated Solr synonym files: rules built from pieces that exercise every corner of the format
// (escapes, `=>` and `,` separators with odd spacing, comments, blank lines, mixed line endings,
// white space Java trims and white space it does not, CJK and emoji terms), and some that Lucene
// refuses (two `=>`, a term of white space only).
import { Random } from '../../src/core/random';

const WORDS = ['a', 'b', 'foo', 'Bar', '普拉多', '霸道SUV', '陆地巡洋舰', '发动机', '引擎', 'x-y', '😀', 'tv', 'i-pod'];
const ODD = ['\\,', '\\=>', '\\\\', '\\ ', '\\#', '=', '>', '#', '\t', '\u3000', '\u00a0', '\\'];
const SEP_SPACE = ['', ' ', '  ', '\t', '\u3000'];

function term(r: Random): string {
  let s = WORDS[r.nextInt(WORDS.length)];
  const n = r.nextInt(4);
  for (let i = 0; i < n; i++) {
    const k = r.nextInt(10);
    if (k < 5) s += ' ' + WORDS[r.nextInt(WORDS.length)];
    else s += ODD[r.nextInt(ODD.length)] + (r.nextInt(2) ? WORDS[r.nextInt(WORDS.length)] : '');
  }
  return s;
}

function side(r: Random, min: number): string {
  const n = min + r.nextInt(4);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const sp = () => SEP_SPACE[r.nextInt(SEP_SPACE.length)];
    // Now and then an empty piece (`a,,b`) or a piece of white space only (refused).
    const k = r.nextInt(60);
    parts.push(k === 0 ? '' : k === 1 ? ' ' : sp() + term(r) + sp());
  }
  return parts.join(',');
}

function line(r: Random): string {
  const k = r.nextInt(100);
  if (k < 8) return '';
  if (k < 16) return '#' + side(r, 1);
  if (k < 19) return ' # ' + term(r);
  if (k < 55) return side(r, 1);
  if (k < 97) return side(r, 1) + ['=>', ' => ', '=> ', ' =>'][r.nextInt(4)] + side(r, 1);
  if (k < 98) return side(r, 1) + ' => ' + side(r, 1) + ' => ' + side(r, 1);
  return '=>' + side(r, 1);
}

/** `count` files from `seed`, each 1–25 lines with `\n`, `\r\n` and lone `\r` line ends. */
export function generateSolrFiles(seed: number, count: number): string[] {
  const r = new Random(seed);
  const files: string[] = [];
  for (let f = 0; f < count; f++) {
    const n = 1 + r.nextInt(25);
    let text = '';
    for (let i = 0; i < n; i++) {
      const e = r.nextInt(20);
      text += line(r) + (i === n - 1 && r.nextInt(3) === 0 ? '' : e === 0 ? '\r' : e < 4 ? '\r\n' : '\n');
    }
    files.push(text);
  }
  return files;
}
