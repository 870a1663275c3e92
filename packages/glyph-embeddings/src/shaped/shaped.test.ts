import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { loadFont, type GlyphFont } from '../font/font.js';
import { defaultFont } from '../font/default.js';
import { shapeText } from './shape.js';
import { renderShaped, renderShapedCoverage } from './render.js';

function dejavuPath(): string | null {
  try { return createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'); } catch { /* fall through */ }
  return existsSync('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf') ? '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf' : null;
}
const DV = dejavuPath();
if (!DV) console.warn('shaped.test: DejaVuSans.ttf not found (dejavu-fonts-ttf devDependency or fonts-dejavu-core); GSUB tests skipped');

let uf: GlyphFont;
let dv: GlyphFont;
beforeAll(async () => {
  uf = await defaultFont();
  if (DV) dv = await loadFont(readFileSync(DV), { source: DV });
});
const sha = (d: Uint8Array) => createHash('sha256').update(d).digest('hex');

describe('shapeText', () => {
  it.skipIf(!DV)('joins Arabic with a GSUB font: the glyphs are the presentation forms', () => {
    const s = shapeText([dv], 'مرحبا'); // meem-initial, reh-final, hah-initial, beh-medial, alef-final
    const logical = [...s.glyphs].sort((a, b) => a.cluster - b.cluster).map((g) => g.gid);
    expect(logical).toEqual([0xfee3, 0xfeae, 0xfea3, 0xfe92, 0xfe8e].map((cp) => dv.glyphId(cp)));
    // visual order: the first letter (cluster 0) is rightmost
    expect(s.glyphs[s.glyphs.length - 1].cluster).toBe(0);
    expect(s.glyphs.map((g) => g.x)).toEqual([...s.glyphs.map((g) => g.x)].sort((a, b) => a - b));
  });
  it('without GSUB rules (UnifontEX) Arabic stays in isolated nominal forms, reversed', () => {
    const s = shapeText([uf], 'مرحبا');
    expect(s.glyphs.map((g) => g.gid)).toEqual([...'مرحبا'].reverse().map((c) => uf.glyphId(c.codePointAt(0)!)));
  });
  it.skipIf(!DV)('attaches combining marks; a lone mark sits on a dotted circle', () => {
    expect(sha(renderShapedCoverage([dv], 'e\u0301').data)).toBe(sha(renderShapedCoverage([dv], 'é').data));
    const lone = shapeText([dv], '\u0301');
    expect(lone.glyphs.map((g) => g.gid)).toContain(dv.glyphId(0x25cc));
  });
  it.skipIf(!DV)('falls back along the chain and reports code points no font has', () => {
    const a = shapeText([dv, uf], 'a你');
    expect(a.glyphs.map((g) => g.font)).toEqual([0, 1]);
    expect(a.missing).toEqual([]);
    const b = shapeText([dv], 'a你b');
    expect(b.glyphs.map((g) => g.gid)).toEqual([dv.glyphId(0x61), 0, dv.glyphId(0x62)]);
    expect(b.missing).toEqual([0x4f60]);
    // default-ignorables are never "missing"
    expect(shapeText([dv], 'a\u200db\ufe0f').missing).toEqual([]);
  });
  it('orders mixed-direction text visually (Hebrew reversed, Latin not)', () => {
    const s = shapeText([uf], 'ab אב');
    expect(s.glyphs.map((g) => g.gid)).toEqual(['a', 'b', ' ', 'ב', 'א'].map((c) => uf.glyphId(c.codePointAt(0)!)));
    expect(s.advance).toBeCloseTo(2.5, 12);
  });
});

describe('renderShapedCoverage', () => {
  it('UnifontEX at 16 and 32 px is pixel-aligned (pure 0/255) and A fills the cell height', () => {
    for (const cell of [16, 32]) {
      const c = renderShapedCoverage([uf], 'A', { cell });
      expect(c.data.every((v) => v === 0 || v === 255)).toBe(true);
      const inked = c.data.reduce((s, v) => s + (v ? 1 : 0), 0);
      expect(inked).toBeGreaterThan(0);
    }
    // 'A' is 8x16 font px: at 32 px, 2x2 blocks, horizontally centred in an advance of 16 px
    const a = renderShapedCoverage([uf], 'A', { cell: 32 });
    const cols = new Set<number>();
    for (let i = 0; i < a.data.length; i++) if (a.data[i]) cols.add(i % 32);
    expect(Math.min(...cols)).toBeGreaterThanOrEqual(8);
    expect(Math.max(...cols)).toBeLessThan(24);
  });
  it.skipIf(!DV)('is anti-aliased for outline fonts and deterministic', () => {
    const c = renderShapedCoverage([dv], 'e', { cell: 32 });
    expect(c.data.some((v) => v > 0 && v < 255)).toBe(true);
    expect(sha(renderShapedCoverage([dv, uf], 'Hi Привет 你好 مرحبا 😀!', { cell: 48 }).data))
      .toBe(sha(renderShapedCoverage([dv, uf], 'Hi Привет 你好 مرحبا 😀!', { cell: 48 }).data));
  });
  it('supports any cell size and the three fits', () => {
    for (const cell of [8, 17, 24, 64, { width: 96, height: 32 }]) {
      const c = renderShapedCoverage([uf], 'hello', { cell });
      const w = typeof cell === 'number' ? cell : cell.width, h = typeof cell === 'number' ? cell : cell.height;
      expect([c.width, c.height, c.data.length]).toEqual([w, h, w * h]);
    }
    const bbox = (d: Uint8Array, w: number) => { let x0 = w, x1 = -1, y0 = 1e9, y1 = -1; d.forEach((v, i) => { if (v) { const x = i % w, y = Math.floor(i / w); x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); } }); return [x0, x1, y0, y1]; };
    const st = bbox(renderShapedCoverage([uf], 'hello', { cell: 32, fit: 'stretch' }).data, 32);
    expect(st[0]).toBeLessThanOrEqual(1); expect(st[1]).toBeGreaterThanOrEqual(30);
    const ink = bbox(renderShapedCoverage([uf], '.', { cell: 32, fit: 'ink' }).data, 32);
    expect(ink[1] - ink[0]).toBeGreaterThanOrEqual(30); // the dot is blown up to the cell
    expect(() => renderShapedCoverage([uf], 'a', { cell: 0 })).toThrow(/cell must be integer px/);
    expect(() => renderShapedCoverage([uf], 'a', { fit: 'cover' as never })).toThrow(/unknown fit 'cover'/);
  });
  it('draws blank cells for empty and whitespace tokens, and renderShaped inverts to 0 = ink', () => {
    expect(renderShapedCoverage([uf], '').data.every((v) => v === 0)).toBe(true);
    expect(renderShapedCoverage([uf], ' ').data.every((v) => v === 0)).toBe(true);
    const img = renderShaped(uf, 'A', { cell: 16 });
    const cov = renderShapedCoverage([uf], 'A', { cell: 16 });
    expect(Array.from(img.data)).toEqual(Array.from(cov.data, (v) => 255 - v));
  });
});
