// The fused causal self-attention on wasm: output and qkv gradient against the tfjs-ops path (split heads, rotary,
// per-head softmax attention) and a float64 computation, over batch/head/length shapes including T = 1 and odd T,
// a whole model's loss and gradients fused vs ops, and no tensors left over.
import { describe, expect, it } from 'vitest';
import { onWasmWithKernel } from '../testing/wasm-kernel.js';
import { tf } from '../tf.js';
import { Rng } from '../rng.js';
import { causalMask, selfAttention } from '../ops.js';
import { rotaryTables } from '../rotary.js';
import { createModel } from '../model.js';
import './register.js'; // the wasm kernels: the fused attention, and what a trainable embedding needs
import { hasFastKernel, withFastPaths } from '../fast-paths.js';
import { ATTENTION } from '../fast-kernels.js';

function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0, mag = 0;
  for (let i = 0; i < a.length; i++) { worst = Math.max(worst, Math.abs(a[i] - b[i])); mag = Math.max(mag, Math.abs(b[i])); }
  return worst / mag;
}

async function attend(qkvData: Float32Array, dyData: Float32Array, B: number, T: number, H: number, d: number, fused: boolean) {
  return withFastPaths(fused, async () => {
    const hd = d / H;
    const { cos: cA, sin: sA } = rotaryTables(hd, 0, T, 10000);
    const cos = tf.tensor3d(cA, [T, 1, hd / 2]), sin = tf.tensor3d(sA, [T, 1, hd / 2]), mask = causalMask(T, T);
    const qkv = tf.tensor2d(qkvData, [B * T, 3 * d]), dy = tf.tensor2d(dyData, [B * T, d]);
    const f = (x: tf.Tensor) => selfAttention(x, B, T, H, cos, sin, mask);
    // the ops path leaves its intermediates to the caller's tidy (as in the model)
    const out = tf.tidy(() => f(qkv));
    const g = tf.tidy(() => tf.grad(f)(qkv, dy));
    const res = { out: (await out.data()) as Float32Array, g: (await g.data()) as Float32Array };
    tf.dispose([cos, sin, mask, qkv, dy, out, g]);
    return res;
  });
}

/** float64 attention of one (batch, head): rotary on q (scaled) and k, causal softmax, P v. */
function reference(qkv: Float32Array, B: number, T: number, H: number, d: number): Float64Array {
  const hd = d / H, half = hd / 2;
  const out = new Float64Array(B * T * d);
  const { cos, sin } = rotaryTables(hd, 0, T, 10000);
  const rot = (b: number, t: number, part: number, h: number) => {
    const x = Array.from({ length: hd }, (_, i) => qkv[(b * T + t) * 3 * d + part * d + h * hd + i]);
    const y = new Float64Array(hd);
    for (let i = 0; i < half; i++) {
      const c = cos[t * half + i], s = sin[t * half + i];
      y[i] = x[i] * c - x[half + i] * s;
      y[half + i] = x[half + i] * c + x[i] * s;
    }
    return y;
  };
  for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) {
    const ks = Array.from({ length: T }, (_, t) => rot(b, t, 1, h));
    for (let i = 0; i < T; i++) {
      const q = rot(b, i, 0, h);
      const s = ks.slice(0, i + 1).map((k) => k.reduce((a, kv, j) => a + kv * q[j], 0) / Math.sqrt(hd));
      const m = Math.max(...s);
      const e = s.map((x) => Math.exp(x - m));
      const z = e.reduce((a, x) => a + x, 0);
      for (let j = 0; j <= i; j++) for (let c = 0; c < hd; c++) out[(b * T + i) * d + h * hd + c] += (e[j] / z) * qkv[(b * T + j) * 3 * d + 2 * d + h * hd + c];
    }
  }
  return out;
}

describe('fused causal self-attention (wasm)', () => {
  onWasmWithKernel(ATTENTION);

  it.each([
    [2, 17, 3, 24], // odd T
    [1, 64, 4, 32],
    [3, 1, 2, 8], // T = 1
    [2, 40, 1, 16], // one head
  ])('B %i, T %i, H %i, d %i: output and gradient equal the tfjs-ops path; output equals float64', async (B, T, H, d) => {
    const rng = new Rng(B * 1000 + T * 10 + H);
    const qkv = rng.normal(new Float32Array(B * T * 3 * d), 1.5);
    const dy = rng.normal(new Float32Array(B * T * d), 1);
    const n0 = tf.memory().numTensors;
    const a = await attend(qkv, dy, B, T, H, d, true);
    const b = await attend(qkv, dy, B, T, H, d, false);
    expect(tf.memory().numTensors).toBe(n0);
    expect(maxRel(a.out, b.out)).toBeLessThan(2e-6);
    expect(maxRel(a.g, b.g)).toBeLessThan(1e-5);
    expect(maxRel(a.out, reference(qkv, B, T, H, d))).toBeLessThan(2e-6);
  });

  it('a model gives the same loss and gradients with the fused attention and with tfjs ops', async () => {
    const cfg = { vocabSize: 97, nEmbed: 16, dModel: 32, nLayer: 2, nHead: 4, blockSize: 64 };
    const m = createModel(cfg, { embedding: 'trainable', seed: 3 });
    const rng = new Rng(9);
    const ids = Array.from({ length: 3 }, () => Array.from({ length: 50 }, () => Math.floor(rng.next() * 97)));
    const tg = ids.map((r) => r.map((x) => (x * 7 + 1) % 97));
    const run = async (fused: boolean) => {
      return withFastPaths(fused, async () => {
        const { value, grads } = tf.variableGrads(() => m.loss(ids, tg), m.trainableVariables);
        const out = { loss: (await value.data())[0], g: await Promise.all(m.trainableVariables.map((v) => grads[v.name].data())) };
        tf.dispose([value, ...Object.values(grads)]);
        return out;
      });
    };
    const n0 = tf.memory().numTensors;
    const a = await run(true), b = await run(false);
    expect(tf.memory().numTensors).toBe(n0);
    expect(Math.abs(a.loss - b.loss) / b.loss).toBeLessThan(1e-6);
    a.g.forEach((g, i) => expect(maxRel(g, b.g[i])).toBeLessThan(1e-4));
    m.dispose();
  });

  it('is not used where the backend is not wasm', async () => {
    await tf.setBackend('cpu');
    expect(hasFastKernel(ATTENTION)).toBe(false);
    await tf.setBackend('wasm');
  });
});
