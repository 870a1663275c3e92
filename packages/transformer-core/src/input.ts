// Validation of id batches and scoring requests: every check runs in plain JS before any tensor is made.

/** A batch of token-id rows (all the same length), or a flat array with its [B, T] shape. */
export type IdBatch = ReadonlyArray<ArrayLike<number>> | { data: ArrayLike<number>; shape: readonly [number, number] };

export class InputError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export interface Batch { data: Int32Array; B: number; T: number }

/**
 * Flattens and checks a batch: rectangular, integer ids in [lo, vocabSize), 1 <= T <= blockSize.
 * `allowIgnore` lets negative values through (ignored loss targets).
 */
export function toBatch(ids: IdBatch, vocabSize: number, blockSize: number, what: string, allowIgnore = false): Batch {
  let B: number;
  let T: number;
  let get: (b: number, t: number) => number;
  if (Array.isArray(ids)) {
    const rows = ids as ReadonlyArray<ArrayLike<number>>;
    B = rows.length;
    if (B === 0) throw new InputError(`${what}: empty batch`);
    T = rows[0]?.length ?? 0;
    for (let b = 0; b < B; b++) {
      if (!rows[b] || typeof rows[b].length !== 'number') throw new InputError(`${what}[${b}]: not an array of ids`);
      if (rows[b].length !== T) throw new InputError(`${what}[${b}]: length ${rows[b].length}, expected ${T} (rows must be equal length)`);
    }
    get = (b, t) => rows[b][t];
  } else {
    const o = ids as { data: ArrayLike<number>; shape: readonly [number, number] };
    if (!o || !o.data || !Array.isArray(o.shape) || o.shape.length !== 2) throw new InputError(`${what}: expected rows of ids or { data, shape: [B, T] }`);
    [B, T] = o.shape;
    if (!(B > 0) || !(T >= 0) || o.data.length !== B * T) throw new InputError(`${what}: data length ${o.data.length} does not match shape [${B}, ${T}]`);
    get = (b, t) => o.data[b * T + t];
  }
  if (T === 0) throw new InputError(`${what}: sequences are empty`);
  if (T > blockSize) throw new InputError(`${what}: sequence length ${T} is longer than blockSize ${blockSize}`);
  const data = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const v = get(b, t);
      if (!Number.isInteger(v) || v >= vocabSize || (v < 0 && !allowIgnore)) {
        throw new InputError(`${what}[${b}][${t}]: id ${v} is outside the vocabulary [0, ${vocabSize})`);
      }
      data[b * T + t] = v < 0 ? -1 : v;
    }
  }
  return { data, B, T };
}

/** Checks one id sequence (a prompt, a context or a continuation). */
export function checkIds(ids: ArrayLike<number>, vocabSize: number, what: string): Int32Array {
  if (!ids || typeof ids.length !== 'number') throw new InputError(`${what}: not an array of ids`);
  const out = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const v = ids[i];
    if (!Number.isInteger(v) || v < 0 || v >= vocabSize) {
      throw new InputError(`${what}[${i}]: id ${v} is outside the vocabulary [0, ${vocabSize})`);
    }
    out[i] = v;
  }
  return out;
}
