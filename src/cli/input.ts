import { readFileSync, statSync } from 'node:fs';
import { CliError } from './errors';

/**
 * Reads a text input file and decodes it as UTF-8, turning every way it can be unusable into one
 * specific CliError: missing, a directory, unreadable, binary or not UTF-8. The BOM is kept; the
 * parser strips it and remembers it.
 */
export function readTextFile(file: string): string {
  let stat;
  try {
    stat = statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`cannot read '${file}': no such file`);
    if (code === 'EACCES') throw new CliError(`cannot read '${file}': permission denied`);
    throw new CliError(`cannot read '${file}': ${(e as Error).message}`);
  }
  if (stat.isDirectory()) throw new CliError(`'${file}' is a directory; expected a CSV file`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new CliError(`cannot read '${file}': ${(e as Error).message}`);
  }
  // A NUL in the first 8 KiB is what git and grep take for "binary"; a CSV never has one there.
  const nul = bytes.subarray(0, 8192).indexOf(0);
  if (nul >= 0) throw new CliError(`'${file}' looks like a binary file, not a CSV (NUL byte at offset ${nul})`);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new CliError(`'${file}' is not valid UTF-8 text; save it as UTF-8 and try again`);
  }
}
