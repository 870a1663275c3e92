// Access to tfjs-backend-wasm's heap: the WebAssembly.Memory of the active wasm backend and the byte offset of a
// tensor in it, which the hand-written kernels (kernel.ts) compute on in place.
import { tf } from '../tf.js';

interface WasmModule {
  asm?: { memory?: unknown };
  wasmMemory?: unknown;
}

/** The parts of tfjs-backend-wasm's BackendWasm used here. */
export interface WasmBackendLike {
  wasm: WasmModule;
  // tfjs DataStorage: get() of an id it lacks tries to move the data from another backend, so ask has() first
  dataIdMap: { has(id: object): boolean; get(id: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: string): tf.TensorInfo;
  disposeData(id: object): void;
  readSync(id: object): ArrayLike<number>;
}

export interface WasmHeap {
  memory: WebAssembly.Memory;
  backend: WasmBackendLike;
}

/** The backend and heap when `backend` (default: the active one) is a single-threaded tfjs-backend-wasm, else null. */
export function wasmHeap(backend?: unknown): WasmHeap | null {
  if (backend === undefined) {
    if (tf.getBackend() !== 'wasm') return null;
    backend = tf.backend();
  }
  const b = backend as Partial<WasmBackendLike>;
  const mem = b.wasm?.asm?.memory ?? b.wasm?.wasmMemory;
  if (!(mem instanceof WebAssembly.Memory) || !b.dataIdMap) return null;
  // the threaded build shares its memory; the kernels are compiled for an unshared one
  if (typeof SharedArrayBuffer !== 'undefined' && mem.buffer instanceof SharedArrayBuffer) return null;
  return { memory: mem, backend: b as WasmBackendLike };
}
