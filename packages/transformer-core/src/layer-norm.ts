// LayerNorm without gain or bias (docs/architecture-and-checkpoint.md), the one home of its math: the epsilon, the
// differentiable tfjs version of the training forward (a hand-written gradient that saves only y and 1/std), the
// tape-free version of inference, and the row version on float arrays (the fused decoder, the float64 reference).
//
//   y = (x - mean(x)) / sqrt(var(x) + eps)      over the last axis, biased variance
import { tf } from './tf.js';
import { customGrad } from './custom-grad.js';
import { hasFastKernel } from './fast-paths.js';
import { LAYER_NORM, runLayerNorm } from './fast-kernels.js';

/** LayerNorm's epsilon (PyTorch's default, as the twin). */
export const LAYER_NORM_EPS = 1e-5;

/** Differentiable LayerNorm over the last axis. */
export const layerNorm = customGrad((x: tf.Tensor, save: tf.GradSaveFunc) => {
  const { mean, variance } = tf.moments(x, -1, true);
  const rstd = tf.rsqrt(tf.add(variance, LAYER_NORM_EPS));
  const y = tf.mul(tf.sub(x, mean), rstd);
  save([y, rstd]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sy, sr] = saved;
      const mdy = tf.mean(dy, -1, true);
      const mdyy = tf.mean(tf.mul(dy, sy), -1, true);
      return tf.mul(sr, tf.sub(tf.sub(dy, mdy), tf.mul(sy, mdyy)));
    },
  };
}) as (x: tf.Tensor) => tf.Tensor;

/**
 * Up to this many elements layerNormInfer runs the backend's LAYER_NORM kernel where it has one (wasm: a row loop,
 * ~150 µs against tfjs's ~400 at 173 x 256, mostly fixed cost; slower per element, so larger inputs take tfjs's).
 */
export const LAYER_NORM_KERNEL_MAX_ELEMENTS = 131072;

/** LayerNorm for inference (no tape). */
export function layerNormInfer(x: tf.Tensor): tf.Tensor {
  if (x.dtype === 'float32' && x.size <= LAYER_NORM_KERNEL_MAX_ELEMENTS && hasFastKernel(LAYER_NORM)) return runLayerNorm(x);
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, LAYER_NORM_EPS)));
  });
}

/** dst[dstAt + i] = LayerNorm of src[srcAt .. srcAt + n) (sums in float64; src and dst may be the same array). */
export function layerNormRow(src: Float32Array | Float64Array, srcAt: number, dst: Float32Array | Float64Array, dstAt: number, n: number): void {
  let s = 0;
  for (let i = 0; i < n; i++) s += src[srcAt + i];
  const mean = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const t = src[srcAt + i] - mean;
    v += t * t;
  }
  const inv = 1 / Math.sqrt(v / n + LAYER_NORM_EPS);
  for (let i = 0; i < n; i++) dst[dstAt + i] = (src[srcAt + i] - mean) * inv;
}
