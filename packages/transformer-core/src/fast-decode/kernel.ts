// Loads the wasm SIMD gemv kernel (gemv.wat) into a given WebAssembly.Memory, so that it computes directly on
// tensors held in tfjs-backend-wasm's heap. One instance per memory, created on first use.
import { gemvWasmBase64 } from './gemv.wasm.js';

/** y[j] (+)= sum_{r<d} x[r] * w[r*ldw + j], j < n; pointers are byte offsets, acc != 0 adds into y. */
export type Gemv = (x: number, w: number, ldw: number, y: number, d: number, n: number, acc: number) => void;

let compiled: WebAssembly.Module | null | undefined;
const instances = new WeakMap<WebAssembly.Memory, Gemv>();

function bytesOf(base64: string): Uint8Array {
  const s = atob(base64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The kernel bound to `memory`, or null where this engine lacks wasm SIMD (then callers use plain tfjs ops). */
export function gemvKernel(memory: WebAssembly.Memory): Gemv | null {
  const have = instances.get(memory);
  if (have) return have;
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(bytesOf(gemvWasmBase64) as BufferSource);
    } catch {
      compiled = null; // no SIMD (or no bulk memory) in this engine
    }
  }
  if (!compiled) return null;
  const f = new WebAssembly.Instance(compiled, { env: { memory } }).exports.gemv as Gemv;
  instances.set(memory, f);
  return f;
}
