// UnsortedSegmentSum for tfjs-backend-wasm, which lacks it: the gradient of gather, i.e. of a trainable input
// table's lookup. Not a fast path (there is no other path on wasm), so it is registered whatever setFastPaths says.
// Plain JS over the wasm heap.
import type { tf } from '../tf.js';
import type { WasmBackendLike } from './heap.js';

export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, segmentIds } = inputs as unknown as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
    const numSegments = (attrs as unknown as { numSegments: number }).numSegments;
    const b = backend as unknown as WasmBackendLike;
    const xs = b.readSync(x.dataId) as Float32Array;
    const ids = b.readSync(segmentIds.dataId) as Int32Array;
    const innerShape = x.shape.slice(segmentIds.shape.length);
    const inner = innerShape.reduce((a: number, c: number) => a * c, 1);
    const out = b.makeOutput([numSegments, ...innerShape], x.dtype);
    const o = b.typedArrayFromHeap(out) as Float32Array;
    o.fill(0);
    for (let i = 0; i < ids.length; i++) {
      const s = ids[i];
      if (s >= 0 && s < numSegments) {
        const ob = s * inner;
        const xb = i * inner;
        for (let j = 0; j < inner; j++) o[ob + j] += xs[xb + j];
      }
    }
    return out;
  },
};
