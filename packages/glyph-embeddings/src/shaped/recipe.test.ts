import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { buildEmbeddings } from '../build.js';
import { renderToken } from '../render.js';
import { defaultFont } from '../font/default.js';
import { loadFont, type GlyphFont } from '../font/font.js';
import { stringListTokenizer } from '../viz/words.js';
import { sampleTokenStrings } from './sample.js';
import { renderShapedCoverage } from './render.js';
import { shapeText } from './shape.js';

const req = createRequire(import.meta.url);
const dejavu = (() => { try { return req.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'); } catch { return null; } })();
let uf: GlyphFont; let dv: GlyphFont | undefined;
beforeAll(async () => { uf = await defaultFont(); if (dejavu) dv = await loadFont(readFileSync(dejavu), { source: dejavu }); });

describe('shaped recipe through buildEmbeddings', () => {
  it('full-rank PCA + L2 keeps cos(b_i - mu, b_j - mu) of the coverage rows within 1e-5; meta reports missing glyphs', async () => {
    const texts = sampleTokenStrings(400, 9);
    const tok = await stringListTokenizer(texts);
    const fonts = dv ? [uf, dv] : [uf];
    const m = await buildEmbeddings(tok, { recipe: 'shaped', font: uf, fallbackFonts: fonts.slice(1), cell: 12 });
    expect([m.rows, m.dim]).toEqual([400, 144]);
    expect(m.meta.pca?.components).toBe(144);
    expect(m.meta.pca?.explainedVariance).toBeCloseTo(1, 9);
    const expectMissing = texts.filter((t) => shapeText(fonts, t).missing.length > 0).length;
    expect(m.meta.missingGlyphTokens).toBe(expectMissing);
    // float64 reference from the renders
    const rows = texts.map((t) => Float64Array.from(renderShapedCoverage(fonts, t, { cell: 12 }).data, (v) => v / 255));
    const mu = new Float64Array(144);
    for (const r of rows) for (let j = 0; j < 144; j++) mu[j] += r[j] / 400;
    let worst = 0;
    for (let t = 0; t < 3000; t++) {
      const i = (t * 31) % 400, k = (t * 97 + 5) % 400;
      let dot = 0, ni = 0, nk = 0, dote = 0;
      for (let j = 0; j < 144; j++) { const x = rows[i][j] - mu[j], y = rows[k][j] - mu[j]; dot += x * y; ni += x * x; nk += y * y; dote += m.data[i * 144 + j] * m.data[k * 144 + j]; }
      if (ni > 1e-12 && nk > 1e-12) worst = Math.max(worst, Math.abs(dot / Math.sqrt(ni * nk) - dote));
    }
    expect(worst).toBeLessThan(1e-5);
  });
  it('PCA to k reports the explained variance and any cell size works', async () => {
    const tok = await stringListTokenizer(sampleTokenStrings(300, 4));
    const m = await buildEmbeddings(tok, { recipe: 'shaped', font: uf, cell: { width: 24, height: 16 }, components: 20 });
    expect([m.rows, m.dim]).toEqual([300, 20]);
    const ev = m.meta.pca!.explainedVariance;
    expect(ev).toBeGreaterThan(0.3); expect(ev).toBeLessThan(1);
    let worstNorm = 0;
    for (let i = 0; i < 300; i++) { let s = 0; for (let j = 0; j < 20; j++) s += m.data[i * 20 + j] ** 2; if (s > 0) worstNorm = Math.max(worstNorm, Math.abs(Math.sqrt(s) - 1)); }
    expect(worstNorm).toBeLessThan(1e-6);
  });
  it('renderToken dispatches to the shaped recipe, and bad options are named', async () => {
    const img = renderToken(uf, 'Hi', { recipe: 'shaped', cell: 20 });
    expect([img.width, img.height]).toEqual([20, 20]);
    expect(Array.from(img.data)).toEqual(Array.from(renderShapedCoverage([uf], 'Hi', { cell: 20 }).data, (v) => 255 - v));
    const tok = await stringListTokenizer(['a', 'b']);
    await expect(buildEmbeddings(tok, { recipe: 'shaped', font: uf, fit: 'zoom' })).rejects.toThrow(/option 'fit' must be contain, stretch or ink, got "zoom"/);
    await expect(buildEmbeddings(tok, { recipe: 'shaped', font: uf, cell: -3 })).rejects.toThrow(/option 'cell'/);
  });
});
