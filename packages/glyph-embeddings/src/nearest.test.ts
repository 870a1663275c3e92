import { describe, expect, it } from 'vitest';
import { nearest, cosineRows } from './nearest.js';
import { seededRng } from './ablations/rng.js';

describe('nearest', () => {
  it('finds the known cluster mates first on a matrix with planted structure', () => {
    // 10 clusters x 8 members: member = centre + small noise; centres are orthogonal basis vectors
    const r = seededRng(1); const rows = 80, dim = 16; const data = new Float32Array(rows * dim);
    for (let i = 0; i < rows; i++) for (let j = 0; j < dim; j++) data[i * dim + j] = (j === Math.floor(i / 8) ? 1 : 0) + 0.05 * r.normal();
    const m = { rows, dim, data };
    for (let id = 0; id < rows; id++) {
      const nb = nearest(m, id, 7);
      expect(nb.map((x) => Math.floor(x.id / 8)).every((c) => c === Math.floor(id / 8))).toBe(true);
      expect(nb.some((x) => x.id === id)).toBe(false);
      for (let t = 1; t < nb.length; t++) expect(nb[t - 1].cos).toBeGreaterThanOrEqual(nb[t].cos);
    }
  });
  it('returns exact cosines and deterministic tie order', () => {
    const data = new Float32Array([1, 0, 0, 1, 1, 1, 2, 0, -1, 0, 0, 0]);
    const m = { rows: 6, dim: 2, data };
    expect(nearest(m, 0, 5)).toEqual([
      { id: 3, cos: 1 }, { id: 2, cos: 1 / Math.sqrt(2) }, { id: 1, cos: 0 }, { id: 5, cos: 0 }, { id: 4, cos: -1 },
    ]);
    expect(cosineRows(m, 0, 2)).toBeCloseTo(Math.SQRT1_2, 15);
  });
  it('agrees with a brute-force full sort on random matrices', () => {
    const r = seededRng(2);
    for (let t = 0; t < 20; t++) {
      const rows = 50 + r.below(100), dim = 1 + r.below(40); const data = new Float32Array(rows * dim).map(() => r.normal());
      const m = { rows, dim, data }; const id = r.below(rows); const k = r.below(rows + 3);
      const all = Array.from({ length: rows }, (_, i) => ({ id: i, cos: cosineRows(m, id, i) })).filter((x) => x.id !== id)
        .sort((a, b) => b.cos - a.cos || a.id - b.id);
      const got = nearest(m, id, k);
      expect(got.map((x) => x.id)).toEqual(all.slice(0, k).map((x) => x.id));
      got.forEach((x, i) => expect(x.cos).toBeCloseTo(all[i].cos, 12));
    }
  });
  it('honours candidates and rejects bad ids by name', () => {
    const m = { rows: 3, dim: 1, data: new Float32Array([1, 2, -3]) };
    expect(nearest(m, 0, 5, { candidates: [2, 0] })).toEqual([{ id: 2, cos: -1 }]);
    expect(() => nearest(m, 3, 1)).toThrow(/id 3 is out of range 0..2/);
  });
});
