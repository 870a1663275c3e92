// The gradient reduce over shared memory: each computing thread wrote its token-weighted gradients into its own
// slot of one SharedArrayBuffer; a range of the flat parameter vector is summed into slot 0, with its squared norm
// and the first non-finite entry. Threads reduce disjoint ranges at the same time.
import type { SharedKernels } from './parallel-kernels.js';

/** Flat layout of the trainable variables in a slot: variable i occupies [offsets[i], offsets[i] + sizes[i]). */
export interface ParamLayout {
  names: string[];
  shapes: number[][];
  offsets: number[];
  sizes: number[];
  total: number;
}

export function makeLayout(names: string[], shapes: number[][]): ParamLayout {
  const offsets: number[] = [];
  const sizes: number[] = [];
  let total = 0;
  for (const s of shapes) {
    const n = s.reduce((a, b) => a * b, 1);
    offsets.push(total);
    sizes.push(n);
    total += n;
  }
  return { names: [...names], shapes: shapes.map((s) => [...s]), offsets, sizes, total };
}

/** Index of the variable holding flat entry `i`. */
export function variableAt(layout: ParamLayout, i: number): number {
  let lo = 0;
  let hi = layout.offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (layout.offsets[mid] <= i) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export interface ReduceResult {
  /** Sum of squares of the reduced entries (float64). */
  sumSq: number;
  /** First flat index whose reduced value is NaN or infinite, or -1. */
  firstBad: number;
}

/**
 * slots[0][i] = sum over slots of slots[s][i] for i in [lo, hi); squared norm and first non-finite entry. With
 * `kernels` (the slots then live in their shared wasm memory) the SIMD kernels do it.
 */
export function reduceRange(slots: Float32Array[], lo: number, hi: number, kernels?: SharedKernels | null): ReduceResult {
  let sumSq: number;
  if (kernels) {
    const at = (s: number) => slots[s].byteOffset + lo * 4;
    const n = hi - lo;
    if (slots.length === 2) sumSq = kernels.add2_sumsq(at(0), at(1), n);
    else {
      for (let s = 1; s < slots.length; s++) kernels.add_into(at(0), at(s), n);
      sumSq = kernels.sumsq(at(0), n);
    }
  } else {
    sumSq = slots.length === 2 ? sum2(slots[0], slots[1], lo, hi) : slots.length === 1 ? norm1(slots[0], lo, hi) : sumN(slots, lo, hi);
  }
  return { sumSq, firstBad: Number.isFinite(sumSq) ? -1 : firstNonFinite(slots[0], lo, hi) };
}

// small functions over typed-array parameters keep V8's loops tight (DEVELOPERS.md)
function sum2(a: Float32Array, b: Float32Array, lo: number, hi: number): number {
  let s = 0;
  for (let i = lo; i < hi; i++) {
    const v = a[i] + b[i];
    a[i] = v;
    const f = Math.fround(v);
    s += f * f;
  }
  return s;
}

function norm1(a: Float32Array, lo: number, hi: number): number {
  let s = 0;
  for (let i = lo; i < hi; i++) s += a[i] * a[i];
  return s;
}

function sumN(slots: Float32Array[], lo: number, hi: number): number {
  const a = slots[0];
  for (let k = 1; k < slots.length; k++) addInto(a, slots[k], lo, hi);
  return norm1(a, lo, hi);
}

function addInto(a: Float32Array, b: Float32Array, lo: number, hi: number): void {
  for (let i = lo; i < hi; i++) a[i] += b[i];
}

function firstNonFinite(a: Float32Array, lo: number, hi: number): number {
  for (let i = lo; i < hi; i++) if (!Number.isFinite(a[i])) return i;
  return hi;
}

/** The shared buffer: `slots` gradient slots, then the parameters and AdamW's two moments (all in layout order). */
export interface SharedViews {
  slots: Float32Array[];
  params: Float32Array;
  expAvg: Float32Array;
  expAvgSq: Float32Array;
}

export function sharedBytes(slots: number, total: number): number {
  return (slots + 3) * total * 4;
}

export function sharedViews(buffer: SharedArrayBuffer, slots: number, total: number): SharedViews {
  const view = (k: number) => new Float32Array(buffer, k * total * 4, total);
  return {
    slots: Array.from({ length: slots }, (_, s) => view(s)),
    params: view(slots),
    expAvg: view(slots + 1),
    expAvgSq: view(slots + 2),
  };
}

/** Splits [0, total) into `parts` contiguous ranges. */
export function splitRange(total: number, parts: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const per = Math.ceil(total / parts);
  for (let p = 0; p < parts; p++) out.push([Math.min(total, p * per), Math.min(total, (p + 1) * per)]);
  return out;
}
