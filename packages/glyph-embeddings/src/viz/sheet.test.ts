import { beforeAll, describe, expect, it } from 'vitest';
import { inflateSync } from 'node:zlib';
import { defaultFont } from '../font/default.js';
import type { GlyphFont } from '../font/font.js';
import { renderShaped } from '../shaped/render.js';
import { renderToken } from '../render.js';
import { glyphSheet, glyphSheetImage } from './sheet.js';
import { map2dImage, map2dPng } from './mappng.js';
import { mapWords, stringListTokenizer } from './words.js';

/** Minimal PNG reader (filters undone, IDAT inflated by node:zlib). */
function readPng(b: Uint8Array): { width: number; height: number; bpp: number; data: Uint8Array } {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let o = 8, width = 0, height = 0, bpp = 1; const idat: Buffer[] = [];
  while (o < b.length) {
    const len = dv.getUint32(o), type = String.fromCharCode(...b.subarray(o + 4, o + 8));
    if (type === 'IHDR') { width = dv.getUint32(o + 8); height = dv.getUint32(o + 12); bpp = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[b[o + 17]]; }
    if (type === 'IDAT') idat.push(Buffer.from(b.subarray(o + 8, o + 8 + len)));
    o += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat)), s = width * bpp, out = new Uint8Array(s * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < s; x++) {
    const f = raw[y * (s + 1)], r = raw[y * (s + 1) + 1 + x];
    const a = x >= bpp ? out[y * s + x - bpp] : 0, up = y ? out[(y - 1) * s + x] : 0, c = y && x >= bpp ? out[(y - 1) * s + x - bpp] : 0;
    const q = a + up - c, pa = Math.abs(q - a), pb = Math.abs(q - up), pc = Math.abs(q - c);
    const p = f === 0 ? 0 : f === 1 ? a : f === 2 ? up : f === 3 ? (a + up) >>> 1 : pa <= pb && pa <= pc ? a : pb <= pc ? up : c;
    out[y * s + x] = (r + p) & 255;
  }
  return { width, height, bpp, data: out };
}

let font: GlyphFont;
beforeAll(async () => { font = await defaultFont(); });

describe('glyphSheet', () => {
  it('lays out tiles exactly: each tile is the recipe image, upscaled, at its grid position', async () => {
    const tok = await stringListTokenizer(['A', 'Ж', '你好', 'مرحبا', 'e\u0301', '😀', 'the', '']);
    const ids = [0, 1, 2, 3, 4, 5, 6, 7];
    const png = await glyphSheet(tok, ids, { font, cols: 4, scale: 2, gap: 6 });
    const img = readPng(png);
    const cellW = 64, cellH = 64 + 16;
    expect([img.width, img.height, img.bpp]).toEqual([6 + 4 * (cellW + 6), 6 + 2 * (cellH + 6), 1]);
    for (const t of ids) {
      const tile = renderShaped(font, tok.tokenString(t), { cell: 32 });
      const cx = 6 + (t % 4) * (cellW + 6), cy = 6 + Math.floor(t / 4) * (cellH + 6);
      let bad = 0;
      for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) if (img.data[(cy + y) * img.width + cx + x] !== tile.data[(y >> 1) * 32 + (x >> 1)]) bad++;
      expect(bad).toBe(0);
      // caption (the id) has ink below the tile
      let ink = 0;
      for (let y = cy + 65; y < cy + 80; y++) for (let x = cx; x < cx + cellW; x++) if (img.data[y * img.width + x] < 128) ink++;
      expect(ink).toBeGreaterThan(5);
    }
    expect(Buffer.from(await glyphSheet(tok, ids, { font, cols: 4 })).equals(Buffer.from(png))).toBe(true);
  });
  it('draws tiles with any visual recipe (bvv241-2-3: the paper\'s augmented, squeezed 32 x 32 images)', async () => {
    const tok = await stringListTokenizer(['A', 'BC', '<pad>']);
    const img = await glyphSheetImage(tok, [0, 1, 2], { font, recipe: 'bvv241-2-3', cols: 3, scale: 1, gap: 6, caption: false });
    for (const t of [0, 1, 2]) {
      const tile = renderToken(font, tok.tokenString(t), { recipe: 'bvv241-2-3' });
      const cx = 6 + t * (32 + 6), cy = 6;
      let bad = 0;
      for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) if (img.data[(cy + y) * img.width + cx + x] !== tile.data[y * 32 + x]) bad++;
      expect(bad).toBe(0);
    }
  });
  it('rejects bad ids and non-visual recipes by name', async () => {
    const tok = await stringListTokenizer(['a']);
    await expect(glyphSheetImage(tok, [1], { font })).rejects.toThrow(/id 1 \(position 0\) is out of range 0..0/);
    await expect(glyphSheetImage(tok, [0], { font, recipe: 'id-bits' })).rejects.toThrow(/unknown recipe|cannot draw tokens/);
  });
});

describe('map2dPng', () => {
  it('draws every point in its group colour and round-trips as RGB PNG', async () => {
    const { words, groups } = mapWords();
    expect(words.length).toBe(40);
    expect(new Set(groups).size).toBe(7);
    const pts = words.map((_, i) => ({ id: i, x: Math.cos(i), y: Math.sin(i * 1.3) }));
    const img = await map2dImage(pts, { labels: words, groups, font, width: 600, height: 400 });
    const back = readPng(await map2dPng(pts, { labels: words, groups, font, width: 600, height: 400 }));
    expect([back.width, back.height, back.bpp]).toEqual([600, 400, 3]);
    expect(Buffer.from(back.data).equals(Buffer.from(img.data))).toBe(true);
    const colours = new Set<string>();
    for (let i = 0; i < img.data.length; i += 3) { const c = `${img.data[i]},${img.data[i + 1]},${img.data[i + 2]}`; if (c !== '255,255,255') colours.add(c); }
    for (const c of ['0,114,178', '213,94,0', '0,158,115', '204,121,167', '230,159,0', '86,180,233', '0,0,0']) expect(colours.has(c)).toBe(true);
  });
});
