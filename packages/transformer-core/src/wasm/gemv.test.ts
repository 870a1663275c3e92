// The wasm SIMD gemv kernel: the committed module is what gemv.wat assembles to, and on random shapes (column
// tails, row remainders, strided rows, accumulate) it equals a float64 reference to float32 rounding, both in a
// fresh memory and inside tfjs-backend-wasm's heap on real tensors.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tf } from '../tf.js';
import { Rng } from '../rng.js';
import { gemvKernel } from './kernel.js';

const script = fileURLToPath(new URL('../../../../scripts/build-wasm-kernels.mjs', import.meta.url));
const kernelDir = fileURLToPath(new URL('.', import.meta.url));

describe('gemv kernel', () => {
  it('the committed gemv.wasm.ts is the assembly of gemv.wat', () => {
    expect(() => execFileSync(process.execPath, [script, '--check', kernelDir], { stdio: 'pipe' })).not.toThrow();
  });

  it('equals a float64 reference on 300 random shapes, strides and accumulate flags', () => {
    const memory = new WebAssembly.Memory({ initial: 256 }); // 16 MiB
    const g = gemvKernel(memory)!;
    expect(g).toBeTypeOf('function');
    const rng = new Rng(5);
    const F = new Float32Array(memory.buffer);
    for (let t = 0; t < 300; t++) {
      const d = 1 + Math.floor(rng.next() * 70);
      const n = 1 + Math.floor(rng.next() * (t % 3 === 0 ? 3000 : 90)); // crosses the 1024-column blocks
      const ldw = n + (t % 2 ? Math.floor(rng.next() * 9) : 0);
      const acc = t % 4 === 1 ? 1 : 0;
      // x, w, y at 4-byte (not 16-byte) aligned offsets
      const xi = 3 + Math.floor(rng.next() * 5), wi = xi + d + 1, yi = wi + d * ldw + 2;
      for (let i = 0; i < d; i++) F[xi + i] = rng.next() * 2 - 1;
      for (let i = 0; i < d * ldw; i++) F[wi + i] = rng.next() * 2 - 1;
      const y0 = Float32Array.from({ length: n }, () => rng.next() * 2 - 1);
      F.set(y0, yi);
      F[yi + n] = 12345; // the float after y must not be touched
      g(xi * 4, wi * 4, ldw, yi * 4, d, n, acc);
      for (let j = 0; j < n; j++) {
        let s = acc ? y0[j] : 0;
        let mag = Math.abs(s);
        for (let r = 0; r < d; r++) { s += F[xi + r] * F[wi + r * ldw + j]; mag += Math.abs(F[xi + r] * F[wi + r * ldw + j]); }
        expect(Math.abs(F[yi + j] - s)).toBeLessThanOrEqual(1e-6 * mag + 1e-30);
      }
      expect(F[yi + n]).toBe(12345);
    }
  });

  it('computes on tensors in the tfjs-backend-wasm heap exactly as tfjs matMul does', async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    const b = tf.backend() as unknown as { wasm: { asm: { memory: WebAssembly.Memory } }; dataIdMap: { get(id: object): { memoryOffset: number } } };
    const g = gemvKernel(b.wasm.asm.memory)!;
    const off = (t: tf.Tensor) => b.dataIdMap.get(t.dataId).memoryOffset;
    for (const [d, n] of [[256, 4099], [96, 384], [7, 13]]) {
      const x = tf.randomNormal([1, d], 0, 1, 'float32', d);
      const w = tf.randomNormal([d, n], 0, 1, 'float32', n);
      const y = tf.zeros([n]);
      g(off(x), off(w), n, off(y), d, n, 0);
      const want = tf.matMul(x, w);
      const got = await y.data();
      const ref = await want.data();
      let err = 0;
      for (let j = 0; j < n; j++) err = Math.max(err, Math.abs(got[j] - ref[j]) / (1 + Math.abs(ref[j])));
      expect(err).toBeLessThan(1e-5);
      tf.dispose([x, w, y, want]);
    }
  });
});
