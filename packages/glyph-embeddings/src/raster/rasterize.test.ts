// Rasterizer invariants: exact coverage for pixel-aligned shapes, area conservation for arbitrary polygons and
// curves, clipping at every edge, winding/orientation, determinism.
import { describe, expect, it } from 'vitest';
import { MT19937 } from '../random/mt19937.js';
import { PATH_CLOSE, PATH_CUBIC, PATH_LINE, PATH_MOVE, PATH_QUAD } from '../types.js';
import { fontTransform, Rasterizer, rasterizePath } from './rasterize.js';

const rect = (x0: number, y0: number, x1: number, y1: number) =>
  Float64Array.from([PATH_MOVE, x0, y0, PATH_LINE, x1, y0, PATH_LINE, x1, y1, PATH_LINE, x0, y1, PATH_CLOSE]);
const sum = (a: Uint8Array) => a.reduce((s, v) => s + v, 0);

describe('rasterizePath', () => {
  it('pixel-aligned rectangle is exactly 255 inside, 0 outside, either orientation', () => {
    for (const p of [rect(2, 3, 7, 9), rect(7, 9, 2, 3)]) {
      const img = rasterizePath(p, 10, 12);
      for (let y = 0; y < 12; y++) for (let x = 0; x < 10; x++) expect(img[y * 10 + x]).toBe(x >= 2 && x < 7 && y >= 3 && y < 9 ? 255 : 0);
    }
  });
  it('half-pixel rectangle gives 128 on the edges', () => {
    const img = rasterizePath(rect(1.5, 1, 3, 2), 4, 3);
    expect(Array.from(img.subarray(4, 8))).toEqual([0, 128, 255, 0]);
  });
  it('clips on all four sides: a rectangle larger than the canvas fills it', () => {
    expect(rasterizePath(rect(-5, -7, 20, 30), 8, 6).every((v) => v === 255)).toBe(true);
    expect(sum(rasterizePath(rect(-5, -7, -1, 30), 8, 6))).toBe(0);
    expect(sum(rasterizePath(rect(9, 0, 20, 6), 8, 6))).toBe(0);
    const img = rasterizePath(rect(-3, 1, 3, 2), 8, 4);
    expect(Array.from(img.subarray(8, 16))).toEqual([255, 255, 255, 0, 0, 0, 0, 0]);
  });
  it('area of random triangles (inside the canvas) is conserved within rounding', () => {
    const g = MT19937.initGenrand(9);
    for (let t = 0; t < 200; t++) {
      const p = Array.from({ length: 6 }, () => 1 + g.random() * 30);
      const area = Math.abs((p[2] - p[0]) * (p[5] - p[1]) - (p[4] - p[0]) * (p[3] - p[1])) / 2;
      const img = rasterizePath(Float64Array.from([PATH_MOVE, p[0], p[1], PATH_LINE, p[2], p[3], PATH_LINE, p[4], p[5], PATH_CLOSE]), 32, 32);
      expect(Math.abs(sum(img) / 255 - area)).toBeLessThan(0.5 + 32 * 32 * 0.002);
    }
  });
  it('triangles crossing the left/right edges: clipped area equals the analytic clip', () => {
    const g = MT19937.initGenrand(10);
    for (let t = 0; t < 100; t++) {
      const p = Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? -10 + g.random() * 36 : 1 + g.random() * 14));
      const cmds = Float64Array.from([PATH_MOVE, p[0], p[1], PATH_LINE, p[2], p[3], PATH_LINE, p[4], p[5], PATH_CLOSE]);
      const small = rasterizePath(cmds, 16, 16);
      // reference: rasterize on a wide canvas shifted by 16 and crop
      const wide = rasterizePath(cmds, 48, 16, [1, 0, 0, 1, 16, 0]);
      let maxd = 0;
      for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) maxd = Math.max(maxd, Math.abs(small[y * 16 + x] - wide[y * 48 + x + 16]));
      expect(maxd).toBeLessThanOrEqual(1);
    }
  });
  it('a circle made of quadratics and one of cubics have area pi r^2', () => {
    const r = 10, cx = 16, cy = 16, k = 0.5522847498;
    const cubic = Float64Array.from([
      PATH_MOVE, cx + r, cy,
      PATH_CUBIC, cx + r, cy + k * r, cx + k * r, cy + r, cx, cy + r,
      PATH_CUBIC, cx - k * r, cy + r, cx - r, cy + k * r, cx - r, cy,
      PATH_CUBIC, cx - r, cy - k * r, cx - k * r, cy - r, cx, cy - r,
      PATH_CUBIC, cx + k * r, cy - r, cx + r, cy - k * r, cx + r, cy, PATH_CLOSE,
    ]);
    expect(Math.abs(sum(rasterizePath(cubic, 32, 32)) / 255 - Math.PI * r * r)).toBeLessThan(1.5);
    const q: number[] = [PATH_MOVE, cx + r, cy];
    const n = 16;
    for (let i = 0; i < n; i++) {
      const a0 = (2 * Math.PI * i) / n, a1 = (2 * Math.PI * (i + 1)) / n, am = (a0 + a1) / 2, rc = r / Math.cos(Math.PI / n);
      q.push(PATH_QUAD, cx + rc * Math.cos(am), cy + rc * Math.sin(am), cx + r * Math.cos(a1), cy + r * Math.sin(a1));
    }
    q.push(PATH_CLOSE);
    expect(Math.abs(sum(rasterizePath(Float64Array.from(q), 32, 32)) / 255 - Math.PI * r * r)).toBeLessThan(1.5);
  });
  it('fontTransform flips y; an open contour is closed; output is deterministic', () => {
    const p = Float64Array.from([PATH_MOVE, 0, 0, PATH_LINE, 4, 0, PATH_LINE, 4, 4, PATH_LINE, 0, 4]);
    const a = rasterizePath(p, 8, 8, fontTransform(1, 2, 6));
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) expect(a[y * 8 + x]).toBe(x >= 2 && x < 6 && y >= 2 && y < 6 ? 255 : 0);
    expect(rasterizePath(p, 8, 8, fontTransform(1, 2, 6))).toEqual(a);
    const r = new Rasterizer(8, 8);
    r.path(p, fontTransform(1, 2, 6));
    r.path(p, fontTransform(1, 2, 6)); // winding 2 -> still 255 (nonzero-style clamp)
    expect(r.coverage()).toEqual(a);
  });
  it('rejects bad sizes and commands', () => {
    expect(() => rasterizePath(new Float64Array(0), 0, 4)).toThrow(/positive integers/);
    expect(() => rasterizePath(Float64Array.from([9]), 4, 4)).toThrow(/unknown path command 9 at index 0/);
  });
});
