// The fused softmax cross-entropy on wasm: its exp (Cephes expf in wasm SIMD) against Math.exp over the whole
// argument range, and loss and gradient against the tfjs-ops path and a float64 computation on random logits
// (vocabularies that are not a multiple of 4, ignored targets, large and equal logits), with no tensors left over.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { Rng } from '../rng.js';
import { headCrossEntropy } from '../head.js';
import { softmaxRowsKernel } from './kernel.js';
import { wasmHeap } from './heap.js';
import { fusedSoftmaxXent, fusedSoftmaxXentAvailable, softmaxXentSettings } from './softmax-xent.js';

tf.env().set('IS_TEST', false);

describe('fused softmax cross-entropy (wasm)', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    expect(fusedSoftmaxXentAvailable()).toBe(true);
  });

  it('row max and sum of exp match float64 to 2 ulp-ish over arguments from -100 to 0', () => {
    const memory = new WebAssembly.Memory({ initial: 16 });
    const k = softmaxRowsKernel(memory)!;
    const F = new Float32Array(memory.buffer);
    const n = 20003; // a column tail
    for (let j = 0; j < n; j++) F[j] = Math.fround(-100 + (100 * j) / (n - 1)) + 3; // max 3
    const y = n + 1, out = 2 * n + 8;
    k.max_expsum(0, y * 4, 1, n, out * 4);
    expect(F[out]).toBe(3);
    let worst = 0, s = 0;
    for (let j = 0; j < n; j++) {
      const want = Math.exp(F[j] - 3);
      s += want;
      if (want > 1e-37) worst = Math.max(worst, Math.abs(F[y + j] - want) / want);
    }
    expect(worst).toBeLessThan(3e-7);
    expect(Math.abs(F[out + 1] - s) / s).toBeLessThan(1e-6);
    // scale_rows multiplies each row by its factor, tail included
    F[out + 8] = 0.5;
    k.scale_rows(y * 4, 1, n, (out + 8) * 4);
    expect(F[y + n - 1]).toBe(Math.fround(Math.fround(Math.exp(0)) * 0.5));
  });

  it.each([[97], [1001], [4096]])('loss and gradient equal the tfjs-ops path and float64 (V %i)', async (V) => {
    const rows = 37;
    const rng = new Rng(V);
    const x = new Float32Array(rows * V);
    for (let i = 0; i < x.length; i++) x[i] = (rng.next() * 2 - 1) * (i < V ? 0 : i < 2 * V ? 60 : 5); // row 0 equal, row 1 large
    const tg = Int32Array.from({ length: rows }, () => Math.floor(rng.next() * V));
    const w = Float32Array.from({ length: rows }, (_, r) => (r % 5 === 3 ? 0 : 1)); // ignored rows
    const nValid = w.reduce((a, b) => a + b, 0);
    const n0 = tf.memory().numTensors;
    const logits = tf.tensor2d(x, [rows, V]);
    const [l, g] = fusedSoftmaxXent(logits, tf.tensor1d(tg, 'int32'), tf.tensor1d(w), { scale: 1 / nValid, withGrad: true });
    const loss = (await l.data())[0], grad = (await g.data()) as Float32Array;
    // float64
    let want = 0, worstG = 0;
    for (let r = 0; r < rows; r++) {
      let m = -Infinity;
      for (let j = 0; j < V; j++) m = Math.max(m, x[r * V + j]);
      let z = 0;
      for (let j = 0; j < V; j++) z += Math.exp(x[r * V + j] - m);
      if (w[r]) want += Math.log(z) + m - x[r * V + tg[r]];
      for (let j = 0; j < V; j++) {
        const gj = (w[r] * (Math.exp(x[r * V + j] - m) / z - (j === tg[r] ? 1 : 0))) / nValid;
        worstG = Math.max(worstG, Math.abs(grad[r * V + j] - gj));
      }
    }
    expect(Math.abs(loss - want) / want).toBeLessThan(1e-6);
    expect(worstG).toBeLessThan(1e-7);
    tf.dispose([logits, l, g]);
    expect(tf.memory().numTensors).toBe(n0 + 2); // the two input tensors made inline above
  });

  it('headCrossEntropy gives the same loss and gradients fused and with tfjs ops', async () => {
    const rng = new Rng(3);
    const h = tf.tensor2d(rng.normal(new Float32Array(300 * 24), 1), [300, 24]);
    const W = tf.variable(tf.tensor2d(rng.normal(new Float32Array(24 * 1003), 0.3), [24, 1003]));
    const tg = Int32Array.from({ length: 300 }, (_, i) => (i % 7 === 0 ? -1 : Math.floor(rng.next() * 1003)));
    const run = async (enabled: boolean) => {
      softmaxXentSettings.enabled = enabled;
      try {
        const { value, grads } = tf.variableGrads(() => headCrossEntropy(h, [W], tg) as tf.Scalar, [W]);
        const out = { loss: (await value.data())[0], g: (await grads[W.name].data()) as Float32Array };
        value.dispose();
        tf.dispose(Object.values(grads));
        const noTape = headCrossEntropy(h, [W], tg);
        expect(Math.abs((await noTape.data())[0] - out.loss)).toBeLessThan(1e-6);
        noTape.dispose();
        return out;
      } finally {
        softmaxXentSettings.enabled = true;
      }
    };
    const n0 = tf.memory().numTensors;
    const a = await run(true), b = await run(false);
    expect(tf.memory().numTensors).toBe(n0);
    expect(Math.abs(a.loss - b.loss) / b.loss).toBeLessThan(1e-6);
    let worst = 0, mag = 0;
    for (let i = 0; i < a.g.length; i++) { worst = Math.max(worst, Math.abs(a.g[i] - b.g[i])); mag = Math.max(mag, Math.abs(b.g[i])); }
    expect(worst / mag).toBeLessThan(1e-5);
    tf.dispose([h, W]);
  });

  it('is not used where the backend is not wasm', async () => {
    await tf.setBackend('cpu');
    expect(fusedSoftmaxXentAvailable()).toBe(false);
    expect(wasmHeap()).toBeNull();
    await tf.setBackend('wasm');
  });
});
