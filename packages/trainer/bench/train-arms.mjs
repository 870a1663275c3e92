// Frozen vs trainable embedding on one core, interleaved, every step timed by wall clock and by this thread's CPU
// time: `node bench/train-arms.mjs [preset] [batch] [rounds]` (ORDER=frozen,trainable to change the order).
// Written to answer why transformer-core's bench showed the frozen arm at 52-58 % MFU against 74-77 % trainable:
// the kernels are the same (the frozen arm only lacks the table's gradient and AdamW), and here the frozen arm costs
// no more CPU per step than the trainable one; what differs is its place: the first arm of a process pays V8's
// wasm tier-up (its first step ~2x, the next one or two 10-50 % more), and that bench timed steps 2-4 of it.
import { tf, useBackend, createModel, presets, AdamW, trainFlopsPerToken } from '@glyphlm/transformer-core';
import { threadCpuMs } from '../dist/node/parallel-cputime.js';

const [name = 'shakespeare-char', batchArg = '4', roundsArg = '2'] = process.argv.slice(2);
const B = Number(batchArg);
await useBackend('wasm');
const cfg = presets[name];
const T = cfg.blockSize;
let s = 7;
const rnd = () => { s = (s * 1103515245 + 12345) >>> 0; return Math.floor((s / 2 ** 32) * cfg.vocabSize); };
const table = { rows: cfg.vocabSize, dim: cfg.nEmbed, data: Float32Array.from({ length: cfg.vocabSize * cfg.nEmbed }, () => rnd() / cfg.vocabSize - 0.5) };
const seq = Array.from({ length: B }, () => Array.from({ length: T + 1 }, rnd));
const ids = seq.map((r) => r.slice(0, T));
const tg = seq.map((r) => r.slice(1));
const flops = B * T * trainFlopsPerToken(cfg, T);

function ceiling() {
  const n = 1024;
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  tf.matMul(a, b).dispose();
  const c0 = threadCpuMs();
  for (let i = 0; i < 5; i++) tf.matMul(a, b).dataSync();
  const cpu = (5 * 2 * n ** 3) / (threadCpuMs() - c0) / 1e6;
  a.dispose();
  b.dispose();
  return cpu;
}

console.log(`${name} B${B} x ${T}: ${(flops / 1e9).toFixed(1)} GFLOP per step; GFLOP/s by wall clock and by thread CPU time`);
for (let r = 0; r < Number(roundsArg); r++) {
  for (const kind of (process.env.ORDER ?? 'frozen,trainable').split(',')) {
    const m = createModel(cfg, { embedding: kind === 'frozen' ? table : 'trainable', seed: 1 });
    const opt = new AdamW({ betas: [0.9, 0.95], weightDecay: 0.1 });
    const wall = [];
    const cpu = [];
    for (let i = 0; i < 4; i++) {
      const k0 = threadCpuMs();
      const t0 = performance.now();
      const l = opt.minimize(() => m.loss(ids, tg), m.trainableVariables);
      l.dataSync();
      l.dispose();
      wall.push(performance.now() - t0);
      cpu.push(threadCpuMs() - k0);
    }
    const ceil = ceiling();
    console.log(`round ${r} ${kind.padEnd(9)} wall GFLOP/s ${wall.map((x) => (flops / x / 1e6).toFixed(1)).join(' ')} | CPU GFLOP/s ${cpu.map((x) => (flops / x / 1e6).toFixed(1)).join(' ')} | CPU-time ceiling ${ceil.toFixed(1)} -> MFU of the last step ${((100 * flops) / cpu[3] / 1e6 / ceil).toFixed(0)}%`);
    opt.dispose();
    m.dispose();
  }
}
