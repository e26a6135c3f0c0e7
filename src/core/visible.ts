/**
 * Making text from user files safe to show: control characters and invisible bidirectional
 * formatting characters become visible escapes, so a term cannot clear a terminal (`ESC[2J`),
 * plant a hyperlink (OSC 8), or reorder the text around it (U+202E RIGHT-TO-LEFT OVERRIDE) in a
 * hover, a diagnostic, the table or the CLI's output. One function, used by every surface.
 */

/**
 * C0 controls, DEL, C1 controls, and the bidi controls: ALM (U+061C), LRM/RLM (U+200E/U+200F),
 * the embeddings and overrides (U+202A–U+202E), the isolates (U+2066–U+2069); also the line and
 * paragraph separators (U+2028/U+2029), which break a line where none is seen.
 */
const INVISIBLE: readonly (readonly [number, number])[] = [
  [0x00, 0x1f],
  [0x7f, 0x9f],
  [0x61c, 0x61c],
  [0x200e, 0x200f],
  [0x2028, 0x2029],
  [0x202a, 0x202e],
  [0x2066, 0x2069],
];

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Per `keep`: a pattern of the invisible characters outside it (kept ones never reach the replacer: a report's every line break would). */
const patterns = new Map<string, RegExp>();

function invisibleExcept(keep: string): RegExp {
  let re = patterns.get(keep);
  if (!re) {
    const hex = (c: number) => `\\u${c.toString(16).padStart(4, '0')}`;
    let cls = '';
    for (const [lo, hi] of INVISIBLE) {
      for (let c = lo; c <= hi; c++) {
        if (keep.includes(String.fromCharCode(c))) continue;
        let end = c;
        while (end < hi && !keep.includes(String.fromCharCode(end + 1))) end++;
        cls += end === c ? hex(c) : `${hex(c)}-${hex(end)}`;
        c = end;
      }
    }
    re = new RegExp(`[${cls}]`, 'g');
    patterns.set(keep, re);
  }
  return re;
}

/**
 * `text` with each control or bidi formatting character replaced by a visible escape: `\n`, `\r`,
 * `\t`, `\xNN` for other controls below U+00A0, `\uNNNN` for the rest. Characters in `keep`
 * (e.g. `'\n\t'` for multi-line output) stay as they are. Text without such characters is returned
 * unchanged (the same string).
 */
export function visibleText(text: string, keep = ''): string {
  return text.replace(invisibleExcept(keep), (c) => {
    const named = NAMED[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code < 0xa0 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
