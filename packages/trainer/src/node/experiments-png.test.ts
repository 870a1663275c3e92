// Loss curves in real renderers: the SVG of lossCurveSvg opened in chromium (no console errors, parses as SVG,
// every curve a drawn path inside the plot, legend inside the picture; a screenshot), and lossCurvePng's resvg
// raster (size, the arms' colours actually painted, checked by reading the PNG back in chromium's canvas).
// Set GLYPHLM_CURVE_OUT=<dir> to keep the PNGs for a look.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright';
import { PALETTE } from '@glyphlm/glyph-embeddings/viz';
import { lossCurveSvg, type CurvePoint } from '../experiments/loss-curve-svg.js';
import { lossCurvePng, writeLossCurve } from './experiments-png.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`experiments-png.test: no chromium at ${CHROMIUM}; the browser rendering test is skipped`);

function history(steps: number, start: number, end: number, every: number, seed: number): CurvePoint[] {
  let s = seed;
  return Array.from({ length: steps }, (_, i) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const base = end + (start - end) * Math.exp(-(i + 1) / (steps / 5));
    const e: CurvePoint = { step: i + 1, loss: base + 0.08 * (s / 2 ** 32 - 0.5) };
    if ((i + 1) % every === 0) e.valLoss = base + 0.12;
    return e;
  });
}

const arms = {
  frozen: [history(300, 4.2, 1.9, 50, 1), history(300, 4.25, 1.95, 50, 2)],
  trainable: [history(300, 4.2, 1.7, 50, 3), history(300, 4.15, 1.72, 50, 4)],
  'random-binary': [history(300, 4.2, 2.3, 50, 5)],
};
const out = process.env.GLYPHLM_CURVE_OUT ?? mkdtempSync(join(tmpdir(), 'glyphlm-curves-'));
afterAll(() => { if (!process.env.GLYPHLM_CURVE_OUT) rmSync(out, { recursive: true, force: true }); });

describe('lossCurvePng', () => {
  it('rasterises at the requested size and writes .svg/.png atomically', async () => {
    const png = lossCurvePng(arms, { title: 'frozen vs trainable', scale: 2 });
    expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const dv = new DataView(png.buffer, png.byteOffset);
    expect([dv.getUint32(16), dv.getUint32(20)]).toEqual([1440, 840]);
    await writeLossCurve(join(out, 'arms.png'), arms, { title: 'frozen vs trainable' });
    await writeLossCurve(join(out, 'arms-log.svg'), arms, { logScale: true });
    writeFileSync(join(out, 'arms@2x.png'), png);
    expect(readFileSync(join(out, 'arms-log.svg'), 'utf8')).toBe(lossCurveSvg(arms, { logScale: true }));
    await expect(writeLossCurve(join(out, 'arms.jpg'), arms)).rejects.toThrow(/must end in .svg or .png/);
    expect(() => lossCurvePng(arms, { scale: 0 })).toThrow(/options.scale must be in \(0, 8\]/);
  });
});

describe.skipIf(!haveChromium)('loss curves in chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  });
  afterAll(async () => browser?.close());

  it('renders the SVG with no console errors: parsed, paths drawn inside the plot, legend inside the picture', async () => {
    const page = await browser.newPage({ viewport: { width: 800, height: 500 } });
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(e.message));
    for (const [name, logScale] of [['arms-linear', false], ['arms-log', true]] as const) {
      const svg = lossCurveSvg(arms, { title: `frozen vs trainable (${name})`, logScale });
      await page.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`);
      const facts = await page.evaluate((src) => {
        const doc = new DOMParser().parseFromString(src, 'image/svg+xml');
        const plot = document.querySelector('rect.frame')!.getBoundingClientRect();
        const svgBox = document.querySelector('svg')!.getBoundingClientRect();
        const paths = Array.from(document.querySelectorAll('path.curve')) as SVGPathElement[];
        return {
          parseError: doc.querySelector('parsererror')?.textContent ?? null,
          train: document.querySelectorAll('path.curve.train').length,
          val: document.querySelectorAll('path.curve.val').length,
          lengths: paths.map((p) => p.getTotalLength()),
          outside: paths.filter((p) => {
            const b = p.getBoundingClientRect();
            return b.left < plot.left - 2 || b.right > plot.right + 2 || b.top < plot.top - 2 || b.bottom > plot.bottom + 2;
          }).length,
          legend: Array.from(document.querySelectorAll('.legend-entry text')).map((t) => t.textContent),
          legendRight: Math.max(...Array.from(document.querySelectorAll('.legend text')).map((t) => t.getBoundingClientRect().right)),
          svgRight: svgBox.right,
          yLabels: Array.from(document.querySelectorAll('.y-axis .tick text')).map((t) => t.textContent),
        };
      }, svg);
      expect(facts.parseError).toBeNull();
      expect([facts.train, facts.val]).toEqual([5, 5]);
      expect(facts.lengths.every((l) => l > 50)).toBe(true);
      expect(facts.outside).toBe(0);
      expect(facts.legend).toEqual(['frozen', 'trainable', 'random-binary']);
      expect(facts.legendRight).toBeLessThan(facts.svgRight);
      expect(facts.yLabels.filter((t) => t).length).toBeGreaterThanOrEqual(2);
      writeFileSync(join(out, `${name}-chromium.png`), await page.locator('svg').screenshot());
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the resvg PNG shows every arm in its colour (pixels read back in a canvas)', async () => {
    const page = await browser.newPage();
    const png = lossCurvePng(arms, { title: 'frozen vs trainable' });
    const counts = await page.evaluate(async ({ b64, colours }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width; c.height = img.height;
      const g = c.getContext('2d')!;
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height).data;
      const rgb = colours.map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));
      const n = rgb.map(() => 0);
      let dark = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (i < c.width * 4 * 30 && d[i] < 128 && d[i + 1] < 128 && d[i + 2] < 128) dark++; // the title's glyphs
        rgb.forEach(([r, gg, b], k) => { if (Math.abs(d[i] - r) < 12 && Math.abs(d[i + 1] - gg) < 12 && Math.abs(d[i + 2] - b) < 12) n[k]++; });
      }
      return { size: [img.width, img.height], n, dark };
    }, { b64: Buffer.from(png).toString('base64'), colours: PALETTE.slice(0, 4) });
    expect(counts.size).toEqual([720, 420]);
    expect(counts.n[0]).toBeGreaterThan(300); // frozen
    expect(counts.n[1]).toBeGreaterThan(300); // trainable
    expect(counts.n[2]).toBeGreaterThan(150); // random-binary
    expect(counts.n[3]).toBe(0); // no fourth arm
    expect(counts.dark).toBeGreaterThan(60); // text is drawn (fonts found)
    await page.close();
  });
});
