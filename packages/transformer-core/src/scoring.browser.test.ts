// Scoring (scoring.ts) in Chromium on webgpu (SwiftShader) and wasm: MMLU-like items whose choices share one input
// (a shared header, a question, a space, then one of four letters) score as the uncached path on the same backend and
// as cpu, through runs of identical inputs (one forward each), the joined-keys prefix extension and the last block
// run only at the scored rows; no tensor is left behind.
import { describe, it, expect } from 'vitest';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { tf, useBackend, loadCheckpoint, saveCheckpoint, createModel } from './index.js';
import { Rng } from './rng.js';

setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded });

// heads of 16 dims: a question of more than 16 new tokens takes the joined-keys attention
const cfg = { vocabSize: 300, nEmbed: 32, dModel: 64, nLayer: 2, nHead: 4, blockSize: 64 };

function items(): Array<{ context: number[]; continuation: number[] }> {
  const rng = new Rng(3);
  const ids = (n: number) => Array.from({ length: n }, () => Math.floor(rng.next() * 300));
  const header = ids(12);
  const out: Array<{ context: number[]; continuation: number[] }> = [];
  for (let q = 0; q < 5; q++) {
    const context = q === 4 ? ids(30) : [...header, ...ids(4 + 6 * q)];
    for (const letter of [10, 11, 12, 13]) out.push({ context, continuation: [7, letter] });
  }
  return out;
}

describe('in chromium', () => {
  it('items of one input per choice set score alike on cpu, wasm and webgpu, cache on and off', async () => {
    expect(await useBackend('cpu')).toBe('cpu');
    const m0 = createModel(cfg, { embedding: { rows: 300, dim: 32, data: new Rng(1).normal(new Float32Array(300 * 32), 1) }, seed: 2 });
    const ckpt = await saveCheckpoint(m0);
    m0.dispose();
    const reqs = items();
    const sums: Record<string, number[]> = {};
    for (const be of ['cpu', 'wasm', 'webgpu'] as const) {
      expect(await useBackend(be)).toBe(be);
      const m = await loadCheckpoint(ckpt);
      const n0 = tf.memory().numTensors;
      const on = await m.logprobs(reqs, { batchSize: 4 });
      const off = await m.logprobs(reqs, { prefixCache: false, batchSize: 8 });
      expect(tf.memory().numTensors).toBe(n0);
      m.dispose();
      on.forEach((r, i) => expect(Math.abs(r.sum - off[i].sum)).toBeLessThan(be === 'webgpu' ? 1e-3 : 1e-5));
      sums[be] = on.map((r) => r.sum);
    }
    for (const be of ['wasm', 'webgpu']) sums[be].forEach((s, i) => expect(Math.abs(s - sums.cpu[i])).toBeLessThan(1e-3));
  });
});
