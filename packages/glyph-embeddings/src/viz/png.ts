// A PNG encoder (8-bit grey, grey+alpha, RGB or RGBA; adaptive per-row filters; zlib by fflate via deflate.ts).
// No Node built-ins, so it runs in browsers; the same pixels always give the same bytes. CRC-32 (the chunk
// checksum) is written out here because fflate does not export its own.
import { zlibDeflate, type DeflateLevel } from './deflate.js';

/** Pixels for encodePng: `channels` 1 (grey), 2 (grey+alpha), 3 (RGB) or 4 (RGBA), row-major, 8 bits each. */
export interface RasterImage {
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  data: Uint8Array;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; t[n] = c >>> 0; }
  return t;
})();

/** CRC-32 (PNG / zlib polynomial) of bytes. */
export function crc32(data: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 255] ^ (c >>> 8);
  return ~c >>> 0;
}

const COLOR_TYPE = { 1: 0, 2: 4, 3: 2, 4: 6 } as const;

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function filterRows(img: RasterImage): Uint8Array {
  const { width, height, channels: bpp, data } = img;
  const stride = width * bpp;
  const out = new Uint8Array(height * (stride + 1));
  const cand = new Uint8Array(stride);
  const best = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const row = y * stride, up = row - stride;
    let bestSum = Infinity, bestF = 0;
    for (let f = 0; f < 5; f++) {
      let sum = 0;
      for (let x = 0; x < stride; x++) {
        const v = data[row + x];
        const a = x >= bpp ? data[row + x - bpp] : 0;
        const b = y > 0 ? data[up + x] : 0;
        const c = y > 0 && x >= bpp ? data[up + x - bpp] : 0;
        const p = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >>> 1 : paeth(a, b, c);
        const r = (v - p) & 255;
        cand[x] = r; sum += r < 128 ? r : 256 - r;
      }
      if (sum < bestSum) { bestSum = sum; bestF = f; best.set(cand); }
    }
    out[y * (stride + 1)] = bestF;
    out.set(best, y * (stride + 1) + 1);
  }
  return out;
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  dv.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

/** Encodes an image as PNG bytes. `level` (deflate, default 1 = fastest): 0 writes stored (uncompressed) blocks, 9 the smallest file. */
export function encodePng(img: RasterImage, opts: { level?: DeflateLevel } = {}): Uint8Array {
  const { width, height, channels, data } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 2 ** 31 - 1 || height > 2 ** 31 - 1)
    throw new RangeError(`encodePng: bad size ${width}x${height}`);
  if (!(channels in COLOR_TYPE)) throw new RangeError(`encodePng: channels must be 1..4, got ${channels}`);
  if (data.length !== width * height * channels) throw new RangeError(`encodePng: data length ${data.length} != ${width}*${height}*${channels}`);
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width); dv.setUint32(4, height);
  ihdr[8] = 8; ihdr[9] = COLOR_TYPE[channels]; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  const idat = zlibDeflate(filterRows(img), opts.level ?? 1);
  const parts = [new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
