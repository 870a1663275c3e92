// GELU and its gradient as two tfjs kernels on the wasm backend (gelu.wat, wasm SIMD): one pass each instead of the
// ~12 elementwise tfjs ops (with allocations) of the tanh formula, which cost ~10 % of a small model's step.
import { tf } from '../tf.js';
import { geluKernel } from './kernel.js';
import { wasmHeap } from './heap.js';

export const GELU = 'GlyphlmGelu';
export const GELU_GRAD = 'GlyphlmGeluGrad';

function register(): void {
  if (tf.getKernel(GELU, 'wasm')) return;
  const at = (b: ReturnType<typeof wasmHeap>, t: tf.TensorInfo) => b!.backend.dataIdMap.get(t.dataId).memoryOffset;
  tf.registerKernel({
    kernelName: GELU,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const { x } = inputs as unknown as { x: tf.TensorInfo };
      const heap = wasmHeap(backend)!;
      const y = heap.backend.makeOutput(x.shape, 'float32');
      geluKernel(heap.memory)!.gelu(at(heap, x), at(heap, y), tf.util.sizeFromShape(x.shape));
      return y;
    },
  });
  tf.registerKernel({
    kernelName: GELU_GRAD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const { x, dy } = inputs as unknown as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const heap = wasmHeap(backend)!;
      const dx = heap.backend.makeOutput(x.shape, 'float32');
      geluKernel(heap.memory)!.gelu_grad(at(heap, x), at(heap, dy), at(heap, dx), tf.util.sizeFromShape(x.shape));
      return dx;
    },
  });
}

/** `enabled: false` makes GELU use tfjs ops everywhere (tests compare the two). */
export const geluSettings = { enabled: true };

/** Whether the fused GELU kernels run on the active backend (wasm with SIMD). */
export function fusedGeluAvailable(): boolean {
  if (!geluSettings.enabled) return false;
  const heap = wasmHeap();
  if (!heap || !geluKernel(heap.memory)) return false;
  register();
  return true;
}

/** gelu_tanh(x), float32. */
export function fusedGelu(x: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(GELU, { x } as unknown as tf.NamedTensorMap) as tf.Tensor;
}

/** dy * gelu_tanh'(x), float32, same shapes. */
export function fusedGeluGrad(x: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(GELU_GRAD, { x, dy } as unknown as tf.NamedTensorMap) as tf.Tensor;
}
