// Backend agreement in Chromium: one checkpoint (made in the page) gives the same logits (1e-3) on cpu, wasm and
// webgpu; generation and scoring agree and leave no tensors behind.
import { describe, it, expect } from 'vitest';
import { WasmDecoder } from './wasm/wasm-decoder.js';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { tf, useBackend, createModel, loadCheckpoint, saveCheckpoint } from './index.js';
import { Rng } from './rng.js';

setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded });

const cfg = { vocabSize: 300, nEmbed: 32, dModel: 64, nLayer: 2, nHead: 4, blockSize: 64 };
const ids = [[1, 7, 299, 45, 13, 100, 250, 3], [5, 5, 5, 6, 6, 6, 200, 201]];

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('in chromium', () => {
  it('cpu, wasm and webgpu agree on one checkpoint; generate/logprobs leave no tensors', async () => {
    expect('gpu' in navigator).toBe(true);
    expect(await useBackend('cpu')).toBe('cpu');
    const data = new Rng(1).normal(new Float32Array(300 * 32), 1);
    const m0 = createModel(cfg, { embedding: { rows: 300, dim: 32, data }, seed: 2 });
    const ckpt = await saveCheckpoint(m0);
    m0.dispose();
    const results: Record<string, { logits: Float32Array; gen: number[]; lp: number }> = {};
    for (const be of ['cpu', 'wasm', 'webgpu'] as const) {
      expect(await useBackend(be)).toBe(be);
      const n0 = tf.memory().numTensors;
      const m = await loadCheckpoint(ckpt, be === 'webgpu' ? { maxShardBytes: 100 * 32 * 4 } : {});
      const n1 = tf.memory().numTensors;
      const logits = await m.logits(ids);
      const gen: number[] = [];
      for await (const t of m.generate([1, 2, 3], { maxNewTokens: 4 })) gen.push(t);
      if (be === 'wasm') {
        // the page's wasm heap takes the fused decoder too, and it streams what the tfjs path streams
        expect(WasmDecoder.supports(m)).toBe(true);
        const run = async (fastDecode: boolean) => { const r: number[] = []; for await (const t of m.generate([9, 8, 7], { maxNewTokens: 40, fastDecode })) r.push(t); return r; };
        expect(await run(true)).toEqual(await run(false));
      }
      const lp = (await m.logprobs([{ context: [1, 2, 3, 4], continuation: [5, 6] }]))[0].sum;
      m.loss(ids, ids).dispose();
      expect(tf.memory().numTensors).toBe(n1);
      m.dispose();
      expect(tf.memory().numTensors).toBe(n0);
      results[be] = { logits, gen, lp };
    }
    expect(maxAbsDiff(results.wasm.logits, results.cpu.logits)).toBeLessThan(1e-3);
    expect(maxAbsDiff(results.webgpu.logits, results.cpu.logits)).toBeLessThan(1e-3);
    expect(results.wasm.gen).toEqual(results.cpu.gen);
    expect(results.webgpu.gen).toEqual(results.cpu.gen);
    expect(Math.abs(results.webgpu.lp - results.cpu.lp)).toBeLessThan(1e-3);
  });
});
