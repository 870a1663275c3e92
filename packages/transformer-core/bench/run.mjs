// pnpm bench: training (forward + backward + AdamW) tokens/s and MFU against the wasm matMul ceiling measured in
// this run, for the small presets with frozen and trainable embeddings; generation tokens/s at batch 1; and the
// PyTorch twin (interop/python/twin.py bench, Debian torch on 2 threads) on the same configs, with the ratios.
// Env: BENCH_STEPS (timed training steps, default 3, median), BENCH_TORCH=0 to skip PyTorch, BENCH_ONLY=<preset>,
// BENCH_TRAIN=0 for generation only, BENCH_DP=0 to skip the 2-worker training.
import { execFileSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf, useBackend, createModel, presets, AdamW, trainFlopsPerToken, parameterCount } from '../dist/index.js';
import { createHeadPool } from '../dist/node.js';


const here = dirname(fileURLToPath(import.meta.url));
const twin = join(here, '../../../interop/python/twin.py');
const STEPS = Number(process.env.BENCH_STEPS ?? 3);
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const fmt = (x, d = 1) => (x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(d));

const backend = await useBackend('wasm');
console.log(`# @glyphlm/transformer-core bench: backend ${backend}, 1 thread (tfjs-wasm has no threads in Node), node ${process.version}`);

function matmulCeiling() {
  const n = 1024;
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  tf.matMul(a, b).dispose();
  const rates = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
    rates.push((2 * n ** 3) / (performance.now() - t0) / 1e6);
  }
  a.dispose();
  b.dispose();
  return median(rates);
}

function randomMatrix(c, seed) {
  let s = seed;
  const data = new Float32Array(c.vocabSize * c.nEmbed);
  for (let i = 0; i < data.length; i++) { s = (s * 1103515245 + 12345) >>> 0; data[i] = s / 2 ** 32 - 0.5; }
  return { rows: c.vocabSize, dim: c.nEmbed, data };
}

async function trainBench(name, B, kind) {
  const cfg = presets[name];
  const T = cfg.blockSize;
  const m = createModel(cfg, { embedding: kind === 'frozen' ? randomMatrix(cfg, 1) : 'trainable', seed: 1 });
  let s = 7;
  const rnd = () => { s = (s * 1103515245 + 12345) >>> 0; return Math.floor((s / 2 ** 32) * cfg.vocabSize); };
  const seq = Array.from({ length: B }, () => Array.from({ length: T + 1 }, rnd));
  const ids = seq.map((r) => r.slice(0, T));
  const tg = seq.map((r) => r.slice(1));
  const opt = new AdamW();
  const times = [];
  const ceilBefore = matmulCeiling();
  for (let i = 0; i <= STEPS; i++) {
    const t0 = performance.now();
    const loss = opt.minimize(() => m.loss(ids, tg), m.trainableVariables);
    await loss.data();
    loss.dispose();
    if (i > 0) times.push(performance.now() - t0);
  }
  const peakMB = tf.memory().numBytes / 1e6;
  opt.dispose();
  m.dispose();
  const ms = median(times);
  const tps = (B * T) / (ms / 1000);
  // this VM's speed drifts by up to 1.5x over minutes: the ceiling is measured right before and after these steps
  const ceiling = Math.max(ceilBefore, matmulCeiling());
  return { ms, tps, gflops: (tps * trainFlopsPerToken(cfg, T)) / 1e9, peakMB, ceiling };
}

async function genBench(name, promptLen, newTokens) {
  const cfg = presets[name];
  const m = createModel(cfg, { embedding: 'trainable', seed: 1 });
  const prompt = Array.from({ length: promptLen }, (_, i) => (i * 7919 + 3) % cfg.vocabSize);
  const pool = await createHeadPool(m, { workers: 1 });
  // fused: the default (wasm SIMD decoder, 1 core); two: fused + the head split over 2 threads (Node head pool);
  // tfjs: fastDecode off (the same math as tfjs ops, for comparison)
  const modes = { fused: {}, two: { headPool: pool }, tfjs: { fastDecode: false } };
  const rates = { fused: [], two: [], tfjs: [] };
  for (let r = 0; r < 3; r++) {
    for (const [k, o] of Object.entries(modes)) {
      const t0 = performance.now();
      let n = 0;
      for await (const _ of m.generate(prompt, { maxNewTokens: newTokens, ...o })) n++;
      rates[k].push(n / ((performance.now() - t0) / 1000));
    }
  }
  await pool.close();
  m.dispose();
  return { fused: median(rates.fused), tfjs: median(rates.tfjs), two: median(rates.two) };
}

// Both cores: 2 worker threads, each with its own wasm instance and half the batch; gradients averaged in JS.
async function dataParallelBench(name, B, kind) {
  const cfg = presets[name];
  const T = cfg.blockSize;
  const table = kind === 'frozen' ? randomMatrix(cfg, 1).data : null;
  const workers = [0, 1].map(() => new Worker(new URL('./dp-worker.mjs', import.meta.url), { workerData: { name, kind, table } }));
  const next = (w) => new Promise((res, rej) => { w.once('message', res); w.once('error', rej); });
  await Promise.all(workers.map(next));
  let s = 7;
  const rnd = () => { s = (s * 1103515245 + 12345) >>> 0; return Math.floor((s / 2 ** 32) * cfg.vocabSize); };
  const seq = Array.from({ length: B }, () => Array.from({ length: T + 1 }, rnd));
  const halves = [seq.slice(0, B / 2), seq.slice(B / 2)];
  const times = [];
  try {
    for (let i = 0; i <= STEPS; i++) {
      const t0 = performance.now();
      const res = await Promise.all(workers.map((w, k) => {
        const p = next(w);
        w.postMessage({ type: 'step', ids: halves[k].map((r) => r.slice(0, T)), targets: halves[k].map((r) => r.slice(1)) });
        return p;
      }));
      const avg = res[0].arrays.map((a, j) => {
        const b = res[1].arrays[j];
        for (let x = 0; x < a.length; x++) a[x] = (a[x] + b[x]) * 0.5;
        return a;
      });
      await Promise.all(workers.map((w, k) => {
        const p = next(w);
        const arrays = k === 0 ? avg.map((a) => a.slice()) : avg;
        w.postMessage({ type: 'apply', arrays }, arrays.map((a) => a.buffer));
        return p;
      }));
      if (i > 0) times.push(performance.now() - t0);
    }
  } finally {
    workers.forEach((w) => w.postMessage({ type: 'close' }));
    await Promise.all(workers.map((w) => new Promise((r) => w.once('exit', r))));
  }
  const ms = median(times);
  const tps = (B * T) / (ms / 1000);
  return { ms, tps, gflops: (tps * trainFlopsPerToken(cfg, T)) / 1e9 };
}

function torchBench(name, B, kind, promptLen, newTokens) {
  if (process.env.BENCH_TORCH === '0') return null;
  if (!existsSync(twin)) return { error: `${twin} not found` };
  const dir = mkdtempSync(join(tmpdir(), 'glyphlm-bench-'));
  try {
    const cfgPath = join(dir, 'config.json');
    writeFileSync(cfgPath, JSON.stringify({ ...presets[name], ropeBase: 10000, dropout: 0, embedding: kind }));
    const out = execFileSync('/usr/bin/python3', [twin, 'bench', '--config', cfgPath, '--prompt-len', String(promptLen),
      '--new-tokens', String(newTokens), '--batch', String(B), '--train-steps', String(process.env.BENCH_TRAIN === '0' ? 0 : STEPS), '--threads', '2'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 900000 });
    return JSON.parse(out.trim().split('\n').pop());
  } catch (e) {
    return { error: String(e.message ?? e).split('\n')[0] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const runs = [
  { name: 'shakespeare-char', B: 4 },
  { name: 'bvv-tiny', B: 8 },
].filter((r) => !process.env.BENCH_ONLY || r.name === process.env.BENCH_ONLY);

const ceil0 = matmulCeiling();
console.log(`wasm matMul ceiling (1024^3, no transpose flags, median of 7): ${fmt(ceil0)} GFLOP/s`);
const rows = [];
for (const r of runs) {
  const cfg = presets[r.name];
  const promptLen = 16;
  const newTokens = cfg.blockSize - promptLen;
  const gen = await genBench(r.name, promptLen, newTokens);
  console.log(`${r.name} generation, batch 1, prompt ${promptLen}, ${newTokens} new tokens (greedy, KV cache): fused wasm decoder ${fmt(gen.fused)} tok/s on 1 core (the default), ${fmt(gen.two)} tok/s with the head on 2 threads; tfjs ops ${fmt(gen.tfjs)} tok/s`);
  if (process.env.BENCH_TRAIN === '0') {
    const py = torchBench(r.name, r.B, 'trainable', promptLen, newTokens);
    rows.push({ ...r, kind: 'generation only', ts: { tps: NaN, gflops: NaN, ceiling: NaN }, dp: null, gen, py, params: parameterCount(cfg) });
    continue;
  }
  for (const kind of ['frozen', 'trainable']) {
    const ts = await trainBench(r.name, r.B, kind);
    const dp = process.env.BENCH_DP === '0' ? null : await dataParallelBench(r.name, r.B, kind);
    const py = torchBench(r.name, r.B, kind, promptLen, newTokens);
    rows.push({ ...r, kind, ts, dp, gen, py, params: parameterCount(cfg) });
    console.log(`${r.name} ${kind} B${r.B} T${cfg.blockSize}: step ${fmt(ts.ms, 0)} ms, ${fmt(ts.tps, 0)} tok/s, ${fmt(ts.gflops)} GFLOP/s (ceiling then ${fmt(ts.ceiling)})` +
      (dp ? `; 2 workers ${fmt(dp.tps, 0)} tok/s` : '') +
      (py?.error ? ` | torch: ${py.error}` : py ? ` | torch ${fmt(py.trainTokensPerSec, 0)} tok/s` : ''));
  }
}
const ceil1 = matmulCeiling();
const ceiling = Math.max(ceil0, ceil1);
console.log(`wasm matMul ceiling again after the runs: ${fmt(ceil1)} GFLOP/s; each row's MFU uses the higher of the ceilings measured right before and after its own steps`);
console.log('');
console.log('| config | embedding | batch x T | TS train tok/s (1 core) | model GFLOP/s | wasm ceiling then | MFU | TS 2 workers tok/s | torch train tok/s (2 thr) | TS/torch (1 core) | TS 2 workers/torch | TS gen tok/s b1: 1 core / 2 threads (tfjs ops) | torch gen tok/s (2 thr) | TS/torch gen: 1 core / 2 threads |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const pt = r.py && !r.py.error ? r.py.trainTokensPerSec : NaN;
  const pg = r.py && !r.py.error ? r.py.generateTokensPerSec : NaN;
  const dpt = r.dp ? r.dp.tps : NaN;
  console.log(`| ${r.name} | ${r.kind} | ${r.B} x ${presets[r.name].blockSize} | ${fmt(r.ts.tps, 0)} | ${fmt(r.ts.gflops)} | ${fmt(r.ts.ceiling)} | ${fmt((100 * r.ts.gflops) / r.ts.ceiling, 0)}% | ${fmt(dpt, 0)} | ${fmt(pt, 0)} | ${fmt(r.ts.tps / pt, 2)} | ${fmt(dpt / pt, 2)} | ${fmt(r.gen.fused)} / ${fmt(r.gen.two)} (${fmt(r.gen.tfjs)}) | ${fmt(pg)} | ${fmt(r.gen.fused / pg, 2)} / ${fmt(r.gen.two / pg, 2)} |`);
}
console.log('\ntargets: training >= 50% of the wasm matMul ceiling; generation at batch 1 >= 3x the PyTorch twin.');
console.log('reference (baselines.md, quiet machine): torch 1.13 KV-cache generation of bvv-tiny 33.5 tok/s; torch training shakespeare-char B4 577, B8 894 tok/s; bvv-tiny B8 450/447 tok/s.');
