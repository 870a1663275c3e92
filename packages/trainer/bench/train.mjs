// pnpm bench (training): tokens/s of the data-parallel engine (@glyphlm/trainer/node createWorkerEngine) with 1
// and 2 computing threads on nanoGPT's shakespeare-char config (batch 4 x 256) and bvv-tiny (batch 8 x 256), frozen
// and trainable embedding, against the PyTorch twin's own training loop (interop/python/twin.py bench, 2 threads)
// on the same config and batch in the same run. MFU per worker is against the 1024^3 wasm matMul ceiling measured
// on this thread right before and after each row's steps (the VM drifts by up to 1.5x within minutes).
// Env: BENCH_STEPS (timed steps per arm, default 3, median), BENCH_WARMUP (untimed steps first, default 2), BENCH_ONLY=<preset>,
// BENCH_KIND=frozen|trainable, BENCH_TORCH=0 (skip PyTorch), BENCH_ALT=1 (also 2 worker threads with this thread
// idle), BENCH_ROUNDS (default 1: repeats each row's arms interleaved).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf, useBackend, createModel, presets, trainFlopsPerToken } from '@glyphlm/transformer-core';
import { createWorkerEngine } from '../dist/node/parallel.js';
import { threadCpuMs } from '../dist/node/parallel-cputime.js';

const here = dirname(fileURLToPath(import.meta.url));
const twin = join(here, '../../../interop/python/twin.py');
const STEPS = Number(process.env.BENCH_STEPS ?? 3);
// a fresh worker's wasm code starts in V8's baseline tier and is optimized while it runs: the first steps of every
// arm are slower (the first ~2x, the second ~10 %), so each arm warms up before it is timed
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const fmt = (x, d = 1) => (x === undefined || x === null || Number.isNaN(x) ? 'n/a' : x.toFixed(d));

await useBackend('wasm');

/** GFLOP/s of a 1024^3 matMul on this thread's wasm backend: median of 7 by wall time, and by this thread's CPU time. */
export function matmulCeilings() {
  const n = 1024;
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  tf.matMul(a, b).dispose();
  const rates = [];
  const c0 = threadCpuMs();
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
    rates.push((2 * n ** 3) / (performance.now() - t0) / 1e6);
  }
  const cpu = (7 * 2 * n ** 3) / (threadCpuMs() - c0) / 1e6;
  a.dispose();
  b.dispose();
  return { wall: median(rates), cpu };
}

function lcg(seed) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

function glyphLikeTable(cfg) {
  const r = lcg(1);
  return { rows: cfg.vocabSize, dim: cfg.nEmbed, data: Float32Array.from({ length: cfg.vocabSize * cfg.nEmbed }, () => r() - 0.5) };
}

function batch(cfg, B, seed) {
  const r = lcg(seed);
  const T = cfg.blockSize;
  const ids = new Int32Array(B * T);
  const targets = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const row = Array.from({ length: T + 1 }, () => Math.floor(r() * cfg.vocabSize));
    ids.set(row.slice(0, T), b * T);
    targets.set(row.slice(1), b * T);
  }
  return { ids, targets, B, T };
}

/**
 * Median step time (ms) of the engine on `threads` threads over STEPS steps after WARMUP untimed ones, the median phase
 * times of those steps, and the CPU time the process used per step (all threads; robust to a busy machine).
 */
async function engineArm(name, B, kind, threads, mainComputes = true) {
  const cfg = presets[name];
  const model = createModel(cfg, { embedding: kind === 'frozen' ? glyphLikeTable(cfg) : 'trainable', seed: 1 });
  const engine = await createWorkerEngine(model, { workers: threads, mainComputes, lr: 1e-3 });
  const times = [];
  const phases = [];
  let cpu = 0;
  try {
    for (let i = 0; i < WARMUP + STEPS; i++) {
      const micro = [batch(cfg, B, 100 + i)];
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await engine.step({ micro, lr: 1e-3, gradClip: 1, dropout: 0, dropoutSeeds: [0] });
      if (i >= WARMUP) {
        times.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpu += (c.user + c.system) / 1000;
        phases.push(engine.lastStepTimings);
      }
    }
  } finally {
    await engine.dispose();
    model.dispose();
  }
  const ph = (k) => median(phases.map((p) => p[k]));
  const perThread = phases[0].perThread.map((_, t) => median(phases.map((p) => p.perThread[t])));
  const perThreadCpu = phases[0].perThread.map((_, t) => median(phases.map((p) => p.perThreadCpu[t])));
  return { ms: median(times), cpuMs: cpu / STEPS, phases: { gradients: ph('gradients'), perThread, perThreadCpu, reduce: ph('reduce'), update: ph('update'), upload: ph('upload') } };
}

const phaseLine = (a) => `grads ${a.phases.perThread.map((x) => x.toFixed(0)).join(' / ')} ms (slowest ${a.phases.gradients.toFixed(0)}; thread CPU ${a.phases.perThreadCpu.map((x) => x.toFixed(0)).join(' / ')} ms), reduce ${a.phases.reduce.toFixed(0)}, AdamW ${a.phases.update.toFixed(0)}, upload ${a.phases.upload.toFixed(0)}; CPU ${(a.cpuMs / 1000).toFixed(2)} s per step (${(a.cpuMs / a.ms).toFixed(2)} cores)`;

function torchArm(name, B, kind) {
  if (process.env.BENCH_TORCH === '0') return { error: 'skipped (BENCH_TORCH=0)' };
  if (!existsSync(twin)) return { error: `${twin} not found` };
  const dir = mkdtempSync(join(tmpdir(), 'glyphlm-train-bench-'));
  try {
    const cfgPath = join(dir, 'config.json');
    writeFileSync(cfgPath, JSON.stringify({ ...presets[name], ropeBase: 10000, dropout: 0, embedding: kind }));
    const out = execFileSync('/usr/bin/python3', [twin, 'bench', '--config', cfgPath, '--prompt-len', '1', '--new-tokens', '1',
      '--batch', String(B), '--train-steps', String(STEPS), '--threads', '2'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 1_800_000 });
    return JSON.parse(out.trim().split('\n').pop());
  } catch (e) {
    return { error: String(e.message ?? e).split('\n')[0] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Rows of thread t when B rows are split over `threads` (as the engine's rowRange). */
function rowRange(B, threads, t) {
  const base = Math.floor(B / threads);
  return base + (t < B % threads ? 1 : 0);
}

const runs = [
  { name: 'shakespeare-char', B: 4 },
  { name: 'bvv-tiny', B: 8 },
].filter((r) => !process.env.BENCH_ONLY || r.name === process.env.BENCH_ONLY);
const kinds = ['frozen', 'trainable'].filter((k) => !process.env.BENCH_KIND || k === process.env.BENCH_KIND);

console.log(`# @glyphlm/trainer training bench: createWorkerEngine on tfjs wasm (1 thread per replica), node ${process.version}; ${STEPS} timed steps per arm (median) after ${WARMUP} untimed, PyTorch twin on 2 threads`);
const rows = [];
for (const r of runs) {
  const cfg = presets[r.name];
  const T = cfg.blockSize;
  const flopsPerToken = trainFlopsPerToken(cfg, T);
  for (const kind of kinds) {
    const arms = { w1: [], w2: [], alt: [], torch: [] };
    let ceiling = 0;
    let ceilingCpu = 0;
    const ceil = () => {
      const c = matmulCeilings();
      ceiling = Math.max(ceiling, c.wall);
      ceilingCpu = Math.max(ceilingCpu, c.cpu);
    };
    for (let round = 0; round < ROUNDS; round++) {
      ceil();
      arms.w1.push(await engineArm(r.name, r.B, kind, 1));
      arms.w2.push(await engineArm(r.name, r.B, kind, 2));
      if (process.env.BENCH_ALT === '1') arms.alt.push(await engineArm(r.name, r.B, kind, 2, false));
      ceil();
      const py = torchArm(r.name, r.B, kind);
      if (py.error) console.log(`  torch: ${py.error}`);
      else arms.torch.push(py.trainTokensPerSec);
    }
    const tok = r.B * T;
    const tps = (a) => (a.length === 0 ? NaN : tok / (median(a.map((x) => x.ms)) / 1000));
    const row = {
      ...r, kind, ceiling,
      w1: tps(arms.w1), w2: tps(arms.w2), alt: tps(arms.alt),
      torch: arms.torch.length ? median(arms.torch) : NaN,
    };
    row.mfu1 = (row.w1 * flopsPerToken) / 1e9 / ceiling;
    row.mfu2 = (row.w2 * flopsPerToken) / 1e9 / 2 / ceiling;
    // by CPU time: each thread's share of the step's FLOPs over the CPU time its gradients took, against the
    // ceiling's own CPU-time rate (what the threads achieve while they run, whatever else the machine does)
    const cpuMfu = (a, t, threads) => (((rowRange(r.B, threads, t) * T * flopsPerToken) / a.phases.perThreadCpu[t]) / 1e6) / ceilingCpu;
    const last = (a) => a[a.length - 1];
    row.cpuMfu1 = cpuMfu(last(arms.w1), 0, 1);
    row.cpuMfu2 = [0, 1].map((t) => cpuMfu(last(arms.w2), t, 2));
    rows.push(row);
    console.log(`${r.name} ${kind} B${r.B} x ${T}: 1 thread ${fmt(row.w1, 0)} tok/s (MFU ${fmt(100 * row.mfu1, 0)}%), 2 threads ${fmt(row.w2, 0)} tok/s (MFU per worker ${fmt(100 * row.mfu2, 0)}%)` +
      (arms.alt.length ? `, 2 worker threads + idle main ${fmt(row.alt, 0)} tok/s` : '') + `, torch ${fmt(row.torch, 0)} tok/s; ceiling ${fmt(ceiling)} GFLOP/s`);
    console.log(`  by thread CPU time (ceiling ${fmt(ceilingCpu)} GFLOP/s of CPU time): gradients at ${fmt(100 * row.cpuMfu1, 0)}% MFU on 1 thread, ${row.cpuMfu2.map((x) => fmt(100 * x, 0) + '%').join(' / ')} on 2 threads`);
    console.log(`  profile, 1 thread: ${phaseLine(arms.w1[arms.w1.length - 1])}`);
    console.log(`  profile, 2 threads: ${phaseLine(arms.w2[arms.w2.length - 1])}`);
    if (arms.alt.length) console.log(`  profile, 2 workers + idle main: ${phaseLine(arms.alt[arms.alt.length - 1])}`);
  }
}
console.log('');
console.log('| config | embedding | batch x T | wasm ceiling GFLOP/s | TS 1 thread tok/s | MFU | TS 2 threads tok/s | MFU per worker | speed-up | torch 2 thr tok/s | TS 1 / torch | TS 2 / torch |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.name} | ${r.kind} | ${r.B} x ${presets[r.name].blockSize} | ${fmt(r.ceiling)} | ${fmt(r.w1, 0)} | ${fmt(100 * r.mfu1, 0)}% | ${fmt(r.w2, 0)} | ${fmt(100 * r.mfu2, 0)}% | ${fmt(r.w2 / r.w1, 2)}x | ${fmt(r.torch, 0)} | ${fmt(r.w1 / r.torch, 2)} | ${fmt(r.w2 / r.torch, 2)} |`);
}
const met = rows.every((r) => r.w2 / r.torch >= 0.5);
console.log(`\ntarget: 2 threads >= 0.5x PyTorch on every row: ${rows.some((r) => Number.isNaN(r.torch)) ? 'n/a (no torch figures)' : met ? 'met' : 'NOT met'}`);
