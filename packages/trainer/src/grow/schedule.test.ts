// growthSchedule tests (wasm): k stages of n steps plus a final all-layer stage give one history with continuing
// step and token counts and the stage/depth of every entry; blocks frozen in a stage stay byte-identical through
// it and train again in the final stage; per-stage checkpoint directories (a directory and a memory storage);
// an interrupted schedule resumed from its checkpoints ends with the uninterrupted run's history and weights.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend, createModel, type GPT, type ModelConfig } from '@glyphlm/transformer-core';
import { memoryStorage } from '../train/index.js';
import { growthSchedule, GrowError, type StageResult } from './index.js';
import { glyphTable, testCorpus } from './testing.js';

const cfg: ModelConfig = { vocabSize: 32, nEmbed: 16, dModel: 32, nLayer: 1, nHead: 4, blockSize: 16 };
const base = { batchSize: 4, lr: 3e-3, evalBatches: 2, evalEvery: 2 };

function bits(a: Float32Array): number[] {
  return Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
}

async function layer(m: GPT, l: number): Promise<number[]> {
  const s = await m.stateDict();
  return ['attn.qkv', 'attn.proj', 'mlp.fc', 'mlp.proj'].flatMap((t) => bits(s.get(`blocks.${l}.${t}.weight`)!.data));
}

describe('growthSchedule', () => {
  let dir: string;
  beforeAll(async () => {
    await useBackend('wasm');
    dir = mkdtempSync(join(tmpdir(), 'glyphlm-growth-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('3 stages of 4 steps + a final all-layer stage: one history, frozen blocks untouched within their stages', async () => {
    const model = createModel(cfg, { embedding: glyphTable(cfg, 3), seed: 1 });
    const snapshots: Array<{ stage: number; layers: number[][] }> = [];
    const events: number[] = [];
    const res = await growthSchedule({
      stages: 3, stepsPerStage: 4, finalAllLayers: 2,
      onStage: async (s) => {
        snapshots.push({ stage: s.stage, layers: await Promise.all(Array.from({ length: s.model.config.nLayer }, (_, l) => layer(s.model, l))) });
      },
    }, { ...base, model, data: testCorpus(), checkpointDir: join(dir, 'run'), onProgress: (e) => events.push(e.step) });
    try {
      expect(res.aborted).toBe(false);
      expect(res.model.config.nLayer).toBe(3);
      expect(res.history.map((h) => h.step)).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
      expect(events).toEqual(res.history.map((h) => h.step));
      expect(res.history.map((h) => h.stage)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4]);
      expect(res.history.map((h) => h.nLayer)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3]);
      expect(res.history.map((h) => h.allLayers)).toEqual([true, true, true, true, false, false, false, false, false, false, false, false, true, true]);
      expect(res.history.map((h) => h.tokens)).toEqual(res.history.map((h) => h.step * 4 * 16));
      res.history.slice(1).forEach((h, i) => expect(h.elapsedMs).toBeGreaterThanOrEqual(res.history[i].elapsedMs));
      expect(res.history.filter((h) => h.valLoss !== undefined).map((h) => h.step)).toEqual([2, 4, 6, 8, 10, 12, 14]);
      expect(res.stages.map((s: StageResult) => [s.stage, s.nLayer, s.frozenLayers, s.steps, s.checkpoint])).toEqual([
        [1, 1, [], 4, 'stage-01/step-000004'], [2, 2, [0], 4, 'stage-02/step-000004'], [3, 3, [0, 1], 4, 'stage-03/step-000004'],
        [4, 3, [], 2, 'final/step-000002'],
      ]);
      expect(readdirSync(join(dir, 'run')).sort()).toEqual(['final', 'stage-01', 'stage-02', 'stage-03']);
      // stage 2 left block 0 as stage 1 ended it; stage 3 left blocks 0 and 1 as stage 2 ended them
      expect(snapshots[1].layers[0]).toEqual(snapshots[0].layers[0]);
      expect(snapshots[2].layers[0]).toEqual(snapshots[0].layers[0]);
      expect(snapshots[2].layers[1]).toEqual(snapshots[1].layers[1]);
      // the final stage trains every block
      for (let l = 0; l < 3; l++) expect(snapshots[3].layers[l]).not.toEqual(snapshots[2].layers[l]);
      // the first model is the caller's: trained in place by stage 1, not disposed
      expect(await layer(model, 0)).toEqual(snapshots[0].layers[0]);
    } finally {
      res.model.dispose();
      model.dispose();
    }
  });

  it('an interrupted schedule resumes from its per-stage checkpoints to the same history and weights (memory storage)', async () => {
    const run = async (storage: ReturnType<typeof memoryStorage>, signal?: AbortSignal, onStep?: (s: number) => void) => {
      const model = createModel(cfg, { embedding: glyphTable(cfg, 3), seed: 1 });
      const r = await growthSchedule({ stages: 2, stepsPerStage: 3, finalAllLayers: true }, {
        ...base, model, data: testCorpus(), checkpointDir: storage, resume: true, signal, onProgress: (e) => onStep?.(e.step),
      });
      const weights = bits((await r.model.stateDict()).get('blocks.1.mlp.fc.weight')!.data);
      if (r.model !== model) r.model.dispose();
      model.dispose();
      return { history: r.history, aborted: r.aborted, weights };
    };
    const whole = await run(memoryStorage());
    const storage = memoryStorage();
    const ac = new AbortController();
    const part = await run(storage, ac.signal, (s) => { if (s === 5) ac.abort(); });
    expect(part.aborted).toBe(true);
    expect(part.history.length).toBe(5);
    expect([...storage.files.keys()].some((k) => k.startsWith('stage-02/'))).toBe(true);
    const rest = await run(storage);
    const strip = (h: typeof whole.history) => h.map(({ elapsedMs: _e, tokensPerSecond: _t, ...r }) => r);
    expect(strip(rest.history)).toEqual(strip(whole.history));
    expect(rest.weights).toEqual(whole.weights);
  });

  it('bad schedules are refused naming the field', async () => {
    const model = createModel(cfg, { embedding: glyphTable(cfg, 3), seed: 1 });
    const o = { ...base, model, data: testCorpus() };
    try {
      await expect(growthSchedule({ stages: 0, stepsPerStage: 2 }, o)).rejects.toThrow(/schedule.stages must be an integer >= 1, got 0/);
      await expect(growthSchedule({ stages: 2, stepsPerStage: 1.5 }, o)).rejects.toThrow(/schedule.stepsPerStage/);
      await expect(growthSchedule({ stages: 2, stepsPerStage: 2, layersPerStage: 0 }, o)).rejects.toThrow(/schedule.layersPerStage/);
      await expect(growthSchedule({ stages: 2, stepsPerStage: 2, finalAllLayers: -1 }, o)).rejects.toThrow(/schedule.finalAllLayers/);
      await expect(growthSchedule({ stages: 2, stepsPerStage: 2, init: 'x' as 'fresh' }, o)).rejects.toThrow(/schedule.init/);
      await expect(growthSchedule({ stages: 2, stepsPerStage: 2 }, { ...o, steps: 5 } as never)).rejects.toThrow(GrowError);
      await expect(growthSchedule({ stages: 2, stepsPerStage: 2 }, { ...o, checkpointDir: 5 as never })).rejects.toThrow(/checkpointDir/);
    } finally {
      model.dispose();
    }
  });
});
