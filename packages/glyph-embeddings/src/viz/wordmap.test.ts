import { describe, expect, it } from 'vitest';
import { defaultFont } from '../font/default.js';
import { wordMap } from './wordmap.js';
import { map2dSvg } from './svg.js';

/** Fraction of points whose nearest 2-D neighbour satisfies `same`. */
function nnAgreement(pts: { x: number; y: number }[], same: (i: number, j: number) => boolean): number {
  let ok = 0;
  pts.forEach((p, i) => {
    let best = -1, bd = Infinity;
    pts.forEach((q, j) => { if (j !== i) { const d = (p.x - q.x) ** 2 + (p.y - q.y) ** 2; if (d < bd) { bd = d; best = j; } } });
    if (same(i, best)) ok++;
  });
  return ok / pts.length;
}

describe('wordMap (the paper\'s 40-word analysis)', () => {
  it('frozen glyph vectors cluster by surface form and length, not meaning (t-SNE, perplexity 7, seed 0)', async () => {
    const font = await defaultFont();
    const a = await wordMap({ font, recipeOptions: { cell: 16 } });
    const b = await wordMap({ font, recipeOptions: { cell: 16 } });
    expect(a.points).toEqual(b.points);
    expect(a.points.length).toBe(40);
    const byLength = nnAgreement(a.points, (i, j) => a.labels[i].length === a.labels[j].length);
    const byGroup = nnAgreement(a.points, (i, j) => a.groups[i] === a.groups[j]);
    console.log(`wordMap: 2-D nearest neighbour has the same length for ${(byLength * 100).toFixed(0)} %, same meaning group for ${(byGroup * 100).toFixed(0)} %`);
    expect(byLength).toBeGreaterThanOrEqual(0.7);
    expect(byGroup).toBeLessThan(byLength);
    const svg = map2dSvg(a.points, { labels: a.labels, groups: a.groups });
    for (const w of a.labels) expect(svg).toContain(`>${w}</text>`);
  });
});
