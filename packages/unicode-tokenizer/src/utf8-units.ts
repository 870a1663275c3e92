// UTF-8 bytes -> UTF-16 code units in a caller's reused buffer, strictly validated as TextDecoder's fatal mode
// does (overlong forms, surrogates, code points above U+10FFFF and truncated sequences are errors), so the bvv241
// encoder can read a file's bytes without making a JS string of them.

/** Receives the number of units written (a second result without allocating a return object). */
export interface UnitsSink { setFilled(n: number): void }

/**
 * Decodes whole characters of bytes[pos, ...) into u[at, ...) until the bytes end or the buffer has room for no
 * further character (a 4-byte character needs two units). Calls `sink.setFilled(units in u)` and returns the byte
 * position reached. Throws a TypeError naming the byte offset of the first invalid sequence.
 */
export function decodeUtf8Into(b: Uint8Array, pos: number, u: Uint16Array, at: number, sink: UnitsSink): number {
  const end = b.length, cap = u.length - 1;
  let i = pos, k = at;
  while (i < end && k < cap) {
    const c = b[i];
    if (c < 0x80) { u[k++] = c; i++; continue; }
    if (c < 0xe0) {
      if (c < 0xc2 || i + 1 >= end) invalid(i);
      const c1 = b[i + 1];
      if ((c1 & 0xc0) !== 0x80) invalid(i);
      u[k++] = ((c & 0x1f) << 6) | (c1 & 0x3f);
      i += 2;
      continue;
    }
    if (c < 0xf0) {
      if (i + 2 >= end) invalid(i);
      const c1 = b[i + 1], c2 = b[i + 2];
      // E0 needs A0..BF (no overlong forms), ED needs 80..9F (no surrogates)
      if (c1 < (c === 0xe0 ? 0xa0 : 0x80) || c1 > (c === 0xed ? 0x9f : 0xbf) || (c2 & 0xc0) !== 0x80) invalid(i);
      u[k++] = ((c & 0x0f) << 12) | ((c1 & 0x3f) << 6) | (c2 & 0x3f);
      i += 3;
      continue;
    }
    if (c > 0xf4 || i + 3 >= end) invalid(i);
    const c1 = b[i + 1], c2 = b[i + 2], c3 = b[i + 3];
    // F0 needs 90..BF (no overlong forms), F4 needs 80..8F (nothing above U+10FFFF)
    if (c1 < (c === 0xf0 ? 0x90 : 0x80) || c1 > (c === 0xf4 ? 0x8f : 0xbf) || (c2 & 0xc0) !== 0x80 || (c3 & 0xc0) !== 0x80) invalid(i);
    const cp = ((c & 0x07) << 18) | ((c1 & 0x3f) << 12) | ((c2 & 0x3f) << 6) | (c3 & 0x3f);
    u[k++] = 0xd7c0 + (cp >> 10); // 0xd800 + ((cp - 0x10000) >> 10)
    u[k++] = 0xdc00 | (cp & 0x3ff);
    i += 4;
  }
  sink.setFilled(k);
  return i;
}

function invalid(at: number): never {
  throw new TypeError(`invalid UTF-8 at byte ${at}`);
}
