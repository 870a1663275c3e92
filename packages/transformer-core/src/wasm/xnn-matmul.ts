// Matrix products on regions of tfjs-backend-wasm's heap through the backend's own XNNPACK BatchMatMul: a region
// (a contiguous [rows, cols] piece of a larger tensor) is registered with the backend's C++ side (internals: heap.ts) under a fresh
// tensor id, without allocating or copying, and released again without freeing the memory. XNNPACK caches the
// packed right operand per id, so a region used as `b` keeps its packing until it is released: release it (or use a
// new id) whenever its contents change.
import type { WasmBackendLike } from './heap.js';

/** A registered heap region. */
export interface HeapRegion {
  id: number;
  /** Byte offset. */
  offset: number;
  rows: number;
  cols: number;
}

export class HeapMatMul {
  private readonly b: WasmBackendLike;
  private readonly call: (...a: unknown[]) => void;
  private readonly live = new Set<number>();

  /** For a backend that wasmHeap() accepted (it has every internal used here). */
  constructor(b: WasmBackendLike) {
    this.b = b;
    this.call = b.wasm.cwrap('BatchMatMul', null, ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number']);
  }

  /** Registers [rows, cols] float32 at byte `offset` (memory the caller keeps alive). */
  region(offset: number, rows: number, cols: number): HeapRegion {
    const id = this.b.dataIdNextNumber++;
    this.b.wasm.tfjs.registerTensor(id, rows * cols, offset);
    this.live.add(id);
    return { id, offset, rows, cols };
  }

  /** Forgets a region (and XNNPACK's packing of it); the memory stays. */
  release(r: HeapRegion): void {
    if (!this.live.delete(r.id)) return;
    this.b.wasm.tfjs.disposeData(r.id);
  }

  /** Releases every region still registered. */
  releaseAll(): void {
    for (const id of this.live) this.b.wasm.tfjs.disposeData(id);
    this.live.clear();
  }

  /** out [a.rows, b.cols] = a @ b (overwrites out). */
  matMul(a: HeapRegion, b: HeapRegion, out: HeapRegion): void {
    if (a.cols !== b.rows || out.rows !== a.rows || out.cols !== b.cols) {
      throw new Error(`HeapMatMul: shapes [${a.rows}, ${a.cols}] @ [${b.rows}, ${b.cols}] -> [${out.rows}, ${out.cols}] do not fit`);
    }
    const shape = (r: number, c: number) => new Uint8Array(new Int32Array([1, r, c]).buffer);
    this.call(a.id, shape(a.rows, a.cols), 3, b.id, shape(b.rows, b.cols), 3, 0, 0, out.id);
  }
}
