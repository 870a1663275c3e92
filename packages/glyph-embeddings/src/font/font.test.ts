// Font loading: TTF/OTF/WOFF1 (UnifontEX .woff decoded in pure JS equals a reference inflate), metrics and
// outlines through harfbuzzjs, and bad input (not a font, WOFF2, truncated files) with errors naming the file.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PATH_CLOSE, PATH_LINE, PATH_MOVE } from '../types.js';
import { defaultFont, DEFAULT_FONT_SPECIFIER } from './default.js';
import { loadFont } from './font.js';

const UNIFONT = '/usr/share/fonts/opentype/unifont/unifont.otf';
const haveUnifont = existsSync(UNIFONT);
const woffPath = createRequire(import.meta.url).resolve(DEFAULT_FONT_SPECIFIER);
const woff = new Uint8Array(readFileSync(woffPath));

describe('default font (UnifontEX .woff)', () => {
  it('decodes to the same sfnt as a node:zlib reference decoder and covers the BMP', async () => {
    const font = await defaultFont();
    // reference: table directory + zlib inflate per table
    const dv = new DataView(woff.buffer, woff.byteOffset, woff.byteLength);
    const n = dv.getUint16(12);
    const sdv = new DataView(font.sfnt.buffer, font.sfnt.byteOffset, font.sfnt.byteLength);
    for (let i = 0; i < n; i++) {
      const r = 44 + 20 * i;
      const tag = dv.getUint32(r), off = dv.getUint32(r + 4), comp = dv.getUint32(r + 8), orig = dv.getUint32(r + 12);
      const ref = comp < orig ? inflateSync(woff.subarray(off, off + comp)) : woff.subarray(off, off + comp);
      let found = false;
      for (let k = 0; k < n; k++) {
        const rr = 12 + 16 * k;
        if (sdv.getUint32(rr) !== tag) continue;
        found = true;
        const so = sdv.getUint32(rr + 8), sl = sdv.getUint32(rr + 12);
        expect(sl).toBe(orig);
        expect(Buffer.from(font.sfnt.subarray(so, so + sl)).equals(Buffer.from(ref))).toBe(true);
      }
      expect(found).toBe(true);
    }
    expect(font.format).toBe('woff');
    expect(font.upem).toBe(1024);
    expect(font.hash).toMatch(/^[0-9a-f]{64}$/);
    let have = 0;
    for (let cp = 0x20; cp < 0xd800; cp++) if (font.hasCodePoint(cp)) have++;
    expect(have).toBeGreaterThan(50_000);
    expect(font.hasCodePoint(0x4e00)).toBe(true);
    expect(await defaultFont()).toBe(font); // cached
  });
});

describe.skipIf(!haveUnifont)('GNU Unifont OTF', () => {
  it("metrics and the outline of 'A' (CFF lines in font units)", async () => {
    const f = await loadFont(readFileSync(UNIFONT), { source: UNIFONT });
    expect([f.format, f.upem, f.ascender, f.descender]).toEqual(['otf', 64, 56, -8]);
    const gid = f.glyphId(0x41)!;
    expect(f.advance(gid)).toBe(32);
    expect(f.glyphBox(gid)).toEqual({ xMin: 4, yMin: 0, xMax: 28, yMax: 40 });
    const p = f.glyphOutline(gid);
    expect(Array.from(p.subarray(0, 9))).toEqual([PATH_MOVE, 12, 40, PATH_LINE, 12, 36, PATH_LINE, 20, 36]);
    expect(p[p.length - 1]).toBe(PATH_CLOSE);
    expect(f.hasCodePoint(0xfffe)).toBe(false);
    expect(f.glyphId(0xfffe)).toBeUndefined();
  });
});

describe('bad font input', () => {
  it('random bytes: error names the file and the signature', async () => {
    await expect(loadFont(new TextEncoder().encode('hello, this is not a font at all'), { source: 'notes.txt' }))
      .rejects.toThrow(/notes\.txt: not a TTF\/OTF\/WOFF font: unknown signature 0x68656c6c \('hell'\)/);
  });
  it('too short', async () => {
    await expect(loadFont(new Uint8Array(5), { source: 'tiny.ttf' })).rejects.toThrow(/tiny\.ttf: not a font file \(only 5 bytes/);
  });
  it('WOFF2 is refused with a reason', async () => {
    const w2 = readFileSync(woffPath.replace(/\.woff$/, '.woff2'));
    await expect(loadFont(w2, { source: 'x.woff2' })).rejects.toThrow(/x\.woff2: WOFF2 is not supported/);
  });
  it('truncated WOFF: header length vs file size', async () => {
    await expect(loadFont(woff.subarray(0, 100_000), { source: 'cut.woff' })).rejects.toThrow(/cut\.woff: truncated or padded WOFF: header length 3345576 != file size 100000/);
  });
  it('truncated WOFF with a patched length: the table that runs past the end is named', async () => {
    const cut = woff.slice(0, 200_000);
    new DataView(cut.buffer).setUint32(8, cut.length);
    await expect(loadFont(cut, { source: 'cut2.woff' })).rejects.toThrow(/cut2\.woff: truncated WOFF: table '.{4}' data spans/);
  });
  it('corrupt zlib data in a WOFF table', async () => {
    const bad = woff.slice();
    const dv = new DataView(bad.buffer);
    const n = dv.getUint16(12);
    for (let i = 0; i < n; i++) {
      const r = 44 + 20 * i, off = dv.getUint32(r + 4), comp = dv.getUint32(r + 8), orig = dv.getUint32(r + 12);
      if (comp < orig) { bad.fill(0xff, off + 2, off + Math.min(comp, 64)); }
    }
    await expect(loadFont(bad, { source: 'bad.woff' })).rejects.toThrow(/bad\.woff: WOFF table '.{4}': (corrupt zlib data|inflated to)/);
  });
  it.skipIf(!haveUnifont)('truncated OTF: the table past the end is named', async () => {
    const otf = readFileSync(UNIFONT);
    await expect(loadFont(otf.subarray(0, 4000), { source: 'unifont-cut.otf' })).rejects.toThrow(/unifont-cut\.otf: truncated: table '.{4}' spans bytes \d+\.\.\d+, file has 4000/);
    await expect(loadFont(otf.subarray(0, 30), { source: 'hdr.otf' })).rejects.toThrow(/hdr\.otf: truncated: table directory/);
  });
  it('an sfnt without cmap', async () => {
    // minimal sfnt: 1 table 'head'
    const b = new Uint8Array(12 + 16 + 56);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, 0x00010000); dv.setUint16(4, 1);
    dv.setUint32(12, 0x68656164); dv.setUint32(20, 28); dv.setUint32(24, 56);
    await expect(loadFont(b, { source: 'nocmap.ttf' })).rejects.toThrow(/nocmap\.ttf: bad font: required table 'cmap' is missing/);
  });
});
