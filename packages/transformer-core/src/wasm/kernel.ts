// Loads the hand-written wasm SIMD kernels (gemv.wat, softmax-rows.wat, gelu.wat, layer-norm.wat) into a given WebAssembly.Memory, so that
// they compute directly on tensors held in tfjs-backend-wasm's heap. One instance per memory, made on first use;
// null where the engine lacks wasm SIMD (callers then use plain tfjs ops).
import { gemvWasmBase64 } from './gemv.wasm.js';
import { softmaxRowsWasmBase64 } from './softmax-rows.wasm.js';
import { geluWasmBase64 } from './gelu.wasm.js';
import { layerNormWasmBase64 } from './layer-norm.wasm.js';

/** y[j] (+)= sum_{r<d} x[r] * w[r*ldw + j], j < n; pointers are byte offsets, acc != 0 adds into y. */
export type Gemv = (x: number, w: number, ldw: number, y: number, d: number, n: number, acc: number) => void;

export interface SoftmaxRows {
  /** Per row of x [rows, n]: out[2r] = max, out[2r+1] = sum exp(x - max); y (unless 0) gets exp(x - max). */
  max_expsum(x: number, y: number, rows: number, n: number, out: number): void;
  /** y[r, :] *= f[r]. */
  scale_rows(y: number, rows: number, n: number, f: number): void;
  /** m[r] = max(m[r], max of row r of x [rows, n]): one column block of wider rows. */
  row_max(x: number, rows: number, n: number, m: number): void;
  /** s[r] += sum exp(x[r, :] - m[r]); y (unless 0; may be x) gets the exps. */
  row_expsum(x: number, y: number, rows: number, n: number, m: number, s: number): void;
}

export interface GeluKernels {
  /** y = gelu_tanh(x) over n floats. */
  gelu(x: number, y: number, n: number): void;
  /** dx = dy * gelu_tanh'(x) over n floats. */
  gelu_grad(x: number, dy: number, dx: number, n: number): void;
}

export interface LayerNormKernel {
  /** Every row of d floats of x into y (may be x): layer-norm.ts's layerNormRow, bit for bit. */
  layer_norm(x: number, y: number, rows: number, d: number, eps: number): void;
}

interface Loader<T> {
  base64: string;
  compiled?: WebAssembly.Module | null;
  instances: WeakMap<WebAssembly.Memory, T>;
  pick(exports: WebAssembly.Exports): T;
}

const gemvLoader: Loader<Gemv> = { base64: gemvWasmBase64, instances: new WeakMap(), pick: (e) => e.gemv as Gemv };
const softmaxLoader: Loader<SoftmaxRows> = { base64: softmaxRowsWasmBase64, instances: new WeakMap(), pick: (e) => e as unknown as SoftmaxRows };

const geluLoader: Loader<GeluKernels> = { base64: geluWasmBase64, instances: new WeakMap(), pick: (e) => e as unknown as GeluKernels };

const layerNormLoader: Loader<LayerNormKernel> = { base64: layerNormWasmBase64, instances: new WeakMap(), pick: (e) => e as unknown as LayerNormKernel };

function bytesOf(base64: string): Uint8Array {
  const s = atob(base64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function load<T>(l: Loader<T>, memory: WebAssembly.Memory): T | null {
  const have = l.instances.get(memory);
  if (have) return have;
  if (l.compiled === undefined) {
    try {
      l.compiled = new WebAssembly.Module(bytesOf(l.base64) as BufferSource);
    } catch {
      l.compiled = null; // no SIMD (or no bulk memory) in this engine
    }
  }
  if (!l.compiled) return null;
  const k = l.pick(new WebAssembly.Instance(l.compiled, { env: { memory } }).exports);
  l.instances.set(memory, k);
  return k;
}

/** The gemv kernel bound to `memory`, or null where this engine lacks wasm SIMD. */
export function gemvKernel(memory: WebAssembly.Memory): Gemv | null {
  return load(gemvLoader, memory);
}

/** The row-softmax kernels bound to `memory`, or null where this engine lacks wasm SIMD. */
export function softmaxRowsKernel(memory: WebAssembly.Memory): SoftmaxRows | null {
  return load(softmaxLoader, memory);
}

/** The GELU kernels bound to `memory`, or null where this engine lacks wasm SIMD. */
export function geluKernel(memory: WebAssembly.Memory): GeluKernels | null {
  return load(geluLoader, memory);
}

/** The LayerNorm kernel bound to `memory`, or null where this engine lacks wasm SIMD. */
export function layerNormKernel(memory: WebAssembly.Memory): LayerNormKernel | null {
  return load(layerNormLoader, memory);
}
