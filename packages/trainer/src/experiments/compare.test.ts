// compareArms end to end on a tiny backbone (real train(), real checkpoint directories): equal tokens per arm, the
// frozen table untouched on disk, arms that differ only in the table (frozen T vs trainable-from T: identical first
// step), statistics that match the runs, and resume after a crash and after an abort giving the uninterrupted table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend, type EmbeddingMatrix } from '@glyphlm/transformer-core';
import { readSafetensors } from '@glyphlm/tensor-io';
import type { CorpusData } from '../data/types.js';
import { memoryStorage } from '../train/storage.js';
import { compareArms, ExperimentAbortedError, type CompareArmsOptions, type ExperimentProgress, type ExperimentResult } from './compare.js';
import { summarize } from './stats.js';
import { lossCurveSvg } from './loss-curve-svg.js';

const config = { vocabSize: 61, nEmbed: 16, dModel: 32, nLayer: 1, nHead: 2, blockSize: 16 };

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** A learnable stream: mostly id+1 mod 61 with noise, and a few ids that almost never occur. */
function corpus(): CorpusData {
  const rnd = lcg(17);
  const gen = (n: number) => {
    const a = new Uint32Array(n);
    for (let i = 1; i < n; i++) a[i] = rnd() < 0.8 ? (a[i - 1] + 1) % 50 : Math.floor(rnd() * (rnd() < 0.02 ? 61 : 50));
    return a;
  };
  const train = gen(3000), val = gen(600);
  return {
    train, val, vocabSize: 61,
    meta: { tokenizer: 'synthetic', tokenizerFingerprint: 'synthetic-61', fingerprint: 'corpus-17', separatorId: 0, documents: { train: 1, val: 1 }, chars: 3600, tokens: { train: 3000, val: 600 } },
  };
}

function table(seed: number): EmbeddingMatrix {
  const rnd = lcg(seed);
  return { rows: 61, dim: 16, data: Float32Array.from({ length: 61 * 16 }, () => rnd() - 0.5), meta: { recipe: 'test-table' } };
}

const glyph = table(5);
const base = (dir: string | undefined): CompareArmsOptions => ({
  arms: { frozen: glyph, from: { trainableFrom: glyph }, trainable: 'trainable' },
  config, data: corpus(), seeds: [1, 2], dir,
  steps: 6, batchSize: 4, lr: 1e-2, warmupSteps: 1, evalEvery: 3, evalBatches: 2, checkpointEvery: 2,
});
const tmp: string[] = [];
const newDir = () => { const d = mkdtempSync(join(tmpdir(), 'glyphlm-exp-')); tmp.push(d); return d; };

/** The table without wall-clock fields (tokens/s and elapsed time differ between runs of the same numbers). */
function numbersOnly(r: ExperimentResult): unknown {
  return JSON.parse(JSON.stringify(r, (k, v) => (k === 'tokensPerSecond' || k === 'elapsedMs' || k === 'resumedFrom' ? undefined : v)));
}

let reference: ExperimentResult;
let refDir: string;

beforeAll(async () => {
  await useBackend('wasm');
  refDir = newDir();
  reference = await compareArms(base(refDir));
});
afterAll(() => tmp.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('compareArms', () => {
  it('gives every arm the same tokens, data order and non-table init', () => {
    expect(reference.tokensSeen).toEqual({ frozen: 6 * 4 * 16, from: 6 * 4 * 16, trainable: 6 * 4 * 16 });
    for (const seed of [0, 1]) {
      const f = reference.arms.frozen.runs[seed].history, t = reference.arms.from.runs[seed].history, r = reference.arms.trainable.runs[seed].history;
      // frozen T and trainable-from T compute the same first step bit for bit (same init, same batch); later steps differ
      expect(t[0].loss).toBe(f[0].loss);
      expect(t[5].loss).not.toBe(f[5].loss);
      expect(r[0].loss).not.toBe(f[0].loss);
      expect(f.map((h) => h.step)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(f.filter((h) => h.valLoss !== undefined).map((h) => h.step)).toEqual([3, 6]);
    }
    // seeds change the data order
    expect(reference.arms.frozen.runs[0].history[0].loss).not.toBe(reference.arms.frozen.runs[1].history[0].loss);
  });

  it('leaves the frozen table byte-identical to its matrix in the final checkpoint', () => {
    for (const seed of [1, 2]) {
      const latest = JSON.parse(readFileSync(join(refDir, 'frozen', `seed-${seed}`, 'latest.json'), 'utf8'));
      expect(latest.step).toBe(6);
      const st = readSafetensors(readFileSync(join(refDir, 'frozen', `seed-${seed}`, latest.dir, 'model.safetensors')));
      const t = st.tensors.get('tok_embedding.weight')!;
      expect(t.dtype).toBe('F32');
      expect(Buffer.from(t.bytes).equals(Buffer.from(glyph.data.buffer))).toBe(true);
      const from = readSafetensors(readFileSync(join(refDir, 'from', `seed-${seed}`, latest.dir, 'model.safetensors')));
      const tf2 = from.tensors.get('tok_embedding.weight')!;
      expect(Buffer.from(tf2.bytes).equals(Buffer.from(glyph.data.buffer))).toBe(false);
    }
  });

  it('summarizes final losses with t intervals and pairs differences by seed', () => {
    for (const [name, arm] of Object.entries(reference.arms)) {
      const finals = arm.runs.map((r) => r.finalValLoss);
      expect(arm.runs.map((r) => r.finalValLoss)).toEqual(arm.runs.map((r) => r.history[5].valLoss));
      expect(arm.finalValLoss).toEqual(summarize(finals, `arm '${name}' final val loss`));
      expect(arm.finalValLoss.ci95![1] - arm.finalValLoss.mean).toBeCloseTo(12.706204736174694 * arm.finalValLoss.sd! / Math.SQRT2, 10);
      // the frequency split scores the same val positions as train()'s evaluation
      for (const r of arm.runs) {
        expect(r.valLossByFrequency!.overall.n).toBe(2 * 4 * 16);
        expect(r.valLossByFrequency!.overall.loss!).toBeCloseTo(r.finalValLoss, 4);
      }
      expect(arm.valLossByFrequency!.byInput.map((b) => b.name)).toEqual(['0', '1-9', '10-999', '>=1000']);
    }
    expect(reference.differences.map((d) => [d.a, d.b])).toEqual([['frozen', 'from'], ['frozen', 'trainable'], ['from', 'trainable']]);
    const d = reference.differences[1];
    const diffs = [0, 1].map((i) => reference.arms.frozen.runs[i].finalValLoss - reference.arms.trainable.runs[i].finalValLoss);
    expect(d.mean).toBeCloseTo((diffs[0] + diffs[1]) / 2, 14);
    expect(d.ci95).toEqual(summarize(diffs).ci95);
    expect(d.n).toBe(2);
    expect(reference.options.train).toMatchObject({ steps: 6, batchSize: 4, lr: 1e-2, blockSize: 16 });
    const svg = lossCurveSvg(reference);
    expect(svg.match(/class="curve train"/g)?.length).toBe(6);
    expect(svg.match(/class="curve val"[^>]*data-points="2"/g)?.length).toBe(6);
  });

  it('resumes after a crash and after an abort, arm by arm, and gives the uninterrupted table', async () => {
    const dir = newDir();
    // 1: a crash inside trainable seed 1 after step 3 (its last checkpoint is step 2)
    await expect(compareArms({ ...base(dir), onProgress: (e) => {
      if (e.type === 'step' && e.arm === 'trainable' && e.seed === 1 && e.progress.step === 3) throw new Error('simulated crash');
    } })).rejects.toThrow('simulated crash');
    const rec = JSON.parse(readFileSync(join(dir, 'experiment.json'), 'utf8'));
    expect(Object.keys(rec.runs)).toEqual(['frozen', 'from']);
    expect(Object.keys(rec.runs.frozen)).toEqual(['1', '2']);
    expect(JSON.parse(readFileSync(join(dir, 'trainable', 'seed-1', 'latest.json'), 'utf8')).step).toBe(2);
    // 2: stopped by the signal in trainable seed 2 after step 3 (checkpointed there)
    const ac = new AbortController();
    const events: ExperimentProgress[] = [];
    await expect(compareArms({ ...base(dir), signal: ac.signal, onProgress: (e) => {
      events.push(e);
      if (e.type === 'step' && e.arm === 'trainable' && e.seed === 2 && e.progress.step === 3) ac.abort();
    } })).rejects.toThrow(ExperimentAbortedError);
    expect(events.filter((e) => e.type === 'run-done' && e.skipped).map((e) => `${e.arm}/${e.seed}`)).toEqual(['frozen/1', 'frozen/2', 'from/1', 'from/2']);
    expect(events.find((e) => e.type === 'step')).toMatchObject({ arm: 'trainable', seed: 1, progress: { step: 3 } });
    expect(JSON.parse(readFileSync(join(dir, 'trainable', 'seed-2', 'latest.json'), 'utf8')).step).toBe(3);
    // 3: finishes; seed 1 finished in call 2 from its step-2 checkpoint, seed 2 resumes from step 3
    const resumed = await compareArms(base(dir));
    expect(resumed.arms.trainable.runs.map((r) => r.resumedFrom)).toEqual([2, 3]);
    expect(resumed.arms.frozen.runs.map((r) => r.resumedFrom)).toEqual([0, 0]);
    expect(numbersOnly(resumed)).toEqual(numbersOnly(reference));
    // 4: nothing left to run: the same table from experiment.json alone
    const again: ExperimentProgress[] = [];
    const table = await compareArms({ ...base(dir), onProgress: (e) => again.push(e) });
    expect(again.every((e) => e.type === 'run-done' && e.skipped)).toBe(true);
    expect(table).toEqual(resumed);
  });

  it('refuses a directory of another setup or another table under the same arm name, before any run', async () => {
    await expect(compareArms({ ...base(refDir), lr: 2e-2 })).rejects.toThrow(/experiment.json: train.lr is 0.01 in the experiment but 0.02 now/);
    await expect(compareArms({ ...base(refDir), arms: { frozen: table(6) } })).rejects.toThrow(/arm 'frozen' was .* in the experiment but is .* now/);
    await expect(compareArms({ ...base(refDir), seeds: [1, 1] })).rejects.toThrow(/seeds\[1\]: 1 is repeated/);
    await expect(compareArms({ ...base(refDir), evalBatches: 0 })).rejects.toThrow(/evalBatches: must be >= 1/);
    await expect(compareArms({ ...base(refDir), lr: -1 })).rejects.toThrow(/train: lr: must be a finite number > 0/);
    await expect(compareArms({ ...base(refDir), baseline: 'nope' })).rejects.toThrow(/baseline: 'nope' is not one of the arms/);
    expect(existsSync(join(refDir, 'experiment.json'))).toBe(true);
  });

  it('keeps an experiment in a storage object (browsers): run checkpoints under <arm>/seed-<s>, then skips', async () => {
    const storage = memoryStorage('mem');
    const opts = { ...base(undefined), arms: { frozen: glyph, trainable: 'trainable' as const }, seeds: [4], steps: 2, evalEvery: 0, checkpointEvery: 1, dir: storage };
    const first = await compareArms(opts);
    expect([...storage.files.keys()].filter((k) => k.endsWith('latest.json')).sort()).toEqual(['frozen/seed-4/latest.json', 'trainable/seed-4/latest.json']);
    expect(JSON.parse(new TextDecoder().decode(storage.files.get('experiment.json'))).runs.trainable['4'].finalValLoss).toBe(first.arms.trainable.runs[0].finalValLoss);
    const events: ExperimentProgress[] = [];
    expect(await compareArms({ ...opts, onProgress: (e) => events.push(e) })).toEqual(first);
    expect(events.map((e) => e.type)).toEqual(['run-done', 'run-done']);
  });

  it('with one seed and no dir: no CI, said so; baseline differences', async () => {
    const r = await compareArms({ ...base(undefined), seeds: [3], steps: 2, evalEvery: 0, checkpointEvery: 0, baseline: 'trainable', frequency: false });
    expect(r.arms.frozen.finalValLoss.ci95).toBeNull();
    expect(r.differences.map((d) => [d.a, d.b, d.ci95, d.note])).toEqual([
      ['frozen', 'trainable', null, 'one seed: no standard deviation, no confidence interval'],
      ['from', 'trainable', null, 'one seed: no standard deviation, no confidence interval'],
    ]);
    expect(r.arms.frozen.runs[0].valLossByFrequency).toBeNull();
  });
});
