// A small, deterministic pure-JS zlib (RFC 1950/1951) compressor for the PNG encoder: greedy LZ77 with hash
// chains and one fixed-Huffman block, or stored blocks when that is smaller (or level 0). Runs in browsers and
// Node alike; the output is byte-for-byte the same everywhere.

const LEN_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LEN_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

// length 3..258 -> code index 0..28; distance 1..32768 -> code 0..29
const LEN_CODE = new Uint8Array(259);
for (let c = 0; c < 29; c++) for (let l = LEN_BASE[c]; l < LEN_BASE[c] + (1 << LEN_EXTRA[c]) && l <= 258; l++) LEN_CODE[l] = c;
LEN_CODE[258] = 28;
const DIST_CODE = new Uint8Array(32769);
for (let c = 0; c < 30; c++) for (let d = DIST_BASE[c]; d < DIST_BASE[c] + (1 << DIST_EXTRA[c]) && d <= 32768; d++) DIST_CODE[d] = c;

function reverseBits(v: number, n: number): number {
  let r = 0;
  for (let i = 0; i < n; i++) { r = (r << 1) | (v & 1); v >>>= 1; }
  return r;
}
// Fixed literal/length code (RFC 1951 §3.2.6), pre-reversed for an LSB-first bit writer.
const FIX_CODE = new Uint16Array(288), FIX_LEN = new Uint8Array(288);
for (let s = 0; s < 288; s++) {
  let code: number, len: number;
  if (s < 144) { code = 0x30 + s; len = 8; } else if (s < 256) { code = 0x190 + s - 144; len = 9; } else if (s < 280) { code = s - 256; len = 7; } else { code = 0xc0 + s - 280; len = 8; }
  FIX_CODE[s] = reverseBits(code, len); FIX_LEN[s] = len;
}
const FIX_DIST = new Uint8Array(30);
for (let d = 0; d < 30; d++) FIX_DIST[d] = reverseBits(d, 5);

class BitWriter {
  buf: Uint8Array; pos = 0; acc = 0; nacc = 0;
  constructor(cap: number) { this.buf = new Uint8Array(Math.max(64, cap)); }
  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const nb = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n)); nb.set(this.buf.subarray(0, this.pos)); this.buf = nb;
  }
  bits(v: number, n: number): void {
    this.acc |= v << this.nacc; this.nacc += n;
    if (this.nacc >= 16) {
      this.ensure(2);
      this.buf[this.pos++] = this.acc & 255; this.buf[this.pos++] = (this.acc >>> 8) & 255;
      this.acc >>>= 16; this.nacc -= 16;
    }
  }
  flush(): void { this.ensure(4); while (this.nacc > 0) { this.buf[this.pos++] = this.acc & 255; this.acc >>>= 8; this.nacc -= 8; } this.nacc = 0; this.acc = 0; }
  bytes(b: Uint8Array): void { this.ensure(b.length); this.buf.set(b, this.pos); this.pos += b.length; }
  result(): Uint8Array { return this.buf.slice(0, this.pos); }
}

/** Adler-32 checksum (RFC 1950). */
export function adler32(data: Uint8Array): number {
  let a = 1, b = 0;
  for (let i = 0; i < data.length;) {
    const end = Math.min(data.length, i + 5552);
    for (; i < end; i++) { a += data[i]; b += a; }
    a %= 65521; b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

function deflateFixed(data: Uint8Array): Uint8Array {
  const n = data.length;
  const w = new BitWriter(n / 2 + 16);
  w.bits(1, 1); w.bits(1, 2); // BFINAL, BTYPE=01
  const HBITS = 15, HSIZE = 1 << HBITS, WMASK = 32767, MAXCHAIN = 64;
  const head = new Int32Array(HSIZE).fill(-1);
  const prev = new Int32Array(32768);
  const hash = (i: number): number => ((data[i] << 10) ^ (data[i + 1] << 5) ^ data[i + 2]) & (HSIZE - 1);
  const insert = (i: number): void => { if (i + 2 < n) { const h = hash(i); prev[i & WMASK] = head[h]; head[h] = i; } };
  let i = 0;
  while (i < n) {
    let bestLen = 0, bestDist = 0;
    if (i + 2 < n) {
      let cand = head[hash(i)], chain = MAXCHAIN;
      const maxLen = Math.min(258, n - i);
      while (cand >= 0 && i - cand <= 32768 && chain-- > 0) {
        if (data[cand + bestLen] === data[i + bestLen]) {
          let l = 0;
          while (l < maxLen && data[cand + l] === data[i + l]) l++;
          if (l > bestLen) { bestLen = l; bestDist = i - cand; if (l === maxLen) break; }
        }
        const p = prev[cand & WMASK];
        if (p >= cand) break;
        cand = p;
      }
    }
    if (bestLen >= 3) {
      const lc = LEN_CODE[bestLen];
      w.bits(FIX_CODE[257 + lc], FIX_LEN[257 + lc]);
      if (LEN_EXTRA[lc]) w.bits(bestLen - LEN_BASE[lc], LEN_EXTRA[lc]);
      const dc = DIST_CODE[bestDist];
      w.bits(FIX_DIST[dc], 5);
      if (DIST_EXTRA[dc]) w.bits(bestDist - DIST_BASE[dc], DIST_EXTRA[dc]);
      for (let k = 0; k < bestLen; k++) insert(i + k);
      i += bestLen;
    } else {
      w.bits(FIX_CODE[data[i]], FIX_LEN[data[i]]);
      insert(i);
      i++;
    }
  }
  w.bits(FIX_CODE[256], FIX_LEN[256]);
  w.flush();
  return w.result();
}

function deflateStored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / 65535));
  const out = new Uint8Array(data.length + blocks * 5);
  let o = 0;
  for (let b = 0; b < blocks; b++) {
    const start = b * 65535, len = Math.min(65535, data.length - start);
    out[o++] = b === blocks - 1 ? 1 : 0;
    out[o++] = len & 255; out[o++] = len >>> 8; out[o++] = ~len & 255; out[o++] = (~len >>> 8) & 255;
    out.set(data.subarray(start, start + len), o); o += len;
  }
  return out;
}

/** zlib stream of `data`: level 0 = stored blocks only; otherwise fixed-Huffman LZ77, falling back to stored if larger. */
export function zlibDeflate(data: Uint8Array, level: 0 | 1 = 1): Uint8Array {
  const stored = deflateStored(data);
  let body = stored;
  if (level !== 0) { const fixed = deflateFixed(data); if (fixed.length < stored.length) body = fixed; }
  const out = new Uint8Array(body.length + 6);
  out[0] = 0x78; out[1] = 0x01; // CMF: deflate, 32K window; FLG: fastest, (0x7801 % 31 == 0)
  out.set(body, 2);
  const a = adler32(data);
  out[out.length - 4] = a >>> 24; out[out.length - 3] = (a >>> 16) & 255; out[out.length - 2] = (a >>> 8) & 255; out[out.length - 1] = a & 255;
  return out;
}
