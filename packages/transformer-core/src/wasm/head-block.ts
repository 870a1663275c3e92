// A column block of the output head in a WebAssembly.Memory of its own, multiplied by the gemv kernel: what each
// thread of the Node head pool holds. Needs no tfjs, so a worker that holds one stays small.
import { gemvKernel, type Gemv } from './kernel.js';

export class HeadBlock {
  private readonly memory: WebAssembly.Memory;
  private readonly gemv: Gemv;
  private readonly f32: Float32Array;

  /** `data` is the block [d, cols] row-major. */
  constructor(readonly d: number, readonly cols: number, data: Float32Array) {
    if (data.length !== d * cols) throw new RangeError(`head block: ${data.length} floats for [${d}, ${cols}]`);
    const floats = d * cols + d + cols + 8;
    this.memory = new WebAssembly.Memory({ initial: Math.ceil((floats * 4) / 65536) });
    const g = gemvKernel(this.memory);
    if (!g) throw new Error('head block: this JavaScript engine lacks WebAssembly SIMD');
    this.gemv = g;
    this.f32 = new Float32Array(this.memory.buffer);
    this.f32.set(data, 0);
  }

  /** x [d] -> x @ block [cols] (a new array). */
  logits(x: Float32Array): Float32Array {
    const { d, cols } = this;
    const xi = d * cols;
    const yi = xi + d;
    this.f32.set(x.subarray(0, d), xi);
    this.gemv(xi * 4, 0, cols, yi * 4, d, cols, 0);
    return this.f32.slice(yi, yi + cols);
  }
}
