// The engine's shared memory and its wasm SIMD kernels (parallel-kernels.wat): the buffer is a shared
// WebAssembly.Memory when it fits in one (< 4 GiB), so every thread runs the reduce and AdamW kernels directly on
// it; otherwise a plain SharedArrayBuffer and the JS loops of parallel-reduce.ts / parallel-adamw.ts (same bits).
import { parallelKernelsWasmBase64 } from './parallel-kernels.wasm.js';

export interface SharedKernels {
  /** a += b over n floats (byte offsets); returns the sum of squares of the new a (f64 lanes). */
  add2_sumsq(a: number, b: number, n: number): number;
  /** a += b over n floats. */
  add_into(a: number, b: number, n: number): void;
  /** Sum of squares of n floats. */
  sumsq(a: number, n: number): number;
  /** One AdamW update of p, m, v from g (see the .wat); scalars as float32. */
  adamw(p: number, m: number, v: number, g: number, n: number, decay: number, b1: number, b1c: number, b2: number, b2c: number,
    bc2Sqrt: number, eps: number, stepSize: number, coef: number): void;
}

const PAGE = 65536;
const MAX_PAGES = 65536;

/** A shared buffer of at least `bytes`: in a shared WebAssembly.Memory when possible. */
export function allocateShared(bytes: number): { buffer: SharedArrayBuffer; memory: WebAssembly.Memory | null } {
  const pages = Math.ceil(bytes / PAGE);
  if (pages <= MAX_PAGES && compiled() !== null) {
    try {
      const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
      return { buffer: memory.buffer as unknown as SharedArrayBuffer, memory };
    } catch {
      // no shared wasm memory here: fall through
    }
  }
  return { buffer: new SharedArrayBuffer(bytes), memory: null };
}

let module: WebAssembly.Module | null | undefined;

function compiled(): WebAssembly.Module | null {
  if (module === undefined) {
    try {
      const bin = atob(parallelKernelsWasmBase64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      module = new WebAssembly.Module(bytes);
    } catch {
      module = null; // no wasm SIMD or threads: JS loops
    }
  }
  return module;
}

/** The kernels bound to `memory`, or null without one. */
export function sharedKernels(memory: WebAssembly.Memory | null): SharedKernels | null {
  const m = memory && compiled();
  if (!m) return null;
  return new WebAssembly.Instance(m, { env: { memory } }).exports as unknown as SharedKernels;
}
