// AdamW state export/import: stateDict() round-trips exactly, and an optimizer restored into a fresh model from
// (weights, state) continues bit-identically to the one that never stopped; every bad state is rejected before
// anything changes.
import { describe, it, expect, beforeAll } from 'vitest';
import { tf, useBackend, createModel, presets, AdamW, type GPT, type AdamWState } from './index.js';
import { Rng } from './rng.js';

tf.env().set('IS_TEST', false);
const cfg = presets['test-tiny']; // V 97, nEmbed 16, d 32, 2 layers, 4 heads, block 64

function batch(step: number): { ids: number[][]; targets: number[][] } {
  const rng = new Rng(1000 + step);
  const ids: number[][] = [];
  const targets: number[][] = [];
  for (let b = 0; b < 2; b++) {
    const row = Array.from({ length: 9 }, () => Math.floor(rng.next() * cfg.vocabSize));
    ids.push(row.slice(0, 8));
    targets.push(row.slice(1));
  }
  return { ids, targets };
}

async function trainSteps(model: GPT, opt: AdamW, from: number, to: number): Promise<number[]> {
  const losses: number[] = [];
  for (let s = from; s < to; s++) {
    const { ids, targets } = batch(s);
    const loss = opt.minimize(() => model.loss(ids, targets), model.trainableVariables);
    losses.push((await loss.data())[0]);
    loss.dispose();
  }
  return losses;
}

/** The same state keyed by another model's variables (same trainableNames order). */
function rekey(state: AdamWState, from: GPT, to: GPT): AdamWState {
  const map = new Map(from.trainableVariables.map((v, i) => [v.name, to.trainableVariables[i].name]));
  const re = (m: AdamWState['expAvg']) => new Map([...m].map(([k, t]) => [map.get(k)!, t]));
  return { step: state.step, expAvg: re(state.expAvg), expAvgSq: re(state.expAvgSq) };
}

function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

describe('AdamW state dict', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  for (const embedding of ['trainable', 'frozen'] as const) {
    it(`round-trips and a restored optimizer continues bit-identically (${embedding} embedding)`, async () => {
      const table = { rows: cfg.vocabSize, dim: cfg.nEmbed, data: new Rng(5).normal(new Float32Array(cfg.vocabSize * cfg.nEmbed), 1) };
      const make = () => createModel(cfg, { embedding: embedding === 'trainable' ? 'trainable' : table, seed: 3 });
      const a = make();
      const optA = new AdamW({ lr: 3e-3, betas: [0.9, 0.95], weightDecay: 0.1 });
      await trainSteps(a, optA, 0, 3);
      const state = await optA.stateDict();
      expect(state.step).toBe(3);
      expect([...state.expAvg.keys()].sort()).toEqual(a.trainableVariables.map((v) => v.name).sort());
      for (const v of a.trainableVariables) expect(state.expAvgSq.get(v.name)!.shape).toEqual(v.shape);
      // the state is a copy: training on does not change it
      const copy = new Map([...state.expAvg].map(([k, t]) => [k, Float32Array.from(t.data)]));

      // a fresh model with A's weights and A's optimizer state
      const b = createModel(cfg, { embedding: embedding === 'trainable' ? 'trainable' : table, seed: 99 });
      const wA = await a.stateDict();
      b.trainableVariables.forEach((v, i) => v.assign(tf.tensor(a.trainableVariables[i].dataSync(), v.shape)));
      const optB = new AdamW({ lr: 3e-3, betas: [0.9, 0.95], weightDecay: 0.1 });
      const n0 = tf.memory().numTensors;
      optB.loadStateDict(rekey(state, a, b));
      expect(tf.memory().numTensors).toBe(n0 + 2 * a.trainableVariables.length);
      expect(optB.step).toBe(3);
      const back = rekey(await optB.stateDict(), b, a);
      for (const [k, t] of state.expAvg) expect(bits(back.expAvg.get(k)!.data)).toEqual(bits(t.data));
      for (const [k, t] of state.expAvgSq) expect(bits(back.expAvgSq.get(k)!.data)).toEqual(bits(t.data));
      expect(bits((await b.stateDict()).get('lm_head.weight')!.data)).toEqual(bits(wA.get('lm_head.weight')!.data));

      const la = await trainSteps(a, optA, 3, 7);
      const lb = await trainSteps(b, optB, 3, 7);
      expect(lb).toEqual(la);
      const [sa, sb] = [await a.stateDict(), await b.stateDict()];
      for (const [k, t] of sa) expect(bits(sb.get(k)!.data), k).toEqual(bits(t.data));
      for (const [k, d] of copy) expect(bits(state.expAvg.get(k)!.data)).toEqual(bits(d));
      // loading again replaces (does not leak) the state
      const n1 = tf.memory().numTensors;
      optB.loadStateDict(rekey(state, a, b));
      expect(tf.memory().numTensors).toBe(n1);
      for (const o of [optA, optB]) o.dispose();
      a.dispose();
      b.dispose();
    });
  }

  it('rejects a bad state before changing anything, naming the field and variable', async () => {
    const m = createModel(cfg, { embedding: 'trainable', seed: 1 });
    const opt = new AdamW({ lr: 1e-3 });
    await trainSteps(m, opt, 0, 1);
    const good = await opt.stateDict();
    const name = m.trainableVariables[1].name;
    const clone = (): AdamWState => ({ step: good.step, expAvg: new Map(good.expAvg), expAvgSq: new Map(good.expAvgSq) });
    const cases: Array<[(s: AdamWState) => void, RegExp]> = [
      [(s) => { s.step = -1; }, /step must be an integer >= 0/],
      [(s) => { s.step = 1.5; }, /step must be an integer >= 0/],
      [(s) => { s.expAvg.set('nope', { shape: [1], data: new Float32Array(1) }); }, /expAvg has nope but expAvgSq does not/],
      [(s) => { s.expAvg.set('nope', { shape: [1], data: new Float32Array(1) }); s.expAvgSq.set('nope', { shape: [1], data: new Float32Array(1) }); }, /expAvg: no variable named nope/],
      [(s) => { s.expAvgSq.set(name, { shape: [2, 2], data: new Float32Array(4) }); }, new RegExp(`expAvgSq\\.${name.replace(/[./]/g, '\\$&')} has shape \\[2, 2\\]`)],
      [(s) => { const t = s.expAvg.get(name)!; const d = Float32Array.from(t.data); d[7] = NaN; s.expAvg.set(name, { shape: t.shape, data: d }); }, /non-finite value \(NaN\) at flat index 7/],
    ];
    const before = await opt.stateDict();
    for (const [mutate, err] of cases) {
      const s = clone();
      mutate(s);
      expect(() => opt.loadStateDict(s)).toThrow(err);
    }
    const after = await opt.stateDict();
    expect(after.step).toBe(before.step);
    for (const [k, t] of before.expAvg) expect(bits(after.expAvg.get(k)!.data)).toEqual(bits(t.data));
    opt.dispose();
    m.dispose();
  });

  it('keeps torch defaults (betas 0.9, 0.999) when none are given', () => {
    const opt = new AdamW();
    expect([opt.beta1, opt.beta2, opt.eps, opt.weightDecay]).toEqual([0.9, 0.999, 1e-8, 0.01]);
  });
});
