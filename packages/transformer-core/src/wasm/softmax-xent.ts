// The elementwise part of the output head's cross-entropy as one tfjs kernel on the wasm backend: per row of the
// logits, max, exp, sum (softmax-rows.wat, wasm SIMD), then in JS the loss sum of w (log z + max - x[target]) and,
// for training, the gradient (softmax - onehot) * w * scale written once. With tfjs ops this is eight passes over
// the [rows, vocab] chunk with allocations (exp alone at ~15 ns/element): a quarter of a bvv-tiny training step.
import { tf } from '../tf.js';
import { softmaxRowsKernel } from './kernel.js';
import { wasmHeap } from './heap.js';

export const SOFTMAX_XENT = 'GlyphlmSoftmaxXent';

export interface SoftmaxXentAttrs {
  /** Multiplies the gradient (1 / number of valid targets). */
  scale: number;
  withGrad: boolean;
}

function register(): void {
  if (tf.getKernel(SOFTMAX_XENT, 'wasm')) return;
  tf.registerKernel({
    kernelName: SOFTMAX_XENT,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { logits, targets, weights } = inputs as unknown as Record<'logits' | 'targets' | 'weights', tf.TensorInfo>;
      const { scale, withGrad } = attrs as unknown as SoftmaxXentAttrs;
      const heap = wasmHeap(backend)!;
      const b = heap.backend;
      const k = softmaxRowsKernel(heap.memory)!;
      const [rows, V] = logits.shape;
      const tg = b.readSync(targets.dataId) as Int32Array;
      const w = b.readSync(weights.dataId) as Float32Array;
      const stats = b.makeOutput([2 * rows], 'float32');
      const grad = withGrad ? b.makeOutput([rows, V], 'float32') : null;
      const loss = b.makeOutput([], 'float32');
      const at = (t: tf.TensorInfo) => b.dataIdMap.get(t.dataId).memoryOffset;
      const x = at(logits), st = at(stats), g = grad ? at(grad) : 0;
      k.max_expsum(x, g, rows, V, st);
      const F = new Float32Array(heap.memory.buffer); // after the allocations, which may grow the heap
      let sum = 0;
      for (let r = 0; r < rows; r++) {
        if (w[r] === 0) continue;
        const m = F[(st >> 2) + 2 * r], z = F[(st >> 2) + 2 * r + 1];
        sum += w[r] * (Math.log(z) + m - F[(x >> 2) + r * V + tg[r]]);
      }
      F[at(loss) >> 2] = sum;
      if (grad) {
        // row factors w * scale / z over the stats (rows floats), then the onehot part
        const f = new Float32Array(rows);
        for (let r = 0; r < rows; r++) f[r] = (w[r] * scale) / F[(st >> 2) + 2 * r + 1];
        F.set(f, st >> 2);
        k.scale_rows(g, rows, V, st);
        for (let r = 0; r < rows; r++) if (w[r] !== 0) F[(g >> 2) + r * V + tg[r]] -= w[r] * scale;
      }
      b.disposeData(stats.dataId);
      return grad ? [loss, grad] : [loss];
    },
  });
}

/** `enabled: false` makes the loss use tfjs ops everywhere (tests compare the two paths). */
export const softmaxXentSettings = { enabled: true };

/** Whether the fused kernel runs on the active backend (wasm with SIMD). */
export function fusedSoftmaxXentAvailable(): boolean {
  if (!softmaxXentSettings.enabled) return false;
  const heap = wasmHeap();
  if (!heap || !softmaxRowsKernel(heap.memory)) return false;
  register();
  return true;
}

/**
 * Loss sum over rows of w (logsumexp(logits) - logits[target]) and, withGrad, (softmax - onehot) * w * scale.
 * logits [rows, V] float32, targets int32 [rows] (any value where w = 0), weights float32 [rows].
 */
export function fusedSoftmaxXent(logits: tf.Tensor, targets: tf.Tensor, weights: tf.Tensor, attrs: SoftmaxXentAttrs): tf.Tensor[] {
  return tf.engine().runKernel(SOFTMAX_XENT, { logits, targets, weights } as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
}
