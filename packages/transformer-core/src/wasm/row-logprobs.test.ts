// The ROW_LOGPROBS kernel on wasm (row-logprobs.ts) against float64 log-softmax and the tfjs ops it replaces
// (logSumExp, gather, sub, argMax) on 30 seeded random logits matrices: vocabularies of 1 to 70,000 (the SIMD body and the scalar tail), spreads from
// 1e-3 to 60, rows with tied maxima (the argmax is the first), many picks per row; and its tensors are freed.
import { describe, expect, it } from 'vitest';
import { onWasmWithKernel } from '../testing/wasm-kernel.js';
import { tf } from '../tf.js';
import { Rng } from '../rng.js';
import { ROW_LOGPROBS, runRowLogprobs } from '../fast-kernels.js';

describe('ROW_LOGPROBS kernel (wasm)', () => {
  onWasmWithKernel(ROW_LOGPROBS);

  it('equals log-softmax and argMax by tfjs ops on 30 random cases', () => {
    const rng = new Rng(7061);
    for (let c = 0; c < 30; c++) {
      const R = 1 + Math.floor(rng.next() * 5);
      const V = c % 5 === 0 ? 65536 + Math.floor(rng.next() * 4500) : 1 + Math.floor(rng.next() * 300);
      const spread = [1e-3, 1, 10, 60][c % 4];
      const data = Float32Array.from({ length: R * V }, () => (rng.next() - 0.5) * spread);
      // a tied maximum in every other case: the argmax is the first of them
      if (c % 2 === 1) for (let r = 0; r < R; r++) { const a = Math.floor(rng.next() * V), b = Math.floor(rng.next() * V); data[r * V + a] = data[r * V + b] = spread; }
      const picks = Int32Array.from({ length: 1 + Math.floor(rng.next() * 3 * R) }, () => Math.floor(rng.next() * R) * V + Math.floor(rng.next() * V));
      const before = tf.memory().numTensors;
      const [lp, am, refLp, refAm] = tf.tidy(() => {
        const logits = tf.tensor2d(data, [R, V]);
        const p = tf.tensor1d(picks, 'int32');
        const r = runRowLogprobs(logits, p);
        const lse = tf.logSumExp(logits, 1);
        const rows = tf.tensor1d(Int32Array.from(picks, (f) => Math.floor(f / V)), 'int32');
        const ref = tf.sub(tf.gather(tf.reshape(logits, [-1]), p), tf.gather(lse, rows));
        return [r.lp, r.argmax, ref, tf.argMax(logits, 1)];
      });
      const what = `case ${c} (R ${R}, V ${V}, spread ${spread})`;
      expect(lp.shape, what).toEqual([picks.length]);
      expect(am.dtype, what).toBe('int32');
      // against float64 log-softmax: within 2e-6 (relative), and never further than tfjs's float32 ops plus 1e-6
      const a = lp.dataSync(), b = refLp.dataSync();
      for (let i = 0; i < a.length; i++) {
        const r = Math.floor(picks[i] / V);
        let m = -Infinity, s = 0;
        for (let j = 0; j < V; j++) m = Math.max(m, data[r * V + j]);
        for (let j = 0; j < V; j++) s += Math.exp(data[r * V + j] - m);
        const truth = data[picks[i]] - m - Math.log(s);
        expect(Math.abs(a[i] - truth), `${what} pick ${i}`).toBeLessThan(2e-6 * (1 + Math.abs(truth)));
        expect(Math.abs(a[i] - truth), `${what} pick ${i} against tfjs`).toBeLessThanOrEqual(Math.abs(b[i] - truth) + 1e-6);
      }
      expect(Array.from(am.dataSync()), what).toEqual(Array.from(refAm.dataSync()));
      tf.dispose([lp, am, refLp, refAm]);
      expect(tf.memory().numTensors, what).toBe(before);
    }
  });
});
