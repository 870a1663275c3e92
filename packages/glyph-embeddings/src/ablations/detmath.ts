// Platform-independent exp and log built only from + - * / and Math.round (all correctly rounded or exact in
// IEEE-754 double), so they return the same bits in every JS engine. V8's Math.exp/log/sin/cos differ between
// Node 20 and current Chromium (measured: every transcendental Math function hashed differently over 20,000
// inputs), which would make seeded Gaussian codes and t-SNE layouts platform-dependent.
// Accuracy: within ~1 ulp of the true value (checked against Math.exp/Math.log in the tests).

const LN2_HI = 6.93147180369123816490e-1; // fdlibm split of ln 2: LN2_HI has 11 trailing zero bits
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700;
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE ? 1 : 0, LO = LITTLE ? 0 : 1;

/** 2^k for integer k in -1074..1023, exactly. */
function pow2(k: number): number {
  if (k > 1023) return Infinity;
  if (k < -1022) return pow2(k + 600) * pow2(-600);
  u32[HI] = (k + 1023) << 20; u32[LO] = 0;
  return f64[0];
}

/** e^x, engine-independent. */
export function detExp(x: number): number {
  if (x !== x) return NaN;
  if (x > 709.782712893384) return Infinity;
  if (x < -745.1332191019412) return 0;
  const k = Math.round(x * INV_LN2);
  const r = (x - k * LN2_HI) - k * LN2_LO; // |r| <= ~0.347
  // Taylor series to r^18/18! (< 1e-24 relative), Horner form
  let p = 1 / 6402373705728000; // 1/18!
  const inv = [355687428096000, 20922789888000, 1307674368000, 87178291200, 6227020800, 479001600, 39916800, 3628800, 362880, 40320, 5040, 720, 120, 24, 6, 2, 1, 1];
  for (const d of inv) p = p * r + 1 / d;
  return p * pow2(k);
}

/** Natural logarithm, engine-independent (NaN for x < 0, -Infinity for 0). */
export function detLog(x: number): number {
  if (x !== x || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  let e = 0;
  if (x < 2.2250738585072014e-308) { x *= 18014398509481984; e = -54; } // subnormal: scale by 2^54
  f64[0] = x;
  const hi = u32[HI];
  e += ((hi >>> 20) & 0x7ff) - 1023;
  u32[HI] = (hi & 0x000fffff) | 0x3ff00000; // mantissa in [1, 2)
  let m = f64[0];
  if (m > 1.4142135623730951) { m /= 2; e += 1; }
  const z = (m - 1) / (m + 1); // |z| <= 0.1716
  const z2 = z * z;
  let s = 2 / 31;
  for (let n = 29; n >= 1; n -= 2) s = s * z2 + 2 / n;
  return e * LN2_HI + (e * LN2_LO + z * s);
}
