// LayerNorm of inference (layer-norm.ts's layerNormInfer) as one tfjs kernel on the wasm backend: scoring, prefill
// and tfjs decoding. tfjs's version is ~9 kernels (moments' Mean, Cast, Sub, Square, Mean, then Add, Rsqrt, Sub, Mul);
// this one is layer-norm.wat, layerNormRow's float64 math (bit for bit) in SIMD over the rows of the heap: 49 against
// ~500 µs at 173 x 256, 1.0 against 1.8 ms at 4,096 x 256, 3.9 against 8.3 ms at 8,192 x 512 (tfjs-wasm, one core).
//
//   (x [..., d] float32) -> y, same shape: each row (x - mean) / sqrt(var + eps), biased variance
//
// Registered by wasm/register.ts; layer-norm.ts runs it through fast-kernels.ts.
import type { tf } from '../tf.js';
import { LAYER_NORM } from '../fast-kernels.js';
import { runHeapKernel } from './kernel-scaffold.js';
import { layerNormKernel } from './kernel.js';
import { LAYER_NORM_EPS } from '../layer-norm.js';

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
        layerNormKernel(k.heap.memory)!.layer_norm(k.at(x), k.at(y), d > 0 ? n / d : 0, d, LAYER_NORM_EPS);
      })[0];
    },
  },
];
