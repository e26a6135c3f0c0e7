/**
 * The server's text of an open document. Like the editor-text library's document (same positions
 * and line rules: LF, CRLF and a lone CR end a line), but an incremental edit does not make the
 * whole text one string again: the text is kept as pieces (slices of one flat text and the
 * inserted strings), joined only when someone reads the whole of it. The library copied the whole
 * text on every edit (an 8 MB dictionary: 16 MB per keystroke, most of an edit's time); the
 * re-parse reads a window around the edit instead (`SourceEdit`, src/core/csv/parse.ts).
 */
import type { Position, Range, TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentsConfiguration } from 'vscode-languageserver/node';
import type { SourceEdit } from '../core/csv/parse';

/** Past this many pieces the text is joined into one string again (one copy every few dozen edits). */
const MAX_PIECES = 64;

const LF = 10;
const CR = 13;

/** The edit that made a version from the previous one, as the re-parse takes it. */
export interface VersionEdit extends SourceEdit {
  /** The version the edit was applied to. */
  from: number;
}

export class EditedDocument implements TextDocument {
  /** The text in order: each piece a string (slices of an earlier flat text share its memory). */
  private pieces: string[];
  /** Where each piece starts. */
  private starts: number[];
  private length: number;
  /** The whole text as one string value (a concatenation of the pieces, flat once read). */
  private whole?: string;
  /** Offsets where lines start (computed on first use, then kept up to date by each edit). */
  private lineOffsets?: number[];
  private lastEdit?: VersionEdit;

  constructor(
    readonly uri: string,
    readonly languageId: string,
    public version: number,
    content: string,
  ) {
    this.pieces = content.length > 0 ? [content] : [];
    this.starts = content.length > 0 ? [0] : [];
    this.length = content.length;
    this.whole = content;
  }

  get lineCount(): number {
    return this.lines().length;
  }

  getText(range?: Range): string {
    if (range) return this.read(this.offsetAt(range.start), this.offsetAt(range.end));
    if (this.whole === undefined) {
      let text = '';
      for (const piece of this.pieces) text += piece;
      this.whole = text;
    }
    return this.whole;
  }

  /** The text's [from, to) without joining the whole text. */
  read(from: number, to: number): string {
    from = Math.max(0, from);
    to = Math.min(this.length, to);
    if (from >= to) return '';
    let k = this.pieceAt(from);
    let out = '';
    for (; k < this.pieces.length && this.starts[k] < to; k++) {
      const start = this.starts[k];
      const piece = this.pieces[k];
      out += piece.slice(Math.max(0, from - start), Math.min(piece.length, to - start));
    }
    return out;
  }

  /** The edit that made this version from version `from`, when it was one edit (see `SourceEdit`). */
  editFrom(from: number): VersionEdit | undefined {
    return this.lastEdit?.from === from ? this.lastEdit : undefined;
  }

  positionAt(offset: number): Position {
    offset = Math.max(Math.min(offset, this.length), 0);
    const lines = this.lines();
    let lo = 0;
    let hi = lines.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (lines[mid] > offset) hi = mid;
      else lo = mid + 1;
    }
    const line = lo - 1;
    offset = this.beforeEol(offset, lines[line]);
    return { line, character: offset - lines[line] };
  }

  offsetAt(position: Position): number {
    const lines = this.lines();
    if (position.line >= lines.length) return this.length;
    if (position.line < 0) return 0;
    const lineOffset = lines[position.line];
    if (position.character <= 0) return lineOffset;
    const next = position.line + 1 < lines.length ? lines[position.line + 1] : this.length;
    return this.beforeEol(Math.min(lineOffset + position.character, next), lineOffset);
  }

  /** The range of line `line`'s text, its line break excluded (past the last line: the last line). */
  getLineRange(line: number): Range {
    const lines = this.lines();
    if (line < 0) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    if (line >= lines.length) {
      const last = lines.length - 1;
      return { start: { line: last, character: 0 }, end: { line: last, character: this.length - lines[last] } };
    }
    const next = line + 1 < lines.length ? lines[line + 1] : this.length;
    return { start: { line, character: 0 }, end: { line, character: this.beforeEol(next, lines[line]) - lines[line] } };
  }

  /** Line `line`'s line break ('' past the end or on the last line without one). */
  getEOLCharacters(line: number): string {
    const lines = this.lines();
    if (line < 0 || line >= lines.length) return '';
    const next = line + 1 < lines.length ? lines[line + 1] : this.length;
    return this.read(this.beforeEol(next, lines[line]), next);
  }

  /**
   * Computes the line offsets now unless known: after an open's complete publish, so that the
   * first edit does not pay for a pass over the whole text (~130 ms for 8 MB on a loaded host).
   */
  indexLines(): void {
    this.lines();
  }

  /** Applies the client's changes in order and takes the new version. */
  update(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    const from = this.version;
    this.lastEdit = undefined;
    for (const change of changes) {
      if (!('range' in change)) {
        this.pieces = change.text.length > 0 ? [change.text] : [];
        this.starts = change.text.length > 0 ? [0] : [];
        this.length = change.text.length;
        this.whole = change.text;
        this.lineOffsets = undefined;
        continue;
      }
      const { start: a, end: b } = change.range;
      const [s, e] = a.line < b.line || (a.line === b.line && a.character <= b.character) ? [a, b] : [b, a];
      const start = this.offsetAt(s);
      const end = this.offsetAt(e);
      // The lines the offsets are on (a range past the end is clamped to it, as the offsets are).
      const startLine = this.positionAt(start).line;
      const endLine = this.positionAt(end).line;
      const removed = this.read(start, end);
      this.splice(start, end, change.text);
      this.lastEdit = changes.length === 1 ? { from, start, end, removed, inserted: change.text, read: (x, y) => this.read(x, y) } : undefined;
      this.updateLines(startLine, endLine, start, end, change.text);
    }
    this.version = version;
  }

  /** Replaces [start, end) by `text` in the pieces. */
  private splice(start: number, end: number, text: string): void {
    const pieces: string[] = [];
    let k = 0;
    for (; k < this.pieces.length && this.starts[k] + this.pieces[k].length <= start; k++) pieces.push(this.pieces[k]);
    if (k < this.pieces.length && this.starts[k] < start) pieces.push(this.pieces[k].slice(0, start - this.starts[k]));
    if (text.length > 0) pieces.push(text);
    for (; k < this.pieces.length && this.starts[k] + this.pieces[k].length <= end; k++);
    if (k < this.pieces.length && this.starts[k] < end) {
      pieces.push(this.pieces[k].slice(end - this.starts[k]));
      k++;
    }
    for (; k < this.pieces.length; k++) pieces.push(this.pieces[k]);
    this.length += text.length - (end - start);
    this.whole = undefined;
    if (pieces.length > MAX_PIECES) {
      this.pieces = [pieces.join('')];
      this.whole = this.pieces[0];
    } else this.pieces = pieces;
    this.starts = [];
    let at = 0;
    for (const piece of this.pieces) {
      this.starts.push(at);
      at += piece.length;
    }
  }

  /** Line starts after [start, end) (lines startLine..endLine) became `text`. */
  private updateLines(startLine: number, endLine: number, start: number, end: number, text: string): void {
    const lines = this.lineOffsets;
    if (!lines) return;
    // A CR and an LF meeting across the edit's ends make one line break: counted again whole.
    const joined = (at: number) => at > 0 && at < this.length && this.read(at - 1, at + 1) === '\r\n';
    if (joined(start) || joined(start + text.length)) {
      this.lineOffsets = undefined;
      return;
    }
    const added = lineStarts(text, start);
    if (added.length < 10_000) lines.splice(startLine + 1, endLine - startLine, ...added);
    else this.lineOffsets = lines.slice(0, startLine + 1).concat(added, lines.slice(endLine + 1));
    const after = this.lineOffsets ?? lines;
    const diff = text.length - (end - start);
    if (diff !== 0) for (let i = startLine + 1 + added.length; i < after.length; i++) after[i] += diff;
  }

  private lines(): number[] {
    return (this.lineOffsets ??= lineStarts(this.getText(), 0, [0]));
  }

  /** `offset`, moved back before a line break it stands inside or after (a position is never past its line's end). */
  private beforeEol(offset: number, lineOffset: number): number {
    while (offset > lineOffset) {
      const ch = this.read(offset - 1, offset).charCodeAt(0);
      if (ch !== LF && ch !== CR) break;
      offset--;
    }
    return offset;
  }

  /** Index of the piece holding `offset` (the last piece for the end). */
  private pieceAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** Offsets (plus `base`) just after each line break of `text` (LF, CRLF or a lone CR), appended to `out`. */
function lineStarts(text: string, base: number, out: number[] = []): number[] {
  if (!text.includes('\r')) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(base + i + 1);
    return out;
  }
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === CR) {
      if (i + 1 < text.length && text.charCodeAt(i + 1) === LF) i++;
      out.push(base + i + 1);
    } else if (ch === LF) out.push(base + i + 1);
  }
  return out;
}

/** `TextDocuments`' configuration for `EditedDocument`. */
export const editedDocuments: TextDocumentsConfiguration<EditedDocument> = {
  create: (uri, languageId, version, content) => new EditedDocument(uri, languageId, version, content),
  update: (document, changes, version) => {
    document.update(changes, version);
    return document;
  },
};
