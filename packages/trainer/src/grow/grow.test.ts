// Growth tests (wasm): an 'identity' grown model computes exactly the smaller model's logits and loss; new blocks
// are createModel(grownConfig, { seed })'s ('fresh') or the same with zero output projections ('identity'); with
// freeze 'below' training through train() (1 worker and 2) gives the old blocks no optimizer state and leaves them,
// the table and nothing else byte-identical; grown checkpoints load in transformer-core and in the PyTorch twin;
// bad options are refused naming the option.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { tf, useBackend, createModel, saveCheckpoint, loadCheckpoint, type GPT, type ModelConfig } from '@glyphlm/transformer-core';
import { readSafetensors } from '@glyphlm/tensor-io';
import { glyphTable, stream, testCorpus } from './testing.js';
import { train } from '../train/index.js';
import { grow, GrowError } from './index.js';

const cfg: ModelConfig = { vocabSize: 32, nEmbed: 16, dModel: 32, nLayer: 1, nHead: 4, blockSize: 16 };

function bits(a: Float32Array): number[] {
  return Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
}

async function state(m: GPT): Promise<Map<string, number[]>> {
  return new Map([...(await m.stateDict())].map(([k, v]) => [k, bits(v.data)]));
}

const batch = (seed: number) => {
  const s = stream(17 * 3, 32, seed);
  const rows = [0, 1, 2].map((r) => Array.from(s.subarray(r * 17, r * 17 + 17)));
  return { ids: rows.map((r) => r.slice(0, 16)), targets: rows.map((r) => r.slice(1)) };
};

async function lossOf(m: GPT, seed: number): Promise<number> {
  const { ids, targets } = batch(seed);
  const l = m.loss(ids, targets);
  const v = (await l.data())[0];
  l.dispose();
  return v;
}

describe('grow', () => {
  let dir: string;
  let small: GPT;
  beforeAll(async () => {
    await useBackend('wasm');
    dir = mkdtempSync(join(tmpdir(), 'glyphlm-grow-'));
    small = createModel(cfg, { embedding: glyphTable(cfg, 3), seed: 5 });
    // give the small model some training so its function is not the init's
    await train({ model: small, data: testCorpus(), steps: 5, batchSize: 4, lr: 3e-3, evalBatches: 0 });
  });
  afterAll(() => {
    small.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("'identity': the grown model's logits and loss are exactly the smaller model's; old weights, table and head carried over", async () => {
    const g = await grow(small, { addLayers: 2, freeze: 'below', init: 'identity', seed: 9 });
    try {
      expect(g.config).toEqual({ ...small.config, nLayer: 3 });
      expect(g.embeddingKind).toBe('frozen');
      expect(g.embeddingMeta).toEqual(small.embeddingMeta);
      for (const s of [1, 2, 3]) expect(await lossOf(g, s)).toBe(await lossOf(small, s));
      const ids = batch(4).ids;
      expect(bits(await g.logits(ids))).toEqual(bits(await small.logits(ids)));
      const a = await state(small);
      const b = await state(g);
      for (const [k, v] of a) expect(b.get(k), k).toEqual(v);
      // new blocks: createModel(grownConfig, { seed })'s, output projections zeroed
      const ref = createModel({ ...cfg, nLayer: 3 }, { embedding: glyphTable(cfg, 3), seed: 9 });
      const r = await state(ref);
      ref.dispose();
      for (const l of [1, 2]) {
        expect(b.get(`blocks.${l}.attn.qkv.weight`)).toEqual(r.get(`blocks.${l}.attn.qkv.weight`));
        expect(b.get(`blocks.${l}.mlp.fc.weight`)).toEqual(r.get(`blocks.${l}.mlp.fc.weight`));
        expect(b.get(`blocks.${l}.attn.proj.weight`)!.every((x) => x === 0)).toBe(true);
        expect(b.get(`blocks.${l}.mlp.proj.weight`)!.every((x) => x === 0)).toBe(true);
      }
      expect(g.frozen).toEqual({ layers: [0], embedding: false });
      expect(g.trainableNames).toEqual([1, 2].flatMap((l) => ['attn.qkv', 'attn.proj', 'mlp.fc', 'mlp.proj'].map((t) => `blocks.${l}.${t}.weight`)).concat('lm_head.weight'));
    } finally {
      g.dispose();
    }
  });

  it("'fresh': new blocks are exactly createModel's (GPT-2 init with the grown depth), freeze 'none' trains everything", async () => {
    const g = await grow(small, { addLayers: 1, freeze: 'none', init: 'fresh', seed: 2 });
    const ref = createModel({ ...cfg, nLayer: 2 }, { embedding: glyphTable(cfg, 3), seed: 2 });
    try {
      const b = await state(g);
      const r = await state(ref);
      for (const t of ['attn.qkv', 'attn.proj', 'mlp.fc', 'mlp.proj']) expect(b.get(`blocks.1.${t}.weight`)).toEqual(r.get(`blocks.1.${t}.weight`));
      expect(g.trainableNames).toEqual(ref.trainableNames);
      expect(await lossOf(g, 1)).not.toBe(await lossOf(small, 1));
    } finally {
      g.dispose();
      ref.dispose();
    }
  });

  it('a trainable table is frozen with the blocks below; a checkpoint directory grows too', async () => {
    const t = createModel(cfg, { embedding: 'trainable', seed: 7 });
    await saveCheckpoint(t, join(dir, 'trainable'));
    t.dispose();
    const g = await grow(join(dir, 'trainable'), { addLayers: 1 });
    expect(g.embeddingKind).toBe('trainable');
    expect(g.frozen).toEqual({ layers: [0], embedding: true });
    expect(g.trainableNames.includes('tok_embedding.weight')).toBe(false);
    g.dispose();
  });

  for (const workers of [1, 2]) {
    it(`freeze 'below' through train() (workers ${workers}): old blocks and table byte-identical, no optimizer state for them`, async () => {
      const g = await grow(small, { addLayers: 1, init: 'identity', seed: 4 });
      try {
        const before = await state(g);
        const ck = join(dir, `train-w${workers}`);
        const run = await train({ model: g, data: testCorpus(), steps: 4, batchSize: 4, lr: 3e-3, evalBatches: 2, workers, checkpointDir: ck });
        expect(run.history.length).toBe(4);
        const after = await state(g);
        for (const [k, v] of before) {
          const frozen = k.startsWith('blocks.0.') || k === 'tok_embedding.weight';
          expect(after.get(k)!.every((x, i) => x === v[i]), k).toBe(frozen);
        }
        // the checkpoint: every tensor in model.safetensors, moments only for the trained ones
        const opt = readSafetensors(new Uint8Array(readFileSync(join(ck, 'step-000004', 'optimizer.safetensors'))));
        const names = [...opt.tensors.keys()].sort();
        expect(names).toEqual(g.trainableNames.flatMap((n) => [`exp_avg.${n}`, `exp_avg_sq.${n}`]).sort());
        expect(names.some((n) => n.includes('blocks.0.'))).toBe(false);
        const back = await loadCheckpoint(join(ck, 'step-000004'));
        expect(back.config.nLayer).toBe(2);
        expect(bits(await back.logits([[1, 2, 3]]))).toEqual(bits(await g.logits([[1, 2, 3]])));
        back.dispose();
      } finally {
        g.dispose();
      }
    });
  }

  it('workers 1 and 2 train a grown model to the same losses (1e-4)', async () => {
    const losses: number[][] = [];
    for (const workers of [1, 2]) {
      const g = await grow(small, { addLayers: 1, seed: 4 });
      const run = await train({ model: g, data: testCorpus(), steps: 3, batchSize: 4, lr: 3e-3, evalBatches: 0, workers });
      losses.push(run.history.map((h) => h.loss));
      g.dispose();
    }
    losses[0].forEach((l, i) => expect(Math.abs(l - losses[1][i])).toBeLessThan(1e-4));
  });

  it('a grown checkpoint loads in the PyTorch twin (interop/python/checkpoint.py) with the same logits', async (ctx) => {
    const python = process.env.GLYPHLM_PYTHON ?? '/usr/bin/python3';
    const probe = spawnSync(python, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      console.warn(`grow.test.ts: PyTorch twin check skipped: ${python} cannot import torch and numpy (${(probe.stderr || String(probe.error)).trim().split('\n').pop()})`);
      ctx.skip();
      return;
    }
    const g = await grow(small, { addLayers: 2, init: 'fresh', seed: 6 });
    const ck = join(dir, 'grown-ckpt');
    await saveCheckpoint(g, ck);
    const ids = [[1, 2, 3, 4, 5, 6]];
    const ours = await g.logits(ids);
    g.dispose();
    const interop = resolve(import.meta.dirname, '../../../../interop/python');
    const script = join(dir, 'load.py');
    writeFileSync(script, [
      'import sys, json, torch', `sys.path.insert(0, ${JSON.stringify(interop)})`, 'import checkpoint',
      `m, raw = checkpoint.load(${JSON.stringify(ck)})`, 'm.eval()',
      `with torch.no_grad(): out = m(torch.tensor(${JSON.stringify(ids)}))`,
      'out = out[0] if isinstance(out, tuple) else out',
      'print(json.dumps({"nLayer": raw["nLayer"], "logits": out.reshape(-1).tolist()}))',
    ].join('\n'));
    const r = spawnSync(python, [script], { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(res.nLayer).toBe(3);
    expect(res.logits.length).toBe(ours.length);
    let m = 0;
    ours.forEach((v, i) => { m = Math.max(m, Math.abs(v - res.logits[i])); });
    expect(m).toBeLessThan(1e-4);
  });

  it('bad options and sources are refused before any work, naming the option', async () => {
    const n0 = tf.memory().numTensors;
    await expect(grow(small, { addLayers: 0 })).rejects.toThrow(/options.addLayers must be an integer >= 1, got 0/);
    await expect(grow(small, { addLayers: 1.5 })).rejects.toThrow(GrowError);
    await expect(grow(small, { addLayers: 1, freeze: 'above' as 'below' })).rejects.toThrow(/options.freeze must be "below" or "none"/);
    await expect(grow(small, { addLayers: 1, init: 'zero' as 'fresh' })).rejects.toThrow(/options.init must be "identity" or "fresh"/);
    await expect(grow(small, { addLayers: 1, seed: 0.5 })).rejects.toThrow(/options.seed must be an integer/);
    await expect(grow(42 as unknown as GPT, { addLayers: 1 })).rejects.toThrow(/source must be/);
    await expect(grow(join(dir, 'missing'), { addLayers: 1 })).rejects.toThrow(/missing\/config.json: cannot read/);
    expect(tf.memory().numTensors).toBe(n0);
  });
});
