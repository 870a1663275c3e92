// Rotary position embedding, the one home of its math (docs/architecture-and-checkpoint.md; NeoX "rotate half", as
// the PyTorch twin): the frequencies, the cos/sin tables, and the rotation on tfjs tensors (plain and
// differentiable) and on float arrays (the fused decoder and the wasm attention kernel). The training forward,
// prefill, both decoders, the attention kernel and the float64 reference all take their frequencies from here.
//
//   inv_freq[i] = 1 / base^(2i / hd)            (i < hd/2, float32 as PyTorch computes it)
//   angle(t, i) = t * inv_freq[i]               (float32)
//   y[i]        = x[i] cos - x[i + hd/2] sin    y[i + hd/2] = x[i + hd/2] cos + x[i] sin
import { tf } from './tf.js';
import { customGrad } from './custom-grad.js';

/** inv_freq [hd/2]: 1 / base^(2i / hd), rounded to float32 at each step as PyTorch's float32 computation is. */
export function inverseFrequencies(hd: number, base: number): Float32Array {
  const out = new Float32Array(hd / 2);
  for (let i = 0; i < hd / 2; i++) out[i] = 1 / Math.pow(base, Math.fround((2 * i) / hd));
  return out;
}

/** cos/sin tables [len, hd/2] for positions pos0 .. pos0 + len - 1 (the halves of cat(freqs, freqs) are equal). */
export function rotaryTables(hd: number, pos0: number, len: number, base: number): { cos: Float32Array; sin: Float32Array } {
  const half = hd / 2;
  const invFreq = inverseFrequencies(hd, base);
  const cos = new Float32Array(len * half);
  const sin = new Float32Array(len * half);
  for (let t = 0; t < len; t++) {
    for (let i = 0; i < half; i++) {
      const angle = Math.fround((pos0 + t) * invFreq[i]);
      cos[t * half + i] = Math.cos(angle);
      sin[t * half + i] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

/**
 * The rotation of one head vector of hd = 2 * half floats, from F[src..] to F[dst..] (may be the same place), with
 * cos[cosAt + i] and sin[sinAt + i]; `sign` -1 rotates back (the gradient of the rotation); cos and sin are
 * multiplied by `scale` first (q's 1/sqrt(hd)). Products are rounded to float32 as tfjs's elementwise ops round them.
 */
export function rotateHalfInto(
  F: Float32Array, src: number, dst: number, half: number,
  cos: Float32Array, cosAt: number, sin: Float32Array, sinAt: number, sign: 1 | -1, scale: number,
): void {
  for (let i = 0; i < half; i++) {
    let c = cos[cosAt + i], s = sign * sin[sinAt + i];
    if (scale !== 1) { c = Math.fround(c * scale); s = Math.fround(s * scale); }
    const x1 = F[src + i], x2 = F[src + half + i];
    F[dst + i] = Math.fround(x1 * c) - Math.fround(x2 * s);
    F[dst + half + i] = Math.fround(x2 * c) + Math.fround(x1 * s);
  }
}

/** Rotary on [..., T, hd] with cos/sin broadcastable to [..., T, hd/2], times `scale` (no gradient of its own). */
export function applyRotary(x: tf.Tensor, cos: tf.Tensor, sin: tf.Tensor, scale = 1): tf.Tensor {
  return tf.tidy(() => {
    const half = x.shape[x.rank - 1] / 2;
    const [x1, x2] = tf.split(x, [half, half], -1);
    const c = scale === 1 ? cos : tf.mul(cos, scale);
    const s = scale === 1 ? sin : tf.mul(sin, scale);
    return tf.concat([tf.sub(tf.mul(x1, c), tf.mul(x2, s)), tf.add(tf.mul(x2, c), tf.mul(x1, s))], -1);
  });
}

/** Differentiable applyRotary: the gradient is the inverse rotation (sin negated). cos/sin are saved for it. */
export function rotary(x: tf.Tensor, cos: tf.Tensor, sin: tf.Tensor, scale = 1): tf.Tensor {
  const f = customGrad((xi: tf.Tensor, save: tf.GradSaveFunc) => {
    const c = scale === 1 ? cos : tf.mul(cos, scale);
    const s = scale === 1 ? sin : tf.mul(sin, scale);
    save([c, s]);
    return {
      value: applyRotary(xi, c, s),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => applyRotary(dy, saved[0], tf.neg(saved[1])),
    };
  }) as (xi: tf.Tensor) => tf.Tensor;
  return f(x);
}
