// The LAYER_NORM kernel on wasm (layer-norm.ts beside this file): over 30 seeded random shapes (1-300 rows, 2-512
// columns, means and scales far from 0 and 1) it equals layerNormRow, the fused decoder's row math, bit for bit, is
// within one float32 rounding of a float64 LayerNorm, and never further from it than the tfjs-ops LayerNorm (whose
// float32 moments lose digits when the mean is large against the spread: up to ~4e-4 here); odd and even widths take
// every tail of the SIMD loops; nothing is left behind.
import { describe, expect, it } from 'vitest';
import { onWasmWithKernel } from '../testing/wasm-kernel.js';
import { tf } from '../tf.js';
import { Rng } from '../rng.js';
import { layerNormInfer, layerNormRow } from '../layer-norm.js';
import { withFastPaths } from '../fast-paths.js';
import { LAYER_NORM } from '../fast-kernels.js';

describe('LAYER_NORM kernel (wasm)', () => {
  onWasmWithKernel(LAYER_NORM);

  it('equals layerNormRow bit for bit and float64 to a rounding (closer than the tfjs ops) on 30 random shapes', async () => {
    const rng = new Rng(4242);
    const n0 = tf.memory().numTensors;
    for (let c = 0; c < 30; c++) {
      const rows = 1 + Math.floor(rng.next() * 300), d = 2 + Math.floor(rng.next() * 511);
      const shift = (rng.next() - 0.5) * 20, scale = 0.01 + rng.next() * 10;
      const data = Float32Array.from({ length: rows * d }, () => shift + scale * (rng.next() - 0.5));
      const x = tf.tensor2d(data, [rows, d]);
      const fast = await withFastPaths(true, () => layerNormInfer(x));
      const ops = await withFastPaths(false, () => layerNormInfer(x));
      const want = new Float32Array(rows * d);
      for (let r = 0; r < rows; r++) layerNormRow(data, r * d, want, r * d, d);
      const got = fast.dataSync() as Float32Array;
      expect(Array.from(got), `case ${c} (${rows} x ${d})`).toEqual(Array.from(want));
      const o = ops.dataSync();
      let worst64 = 0, worstOps = 0;
      for (let r = 0; r < rows; r++) {
        let m = 0, v = 0;
        for (let i = 0; i < d; i++) m += data[r * d + i];
        m /= d;
        for (let i = 0; i < d; i++) v += (data[r * d + i] - m) ** 2;
        const inv = 1 / Math.sqrt(v / d + 1e-5);
        for (let i = 0; i < d; i++) {
          const ref = (data[r * d + i] - m) * inv, k = r * d + i;
          worst64 = Math.max(worst64, Math.abs(got[k] - ref) / Math.max(1, Math.abs(ref)));
          worstOps = Math.max(worstOps, Math.abs(o[k] - ref) / Math.max(1, Math.abs(ref)));
        }
      }
      expect(worst64, `case ${c} (${rows} x ${d})`).toBeLessThan(2.5e-7);
      expect(worst64, `case ${c} (${rows} x ${d}): kernel against ops`).toBeLessThanOrEqual(Math.max(worstOps, 2.5e-7));
      expect(worstOps, `case ${c} (${rows} x ${d})`).toBeLessThan(1e-3);
      [x, fast, ops].forEach((t) => t.dispose());
    }
    expect(tf.memory().numTensors).toBe(n0);
  });
});
