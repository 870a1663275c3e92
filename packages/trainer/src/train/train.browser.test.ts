// The browser-safe core in Chromium (vitest browser mode): train() runs on cpu, wasm and webgpu (SwiftShader) with
// checkpoints in a memory storage; the losses decrease and agree with cpu; a run stopped and resumed in the page
// repeats the uninterrupted history bit for bit; Node-only options are refused with a clear error; no tensor leaks.
import { describe, it, expect } from 'vitest';
import { tf, useBackend, createModel, setWasmPaths, type ModelConfig } from '@glyphlm/transformer-core';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { hash32 } from '../data/sampler.js';
import type { CorpusData } from '../data/types.js';
import { train, memoryStorage, TrainOptionError, type TrainOptions, type HistoryEntry } from './index.js';

setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded });

const cfg: ModelConfig = { vocabSize: 40, nEmbed: 16, dModel: 32, nLayer: 2, nHead: 4, blockSize: 16 };

function stream(n: number, seed: number): Uint32Array {
  const a = new Uint32Array(n);
  let x = hash32(seed);
  for (let i = 0; i < n; i++) {
    x = hash32(x + i);
    a[i] = i === 0 || x % 6 === 0 ? x % cfg.vocabSize : (a[i - 1] + 1) % cfg.vocabSize;
  }
  return a;
}

const data: CorpusData = {
  train: stream(4000, 1), val: stream(600, 2), vocabSize: cfg.vocabSize,
  meta: {
    tokenizer: 'test', tokenizerFingerprint: 'tok', fingerprint: 'browser-data', separatorId: 0,
    documents: { train: 1, val: 1 }, chars: 4600, tokens: { train: 4000, val: 600 },
  },
};

const options = (extra: Partial<TrainOptions> = {}): Omit<TrainOptions, 'model'> => ({
  data, steps: 12, batchSize: 4, blockSize: 12, seed: 2, lr: 5e-3, minLr: 5e-4, warmupSteps: 2, weightDecay: 0.1, gradClip: 1,
  gradAccumSteps: 2, evalEvery: 6, evalBatches: 2, ...extra,
});

const numbers = (h: HistoryEntry[]) => h.map(({ step, loss, valLoss, lr, gradNorm, tokens }) => ({ step, loss, valLoss, lr, gradNorm, tokens }));

describe('train() in chromium', () => {
  // SwiftShader runs each WebGPU dispatch on the CPU (seconds per step here), so this run is short: 1 layer, 4 steps
  it('runs on cpu, wasm and webgpu: losses fall and agree with cpu; checkpoints in memory; no leaks', async () => {
    expect('gpu' in navigator).toBe(true);
    const small: ModelConfig = { ...cfg, nLayer: 1 };
    const losses: Record<string, number[]> = {};
    for (const be of ['cpu', 'wasm', 'webgpu'] as const) {
      expect(await useBackend(be)).toBe(be);
      const n0 = tf.memory().numTensors;
      const model = createModel(small, { embedding: 'trainable', seed: 3 });
      const storage = memoryStorage();
      const run = await train({ model, ...options({ steps: 4, gradAccumSteps: 1, evalEvery: 0, evalBatches: 1, checkpointDir: storage, checkpointEvery: 2 }) });
      expect(run.step).toBe(4);
      expect(await storage.list('')).toEqual(['latest.json', 'step-000002', 'step-000004']);
      losses[be] = run.history.map((e) => e.loss);
      expect(run.history[3].valLoss).toBeGreaterThan(0);
      model.dispose();
      expect(tf.memory().numTensors).toBe(n0);
    }
    expect(losses.cpu[3]).toBeLessThan(losses.cpu[0] - 0.1);
    for (const be of ['wasm', 'webgpu']) {
      losses[be].forEach((l, i) => expect(Math.abs(l - losses.cpu[i]), `${be} step ${i + 1}`).toBeLessThan(2e-3 * losses.cpu[i]));
    }
  }, 600_000);

  it('stopped and resumed from a memory storage: the same history bit for bit (wasm)', async () => {
    await useBackend('wasm');
    const make = () => createModel(cfg, { embedding: 'trainable', seed: 4 });
    const full = make();
    const whole = await train({ model: full, ...options({ dropout: 0.1 }) });
    const storage = memoryStorage();
    const ac = new AbortController();
    const first = make();
    await train({ model: first, ...options({ dropout: 0.1, checkpointDir: storage, signal: ac.signal, onProgress: (e) => { if (e.step === 5) ac.abort(); } }) });
    first.dispose();
    const second = make();
    const rest = await train({ model: second, ...options({ dropout: 0.1, checkpointDir: storage, resume: true }) });
    expect(rest.resumedFrom).toBe(5);
    expect(numbers(rest.history)).toEqual(numbers(whole.history));
    full.dispose();
    second.dispose();
  });

  it('refuses Node-only options with an error naming the field', async () => {
    await useBackend('wasm');
    const model = createModel(cfg, { embedding: 'trainable', seed: 1 });
    const dir = await train({ model, ...options({ checkpointDir: '/tmp/ckpt' }) }).catch((e) => e);
    expect(dir).toBeInstanceOf(TrainOptionError);
    expect(dir.field).toBe('checkpointDir');
    expect(dir.message).toMatch(/needs Node; in a browser pass a storage object \{ read, write, rename, list, remove \}/);
    const workers = await train({ model, ...options({ workers: 2 }) }).catch((e) => e);
    expect(workers.field).toBe('workers');
    expect(workers.message).toMatch(/needs Node worker threads/);
    model.dispose();
  });
});
