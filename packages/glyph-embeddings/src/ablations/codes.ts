// Ablation codes from the paper's follow-up collection (frozen, non-glyph embeddings):
//   random-binary: collision-free random n-bit codes; id-bits: the token id written in n bits;
//   random-float: seeded Gaussian codes (PCA + L2 is applied by the recipe, see recipes.ts).
// All values are written row-major into a Float32Array, row i = token id i.
import { seededRng } from './rng.js';

/** How a bit is written as a float: `'01'` -> 0 / 1 (default), `'pm1'` -> -1 / +1. */
export type BitEncoding = '01' | 'pm1';

export interface CodeMatrix {
  rows: number;
  dim: number;
  data: Float32Array;
}

function checkShape(fn: string, rows: number, bits: number): void {
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`${fn}: rows must be a positive integer, got ${rows}`);
  if (!Number.isInteger(bits) || bits < 1 || bits > 4096) throw new RangeError(`${fn}: bits must be an integer in 1..4096, got ${bits}`);
}

function writeBits(out: Float32Array, offset: number, bits: Uint8Array, enc: BitEncoding): void {
  const lo = enc === 'pm1' ? -1 : 0;
  for (let j = 0; j < bits.length; j++) out[offset + j] = bits[j] ? 1 : lo;
}

/**
 * The token id as bits: column j = bit (bits-1-j) of the id (MSB first), so with 16 bits id 1 is
 * `[0,…,0,1]` and id 0x8000 is `[1,0,…,0]`. Requires rows <= 2^bits (codes are then unique by construction).
 */
export function idBitsCodes(rows: number, bits = 16, encoding: BitEncoding = '01'): CodeMatrix {
  checkShape('idBitsCodes', rows, bits);
  if (bits < 53 && rows > 2 ** bits) throw new RangeError(`idBitsCodes: ${rows} rows do not fit in ${bits} bits (max ${2 ** bits})`);
  const data = new Float32Array(rows * bits);
  const b = new Uint8Array(bits);
  for (let id = 0; id < rows; id++) {
    let v = id;
    for (let j = bits - 1; j >= 0; j--) { b[j] = v % 2; v = Math.floor(v / 2); }
    writeBits(data, id * bits, b, encoding);
  }
  return { rows, dim: bits, data };
}

/**
 * Collision-free random n-bit codes, seeded. For bits <= 24 the codes are the first `rows` entries of a
 * seeded Fisher-Yates shuffle of 0..2^bits-1 (so rows = 2^bits is a random permutation of all codes);
 * for wider codes every bit is drawn from the generator and a duplicate row is redrawn (checked with a hash set).
 * Bit order (bits <= 24): column j = bit (bits-1-j) of the drawn code, as in idBitsCodes; wider codes are
 * independent random bits per column.
 */
export function randomBinaryCodes(rows: number, bits: number, seed: number, encoding: BitEncoding = '01'): CodeMatrix {
  checkShape('randomBinaryCodes', rows, bits);
  if (bits < 53 && rows > 2 ** bits) throw new RangeError(`randomBinaryCodes: ${rows} rows cannot be collision-free in ${bits} bits (max ${2 ** bits})`);
  const rng = seededRng(seed);
  const data = new Float32Array(rows * bits);
  const b = new Uint8Array(bits);
  if (bits <= 24) {
    const n = 2 ** bits;
    const perm = new Uint32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
    for (let i = 0; i < rows; i++) {
      const j = i + rng.below(n - i);
      const t = perm[i]; perm[i] = perm[j]; perm[j] = t;
      let v = perm[i];
      for (let k = bits - 1; k >= 0; k--) { b[k] = v & 1; v >>>= 1; }
      writeBits(data, i * bits, b, encoding);
    }
    return { rows, dim: bits, data };
  }
  const seen = new Set<string>();
  const words = Math.ceil(bits / 32);
  const w = new Uint32Array(words);
  for (let i = 0; i < rows; i++) {
    let key: string;
    for (;;) {
      for (let k = 0; k < words; k++) w[k] = rng.u32();
      const rem = bits % 32;
      if (rem) w[words - 1] &= (2 ** rem - 1);
      key = Array.from(w, (x) => x.toString(36)).join(',');
      if (!seen.has(key)) break;
    }
    seen.add(key);
    for (let k = 0; k < bits; k++) b[k] = (w[k >>> 5] >>> (k & 31)) & 1;
    writeBits(data, i * bits, b, encoding);
  }
  return { rows, dim: bits, data };
}

/** Seeded standard-normal codes (rows x dim), the input of the random-float recipe before PCA and L2. */
export function randomFloatCodes(rows: number, dim: number, seed: number): CodeMatrix {
  checkShape('randomFloatCodes', rows, dim);
  const rng = seededRng(seed);
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return { rows, dim, data };
}
