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

/** LayerNorm for inference (no tape): the backend's LAYER_NORM kernel where it has one (wasm: layer-norm.wat). */
export function layerNormInfer(x: tf.Tensor): tf.Tensor {
  if (x.dtype === 'float32' && hasFastKernel(LAYER_NORM)) return runLayerNorm(x);
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, LAYER_NORM_EPS)));
  });
}

/**
 * dst[dstAt + i] = LayerNorm of src[srcAt .. srcAt + n) (src and dst may be the same array). Sums in float64, the even-
 * and odd-indexed entries apart and then added: the order of wasm/layer-norm.wat's two SIMD lanes, so the kernel and
 * this loop (the fused decoder's) agree bit for bit.
 */
export function layerNormRow(src: Float32Array | Float64Array, srcAt: number, dst: Float32Array | Float64Array, dstAt: number, n: number): void {
  let s0 = 0, s1 = 0, i = 0;
  for (; i + 1 < n; i += 2) { s0 += src[srcAt + i]; s1 += src[srcAt + i + 1]; }
  if (i < n) s0 += src[srcAt + i];
  const mean = (s0 + s1) / n;
  let v0 = 0, v1 = 0;
  for (i = 0; i + 1 < n; i += 2) {
    const a = src[srcAt + i] - mean, b = src[srcAt + i + 1] - mean;
    v0 += a * a;
    v1 += b * b;
  }
  if (i < n) { const a = src[srcAt + i] - mean; v0 += a * a; }
  const inv = 1 / Math.sqrt((v0 + v1) / n + LAYER_NORM_EPS);
  for (let j = 0; j < n; j++) dst[dstAt + j] = (src[srcAt + j] - mean) * inv;
}
