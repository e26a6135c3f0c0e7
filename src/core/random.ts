/**
 * A small, seeded, platform-independent pseudo-random generator.
 *
 * The built-in model's weights are drawn from it at build time (so no weights are committed) and
 * training code reuses it for shuffles and initialisation, so the same seed must give the same
 * numbers on every machine: the state is one 32-bit integer advanced with `Math.imul` (splitmix32),
 * and normals use Box–Muller over V8's fdlibm-based `Math.log`/`Math.cos`/`Math.sin`.
 */

const TWO_POW_32 = 4294967296;

export class Random {
  private state: number;
  private spareNormal: number | undefined;

  /** @param seed any integer; only its low 32 bits are used. */
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The next uniformly distributed unsigned 32-bit integer in [0, 2^32) (splitmix32). */
  nextUint32(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    let t = this.state ^ (this.state >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    t ^= t >>> 15;
    return t >>> 0;
  }

  /** A uniform float in [0, 1) with 32 bits of resolution. */
  nextFloat(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** A uniform integer in [0, n); `n` must be a positive integer ≤ 2^32. */
  nextInt(n: number): number {
    return Math.floor(this.nextFloat() * n);
  }

  /** A standard normal sample N(0, 1) (Box–Muller; the second value of each pair is kept). */
  nextNormal(): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return z;
    }
    // u1 in (0, 1] so that log(u1) is finite.
    const u1 = (this.nextUint32() + 1) / TWO_POW_32;
    const u2 = this.nextUint32() / TWO_POW_32;
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    this.spareNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** Fills `out` with N(mean, std²) samples, in index order; returns `out`. */
  fillNormal<T extends Float32Array | Float64Array>(out: T, std = 1, mean = 0): T {
    for (let i = 0; i < out.length; i++) out[i] = mean + std * this.nextNormal();
    return out;
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }
}
