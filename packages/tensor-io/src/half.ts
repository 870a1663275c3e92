// IEEE half (F16) and bfloat16 (BF16) <-> float32 conversions, bit-exact with PyTorch:
// round-to-nearest-even, overflow to +-Inf, subnormals kept, NaN -> a quiet NaN (F16 keeps the sign like
// torch: 0x7E00|sign; BF16 gives 0x7FC0 like torch's c10::BFloat16).

/** float32 -> IEEE binary16 bit patterns, round-to-nearest-even. */
export function float32ToFloat16(a: Float32Array): Uint16Array {
  const bits = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const out = new Uint16Array(a.length);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i];
    const f = b & 0x7fffffff;
    if (f >= 0x38800000 && f < 0x47800000) {
      // normal half range: rebias (-112 << 23), add 0xfff + the kept lsb (ties to even), drop 13 bits; a
      // carry into the exponent (or into 0x7c00 = Inf at >= 65520) is the correct rounding
      out[i] = ((b >>> 16) & 0x8000) | ((f - 0x37fff001 + ((f >>> 13) & 1)) >>> 13);
    } else {
      out[i] = f32BitsToF16(b);
    }
  }
  return out;
}

/** One float32 bit pattern -> binary16 bits. */
export function f32BitsToF16(b: number): number {
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;
  if (exp === 0xff) return sign | (mant !== 0 ? 0x7e00 : 0x7c00);
  const e = exp - 112; // rebias 127 -> 15
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // below 2^-25: rounds to (signed) zero
    const m = mant | 0x800000;
    const shift = 14 - e; // 14..24
    let h = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && (h & 1) !== 0)) h++;
    return sign | h; // a carry to 0x400 is the smallest normal: correct
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1) !== 0)) h++; // a carry into 0x7c00 is Inf: correct
  return sign | h;
}

/** binary16 bit patterns -> float32 (exact). */
export function float16ToFloat32(u: Uint16Array): Float32Array {
  const out = new Float32Array(u.length);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < u.length; i++) bits[i] = f16BitsToF32Bits(u[i]);
  return out;
}

/** One binary16 bit pattern -> float32 bits. */
export function f16BitsToF32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  let mant = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0;
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
  if (mant === 0) return sign >>> 0;
  // subnormal: normalise
  let e = 113;
  while ((mant & 0x400) === 0) { mant <<= 1; e--; }
  return (sign | (e << 23) | ((mant & 0x3ff) << 13)) >>> 0;
}

/** float32 -> bfloat16 bit patterns, round-to-nearest-even (NaN -> 0x7FC0, as torch). */
export function float32ToBFloat16(a: Float32Array): Uint16Array {
  const bits = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const out = new Uint16Array(a.length);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i];
    if ((b & 0x7fffffff) > 0x7f800000) { out[i] = 0x7fc0; continue; }
    out[i] = (b + 0x7fff + ((b >>> 16) & 1)) >>> 16; // the sum is < 2^32 for every non-NaN b, so >>> is exact
  }
  return out;
}

/** bfloat16 bit patterns -> float32 (exact). */
export function bfloat16ToFloat32(u: Uint16Array): Float32Array {
  const out = new Float32Array(u.length);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < u.length; i++) bits[i] = u[i] << 16;
  return out;
}
