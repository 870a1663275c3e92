// Backend agreement in Node: one checkpoint gives the same logits (1e-3) on cpu, wasm and webgpu (Dawn `webgpu`
// package on chromium's SwiftShader Vulkan ICD), plus the leak checks and a training step on webgpu. Skips webgpu with
// a message when no adapter can be created.
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tf, useBackend, createModel, loadCheckpoint, saveCheckpoint, AdamW, type ModelConfig } from './index.js';
import { Rng } from './rng.js';

tf.env().set('IS_TEST', false);

function swiftshaderIcd(): string | undefined {
  if (process.env.VK_ICD_FILENAMES) return process.env.VK_ICD_FILENAMES;
  try {
    const files = execFileSync('dpkg', ['-L', 'chromium-common'], { encoding: 'utf8' }).split('\n');
    return files.find((f) => f.endsWith('vk_swiftshader_icd.json') && existsSync(f));
  } catch {
    return existsSync('/usr/lib/chromium/vk_swiftshader_icd.json') ? '/usr/lib/chromium/vk_swiftshader_icd.json' : undefined;
  }
}
const icd = swiftshaderIcd();
if (icd) process.env.VK_ICD_FILENAMES = icd;

// small, but with nEmbed < dModel, 2 layers and a vocab larger than one shard when sharding is forced
const cfg: ModelConfig = { vocabSize: 300, nEmbed: 32, dModel: 64, nLayer: 2, nHead: 4, blockSize: 64 };
let ckpt: { config: string; weights: Uint8Array };
const ids = [[1, 7, 299, 45, 13, 100, 250, 3, 9, 77], [5, 5, 5, 6, 6, 6, 200, 201, 202, 0]];
const reference: Record<string, Float32Array> = {};

let webgpuOk = false;
let webgpuWhy = '';

beforeAll(async () => {
  await useBackend('cpu');
  const rng = new Rng(1);
  const data = rng.normal(new Float32Array(300 * 32), 1);
  const m = createModel(cfg, { embedding: { rows: 300, dim: 32, data }, seed: 2 });
  ckpt = await saveCheckpoint(m);
  reference.cpu = await m.logits(ids);
  m.dispose();
  try {
    await useBackend('webgpu');
    webgpuOk = true;
  } catch (e) {
    webgpuWhy = (e as Error).message;
  }
}, 120000);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('backends agree on one checkpoint', () => {
  it('wasm logits equal cpu logits (1e-3)', async () => {
    await useBackend('wasm');
    const m = await loadCheckpoint(ckpt);
    reference.wasm = await m.logits(ids);
    expect(maxAbsDiff(reference.wasm, reference.cpu)).toBeLessThan(1e-3);
    m.dispose();
  });

  it('webgpu (Dawn + SwiftShader): logits, sharded tables, loss/grad step, generate, logprobs, no leaks', async (ctx) => {
    if (!webgpuOk) {
      console.warn(`webgpu skipped: ${webgpuWhy}`);
      ctx.skip();
    }
    expect(await useBackend('webgpu')).toBe('webgpu');
    const n0 = tf.memory().numTensors;
    const m = await loadCheckpoint(ckpt);
    const sharded = await loadCheckpoint(ckpt, { maxShardBytes: 100 * 32 * 4 }); // 3 embedding / 4 head shards
    expect(sharded.embedding.parts.length).toBe(3);
    expect(sharded.head.parts.length).toBeGreaterThan(1);
    const nModels = tf.memory().numTensors;
    const lg = await m.logits(ids);
    expect(maxAbsDiff(lg, reference.cpu)).toBeLessThan(1e-3);
    expect(maxAbsDiff(await sharded.logits(ids), reference.cpu)).toBeLessThan(1e-3);
    const tg = ids.map((r) => r.map((x) => (x + 1) % 300));
    m.loss(ids, tg).dispose();
    const gen: number[] = [];
    for await (const t of m.generate([1, 2, 3], { maxNewTokens: 4 })) gen.push(t);
    const genS: number[] = [];
    for await (const t of sharded.generate([1, 2, 3], { maxNewTokens: 4 })) genS.push(t);
    expect(genS).toEqual(gen);
    const lp = await m.logprobs([{ context: [1, 2, 3, 4], continuation: [5, 6] }, { context: [1, 2, 3, 9], continuation: [8] }]);
    expect(lp.length).toBe(2);
    expect(tf.memory().numTensors).toBe(nModels);
    // one AdamW step on webgpu matches the same step on cpu
    const opt = new AdamW({ lr: 1e-2 });
    opt.minimize(() => m.loss(ids, tg), m.trainableVariables).dispose();
    const afterGpu = await m.stateDict();
    opt.dispose();
    m.dispose();
    sharded.dispose();
    expect(tf.memory().numTensors).toBe(n0);
    await useBackend('cpu');
    const c = await loadCheckpoint(ckpt);
    const genC: number[] = [];
    for await (const t of c.generate([1, 2, 3], { maxNewTokens: 4 })) genC.push(t);
    expect(gen).toEqual(genC);
    const optC = new AdamW({ lr: 1e-2 });
    optC.minimize(() => c.loss(ids, tg), c.trainableVariables).dispose();
    const afterCpu = await c.stateDict();
    for (const [k, v] of afterCpu) expect(maxAbsDiff(v.data, afterGpu.get(k)!.data), k).toBeLessThan(1e-4);
    optC.dispose();
    c.dispose();
  }, 300000);
});
