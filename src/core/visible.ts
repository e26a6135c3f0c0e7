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
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * `text` with each control or bidi formatting character replaced by a visible escape: `\n`, `\r`,
 * `\t`, `\xNN` for other controls below U+00A0, `\uNNNN` for the rest. Characters in `keep`
 * (e.g. `'\n\t'` for multi-line output) stay as they are. Text without such characters is returned
 * unchanged (the same string).
 */
export function visibleText(text: string, keep = ''): string {
  return text.replace(INVISIBLE, (c) => {
    if (keep.includes(c)) return c;
    const named = NAMED[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code < 0xa0 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
