// The QKV_HEADS kernel on wasm (qkv-heads.ts) against infer.ts's tfjs-ops path for the same step: 40 seeded random
// shapes (batch rows, equal or ragged lengths, heads, head sizes, start positions, scales), every query, transposed
// key and value piece bit for bit, and the kernel's tensors are freed with the step's.
import { describe, expect, it } from 'vitest';
import { onWasmWithKernel } from '../testing/wasm-kernel.js';
import { tf } from '../tf.js';
import { Rng } from '../rng.js';
import { qkvHeads } from '../infer.js';
import { rotaryTables } from '../rotary.js';
import { withFastPaths } from '../fast-paths.js';
import { QKV_HEADS } from '../fast-kernels.js';

describe('QKV_HEADS kernel (wasm)', () => {
  onWasmWithKernel(QKV_HEADS);

  it('equals the tfjs-ops path bit for bit on 40 random shapes', async () => {
    const rng = new Rng(20261206);
    for (let c = 0; c < 40; c++) {
      const B = 1 + Math.floor(rng.next() * 3), Tn = 1 + Math.floor(rng.next() * 9), H = 1 + Math.floor(rng.next() * 4);
      const hd = 2 * (1 + Math.floor(rng.next() * 8)), pos0 = Math.floor(rng.next() * 50), d = H * hd;
      const scale = c % 2 === 0 ? 1 / Math.sqrt(hd) : 1;
      // every third case ragged: row b has lens[b] tokens, the rows one after the other
      const lens = c % 3 === 2 ? Array.from({ length: B }, () => 1 + Math.floor(rng.next() * Tn)) : null;
      const N = lens ? lens.reduce((a, l) => a + l, 0) : B * Tn;
      const data = Float32Array.from({ length: N * 3 * d }, () => rng.next() * 4 - 2);
      const { cos: cA, sin: sA } = rotaryTables(hd, pos0, Tn, 10000);
      const run = (fast: boolean) => withFastPaths(fast, () => tf.tidy(() => {
        const qkv = tf.tensor2d(data, [N, 3 * d]);
        const r = qkvHeads(qkv, B, Tn, H, tf.tensor3d(cA, [Tn, 1, hd / 2]), tf.tensor3d(sA, [Tn, 1, hd / 2]), scale, lens);
        return [...r.qs, ...r.kTns, ...r.vsNew];
      }));
      const before = tf.memory().numTensors;
      const fast = await run(true);
      const plain = await run(false);
      expect(fast.length).toBe(3 * B * H);
      for (let i = 0; i < fast.length; i++) {
        const rowLen = lens ? lens[Math.floor((i % (B * H)) / H)] : Tn;
        expect(fast[i].shape, `case ${c} piece ${i}`).toEqual(plain[i].shape);
        expect(fast[i].size, `case ${c} piece ${i}`).toBe(rowLen * hd);
        expect(Array.from(fast[i].dataSync()), `case ${c} (B ${B}, Tn ${Tn}, lens ${lens}, H ${H}, hd ${hd}) piece ${i}`).toEqual(Array.from(plain[i].dataSync()));
      }
      [...fast, ...plain].forEach((t) => t.dispose());
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});
