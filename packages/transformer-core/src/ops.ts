// Differentiable building blocks with hand-written gradients. Every matrix product uses explicit transposes and
// plain matMul (tfjs-wasm's transpose flags are 10-50x slower), and fused ops save only what the backward needs.
import { tf } from './tf.js';
import { fusedGelu, fusedGeluAvailable, fusedGeluGrad } from './wasm/gelu.js';
import { fusedAttention, fusedAttentionAvailable, fusedAttentionGrad } from './wasm/attention.js';

type T = tf.Tensor;

/** tf.customGrad with the save function as the last argument, typed loosely (tfjs's typing cannot express it). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function customGrad(f: (...args: any[]) => { value: T; gradFunc: (dy: T, saved: T[]) => T | T[] }): (...xs: T[]) => T {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return tf.customGrad(f as any) as unknown as (...xs: T[]) => T;
}

/** Swaps the last two axes of a rank-2 or rank-3 tensor. */
export function swapLast(x: T): T {
  return x.rank === 2 ? tf.transpose(x) : tf.transpose(x, x.rank === 3 ? [0, 2, 1] : [0, 1, 3, 2]);
}

/** a @ b for rank-2 (or equal-batch rank-3) tensors, gradient by explicit transposes. */
export const mm = customGrad((a: T, b: T, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: T, saved: T[]) => {
      const [sa, sb] = saved;
      return [tf.matMul(dy, swapLast(sb)), tf.matMul(swapLast(sa), dy)];
    },
  };
}) as (a: T, b: T) => T;

/** LayerNorm over the last axis, eps 1e-5, no gain or bias. */
export const layerNorm = customGrad((x: T, save: tf.GradSaveFunc) => {
  const { mean, variance } = tf.moments(x, -1, true);
  const rstd = tf.rsqrt(tf.add(variance, 1e-5));
  const y = tf.mul(tf.sub(x, mean), rstd);
  save([y, rstd]);
  return {
    value: y,
    gradFunc: (dy: T, saved: T[]) => {
      const [sy, sr] = saved;
      const mdy = tf.mean(dy, -1, true);
      const mdyy = tf.mean(tf.mul(dy, sy), -1, true);
      return tf.mul(sr, tf.sub(tf.sub(dy, mdy), tf.mul(sy, mdyy)));
    },
  };
}) as (x: T) => T;

/** Plain LayerNorm for inference (no tape). */
export function layerNormInfer(x: T): T {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5)));
  });
}

const GELU_C = Math.sqrt(2 / Math.PI);

/** gelu_tanh(x) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
export function geluInfer(x: T): T {
  if (x.dtype === 'float32' && fusedGeluAvailable()) return fusedGelu(x);
  return geluOps(x);
}

function geluOps(x: T): T {
  return tf.tidy(() => {
    const u = tf.mul(tf.add(x, tf.mul(tf.mul(tf.square(x), x), 0.044715)), GELU_C);
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(u), 1));
  });
}

export const gelu = customGrad((x: T, save: tf.GradSaveFunc) => {
  save([x]);
  return {
    value: geluInfer(x),
    gradFunc: (dy: T, saved: T[]) => {
      const [sx] = saved;
      if (sx.dtype === 'float32' && fusedGeluAvailable()) return fusedGeluGrad(sx, dy);
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
}) as (x: T) => T;

/** cos/sin tables [T, hd/2] for positions pos0..pos0+T-1 (plain arrays; the halves of cat(freqs, freqs) are equal). */
export function ropeTables(hd: number, pos0: number, len: number, base: number): { cos: Float32Array; sin: Float32Array } {
  const half = hd / 2;
  const cos = new Float32Array(len * half);
  const sin = new Float32Array(len * half);
  for (let t = 0; t < len; t++) {
    for (let i = 0; i < half; i++) {
      // inv_freq computed in float32 like PyTorch: 1 / base^(2i/hd)
      const invFreq = Math.fround(1 / Math.pow(base, Math.fround((2 * i) / hd)));
      const f = Math.fround((pos0 + t) * invFreq);
      cos[t * half + i] = Math.cos(f);
      sin[t * half + i] = Math.sin(f);
    }
  }
  return { cos, sin };
}

/** NeoX rotate-half rotary embedding on [..., T, hd] with cos/sin [T, hd/2], times `scale`. */
export function ropeInfer(x: T, cos: T, sin: T, scale = 1): T {
  return tf.tidy(() => {
    const hd = x.shape[x.rank - 1];
    const half = hd / 2;
    const [x1, x2] = tf.split(x, [half, half], -1);
    const c = scale === 1 ? cos : tf.mul(cos, scale);
    const s = scale === 1 ? sin : tf.mul(sin, scale);
    const y1 = tf.sub(tf.mul(x1, c), tf.mul(x2, s));
    const y2 = tf.add(tf.mul(x2, c), tf.mul(x1, s));
    return tf.concat([y1, y2], -1);
  });
}

/** Differentiable rope (rotation, so the gradient is the inverse rotation). cos/sin are saved for the backward. */
export function rope(x: T, cos: T, sin: T, scale = 1): T {
  const f = customGrad((xi: T, save: tf.GradSaveFunc) => {
    const c = scale === 1 ? cos : tf.mul(cos, scale);
    const s = scale === 1 ? sin : tf.mul(sin, scale);
    save([c, s]);
    return {
      value: ropeInfer(xi, c, s),
      gradFunc: (dy: T, saved: T[]) => {
        const [sc, ss] = saved;
        const half = dy.shape[dy.rank - 1] / 2;
        const [d1, d2] = tf.split(dy, [half, half], -1);
        const g1 = tf.add(tf.mul(d1, sc), tf.mul(d2, ss));
        const g2 = tf.sub(tf.mul(d2, sc), tf.mul(d1, ss));
        return tf.concat([g1, g2], -1);
      },
    };
  }) as (xi: T) => T;
  return f(x);
}

/** Additive causal mask [T, S] for T queries at the end of S keys (0 allowed, -1e9 masked). */
export function causalMask(tq: number, s: number): T {
  const m = new Float32Array(tq * s);
  const off = s - tq;
  for (let i = 0; i < tq; i++) for (let j = i + off + 1; j < s; j++) m[i * s + j] = -1e9;
  return tf.tensor2d(m, [tq, s]);
}

/**
 * Causal self-attention on q, k, v [BH, T, hd] (q already scaled by 1/sqrt(hd)) with optional dropout keep-mask
 * (already divided by keep probability) on the probabilities. Saves only q, k, v and the probabilities.
 */
export function attention(q: T, k: T, v: T, mask: T, dropMask?: T): T {
  const f = customGrad((qi: T, ki: T, vi: T, save: tf.GradSaveFunc) => {
    const s = tf.add(tf.matMul(qi, swapLast(ki)), mask);
    const p = tf.softmax(s, -1);
    const pd = dropMask ? tf.mul(p, dropMask) : p;
    save(dropMask ? [qi, ki, vi, p, dropMask] : [qi, ki, vi, p]);
    return {
      value: tf.matMul(pd, vi),
      gradFunc: (dy: T, saved: T[]) => {
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
  }) as (a: T, b: T, c: T) => T;
  return f(q, k, v);
}

/** Splits a [N, d] activation into per-(batch, head) [T, hd] pieces, index b * H + h (differentiable: split/concat). */
export function splitHeads(x: T, B: number, H: number): T[] {
  const byHead = H === 1 ? [x] : tf.split(x, H, 1);
  const out: T[] = new Array(B * H);
  byHead.forEach((piece, h) => {
    const rows = B === 1 ? [piece] : tf.split(piece, B, 0);
    rows.forEach((r, b) => { out[b * H + h] = r; });
  });
  return out;
}

/** Inverse of splitHeads: pieces [T, hd] (index b * H + h) -> [B*T, H*hd]. */
export function mergeHeads(pieces: T[], B: number, H: number): T {
  const rows: T[] = [];
  for (let b = 0; b < B; b++) {
    const hs = pieces.slice(b * H, (b + 1) * H);
    rows.push(H === 1 ? hs[0] : tf.concat(hs, 1));
  }
  return B === 1 ? rows[0] : tf.concat(rows, 0);
}

/** selfAttention as the two wasm kernels of wasm/attention.ts (no dropout). */
function fusedSelfAttention(qkv: T, B: number, H: number, cos: T, sin: T): T {
  const attrs = { batch: B, heads: H };
  const f = customGrad((x: T, save: tf.GradSaveFunc) => {
    const [out, saved, probs] = fusedAttention(x, cos, sin, attrs);
    save([saved, probs, cos, sin]); // cos and sin too: the caller's tidy may end before the backward runs
    return { value: out, gradFunc: (dy: T, s: T[]) => fusedAttentionGrad(dy, s[0], s[1], s[2], s[3], attrs) };
  }) as (x: T) => T;
  return f(qkv);
}

/**
 * Causal self-attention of a training forward from qkv [B*T, 3d]: rotary on all heads at once, then one 2-D
 * attention per (batch, head) -- tfjs-wasm's batched matMul runs at ~0.7 GFLOP/s, 2-D matMuls at ~15-20. On wasm
 * without dropout, the fused kernels of wasm/attention.ts instead.
 */
export function selfAttention(qkv: T, B: number, T_: number, H: number, cos: T, sin: T, mask: T, dropMasks?: T[]): T {
  if (!dropMasks && fusedAttentionAvailable()) return fusedSelfAttention(qkv, B, H, cos, sin);
  const d = qkv.shape[1]! / 3;
  const hd = d / H;
  const [q, k, v] = tf.split(qkv, 3, 1);
  const to4 = (x: T) => tf.reshape(x, [B, T_, H, hd]);
  const qr = tf.reshape(rope(to4(q), cos, sin, 1 / Math.sqrt(hd)), [B * T_, d]);
  const kr = tf.reshape(rope(to4(k), cos, sin), [B * T_, d]);
  const qs = splitHeads(qr, B, H);
  const ks = splitHeads(kr, B, H);
  const vs = splitHeads(v, B, H);
  const os = qs.map((qi, i) => attention(qi, ks[i], vs[i], mask, dropMasks?.[i]));
  return mergeHeads(os, B, H);
}
