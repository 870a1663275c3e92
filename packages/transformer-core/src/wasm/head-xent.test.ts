// The vocabulary-blocked head cross-entropy on wasm: loss and both gradients against the row-chunk path (tfjs ops)
// and a float64 computation, over block widths that do and do not divide the vocabulary, several row chunks,
// ignored targets, targets in every block and a head in column shards; the heap regions it registers are all
// released (XNNPACK would otherwise keep stale packings), and no tensors are left over.
import { describe, expect, it } from 'vitest';
import { onWasmWithKernel } from '../testing/wasm-kernel.js';
import { tf } from '../tf.js';
import { Rng } from '../rng.js';
import { headCrossEntropy } from '../head.js';
import { defaultBlockCols } from './head-xent.js';
import { hasFastKernel, withFastPaths } from '../fast-paths.js';
import { HEAD_XENT } from '../fast-kernels.js';
import { HeapMatMul } from './xnn-matmul.js';
import { wasmHeap } from './heap.js';

interface Run { loss: number; noTape: number; dh: Float32Array; dW: Float32Array }

async function lossAndGrads(h: tf.Tensor2D, W: tf.Variable, tg: Int32Array, blocked: boolean, blockCols = 0, chunkRows = 0): Promise<Run> {
  return withFastPaths(blocked, async () => {
    const hv = tf.variable(h);
    const tiling = { blockCols, chunkRows };
    const { value, grads } = tf.variableGrads(() => headCrossEntropy(hv, [W], tg, tiling) as tf.Scalar, [hv, W]);
    const out = { loss: (await value.data())[0], dh: (await grads[hv.name].data()) as Float32Array, dW: (await grads[W.name].data()) as Float32Array, noTape: 0 };
    const nt = headCrossEntropy(h, [W], tg, tiling);
    out.noTape = (await nt.data())[0];
    tf.dispose([value, nt, hv, ...Object.values(grads)]);
    return out;
  });
}

function maxRel(a: Float32Array, b: Float32Array | Float64Array): number {
  let worst = 0, mag = 0;
  for (let i = 0; i < a.length; i++) { worst = Math.max(worst, Math.abs(a[i] - b[i])); mag = Math.max(mag, Math.abs(b[i])); }
  return worst / mag;
}

describe('vocabulary-blocked head cross-entropy (wasm)', () => {
  onWasmWithKernel(HEAD_XENT);

  it.each([
    [300, 24, 1003, 128, 64], // ragged last block, 5 chunks with a short last one
    [64, 32, 4096, 1024, 0], // blocks divide V, one chunk
    [50, 16, 97, 4096, 7], // one block wider than V, many chunks
    [40, 8, 130, 1, 40], // one column per block
  ])('N %i, d %i, V %i, %i columns per block, chunk rows %i: equals the row-chunk path and float64', async (N, d, V, blockCols, chunkRows) => {
    const rng = new Rng(N * V + d);
    const hData = rng.normal(new Float32Array(N * d), 1);
    const wData = rng.normal(new Float32Array(d * V), 0.3);
    const h = tf.tensor2d(hData, [N, d]);
    const W = tf.variable(tf.tensor2d(wData, [d, V]));
    // targets in every block and at both block edges; every 7th ignored
    const tg = Int32Array.from({ length: N }, (_, i) => (i % 7 === 3 ? -1 : i % 5 === 0 ? (i * blockCols) % V : i % 5 === 1 ? Math.min(V - 1, blockCols - 1) : Math.floor(rng.next() * V)));
    const n0 = tf.memory().numTensors;
    const heap = wasmHeap()!;
    const idsBefore = (heap.backend as unknown as { dataIdNextNumber: number }).dataIdNextNumber;
    const a = await lossAndGrads(h, W, tg, true, blockCols, chunkRows);
    expect((heap.backend as unknown as { dataIdNextNumber: number }).dataIdNextNumber).toBeGreaterThan(idsBefore); // it did run
    const b = await lossAndGrads(h, W, tg, false);
    expect(tf.memory().numTensors).toBe(n0);
    expect(Math.abs(a.loss - b.loss) / b.loss).toBeLessThan(1e-6);
    expect(Math.abs(a.noTape - a.loss) / a.loss).toBeLessThan(1e-6);
    expect(maxRel(a.dh, b.dh)).toBeLessThan(1e-5);
    expect(maxRel(a.dW, b.dW)).toBeLessThan(1e-5);
    // float64
    let nValid = 0;
    for (const t of tg) if (t >= 0) nValid++;
    const dh64 = new Float64Array(N * d), dW64 = new Float64Array(d * V);
    let loss64 = 0;
    const z = new Float64Array(V);
    for (let r = 0; r < N; r++) {
      if (tg[r] < 0) continue;
      let m = -Infinity;
      for (let v = 0; v < V; v++) {
        let s = 0;
        for (let c = 0; c < d; c++) s += hData[r * d + c] * wData[c * V + v];
        z[v] = s;
        m = Math.max(m, s);
      }
      let sum = 0;
      for (let v = 0; v < V; v++) sum += Math.exp(z[v] - m);
      loss64 += Math.log(sum) + m - z[tg[r]];
      for (let v = 0; v < V; v++) {
        const g = (Math.exp(z[v] - m) / sum - (v === tg[r] ? 1 : 0)) / nValid;
        for (let c = 0; c < d; c++) {
          dh64[r * d + c] += g * wData[c * V + v];
          dW64[c * V + v] += g * hData[r * d + c];
        }
      }
    }
    expect(Math.abs(a.loss - loss64 / nValid) / (loss64 / nValid)).toBeLessThan(1e-5);
    expect(maxRel(a.dh, dh64)).toBeLessThan(1e-4);
    expect(maxRel(a.dW, dW64)).toBeLessThan(1e-4);
    tf.dispose([h, W]);
  });

  it('gives the same gradients on a second call after the head changed (no stale XNNPACK packing)', async () => {
    const rng = new Rng(11);
    const h = tf.tensor2d(rng.normal(new Float32Array(64 * 16), 1), [64, 16]);
    const W = tf.variable(tf.tensor2d(rng.normal(new Float32Array(16 * 300), 0.3), [16, 300]));
    const tg = Int32Array.from({ length: 64 }, () => Math.floor(rng.next() * 300));
    await lossAndGrads(h, W, tg, true, 64, 16);
    W.assign(tf.tidy(() => tf.mul(W, -2)));
    const a = await lossAndGrads(h, W, tg, true, 64, 16);
    const b = await lossAndGrads(h, W, tg, false);
    expect(Math.abs(a.loss - b.loss) / b.loss).toBeLessThan(1e-6);
    expect(maxRel(a.dW, b.dW)).toBeLessThan(1e-5);
    expect(maxRel(a.dh, b.dh)).toBeLessThan(1e-5);
    tf.dispose([h, W]);
  });

  it('joins column shards of the head and splits the gradient back, equal to the ops path on the same shards', async () => {
    const rng = new Rng(21);
    const N = 70, d = 12, widths = [100, 37, 200];
    const h = tf.tensor2d(rng.normal(new Float32Array(N * d), 1), [N, d]);
    const Ws = widths.map((w) => tf.variable(tf.tensor2d(rng.normal(new Float32Array(d * w), 0.3), [d, w])));
    const V = widths.reduce((a, b) => a + b, 0);
    const tg = Int32Array.from({ length: N }, (_, i) => (i % 9 === 0 ? -1 : Math.floor(rng.next() * V)));
    const run = async (blocked: boolean) => {
      return withFastPaths(blocked, async () => {
        const { value, grads } = tf.variableGrads(() => headCrossEntropy(h, Ws, tg, { blockCols: 64, chunkRows: 32 }) as tf.Scalar, Ws);
        const out = { loss: (await value.data())[0], g: await Promise.all(Ws.map((w) => grads[w.name].data() as Promise<Float32Array>)) };
        tf.dispose([value, ...Object.values(grads)]);
        return out;
      });
    };
    const n0 = tf.memory().numTensors;
    const a = await run(true), b = await run(false);
    expect(tf.memory().numTensors).toBe(n0);
    expect(Math.abs(a.loss - b.loss) / b.loss).toBeLessThan(1e-6);
    a.g.forEach((g, i) => {
      expect(g.length).toBe(d * widths[i]);
      expect(maxRel(g, b.g[i])).toBeLessThan(1e-5);
    });
    tf.dispose([h, ...Ws]);
  });

  it('HeapMatMul refuses shapes that do not fit, and block widths follow the head width', () => {
    const mm = new HeapMatMul(wasmHeap()!.backend);
    const a = mm.region(0, 4, 8), b = mm.region(0, 9, 2), o = mm.region(0, 4, 2);
    expect(() => mm.matMul(a, b, o)).toThrow(/\[4, 8\] @ \[9, 2\] -> \[4, 2\]/);
    mm.releaseAll();
    expect(defaultBlockCols(256)).toBe(1024);
    expect(defaultBlockCols(1024)).toBe(256);
    expect(defaultBlockCols(16)).toBe(4096);
  });

  it('is not used where the backend is not wasm', async () => {
    await tf.setBackend('cpu');
    expect(hasFastKernel(HEAD_XENT)).toBe(false);
    await tf.setBackend('wasm');
  });
});
