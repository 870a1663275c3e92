import { describe, expect, it } from 'vitest';
import { map2d, pca2, gatherRows } from './map2d.js';
import { map2dSvg, xmlEscape } from './svg.js';
import { tsneKl } from './tsne.js';
import { seededRng } from '../ablations/rng.js';

/** 4 well-separated clusters of 10 points in 32-D (planted structure). */
function clusters(seed: number) {
  const r = seededRng(seed); const rows = 40, dim = 32; const data = new Float32Array(rows * dim);
  for (let i = 0; i < rows; i++) for (let j = 0; j < dim; j++) data[i * dim + j] = (j % 4 === i % 4 ? 1 : 0) + 0.08 * r.normal();
  return { rows, dim, data, group: (i: number) => i % 4 };
}

function wellFormed(svg: string): boolean {
  const body = svg.replace(/^<\?xml[^>]*\?>\s*/, '');
  const stack: string[] = []; const re = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([<>])/g;
  let m: RegExpExecArray | null; let roots = 0;
  while ((m = re.exec(body))) {
    if (m[5]) return false;
    if (m[1]) { if (stack.pop() !== m[2]) return false; } else if (!m[4]) { if (!stack.length) roots++; stack.push(m[2]); } else if (!stack.length) roots++;
  }
  return stack.length === 0 && roots === 1 && !/&(?!amp;|lt;|gt;|quot;|apos;)/.test(body);
}

/** Fraction of points whose nearest 2-D neighbour is in the same cluster. */
function purity(pts: { x: number; y: number }[], group: (i: number) => number): number {
  let ok = 0;
  pts.forEach((p, i) => {
    let best = -1, bd = Infinity;
    pts.forEach((q, j) => { if (j !== i) { const d = (p.x - q.x) ** 2 + (p.y - q.y) ** 2; if (d < bd) { bd = d; best = j; } } });
    if (group(best) === group(i)) ok++;
  });
  return ok / pts.length;
}

describe('pca2', () => {
  it('recovers the exact top-2 components of a planted 2-D configuration', () => {
    // points on an ellipse with semi-axes 3 and 1 in a rotated 2-D plane of 5-D space
    const n = 24, dim = 5, x = new Float64Array(n * dim);
    const u = [0.6, 0.8, 0, 0, 0], v = [0, 0, 0, 0.6, -0.8];
    for (let i = 0; i < n; i++) { const t = (2 * Math.PI * i) / n; for (let j = 0; j < dim; j++) x[i * dim + j] = 3 * Math.cos(t) * u[j] + Math.sin(t) * v[j] + 7; }
    const { scores, eig, total } = pca2(x, n, dim);
    expect(eig[0]).toBeCloseTo(9 * n / 2, 8); expect(eig[1]).toBeCloseTo(n / 2, 8); expect(total).toBeCloseTo(10 * n / 2, 8);
    for (let i = 0; i < n; i++) {
      const t = (2 * Math.PI * i) / n;
      expect(Math.abs(scores[2 * i])).toBeCloseTo(Math.abs(3 * Math.cos(t)), 8);
      expect(Math.abs(scores[2 * i + 1])).toBeCloseTo(Math.abs(Math.sin(t)), 8);
    }
  });
});

describe('map2d', () => {
  const c = clusters(3); const ids = Array.from({ length: 40 }, (_, i) => i);
  it.each(['pca', 'tsne', 'umap'] as const)('%s separates planted clusters and is deterministic per seed', async (method) => {
    const a = await map2d(c, ids, { method, seed: 1, perplexity: 7 });
    const b = await map2d(c, ids, { method, seed: 1, perplexity: 7 });
    expect(a).toEqual(b);
    expect(a.map((p) => p.id)).toEqual(ids);
    expect(a.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))).toBe(true);
    expect(purity(a, c.group)).toBe(1);
    if (method !== 'pca') {
      const init = method === 'tsne' ? { init: 'random' as const } : {};
      const d1 = await map2d(c, ids, { method, seed: 2, perplexity: 7, ...init });
      const d2 = await map2d(c, ids, { method, seed: 3, perplexity: 7, ...init });
      expect(d1).not.toEqual(d2);
      expect(purity(d1, c.group)).toBe(1);
    }
  });
  it('t-SNE lowers KL(P||Q) far below the initial layout', async () => {
    const x = gatherRows(c, ids); const pts = await map2d(c, ids, { method: 'tsne', perplexity: 7 });
    const y = new Float64Array(pts.flatMap((p) => [p.x, p.y]));
    const init = new Float64Array(80).map((_, i) => (i % 2 ? 1e-4 : -1e-4) * ((i * 37) % 11));
    expect(tsneKl(x, 40, 32, y, 7)).toBeLessThan(0.5 * tsneKl(x, 40, 32, init, 7));
  });
  it('names the bad id and method', async () => {
    await expect(map2d(c, [0, 1, 99], {})).rejects.toThrow(/id 99 \(position 2\) is out of range/);
    await expect(map2d(c, [0, 1, 2], { method: 'mds' as never })).rejects.toThrow(/unknown method 'mds'/);
    await expect(map2d(c, [0, 1, 2, 3], { method: 'tsne', perplexity: 9 })).rejects.toThrow(/perplexity 9 must be in \(0, n=4\)/);
  });
});

describe('map2dSvg', () => {
  it('is well-formed and contains every label, escaped', async () => {
    const c = clusters(4); const ids = Array.from({ length: 40 }, (_, i) => i);
    const pts = await map2d(c, ids, { method: 'pca' });
    const labels = ids.map((i) => (i === 3 ? 'a<b>&"c\'' : i === 5 ? 'мир 世界 مرحبا' : `w${i}`));
    const svg = map2dSvg(pts, { labels, groups: ids.map((i) => `g${i % 4}`), title: 'T & S' });
    expect(wellFormed(svg)).toBe(true);
    for (const l of labels) expect(svg).toContain(`>${xmlEscape(l)}</text>`);
    expect(svg).toContain('a&lt;b&gt;&amp;&quot;c&apos;');
    expect(svg.match(/<g class="pt"/g)?.length).toBe(40);
    expect(svg.match(/<text x="16"/g)?.length).toBe(4); // legend
    expect(wellFormed(svg.replace('</svg>', ''))).toBe(false); // the checker itself catches breakage
  });
});

// pca and tsne digests are asserted in the browser test too; umap-js calls Math.exp/pow, which differ between
// engines (see detmath.ts), so its layout is deterministic per engine only.
describe('map2d digests (pca/tsne: same values asserted in the browser test)', () => {
  it.each(['pca', 'tsne', 'umap'] as const)('%s', async (method) => {
    const { map2dDigest } = await import('./map2d-parity.js');
    const d = await map2dDigest(method);
    expect(d).toBe(MAP2D_GOLDEN[method]);
  });
});
const MAP2D_GOLDEN: Record<string, string> = {
  pca: 'ec77baf6d6f23628ac877cb5ff189b7b425c13007c162396903feed8b35b23a0',
  tsne: '93383bd2749d774c1e4a65b3d2f2c2e8cbf17074671b120eafc6b6f08ac9fe82',
  umap: '61a897f4d0bef6e37533e413a602d7369eaea1c2a33c7257307fa1c338aa801a',
};
