// Data-parallel work split: each micro-batch's rows cut into contiguous blocks, one per computing thread, with each
// block's share of the step's token-weighted mean loss (its non-ignored targets over the step's total).
import type { MicroBatch } from '../train/engine.js';

/** One thread's piece of one micro-batch. */
export interface Block {
  ids: Int32Array;
  targets: Int32Array;
  B: number;
  T: number;
  /** First row of the block in its micro-batch. */
  rowStart: number;
  /** Non-ignored targets in the block. */
  valid: number;
  /** valid / (non-ignored targets of the whole step): the factor on the block's mean loss. */
  weight: number;
  /** Dropout seed of the block (0 when dropout is off). */
  seed: number;
}

/** Rows [start, end) of thread t when B rows are cut into `threads` contiguous blocks (the first B % threads get one more). */
export function rowRange(B: number, threads: number, t: number): [number, number] {
  const base = Math.floor(B / threads);
  const extra = B % threads;
  const start = t * base + Math.min(t, extra);
  return [start, start + base + (t < extra ? 1 : 0)];
}

/** Number of targets >= 0. */
export function countValid(targets: Int32Array): number {
  let n = 0;
  for (let i = 0; i < targets.length; i++) if (targets[i] >= 0) n++;
  return n;
}

/** Dropout seed of the block starting at `rowStart` of a micro-batch whose seed is `seed` (the whole batch's at row 0). */
export function blockSeed(seed: number, rowStart: number): number {
  return (seed + Math.imul(rowStart, 0x9e3779b1)) >>> 0;
}

/** Checks a micro-batch's shape and arrays, naming the field at fault. */
export function checkMicroBatch(m: MicroBatch, where: string): void {
  if (!m || typeof m !== 'object') throw new TypeError(`${where}: expected { ids, targets, B, T }`);
  if (!Number.isInteger(m.B) || m.B < 1) throw new RangeError(`${where}.B must be a positive integer, got ${m.B}`);
  if (!Number.isInteger(m.T) || m.T < 1) throw new RangeError(`${where}.T must be a positive integer, got ${m.T}`);
  if (!(m.ids instanceof Int32Array)) throw new TypeError(`${where}.ids must be an Int32Array`);
  if (!(m.targets instanceof Int32Array)) throw new TypeError(`${where}.targets must be an Int32Array`);
  if (m.ids.length !== m.B * m.T) throw new RangeError(`${where}.ids has ${m.ids.length} ids, expected B*T = ${m.B * m.T}`);
  if (m.targets.length !== m.B * m.T) throw new RangeError(`${where}.targets has ${m.targets.length} ids, expected B*T = ${m.B * m.T}`);
}

/**
 * Cuts every micro-batch into `threads` row blocks; returns each thread's blocks (blocks with no rows or no
 * non-ignored target are left out: they add nothing to the loss or the gradients) and the step's target count.
 */
export function splitStep(micro: MicroBatch[], threads: number, seeds?: number[]): { perThread: Block[][]; total: number } {
  let total = 0;
  for (const m of micro) total += countValid(m.targets);
  const perThread: Block[][] = Array.from({ length: threads }, () => []);
  micro.forEach((m, k) => {
    for (let t = 0; t < threads; t++) {
      const [r0, r1] = rowRange(m.B, threads, t);
      if (r1 === r0) continue;
      const targets = m.targets.slice(r0 * m.T, r1 * m.T);
      const valid = countValid(targets);
      if (valid === 0) continue;
      perThread[t].push({
        ids: m.ids.slice(r0 * m.T, r1 * m.T), targets, B: r1 - r0, T: m.T, rowStart: r0, valid,
        weight: total > 0 ? valid / total : 0, seed: seeds ? blockSeed(seeds[k] ?? 0, r0) : 0,
      });
    }
  });
  return { perThread, total };
}
