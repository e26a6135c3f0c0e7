/**
 * UTF-8, written once for core (which has no TextEncoder or TextDecoder): the ONNX writer's and
 * reader's strings and the feature hash of the built-in model all go through here. A lone
 * surrogate encodes as U+FFFD, as TextEncoder does.
 */

/** Writes the UTF-8 bytes of `s` into `out` from offset 0 and returns their count; `out` needs `3 · s.length` bytes. */
export function utf8Into(s: string, out: Uint8Array): number {
  let n = 0;
  for (let k = 0; k < s.length; k++) {
    let cp = s.charCodeAt(k);
    // Combine a surrogate pair into one code point; a lone surrogate encodes as U+FFFD.
    if (cp >= 0xd800 && cp <= 0xdbff && k + 1 < s.length) {
      const lo = s.charCodeAt(k + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        k++;
      } else cp = 0xfffd;
    } else if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) out[n++] = cp;
    else if (cp < 0x800) {
      out[n++] = 0xc0 | (cp >> 6);
      out[n++] = 0x80 | (cp & 0x3f);
    } else if (cp < 0x10000) {
      out[n++] = 0xe0 | (cp >> 12);
      out[n++] = 0x80 | ((cp >> 6) & 0x3f);
      out[n++] = 0x80 | (cp & 0x3f);
    } else {
      out[n++] = 0xf0 | (cp >> 18);
      out[n++] = 0x80 | ((cp >> 12) & 0x3f);
      out[n++] = 0x80 | ((cp >> 6) & 0x3f);
      out[n++] = 0x80 | (cp & 0x3f);
    }
  }
  return n;
}

/** The UTF-8 bytes of `s`. */
export function encodeUtf8(s: string): Uint8Array {
  const out = new Uint8Array(3 * s.length);
  return out.slice(0, utf8Into(s, out));
}

/** UTF-8 decoding without TextDecoder (core has no DOM or Node types). */
export function decodeUtf8(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = '';
  for (let i = start; i < end; ) {
    const b = bytes[i]!;
    let cp: number;
    let n: number;
    if (b < 0x80) [cp, n] = [b, 1];
    else if (b >= 0xf0) [cp, n] = [b & 0x07, 4];
    else if (b >= 0xe0) [cp, n] = [b & 0x0f, 3];
    else [cp, n] = [b & 0x1f, 2];
    for (let k = 1; k < n; k++) cp = (cp << 6) | (bytes[i + k]! & 0x3f);
    out += String.fromCodePoint(cp);
    i += n;
  }
  return out;
}
