/**
 * Persistent vectors: embeddings kept on disk per model fingerprint, so reopening a dictionary
 * does not embed every term again (minutes with a large transformer model).
 *
 * One append-only file per model, `<root>/<fingerprint[0..32]>/vectors.slv` (format in
 * docs/performance.md, "Persistent vectors"):
 *
 *   header  64 bytes: "SLVSTORE", u32 format (1), u32 dimension, sha256(fingerprint) (32 bytes),
 *           16 bytes zero
 *   record  u32 marker 0x31525653 ("SVR1"), u32 n = UTF-8 length of the text, u32 CRC-32 of the
 *           text and vector bytes, the text (n bytes), the vector (dimension × f32)
 *
 * all little-endian. Why not LMDB (the `lmdb` package): a native module per platform in the VSIX
 * for what is a cache of an append-mostly map; this format needs only `node:fs`.
 *
 * Beside it, `vectors.slx` indexes the file so an open reads a few bytes per text instead of the
 * whole file (a 40,000-term store of a 1,024-dimension model is 157 MiB):
 *
 *   header  96 bytes: "SLVINDEX", u32 format (1), u32 count, f64 bytes of the vector file it
 *           covers, f64 inode of that file, the vector file's 64-byte header
 *   entry   f64 offset of the record, u32 n = UTF-8 length of the text, the text (n bytes)
 *   trailer u32 CRC-32 of everything before it
 *
 * It is a hint, never trusted: a read checks the record it points at (marker, length, text, CRC)
 * and any mismatch drops the index and scans the file as before. An index of another inode or
 * header, or one covering more than the file holds, is ignored (a scan); a file that grew since
 * is scanned from where the index ends. It is written (temporary file renamed into place) on
 * close, after a compaction, and when 32 MiB of records have been scanned since the last one.
 *
 * - **Two processes** (two VS Code windows, the CLI) may append at once: each batch is one
 *   `write` on a file opened `O_APPEND`, which the kernel places at the end as a whole; a reader
 *   checks every record's marker and CRC, so a torn record is skipped, never used.
 * - **Bounded**: past `maxBytes` the file is compacted under a lock file (`O_EXCL`): the entries
 *   this process used come first (least recently used evicted first), then the newest others, down to half the bound, written to a
 *   temporary file renamed over the old one. A batch another process appends during that window
 *   goes to the replaced file and is lost — a cache miss later, nothing worse.
 * - **Corruption** (bad header, torn or flipped record, a file of another model) is logged once
 *   per open and skipped: bad records are passed over (the reader looks for the next marker whose
 *   CRC holds) and a bad header starts a fresh file. Nothing here throws on file contents; I/O
 *   errors (a read-only disk) turn the store off with a log line.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  constants as fsConstants,
  existsSync,
  linkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { VECTORS_DIR_ENV } from '../../shared/conventions';

const MAGIC = Buffer.from('SLVSTORE', 'latin1');
const FORMAT = 1;
export const VECTOR_STORE_HEADER_BYTES = 64;
const MARKER = 0x31525653;
const RECORD_HEAD = 12;
/** Longest text stored (UTF-8 bytes); longer ones are simply not persisted. */
const MAX_TEXT_BYTES = 4096;
const SCAN_BLOCK = 4 << 20;
const INDEX_MAGIC = Buffer.from('SLVINDEX', 'latin1');
const INDEX_FORMAT = 1;
const INDEX_HEADER_BYTES = 96;
/** Records scanned past the last written index after which the index is written again. */
const INDEX_REWRITE_BYTES = 32 << 20;
/** Largest read of `getMany`, and the largest gap between two wanted vectors read together. */
const READ_BLOCK = 4 << 20;
const READ_GAP = 64 << 10;
/** A lock file older than this is taken to be left by a crashed process. */
const STALE_LOCK_MS = 30_000;

/** CRC-32 (zlib's): `zlib.crc32` where Node has it (20.15+), otherwise a table in JS. */
const crc32: (data: Uint8Array, value?: number) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? (zlib as unknown as { crc32: (d: Uint8Array, v?: number) => number }).crc32 : crc32Js;

let crcTable: Uint32Array | undefined;
function crc32Js(data: Uint8Array, value = 0): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = ~value >>> 0;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

export interface DiskVectorStoreOptions {
  /** Bound of the file in bytes (default 256 MiB); compaction keeps about half. */
  readonly maxBytes?: number;
  /** Where problems go (corrupt records, I/O errors); one line each. */
  readonly log?: (message: string) => void;
}

/** What an open found and did (for logs and tests). */
export interface DiskVectorStoreStats {
  /** Distinct texts held. */
  entries: number;
  /** Bytes skipped as corrupt since the store was opened. */
  corruptBytes: number;
  /** Compactions this process made. */
  compactions: number;
  /** Current file size in bytes. */
  fileBytes: number;
}

/** The store's folder for one model: the first 32 hex digits of sha256(fingerprint). */
export function vectorStoreFile(root: string, fingerprint: string): string {
  const id = createHash('sha256').update(fingerprint).digest('hex').slice(0, 32);
  return path.join(root, id, 'vectors.slv');
}

function header(fingerprint: string, dimension: number): Buffer {
  const h = Buffer.alloc(VECTOR_STORE_HEADER_BYTES);
  MAGIC.copy(h, 0);
  h.writeUInt32LE(FORMAT, 8);
  h.writeUInt32LE(dimension, 12);
  createHash('sha256').update(fingerprint).digest().copy(h, 16);
  return h;
}

/** Bytes of one record. */
function encodeRecord(text: string, vector: Float32Array): Buffer | undefined {
  const t = Buffer.from(text, 'utf8');
  if (t.length > MAX_TEXT_BYTES) return undefined;
  const v = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
  const r = Buffer.alloc(RECORD_HEAD + t.length + v.length);
  r.writeUInt32LE(MARKER, 0);
  r.writeUInt32LE(t.length, 4);
  t.copy(r, RECORD_HEAD);
  v.copy(r, RECORD_HEAD + t.length);
  r.writeUInt32LE(crc32(r.subarray(RECORD_HEAD)), 8);
  return r;
}

export class DiskVectorStore {
  /** text → file offset of its record (the last valid record of that text). */
  private index = new Map<string, number>();
  /** The index file beside the vector file. */
  readonly indexFile: string;
  /** Bytes of the vector file the written (or loaded) index covers; 0 when there is none. */
  private indexed = 0;
  /** Whether the entries below `indexed` came from the index file, unchecked until read. */
  private fromIndexFile = false;
  private readBuffer = Buffer.alloc(0);
  /** Texts this process read or wrote → when (a counter): kept first, most recent first, when compacting. */
  private readonly used = new Map<string, number>();
  private tick = 0;
  private fd: number | undefined;
  /** Inode of the file `fd` reads, to notice another process's compaction. */
  private ino = 0;
  /** Offset up to which the file has been scanned. */
  private scanned = VECTOR_STORE_HEADER_BYTES;
  private counters = { corruptBytes: 0, compactions: 0 };
  private readonly maxBytes: number;
  private readonly log: (message: string) => void;
  private readonly recordBytes: (textBytes: number) => number;
  private readonly headerBytes: Buffer;

  private constructor(
    readonly file: string,
    readonly fingerprint: string,
    readonly dimension: number,
    options: DiskVectorStoreOptions,
  ) {
    this.maxBytes = Math.max(VECTOR_STORE_HEADER_BYTES + 1, options.maxBytes ?? 256 * 2 ** 20);
    this.log = options.log ?? (() => undefined);
    this.recordBytes = (n) => RECORD_HEAD + n + 4 * dimension;
    this.headerBytes = header(fingerprint, dimension);
    this.indexFile = file.replace(/\.slv$/, '') + '.slx';
  }

  /**
   * Opens (or creates) the store of one model under `root`. Never throws on file contents: a
   * corrupt file is logged and passed over. If the folder cannot be created or read, the store
   * works as an empty one that keeps nothing.
   */
  static open(root: string, fingerprint: string, dimension: number, options: DiskVectorStoreOptions = {}): DiskVectorStore {
    const store = new DiskVectorStore(vectorStoreFile(root, fingerprint), fingerprint, dimension, options);
    store.reopen();
    return store;
  }

  /** Opens the file afresh and indexes it (a new or replaced file starts with a fresh header). */
  private reopen(): void {
    this.closeFd();
    this.index = new Map();
    this.scanned = VECTOR_STORE_HEADER_BYTES;
    this.indexed = 0;
    this.fromIndexFile = false;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      if (!existsSync(this.file)) this.create();
      this.fd = openSync(this.file, fsConstants.O_RDWR | fsConstants.O_APPEND);
      const st = fstatSync(this.fd);
      this.ino = st.ino;
      if (!this.headerMatches(st.size)) {
        this.log(`vector store ${this.file}: not a vector file of this model (bad or foreign header); starting a new one`);
        this.counters.corruptBytes += st.size;
        this.replaceWith([]);
        return;
      }
      this.readIndex(st.size);
      this.scan();
    } catch (e) {
      this.disable(e);
    }
  }

  /**
   * Takes the index file's entries when it describes this file (same inode and header, covering
   * no more than the file holds); otherwise leaves the index empty, for a scan from the start.
   */
  private readIndex(size: number): void {
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.indexFile);
    } catch {
      return; // none yet
    }
    const stale = (why: string) => this.log(`vector store ${this.indexFile}: ${why}; reading the vector file instead`);
    if (bytes.length < INDEX_HEADER_BYTES + 4 || !bytes.subarray(0, 8).equals(INDEX_MAGIC) || bytes.readUInt32LE(8) !== INDEX_FORMAT) return stale('not an index file');
    if (crc32(bytes.subarray(0, bytes.length - 4)) !== bytes.readUInt32LE(bytes.length - 4)) return stale('corrupt index');
    const covered = bytes.readDoubleLE(16);
    // Another file (replaced by a compaction, restored from elsewhere) or one cut short since: quietly rebuilt.
    if (bytes.readDoubleLE(24) !== this.ino || !bytes.subarray(32, INDEX_HEADER_BYTES).equals(this.headerBytes) || covered > size) return;
    const count = bytes.readUInt32LE(12);
    const index = new Map<string, number>();
    let p = INDEX_HEADER_BYTES;
    const end = bytes.length - 4;
    for (let k = 0; k < count; k++) {
      if (p + 12 > end) return stale('corrupt index');
      const at = bytes.readDoubleLE(p);
      const n = bytes.readUInt32LE(p + 8);
      if (n > MAX_TEXT_BYTES || p + 12 + n > end || at < VECTOR_STORE_HEADER_BYTES || at + this.recordBytes(n) > covered) return stale('corrupt index');
      index.set(bytes.toString('utf8', p + 12, p + 12 + n), at);
      p += 12 + n;
    }
    if (p !== end) return stale('corrupt index');
    this.index = index;
    this.scanned = covered;
    this.indexed = covered;
    this.fromIndexFile = true;
  }

  /** Writes the index of what has been scanned (a temporary file renamed into place); a failure costs only speed. */
  private writeIndex(): void {
    if (this.fd === undefined || this.scanned === this.indexed) return;
    const parts: Buffer[] = [];
    const head = Buffer.alloc(INDEX_HEADER_BYTES);
    INDEX_MAGIC.copy(head, 0);
    head.writeUInt32LE(INDEX_FORMAT, 8);
    head.writeUInt32LE(this.index.size, 12);
    head.writeDoubleLE(this.scanned, 16);
    head.writeDoubleLE(this.ino, 24);
    this.headerBytes.copy(head, 32);
    parts.push(head);
    for (const [text, at] of this.index) {
      const t = Buffer.from(text, 'utf8');
      const e = Buffer.alloc(12);
      e.writeDoubleLE(at, 0);
      e.writeUInt32LE(t.length, 8);
      parts.push(e, t);
    }
    const body = Buffer.concat(parts);
    const trailer = Buffer.alloc(4);
    trailer.writeUInt32LE(crc32(body), 0);
    const tmp = `${this.indexFile}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, Buffer.concat([body, trailer]));
      renameSync(tmp, this.indexFile);
      this.indexed = this.scanned;
    } catch (e) {
      try {
        unlinkSync(tmp);
      } catch {
        // Never created.
      }
      this.log(`vector store ${this.indexFile}: ${(e as Error).message}; the next open reads the whole vector file`);
    }
  }
  /** Creates the file with its header, whole: linked into place, so a racing process never sees it empty. */
  private create(): void {
    const tmp = `${this.file}.${process.pid}.new`;
    writeFileSync(tmp, this.headerBytes);
    try {
      linkSync(tmp, this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      unlinkSync(tmp);
    }
  }

  private headerMatches(size: number): boolean {
    if (size < VECTOR_STORE_HEADER_BYTES) return false;
    const h = Buffer.alloc(VECTOR_STORE_HEADER_BYTES);
    readSync(this.fd!, h, 0, h.length, 0);
    return h.equals(this.headerBytes);
  }

  private disable(e: unknown): void {
    this.log(`vector store ${this.file}: ${(e as Error).message}; vectors are not kept on disk this session`);
    this.closeFd();
    this.index = new Map();
  }

  private closeFd(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // Already closed or never valid: nothing to release.
      }
      this.fd = undefined;
    }
  }

  /**
   * Indexes records from `scanned` to the end of the file. A bad record is skipped up to the next
   * marker; a record that runs to or past the end of the file without checking out is left for
   * the next scan (another process may be writing it) unless more records follow it.
   */
  private scan(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    const size = fstatSync(fd).size;
    if (size <= this.scanned) return;
    let pool = Buffer.alloc(0);
    let buf = pool;
    let bufStart = this.scanned;
    /** Makes sure bytes [at, at + k) are in `buf`; false when they pass the end of the file. */
    const have = (at: number, k: number): boolean => {
      if (at >= bufStart && at + k <= bufStart + buf.length) return true;
      if (at + k > size) return false;
      const want = Math.min(size - at, Math.max(k, SCAN_BLOCK));
      // One block reused for the whole scan (fresh memory for each would cost more than the reads).
      if (pool.length < want) pool = Buffer.allocUnsafe(want);
      buf = pool.subarray(0, readSync(fd, pool, 0, want, at));
      bufStart = at;
      return k <= buf.length;
    };
    let p = this.scanned;
    let corrupt = 0;
    while (p < size) {
      if (!have(p, RECORD_HEAD)) break; // a head cut short: pending
      const n = buf.readUInt32LE(p - bufStart + 4);
      if (buf.readUInt32LE(p - bufStart) === MARKER && n <= MAX_TEXT_BYTES) {
        const length = this.recordBytes(n);
        if (!have(p, length)) break; // a body cut short: pending
        const r = p - bufStart;
        const body = buf.subarray(r + RECORD_HEAD, r + length);
        if (crc32(body) === buf.readUInt32LE(r + 8)) {
          this.index.set(body.toString('utf8', 0, n), p);
          p += length;
          continue;
        }
        if (p + length === size) break; // the last record, maybe still being written: pending
      }
      // Not a record: skip to the next marker, or to the end of the file.
      let next = size;
      for (let q = p + 1; q + 4 <= size; ) {
        have(q, 4);
        const found = buf.indexOf(MARKER_BYTES, q - bufStart);
        if (found >= 0) {
          next = bufStart + found;
          break;
        }
        q = Math.max(q + 1, bufStart + buf.length - 3);
      }
      corrupt += next - p;
      p = next;
    }
    this.scanned = p;
    if (corrupt > 0) {
      this.counters.corruptBytes += corrupt;
      this.log(`vector store ${this.file}: skipped ${corrupt} corrupt bytes (${this.index.size} vectors kept)`);
    }
    if (this.scanned - this.indexed >= INDEX_REWRITE_BYTES) this.writeIndex();
  }

  /**
   * The stored vector of each text, or undefined; picks up what other processes appended since.
   * Records are read in blocks: the wanted offsets in file order, neighbours less than `READ_GAP`
   * apart read together, up to `READ_BLOCK` bytes a read — a warm open of 40,000 vectors is a few
   * dozen reads rather than 40,000. Each record is checked (marker, text, CRC) before its vector
   * is used; one that fails means the index file was wrong or the file was damaged since it was
   * scanned: the store then scans the whole file (logging what it skips) and reads again.
   */
  getMany(texts: readonly string[]): (Float32Array | undefined)[] {
    const out: (Float32Array | undefined)[] = new Array(texts.length).fill(undefined);
    // One array for every vector of the call, each handed out as a view of it: one allocation
    // instead of one per vector (a warm open reads tens of thousands). A copy: a vector must not
    // keep the whole read block alive.
    let vectors = new Float32Array(0);
    let used = 0;
    this.readEach(texts, (i, bytes, count) => {
      if (used === vectors.length / this.dimension) {
        vectors = new Float32Array(count * this.dimension);
        used = 0;
      }
      const v = vectors.subarray(used * this.dimension, (used + 1) * this.dimension);
      used++;
      new Uint8Array(v.buffer, v.byteOffset, v.byteLength).set(bytes);
      out[i] = v;
    });
    return out;
  }

  /**
   * As `getMany`, but hands each stored vector's bytes (little-endian f32, a view of the read
   * block, valid only during the call) to `sink` with the index of its text, for a caller that
   * copies them where it keeps them (the vocabulary's matrix) without an array of its own.
   * `count` is how many vectors this pass reads at most (for a caller that allocates for them).
   */
  readEach(texts: readonly string[], sink: (index: number, bytes: Uint8Array, count: number) => void): void {
    if (this.fd === undefined) return;
    this.followReplacement();
    if (texts.some((t) => !this.index.has(t))) this.safely(() => this.scan());
    let failed = this.read(texts, sink);
    if (failed.length > 0 && this.fromIndexFile) {
      this.index = new Map();
      this.scanned = VECTOR_STORE_HEADER_BYTES;
      this.fromIndexFile = false;
      this.safely(() => this.scan());
      // Every entry now comes from this scan: writes the index again even if the scan covered the same bytes.
      this.indexed = 0;
      failed = this.read(failed.map((i) => texts[i]!), sink, failed);
    }
    if (failed.length > 0) {
      // Damaged after this process scanned it: those records are gone for this session.
      let bytes = 0;
      for (const i of failed) {
        bytes += this.recordBytes(Buffer.byteLength(texts[i]!, 'utf8'));
        this.index.delete(texts[i]!);
      }
      this.counters.corruptBytes += bytes;
      this.log(`vector store ${this.file}: skipped ${bytes} corrupt bytes (${this.index.size} vectors kept)`);
    }
  }

  /**
   * Reads the records of `texts` and hands each vector to `sink` (with `slots[k]`, default k)
   * after checking its record; returns the slots whose record did not check out.
   */
  private read(texts: readonly string[], sink: (index: number, bytes: Uint8Array, count: number) => void, slots?: readonly number[]): number[] {
    const failed: number[] = [];
    const wanted: { i: number; at: number; t: string; text: Buffer }[] = [];
    texts.forEach((t, k) => {
      const at = this.index.get(t);
      if (at !== undefined) wanted.push({ i: slots ? slots[k]! : k, at, t, text: Buffer.from(t, 'utf8') });
    });
    wanted.sort((x, y) => x.at - y.at);
    const bytes = 4 * this.dimension;
    for (let k = 0; k < wanted.length && this.fd !== undefined; ) {
      const start = wanted[k]!.at;
      let end = start + this.recordBytes(wanted[k]!.text.length);
      let m = k + 1;
      for (; m < wanted.length; m++) {
        const w = wanted[m]!;
        const e = w.at + this.recordBytes(w.text.length);
        if (w.at - end > READ_GAP || e - start > READ_BLOCK) break;
        end = Math.max(end, e);
      }
      // One buffer for every read of this store: fresh memory for each block costs more than the read.
      if (this.readBuffer.length < end - start) this.readBuffer = Buffer.allocUnsafe(Math.max(end - start, READ_BLOCK));
      const block = this.readBuffer.subarray(0, end - start);
      const got = this.safely(() => readSync(this.fd!, block, 0, block.length, start)) ?? 0;
      for (; k < m; k++) {
        const { i, at, t, text } = wanted[k]!;
        const r = at - start;
        const n = text.length;
        const length = this.recordBytes(n);
        const ok =
          r + length <= got &&
          block.readUInt32LE(r) === MARKER &&
          block.readUInt32LE(r + 4) === n &&
          block.compare(text, 0, n, r + RECORD_HEAD, r + RECORD_HEAD + n) === 0 &&
          crc32(block.subarray(r + RECORD_HEAD, r + length)) === block.readUInt32LE(r + 8);
        if (!ok) {
          failed.push(i);
          continue;
        }
        sink(i, block.subarray(r + RECORD_HEAD + n, r + RECORD_HEAD + n + bytes), wanted.length);
        this.used.set(t, ++this.tick);
      }
    }
    return failed;
  }

  /**
   * Whether every text has a record, picking up what was appended since the last look (records
   * are not read nor checked here: a hint).
   */
  hasAll(texts: readonly string[]): boolean {
    if (this.fd === undefined) return false;
    if (texts.every((t) => this.index.has(t))) return true;
    this.followReplacement();
    this.safely(() => this.scan());
    return texts.every((t) => this.index.has(t));
  }

  get(text: string): Float32Array | undefined {
    return this.getMany([text])[0];
  }

  /** Appends vectors (one write), compacting past the bound. */
  putMany(entries: readonly (readonly [string, Float32Array])[]): void {
    if (this.fd === undefined || entries.length === 0) return;
    const parts: Buffer[] = [];
    for (const [text, vector] of entries) {
      if (vector.length !== this.dimension) throw new RangeError(`vector of dimension ${vector.length}, the store holds ${this.dimension}`);
      const r = encodeRecord(text, vector);
      if (!r) continue;
      parts.push(r);
      this.used.set(text, ++this.tick);
    }
    if (parts.length === 0) return;
    this.followReplacement();
    const size = this.safely(() => {
      writeSync(this.fd!, Buffer.concat(parts));
      return fstatSync(this.fd!).size;
    });
    if (size !== undefined && size > this.maxBytes) this.compact();
  }

  /** If another process replaced the file (compaction), reads the new one. */
  private followReplacement(): void {
    if (this.fd === undefined) return;
    // Deleted (-1): reopen creates it again.
    if (this.currentIno() !== this.ino) this.reopen();
  }

  private safely<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      this.disable(e);
      return undefined;
    }
  }

  /** Rewrites the file to about half the bound under the lock; skipped if another process holds it. */
  compact(): void {
    const lock = `${this.file}.lock`;
    if (!this.takeLock(lock)) return;
    try {
      this.followReplacement();
      this.scan();
      const budget = Math.floor(this.maxBytes / 2) - VECTOR_STORE_HEADER_BYTES;
      // Entries this process used, most recently used first; then the others, newest first.
      const recency = (t: string, offset: number) => {
        const u = this.used.get(t);
        return u !== undefined ? Number.MAX_SAFE_INTEGER / 2 + u : offset;
      };
      const ranked = [...this.index].map(([t, offset]) => [t, recency(t, offset)] as const).sort((x, y) => y[1] - x[1]);
      const keep: string[] = [];
      let bytes = 0;
      for (const [text] of ranked) {
        const b = this.recordBytes(Buffer.byteLength(text, 'utf8'));
        if (bytes + b > budget) continue;
        bytes += b;
        keep.push(text);
      }
      const vectors = this.getMany(keep);
      this.replaceWith(keep.map((t, i) => [t, vectors[i]!] as const).filter(([, v]) => v !== undefined));
      this.counters.compactions++;
    } finally {
      try {
        unlinkSync(lock);
      } catch {
        // Someone judged it stale and took it over; theirs to remove.
      }
    }
  }

  private takeLock(lock: string): boolean {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        closeSync(openSync(lock, 'wx'));
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return false;
        try {
          if (Date.now() - statSync(lock).mtimeMs < STALE_LOCK_MS) return false;
          unlinkSync(lock);
        } catch {
          // Gone meanwhile: try again.
        }
      }
    }
    return false;
  }

  /** Writes a new file with `entries` beside the old one and renames it into place. */
  private replaceWith(entries: readonly (readonly [string, Float32Array])[]): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      const fd = openSync(tmp, 'w', 0o644);
      try {
        const parts: Buffer[] = [this.headerBytes];
        for (const [t, v] of entries) {
          const r = encodeRecord(t, v);
          if (r) parts.push(r);
        }
        writeSync(fd, Buffer.concat(parts));
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.file);
    } catch (e) {
      try {
        unlinkSync(tmp);
      } catch {
        // Never created.
      }
      this.disable(e);
      return;
    }
    this.reopen();
    this.writeIndex();
  }

  stats(): DiskVectorStoreStats {
    let fileBytes = 0;
    try {
      if (this.fd !== undefined) fileBytes = fstatSync(this.fd).size;
    } catch {
      // Closed under us: report 0.
    }
    return { entries: this.index.size, corruptBytes: this.counters.corruptBytes, compactions: this.counters.compactions, fileBytes };
  }

  /** Indexes what this process appended and writes the index for the next open, then closes the file. */
  close(): void {
    if (this.fd !== undefined && this.currentIno() === this.ino) {
      this.safely(() => this.scan());
      this.writeIndex();
    }
    this.closeFd();
    this.index = new Map();
    this.readBuffer = Buffer.alloc(0);
  }

  /** Inode of the file at `file` now (-1 when it is gone). */
  private currentIno(): number {
    try {
      return statSync(this.file).ino;
    } catch {
      return -1;
    }
  }
}

const MARKER_BYTES = (() => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(MARKER, 0);
  return b;
})();


/** Root of the vector stores: $SYNONYM_LENS_VECTORS_DIR, else ~/.cache/synonym-lens/vectors (XDG_CACHE_HOME honoured). */
export function defaultVectorStoreRoot(): string {
  const dir = process.env[VECTORS_DIR_ENV];
  if (dir) return path.resolve(dir);
  return path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'synonym-lens', 'vectors');
}
