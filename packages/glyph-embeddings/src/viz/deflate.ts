// zlib (RFC 1950) streams for the PNG encoder, compressed by fflate (maintained, pure JS: the same bytes in Node
// and browsers). adler32 is kept here as the zlib trailer's checksum on its own (fflate does not export it).
import { zlibSync } from 'fflate';

/** Adler-32 checksum (RFC 1950). */
export function adler32(data: Uint8Array): number {
  let a = 1, b = 0;
  for (let i = 0; i < data.length;) {
    const end = Math.min(data.length, i + 5552); // zlib's NMAX: reduce at least this often
    for (; i < end; i++) { a += data[i]; b += a; }
    a %= 65521; b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** Deflate effort: 0 = stored blocks only (no compression), 1 = fastest, 9 = smallest output. */
export type DeflateLevel = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

/**
 * zlib stream of `data` at `level` (default 1), compressed by fflate; never longer than the stored (level 0)
 * stream (fflate can be a few bytes over it on incompressible data, e.g. noise).
 */
export function zlibDeflate(data: Uint8Array, level: DeflateLevel = 1): Uint8Array {
  if (!Number.isInteger(level) || level < 0 || level > 9) throw new RangeError(`zlibDeflate: level must be an integer 0..9, got ${level}`);
  const compressed = zlibSync(data, { level });
  if (level === 0 || compressed.length <= data.length + 11) return compressed; // 11: zlib header + trailer, one block header
  const stored = zlibSync(data, { level: 0 });
  return stored.length < compressed.length ? stored : compressed;
}
