// The row-softmax kernels (softmax-rows.wat) used by the head cross-entropy and attention: exp (Cephes expf in wasm
// SIMD) against Math.exp over the argument range, scale_rows, and the block-wise row_max / row_expsum equal to the
// whole-row max_expsum over rows split into column blocks (widths not a multiple of 4).
import { describe, expect, it } from 'vitest';
import { softmaxRowsKernel } from './kernel.js';
import { Rng } from '../rng.js';

describe('row-softmax kernels (wasm)', () => {
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

  it('row_max and row_expsum over column blocks equal max_expsum over whole rows', () => {
    const memory = new WebAssembly.Memory({ initial: 16 });
    const k = softmaxRowsKernel(memory)!;
    const F = new Float32Array(memory.buffer);
    const rows = 9, n = 1003, widths = [1, 500, 7, 495];
    const rng = new Rng(4);
    for (let i = 0; i < rows * n; i++) F[i] = (rng.next() - 0.5) * 40;
    const whole = rows * n, stats = whole + 16;
    k.max_expsum(0, 0, rows, n, stats * 4);
    // the same rows laid out block by block: block b is [rows, widths[b]]
    const blk = stats + 2 * rows + 16;
    let off = blk, c0 = 0;
    const m = blk + rows * n + 16, s = m + rows + 4;
    F.fill(-Infinity, m, m + rows);
    F.fill(0, s, s + rows);
    const blocks: Array<[number, number]> = [];
    for (const w of widths) {
      for (let r = 0; r < rows; r++) F.copyWithin(off + r * w, r * n + c0, r * n + c0 + w);
      blocks.push([off, w]);
      off += rows * w;
      c0 += w;
    }
    for (const [o, w] of blocks) k.row_max(o * 4, rows, w, m * 4);
    for (const [o, w] of blocks) k.row_expsum(o * 4, o * 4, rows, w, m * 4, s * 4);
    for (let r = 0; r < rows; r++) {
      expect(F[m + r]).toBe(F[stats + 2 * r]);
      expect(Math.abs(F[s + r] - F[stats + 2 * r + 1]) / F[stats + 2 * r + 1]).toBeLessThan(1e-6);
    }
    // in place: the block now holds exp(x - max) of its row
    const [o1, w1] = blocks[1];
    expect(Math.abs(F[o1 + 3 * w1 + 5] - Math.exp(F[3 * n + 1 + 5] - F[m + 3]))).toBeLessThan(1e-7);
  });
});
