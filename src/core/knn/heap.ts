/**
 * The best k of a stream of scored items: a min-heap keyed by (score, −index) whose root is the
 * worst item kept. Ties rank the lower index first, so results are deterministic.
 */
import type { ScoredIndex } from './types';

export class BestK {
  private readonly score: Float64Array;
  private readonly index: Int32Array;
  private size = 0;

  constructor(private readonly k: number) {
    this.score = new Float64Array(Math.max(0, k));
    this.index = new Int32Array(Math.max(0, k));
  }

  /** The score an item must beat to be kept: −Infinity until k items are held, then the worst kept. */
  get floor(): number {
    return this.size < this.k ? -Infinity : this.score[0]!;
  }

  offer(score: number, index: number): void {
    if (this.k <= 0) return;
    if (this.size < this.k) {
      this.score[this.size] = score;
      this.index[this.size] = index;
      this.up(this.size++);
    } else if (worse(this.score[0]!, this.index[0]!, score, index)) {
      this.score[0] = score;
      this.index[0] = index;
      this.down(0);
    }
  }

  /** The items kept, best first (ties: lower index first). */
  sorted(): ScoredIndex[] {
    const out: ScoredIndex[] = [];
    for (let i = 0; i < this.size; i++) out.push({ index: this.index[i]!, score: this.score[i]! });
    return out.sort((a, b) => b.score - a.score || a.index - b.index);
  }

  private up(pos: number): void {
    while (pos > 0) {
      const p = (pos - 1) >> 1;
      if (!worse(this.score[pos]!, this.index[pos]!, this.score[p]!, this.index[p]!)) return;
      this.swap(pos, p);
      pos = p;
    }
  }

  private down(pos: number): void {
    for (;;) {
      const l = 2 * pos + 1;
      if (l >= this.size) return;
      const r = l + 1;
      let m = l;
      if (r < this.size && worse(this.score[r]!, this.index[r]!, this.score[l]!, this.index[l]!)) m = r;
      if (!worse(this.score[m]!, this.index[m]!, this.score[pos]!, this.index[pos]!)) return;
      this.swap(pos, m);
      pos = m;
    }
  }

  private swap(a: number, b: number): void {
    const s = this.score[a]!;
    this.score[a] = this.score[b]!;
    this.score[b] = s;
    const i = this.index[a]!;
    this.index[a] = this.index[b]!;
    this.index[b] = i;
  }
}

/** Whether (sa, ia) ranks below (sb, ib): a lower score, or the same score and a higher index. */
function worse(sa: number, ia: number, sb: number, ib: number): boolean {
  return sa < sb || (sa === sb && ia > ib);
}
