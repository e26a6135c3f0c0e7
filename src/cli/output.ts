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
