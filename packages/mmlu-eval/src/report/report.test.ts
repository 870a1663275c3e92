// Reports: JSON round trip and schema errors, markdown tables (n and CI beside every accuracy, differences only
// with their CI), the SVG chart checked structurally (bars, whiskers, chance line and ticks on one linear scale)
// and rendered once in real chromium (playwright-core) to a PNG with no console errors.
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MMLU_SUBJECTS, mmluCategory } from '../data/subjects.js';
import type { EvalResult, ItemResult } from '../protocols/types.js';
import { mulberry32 } from '../stats/random.js';
import { summarizeAccuracy } from '../stats/summarize.js';
import { compareModels } from '../stats/compare.js';
import { resultFromJSON, resultToJSON } from './json.js';
import { resultsMarkdown } from './markdown.js';
import { accuracyChartSvg } from './svg.js';
import { pct, ciText } from './format.js';

/** A result over `perSubject` items of each subject, right with probability `p` (seeded). */
function fakeResult(name: string, p: number, seed: number, perSubject = 12, subjects = MMLU_SUBJECTS): EvalResult {
  const rand = mulberry32(seed);
  const items: ItemResult[] = [];
  for (const subject of subjects) {
    for (let index = 0; index < perSubject; index++) {
      const gold = index % 4;
      const pred = rand() < p ? gold : rand() < 0.1 ? -1 : (gold + 1) % 4;
      items.push({ subject, index, gold, pred, nChoices: 4 });
    }
  }
  return {
    schema: 'glyphlm.mmlu-eval.result/1', protocol: 'harness', dataset: 'mmlu', source: 'hendrycks/test pre-release (fixture)', split: 'test', shots: 5,
    promptsHash: 'ab'.repeat(32), model: { fingerprint: `fp-${name}-0123456789`, name }, tokenizer: { name: 'bvv241-2-3', fingerprint: 'tok' },
    options: { protocol: 'harness' }, items, accuracy: summarizeAccuracy(items, { subjects }),
    counts: { items: items.length, subjects: subjects.length, truncated: 0, shotsReduced: 3 }, timing: { ms: 1, requests: 4 * items.length, requestsPerSecond: 1 },
  };
}

const A = fakeResult('glyph-frozen', 0.45, 1);
const B = fakeResult('trainable', 0.3, 2);

describe('resultToJSON / resultFromJSON', () => {
  it('has a stable key order and round-trips', () => {
    const j = resultToJSON(A);
    expect(Object.keys(j)).toEqual(['schema', 'protocol', 'dataset', 'source', 'split', 'shots', 'promptsHash', 'counts', 'model', 'tokenizer', 'options', 'timing', 'accuracy', 'items']);
    expect(Object.keys(j.accuracy).slice(0, 6)).toEqual(['n', 'micro', 'macro', 'ci95', 'invalidRate', 'chance']);
    const text = JSON.stringify(j);
    expect(resultFromJSON(text)).toEqual(j);
    expect(JSON.stringify(resultToJSON(resultFromJSON(text)))).toBe(text);
  });

  it('names the field at fault', () => {
    const j = resultToJSON(A);
    expect(() => resultFromJSON({ ...j, schema: 'x' }, 'a.json')).toThrow("a.json, field schema: expected 'glyphlm.mmlu-eval.result/1', got \"x\"");
    expect(() => resultFromJSON({ ...j, items: [{ subject: 's', index: 0, gold: 1 }] }, 'a.json')).toThrow('a.json, field items[0]: needs subject');
    expect(() => resultFromJSON({ ...j, accuracy: { ...j.accuracy, micro: '0.3' } })).toThrow('field accuracy.micro: must be a number');
    expect(() => resultFromJSON('{', 'b.json')).toThrow(/^b\.json: not valid JSON/);
  });
});

describe('resultsMarkdown', () => {
  const md = resultsMarkdown([A, B], { resamples: 2000 });

  it('prints overall, categories and per subject with n and CI95, and the data source', () => {
    expect(md).toContain('Data: mmlu, test split: hendrycks/test pre-release (fixture)');
    const a = A.accuracy;
    expect(md).toContain(`| 1. glyph-frozen (harness, 5-shot) | harness | 5 | 684 | ${pct(a.micro)} ${ciText(a.ci95)} | ${pct(a.macro)} | ${pct(a.invalidRate)} | 25.0 | \`abababababab\` |`);
    expect(md).toContain(`| STEM | ${A.accuracy.categories.STEM.n} | ${pct(a.categories.STEM.acc)} ${ciText(a.categories.STEM.ci95)} | ${pct(B.accuracy.categories.STEM.acc)} ${ciText(B.accuracy.categories.STEM.ci95)} |`);
    expect(md).toContain(`| abstract_algebra | STEM | 12 | ${pct(a.perSubject.abstract_algebra.acc)} ${ciText(a.perSubject.abstract_algebra.ci95)} |`);
    expect(md.match(/^\| [a-z_]+ \| (STEM|humanities|social sciences|other) \| 12 \|/gm)!.length).toBe(57);
    expect(md).toContain('3 items with fewer shots to fit the context');
  });

  it('prints a difference only with its paired bootstrap CI95 and McNemar p', () => {
    const c = compareModels(A, B, { resamples: 2000 });
    expect(md).toContain(`| 1. glyph-frozen (harness, 5-shot) − 2. trainable (harness, 5-shot) | 684 | +${pct(c.diff)} ${ciText(c.ci95)} | ${c.onlyA} / ${c.onlyB} |`);
    // different item sets: no number, the reason instead
    const C = fakeResult('small', 0.3, 3, 5);
    const md2 = resultsMarkdown([A, C], { perSubject: false });
    expect(md2).toMatch(/\| – \| not compared: compareModels: the results cover different items/);
    expect(md2).not.toMatch(/\| [+-]\d+\.\d \[/);
    expect(md2).not.toContain('### Per subject');
    expect(md2).toContain(`| STEM | varies | ${pct(A.accuracy.categories.STEM.acc)} ${ciText(A.accuracy.categories.STEM.ci95)} (n=216) |`);
  });
});

describe('resultsMarkdown for sampled paper runs', () => {
  it('prints the author\'s mean ± 1.96·σ/√runs, σ, the run count and the item interval', () => {
    const items: ItemResult[] = [];
    for (let index = 0; index < 40; index++) {
      const preds = [0, 1, 2].map((r) => ((index + r) % 3 === 0 ? index % 4 : -1));
      items.push({ subject: 'virology', index, gold: index % 4, pred: preds[0], preds });
    }
    const accuracy = summarizeAccuracy(items, { runs: 3 });
    const r: EvalResult = { ...A, protocol: 'paper', variant: 'faithful', shots: 0, items, accuracy };
    const md = resultsMarkdown([r], { perSubject: false });
    const half = (1.96 * accuracy.runsStd!) / Math.sqrt(3);
    expect(md).toContain(`${pct(accuracy.micro)} ${ciText(accuracy.ci95)} = ${pct(accuracy.micro, 2)} ±${pct(half, 2)} (σ ${pct(accuracy.runsStd!, 2)}, 3 runs); item CI95 ${ciText(accuracy.ci95Items!)}`);
    expect(md).toContain('| paper (faithful) | 0 | 40 |');
    expect(md).toContain(`| ${pct(accuracy.invalidRate)} | 25.0 |`);
  });
});

/** Attributes of every element matching `tag` with `class="cls"`. */
function elements(svg: string, tag: string, cls: string): Record<string, string>[] {
  const re = new RegExp(`<${tag} class="${cls}"([^>]*)>`, 'g');
  return [...svg.matchAll(re)].map((m) => Object.fromEntries([...m[1].matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])));
}

describe('accuracyChartSvg', () => {
  const svg = accuracyChartSvg([A, B]);

  it('draws one bar per (category + overall, result) on one linear scale from 0, whiskers at the CI bounds', () => {
    const bars = elements(svg, 'rect', 'bar');
    expect(bars.length).toBe(5 * 2);
    expect(bars.map((b) => b['data-group'])).toEqual(['STEM', 'STEM', 'humanities', 'humanities', 'social sciences', 'social sciences', 'other', 'other', 'overall', 'overall']);
    const base = Number(bars[0].y) + Number(bars[0].height); // y of 0 %
    const pxPerUnit = Number(bars[0].height) / Number(bars[0]['data-acc']);
    for (const b of bars) {
      expect(Number(b.y) + Number(b.height)).toBeCloseTo(base, 1);
      expect(Number(b.height)).toBeCloseTo(Number(b['data-acc']) * pxPerUnit, 1);
    }
    expect(Number(bars.find((b) => b['data-group'] === 'overall' && b['data-result'] === '1')!['data-acc'])).toBe(B.accuracy.micro);
    expect(Number(bars.find((b) => b['data-group'] === 'STEM' && b['data-result'] === '0')!['data-acc'])).toBe(A.accuracy.categories.STEM.acc);
    // whiskers: vertical line from y(hi) to y(lo) at the bar's centre
    const whiskers = [...svg.matchAll(/<g class="whisker"[^>]*data-group="([^"]+)" data-result="(\d)" data-acc="[^"]+" data-lo="([^"]+)" data-hi="([^"]+)"[^>]*><line x1="([^"]+)" x2="[^"]+" y1="([^"]+)" y2="([^"]+)"\/>/g)];
    expect(whiskers.length).toBe(10);
    for (const w of whiskers) {
      const bar = bars.find((b) => b['data-group'] === w[1] && b['data-result'] === w[2])!;
      expect(Number(w[5])).toBeCloseTo(Number(bar.x) + Number(bar.width) / 2, 1);
      expect(Number(w[6])).toBeCloseTo(base - Number(w[4]) * pxPerUnit, 1);
      expect(Number(w[7])).toBeCloseTo(base - Number(w[3]) * pxPerUnit, 1);
    }
    // bars of a group side by side, in result order, without overlap
    expect(Number(bars[1].x)).toBeGreaterThanOrEqual(Number(bars[0].x) + Number(bars[0].width));
  });

  it('puts the chance line and the tick labels on the same scale, with a legend entry per result', () => {
    const bars = elements(svg, 'rect', 'bar');
    const base = Number(bars[0].y) + Number(bars[0].height);
    const pxPerUnit = Number(bars[0].height) / Number(bars[0]['data-acc']);
    const chance = svg.match(/<g class="chance" data-value="([^"]+)"><line x1="[^"]+" x2="[^"]+" y1="([^"]+)"/)!;
    expect(Number(chance[1])).toBe(0.25);
    expect(Number(chance[2])).toBeCloseTo(base - 0.25 * pxPerUnit, 1);
    const ticks = elements(svg, 'text', 'tick');
    expect(ticks.length).toBeGreaterThanOrEqual(4);
    expect(Number(ticks[0]['data-value'])).toBe(0);
    for (const t of ticks) expect(Number(t.y)).toBeCloseTo(base - Number(t['data-value']) * pxPerUnit, 1);
    const top = Math.max(...ticks.map((t) => Number(t['data-value'])));
    expect(top).toBeGreaterThanOrEqual(Math.max(A.accuracy.ci95[1], A.accuracy.categories.STEM.ci95[1]));
    expect(svg).toContain('>20%</text>');
    expect(elements(svg, 'rect', 'legend-swatch').length).toBe(2);
    expect(svg).toContain('glyph-frozen (harness, 5-shot)</text>');
    expect(svg).toContain('chance (25.0%)</text>');
    expect(svg).toContain('>Data: mmlu, test split: hendrycks/test pre-release (fixture)</text>');
  });

  it('charts per subject, escapes labels and refuses bad input', () => {
    const s = accuracyChartSvg([A], { by: 'subject', labels: ['<A & B>'] });
    expect(elements(s, 'rect', 'bar').length).toBe(58);
    expect(s).toContain('&lt;A &amp; B&gt;');
    expect(() => accuracyChartSvg([])).toThrow('no results');
    expect(() => accuracyChartSvg([A], { labels: [] })).toThrow('0 labels for 1 results');
  });
});

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
describe.skipIf(!existsSync(CHROMIUM))('accuracyChartSvg in chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmlu-eval-svg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('renders to a PNG without console errors; bars land where the SVG says, in their colours', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless'] });
    try {
      const page = await browser.newPage({ viewport: { width: 800, height: 460 } });
      const errors: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(e.message));
      const svg = accuracyChartSvg([A, B]);
      writeFileSync(join(dir, 'chart.svg'), svg);
      await page.goto(`file://${join(dir, 'chart.svg')}`);
      const png = await page.screenshot({ path: join(dir, 'chart.png') });
      expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(png.length).toBeGreaterThan(5000);
      // the rendered bar boxes match the attributes, and a pixel inside each bar has its colour
      const boxes = await page.evaluate(() => Array.from(document.querySelectorAll('rect.bar')).map((r) => {
        const b = r.getBoundingClientRect();
        return { x: b.x, y: b.y, w: b.width, h: b.height, ax: Number(r.getAttribute('x')), ay: Number(r.getAttribute('y')), fill: r.getAttribute('fill') };
      }));
      expect(boxes.length).toBe(10);
      for (const b of boxes) {
        expect(b.x).toBeCloseTo(b.ax, 0);
        expect(b.y).toBeCloseTo(b.ay, 0);
      }
      const pixels = await page.evaluate(async (pts) => {
        const img = new Image();
        img.src = 'data:image/svg+xml;base64,' + btoa(unescape(encodeURIComponent(new XMLSerializer().serializeToString(document.documentElement))));
        await img.decode();
        const c = document.createElementNS('http://www.w3.org/1999/xhtml', 'canvas') as HTMLCanvasElement; // the page is an SVG document
        c.width = img.width; c.height = img.height;
        const ctx = c.getContext('2d', { willReadFrequently: true })!;
        ctx.drawImage(img, 0, 0);
        return pts.map(([x, y]) => [...ctx.getImageData(x, y, 1, 1).data.slice(0, 3)]);
      }, boxes.map((b) => [Math.round(b.x + 2), Math.round(b.y + b.h - 2)]));
      const hex = (rgb: number[]) => '#' + rgb.map((v) => v.toString(16).padStart(2, '0')).join('').toUpperCase();
      pixels.forEach((p, i) => expect(hex(p)).toBe(boxes[i].fill));
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
if (!existsSync(CHROMIUM)) console.log(`report.test: no chromium at ${CHROMIUM}; the render check is skipped`);
