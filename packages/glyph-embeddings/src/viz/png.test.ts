import { describe, expect, it } from 'vitest';
import { inflateSync, crc32 as zcrc32 } from 'node:zlib';
import { encodePng, crc32, type RasterImage } from './png.js';
import { zlibDeflate, adler32 } from './deflate.js';
import { seededRng } from '../ablations/rng.js';


/** An independent PNG reader for the tests: chunk CRCs checked, IDAT inflated by node:zlib, filters undone. */
function readPng(bytes: Uint8Array): RasterImage {
  expect(Array.from(bytes.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 8, width = 0, height = 0, ct = 0; const idat: Uint8Array[] = []; const types: string[] = [];
  while (o < bytes.length) {
    const len = dv.getUint32(o); const type = String.fromCharCode(...bytes.subarray(o + 4, o + 8));
    const body = bytes.subarray(o + 8, o + 8 + len);
    expect(dv.getUint32(o + 8 + len)).toBe(zcrc32(bytes.subarray(o + 4, o + 8 + len)) >>> 0);
    types.push(type);
    if (type === 'IHDR') { width = dv.getUint32(o + 8); height = dv.getUint32(o + 12); expect(body[8]).toBe(8); ct = body[9]; }
    if (type === 'IDAT') idat.push(body);
    o += 12 + len;
  }
  expect(types[0]).toBe('IHDR'); expect(types[types.length - 1]).toBe('IEND');
  const bpp = ({ 0: 1, 4: 2, 2: 3, 6: 4 } as Record<number, number>)[ct] as 1 | 2 | 3 | 4;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp, out = new Uint8Array(width * height * bpp);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const r = raw[y * (stride + 1) + 1 + x];
      const a = x >= bpp ? out[y * stride + x - bpp] : 0, b = y ? out[(y - 1) * stride + x] : 0, c = y && x >= bpp ? out[(y - 1) * stride + x - bpp] : 0;
      let p = 0;
      if (f === 1) p = a; else if (f === 2) p = b; else if (f === 3) p = (a + b) >>> 1;
      else if (f === 4) { const q = a + b - c, pa = Math.abs(q - a), pb = Math.abs(q - b), pc = Math.abs(q - c); p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c; }
      out[y * stride + x] = (r + p) & 255;
    }
  }
  return { width, height, channels: bpp, data: out };
}

function randomImage(seed: number, w: number, h: number, ch: 1 | 2 | 3 | 4, kind: 'noise' | 'blocks' | 'sparse'): RasterImage {
  const r = seededRng(seed); const data = new Uint8Array(w * h * ch);
  for (let i = 0; i < data.length; i++) {
    if (kind === 'noise') data[i] = r.u32() & 255;
    else if (kind === 'sparse') data[i] = r.float() < 0.05 ? r.u32() & 255 : 255;
    else data[i] = ((Math.floor(i / ch / w / 8) + Math.floor((i / ch) % w / 8)) & 1) * 200;
  }
  return { width: w, height: h, channels: ch, data };
}

describe('zlibDeflate', () => {
  it('round-trips through node:zlib on many seeded inputs, levels 0, 1, 6 and 9', () => {
    const r = seededRng(11);
    for (let t = 0; t < 60; t++) {
      const n = t < 5 ? t : r.below(70_000);
      const alphabet = 1 + r.below(t % 3 === 0 ? 256 : 4);
      const d = new Uint8Array(n);
      for (let i = 0; i < n; i++) d[i] = r.float() < 0.3 && i > 300 ? d[i - 1 - r.below(300)] : r.below(alphabet);
      for (const level of [0, 1, 6, 9] as const) expect(Buffer.from(inflateSync(zlibDeflate(d, level))).equals(Buffer.from(d))).toBe(true);
    }
  });
  it('compresses repetitive data and never grows past stored size', () => {
    const zeros = new Uint8Array(100_000);
    expect(zlibDeflate(zeros).length).toBeLessThan(1000);
    const noise = randomImage(1, 300, 300, 1, 'noise').data;
    expect(zlibDeflate(noise).length).toBeLessThanOrEqual(zlibDeflate(noise, 0).length);
  });
  it('rejects a level outside 0..9, naming it', () => {
    expect(() => zlibDeflate(new Uint8Array(4), 10 as never)).toThrow(/level must be an integer 0..9, got 10/);
  });
  it('adler32 and crc32 match node:zlib on known values', () => {
    const abc = new TextEncoder().encode('abc');
    expect(adler32(abc)).toBe(0x024d0127);
    expect(crc32(abc)).toBe(0x352441c2);
    const big = randomImage(2, 200, 200, 1, 'noise').data;
    expect(crc32(big)).toBe(zcrc32(big) >>> 0);
  });
});

describe('encodePng', () => {
  it.each([[1, 'blocks'], [2, 'sparse'], [3, 'noise'], [4, 'sparse'], [1, 'noise']] as const)('round-trips %i channel(s), %s', (ch, kind) => {
    const img = randomImage(ch * 7, 97, 61, ch, kind);
    const back = readPng(encodePng(img));
    expect(back.width).toBe(97); expect(back.height).toBe(61); expect(back.channels).toBe(ch);
    expect(Buffer.from(back.data).equals(Buffer.from(img.data))).toBe(true);
    expect(Buffer.from(readPng(encodePng(img, { level: 0 })).data).equals(Buffer.from(img.data))).toBe(true);
  });
  it('is deterministic and compresses a blank sheet', () => {
    const img: RasterImage = { width: 1024, height: 1024, channels: 1, data: new Uint8Array(1024 * 1024).fill(255) };
    const a = encodePng(img), b = encodePng(img);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(a.length).toBeLessThan(10_000);
  });
  it('rejects bad input, naming the field', () => {
    expect(() => encodePng({ width: 2, height: 2, channels: 1, data: new Uint8Array(3) })).toThrow(/data length 3 != 2\*2\*1/);
    expect(() => encodePng({ width: 0, height: 2, channels: 1, data: new Uint8Array(0) })).toThrow(/bad size 0x2/);
  });
});
