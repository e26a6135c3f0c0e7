/**
 * The spelling tools of the variant checks (core/suggest/kinds.ts) over their packages:
 * `opencc-js` (traditional → simplified, OpenCC's tables), `pinyin-pro` (toneless pinyin) and
 * `fastest-levenshtein`.
 */
import * as OpenCC from 'opencc-js';
import { pinyin } from 'pinyin-pro';
import { distance } from 'fastest-levenshtein';
import type { SpellingTools } from '../../core/suggest/kinds';

let tools: SpellingTools | undefined;

/** The shared tools (OpenCC's tables are built on first use). */
export function spellingTools(): SpellingTools {
  if (tools) return tools;
  // Taiwan traditional to mainland simplified: OpenCC's Taiwan variants, then its
  // traditional-to-simplified characters (standard traditional text reads the same way).
  const toSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' });
  const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });
  tools = {
    toSimplified: memo(toSimplified),
    toTraditional: memo(toTraditional),
    pinyin: memo((text) => pinyin(text, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true }).join(' ')),
    editDistance: distance,
  };
  return tools;
}

/** Entries a memo keeps before it starts over (a 100,000-term list and its dictionary fit). */
const MEMO_LIMIT = 500_000;

/** `f` remembering its results: a ranking classifies each term against many others. */
function memo(f: (text: string) => string): (text: string) => string {
  const seen = new Map<string, string>();
  return (text) => {
    let out = seen.get(text);
    if (out === undefined) {
      if (seen.size >= MEMO_LIMIT) seen.clear();
      out = f(text);
      seen.set(text, out);
    }
    return out;
  };
}
