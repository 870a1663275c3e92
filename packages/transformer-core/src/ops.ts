// Differentiable building blocks with hand-written gradients. Every matrix product uses explicit transposes and
// plain matMul (tfjs-wasm's transpose flags are 10-50x slower), and fused ops save only what the backward needs.
// GELU and the training attention run a backend's fast kernel where fast-paths.ts has one (wasm/register.ts).
import { tf } from './tf.js';
import { hasFastKernel } from './fast-paths.js';
import { ATTENTION, GELU, GELU_GRAD, runAttention, runAttentionGrad, runGelu, runGeluGrad } from './fast-kernels.js';
import { customGrad, swapLast } from './custom-grad.js';
import { rotary } from './rotary.js';
import { splitHeads, mergeHeads } from './heads.js';


/** a @ b for rank-2 (or equal-batch rank-3) tensors, gradient by explicit transposes. */
export const mm = customGrad((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved;
      return [tf.matMul(dy, swapLast(sb)), tf.matMul(swapLast(sa), dy)];
    },
  };
}) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

const GELU_C = Math.sqrt(2 / Math.PI);

/** gelu_tanh(x) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
export function geluInfer(x: tf.Tensor): tf.Tensor {
  if (x.dtype === 'float32' && hasFastKernel(GELU)) return runGelu(x);
  return geluOps(x);
}

function geluOps(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const u = tf.mul(tf.add(x, tf.mul(tf.mul(tf.square(x), x), 0.044715)), GELU_C);
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(u), 1));
  });
}

export const gelu = customGrad((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  return {
    value: geluInfer(x),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx] = saved;
      if (sx.dtype === 'float32' && hasFastKernel(GELU_GRAD)) return runGeluGrad(sx, dy);
      const x2 = tf.square(sx);
      const t = tf.tanh(tf.mul(tf.mul(sx, tf.add(tf.mul(x2, 0.044715), 1)), GELU_C));
      // d/dx = 0.5 (1 + t) + 0.5 x (1 - t^2) c (1 + 3 a x^2)
      const left = tf.mul(tf.add(t, 1), 0.5);
      const right = tf.mul(
        tf.mul(tf.mul(sx, tf.sub(1, tf.square(t))), 0.5 * GELU_C),
        tf.add(tf.mul(x2, 3 * 0.044715), 1),
      );
      return tf.mul(dy, tf.add(left, right));
    },
  };
}) as (x: tf.Tensor) => tf.Tensor;

/** Additive causal mask [Tq, S] for Tq queries at the end of S keys (0 allowed, -1e9 masked). */
export function causalMask(tq: number, s: number): tf.Tensor {
  const m = new Float32Array(tq * s);
  const off = s - tq;
  for (let i = 0; i < tq; i++) for (let j = i + off + 1; j < s; j++) m[i * s + j] = -1e9;
  return tf.tensor2d(m, [tq, s]);
}

/**
 * Causal self-attention on q, k, v [BH, T, hd] (q already scaled by 1/sqrt(hd)) with optional dropout keep-mask
 * (already divided by keep probability) on the probabilities. Saves only q, k, v and the probabilities.
 */
export function attention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, mask: tf.Tensor, dropMask?: tf.Tensor): tf.Tensor {
  const f = customGrad((qi: tf.Tensor, ki: tf.Tensor, vi: tf.Tensor, save: tf.GradSaveFunc) => {
    const s = tf.add(tf.matMul(qi, swapLast(ki)), mask);
    const p = tf.softmax(s, -1);
    const pd = dropMask ? tf.mul(p, dropMask) : p;
    save(dropMask ? [qi, ki, vi, p, dropMask] : [qi, ki, vi, p]);
    return {
      value: tf.matMul(pd, vi),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sq, sk, sv, sp, sm] = saved;
        const spd = sm ? tf.mul(sp, sm) : sp;
        const dv = tf.matMul(swapLast(spd), dy);
        let dp = tf.matMul(dy, swapLast(sv));
        if (sm) dp = tf.mul(dp, sm);
        const ds = tf.mul(sp, tf.sub(dp, tf.sum(tf.mul(dp, sp), -1, true)));
        const dq = tf.matMul(ds, sk);
        const dk = tf.matMul(swapLast(ds), sq);
        return [dq, dk, dv];
      },
    };
  }) as (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.Tensor;
  return f(q, k, v);
}

/** selfAttention as a backend's ATTENTION / ATTENTION_GRAD kernels (wasm: wasm/attention.ts; no dropout). */
function fusedSelfAttention(qkv: tf.Tensor, B: number, H: number, cos: tf.Tensor, sin: tf.Tensor): tf.Tensor {
  const attrs = { batch: B, heads: H };
  const f = customGrad((x: tf.Tensor, save: tf.GradSaveFunc) => {
    const [out, saved, probs] = runAttention(x, cos, sin, attrs);
    save([saved, probs, cos, sin]); // cos and sin too: the caller's tidy may end before the backward runs
    return { value: out, gradFunc: (dy: tf.Tensor, s: tf.Tensor[]) => runAttentionGrad(dy, s[0], s[1], s[2], s[3], attrs) };
  }) as (x: tf.Tensor) => tf.Tensor;
  return f(qkv);
}

/**
 * Causal self-attention of a training forward from qkv [B*T, 3d]: rotary on all heads at once, then one 2-D
 * attention per (batch, head) -- tfjs-wasm's batched matMul runs at ~0.7 GFLOP/s, 2-D matMuls at ~15-20.
 * Where the backend has the fused ATTENTION kernel (wasm), that runs instead -- except with dropout: the kernel
 * has no dropout mask, so attention dropout always falls back to this plain path (~60 small tfjs kernels per layer,
 * which cost as much as attention's products).
 */
export function selfAttention(qkv: tf.Tensor, B: number, T: number, H: number, cos: tf.Tensor, sin: tf.Tensor, mask: tf.Tensor, dropMasks?: tf.Tensor[]): tf.Tensor {
  // dropout: the fused kernel cannot apply the masks, so the plain path runs (the only fall-back of the fast paths)
  if (!dropMasks && hasFastKernel(ATTENTION)) return fusedSelfAttention(qkv, B, H, cos, sin);
  const d = qkv.shape[1]! / 3;
  const hd = d / H;
  const [q, k, v] = tf.split(qkv, 3, 1);
  const to4 = (x: tf.Tensor) => tf.reshape(x, [B, T, H, hd]);
  const qr = tf.reshape(rotary(to4(q), cos, sin, 1 / Math.sqrt(hd)), [B * T, d]);
  const kr = tf.reshape(rotary(to4(k), cos, sin), [B * T, d]);
  const qs = splitHeads(qr, B, H);
  const ks = splitHeads(kr, B, H);
  const vs = splitHeads(v, B, H);
  const os = qs.map((qi, i) => attention(qi, ks[i], vs[i], mask, dropMasks?.[i]));
  return mergeHeads(os, B, H);
}
