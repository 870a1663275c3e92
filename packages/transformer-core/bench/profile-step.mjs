// Profiles one training step (forward + backward + AdamW) kernel by kernel on wasm: time per kernel name and shape,
// sorted, with the share of the step. `node bench/profile-step.mjs [preset] [batch] [frozen|trainable]`.
import { tf, useBackend, createModel, presets, AdamW, trainFlopsPerToken } from '../dist/index.js';

const [name = 'bvv-tiny', Bs = '8', kind = 'trainable'] = process.argv.slice(2);
const B = Number(Bs);
await useBackend('wasm');
const cfg = presets[name];
const T = cfg.blockSize;
let s = 7;
const rnd = () => { s = (s * 1103515245 + 12345) >>> 0; return Math.floor((s / 2 ** 32) * cfg.vocabSize); };
const table = () => ({ rows: cfg.vocabSize, dim: cfg.nEmbed, data: Float32Array.from({ length: cfg.vocabSize * cfg.nEmbed }, () => rnd() / cfg.vocabSize - 0.5) });
const m = createModel(cfg, { embedding: kind === 'frozen' ? table() : 'trainable', seed: 1 });
const seq = Array.from({ length: B }, () => Array.from({ length: T + 1 }, rnd));
const ids = seq.map((r) => r.slice(0, T));
const tg = seq.map((r) => r.slice(1));
const opt = new AdamW();
const step = () => { const l = opt.minimize(() => m.loss(ids, tg), m.trainableVariables); l.dataSync(); l.dispose(); };
step();
const t0 = performance.now();
step();
const wall = performance.now() - t0;
const info = await tf.profile(step);
const agg = new Map();
let total = 0;
for (const k of info.kernels) {
  const key = `${k.name} ${k.inputShapes.map((x) => `[${x}]`).join(' ')}`;
  const t = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
  const a = agg.get(key) ?? { n: 0, ms: 0 };
  a.n++; a.ms += t; total += t;
  agg.set(key, a);
}
const byName = new Map();
for (const [key, a] of agg) { const n = key.split(' ')[0]; byName.set(n, (byName.get(n) ?? 0) + a.ms); }
const flops = B * T * trainFlopsPerToken(cfg, T);
console.log(`${name} ${kind} B${B}: step ${wall.toFixed(0)} ms unprofiled (${(flops / wall / 1e6).toFixed(1)} GFLOP/s); kernels sum ${total.toFixed(0)} ms over ${info.kernels.length} kernels`);
console.log('by kernel:');
for (const [n, ms] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${n.padEnd(28)} ${ms.toFixed(0).padStart(6)} ms ${(100 * ms / total).toFixed(1).padStart(5)}%`);
console.log('by kernel and shape:');
for (const [k, a] of [...agg].sort((a, b) => b[1].ms - a[1].ms).slice(0, 40)) console.log(`  ${a.ms.toFixed(0).padStart(6)} ms x${String(a.n).padStart(4)}  ${k}`);
