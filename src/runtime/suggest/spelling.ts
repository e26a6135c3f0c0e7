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
  tools = {
    toSimplified,
    pinyin: (text) => pinyin(text, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true }).join(' '),
    editDistance: distance,
  };
  return tools;
}
