// The training loop on this thread (wasm): the schedule's exact values; the local engine's token-weighted
// accumulation, clipping, NaN/Inf stop and flat tensor count over 1,000 steps; train()'s history, bit-exact resume
// (frozen and trainable, dropout, accumulation), the frozen table staying byte-identical, every bad option and
// every mismatching or corrupt checkpoint rejected before a step runs, naming the field or file.
import { describe, it, expect, beforeAll } from 'vitest';
import { tf, useBackend, createModel, type GPT, type ModelConfig, type EmbeddingMatrix } from '@glyphlm/transformer-core';
import type { CorpusData } from '../data/types.js';
import { hash32 } from '../data/sampler.js';
import {
  train, createLocalEngine, learningRate, memoryStorage, NonFiniteError, TrainOptionError, TrainCheckpointError,
  type HistoryEntry, type TrainOptions, type MicroBatch, type CheckpointStorage,
} from './index.js';

const cfg: ModelConfig = { vocabSize: 32, nEmbed: 16, dModel: 32, nLayer: 2, nHead: 4, blockSize: 16 };

/** A stream with structure to learn: runs of +1 / +3 steps mod V, restarted at random (seeded) positions. */
function stream(n: number, V: number, seed: number): Uint32Array {
  const a = new Uint32Array(n);
  let x = hash32(seed);
  let step = 1;
  for (let i = 0; i < n; i++) {
    x = hash32(x + i);
    if (i === 0 || x % 7 === 0) {
      a[i] = x % V;
      step = (x >>> 8) % 2 ? 1 : 3;
    } else a[i] = (a[i - 1] + step) % V;
  }
  return a;
}

function corpus(V = cfg.vocabSize, seed = 1, n = 6000): CorpusData {
  const train = stream(n, V, seed);
  const val = stream(Math.ceil(n / 5), V, seed + 100);
  return {
    train, val, vocabSize: V,
    meta: {
      tokenizer: 'test', tokenizerFingerprint: 'tok-1', fingerprint: `data-${seed}-${n}`, separatorId: 0,
      documents: { train: 1, val: 1 }, chars: n, tokens: { train: train.length, val: val.length },
    },
  };
}

function glyphTable(c: ModelConfig, seed: number): EmbeddingMatrix {
  const data = new Float32Array(c.vocabSize * c.nEmbed);
  for (let i = 0; i < data.length; i++) data[i] = (hash32(seed * 1000003 + i) / 2 ** 32 - 0.5) * 0.5;
  return { rows: c.vocabSize, dim: c.nEmbed, data, meta: { recipe: 'test' } };
}

function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

/** History without the wall-clock fields. */
function numbers(h: HistoryEntry[]) {
  return h.map(({ step, loss, valLoss, lr, gradNorm, tokens }) => ({ step, loss, valLoss, lr, gradNorm, tokens }));
}

async function expectSameWeights(a: GPT, b: GPT): Promise<void> {
  const [sa, sb] = [await a.stateDict(), await b.stateDict()];
  for (const [k, t] of sa) expect(bits(sb.get(k)!.data), k).toEqual(bits(t.data));
}

function rows(ids: number[][], targets: number[][]): MicroBatch {
  return { ids: Int32Array.from(ids.flat()), targets: Int32Array.from(targets.flat()), B: ids.length, T: ids[0].length };
}

beforeAll(async () => {
  await useBackend('wasm');
});

describe('learning-rate schedule', () => {
  const o = { lr: 1e-3, minLr: 1e-4, warmupSteps: 10, steps: 110 };
  it('warms up linearly, then decays by a cosine from lr to minLr', () => {
    expect(learningRate(0, o)).toBe(1e-3 / 10);
    expect(learningRate(4, o)).toBe((1e-3 * 5) / 10);
    expect(learningRate(10, o)).toBe(1e-3);
    expect(learningRate(110, o)).toBe(1e-4); // ratio 1: cos(pi) = -1
    expect(learningRate(60, o)).toBeCloseTo(5.5e-4, 15);
    for (let s = 11; s <= 110; s++) expect(learningRate(s, o)).toBeLessThan(learningRate(s - 1, o));
    expect(learningRate(0, { lr: 1, minLr: 0, warmupSteps: 0, steps: 1 })).toBe(1);
  });
});

describe('local engine', () => {
  it('accumulates micro-batches token-weighted: two halves (one half-masked) = the whole batch', async () => {
    const ids = [[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12], [3, 3, 4, 4, 5, 5], [30, 31, 0, 1, 2, 3]];
    const targets = [[2, 3, 4, 5, 6, 7], [-1, -1, -1, 11, 12, 13], [3, 4, 4, 5, 5, 6], [31, 0, 1, 2, -1, -1]];
    const a = createModel(cfg, { embedding: 'trainable', seed: 4 });
    const b = createModel(cfg, { embedding: 'trainable', seed: 4 });
    const ea = createLocalEngine(a, { weightDecay: 0.1 });
    const eb = createLocalEngine(b, { weightDecay: 0.1 });
    const req = { lr: 1e-2, gradClip: 0, dropout: 0, dropoutSeeds: [0, 0] };
    const whole = await ea.step({ ...req, micro: [rows(ids, targets)] });
    const parts = await eb.step({ ...req, micro: [rows(ids.slice(0, 2), targets.slice(0, 2)), rows(ids.slice(2), targets.slice(2))] });
    expect(Math.abs(parts.loss - whole.loss)).toBeLessThan(1e-6 * whole.loss);
    expect(Math.abs(parts.gradNorm - whole.gradNorm)).toBeLessThan(1e-5 * whole.gradNorm);
    // the same gradients: exp_avg after one step is 0.1 * g (AdamW's first step is ~lr * sign(g), too sensitive)
    const [sa, sb] = [await ea.optimizerState(), await eb.optimizerState()];
    for (const [k, t] of sa.expAvg) {
      const u = sb.expAvg.get(k)!.data;
      let m = 0;
      let top = 0;
      for (let i = 0; i < u.length; i++) {
        m = Math.max(m, Math.abs(u[i] - t.data[i]));
        top = Math.max(top, Math.abs(t.data[i]));
      }
      expect(m, k).toBeLessThan(1e-5 * top);
    }
    // a fully masked micro-batch adds nothing
    const c = createModel(cfg, { embedding: 'trainable', seed: 4 });
    const ec = createLocalEngine(c, { weightDecay: 0.1 });
    const masked = rows(ids.slice(0, 2), targets.slice(0, 2).map((r) => r.map(() => -1)));
    const withMasked = await ec.step({ ...req, dropoutSeeds: [0, 0, 0], micro: [rows(ids, targets), masked] });
    expect(withMasked.loss).toBe(whole.loss);
    await expectSameWeights(a, c);
    for (const e of [ea, eb, ec]) await e.dispose();
    for (const m of [a, b, c]) m.dispose();
  });

  it('reports the global norm (torch semantics) and clips to gradClip before AdamW', async () => {
    const ids = [[1, 2, 3, 4, 5, 6, 7, 8]];
    const targets = [[2, 3, 4, 5, 6, 7, 8, 9]];
    const m = createModel(cfg, { embedding: 'trainable', seed: 2 });
    const { grads, value } = tf.variableGrads(() => m.loss(ids, targets), m.trainableVariables);
    value.dispose();
    let sumSq = 0;
    const g0 = new Map<string, Float32Array>();
    for (const v of m.trainableVariables) {
      const d = (await grads[v.name].data()) as Float32Array;
      g0.set(v.name, d);
      for (const x of d) sumSq += x * x;
      grads[v.name].dispose();
    }
    const norm = Math.sqrt(sumSq);
    const e = createLocalEngine(m, { betas: [0.9, 0.95] });
    const clip = norm / 4;
    const r = await e.step({ micro: [rows(ids, targets)], lr: 1e-3, gradClip: clip, dropout: 0, dropoutSeeds: [0] });
    expect(Math.abs(r.gradNorm - norm)).toBeLessThan(1e-5 * norm);
    // after one step exp_avg = (1 - beta1) * clipped gradient
    const st = await e.optimizerState();
    expect(st.step).toBe(1);
    const coef = clip / (r.gradNorm + 1e-6);
    const name = 'blocks.1.mlp.fc.weight';
    const i = m.trainableNames.indexOf(name);
    const g = g0.get(m.trainableVariables[i].name)!; // device layout [in, out]; state is [out, in]
    const [rIn, cOut] = m.trainableVariables[i].shape;
    const ea = st.expAvg.get(name)!;
    expect(ea.shape).toEqual([cOut, rIn]);
    let worst = 0;
    for (let p = 0; p < rIn; p++) for (let q = 0; q < cOut; q++) {
      const want = 0.1 * g[p * cOut + q] * coef;
      worst = Math.max(worst, Math.abs(ea.data[q * rIn + p] - want) / (Math.abs(want) + 1e-9));
    }
    expect(worst).toBeLessThan(1e-3);
    await e.dispose();
    m.dispose();
  });

  it('stops before any update on a NaN loss or a non-finite gradient, naming the step and the tensor', async () => {
    const ids = [[1, 2, 3, 4, 5, 6, 7, 8]];
    const targets = [[2, 3, 4, 5, 6, 7, 8, 9]];
    const req = { step: 7, micro: [rows(ids, targets)], lr: 1e-3, gradClip: 1, dropout: 0, dropoutSeeds: [0] };
    // NaN weight -> NaN loss
    const m = createModel(cfg, { embedding: 'trainable', seed: 2 });
    const qkv = m.trainableVariables[m.trainableNames.indexOf('blocks.0.attn.qkv.weight')];
    const bad = (await qkv.data()) as Float32Array;
    bad[5] = NaN;
    const t = tf.tensor(bad, qkv.shape);
    qkv.assign(t);
    t.dispose();
    const before = await m.stateDict();
    const e = createLocalEngine(m);
    const n0 = tf.memory().numTensors;
    const err = await e.step(req).catch((x) => x);
    expect(err).toBeInstanceOf(NonFiniteError);
    expect(err.step).toBe(7);
    expect(err.tensor).toBe('loss');
    expect(err.message).toMatch(/^step 7: the loss is not finite/);
    expect(tf.memory().numTensors).toBe(n0);
    const after = await m.stateDict();
    for (const [k, v] of before) expect(bits(after.get(k)!.data), k).toEqual(bits(v.data));
    expect((await e.optimizerState()).step).toBe(0);
    await e.dispose();
    m.dispose();

    // a finite loss with a NaN gradient: block 1's MLP output projection is zero (its branch adds nothing to the
    // forward), its input projection huge, so GELU's derivative overflows (0 * inf) in the backward pass; the NaN
    // flows down to block 0, whose first matrix is the first trainable tensor of a frozen-table model
    const m2 = createModel(cfg, { embedding: glyphTable(cfg, 1), seed: 2 });
    const set = (name: string, f: (i: number) => number) => {
      const v = m2.trainableVariables[m2.trainableNames.indexOf(name)];
      const tt = tf.tensor(Float32Array.from({ length: v.size }, (_, i) => f(i)), v.shape);
      v.assign(tt);
      tt.dispose();
    };
    set('blocks.1.mlp.proj.weight', () => 0);
    set('blocks.1.mlp.fc.weight', () => 1e30);
    const e2 = createLocalEngine(m2);
    const l = m2.loss(ids, targets);
    expect(Number.isFinite((await l.data())[0])).toBe(true);
    l.dispose();
    const err2 = await e2.step(req).catch((x) => x);
    expect(err2).toBeInstanceOf(NonFiniteError);
    expect(err2.tensor).toBe('blocks.0.attn.qkv.weight');
    expect(err2.message).toMatch(/^step 7: the gradient of blocks\.0\.attn\.qkv\.weight is not finite \(NaN at flat index \d+\)/);
    expect((await e2.optimizerState()).step).toBe(0);
    await e2.dispose();
    m2.dispose();
  });

  it('train() keeps tf.memory().numTensors flat over 1,000 steps (accumulation, dropout, clipping, eval, checkpoints)', async () => {
    const small: ModelConfig = { vocabSize: 16, nEmbed: 8, dModel: 16, nLayer: 1, nHead: 2, blockSize: 8 };
    const model = createModel(small, { embedding: glyphTable(small, 3), seed: 1 });
    const counts: number[] = [];
    const n0 = tf.memory().numTensors;
    const run = await train({
      model, data: corpus(16, 3, 3000), steps: 1000, batchSize: 2, lr: 1e-3, gradAccumSteps: 2, dropout: 0.1, gradClip: 0.5,
      evalEvery: 100, evalBatches: 2, checkpointDir: memoryStorage(), checkpointEvery: 250,
      onProgress: (e) => counts.push(tf.memory().numTensors),
    });
    expect(run.history).toHaveLength(1000);
    expect(counts).toHaveLength(1000);
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(n0);
    model.dispose();
  });
});

function baseOptions(model: GPT, extra: Partial<TrainOptions> = {}): TrainOptions {
  return {
    model, data: corpus(), steps: 10, batchSize: 4, blockSize: 12, seed: 7, lr: 3e-3, minLr: 3e-4, warmupSteps: 3,
    weightDecay: 0.1, gradClip: 1, gradAccumSteps: 2, dropout: 0.1, evalEvery: 4, evalBatches: 2, ...extra,
  };
}

describe('train()', () => {
  it('records the history of SPECS.md (steps, schedule, tokens, val loss at evalEvery and the end) and learns', async () => {
    const model = createModel(cfg, { embedding: 'trainable', seed: 1 });
    const events: number[] = [];
    const run = await train(baseOptions(model, { steps: 40, dropout: 0, onProgress: (e) => events.push(e.step) }));
    expect(run.model).toBe(model);
    expect(run.step).toBe(40);
    expect(run.aborted).toBe(false);
    expect(events).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const h = run.history;
    h.forEach((e, i) => {
      expect(e.step).toBe(i + 1);
      expect(e.lr).toBe(learningRate(i, { lr: 3e-3, minLr: 3e-4, warmupSteps: 3, steps: 40 }));
      expect(e.tokens).toBe((i + 1) * 4 * 12 * 2);
      expect(e.valLoss !== undefined).toBe((i + 1) % 4 === 0);
      expect(e.tokensPerSecond).toBeGreaterThan(0);
      if (i) expect(e.elapsedMs).toBeGreaterThanOrEqual(h[i - 1].elapsedMs);
    });
    expect(h[39].valLoss!).toBeLessThan(h[3].valLoss! - 0.3);
    expect(h[0].loss).toBeGreaterThan(Math.log(32) - 0.3);
    model.dispose();
  });

  for (const arm of ['frozen', 'trainable'] as const) {
    it(`a run stopped at step 5 and resumed gives the uninterrupted run's history and weights bit for bit (${arm})`, async () => {
      const make = () => createModel(cfg, { embedding: arm === 'frozen' ? glyphTable(cfg, 9) : 'trainable', seed: 3 });
      const full = make();
      const whole = await train(baseOptions(full, { checkpointDir: memoryStorage() }));
      const storage = memoryStorage();
      const first = make();
      const ac = new AbortController();
      const part = await train(baseOptions(first, { checkpointDir: storage, onProgress: (e) => { if (e.step === 5) ac.abort(); }, signal: ac.signal }));
      expect(part.aborted).toBe(true);
      expect(part.step).toBe(5);
      expect(part.checkpoint).toBe('step-000005');
      first.dispose();
      const second = make(); // fresh weights: everything comes from the checkpoint
      const rest = await train(baseOptions(second, { checkpointDir: storage, resume: true }));
      expect(rest.resumedFrom).toBe(5);
      expect(numbers(rest.history)).toEqual(numbers(whole.history));
      expect(rest.history.map((e) => e.loss)).toEqual(whole.history.map((e) => e.loss));
      await expectSameWeights(second, full);
      // resuming a finished run changes nothing
      const again = await train(baseOptions(second, { checkpointDir: storage, resume: true }));
      expect(numbers(again.history)).toEqual(numbers(whole.history));
      full.dispose();
      second.dispose();
    });
  }

  it('a model with tables split in shards (as on webgpu) resumes bit-exactly; optimizer.safetensors holds whole tensors', async () => {
    const make = (maxShardBytes?: number) => createModel(cfg, { embedding: 'trainable', seed: 6, maxShardBytes });
    const full = make(1024);
    expect(full.trainableNames.filter((n) => n.includes('#')).length).toBeGreaterThan(2); // embedding and head shards
    const whole = await train(baseOptions(full));
    const storage = memoryStorage();
    const ac = new AbortController();
    const first = make(1024);
    await train(baseOptions(first, { checkpointDir: storage, signal: ac.signal, onProgress: (e) => { if (e.step === 4) ac.abort(); } }));
    first.dispose();
    const { readSafetensors } = await import('@glyphlm/tensor-io');
    const opt = readSafetensors(storage.files.get('step-000004/optimizer.safetensors')!);
    expect([...opt.tensors.keys()].filter((n) => n.startsWith('exp_avg.')).sort()).toEqual(
      ['blocks.0.attn.proj.weight', 'blocks.0.attn.qkv.weight', 'blocks.0.mlp.fc.weight', 'blocks.0.mlp.proj.weight',
        'blocks.1.attn.proj.weight', 'blocks.1.attn.qkv.weight', 'blocks.1.mlp.fc.weight', 'blocks.1.mlp.proj.weight',
        'lm_head.weight', 'tok_embedding.weight'].map((n) => `exp_avg.${n}`));
    expect(opt.tensors.get('exp_avg.lm_head.weight')!.shape).toEqual([32, 32]);
    expect(opt.tensors.get('exp_avg_sq.tok_embedding.weight')!.shape).toEqual([32, 16]);
    const second = make(1024);
    const copy = memoryStorage();
    for (const [k, v] of storage.files) copy.files.set(k, v.slice());
    const rest = await train(baseOptions(second, { checkpointDir: storage, resume: true }));
    expect(numbers(rest.history)).toEqual(numbers(whole.history));
    await expectSameWeights(second, full);
    // the same step-4 checkpoint continues in an unsharded model (another backend's layout), to float tolerance
    const plain = make();
    const other = await train(baseOptions(plain, { checkpointDir: copy, resume: true }));
    expect(other.resumedFrom).toBe(4);
    other.history.forEach((e, i) => expect(Math.abs(e.loss - whole.history[i].loss)).toBeLessThan(1e-4 * e.loss));
    for (const m of [full, second, plain]) m.dispose();
  });

  it('the frozen table stays byte-identical to the EmbeddingMatrix it started from; the trainable one moves', async () => {
    const table = glyphTable(cfg, 5);
    const copy = Float32Array.from(table.data);
    const frozen = createModel(cfg, { embedding: table, seed: 2 });
    const trainable = createModel(cfg, { embedding: 'trainable', seed: 2 });
    const t0 = (await trainable.stateDict()).get('tok_embedding.weight')!.data;
    for (const m of [frozen, trainable]) await train(baseOptions(m, { steps: 6, weightDecay: 0.5 }));
    expect(bits((await frozen.stateDict()).get('tok_embedding.weight')!.data)).toEqual(bits(copy));
    expect(bits(table.data)).toEqual(bits(copy));
    expect(bits((await trainable.stateDict()).get('tok_embedding.weight')!.data)).not.toEqual(bits(t0));
    frozen.dispose();
    trainable.dispose();
  });

  it('rejects every bad option before any step, naming the field', async () => {
    const model = createModel(cfg, { embedding: 'trainable', seed: 1 });
    const before = await model.stateDict();
    const d = corpus();
    const outOfVocab = corpus();
    outOfVocab.train = Uint32Array.from(outOfVocab.train);
    outOfVocab.train[123] = 32;
    const cases: Array<[Partial<TrainOptions> | Record<string, unknown>, string, RegExp]> = [
      [{ lr: 0 }, 'lr', /lr: must be a finite number > 0, got 0/],
      [{ lr: -1e-3 }, 'lr', /lr: must be a finite number > 0/],
      [{ lr: NaN }, 'lr', /lr: must be a finite number > 0/],
      [{ workers: 0 }, 'workers', /workers: must be an integer >= 1, got 0/],
      [{ steps: 0 }, 'steps', /steps: must be an integer >= 1/],
      [{ batchSize: 1.5 }, 'batchSize', /batchSize: must be an integer >= 1/],
      [{ batchSize: 100000, blockSize: 16 }, 'batchSize', /above the wasm heap's 4 GiB/],
      [{ blockSize: 17 }, 'blockSize', /17 is larger than the model allows \(config.blockSize 16\)/],
      [{ minLr: 1 }, 'minLr', /minLr: must be a finite number in \[0, lr/],
      [{ warmupSteps: 11 }, 'warmupSteps', /must not exceed steps/],
      [{ gradAccumSteps: 0 }, 'gradAccumSteps', /gradAccumSteps: must be an integer >= 1/],
      [{ dropout: 1 }, 'dropout', /dropout: must be in \[0, 1\)/],
      [{ gradClip: -1 }, 'gradClip', /gradClip/],
      [{ seed: 1.5 }, 'seed', /seed: must be an integer/],
      [{ resume: true }, 'resume', /resume: needs checkpointDir/],
      [{ checkpointDir: {} as CheckpointStorage }, 'checkpointDir', /read, write, rename, list and remove/],
      [{ data: { ...d, train: d.train.subarray(0, 12) } }, 'data.train', /data.train: has 12 tokens; one block of 12 needs at least 13/],
      [{ data: { ...d, val: d.val.subarray(0, 5) } }, 'data.val', /data.val: has 5 tokens/],
      [{ data: outOfVocab }, 'data.train', /data.train: id 32 at index 123 is outside the model's vocabulary \[0, 32\)/],
      [{ data: { ...d, vocabSize: 33 } }, 'data.vocabSize', /33 is larger than the model's vocabSize 32/],
      [{ data: { ...d, trainMask: new Uint8Array(3) } }, 'data.trainMask', /Uint8Array of 6000 entries/],
      [{ data: { ...d, meta: {} }, checkpointDir: memoryStorage() }, 'data.meta', /fingerprint/],
      [{ model: {} }, 'model', /transformer-core GPT/],
      [{ onProgress: 3 }, 'onProgress', /must be a function/],
    ];
    let called = 0;
    for (const [over, field, msg] of cases) {
      const err = await train({ ...baseOptions(model, { onProgress: () => called++ }), ...over } as TrainOptions).catch((e) => e);
      expect(err, field).toBeInstanceOf(TrainOptionError);
      expect(err.field).toBe(field);
      expect(err.message).toMatch(msg);
    }
    expect(called).toBe(0);
    const after = await model.stateDict();
    for (const [k, v] of before) expect(bits(after.get(k)!.data), k).toEqual(bits(v.data));
    model.dispose();
  });
});

describe('resume and checkpoint errors', () => {
  let storage: ReturnType<typeof memoryStorage>;
  const table = glyphTable(cfg, 4);
  const make = (c: ModelConfig = cfg, t: EmbeddingMatrix | 'trainable' = table) => createModel(c, { embedding: t, seed: 1 });
  beforeAll(async () => {
    storage = memoryStorage('mem');
    const m = make();
    await train(baseOptions(m, { steps: 3, checkpointDir: storage }));
    m.dispose();
    expect([...storage.files.keys()].sort()).toEqual([
      'latest.json', 'step-000003/config.json', 'step-000003/model.safetensors', 'step-000003/optimizer.safetensors', 'step-000003/trainer.json',
    ]);
  });

  const copyOf = (s: ReturnType<typeof memoryStorage>) => {
    const c = memoryStorage('mem');
    for (const [k, v] of s.files) c.files.set(k, v.slice());
    return c;
  };

  it('a directory holding a run is not overwritten without resume: true', async () => {
    const m = make();
    await expect(train(baseOptions(m, { steps: 3, checkpointDir: copyOf(storage) }))).rejects.toThrow(/mem\/latest.json: the directory already holds a run \(step 3\); pass resume: true/);
    m.dispose();
  });

  it('a different model config, table, tokenizer, data or batch option is an error naming the field', async () => {
    const cases: Array<[() => GPT, Partial<TrainOptions>, string, RegExp]> = [
      [() => make({ ...cfg, nLayer: 3 }), {}, 'nLayer', /config.json: model config mismatch: nLayer is 2 in the checkpoint but 3 in the model being trained/],
      [() => make({ ...cfg, dModel: 48, nHead: 4 }), {}, 'dModel', /dModel is 32 in the checkpoint but 48/],
      [() => make(cfg, 'trainable'), {}, 'embedding', /embedding is "frozen" in the checkpoint but "trainable"/],
      [() => make(cfg, glyphTable(cfg, 5)), {}, 'tok_embedding.weight', /model.safetensors: tok_embedding.weight: the checkpoint's frozen table differs/],
      [() => make(), { data: { ...corpus(), meta: { ...corpus().meta, tokenizerFingerprint: 'tok-2' } } }, 'data.tokenizerFingerprint', /tokenizer fingerprint mismatch/],
      [() => make(), { data: corpus(32, 2) }, 'data.fingerprint', /data fingerprint mismatch \(data.fingerprint\): "data-1-6000" in the checkpoint, "data-2-6000" now/],
      [() => make(), { batchSize: 5 }, 'batchSize', /trainer.json: batchSize is 4 in the checkpoint but 5 now/],
      [() => make(), { gradAccumSteps: 1 }, 'gradAccumSteps', /gradAccumSteps is 2 in the checkpoint but 1/],
      [() => make(), { seed: 8 }, 'seed', /seed is 7 in the checkpoint but 8/],
      [() => make(), { steps: 4 }, 'steps', /steps is 3 in the checkpoint but 4/],
    ];
    for (const [model, over, field, msg] of cases) {
      const m = model();
      const err = await train(baseOptions(m, { steps: 3, checkpointDir: copyOf(storage), resume: true, ...over })).catch((e) => e);
      expect(err, field).toBeInstanceOf(TrainCheckpointError);
      expect(err.field).toBe(field);
      expect(err.message).toMatch(msg);
      m.dispose();
    }
  });

  it('a corrupt or truncated checkpoint file is an error naming the file', async () => {
    const cut = (b: Uint8Array) => b.slice(0, Math.floor(b.length / 2));
    const cases: Array<[string, (b: Uint8Array) => Uint8Array | undefined, RegExp]> = [
      ['latest.json', (b) => cut(b), /^mem\/latest.json: invalid JSON/],
      ['step-000003/trainer.json', (b) => cut(b), /^mem\/step-000003\/trainer.json: invalid JSON .*corrupt or truncated/],
      ['step-000003/config.json', () => new TextEncoder().encode('{"format": "nope"}'), /^mem\/step-000003\/config.json: format is "nope"/],
      ['step-000003/trainer.json', (b) => new TextEncoder().encode(new TextDecoder().decode(b).replace('"nextStep":3', '"nextStep":2')), /^mem\/step-000003\/trainer.json: sampler must be \{ seed: options.seed, nextStep: step \}/],
      ['step-000003/model.safetensors', (b) => cut(b), /^mem\/step-000003\/model.safetensors: /],
      ['step-000003/optimizer.safetensors', (b) => cut(b), /^mem\/step-000003\/optimizer.safetensors: not a readable safetensors file/],
      ['step-000003/optimizer.safetensors', () => undefined, /^mem\/step-000003\/optimizer.safetensors: missing/],
    ];
    for (const [file, mutate, msg] of cases) {
      const s = copyOf(storage);
      const b = mutate(s.files.get(file)!);
      if (b) s.files.set(file, b);
      else s.files.delete(file);
      const m = make();
      const err = await train(baseOptions(m, { steps: 3, checkpointDir: s, resume: true })).catch((e) => e);
      expect(err, file).toBeInstanceOf(TrainCheckpointError);
      expect(err.message).toMatch(msg);
      m.dispose();
    }
  });

  it('keeps the newest keepCheckpoints step directories', async () => {
    const s = memoryStorage();
    const m = make();
    await train(baseOptions(m, { steps: 7, checkpointDir: s, checkpointEvery: 2, keepCheckpoints: 2 }));
    expect(await s.list('')).toEqual(['latest.json', 'step-000006', 'step-000007']);
    expect(JSON.parse(new TextDecoder().decode(s.files.get('latest.json')))).toEqual({ step: 7, dir: 'step-000007' });
    m.dispose();
  });
});
