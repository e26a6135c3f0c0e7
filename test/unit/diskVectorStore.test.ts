// The persistent vector store (src/runtime/model/diskVectorStore.ts): round trip, the size bound,
// corrupt files, two processes writing at once, and the engine decorator over it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync, truncateSync, readdirSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { createInterface } from 'node:readline';
import { DiskVectorStore, vectorStoreFile, VECTOR_STORE_HEADER_BYTES } from '../../src/runtime/model/diskVectorStore';
import { PersistentEngine } from '../../src/runtime/model/persistentEngine';
import type { EmbeddingEngine } from '../../src/runtime/model/engine';
import { vectorOf } from '../helpers/diskVectorStoreData';

const DIM = 16;
const FP = 'f'.repeat(64);
const fresh = () => mkdtempSync(path.join(tmpdir(), 'synonym-lens-vectors-'));
const entries = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => [`${prefix}${i}`, vectorOf(`${prefix}${i}`, DIM)] as [string, Float32Array]);
const recordBytes = (text: string) => 12 + Buffer.byteLength(text) + 4 * DIM;

function logger() {
  const lines: string[] = [];
  return { lines, log: (m: string) => lines.push(m) };
}

test('vectors written by one store are read back by the next, Chinese and English texts alike', () => {
  const root = fresh();
  const a = DiskVectorStore.open(root, FP, DIM);
  const data = [...entries('term ', 50), ...entries('汽车', 50)];
  a.putMany(data);
  a.close();
  const { lines, log } = logger();
  const b = DiskVectorStore.open(root, FP, DIM, { log });
  const got = b.getMany(data.map(([t]) => t).concat('never stored'));
  data.forEach(([, v], i) => assert.deepEqual(got[i], v));
  assert.equal(got[100], undefined);
  assert.equal(b.stats().entries, 100);
  assert.equal(b.stats().corruptBytes, 0);
  assert.deepEqual(lines, []);
  b.close();
  // Another model (fingerprint) has its own file, so it sees nothing of these.
  const other = DiskVectorStore.open(root, 'e'.repeat(64), DIM);
  assert.equal(other.get('term 1'), undefined);
  other.close();
});

test('vectors read in blocks come back right in any order, across block boundaries, with repeats and gaps', () => {
  const root = fresh();
  const dim = 1024; // 4 KiB a vector: 1,500 of them span two 4 MiB read blocks
  const data = Array.from({ length: 1500 }, (_, i) => [`v${i}`, vectorOf(`v${i}`, dim)] as [string, Float32Array]);
  const a = DiskVectorStore.open(root, FP, dim);
  for (let i = 0; i < data.length; i += 500) a.putMany(data.slice(i, i + 500));
  a.close();
  const b = DiskVectorStore.open(root, FP, dim);
  // Every third text (gaps between wanted records), backwards, one repeated, one never stored.
  const wanted = data.filter((_, i) => i % 3 === 0).map(([t]) => t).reverse().concat('v3', 'missing', 'v1499');
  const got = b.getMany(wanted);
  wanted.forEach((t, i) => assert.deepEqual(got[i], t === 'missing' ? undefined : vectorOf(t, dim), t));
  // The vectors of a call share one array of exactly their size, not the read block (which the
  // next read overwrites): a later call leaves them as they were.
  const found = got.filter((v) => v !== undefined).length;
  assert.ok(got.every((v) => v === undefined || v.buffer === got[0]!.buffer));
  assert.equal(got[0]!.buffer.byteLength, 4 * dim * found);
  const again = b.getMany(['v1', 'v2']);
  assert.notEqual(again[0]!.buffer, got[0]!.buffer);
  wanted.forEach((t, i) => assert.deepEqual(got[i], t === 'missing' ? undefined : vectorOf(t, dim), t));
  b.close();
});

test('a store sees what another store of the same model appended after it opened', () => {
  const root = fresh();
  const a = DiskVectorStore.open(root, FP, DIM);
  const b = DiskVectorStore.open(root, FP, DIM);
  a.putMany(entries('x', 3));
  assert.deepEqual(b.get('x2'), vectorOf('x2', DIM));
  a.close();
  b.close();
});

test('past its bound the file is compacted to about half, keeping the vectors this process used', () => {
  const root = fresh();
  const per = recordBytes('k000');
  const maxBytes = VECTOR_STORE_HEADER_BYTES + 100 * per;
  const store = DiskVectorStore.open(root, FP, DIM, { maxBytes });
  const pad = (i: number) => `k${String(i).padStart(3, '0')}`;
  const all = Array.from({ length: 400 }, (_, i) => [pad(i), vectorOf(pad(i), DIM)] as [string, Float32Array]);
  store.putMany(all.slice(0, 90));
  assert.equal(store.stats().compactions, 0);
  const reopened = DiskVectorStore.open(root, FP, DIM, { maxBytes });
  // This process keeps using k005 (a term of the open dictionary) while it adds others.
  for (let i = 90; i < 400; i += 10) {
    assert.deepEqual(reopened.get(pad(5)), vectorOf(pad(5), DIM));
    reopened.putMany(all.slice(i, i + 10));
  }
  const stats = reopened.stats();
  assert.ok(stats.compactions >= 1, JSON.stringify(stats));
  assert.ok(statSync(vectorStoreFile(root, FP)).size <= maxBytes, 'the file stays within its bound');
  assert.deepEqual(reopened.get(pad(5)), vectorOf(pad(5), DIM), 'a used vector survives compaction');
  assert.equal(reopened.get(pad(6)), undefined, 'an old unused vector was evicted');
  assert.deepEqual(reopened.get(pad(399)), vectorOf(pad(399), DIM), 'the newest vectors stay');
  reopened.close();
  // The first store notices the file was replaced and reads the new one.
  assert.deepEqual(store.get(pad(399)), vectorOf(pad(399), DIM));
  store.close();
  assert.deepEqual(readdirSync(path.dirname(vectorStoreFile(root, FP))).sort(), ['vectors.slv', 'vectors.slx'], 'no lock or temporary file is left');
});

test('a corrupt record is skipped with one log line and the records after it are still read', () => {
  const root = fresh();
  const store = DiskVectorStore.open(root, FP, DIM);
  store.putMany(entries('c', 10));
  store.close();
  const file = vectorStoreFile(root, FP);
  const bytes = readFileSync(file);
  // Flip a byte inside the vector of the fourth record and overwrite the marker of the seventh.
  const at = (k: number) => VECTOR_STORE_HEADER_BYTES + k * recordBytes('c0');
  bytes[at(3) + 20] ^= 0xff;
  bytes.writeUInt32LE(0xdeadbeef, at(6));
  writeFileSync(file, bytes);
  const { lines, log } = logger();
  const reopened = DiskVectorStore.open(root, FP, DIM, { log });
  const got = reopened.getMany(entries('c', 10).map(([t]) => t));
  assert.equal(got[3], undefined);
  assert.equal(got[6], undefined);
  for (const k of [0, 1, 2, 4, 5, 7, 8, 9]) assert.deepEqual(got[k], vectorOf(`c${k}`, DIM), `c${k}`);
  assert.equal(reopened.stats().corruptBytes, 2 * recordBytes('c0'));
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /skipped 156 corrupt bytes \(8 vectors kept\)/);
  // Appending after the damage works, and the new vectors are read back.
  reopened.putMany(entries('d', 2));
  reopened.close();
  const again = DiskVectorStore.open(root, FP, DIM, { log: () => undefined });
  assert.deepEqual(again.get('d1'), vectorOf('d1', DIM));
  again.close();
});

test('a torn last record (a crash mid-write) is left unread, then passed over once more follows', () => {
  const root = fresh();
  const store = DiskVectorStore.open(root, FP, DIM);
  store.putMany(entries('t', 5));
  store.close();
  const file = vectorStoreFile(root, FP);
  truncateSync(file, statSync(file).size - 7);
  const { lines, log } = logger();
  const reopened = DiskVectorStore.open(root, FP, DIM, { log });
  assert.deepEqual(reopened.get('t3'), vectorOf('t3', DIM));
  assert.equal(reopened.get('t4'), undefined);
  assert.deepEqual(lines, []);
  reopened.putMany(entries('u', 1));
  reopened.close();
  const third = DiskVectorStore.open(root, FP, DIM, { log });
  assert.deepEqual(third.get('u0'), vectorOf('u0', DIM));
  assert.deepEqual(third.get('t0'), vectorOf('t0', DIM));
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /skipped \d+ corrupt bytes \(5 vectors kept\)/);
  third.close();
});

test('a file that is not a vector file of this model is logged and replaced, never a crash', () => {
  for (const content of [Buffer.from('not a vector file at all'), Buffer.alloc(0), Buffer.alloc(5000, 0xab)]) {
    const root = fresh();
    const file = vectorStoreFile(root, FP);
    DiskVectorStore.open(root, FP, DIM).close(); // creates the folder
    writeFileSync(file, content);
    const { lines, log } = logger();
    const store = DiskVectorStore.open(root, FP, DIM, { log });
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0]!, /not a vector file of this model/);
    assert.equal(store.get('x'), undefined);
    store.putMany(entries('n', 2));
    store.close();
    assert.deepEqual(DiskVectorStore.open(root, FP, DIM).get('n1'), vectorOf('n1', DIM));
  }
  // Same fingerprint, another dimension (a file from an inconsistent writer): also replaced.
  const root = fresh();
  DiskVectorStore.open(root, FP, DIM).putMany(entries('w', 2));
  const { lines, log } = logger();
  const wide = DiskVectorStore.open(root, FP, DIM * 2, { log });
  assert.equal(wide.get('w1'), undefined);
  assert.equal(lines.length, 1);
  wide.close();
});

/** The index file beside the vector file, and a store with its log lines. */
const indexFile = (root: string) => vectorStoreFile(root, FP).replace(/\.slv$/, '.slx');
function openLogged(root: string) {
  const { lines, log } = logger();
  return { store: DiskVectorStore.open(root, FP, DIM, { log }), lines };
}
/** A store of `n` records `i0…` written and closed (so its index is written). */
function written(n: number) {
  const root = fresh();
  const store = DiskVectorStore.open(root, FP, DIM);
  store.putMany(entries('i', n));
  store.close();
  return root;
}
const allOf = (n: number) => entries('i', n).map(([t]) => t);
const assertAll = (got: (Float32Array | undefined)[], n: number) => {
  assert.equal(got.length, n);
  got.forEach((v, k) => assert.deepEqual(v, vectorOf(`i${k}`, DIM), `i${k}`));
};

test('an open reads the index, not the vector file: damage shows when a record is read, then the file is scanned', () => {
  const root = written(20);
  assert.ok(statSync(indexFile(root)).size > 0, 'close writes the index');
  // Flip a byte of the vector of record 5, in place (same file, same inode).
  const file = vectorStoreFile(root, FP);
  const bytes = readFileSync(file);
  bytes[VECTOR_STORE_HEADER_BYTES + 5 * recordBytes('i10') + 30] ^= 0xff;
  writeFileSync(file, bytes);
  const { store, lines } = openLogged(root);
  // No scan on open: the damage is not seen yet.
  assert.equal(store.stats().entries, 20);
  assert.equal(store.stats().corruptBytes, 0);
  assert.deepEqual(lines, []);
  const got = store.getMany(allOf(20));
  assert.equal(got[5], undefined, 'a record failing its CRC is never used');
  got.forEach((v, k) => k !== 5 && assert.deepEqual(v, vectorOf(`i${k}`, DIM), `i${k}`));
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0]!, /skipped \d+ corrupt bytes \(19 vectors kept\)/);
  store.close();
});

test('an index pointing at the wrong records is caught on read and the file scanned instead', () => {
  const root = written(6);
  // Swap the offsets of the first two entries (texts of the same length) and fix the index CRC:
  // a well-formed index that lies.
  const idx = readFileSync(indexFile(root));
  const entry = (k: number) => 96 + k * (12 + 2);
  const first = idx.readDoubleLE(entry(0));
  idx.writeDoubleLE(idx.readDoubleLE(entry(1)), entry(0));
  idx.writeDoubleLE(first, entry(1));
  idx.writeUInt32LE(zlib.crc32(idx.subarray(0, idx.length - 4)), idx.length - 4);
  writeFileSync(indexFile(root), idx);
  const { store, lines } = openLogged(root);
  assertAll(store.getMany(allOf(6)), 6);
  assert.deepEqual(lines, [], 'the vector file itself is sound');
  store.close();
  // The scan's index replaced the lying one.
  const again = openLogged(root);
  assertAll(again.store.getMany(allOf(6)), 6);
  again.store.close();
});

test('a corrupt index file is logged and passed over; a stale one (another file, a shorter file) is rebuilt quietly', () => {
  // Corrupt: one flipped byte fails its CRC.
  let root = written(8);
  const idx = readFileSync(indexFile(root));
  idx[100] ^= 0x01;
  writeFileSync(indexFile(root), idx);
  let opened = openLogged(root);
  assert.equal(opened.lines.length, 1);
  assert.match(opened.lines[0]!, /corrupt index; reading the vector file instead/);
  assertAll(opened.store.getMany(allOf(8)), 8);
  opened.store.close();
  // Not an index at all.
  writeFileSync(indexFile(root), 'garbage');
  opened = openLogged(root);
  assert.match(opened.lines.join('\n'), /not an index file/);
  assertAll(opened.store.getMany(allOf(8)), 8);
  opened.store.close();

  // Stale: the vector file was replaced (a compaction elsewhere, a copy) after the index was written.
  root = written(8);
  const file = vectorStoreFile(root, FP);
  const copy = readFileSync(file);
  unlinkSync(file);
  writeFileSync(file, copy.subarray(0, VECTOR_STORE_HEADER_BYTES + 3 * recordBytes('i0')));
  opened = openLogged(root);
  assert.deepEqual(opened.lines, []);
  assert.equal(opened.store.stats().entries, 3);
  const got = opened.store.getMany(allOf(8));
  assertAll(got.slice(0, 3), 3);
  assert.deepEqual(got.slice(3), [undefined, undefined, undefined, undefined, undefined]);
  opened.store.close();

  // Stale: the same file cut shorter than the index covers.
  root = written(8);
  truncateSync(vectorStoreFile(root, FP), VECTOR_STORE_HEADER_BYTES + 4 * recordBytes('i0'));
  opened = openLogged(root);
  assert.deepEqual(opened.lines, []);
  assert.equal(opened.store.stats().entries, 4);
  assertAll(opened.store.getMany(allOf(4)), 4);
  opened.store.close();
});

test('records appended after the index was written are found; a torn last one is left unread', () => {
  const root = written(5);
  // Another process appended two records and crashed in the middle of a third.
  const other = DiskVectorStore.open(root, FP, DIM);
  other.putMany(entries('j', 3));
  const file = vectorStoreFile(root, FP);
  truncateSync(file, statSync(file).size - 9);
  // (No close: the crashed process wrote no index.)
  const { store, lines } = openLogged(root);
  assertAll(store.getMany(allOf(5)), 5);
  assert.deepEqual(store.getMany(['j0', 'j1', 'j2']), [vectorOf('j0', DIM), vectorOf('j1', DIM), undefined]);
  assert.deepEqual(lines, []);
  store.close();
  // The index now covers the two whole records and not the torn one, which the next append passes over.
  const next = openLogged(root);
  next.store.putMany(entries('k', 1));
  assert.deepEqual(next.store.getMany(['j1', 'k0', 'i4']), [vectorOf('j1', DIM), vectorOf('k0', DIM), vectorOf('i4', DIM)]);
  assert.equal(next.lines.length, 1);
  assert.match(next.lines[0]!, /skipped \d+ corrupt bytes/);
  next.store.close();
});

/** Starts a writer process; resolves when it says `ready`. */
async function writer(root: string, prefix: string, count: number, maxBytes: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', 'helpers', 'diskVectorStoreWriter.ts'), root, FP, String(DIM), prefix, String(count), '7', String(maxBytes)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  assert.equal((await lines.next()).value, 'ready');
  return {
    go: () => child.stdin!.write('go\n'),
    done: async () => {
      const stats = JSON.parse((await lines.next()).value as string);
      const code = await new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));
      assert.equal(code, 0);
      return stats;
    },
  };
}

for (const compacting of [false, true]) {
  test(`two processes appending at once ${compacting ? 'and compacting ' : ''}leave a file whose every vector is right`, async () => {
    const root = fresh();
    const count = 1500;
    const maxBytes = compacting ? VECTOR_STORE_HEADER_BYTES + 400 * recordBytes('p-0000') : 1 << 30;
    const [a, b] = await Promise.all([writer(root, 'a', count, maxBytes), writer(root, 'b', count, maxBytes)]);
    a.go();
    b.go();
    const [sa, sb] = await Promise.all([a.done(), b.done()]);
    const { lines, log } = logger();
    const store = DiskVectorStore.open(root, FP, DIM, { log, maxBytes });
    assert.deepEqual(lines, [], 'no corrupt bytes');
    const texts = ['a', 'b'].flatMap((p) => Array.from({ length: count }, (_, i) => `${p}-${i}`));
    const got = store.getMany(texts);
    let present = 0;
    texts.forEach((t, i) => {
      if (got[i] === undefined) return;
      present++;
      assert.deepEqual(got[i], vectorOf(t, DIM), t);
    });
    if (compacting) {
      assert.ok(sa.compactions + sb.compactions >= 1, 'the writers compacted');
      assert.ok(present > 0 && statSync(vectorStoreFile(root, FP)).size <= maxBytes + 7 * recordBytes('p-0000'));
    } else assert.equal(present, 2 * count, 'every vector of both writers is there');
    store.close();
  });
}

test('the persistent engine computes only what the store lacks and stores it for the next run', async () => {
  const root = fresh();
  const computed: string[] = [];
  const fake = (): EmbeddingEngine => ({
    id: 'fake',
    fingerprint: FP,
    dimension: DIM,
    maxInputLength: 64,
    embed: async (texts) => {
      computed.push(...texts);
      return texts.map((t) => vectorOf(t, DIM));
    },
    analyze: () => ({ units: 1, unknownUnits: 0, unknownOnly: false, truncated: false }),
    dispose: async () => undefined,
  });
  const first = new PersistentEngine(fake(), DiskVectorStore.open(root, FP, DIM));
  assert.equal(first.holds(['a']), false);
  assert.deepEqual(await first.embed(['a', 'b', 'a']), [vectorOf('a', DIM), vectorOf('b', DIM), vectorOf('a', DIM)]);
  assert.deepEqual(computed, ['a', 'b']);
  assert.equal(first.holds(['a', 'b']), true);
  assert.equal(first.holds(['a', 'c']), false);
  await first.dispose();
  const second = new PersistentEngine(fake(), DiskVectorStore.open(root, FP, DIM));
  assert.equal(second.holds(['b', 'a']), true, 'known from the file, before any read');
  // readStored hands over the stored bytes, leaving out what the store lacks.
  const seen: [number, Float32Array][] = [];
  second.readStored(['x', 'a', 'b'], (k, bytes) => seen.push([k, new Float32Array(Uint8Array.from(bytes).buffer)]));
  assert.deepEqual(seen.sort((p, q) => p[0] - q[0]), [[1, vectorOf('a', DIM)], [2, vectorOf('b', DIM)]]);
  assert.deepEqual(second.stats(), { fromDisk: 2, computed: 0 });
  assert.deepEqual(await second.embed(['b', 'c', 'a']), [vectorOf('b', DIM), vectorOf('c', DIM), vectorOf('a', DIM)]);
  assert.deepEqual(computed, ['a', 'b', 'c']);
  assert.deepEqual(second.stats(), { fromDisk: 4, computed: 1 });
  await second.dispose();
  assert.throws(() => new PersistentEngine(fake(), DiskVectorStore.open(root, FP, DIM + 1)), /vector store of another model/);
});
