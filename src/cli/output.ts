import { writeFileSync, renameSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { visibleText } from '../core/visible';
import { CliError } from './errors';

/** Writes a file atomically: a temporary sibling, then rename, so readers never see half a file. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // The temporary file was never created.
    }
    throw new CliError(`cannot write '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/**
 * Writes human-readable output: control and bidi characters from user files are shown as escapes
 * (`\x1b`, `\u202e`) so a term cannot drive the terminal; line breaks and tabs of the layout stay.
 * JSON output needs none of this (JSON.stringify escapes controls) and exported files are data.
 */
export function writeHuman(text: string, stream: NodeJS.WriteStream = process.stdout): void {
  stream.write(visibleText(text, '\n\t'));
}

/**
 * Output gathered into chunks of about 64 KiB before each write, so a report of a million lines is
 * not a million system calls. `human` output goes through `writeHuman`'s escaping (per chunk: it
 * works character by character, so the result is the same as line by line).
 */
export class BufferedOutput {
  private parts: string[] = [];
  private size = 0;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly human: boolean,
  ) {}

  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= 65536) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (this.human) writeHuman(text, this.stream);
    else this.stream.write(text);
  }
}

/** An array made on demand, element by element (e.g. a million report rows). */
export interface LazyArray {
  readonly length: number;
  at(i: number): unknown;
}

function isLazy(v: unknown): v is LazyArray {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as LazyArray).at === 'function' && typeof (v as LazyArray).length === 'number';
}

/**
 * Writes `JSON.stringify(value, null, 2)` of a top-level object in pieces: an array value (or a
 * `LazyArray`, made one element at a time) is written element by element, so the whole text never
 * exists at once. The bytes are exactly those of `JSON.stringify` on the materialised object.
 */
export function writeJsonStreamed(value: Record<string, unknown>, write: (s: string) => void): void {
  const indent = (s: string, pad: string) => s.replace(/\n/g, `\n${pad}`);
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function');
  if (entries.length === 0) {
    write('{}');
    return;
  }
  write('{');
  entries.forEach(([key, v], k) => {
    write(`${k ? ',' : ''}\n  ${JSON.stringify(key)}: `);
    const list = Array.isArray(v) ? { length: v.length, at: (i: number) => v[i] as unknown } : isLazy(v) ? v : undefined;
    if (!list) {
      write(indent(JSON.stringify(v, null, 2), '  '));
      return;
    }
    if (list.length === 0) {
      write('[]');
      return;
    }
    write('[');
    for (let i = 0; i < list.length; i++) write(`${i ? ',' : ''}\n    ${indent(JSON.stringify(list.at(i), null, 2) ?? 'null', '    ')}`);
    write('\n  ]');
  });
  write('\n}');
}
