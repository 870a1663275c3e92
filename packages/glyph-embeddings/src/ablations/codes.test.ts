import { describe, expect, it } from 'vitest';
import { idBitsCodes, randomBinaryCodes, randomFloatCodes } from './codes.js';
import { liftRepeatInterleave } from './lift.js';
import { seededRng } from './rng.js';

function rowKey(d: Float32Array, i: number, dim: number): string {
  return Array.from(d.subarray(i * dim, (i + 1) * dim), (v) => (v > 0 ? '1' : '0')).join('');
}

describe('seededRng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = seededRng(7), b = seededRng(7), c = seededRng(8);
    const xs = Array.from({ length: 8 }, () => a.u32());
    expect(Array.from({ length: 8 }, () => b.u32())).toEqual(xs);
    expect(Array.from({ length: 8 }, () => c.u32())).not.toEqual(xs);
  });
  it('below(n) is uniform enough and in range', () => {
    const r = seededRng(1); const counts = new Array(10).fill(0);
    let out = 0;
    for (let i = 0; i < 100_000; i++) { const v = r.below(10); if (!(v >= 0 && v < 10)) out++; else counts[v]++; }
    expect(out).toBe(0);
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });
  it('normal() has mean ~0 and variance ~1', () => {
    const r = seededRng(3); let s = 0, s2 = 0; const n = 200_000;
    for (let i = 0; i < n; i++) { const v = r.normal(); s += v; s2 += v * v; }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02);
  });
});

describe('idBitsCodes', () => {
  it('writes the 16-bit id MSB first, exactly, for all 65,536 ids', () => {
    const m = idBitsCodes(65536);
    expect(m.dim).toBe(16);
    let bad = -1;
    for (let id = 0; id < 65536 && bad < 0; id++) {
      let v = 0;
      for (let j = 0; j < 16; j++) v = v * 2 + m.data[id * 16 + j];
      if (v !== id) bad = id;
    }
    expect(bad).toBe(-1);
    expect(Array.from(m.data.subarray(16, 32))).toEqual([...new Array(15).fill(0), 1]);
    expect(Array.from(m.data.subarray(0x8000 * 16, 0x8000 * 16 + 16))).toEqual([1, ...new Array(15).fill(0)]);
  });
  it('pm1 encoding maps 0 -> -1', () => {
    const m = idBitsCodes(4, 3, 'pm1');
    expect(Array.from(m.data)).toEqual([-1, -1, -1, -1, -1, 1, -1, 1, -1, -1, 1, 1]);
  });
  it('rejects too many rows for the width, naming the numbers', () => {
    expect(() => idBitsCodes(65537, 16)).toThrow(/65537 rows do not fit in 16 bits/);
  });
});

describe('randomBinaryCodes', () => {
  it.each([[65536, 16], [5000, 20], [4000, 64], [3000, 256]])('%i rows x %i bits are collision-free and binary', (rows, bits) => {
    const m = randomBinaryCodes(rows, bits, 42);
    const seen = new Set<string>();
    for (let i = 0; i < rows; i++) seen.add(rowKey(m.data, i, bits));
    expect(seen.size).toBe(rows);
    expect(m.data.every((v) => v === 0 || v === 1)).toBe(true);
  });
  it('16 bits x 65,536 rows is a permutation of all ids', () => {
    const m = randomBinaryCodes(65536, 16, 5);
    const hit = new Uint8Array(65536);
    for (let i = 0; i < 65536; i++) { let v = 0; for (let j = 0; j < 16; j++) v = v * 2 + m.data[i * 16 + j]; hit[v]++; }
    expect(hit.every((h) => h === 1)).toBe(true);
  });
  it('is deterministic per seed, differs across seeds, and balanced', () => {
    const a = randomBinaryCodes(2000, 64, 1), b = randomBinaryCodes(2000, 64, 1), c = randomBinaryCodes(2000, 64, 2);
    expect(a.data).toEqual(b.data);
    expect(a.data).not.toEqual(c.data);
    const mean = a.data.reduce((s, v) => s + v, 0) / a.data.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
  });
  it('rejects impossible requests', () => {
    expect(() => randomBinaryCodes(9, 3, 0)).toThrow(/cannot be collision-free in 3 bits/);
  });
});

describe('randomFloatCodes', () => {
  it('is deterministic per seed', () => {
    expect(randomFloatCodes(100, 16, 9).data).toEqual(randomFloatCodes(100, 16, 9).data);
    expect(randomFloatCodes(100, 16, 9).data).not.toEqual(randomFloatCodes(100, 16, 10).data);
  });
});

describe('liftRepeatInterleave', () => {
  it('column j of the lifted row equals column floor(j/scale) of the original, exactly', () => {
    const m = { rows: 37, dim: 16, data: randomFloatCodes(37, 16, 4).data, meta: { recipe: 'x' } };
    const l = liftRepeatInterleave(m, 1024);
    expect(l.dim).toBe(1024);
    expect(l.rows).toBe(37);
    let mismatches = 0;
    for (let i = 0; i < 37; i++) for (let j = 0; j < 1024; j++) if (l.data[i * 1024 + j] !== m.data[i * 16 + Math.floor(j / 64)]) mismatches++;
    expect(mismatches).toBe(0);
    expect(l.meta).toMatchObject({ recipe: 'x', lift: { kind: 'repeat_interleave', nEmbed: 16, dModel: 1024, scale: 64 } });
  });
  it('interleaves rather than tiles', () => {
    const l = liftRepeatInterleave({ rows: 1, dim: 2, data: new Float32Array([1, 2]) }, 6);
    expect(Array.from(l.data)).toEqual([1, 1, 1, 2, 2, 2]);
  });
  it('is the identity for dModel = nEmbed and rejects non-multiples', () => {
    const d = new Float32Array([1, 2, 3, 4]);
    expect(Array.from(liftRepeatInterleave({ rows: 2, dim: 2, data: d }, 2).data)).toEqual([1, 2, 3, 4]);
    expect(() => liftRepeatInterleave({ rows: 2, dim: 2, data: d }, 5)).toThrow(/5 is not a multiple of nEmbed 2/);
  });
});
