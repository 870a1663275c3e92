import { describe, expect, it } from 'vitest';
import { detExp, detLog } from './detmath.js';
import { seededRng } from './rng.js';

const ulpDiff = (a: number, b: number) => Math.abs(a - b) / Math.max(Number.MIN_VALUE, Math.abs(b) * Number.EPSILON);

describe('detExp / detLog', () => {
  it('agree with Math.exp / Math.log within 2 ulp over 200,000 seeded inputs', () => {
    const r = seededRng(17);
    let we = 0, wl = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = (r.float() - 0.5) * 1400;
      we = Math.max(we, ulpDiff(detExp(x), Math.exp(x)));
      const y = Math.exp((r.float() - 0.5) * 1400) ;
      wl = Math.max(wl, Math.abs(detLog(y) - Math.log(y)) / (Math.abs(Math.log(y)) * Number.EPSILON || Number.EPSILON));
    }
    expect(we).toBeLessThan(2);
    expect(wl).toBeLessThan(2);
  });
  it('handles the edges', () => {
    expect([detExp(0), detExp(-Infinity), detExp(Infinity), detExp(800), detExp(-800)]).toEqual([1, 0, Infinity, Infinity, 0]);
    expect(ulpDiff(detExp(1), Math.E)).toBeLessThanOrEqual(1);
    expect(Number.isNaN(detExp(NaN))).toBe(true);
    expect([detLog(1), detLog(0), detLog(Infinity)]).toEqual([0, -Infinity, Infinity]);
    expect(ulpDiff(detLog(2), Math.LN2)).toBeLessThanOrEqual(1);
    expect(Number.isNaN(detLog(-1))).toBe(true);
    expect(detLog(5e-324)).toBeCloseTo(-744.4400719213812, 10);
    expect(detExp(-744)).toBeGreaterThan(0);
    for (let x = 1e-300; x < 1e300; x *= 1.7e7) expect(detExp(detLog(x)) / x).toBeCloseTo(1, 12);
  });
});

describe('engine-independence goldens (the browser test asserts the same digests)', () => {
  it('seeded Gaussian codes and detExp/detLog values hash to the golden digests', async () => {
    const { randomFloatCodes } = await import('./codes.js');
    const { sha256Hex } = await import('../sha256.js');
    const g = randomFloatCodes(500, 16, 3).data;
    const xs = new Float64Array(4000).map((_, i) => detExp((i - 2000) / 7.3) + detLog(i + 0.5));
    expect(await sha256Hex(new Uint8Array(g.buffer))).toBe(GAUSS_GOLDEN);
    expect(await sha256Hex(new Uint8Array(xs.buffer))).toBe(DETMATH_GOLDEN);
  });
});
const GAUSS_GOLDEN = 'd116968d0c03830a1b2d1bcabede6d6878322d6e69588af4992d43d2c9c14863';
const DETMATH_GOLDEN = '105b7feb25dc9dc803d94bc816633ee434523b62ebd15025f533c57ce0bd07e6';
