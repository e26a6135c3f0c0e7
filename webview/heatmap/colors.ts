/**
 * Colour scales of the heatmap as 256-entry lookup tables of packed RGBA (little-endian, ready
 * for a `Uint32Array` view of `ImageData`).
 *
 * - Sequential: viridis (perceptually uniform, colour-blind safe), from the polynomial fit of
 *   Matt Zucker (CC0) to matplotlib's table. On dark themes low cosines are dark and recede into
 *   the background; on light themes the scale is reversed so that they are light there too.
 * - Diverging (difference mode): blue → theme background → red, interpolated in linear RGB, so
 *   "no change" looks like empty space in any theme.
 */

export type Rgb = [number, number, number];

const C: Rgb[] = [
  [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
  [0.1050930431085774, 1.404613529898575, 1.384590162594685],
  [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
  [-4.634230498983486, -5.799100973351585, -19.33244095627987],
  [6.228269936347081, 14.17993336680509, 56.69055260068105],
  [4.776384997670288, -13.74514537774601, -65.35303263337234],
  [-5.435455855934631, 4.645852612178535, 26.3124352495832],
];

/** viridis(t), t in [0, 1], as 0–255 RGB. */
export function viridis(t: number): Rgb {
  const out: Rgb = [0, 0, 0];
  for (let k = 0; k < 3; k++) {
    let v = C[6]![k]!;
    for (let i = 5; i >= 0; i--) v = C[i]![k]! + t * v;
    out[k] = Math.round(255 * Math.max(0, Math.min(1, v)));
  }
  return out;
}

const pack = ([r, g, b]: Rgb): number => ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;

/** 256 packed colours of the sequential scale; `reversed` for light themes. */
export function sequentialLut(reversed: boolean): Uint32Array {
  const lut = new Uint32Array(256);
  for (let i = 0; i < 256; i++) lut[i] = pack(viridis(reversed ? 1 - i / 255 : i / 255));
  return lut;
}

const toLinear = (c: number) => {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
};
const toSrgb = (l: number) => Math.round(255 * (l <= 0.0031308 ? 12.92 * l : 1.055 * l ** (1 / 2.4) - 0.055));

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [0, 1, 2].map((k) => toSrgb(toLinear(a[k]!) * (1 - t) + toLinear(b[k]!) * t)) as Rgb;
}

const BLUE: Rgb = [33, 102, 172];
const RED: Rgb = [178, 24, 43];

/** 256 packed colours: index 0 = most negative (blue), 128 ≈ `middle`, 255 = most positive (red). */
export function divergingLut(middle: Rgb): Uint32Array {
  const lut = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    const t = i / 255;
    lut[i] = pack(t < 0.5 ? mix(BLUE, middle, t * 2) : mix(middle, RED, (t - 0.5) * 2));
  }
  return lut;
}

/** `rgb(…)`/`#rrggbb` as computed by the browser → Rgb; undefined for anything else. */
export function parseColor(css: string): Rgb | undefined {
  const s = css.trim();
  let m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(s);
  if (m) return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
  m = /^rgba?\(\s*(\d+)[,\s]+(\d+)[,\s]+(\d+)/i.exec(s);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return undefined;
}

/** CSS colour of a packed LUT entry. */
export function cssOf(packed: number): string {
  return `rgb(${packed & 255}, ${(packed >>> 8) & 255}, ${(packed >>> 16) & 255})`;
}

/** Relative luminance of an sRGB colour, in [0, 1]. */
export function luminance([r, g, b]: Rgb): number {
  return 0.2126 * toLinear(r) + 0.7152 * toLinear(g) + 0.0722 * toLinear(b);
}
