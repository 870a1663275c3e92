// Where the fast path is chosen: one switch and one registry. The plain path (ops.ts, head.ts, decode.ts: tfjs ops
// only) is the reference and runs on every backend; a backend's fast paths (custom kernels of fast-kernels.ts and a
// fused batch-1 decoder) are registered from one explicit list (wasm: wasm/register.ts, loaded by index.ts), and
// the model code only asks here "does the active backend have a fast X that can run now?".
// setFastPaths(false) turns every fast path off at once: tests compare the two paths through it.
import { tf } from './tf.js';
import type { ModelWeights } from './model-weights.js';
import type { KVPart } from './kv-cache.js';

/** A batch-1 decoder that replaces decode.ts's tfjs steps (wasm: wasm/wasm-decoder.ts). */
export interface FastDecoder {
  /** Loads a batch-1 prefill cache (infer.ts layout). */
  prefill(part: KVPart): void;
  /** Logits [vocab] of residual row `row` of x [rows, d] (the prefill's output). */
  logitsOfRow(x: tf.Tensor, row: number): Float32Array;
  /** The final-normed hidden vector [d] of row `row` of x (for a head computed elsewhere). */
  normedOfRow(x: tf.Tensor, row: number): Float32Array;
  /** Appends `token` at the next position and returns the next token's logits [vocab]. */
  step(token: number): Float32Array;
  /** Appends `token` and returns the final-normed hidden vector [d]. */
  stepNormed(token: number): Float32Array;
  dispose(): void;
}

/** One backend's fast paths. */
export interface FastPathSet {
  /** The tfjs backend name the kernels are registered for. */
  backend: string;
  /** Names (fast-kernels.ts) of the kernels registered for `backend`. */
  kernels: readonly string[];
  /** Whether the active backend instance can run them (e.g. wasm: SIMD, the single-threaded heap, its internals). */
  usable(): boolean;
  /** A decoder for `model` on the active backend, or null where it does not apply. */
  decoder?(model: ModelWeights): FastDecoder | null;
}

const sets = new Map<string, FastPathSet>();
let enabled = true;

/** Registers a backend's fast paths (replacing any earlier set for that backend). */
export function registerFastPaths(set: FastPathSet): void {
  sets.set(set.backend, set);
}

/** Turns every fast path on (default) or off; off, every backend runs the plain tfjs path. */
export function setFastPaths(on: boolean): void {
  enabled = on;
}

/** Whether fast paths are on (setFastPaths). */
export function fastPathsEnabled(): boolean {
  return enabled;
}

/** Runs `f` with fast paths on or off and restores the previous setting (tests compare the two paths this way). */
export async function withFastPaths<T>(on: boolean, f: () => T | Promise<T>): Promise<T> {
  const before = enabled;
  enabled = on;
  try {
    return await f();
  } finally {
    enabled = before;
  }
}

const withheld = new Set<string>();

/**
 * Runs `f` with the named kernels (fast-kernels.ts) withheld, every other fast path as it is, and restores them (tests
 * compare one kernel with the path it replaces this way).
 */
export async function withoutFastKernels<T>(names: readonly string[], f: () => T | Promise<T>): Promise<T> {
  const added = names.filter((n) => !withheld.has(n));
  added.forEach((n) => withheld.add(n));
  try {
    return await f();
  } finally {
    added.forEach((n) => withheld.delete(n));
  }
}

function activeSet(): FastPathSet | null {
  if (!enabled) return null;
  const set = sets.get(tf.getBackend());
  return set && set.usable() ? set : null;
}

/** Whether kernel `name` (fast-kernels.ts) runs on the active backend now. */
export function hasFastKernel(name: string): boolean {
  return !withheld.has(name) && !!activeSet()?.kernels.includes(name);
}

/** The active backend's fast decoder for `model`, or null (then decode.ts runs). */
export function fastDecoder(model: ModelWeights): FastDecoder | null {
  return activeSet()?.decoder?.(model) ?? null;
}
