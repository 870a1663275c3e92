// Test helpers: a seeded PRNG and random tensors of every dtype.
import { type DType, DTYPES, type TensorInput, itemSize } from '../src/index.js';

/** mulberry32: small, fast, seeded. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randInt(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

/** Random raw bytes for `n` elements of `dtype` (BOOL: 0/1; floats: random finite values). */
export function randomData(r: () => number, dtype: DType, n: number): ArrayBufferView {
  switch (dtype) {
    case 'F64': return Float64Array.from({ length: n }, () => (r() - 0.5) * 10 ** randInt(r, -8, 8));
    case 'F32': return Float32Array.from({ length: n }, () => (r() - 0.5) * 10 ** randInt(r, -8, 8));
    case 'F16': case 'BF16': return Float32Array.from({ length: n }, () => (r() - 0.5) * 10 ** randInt(r, -3, 3));
    case 'I64': return BigInt64Array.from({ length: n }, () => BigInt(Math.floor((r() - 0.5) * 2 ** 52)) * 1000n);
    case 'BOOL': return Uint8Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0));
    default: {
      const b = new Uint8Array(n * itemSize(dtype));
      for (let i = 0; i < b.length; i++) b[i] = Math.floor(r() * 256);
      return b;
    }
  }
}

export function randomTensor(r: () => number, dtype = DTYPES[randInt(r, 0, DTYPES.length - 1)]): TensorInput {
  const nd = randInt(r, 0, 4);
  const shape = Array.from({ length: nd }, () => (r() < 0.1 ? 0 : randInt(r, 1, 7)));
  const n = shape.reduce((a, b) => a * b, 1);
  return { dtype, shape, data: randomData(r, dtype, n) };
}

const NAME_PARTS = ['blocks', '0', 'attn', 'qkv', 'weight', 'lm_head', 'é', '名前', 'x y', '"q"', '\\'];
export function randomName(r: () => number, i: number): string {
  const k = randInt(r, 1, 4);
  return Array.from({ length: k }, () => NAME_PARTS[randInt(r, 0, NAME_PARTS.length - 1)]).join('.') + `#${i}`;
}

export function randomSet(r: () => number, count = randInt(r, 0, 12)): Record<string, TensorInput> {
  const out: Record<string, TensorInput> = {};
  for (let i = 0; i < count; i++) out[randomName(r, i)] = randomTensor(r);
  return out;
}
