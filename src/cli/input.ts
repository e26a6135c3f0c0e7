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
  const utf16 = utf16Kind(bytes);
  if (utf16) throw new CliError(`'${file}' is UTF-16 (${utf16}) text, not UTF-8; save it as UTF-8 and try again`);
  // A NUL in the first 8 KiB is what git and grep take for "binary"; a CSV never has one there.
  const nul = bytes.subarray(0, 8192).indexOf(0);
  if (nul >= 0) throw new CliError(`'${file}' looks like a binary file, not a CSV (NUL byte at offset ${nul})`);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new CliError(`'${file}' is not valid UTF-8 text; save it as UTF-8 and try again`);
  }
}

/**
 * 'UTF-16LE' or 'UTF-16BE' for UTF-16 text: a byte order mark, or — without one — NUL bytes at
 * every other position of the first bytes (ASCII letters, digits and commas in UTF-16).
 */
function utf16Kind(bytes: Buffer): 'UTF-16LE' | 'UTF-16BE' | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'UTF-16LE';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'UTF-16BE';
  const n = Math.min(bytes.length, 512) & ~1;
  if (n < 4) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const half = n / 2;
  if (oddNul >= half * 0.6 && evenNul === 0) return 'UTF-16LE';
  if (evenNul >= half * 0.6 && oddNul === 0) return 'UTF-16BE';
  return undefined;
}
