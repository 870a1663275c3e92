// The contract from the built package (dist/, what plain Node imports), and two-core generation through the Node
// head pool (worker threads) giving exactly the tokens of single-thread generation.
import { describe, it, expect } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const distIndex = new URL('../dist/index.js', import.meta.url);
const built = existsSync(distIndex);
if (!built) console.warn('dist/ not built: run `pnpm build` (the dist tests are skipped)');

describe.skipIf(!built)('dist build', () => {
  it('the contract works from dist/, including the two-core head pool', async () => {
    const core = await import(/* @vite-ignore */ distIndex.href);
    const node = await import(/* @vite-ignore */ new URL('../dist/node.js', import.meta.url).href);
    const { tf, useBackend, createModel, presets, parameterCount, saveCheckpoint, loadCheckpoint, AdamW } = core;
    tf.env().set('IS_TEST', false);
    expect(await useBackend('auto')).toBe('wasm');
    expect(parameterCount(presets['bvv-335m'])).toBe(335_544_320);
    const cfg = { vocabSize: 3000, nEmbed: 32, dModel: 64, nLayer: 2, nHead: 4, blockSize: 96 };
    const model = createModel(cfg, { embedding: 'trainable', seed: 3 });
    const n0 = tf.memory().numTensors;
    const opt = new AdamW();
    opt.minimize(() => model.loss([[1, 2, 3, 4]], [[2, 3, 4, 5]]), model.trainableVariables).dispose();
    const prompt = [5, 17, 2999, 40];
    const plain: number[] = [];
    for await (const id of model.generate(prompt, { maxNewTokens: 50 })) plain.push(id);
    const pool = await node.createHeadPool(model, { workers: 1 });
    try {
      const pooled: number[] = [];
      for await (const id of model.generate(prompt, { maxNewTokens: 50, headPool: pool })) pooled.push(id);
      expect(pooled).toEqual(plain);
      const pooledTfjs: number[] = [];
      for await (const id of model.generate(prompt, { maxNewTokens: 50, headPool: pool, fastDecode: false })) pooledTfjs.push(id);
      expect(pooledTfjs).toEqual(plain);
      const sampled = async (p?: unknown) => {
        const r: number[] = [];
        for await (const id of model.generate(prompt, { maxNewTokens: 20, temperature: 1, topK: 50, seed: 4, headPool: p })) r.push(id);
        return r;
      };
      expect(await sampled(pool)).toEqual(await sampled());
    } finally {
      await pool.close();
    }
    const lp = await model.logprobs([{ context: prompt, continuation: plain.slice(0, 3) }]);
    expect(lp[0].isGreedy).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'glyphlm-dist-'));
    try {
      await saveCheckpoint(model, dir, { dtype: 'F32' });
      const back = await loadCheckpoint(dir);
      const a = await model.logits([prompt]);
      const b = await back.logits([prompt]);
      expect(Math.max(...a.map((v: number, i: number) => Math.abs(v - b[i])))).toBe(0);
      back.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    opt.dispose();
    expect(tf.memory().numTensors).toBe(n0);
    model.dispose();
  }, 120000);
});
