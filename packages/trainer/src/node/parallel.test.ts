// Tests of the data-parallel engine (parallel.ts) against a plain single-thread loop: same losses and weights to
// float32 tolerance with 1, 2 and 3 threads, replicas bit-identical, exact continuation from optimizer state,
// NaN detection before any change, threads gone after dispose, bad options refused before any thread starts.
// Needs the built worker script: `pnpm --filter @glyphlm/trainer build`.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tf, useBackend, createModel, presets, AdamW, clipGradNorm, GPT, type StateDict, type ModelConfig, type EmbeddingMatrix } from '@glyphlm/transformer-core';
import { NonFiniteError, type MicroBatch } from '../train/engine.js';
import { closeWorkerPool, createWorkerEngine } from './parallel.js';
import { createLocalEngine } from '../train/local-engine.js';
import { makeLayout, reduceRange, splitRange, variableAt } from './parallel-reduce.js';
import { rowRange, splitStep } from './parallel-split.js';
import { adamwRange, adamwScalars } from './parallel-adamw.js';
import { allocateShared, sharedKernels } from './parallel-kernels.js';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

await useBackend('wasm');

const cfg: ModelConfig = { ...presets['test-tiny'] };
const T = 24;

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

/** Random micro-batches; some targets ignored (-1), one row fully ignored. */
function makeSteps(seed: number, steps: number, accum: number, B: number): MicroBatch[][] {
  const r = lcg(seed);
  return Array.from({ length: steps }, () => Array.from({ length: accum }, () => {
    const ids = new Int32Array(B * T);
    const targets = new Int32Array(B * T);
    for (let i = 0; i < B * T; i++) {
      ids[i] = Math.floor(r() * cfg.vocabSize);
      targets[i] = r() < 0.1 ? -1 : Math.floor(r() * cfg.vocabSize);
    }
    if (B > 2) targets.fill(-1, T, 2 * T);
    return { ids, targets, B, T };
  }));
}

function table(seed: number): EmbeddingMatrix {
  const r = lcg(seed);
  return { rows: cfg.vocabSize, dim: cfg.nEmbed, data: Float32Array.from({ length: cfg.vocabSize * cfg.nEmbed }, () => r() - 0.5) };
}

const LR = 3e-3;
const CLIP = 0.5;

/** The single-thread reference: token-weighted mean over all micro-batches, clipGradNorm, AdamW of transformer-core. */
async function referenceRun(model: GPT, steps: MicroBatch[][]): Promise<number[]> {
  const opt = new AdamW({ lr: LR, betas: [0.9, 0.95], eps: 1e-8, weightDecay: 0.1 });
  const losses: number[] = [];
  for (const micro of steps) {
    const flat = (k: 'ids' | 'targets') => {
      const out = new Int32Array(micro.reduce((a, m) => a + m[k].length, 0));
      let o = 0;
      for (const m of micro) { out.set(m[k], o); o += m[k].length; }
      return out;
    };
    const B = micro.reduce((a, m) => a + m.B, 0);
    const { value, grads } = tf.variableGrads(() => model.loss({ data: flat('ids'), shape: [B, T] }, { data: flat('targets'), shape: [B, T] }, { dropout: 0 }), model.trainableVariables);
    losses.push((await value.data())[0]);
    value.dispose();
    await clipGradNorm(grads, CLIP);
    opt.applyGradients(grads);
    Object.values(grads).forEach((g) => g.dispose());
  }
  opt.dispose();
  return losses;
}

async function engineRun(model: GPT, steps: MicroBatch[][], workers: number, mainComputes = true) {
  const engine = await createWorkerEngine(model, { workers, lr: LR, mainComputes });
  try {
    const losses: number[] = [];
    for (const micro of steps) losses.push((await engine.step({ micro, lr: LR, gradClip: CLIP, dropout: 0, dropoutSeeds: micro.map(() => 0) })).loss);
    const replicas = await engine.replicaStateDicts();
    const evalLoss = await engine.evalLoss(steps[0]);
    return { losses, replicas, evalLoss };
  } finally {
    await engine.dispose();
  }
}

/**
 * Largest relative L2 difference of one tensor. (Elementwise comparisons do not fit Adam: an entry whose gradient
 * is ~0 moves by +-lr on the sign of float32 noise, so weights agree in norm, not in every entry.)
 */
function maxRelDiff(a: StateDict, b: StateDict): number {
  let worst = 0;
  for (const [name, t] of a) {
    const u = b.get(name)!.data;
    let d = 0;
    let n = 0;
    for (let i = 0; i < t.data.length; i++) { d += (t.data[i] - u[i]) ** 2; n += u[i] ** 2; }
    worst = Math.max(worst, Math.sqrt(d / n));
  }
  return worst;
}

function bitIdentical(a: StateDict, b: StateDict): boolean {
  if (a.size !== b.size) return false;
  for (const [name, t] of a) {
    const u = b.get(name);
    if (!u || u.data.length !== t.data.length) return false;
    if (!Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).equals(Buffer.from(u.data.buffer, u.data.byteOffset, u.data.byteLength))) return false;
  }
  return true;
}

describe('work split', () => {
  it('cuts rows into contiguous blocks covering each row once, weights summing to 1', () => {
    for (let B = 1; B <= 9; B++) {
      for (let n = 1; n <= 4; n++) {
        const seen: number[] = [];
        for (let t = 0; t < n; t++) { const [a, b] = rowRange(B, n, t); for (let r = a; r < b; r++) seen.push(r); }
        expect(seen).toEqual(Array.from({ length: B }, (_, i) => i));
      }
    }
    const steps = makeSteps(5, 1, 3, 5)[0];
    const { perThread, total } = splitStep(steps, 3);
    const w = perThread.flat().reduce((a, b) => a + b.weight, 0);
    expect(w).toBeCloseTo(1, 12);
    expect(perThread.flat().reduce((a, b) => a + b.valid, 0)).toBe(total);
  });

  it('reduce sums the slots, returns the squared norm and the first non-finite entry, named by variable', () => {
    const layout = makeLayout(['a', 'b', 'c'], [[3, 2], [5], [2, 2]]);
    const r = lcg(9);
    const slots = [0, 1].map(() => Float32Array.from({ length: layout.total }, () => r() - 0.5));
    const expect0 = slots[0].map((x, i) => Math.fround(x + slots[1][i]));
    const parts = splitRange(layout.total, 2).map(([lo, hi]) => reduceRange(slots, lo, hi));
    expect(Array.from(slots[0])).toEqual(Array.from(expect0));
    expect(parts[0].sumSq + parts[1].sumSq).toBeCloseTo(expect0.reduce((a, x) => a + x * x, 0), 10);
    slots[1][8] = NaN;
    slots[1][13] = Infinity;
    const bad = splitRange(layout.total, 2).map(([lo, hi]) => reduceRange(slots, lo, hi));
    const first = Math.min(...bad.map((p) => p.firstBad).filter((i) => i >= 0));
    expect(first).toBe(8);
    expect(layout.names[variableAt(layout, first)]).toBe('b');
    expect(layout.names[variableAt(layout, 13)]).toBe('c');
  });
});

describe('fused AdamW', () => {
  it('is bit-identical to transformer-core AdamW (with decay, clip factor, several steps, many seeds)', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const r = lcg(seed);
      const n = 3001;
      const wd = seed % 3 === 0 ? 0 : 0.1;
      const hyper = { betas: [0.9, seed % 2 ? 0.95 : 0.999] as [number, number], eps: 1e-8, weightDecay: wd };
      const p0 = Float32Array.from({ length: n }, () => (r() - 0.5) * 0.1);
      const variable = tf.variable(tf.tensor1d(p0), true, `adamw-parity-${seed}`);
      const opt = new AdamW({ lr: 1e-3, ...hyper });
      const [p, m, v] = [p0.slice(), new Float32Array(n), new Float32Array(n)];
      for (let t = 1; t <= 4; t++) {
        const g = Float32Array.from({ length: n }, (_, i) => (i % 97 === 0 ? 0 : (r() - 0.5) * 10 ** (-1 - 6 * r())));
        const lr = 1e-3 * t * (1 + seed);
        const coef = t === 2 ? 0.37 : 1;
        opt.lr = lr;
        const gt = tf.tidy(() => (coef === 1 ? tf.tensor1d(g) : tf.mul(tf.tensor1d(g), coef)));
        opt.applyGradients({ [variable.name]: gt });
        gt.dispose();
        adamwRange(p, m, v, g, 0, 1700, adamwScalars(hyper, lr, t, coef));
        adamwRange(p, m, v, g, 1700, n, adamwScalars(hyper, lr, t, coef));
      }
      expect(Buffer.from(((await variable.data()) as Float32Array).buffer).equals(Buffer.from(p.buffer)), `seed ${seed}`).toBe(true);
      const st = await opt.stateDict();
      expect(Buffer.from(st.expAvg.get(variable.name)!.data.buffer).equals(Buffer.from(m.buffer))).toBe(true);
      expect(Buffer.from(st.expAvgSq.get(variable.name)!.data.buffer).equals(Buffer.from(v.buffer))).toBe(true);
      opt.dispose();
      variable.dispose();
    }
  });
});

describe('wasm SIMD kernels on the shared memory', () => {
  it('the committed module matches parallel-kernels.wat', () => {
    const script = fileURLToPath(new URL('../../scripts/build-parallel-kernels.mjs', import.meta.url));
    execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' });
  });

  it('reduce and AdamW give the same bits as the JS loops (odd lengths, ranges, NaN found)', () => {
    const n = 4099;
    const { buffer, memory } = allocateShared(6 * n * 4);
    const kernels = sharedKernels(memory);
    expect(kernels).not.toBeNull();
    const view = (k: number) => new Float32Array(buffer, k * n * 4, n);
    const [a, b, p, m, v] = [0, 1, 2, 3, 4].map(view);
    for (let seed = 1; seed <= 5; seed++) {
      const r = lcg(seed);
      const fill = () => Float32Array.from({ length: n }, () => (r() - 0.5) * 10 ** (-4 * r()));
      const [a0, b0, p0] = [fill(), fill(), fill()];
      const [lo, hi] = [seed, n - 2 * seed];
      a.set(a0); b.set(b0);
      const viaKernel = reduceRange([a, b], lo, hi, kernels);
      const ka = a.slice();
      a.set(a0);
      const viaJs = reduceRange([a, b], lo, hi);
      expect(Buffer.from(ka.buffer).equals(Buffer.from(a.slice().buffer))).toBe(true);
      expect(Math.abs(viaKernel.sumSq - viaJs.sumSq)).toBeLessThan(1e-12 * viaJs.sumSq);
      const hyper = { betas: [0.9, 0.95] as [number, number], eps: 1e-8, weightDecay: seed % 2 ? 0.1 : 0 };
      const js = { p: p0.slice(), m: new Float32Array(n), v: new Float32Array(n) };
      p.set(p0); m.fill(0); v.fill(0);
      for (let t = 1; t <= 3; t++) {
        const sc = adamwScalars(hyper, 1e-3 * t, t, t === 2 ? 0.3 : 1);
        adamwRange(p, m, v, a, lo, hi, sc, kernels);
        adamwRange(js.p, js.m, js.v, a, lo, hi, sc);
      }
      for (const [x, y] of [[p, js.p], [m, js.m], [v, js.v]]) expect(Buffer.from(x.slice().buffer).equals(Buffer.from(y.buffer)), `seed ${seed}`).toBe(true);
    }
    a.fill(1); b.fill(0); b[1234] = NaN;
    expect(reduceRange([a, b], 0, n, kernels).firstBad).toBe(1234);
  });
});

describe('createWorkerEngine', () => {
  it('matches the single-thread loop with 1, 2 and 3 threads (accumulation, ignored targets, clipping); replicas identical', async () => {
    const steps = makeSteps(11, 4, 2, 5);
    const init = createModel(cfg, { embedding: 'trainable', seed: 3 });
    const state = await init.stateDict();
    const ref = await referenceRun(init, steps);
    const refWeights = await init.stateDict();
    init.dispose();
    for (const [workers, mainComputes] of [[1, true], [2, true], [3, true], [2, false]] as const) {
      const model = new GPT(cfg, 'trainable', state, undefined);
      const { losses, replicas, evalLoss } = await engineRun(model, steps, workers, mainComputes);
      for (let i = 0; i < ref.length; i++) expect(Math.abs(losses[i] - ref[i]) / ref[i], `workers ${workers} step ${i}`).toBeLessThan(2e-6);
      expect(maxRelDiff(replicas[0], refWeights), `workers ${workers} weights`).toBeLessThan(5e-4); // a wrong update moves every entry by ~lr: ~0.1 here
      expect(replicas.length).toBe(mainComputes ? workers : workers + 1);
      for (const r of replicas.slice(1)) expect(bitIdentical(replicas[0], r), `workers ${workers}: replica differs`).toBe(true);
      expect(Number.isFinite(evalLoss)).toBe(true);
      model.dispose();
    }
  });

  it('trains a frozen-table model on 2 threads: the table stays byte-identical, losses match the reference', async () => {
    const steps = makeSteps(12, 3, 1, 4);
    const m = table(4);
    const ref = createModel(cfg, { embedding: m, seed: 2 });
    const refLosses = await referenceRun(ref, steps);
    ref.dispose();
    const model = createModel(cfg, { embedding: m, seed: 2 });
    const { losses, replicas } = await engineRun(model, steps, 2);
    for (let i = 0; i < refLosses.length; i++) expect(Math.abs(losses[i] - refLosses[i]) / refLosses[i]).toBeLessThan(2e-6);
    expect(bitIdentical(new Map([['e', replicas[0].get('tok_embedding.weight')!]]), new Map([['e', { shape: [0], data: m.data }]]))).toBe(true);
    expect(bitIdentical(replicas[0], replicas[1])).toBe(true);
    model.dispose();
  });

  it('applies dropout per block from the step seeds, reproducibly', async () => {
    const steps = makeSteps(16, 2, 2, 4);
    const run = async (dropout: number) => {
      const model = createModel(cfg, { embedding: 'trainable', seed: 10 });
      const engine = await createWorkerEngine(model, { workers: 2 });
      const out: number[] = [];
      for (const [i, micro] of steps.entries()) out.push((await engine.step({ micro, lr: LR, gradClip: 1, dropout, dropoutSeeds: [7 + i, 100 + i] })).loss);
      await engine.dispose();
      model.dispose();
      return out;
    };
    const [a, b, none] = [await run(0.2), await run(0.2), await run(0)];
    expect(a).toEqual(b);
    expect(a[0]).not.toBe(none[0]);
  });

  it('keeps the main thread\'s tensor count flat over many steps and evals', async () => {
    const steps = makeSteps(17, 2, 2, 3);
    const model = createModel(cfg, { embedding: 'trainable', seed: 11 });
    const engine = await createWorkerEngine(model, { workers: 2 });
    const req = (i: number) => ({ micro: steps[i % 2], lr: LR, gradClip: 1, dropout: 0, dropoutSeeds: [0, 0] });
    await engine.step(req(0));
    await engine.evalLoss(steps[0]);
    const count = tf.memory().numTensors;
    for (let i = 1; i < 30; i++) {
      await engine.step(req(i));
      if (i % 10 === 0) await engine.evalLoss(steps[1]);
    }
    expect(tf.memory().numTensors).toBe(count);
    await engine.dispose();
    model.dispose();
  });

  it('evalLoss is the token-weighted mean over the batches, split across threads', async () => {
    const batches = makeSteps(13, 1, 3, 3)[0];
    const model = createModel(cfg, { embedding: 'trainable', seed: 5 });
    let sum = 0;
    let n = 0;
    for (const b of batches) {
      const l = tf.tidy(() => model.loss({ data: b.ids, shape: [b.B, T] }, { data: b.targets, shape: [b.B, T] }));
      const valid = b.targets.filter((x) => x >= 0).length;
      sum += (await l.data())[0] * valid;
      n += valid;
      l.dispose();
    }
    const engine = await createWorkerEngine(model, { workers: 2 });
    expect(Math.abs((await engine.evalLoss(batches)) - sum / n)).toBeLessThan(1e-6 * (sum / n));
    await engine.dispose();
    model.dispose();
  });

  it('continues exactly from optimizer state and weights taken mid-run (2 threads)', async () => {
    const steps = makeSteps(14, 3, 1, 4);
    const req = (micro: MicroBatch[]) => ({ micro, lr: LR, gradClip: CLIP, dropout: 0, dropoutSeeds: [0] });
    const a = createModel(cfg, { embedding: 'trainable', seed: 6 });
    const ea = await createWorkerEngine(a, { workers: 2, lr: LR });
    await ea.step(req(steps[0]));
    await ea.step(req(steps[1]));
    const opt = await ea.optimizerState();
    expect(opt.step).toBe(2);
    expect(opt.expAvg.get('blocks.0.mlp.fc.weight')!.shape).toEqual([4 * cfg.dModel, cfg.dModel]); // checkpoint layout [out, in]
    const b = new GPT(cfg, 'trainable', await a.stateDict(), undefined);
    const eb = await createWorkerEngine(b, { workers: 2, lr: LR });
    await eb.loadOptimizerState(opt);
    const la = await ea.step(req(steps[2]));
    const lb = await eb.step(req(steps[2]));
    expect(lb.loss).toBe(la.loss);
    expect(lb.gradNorm).toBe(la.gradNorm);
    const [wa, wb] = [(await ea.replicaStateDicts()), (await eb.replicaStateDicts())];
    expect(bitIdentical(wa[0], wb[0]) && bitIdentical(wa[0], wb[1])).toBe(true);
    await ea.dispose();
    await eb.dispose();
    a.dispose();
    b.dispose();
  });

  it('stops on a NaN loss naming the step, before any weight or optimizer state changes', async () => {
    const steps = makeSteps(15, 2, 1, 4);
    const model = createModel(cfg, { embedding: 'trainable', seed: 7 });
    const engine = await createWorkerEngine(model, { workers: 2, lr: LR });
    await engine.step({ micro: steps[0], lr: LR, gradClip: 0, dropout: 0, dropoutSeeds: [0] });
    const head = model.head.parts[0] as tf.Variable;
    const poisoned = tf.tidy(() => tf.mul(head, NaN));
    head.assign(poisoned);
    poisoned.dispose();
    await engine.syncWeights();
    const before = await engine.replicaStateDicts();
    const err = await engine.step({ micro: steps[1], lr: LR, gradClip: 0, dropout: 0, dropoutSeeds: [0] }).catch((e) => e);
    expect(err).toBeInstanceOf(NonFiniteError);
    expect((err as NonFiniteError).step).toBe(1);
    expect((err as NonFiniteError).tensor).toBe('loss');
    const after = await engine.replicaStateDicts();
    after.forEach((s, i) => expect(bitIdentical(s, before[i])).toBe(true));
    expect((await engine.optimizerState()).step).toBe(1);
    await engine.dispose();
    model.dispose();
  });

  it('keeps disposed engines\' threads in a pool for the next engine, ends them on closeWorkerPool, and refuses calls after dispose', async () => {
    const threads = () => readdirSync('/proc/self/task').length;
    const model = createModel(cfg, { embedding: 'trainable', seed: 8 });
    // a first engine starts libuv's and V8's lazily created threads, so the counts below see only the workers'
    await closeWorkerPool();
    await (await createWorkerEngine(model, { workers: 2 })).dispose();
    await closeWorkerPool();
    await new Promise((r) => setTimeout(r, 100));
    const before = threads();
    const engine = await createWorkerEngine(model, { workers: 3 });
    expect(threads()).toBeGreaterThanOrEqual(before + 2);
    await engine.dispose();
    const pooled = threads();
    expect(pooled).toBeGreaterThanOrEqual(before + 2); // kept for the next engine
    // the next engine takes the pooled threads instead of starting new ones, and computes as a fresh one would
    const again = await createWorkerEngine(model, { workers: 3 });
    expect(threads()).toBe(pooled);
    const batch = makeSteps(1, 1, 1, 2)[0];
    const fresh = createLocalEngine(model, {});
    expect(await again.evalLoss(batch)).toBeCloseTo(await fresh.evalLoss(batch), 5);
    await fresh.dispose();
    await again.dispose();
    await closeWorkerPool();
    await new Promise((r) => setTimeout(r, 100));
    expect(threads()).toBeLessThanOrEqual(before);
    await expect(engine.evalLoss(batch)).rejects.toThrow(/after dispose/);
    model.dispose();
  });

  it('refuses workers < 1 and other bad options before any thread starts', async () => {
    const model = createModel(cfg, { embedding: 'trainable', seed: 9 });
    for (const workers of [0, -1, 1.5, NaN, undefined]) {
      await expect(createWorkerEngine(model, { workers } as never)).rejects.toThrow(/workers must be an integer >= 1/);
    }
    await expect(createWorkerEngine(model, { workers: 2, lr: 0 })).rejects.toThrow(/lr must be/);
    await expect(createWorkerEngine(model, { workers: 2, betas: [0.9, 1] })).rejects.toThrow(/betas/);
    const engine = await createWorkerEngine(model, { workers: 2 });
    const bad = { ids: new Int32Array(5), targets: new Int32Array(6), B: 1, T: 5 };
    await expect(engine.step({ micro: [bad], lr: 1e-3, gradClip: 0, dropout: 0, dropoutSeeds: [0] })).rejects.toThrow(/req\.micro\[0\]\.targets has 6 ids/);
    const outOfVocab = { ids: new Int32Array(4).fill(cfg.vocabSize), targets: new Int32Array(4), B: 2, T: 2 };
    await expect(engine.step({ micro: [outOfVocab], lr: 1e-3, gradClip: 0, dropout: 0, dropoutSeeds: [0] })).rejects.toThrow(/outside the vocabulary/);
    await engine.dispose();
    model.dispose();
  });
});
