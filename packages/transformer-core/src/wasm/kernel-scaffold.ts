// The frame every heap kernel (gelu.ts, attention.ts, head-xent.ts) runs in: the wasm heap of the backend that
// called it, outputs (returned, freed if the body throws) and temporaries (always freed), heap regions for XNNPACK
// products (always released), byte offsets of tensors, and a Float32Array view of the heap that is re-made when the
// heap has grown (allocations and XNNPACK's packing can grow it, which detaches the old buffer).
import type { tf } from '../tf.js';
import { heapOffset, wasmHeap, type WasmHeap } from './heap.js';
import { HeapMatMul } from './xnn-matmul.js';

export interface HeapKernel {
  heap: WasmHeap;
  /** XNNPACK products on heap regions (made on first use). */
  readonly mm: HeapMatMul;
  /** An output of the kernel (float32 unless said), returned in the order made. */
  output(shape: number[], dtype?: 'float32' | 'int32'): tf.TensorInfo;
  /** A float32 temporary, freed when the kernel ends. */
  temp(shape: number[]): tf.TensorInfo;
  /** Byte offset of a tensor's data in the heap. */
  at(t: tf.TensorInfo): number;
  /** The heap as floats (the current view; call again after anything that may allocate). */
  f32(): Float32Array;
}

/** Runs `body` as a heap kernel of `backend` (a tfjs-backend-wasm the fast paths accepted) and returns its outputs. */
export function runHeapKernel(backend: unknown, body: (k: HeapKernel) => void): tf.TensorInfo[] {
  const heap = wasmHeap(backend)!;
  const b = heap.backend;
  const outputs: tf.TensorInfo[] = [];
  const temps: tf.TensorInfo[] = [];
  let mm: HeapMatMul | null = null;
  let view = new Float32Array(heap.memory.buffer);
  const k: HeapKernel = {
    heap,
    get mm() {
      return (mm ??= new HeapMatMul(b));
    },
    output(shape, dtype = 'float32') {
      const t = b.makeOutput(shape, dtype);
      outputs.push(t);
      return t;
    },
    temp(shape) {
      const t = b.makeOutput(shape, 'float32');
      temps.push(t);
      return t;
    },
    at: (t) => heapOffset(heap, t),
    f32: () => (view.buffer === heap.memory.buffer ? view : (view = new Float32Array(heap.memory.buffer))),
  };
  try {
    body(k);
    return outputs;
  } catch (e) {
    outputs.forEach((t) => b.disposeData(t.dataId));
    throw e;
  } finally {
    (mm as HeapMatMul | null)?.releaseAll();
    temps.forEach((t) => b.disposeData(t.dataId));
  }
}
