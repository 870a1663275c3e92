// lossCurveSvg: one path per series and kind, ticks consistent with the data range (linear and log), legend
// entries per arm, escaping, and bad input. (Rendering in chromium and the PNG: src/node/experiments-png.test.ts.)
import { describe, expect, it } from 'vitest';
import { lossCurveSvg, curveSeries, meanByGroup, smoothTrain, type CurvePoint } from './loss-curve-svg.js';

/** A decaying loss curve with val points every `every` steps. */
function fakeHistory(steps: number, start: number, end: number, every: number, seed = 1): CurvePoint[] {
  let s = seed;
  const out: CurvePoint[] = [];
  for (let i = 0; i <= steps; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const base = end + (start - end) * Math.exp(-i / (steps / 5));
    const e: CurvePoint = { step: i, loss: base + 0.05 * (s / 2 ** 32 - 0.5) };
    if (i % every === 0) e.valLoss = base + 0.1;
    out.push(e);
  }
  return out;
}

const attrs = (svg: string, re: RegExp) => [...svg.matchAll(re)].map((m) => m[1]);

describe('lossCurveSvg', () => {
  const arms = { frozen: [fakeHistory(200, 4.2, 1.9, 50, 1), fakeHistory(200, 4.3, 2.0, 50, 2)], trainable: [fakeHistory(200, 4.2, 1.7, 50, 3), fakeHistory(200, 4.1, 1.75, 50, 4)], 'a<b>&': fakeHistory(150, 4, 2.5, 25, 5) };

  it('draws one train and one dashed val path per series and one legend entry per arm', () => {
    const svg = lossCurveSvg(arms, { title: 'frozen vs trainable' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect((svg.match(/class="curve train"/g) ?? []).length).toBe(5);
    const val = attrs(svg, /<path class="curve val"[^>]*?data-points="(\d+)"/g);
    expect(val).toEqual(['5', '5', '5', '5', '7']);
    expect(svg.match(/<path class="curve val"[^>]*stroke-dasharray="6 4"/g)?.length).toBe(5);
    expect(attrs(svg, /class="curve train"[^>]*?data-points="(\d+)"/g)).toEqual(['201', '201', '201', '201', '151']);
    expect(attrs(svg, /class="legend-entry" data-series="([^"]*)"/g)).toEqual(['frozen', 'trainable', 'a&lt;b&gt;&amp;']);
    expect(svg).toContain('>frozen vs trainable</text>');
    // series of one arm share a colour, arms differ
    const strokes = attrs(svg, /class="curve train"[^>]*?stroke="(#[0-9A-Fa-f]+)"/g);
    expect(strokes[0]).toBe(strokes[1]);
    expect(new Set(strokes).size).toBe(3);
    expect(svg).not.toMatch(/NaN|undefined/);
  });

  it('has x ticks spanning the steps and y ticks spanning the losses (linear)', () => {
    const svg = lossCurveSvg(arms);
    const x = svg.slice(svg.indexOf('class="axis x-axis"'), svg.indexOf('class="axis y-axis"'));
    const y = svg.slice(svg.indexOf('class="axis y-axis"'), svg.indexOf('class="curves"'));
    const xt = attrs(x, /class="tick" data-value="([^"]+)"/g).map(Number);
    const yt = attrs(y, /class="tick" data-value="([^"]+)"/g).map(Number);
    expect(xt[0]).toBe(0);
    expect(xt[xt.length - 1]).toBe(200);
    expect(xt.length).toBeGreaterThanOrEqual(4);
    const all = Object.values(arms).flat(2) as CurvePoint[];
    const lo = Math.min(...all.flatMap((e) => [e.loss, e.valLoss ?? Infinity]));
    const hi = Math.max(...all.flatMap((e) => [e.loss, e.valLoss ?? -Infinity]));
    const [d0, d1] = attrs(y, /data-domain="([^"]+)"/g)[0].split(' ').map(Number);
    expect(d0).toBeLessThanOrEqual(lo);
    expect(d1).toBeGreaterThanOrEqual(hi);
    expect(yt[0]).toBeGreaterThanOrEqual(d0);
    expect(yt[yt.length - 1]).toBeLessThanOrEqual(d1);
    expect(yt[yt.length - 1] - yt[0]).toBeGreaterThan((hi - lo) * 0.6);
    // every tick is labelled with its value
    for (const t of yt) expect(y).toMatch(new RegExp(`data-value="${t}">.*?>${t.toFixed(1).replace('.', '\\.')}</text>`));
    // tick positions increase with value on x, decrease on y (SVG y grows downwards)
    const xp = attrs(x, /class="tick"[^>]*><line class="grid" x1="([^"]+)"/g).map(Number);
    expect(xp).toEqual([...xp].sort((a, b) => a - b));
    const yp = attrs(y, /class="tick"[^>]*><line class="grid" x1="0" x2="[^"]+" y1="([^"]+)"/g).map(Number);
    expect(yp).toEqual([...yp].sort((a, b) => b - a));
    expect(svg).toContain('>step</text>');
    expect(svg).toContain('>loss</text>');
  });

  it('log scale: positive ticks inside a domain covering the data, labelled axis', () => {
    const h = { run: fakeHistory(100, 8, 0.5, 20) };
    const svg = lossCurveSvg(h, { logScale: true });
    const y = svg.slice(svg.indexOf('class="axis y-axis"'), svg.indexOf('class="curves"'));
    expect(y).toContain('data-scale="log"');
    const yt = attrs(y, /class="tick" data-value="([^"]+)"/g).map(Number);
    expect(yt.every((t) => t > 0)).toBe(true);
    expect(yt).toContain(1);
    const [d0, d1] = attrs(y, /data-domain="([^"]+)"/g)[0].split(' ').map(Number);
    const losses = h.run.flatMap((e) => [e.loss, e.valLoss ?? e.loss]);
    expect(d0).toBeLessThanOrEqual(Math.min(...losses));
    expect(d1).toBeGreaterThanOrEqual(Math.max(...losses));
    expect(svg).toContain('loss (log scale)');
    // equal ratios are equal distances on a log axis
    const tick = (v: number) => Number(new RegExp(`data-value="${v}"><line class="grid" x1="0" x2="[^"]+" y1="([^"]+)"`).exec(y)![1]);
    expect(tick(1) - tick(2)).toBeCloseTo(tick(2) - tick(4), 1);
  });

  it('mean: one curve per arm averaging its runs at shared steps; smooth: bias-corrected EMA of train loss', () => {
    const a = [{ step: 1, loss: 4, valLoss: 5 }, { step: 2, loss: 3 }, { step: 3, loss: 2, valLoss: 3 }];
    const b = [{ step: 1, loss: 2, valLoss: 4 }, { step: 2, loss: 2 }, { step: 3, loss: 1 }, { step: 4, loss: 1 }];
    const m = meanByGroup(curveSeries({ x: [a, b], y: a }));
    expect(m.map((s) => s.label)).toEqual(['x (mean of 2)', 'y']);
    expect(m[0].history).toEqual([{ step: 1, loss: 3, valLoss: 4.5 }, { step: 2, loss: 2.5 }, { step: 3, loss: 1.5 }]);
    const svg = lossCurveSvg({ x: [a, b], y: a }, { mean: true });
    expect((svg.match(/class="curve train"/g) ?? []).length).toBe(2);
    const sm = smoothTrain([{ step: 1, loss: 4 }, { step: 2, loss: 2, valLoss: 9 }, { step: 3, loss: 2 }], 0.5);
    expect(sm.map((e) => e.loss)).toEqual([4, (0.25 * 4 + 0.5 * 2) / 0.75, (0.125 * 4 + 0.25 * 2 + 0.5 * 2) / 0.875]);
    expect(sm[1].valLoss).toBe(9);
    expect(smoothTrain(fakeHistory(50, 3, 3, 10).map((e) => ({ ...e, loss: 2.5 })), 0.9).every((e) => Math.abs(e.loss - 2.5) < 1e-12)).toBe(true);
    expect(() => lossCurveSvg({ x: a }, { smooth: 1 })).toThrow(/options.smooth must be in \[0, 1\)/);
  });

  it('accepts series lists, leaves out val or train on request, and rejects bad input', () => {
    const s = curveSeries([{ label: 'x', history: fakeHistory(10, 3, 2, 5) }]);
    expect(s[0].label).toBe('x');
    expect(lossCurveSvg(s, { val: false })).not.toContain('curve val');
    expect(lossCurveSvg(s, { train: false })).not.toContain('curve train');
    const fromTable = curveSeries({ arms: { frozen: { runs: [{ seed: 1, history: fakeHistory(5, 3, 2, 5) }, { seed: 2, history: fakeHistory(5, 3, 2, 5) }] }, trainable: { runs: [{ seed: 1, history: fakeHistory(5, 3, 2, 5) }] } } });
    expect(fromTable.map((x) => [x.label, x.group])).toEqual([['frozen seed 1', 'frozen'], ['frozen seed 2', 'frozen'], ['trainable seed 1', 'trainable']]);
    expect(() => lossCurveSvg({})).toThrow(/no series to draw/);
    expect(() => lossCurveSvg({ a: [] })).toThrow(/no points to draw/);
    expect(() => lossCurveSvg({ a: [{ step: 0, loss: NaN }] })).toThrow(/series 'a' has no finite loss/);
    expect(() => lossCurveSvg({ a: [{ step: 0, loss: -1 }] }, { logScale: true })).toThrow(/series 'a' has no finite positive loss/);
    expect(() => lossCurveSvg({ a: 3 } as never)).toThrow(/'a' must be a history/);
    expect(() => lossCurveSvg(s, { width: 10 })).toThrow(/options.width must be an integer in 240..10000/);
    // a single point still gives a drawable (zero-length, round-capped) path and a non-degenerate axis
    const one = lossCurveSvg({ a: [{ step: 5, loss: 2, valLoss: 2.1 }] });
    expect(one).toMatch(/class="curve train"[^>]*d="M[\d.]+,[\d.]+Z"/);
  });
});
