// GELU and its gradient as two tfjs kernels on the wasm backend (gelu.wat, wasm SIMD): one pass each instead of the
// ~12 elementwise tfjs ops (with allocations) of the tanh formula, which cost ~10 % of a small model's step.
// Registered by wasm/register.ts; ops.ts runs them through fast-kernels.ts.
import { tf } from '../tf.js';
import { GELU, GELU_GRAD } from '../fast-kernels.js';
import { geluKernel } from './kernel.js';
import { runHeapKernel } from './kernel-scaffold.js';

export const geluKernelConfigs: tf.KernelConfig[] = [
  {
    kernelName: GELU,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const { x } = inputs as unknown as { x: tf.TensorInfo };
      return runHeapKernel(backend, (k) => {
        const y = k.output(x.shape);
        geluKernel(k.heap.memory)!.gelu(k.at(x), k.at(y), tf.util.sizeFromShape(x.shape));
      })[0];
    },
  },
  {
    kernelName: GELU_GRAD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const { x, dy } = inputs as unknown as { x: tf.TensorInfo; dy: tf.TensorInfo };
      return runHeapKernel(backend, (k) => {
        const dx = k.output(x.shape);
        geluKernel(k.heap.memory)!.gelu_grad(k.at(x), k.at(dy), k.at(dx), tf.util.sizeFromShape(x.shape));
      })[0];
    },
  },
];
