/**
 * Open-addressing hash tables that give dense numeric ids: term keys (strings) and unordered pairs
 * of ids. They stand in for a `Map` where a large dictionary puts millions of entries in one: a
 * `Map` of 1.8 million term keys costs twice the time of these tables to fill, and a `Map` keyed by
 * a number beyond 2³¹ (two ids in one key) allocates a heap number per entry, which the garbage
 * collector then moves. Here the slots, hashes and id pairs live in typed arrays (no object per
 * entry) and the ids are reused after a deletion.
 *
 * Linear probing; a deletion shifts the entries after it back (no tombstones), so a table that
 * follows many edits stays as fast as a fresh one.
 */

const EMPTY = -1;
const MIN_CAPACITY = 16;

/** A hash of a string's UTF-16 code units (FNV-1a, then mixed so that the low bits spread). */
function hashString(s: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix(h);
}

/** A hash of two ids. */
function hashIds(x: number, y: number): number {
  return mix(Math.imul(x, 0x9e3779b1) ^ y);
}

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h;
}

function grown(a: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> {
  if (size <= a.length) return a;
  const out = new Int32Array(Math.max(size, a.length * 2));
  out.set(a);
  return out;
}

/**
 * Slots of an open-addressing table over the ids of its owner, which knows each id's hash
 * (`hashOf`). Kept at most half full.
 */
class Slots {
  slots = new Int32Array(MIN_CAPACITY).fill(EMPTY);
  mask = MIN_CAPACITY - 1;
  size = 0;

  constructor(private readonly hashOf: (id: number) => number) {}

  /** Puts `id` (not yet in the table) in the first free slot from `h`. */
  insert(id: number, h: number): void {
    if (2 * (this.size + 1) > this.slots.length) this.rehash(this.slots.length * 2);
    let j = h & this.mask;
    while (this.slots[j] !== EMPTY) j = (j + 1) & this.mask;
    this.slots[j] = id;
    this.size++;
  }

  /** Makes room for `n` entries in all (no rehash until there are more). */
  reserve(n: number): void {
    let capacity = this.slots.length;
    while (capacity < 2 * n) capacity *= 2;
    if (capacity > this.slots.length) this.rehash(capacity);
  }

  /** Takes `id` out of slot `j`, moving back the entries after it that would not be found otherwise. */
  removeAt(j: number): void {
    const { slots, mask } = this;
    let hole = j;
    for (let k = (hole + 1) & mask; slots[k] !== EMPTY; k = (k + 1) & mask) {
      const home = this.hashOf(slots[k]) & mask;
      // The entry at k stays if its home lies cyclically in (hole, k].
      const stays = hole <= k ? hole < home && home <= k : hole < home || home <= k;
      if (!stays) {
        slots[hole] = slots[k];
        hole = k;
      }
    }
    slots[hole] = EMPTY;
    this.size--;
  }

  private rehash(capacity: number): void {
    const old = this.slots;
    this.slots = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
    for (const id of old) {
      if (id === EMPTY) continue;
      let j = this.hashOf(id) & this.mask;
      while (this.slots[j] !== EMPTY) j = (j + 1) & this.mask;
      this.slots[j] = id;
    }
  }
}

/** Strings ↔ dense ids (an id is reused after its string is deleted). */
export class StringIds {
  /** Id → its string, undefined while the id is free. */
  readonly strings: (string | undefined)[] = [];
  private hashes = new Int32Array(MIN_CAPACITY);
  private readonly free: number[] = [];
  private readonly table = new Slots((id) => this.hashes[id]);

  /** How many strings are in. */
  get size(): number {
    return this.table.size;
  }

  /** Makes room for `n` strings in all. */
  reserve(n: number): void {
    this.table.reserve(n);
    this.hashes = grown(this.hashes, n);
  }

  /** The id of `s`, or -1. */
  get(s: string): number {
    const h = hashString(s);
    const { slots, mask } = this.table;
    for (let j = h & mask; ; j = (j + 1) & mask) {
      const id = slots[j];
      if (id === EMPTY) return -1;
      if (this.hashes[id] === h && this.strings[id] === s) return id;
    }
  }

  /** The id of `s`, given one if it has none. */
  intern(s: string): number {
    const h = hashString(s);
    const { slots, mask } = this.table;
    for (let j = h & mask; ; j = (j + 1) & mask) {
      const id = slots[j];
      if (id === EMPTY) break;
      if (this.hashes[id] === h && this.strings[id] === s) return id;
    }
    const id = this.free.pop() ?? this.strings.length;
    this.hashes = grown(this.hashes, id + 1);
    this.hashes[id] = h;
    this.strings[id] = s;
    this.table.insert(id, h);
    return id;
  }

  /** Deletes the string of `id` (which must be in); the id is free for reuse. */
  delete(id: number): void {
    const { slots, mask } = this.table;
    let j = this.hashes[id] & mask;
    while (slots[j] !== id) j = (j + 1) & mask;
    this.table.removeAt(j);
    this.strings[id] = undefined;
    this.free.push(id);
  }
}

/** Unordered pairs of ids (x, y) = (y, x) ↔ dense ids (reused after a deletion). */
export class IdPairIds {
  private lo = new Int32Array(MIN_CAPACITY);
  private hi = new Int32Array(MIN_CAPACITY);
  private readonly free: number[] = [];
  private next = 0;
  private readonly table = new Slots((id) => hashIds(this.lo[id], this.hi[id]));

  /** Makes room for `n` pairs in all. */
  reserve(n: number): void {
    this.table.reserve(n);
    this.lo = grown(this.lo, n);
    this.hi = grown(this.hi, n);
  }

  /** The id of the pair {x, y}, or -1. */
  get(x: number, y: number): number {
    const lo = x < y ? x : y;
    const hi = x < y ? y : x;
    const { slots, mask } = this.table;
    for (let j = hashIds(lo, hi) & mask; ; j = (j + 1) & mask) {
      const id = slots[j];
      if (id === EMPTY) return -1;
      if (this.lo[id] === lo && this.hi[id] === hi) return id;
    }
  }

  /** Gives the pair {x, y} (not in yet) an id. */
  add(x: number, y: number): number {
    const lo = x < y ? x : y;
    const hi = x < y ? y : x;
    const id = this.free.pop() ?? this.next++;
    this.lo = grown(this.lo, id + 1);
    this.hi = grown(this.hi, id + 1);
    this.lo[id] = lo;
    this.hi[id] = hi;
    this.table.insert(id, hashIds(lo, hi));
    return id;
  }

  /** Deletes the pair of `id` (which must be in); the id is free for reuse. */
  delete(id: number): void {
    const { slots, mask } = this.table;
    let j = hashIds(this.lo[id], this.hi[id]) & mask;
    while (slots[j] !== id) j = (j + 1) & mask;
    this.table.removeAt(j);
    this.free.push(id);
  }
}
