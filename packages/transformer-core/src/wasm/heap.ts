// Every private internal of tfjs-backend-wasm 4.22 this package relies on, in one place (heap.test.ts fails loudly
// when a tfjs upgrade changes one; until then the fast paths stay off rather than guess):
//   backend.wasm.asm.memory (or .wasmMemory)   the heap, a WebAssembly.Memory (unshared in the single-threaded build)
//   backend.dataIdMap.has(id) / .get(id).memoryOffset   where a tensor's bytes sit in the heap (ask has() first:
//                                                get() of a missing id tries to move data from another backend)
//   backend.makeOutput / disposeData / readSync / typedArrayFromHeap   allocating, freeing and reading tensors
//   backend.dataIdNextNumber, backend.wasm.tfjs.registerTensor(id, size, byteOffset) / .disposeData(id)
//                                                registering a heap region as a tensor without copying (xnn-matmul.ts)
//   backend.wasm.cwrap('BatchMatMul', ...)      the backend's own XNNPACK matMul, called on such regions
import { tf } from '../tf.js';

interface WasmModule {
  asm?: { memory?: unknown };
  wasmMemory?: unknown;
  cwrap(name: string, ret: null, args: string[]): (...a: unknown[]) => void;
  tfjs: { registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void };
}

/** The parts of tfjs-backend-wasm's BackendWasm used here. */
export interface WasmBackendLike {
  wasm: WasmModule;
  dataIdMap: { has(id: object): boolean; get(id: object): { memoryOffset: number } };
  dataIdNextNumber: number;
  makeOutput(shape: number[], dtype: string): tf.TensorInfo;
  disposeData(id: object): void;
  readSync(id: object): ArrayLike<number>;
  typedArrayFromHeap(t: tf.TensorInfo): ArrayLike<number>;
}

export interface WasmHeap {
  memory: WebAssembly.Memory;
  backend: WasmBackendLike;
}

/** The internals (listed above) that `backend` lacks; [] for tfjs-backend-wasm 4.22's single-threaded build. */
export function missingWasmInternals(backend: unknown): string[] {
  const b = (backend ?? {}) as Partial<WasmBackendLike> & Record<string, unknown>;
  const w = (b.wasm ?? {}) as Partial<WasmModule>;
  const missing: string[] = [];
  const mem = w.asm?.memory ?? w.wasmMemory;
  if (!(mem instanceof WebAssembly.Memory)) missing.push('wasm.asm.memory (a WebAssembly.Memory)');
  else if (typeof SharedArrayBuffer !== 'undefined' && mem.buffer instanceof SharedArrayBuffer) missing.push('an unshared heap (this is the threaded build)');
  if (typeof b.dataIdMap?.has !== 'function' || typeof b.dataIdMap?.get !== 'function') missing.push('dataIdMap.has/get');
  if (typeof b.dataIdNextNumber !== 'number') missing.push('dataIdNextNumber');
  for (const m of ['makeOutput', 'disposeData', 'readSync', 'typedArrayFromHeap'] as const) if (typeof b[m] !== 'function') missing.push(m);
  if (typeof w.cwrap !== 'function') missing.push('wasm.cwrap');
  if (typeof w.tfjs?.registerTensor !== 'function' || typeof w.tfjs?.disposeData !== 'function') missing.push('wasm.tfjs.registerTensor/disposeData');
  return missing;
}

/** The backend and heap when `backend` (default: the active one) is tfjs-backend-wasm 4.22 single-threaded, else null. */
export function wasmHeap(backend?: unknown): WasmHeap | null {
  if (backend === undefined) {
    if (tf.getBackend() !== 'wasm') return null;
    backend = tf.backend();
  }
  if (missingWasmInternals(backend).length > 0) return null;
  const b = backend as WasmBackendLike;
  return { memory: (b.wasm.asm?.memory ?? b.wasm.wasmMemory) as WebAssembly.Memory, backend: b };
}

/** Bytes per float32: the wasm kernels take byte offsets, JS loops over a Float32Array view take float indices. */
export const FLOAT_BYTES = 4;

/** Byte offset of float index `i` of the heap. */
export function byteOf(i: number): number {
  return i * FLOAT_BYTES;
}

/** Byte offset in the heap of tensor `t`'s data. */
export function heapOffset(heap: WasmHeap, t: tf.TensorInfo): number {
  return heap.backend.dataIdMap.get(t.dataId).memoryOffset;
}
