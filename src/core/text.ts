/**
 * Conversions between UTF-16 offsets and LSP positions. VS Code documents, LSP positions and JS
 * strings all count UTF-16 code units, so no encoding conversion happens here.
 */

import type { Position } from './csv/types';

/**
 * Line starts of a text, for offset ↔ position conversion in O(log lines).
 *
 * Line breaks are `\r\n`, `\n` and a lone `\r`, the same set VS Code and
 * `vscode-languageserver-textdocument` recognise, so line numbers agree with the editor's.
 * Build it once per text version; it is immutable.
 */
export class LineIndex {
  /** Offset of the first character of each line; `lineStarts[0] === 0`. */
  private readonly lineStarts: Uint32Array;

  constructor(private readonly text: string) {
    const starts: number[] = [0];
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 /* \r */) {
        if (i + 1 < n && text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      } else if (c === 10 /* \n */) {
        starts.push(i + 1);
      }
    }
    // A typed array keeps large files compact; string offsets fit in 32 bits.
    this.lineStarts = Uint32Array.from(starts);
  }

  /** Number of lines; a text ending in a line break has an empty last line, as in VS Code. */
  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** UTF-16 offset of the start of `line` (clamped to the text). */
  lineStart(line: number): number {
    if (line <= 0) return 0;
    if (line >= this.lineStarts.length) return this.text.length;
    return this.lineStarts[line];
  }

  /** UTF-16 offset of the end of `line`, before its line break (clamped to the text). */
  lineEnd(line: number): number {
    if (line < 0) return 0;
    if (line >= this.lineStarts.length - 1) return this.text.length;
    let end = this.lineStarts[line + 1];
    if (end > 0 && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > 0 && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  /** Position of a UTF-16 offset; offsets outside the text are clamped to it. */
  positionAt(offset: number): Position {
    const starts = this.lineStarts;
    offset = Math.max(0, Math.min(Math.floor(offset), this.text.length));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: offset - starts[low] };
  }

  /**
   * UTF-16 offset of a position. Like VS Code, a character past the end of its line is clamped
   * to the line end (never into or past the line break); lines outside the text are clamped.
   */
  offsetAt(pos: Position): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[pos.line];
    return Math.max(start, Math.min(start + Math.max(0, pos.character), this.lineEnd(pos.line)));
  }
}
