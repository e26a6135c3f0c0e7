/**
 * Reads a vocabulary file (`synonymLens.vocabularyFiles`) defensively: only a regular file, at
 * most `VOCABULARY_MAX_BYTES`, within `VOCABULARY_TIMEOUT_MS`. A FIFO would hang a thread of the
 * server's pool forever, `/dev/zero` would be read until memory runs out; each is refused with a
 * reason the user is told (`VocabularySkip`).
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** Larger vocabulary files are skipped (64 MiB: millions of terms). */
export const VOCABULARY_MAX_BYTES = 64 * 1024 * 1024;
/** A read that takes longer (a hung network share) is abandoned. */
export const VOCABULARY_TIMEOUT_MS = 10_000;

/** Why a vocabulary file was skipped. */
export type VocabularySkip =
  | { readonly reason: 'not-regular'; readonly kind: 'fifo' | 'device' | 'directory' | 'socket' | 'other' }
  | { readonly reason: 'too-large'; readonly bytes: number; readonly limit: number }
  | { readonly reason: 'timeout'; readonly ms: number }
  | { readonly reason: 'unreadable'; readonly detail: string };

export class VocabularySkipError extends Error {
  constructor(readonly skip: VocabularySkip) {
    super(`vocabulary file skipped: ${skip.reason}`);
    this.name = 'VocabularySkipError';
  }
}

/** The file's text (UTF-8), or a `VocabularySkipError` saying why it was not read. */
export async function readVocabularyFile(file: string, limits: { maxBytes?: number; timeoutMs?: number } = {}): Promise<string> {
  const maxBytes = limits.maxBytes ?? VOCABULARY_MAX_BYTES;
  const timeoutMs = limits.timeoutMs ?? VOCABULARY_TIMEOUT_MS;
  let handle: FileHandle | undefined;
  let timer: NodeJS.Timeout | undefined;
  const read = async (): Promise<string> => {
    // O_NONBLOCK: opening a FIFO without a writer returns at once instead of blocking a pool thread;
    // the type is then checked on the open descriptor, so a swap after a path check cannot slip by.
    try {
      handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    } catch (e) {
      throw new VocabularySkipError({ reason: 'unreadable', detail: (e as NodeJS.ErrnoException).code ?? String(e) });
    }
    const st = await handle.stat();
    if (!st.isFile()) {
      const kind = st.isFIFO() ? 'fifo' : st.isCharacterDevice() || st.isBlockDevice() ? 'device' : st.isDirectory() ? 'directory' : st.isSocket() ? 'socket' : 'other';
      throw new VocabularySkipError({ reason: 'not-regular', kind });
    }
    if (st.size > maxBytes) throw new VocabularySkipError({ reason: 'too-large', bytes: st.size, limit: maxBytes });
    // Read at most one byte beyond the limit: a file growing while it is read is caught too.
    const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let n = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n > maxBytes) throw new VocabularySkipError({ reason: 'too-large', bytes: n, limit: maxBytes });
      if (n === buf.length) break;
    }
    return buf.subarray(0, n).toString('utf8');
  };
  try {
    return await Promise.race([
      read(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new VocabularySkipError({ reason: 'timeout', ms: timeoutMs })), timeoutMs);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
    await handle?.close().catch(() => undefined);
  }
}
