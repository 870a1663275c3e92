// F16/BF16 conversions: exact values, exhaustive round trips, and a brute-force nearest-value reference.
import { describe, expect, it } from 'vitest';
import { bfloat16ToFloat32, float16ToFloat32, float32ToBFloat16, float32ToFloat16 } from './index.js';
import { rng } from '../test/helpers.js';

const f32 = (xs: number[]) => Float32Array.from(xs);
const bitsOf = (x: number) => new Uint32Array(f32([x]).buffer)[0];
const fromBits = (b: number) => new Float32Array(new Uint32Array([b]).buffer)[0];

describe('float16', () => {
  it('converts hand-checked values with round-to-nearest-even', () => {
    const cases: [number, number][] = [
      [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800], [65504, 0x7bff],
      [65519.99, 0x7bff], [65520, 0x7c00], [1e9, 0x7c00], [-1e9, 0xfc00], [Infinity, 0x7c00], [-Infinity, 0xfc00],
      [2 ** -14, 0x0400], [2 ** -24, 0x0001], [2 ** -25, 0x0000], [fromBits(bitsOf(2 ** -25) + 1), 0x0001],
      [1.5 * 2 ** -24, 0x0002], [2.5 * 2 ** -24, 0x0002], [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02],
      [0.1, 0x2e66], [1 / 3, 0x3555], [-(2 ** -26), 0x8000], [(1 - 2 ** -11) * 2 ** -14, 0x0400],
    ];
    const out = float32ToFloat16(f32(cases.map((c) => c[0])));
    expect([...out].map((x) => x.toString(16))).toEqual(cases.map((c) => c[1].toString(16)));
    const nan = float32ToFloat16(f32([NaN, -NaN]));
    expect(nan[0] & 0x7fff).toBe(0x7e00);
    expect(Number.isNaN(float16ToFloat32(nan)[0])).toBe(true);
  });

  it('decodes every one of the 65,536 patterns and re-encodes it to itself', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const back = float32ToFloat16(float16ToFloat32(all));
    const dec = float16ToFloat32(all);
    for (let i = 0; i < 65536; i++) {
      if ((i & 0x7c00) === 0x7c00 && (i & 0x3ff) !== 0) { expect(Number.isNaN(dec[i])).toBe(true); continue; }
      if (back[i] !== i) throw new Error(`pattern ${i.toString(16)} -> ${dec[i]} -> ${back[i].toString(16)}`);
    }
    expect(dec[0x3c00]).toBe(1);
    expect(dec[0x0001]).toBe(2 ** -24);
    expect(dec[0x03ff]).toBe(1023 * 2 ** -24);
    expect(dec[0x7bff]).toBe(65504);
  });

  it('agrees with a brute-force nearest-even reference on 200,000 random float32 bit patterns', () => {
    expectNearestEven(float32ToFloat16, float16ToFloat32, 0x7c00, 65536, 1);
  });
});

describe('bfloat16', () => {
  it('converts hand-checked values with round-to-nearest-even', () => {
    const cases: [number, number][] = [
      [0, 0], [-0, 0x8000], [1, 0x3f80], [-1.5, 0xbfc0], [fromBits(0x3f808000), 0x3f80], [fromBits(0x3f818000), 0x3f82],
      [fromBits(0x3f808001), 0x3f81], [3.4e38, 0x7f80], [fromBits(0x7f7f7fff), 0x7f7f], [Infinity, 0x7f80],
      [-Infinity, 0xff80], [fromBits(0x00008000), 0x0000], [fromBits(0x00018000), 0x0002], [0.1, 0x3dcd],
    ];
    const out = float32ToBFloat16(f32(cases.map((c) => c[0])));
    expect([...out].map((x) => x.toString(16))).toEqual(cases.map((c) => c[1].toString(16)));
    expect([...float32ToBFloat16(f32([NaN, fromBits(0xff800001)]))]).toEqual([0x7fc0, 0x7fc0]);
  });

  it('decodes every pattern exactly (bits << 16) and re-encodes it to itself', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const dec = bfloat16ToFloat32(all);
    const bits = new Uint32Array(dec.buffer);
    const back = float32ToBFloat16(dec);
    for (let i = 0; i < 65536; i++) {
      if (bits[i] !== (i << 16) >>> 0) throw new Error(`pattern ${i.toString(16)} decodes to bits ${bits[i].toString(16)}`);
      const isNan = (i & 0x7f80) === 0x7f80 && (i & 0x7f) !== 0;
      if (!isNan && back[i] !== i) throw new Error(`pattern ${i.toString(16)} -> ${back[i].toString(16)}`);
    }
  });

  it('agrees with a brute-force nearest-even reference on 200,000 random float32 bit patterns', () => {
    expectNearestEven(float32ToBFloat16, bfloat16ToFloat32, 0x7f80, 2 ** 128, 2);
  });
});

/** Positive patterns 0..inf are monotonic in value: binary-search the two neighbours, pick nearest, tie -> even. */
function expectNearestEven(
  enc: (a: Float32Array) => Uint16Array, dec: (u: Uint16Array) => Float32Array, inf: number, infValue: number, seed: number,
): void {
  const table = Float64Array.from(dec(Uint16Array.from({ length: inf + 1 }, (_, i) => i)));
  table[inf] = infValue; // IEEE: round as if the exponent were unbounded
  const r = rng(seed);
  const n = 200_000;
  const bits = Uint32Array.from({ length: n }, () => Math.floor(r() * 2 ** 32));
  const x = new Float32Array(bits.buffer);
  const got = enc(x);
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (Number.isNaN(v)) continue;
    const a = Math.abs(v);
    let lo = 0, hi = inf;
    if (a >= infValue) lo = hi = inf;
    while (hi - lo > 1) { const m = (lo + hi) >> 1; if (table[m] <= a) lo = m; else hi = m; }
    const dl = a - table[lo], dh = table[hi] - a;
    const pick = dl < dh ? lo : dh < dl ? hi : (lo & 1) === 0 ? lo : hi;
    const want = pick | (v < 0 || Object.is(v, -0) ? 0x8000 : 0);
    if (got[i] !== want) throw new Error(`${v} (bits ${bits[i].toString(16)}): got ${got[i].toString(16)}, want ${want.toString(16)}`);
  }
}
