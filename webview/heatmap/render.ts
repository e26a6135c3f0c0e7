/**
 * Draws an n×n matrix into RGBA pixels, one pixel per cell: a lookup per cell into a 256-colour
 * table, written as 32-bit words. 2,000 terms = 4M cells in a few tens of milliseconds.
 */

export interface Domain {
  lo: number;
  hi: number;
}

/**
 * Fills `pixels` (n×n packed RGBA) from `values` (row-major) mapped linearly from `domain` onto
 * `lut`. With `outline` set, cells at or above `threshold` that touch a cell below it (right or
 * below, either side of the boundary) are painted `outlineColor` instead: the threshold contour.
 */
export function paintMatrix(
  values: ArrayLike<number>,
  n: number,
  domain: Domain,
  lut: Uint32Array,
  pixels: Uint32Array,
  outline?: { threshold: number; color: number },
): void {
  const scale = 255 / (domain.hi - domain.lo || 1);
  const lo = domain.lo;
  for (let p = 0; p < n * n; p++) {
    let k = ((values[p]! - lo) * scale) | 0;
    if (k < 0) k = 0;
    else if (k > 255) k = 255;
    pixels[p] = lut[k]!;
  }
  if (!outline) return;
  const t = outline.threshold;
  const c = outline.color;
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) {
      const p = row + j;
      const above = values[p]! >= t;
      if (j + 1 < n && above !== values[p + 1]! >= t) pixels[above ? p : p + 1] = c;
      if (i + 1 < n && above !== values[p + n]! >= t) pixels[above ? p : p + n] = c;
    }
  }
}

/** The domain of the sequential view: [floor(min off-diagonal, 0.1), 1], at most [-1, 1]. */
export function sequentialDomain(values: ArrayLike<number>, n: number): Domain {
  let min = 1;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j && values[i * n + j]! < min) min = values[i * n + j]!;
  return { lo: Math.max(-1, Math.min(0, Math.floor(min * 10) / 10)), hi: 1 };
}

/** A symmetric domain for differences: ±max |value|, rounded up to 0.05 (at least 0.05). */
export function divergingDomain(values: ArrayLike<number>): Domain {
  let m = 0;
  for (let p = 0; p < values.length; p++) m = Math.max(m, Math.abs(values[p]!));
  const r = Math.max(0.05, Math.ceil(m * 20) / 20);
  return { lo: -r, hi: r };
}
