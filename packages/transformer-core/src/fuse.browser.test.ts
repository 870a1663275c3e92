// Fusion in Chromium on cpu, wasm and webgpu: fused logits are the weighted average of the members' (1e-6), a fused
// model round-trips through saveFused/loadFused bytes (no Node), and generate/logprobs leave no tensors.
import { describe, it, expect } from 'vitest';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { tf, useBackend, createModel, fuseModels, saveFused, loadFused } from './index.js';
import { Rng } from './rng.js';

setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded });

const cfgA = { vocabSize: 97, nEmbed: 16, dModel: 32, nLayer: 2, nHead: 4, blockSize: 64 };
const cfgB = { vocabSize: 97, nEmbed: 16, dModel: 48, nLayer: 1, nHead: 4, blockSize: 64 };
const ids = [[1, 7, 96, 45, 13, 50, 25, 3], [5, 5, 5, 6, 6, 6, 20, 21]];

describe('fusion in chromium', () => {
  it('cpu, wasm and webgpu: weighted average of the members, byte round trip, no leaks', async () => {
    const data = new Rng(1).normal(new Float32Array(97 * 16), 1);
    for (const be of ['cpu', 'wasm', 'webgpu'] as const) {
      expect(await useBackend(be)).toBe(be);
      const n0 = tf.memory().numTensors;
      const a = createModel(cfgA, { embedding: { rows: 97, dim: 16, data }, seed: 2 });
      const b = createModel(cfgB, { embedding: { rows: 97, dim: 16, data }, seed: 3 });
      const f = await fuseModels([a, b], { weights: [3, 1] });
      const la = await a.logits(ids);
      const lb = await b.logits(ids);
      const lf = await f.logits(ids);
      let m = 0;
      for (let i = 0; i < lf.length; i++) m = Math.max(m, Math.abs(lf[i] - (0.75 * la[i] + 0.25 * lb[i])));
      expect(m, be).toBeLessThan(1e-6);
      const g = await loadFused(await saveFused(f));
      expect(Array.from(await g.logits(ids)), be).toEqual(Array.from(lf));
      const n1 = tf.memory().numTensors;
      const gen: number[] = [];
      for await (const t of g.generate([1, 2, 3], { maxNewTokens: 6 })) gen.push(t);
      const again: number[] = [];
      for await (const t of f.generate([1, 2, 3], { maxNewTokens: 6 })) again.push(t);
      expect(gen, be).toEqual(again);
      await g.logprobs([{ context: [1, 2, 3], continuation: [4, 5] }]);
      expect(tf.memory().numTensors, be).toBe(n1);
      f.dispose();
      g.dispose();
      expect(tf.memory().numTensors, be).toBe(n0);
    }
  });
});
