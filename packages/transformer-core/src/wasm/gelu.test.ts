// The fused GELU kernels on wasm: value and derivative against float64 over arguments from -30 to 30 (and a count
// that is not a multiple of 4), special values, and the differentiable gelu() of ops.ts fused against tfjs ops.
import { describe, expect, it } from 'vitest';
import { onWasmWithKernel } from '../testing/wasm-kernel.js';
import { tf } from '../tf.js';
import { Rng } from '../rng.js';
import { gelu } from '../ops.js';
import { geluKernel } from './kernel.js';
import { hasFastKernel, withFastPaths } from '../fast-paths.js';
import { GELU } from '../fast-kernels.js';

const C = Math.sqrt(2 / Math.PI);
const gelu64 = (x: number) => 0.5 * x * (1 + Math.tanh(C * (x + 0.044715 * x ** 3)));
const grad64 = (x: number) => {
  const t = Math.tanh(C * (x + 0.044715 * x ** 3));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * C * (1 + 3 * 0.044715 * x * x);
};

describe('fused GELU (wasm)', () => {
  onWasmWithKernel(GELU);

  it('value (3e-7 relative) and derivative (2e-6 absolute) match float64 from -30 to 30', () => {
    const memory = new WebAssembly.Memory({ initial: 16 }) // 1 MiB: four arrays of 60,001 floats;
    const k = geluKernel(memory)!;
    const F = new Float32Array(memory.buffer);
    const n = 60001; // a tail of 1
    const x = 0, y = n, dy = 2 * n, dx = 3 * n;
    for (let i = 0; i < n; i++) { F[x + i] = Math.fround(-30 + (60 * i) / (n - 1)); F[dy + i] = 1 - (i % 3); }
    k.gelu(4 * x, 4 * y, n);
    k.gelu_grad(4 * x, 4 * dy, 4 * dx, n);
    let worstY = 0, worstG = 0;
    for (let i = 0; i < n; i++) {
      const v = F[x + i];
      worstY = Math.max(worstY, Math.abs(F[y + i] - gelu64(v)) / Math.max(1, Math.abs(v)));
      worstG = Math.max(worstG, Math.abs(F[dx + i] - F[dy + i] * grad64(v)));
    }
    expect(worstY).toBeLessThan(3e-7);
    expect(worstG).toBeLessThan(2e-6); // the tanh error times x (1 - t^2)-terms of up to ~10 near |x| = 3
    // special values: 0, -0, large of both signs, NaN
    const sp = [0, -0, 1e30, -1e30, Number.NaN, 3.4e38];
    sp.forEach((v, i) => { F[x + i] = v; });
    k.gelu(4 * x, 4 * y, sp.length);
    expect(F[y]).toBe(0);
    expect(F[y + 2]).toBe(Math.fround(1e30));
    expect(F[y + 3] === 0 || Number.isNaN(F[y + 3])).toBe(true); // -1e30 * (1 + tanh(-inf)): 0, or NaN like tfjs ops
    expect(Number.isNaN(F[y + 4])).toBe(true);
  });

  it('gelu() and its gradient equal the tfjs-ops path, with no tensors left over', async () => {
    const rng = new Rng(5);
    const data = rng.normal(new Float32Array(37 * 61), 3);
    const dyData = rng.normal(new Float32Array(37 * 61), 1);
    const run = async (enabled: boolean) => {
      return withFastPaths(enabled, async () => {
        const x = tf.tensor2d(data, [37, 61]);
        const dy = tf.tensor2d(dyData, [37, 61]);
        const y = gelu(x);
        const g = tf.grad((a: tf.Tensor) => gelu(a))(x, dy);
        const out = { y: (await y.data()) as Float32Array, g: (await g.data()) as Float32Array };
        tf.dispose([x, dy, y, g]);
        return out;
      });
    };
    const n0 = tf.memory().numTensors;
    const a = await run(true), b = await run(false);
    expect(tf.memory().numTensors).toBe(n0);
    for (let i = 0; i < data.length; i++) {
      expect(Math.abs(a.y[i] - b.y[i])).toBeLessThan(2e-6 * Math.max(1, Math.abs(data[i])));
      expect(Math.abs(a.g[i] - b.g[i])).toBeLessThan(2e-6 * Math.max(1, Math.abs(dyData[i])));
    }
  });

  it('is not used where the backend is not wasm', async () => {
    await tf.setBackend('cpu');
    expect(hasFastKernel(GELU)).toBe(false);
    await tf.setBackend('wasm');
  });
});
