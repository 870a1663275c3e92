// LayerNorm of inference (layer-norm.ts's layerNormInfer) as one tfjs kernel on the wasm backend, for the short
// activations of scoring, prefill and decoding. tfjs's version is ~9 kernels (moments' Mean, Cast, Sub, Square, Mean,
// then Add, Rsqrt, Sub, Mul) costing ~400 µs at 173 x 256, mostly fixed cost; this one runs layerNormRow (the fused
// decoder's row math, float64 sums) over the rows in place on the heap: ~150 µs there. It is slower per element
// (~3.4 ns against ~2.3), so layer-norm.ts calls it only up to LAYER_NORM_KERNEL_MAX_ELEMENTS.
//
//   (x [..., d] float32) -> y, same shape: each row (x - mean) / sqrt(var + eps), biased variance
//
// Registered by wasm/register.ts; layer-norm.ts runs it through fast-kernels.ts.
import type { tf } from '../tf.js';
import { LAYER_NORM } from '../fast-kernels.js';
import { runHeapKernel } from './kernel-scaffold.js';
import { layerNormRow } from '../layer-norm.js';

/** Every row of d floats from F[x..] into F[y..]. */
function layerNormRows(F: Float32Array, x: number, y: number, rows: number, d: number): void {
  for (let r = 0; r < rows; r++) layerNormRow(F, x + r * d, F, y + r * d, d);
}

export const layerNormKernelConfigs: tf.KernelConfig[] = [
  {
    kernelName: LAYER_NORM,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const { x } = inputs as unknown as { x: tf.TensorInfo };
      return runHeapKernel(backend, (k) => {
        const y = k.output(x.shape);
        const d = x.shape[x.shape.length - 1];
        const n = x.shape.reduce((a, b) => a * b, 1);
        layerNormRows(k.f32(), k.at(x) >> 2, k.at(y) >> 2, d > 0 ? n / d : 0, d);
      })[0];
    },
  },
];
