// The stateless, counter-based batch sampler of SPECS.md: which rows a micro-batch reads is a pure function of
// (seed, batchIndex, row), so a checkpoint only needs the next optimizer step and the Python twin reproduces every
// batch bit for bit. Also the derived seeds for evaluation batches and dropout.
import type { MicroBatch } from '../train/engine.js';

/** A 32-bit integer mixer (lowbias32): uint32 in, uint32 out. */
export function hash32(x: number): number {
  x >>>= 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Per-batch key: every row offset of a batch derives from it. */
function batchKey(seed: number, batchIndex: number): number {
  return hash32(hash32((seed >>> 0) ^ 0x9e3779b9) ^ (batchIndex >>> 0));
}

function offsetFromKey(k: number, row: number, n: number, T: number): number {
  const a = hash32(k ^ (2 * row));
  const b = hash32(k ^ (2 * row + 1));
  const u = (a * 2097152 + (b >>> 11)) / 9007199254740992;
  return Math.floor(u * (n - T));
}

/** Start of row `row` of batch `batchIndex` in a split of `n` tokens with block size `T` (0 <= result < n - T). */
export function rowOffset(seed: number, batchIndex: number, row: number, n: number, T: number): number {
  checkSplitLength(n, T, 'split');
  return offsetFromKey(batchKey(seed, batchIndex), row, n, T);
}

export interface SampleOptions {
  seed: number;
  batchIndex: number;
  batchSize: number;
  blockSize: number;
  /** Name of the split in error messages (default 'split'). */
  splitName?: string;
}

/**
 * One micro-batch [batchSize, blockSize] from a packed token stream: row r reads `split[o .. o+T)` with
 * o = rowOffset(seed, batchIndex, r, n, T); its targets are the next tokens, -1 where `mask` is 0.
 */
export function sampleBatch(split: ArrayLike<number>, mask: ArrayLike<number> | undefined, opts: SampleOptions): MicroBatch {
  const { seed, batchIndex, batchSize: B, blockSize: T } = opts;
  const name = opts.splitName ?? 'split';
  if (!Number.isInteger(B) || B < 1) throw new RangeError(`sampleBatch: batchSize must be a positive integer, got ${B}`);
  if (!Number.isInteger(T) || T < 1) throw new RangeError(`sampleBatch: blockSize must be a positive integer, got ${T}`);
  if (!Number.isInteger(batchIndex) || batchIndex < 0) throw new RangeError(`sampleBatch: batchIndex must be a non-negative integer, got ${batchIndex}`);
  if (!Number.isInteger(seed)) throw new RangeError(`sampleBatch: seed must be an integer, got ${seed}`);
  const n = split.length;
  checkSplitLength(n, T, name);
  if (mask && mask.length !== n) throw new RangeError(`sampleBatch: ${name} mask has ${mask.length} entries for ${n} tokens`);
  const ids = new Int32Array(B * T);
  const targets = new Int32Array(B * T);
  const k = batchKey(seed, batchIndex);
  for (let r = 0; r < B; r++) {
    const o = offsetFromKey(k, r, n, T);
    const base = r * T;
    for (let t = 0; t < T; t++) {
      ids[base + t] = split[o + t];
      targets[base + t] = mask && mask[o + t + 1] === 0 ? -1 : split[o + t + 1];
    }
  }
  return { ids, targets, B, T };
}

function checkSplitLength(n: number, T: number, name: string): void {
  if (n < T + 1) throw new RangeError(`${name} has ${n} tokens; one block of ${T} needs at least ${T + 1}`);
}

/** batchIndex of micro-batch `k` of optimizer step `step` (0-based) with `gradAccumSteps` micro-batches per step. */
export function trainBatchIndex(step: number, k: number, gradAccumSteps: number): number {
  return step * gradAccumSteps + k;
}

/** Seed of the fixed evaluation batches of a run with seed `seed`. */
export function evalSeed(seed: number): number {
  return ((seed >>> 0) ^ 0x5bd1e995) >>> 0;
}

/** The fixed validation batches every evaluation uses: batchIndex 0..count-1 of the val split with evalSeed(seed). */
export function evalBatches(
  val: ArrayLike<number>, valMask: ArrayLike<number> | undefined,
  opts: { seed: number; count: number; batchSize: number; blockSize: number },
): MicroBatch[] {
  if (!Number.isInteger(opts.count) || opts.count < 0) throw new RangeError(`evalBatches: count must be a non-negative integer, got ${opts.count}`);
  const out: MicroBatch[] = [];
  for (let i = 0; i < opts.count; i++) {
    out.push(sampleBatch(val, valMask, { seed: evalSeed(opts.seed), batchIndex: i, batchSize: opts.batchSize, blockSize: opts.blockSize, splitName: 'val split' }));
  }
  return out;
}

/** Dropout seed of micro-batch `k` of optimizer step `step`. */
export function dropoutSeed(seed: number, step: number, k: number, gradAccumSteps: number): number {
  return hash32(hash32((seed >>> 0) ^ 0x27d4eb2f) ^ (trainBatchIndex(step, k, gradAccumSteps) >>> 0));
}
