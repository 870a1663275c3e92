// tfjs is a peer dependency: the model runs on the user's tfjs instance. A plain Node process (no bundler, no
// vitest transform) imports @tensorflow/tfjs-core itself, registers a backend of its own the way
// @tensorflow/tfjs-node(-gpu) registers 'tensorflow' (its kernels under a new backend name, a higher priority, no
// setBackend call), then imports dist/ and trains, scores and generates: every kernel must run on that backend.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const distIndex = new URL('../../dist/index.js', import.meta.url);
const built = existsSync(distIndex);
if (!built) console.warn('dist/ not built: run `pnpm build` (the user-tfjs test is skipped)');

const script = `
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
const seen = new Map();
for (const k of tf.getKernelsForBackend('cpu')) {
  tf.registerKernel({ ...k, backendName: 'user-cpu', kernelFunc: (a) => { seen.set(k.kernelName, (seen.get(k.kernelName) ?? 0) + 1); return k.kernelFunc(a); } });
}
tf.registerBackend('user-cpu', () => new MathBackendCPU(), 10);
const core = await import(${JSON.stringify(distIndex.href)});
const cfg = { vocabSize: 97, nEmbed: 16, dModel: 32, nLayer: 2, nHead: 4, blockSize: 16 };
const run = () => {
  const model = core.createModel(cfg, { embedding: 'trainable', seed: 5 });
  const opt = new core.AdamW({ lr: 1e-2 });
  const losses = [];
  for (let i = 0; i < 3; i++) {
    const l = opt.minimize(() => model.loss([[1, 2, 3, 4, 5, 6]], [[2, 3, 4, 5, 6, 7]]), model.trainableVariables, true);
    losses.push(l.dataSync()[0]);
    l.dispose();
  }
  return { model, losses };
};
await tf.ready();
const backendAtStart = tf.getBackend();
const { model, losses } = run();
const lp = await model.logprobs([{ context: [1, 2, 3], continuation: [4, 5] }]);
const ids = [];
for await (const id of model.generate([1, 2, 3], { maxNewTokens: 5 })) ids.push(id);
const userCpu = { losses, loglik: lp[0].logprob, ids, backend: tf.getBackend() };
await tf.setBackend('cpu');
const { model: m2, losses: cpuLosses } = run();
const lp2 = await m2.logprobs([{ context: [1, 2, 3], continuation: [4, 5] }]);
console.log(JSON.stringify({ sameTf: core.tf === tf, backendAtStart, userCpu, cpu: { losses: cpuLosses, loglik: lp2[0].logprob }, kernels: Object.fromEntries(seen) }));
`;

describe.skipIf(!built)('tfjs as a peer dependency', () => {
  it("the model runs on a backend the user registered on their own tfjs, with the user's tfjs namespace", () => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: packageDir, encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    expect(r.sameTf).toBe(true);
    expect(r.backendAtStart).toBe('user-cpu');
    expect(r.userCpu.backend).toBe('user-cpu');
    // forward, backward and AdamW kernels all ran on the user's backend
    for (const k of ['BatchMatMul', 'Softmax', 'Sum', 'Multiply', 'Sqrt', 'GatherV2']) expect(r.kernels[k], k).toBeGreaterThan(0);
    // the same kernels on tfjs's own cpu backend give the same numbers
    expect(r.userCpu.losses).toEqual(r.cpu.losses);
    expect(r.userCpu.loglik).toBe(r.cpu.loglik);
    expect(r.userCpu.ids).toHaveLength(5);
    expect(r.userCpu.losses[2]).toBeLessThan(r.userCpu.losses[0]);
  });
});
