// The bridge to PyTorch's distributed engine (interop/python/continue_training.py): TypeScript trains a run and
// writes its shards; torch continues M steps from the step-N checkpoint on the same shards (trainable embedding:
// torchrun, 2 processes, DDP over gloo; frozen: one process); the uninterrupted TypeScript run gives the same losses
// (1e-4 relative), validation losses and weights (1e-4 absolute) over those steps; TypeScript resumes from the
// torch-written checkpoint and finishes the run with the uninterrupted run's numbers. Gradient accumulation,
// clipping, an SFT mix with masked prompts (loss masks in the shards). Also: Python reads the TS shards and samples
// the same batches bit for bit, continuing on another corpus is a clear error, and the bridge's Python unit tests
// pass. Skips with a printed reason when python3 lacks torch (CI installs Debian python3-torch through
// scripts/setup.sh). tfjs cpu backend: plain float32 kernels, closest to torch's.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSafetensors } from '@glyphlm/tensor-io';
import { createModel, useBackend, type EmbeddingMatrix, type GPT, type ModelConfig } from '@glyphlm/transformer-core';
import { fromHuggingFace } from '@glyphlm/unicode-tokenizer';
import { tokenizeCorpus } from '../data/corpus.js';
import { evalSeed, sampleBatch } from '../data/sampler.js';
import { train } from '../train/train.js';
import type { HistoryEntry, TrainOptions } from '../train/types.js';
import { readShards, writeShards } from './data-shards.js';

const PYTHON = process.env.GLYPHLM_PYTHON ?? '/usr/bin/python3';
const INTEROP = resolve(import.meta.dirname, '../../../../interop/python');
const PY_ENV = { ...process.env, PYTHONDONTWRITEBYTECODE: '1', OMP_NUM_THREADS: '1' };

function pythonUnavailable(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import torch, numpy, torch.distributed as d; assert d.is_available()'], { encoding: 'utf8', env: PY_ENV });
  if (r.error) return `${PYTHON} not runnable (${r.error.message})`;
  if (r.status !== 0) return `${PYTHON} cannot import torch, numpy and torch.distributed (${r.stderr.trim().split('\n').pop()})`;
  return undefined;
}
const why = pythonUnavailable();
if (why) console.warn(`torch-bridge.test.ts: skipped, the PyTorch side cannot run: ${why}`);

/** Runs python3 with `args` in interop/python; returns the exit status and output. */
function python(args: string[], timeout = 300_000): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(PYTHON, args, { cwd: INTEROP, encoding: 'utf8', env: PY_ENV, timeout });
  return { status: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/** Seeded uniforms in [0, 1) (mulberry32). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Word-level text over a small alphabet, so a character model has something to learn. */
function texts(seed: number, docs: number): string[] {
  const rnd = mulberry32(seed);
  const words = ['the', 'glyph', 'frozen', 'table', 'learns', 'nothing', 'above', 'it', 'and', 'yet', 'models', 'speak'];
  return Array.from({ length: docs }, () => {
    const n = 40 + Math.floor(rnd() * 60);
    return Array.from({ length: n }, () => words[Math.floor(rnd() * rnd() * words.length)]).join(' ') + '.';
  });
}

const STEPS = 9;
const N = 3; // TypeScript trains N steps, torch continues M, TypeScript finishes
const M = 3;

/** A step directory's name (stepDirName of the trainer). */
const sd = (step: number) => `step-${String(step).padStart(6, '0')}`;

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

function weights(stepDir: string): Map<string, Float32Array> {
  const st = readSafetensors(new Uint8Array(readFileSync(join(stepDir, 'model.safetensors'))), { source: stepDir });
  return new Map([...st.tensors].map(([k, t]) => [k, t.toFloat32()]));
}

function moments(stepDir: string): Map<string, Float32Array> {
  const st = readSafetensors(new Uint8Array(readFileSync(join(stepDir, 'optimizer.safetensors'))), { source: stepDir });
  return new Map([...st.tensors].map(([k, t]) => [k, t.toFloat32()]));
}

/** max |a - b| over every tensor (same names required). */
function maxAbsDiff(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  let m = 0;
  for (const [k, x] of a) {
    const y = b.get(k)!;
    expect(y.length, k).toBe(x.length);
    for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  }
  return m;
}

/** max over tensors of max|a - b| / max|b| (moments have very different scales per tensor). */
function maxRelToTensor(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  let m = 0;
  for (const [k, x] of a) {
    const y = b.get(k)!;
    let d = 0, s = 0;
    for (let i = 0; i < x.length; i++) { d = Math.max(d, Math.abs(x[i] - y[i])); s = Math.max(s, Math.abs(y[i])); }
    m = Math.max(m, s > 0 ? d / s : d);
  }
  return m;
}

function relDiffs(a: number[], b: number[]): number[] {
  return a.map((x, i) => Math.abs(x - b[i]) / Math.abs(b[i]));
}

describe.skipIf(why !== undefined)('continue a TS run with PyTorch (torchrun, DDP over gloo) and bring it back', () => {
  let tmp = '';
  const p = (...s: string[]) => join(tmp, ...s);
  const report: Record<string, unknown> = {};
  let data: Awaited<ReturnType<typeof readShards>>;
  let config: ModelConfig;

  beforeAll(async () => {
    await useBackend('cpu');
    tmp = mkdtempSync(join(tmpdir(), 'glyphlm-torch-bridge-'));
    const docs = texts(4, 60);
    const chars = [...new Set(docs.join('') + 'QA:?')].sort();
    const vocab: Record<string, number> = { '[UNK]': 0 };
    chars.forEach((c, i) => { vocab[c] = i + 1; });
    const tok = fromHuggingFace({ model: { type: 'BPE', vocab, merges: [], unk_token: '[UNK]' } });
    const examples = Array.from({ length: 30 }, (_, i) => ({ prompt: `Q: the ${['glyph', 'table', 'models'][i % 3]}? A:`, response: ` ${['frozen', 'learns', 'speak'][i % 3]}.` }));
    const corpus = tokenizeCorpus(tok, docs, { valFraction: 0.1, seed: 2, separatorId: 0, sft: { examples, ratio: 0.1, maskPrompt: true } });
    await writeShards(corpus, p('shards'), { shardTokens: 2000 }); // several shards per split: the reader concatenates
    data = await readShards(p('shards'));
    config = { vocabSize: tok.vocabSize, nEmbed: 16, dModel: 64, nLayer: 2, nHead: 4, blockSize: 32 };
  }, 120_000);

  afterAll(() => {
    console.log(`torch bridge figures: ${JSON.stringify(report, null, 1)}`);
    if (process.env.KEEP_BRIDGE_TMP) console.log('kept', tmp); else if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  function options(model: GPT, checkpointDir: string, resume = false): TrainOptions {
    return {
      model, data, steps: STEPS, batchSize: 4, gradAccumSteps: 2, blockSize: 24, seed: 5, lr: 3e-3, minLr: 3e-4,
      warmupSteps: 2, weightDecay: 0.1, gradClip: 0.5, dropout: 0, evalEvery: 3, evalBatches: 2, checkpointDir,
      checkpointEvery: N, keepCheckpoints: 10, resume, workers: 1,
    };
  }

  function embedding(kind: 'trainable' | 'frozen'): EmbeddingMatrix | 'trainable' {
    if (kind === 'trainable') return 'trainable';
    const rnd = mulberry32(77);
    const data32 = Float32Array.from({ length: config.vocabSize * config.nEmbed }, () => rnd() * 2 - 1);
    return { rows: config.vocabSize, dim: config.nEmbed, data: data32, meta: { recipe: 'test-uniform' } } satisfies EmbeddingMatrix;
  }

  it('the Python reader sees the TS shards exactly (fingerprint recomputed) and samples the same batches bit for bit', () => {
    const script = `
import json, sys
import trainer_data as td
d = td.open_shards(sys.argv[1])  # verifies CRC-32s, ids, masks and recomputes the corpus fingerprint
out = {"fingerprint": d.fingerprint, "train": len(d.train), "val": len(d.val), "vocab": d.vocab_size, "batches": []}
for split, src, mask, seed in (("train", d.train, d.train_mask, 5), ("val", d.val, d.val_mask, td.eval_seed(5))):
    for bi in (0, 1, 7, 123456):
        ids, tg = td.sample_batch(src, mask, seed, bi, 6, 24)
        out["batches"].append({"ids": ids.ravel().tolist(), "targets": tg.ravel().tolist()})
print(json.dumps(out))`;
    const r = python(['-c', script, p('shards')]);
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout);
    expect([got.fingerprint, got.train, got.val, got.vocab]).toEqual([data.meta.fingerprint, data.train.length, data.val.length, data.vocabSize]);
    const want: Array<{ ids: number[]; targets: number[] }> = [];
    for (const [src, mask, seed] of [[data.train, data.trainMask, 5], [data.val, data.valMask, evalSeed(5)]] as const) {
      for (const batchIndex of [0, 1, 7, 123456]) {
        const b = sampleBatch(src, mask, { seed, batchIndex, batchSize: 6, blockSize: 24 });
        want.push({ ids: [...b.ids], targets: [...b.targets] });
      }
    }
    expect(got.batches).toEqual(want);
    expect(want.flatMap((b) => b.targets).filter((t) => t < 0).length).toBeGreaterThan(0); // masked prompt targets seen
  }, 60_000);

  // trainable through torchrun (2 processes, DDP); frozen in one process (the same code without the process group)
  for (const [kind, procs] of [['trainable', 2], ['frozen', 1]] as const) {
    it(`${kind} embedding: TS ${N} steps -> torch (${procs} process${procs > 1 ? 'es, DDP' : ''}) ${M} steps -> TS to ${STEPS} equals the uninterrupted TS run`, async () => {
      // 1. the uninterrupted TypeScript run, checkpoints every N steps (all kept)
      const runA = p(`${kind}-ts`);
      const a = await train(options(createModel(config, { embedding: embedding(kind), seed: 1 }), runA));
      expect(a.history.map((h) => h.step)).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
      expect(a.history.slice(0, 2).every((h) => h.gradNorm > 0.5)).toBe(true); // clipping is exercised

      // 2. torchrun continues M steps from the step-N checkpoint alone
      const bridge = p(`${kind}-bridge`);
      mkdirSync(bridge);
      cpSync(join(runA, sd(N)), join(bridge, sd(N)), { recursive: true });
      writeFileSync(join(bridge, 'latest.json'), JSON.stringify({ step: N, dir: sd(N) }));
      const launcher = procs > 1 ? [join(INTEROP, 'torchrun_compat.py'), '--standalone', `--nproc_per_node=${procs}`] : [];
      const r = python([...launcher, join(INTEROP, 'continue_training.py'), '--ckpt', bridge, '--data', p('shards'), '--steps', String(M), '--wrap', 'ddp']);
      expect(r.status, r.stdout.slice(-3000) + r.stderr.slice(-3000)).toBe(0);
      const lines = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      expect(lines.at(-1)).toMatchObject({ step: N + M, world: procs, wrap: procs > 1 ? 'ddp' : 'single' });
      const torchDir = join(bridge, sd(N + M));
      const torchState = readJson<{ step: number; history: HistoryEntry[]; engine: { workers: number }; sampler: { nextStep: number } }>(join(torchDir, 'trainer.json'));
      expect([torchState.step, torchState.sampler.nextStep, torchState.engine.workers]).toEqual([N + M, N + M, procs]);
      expect(readJson(join(bridge, 'latest.json'))).toEqual({ step: N + M, dir: sd(N + M) });
      const pyNew = torchState.history.slice(N);
      const tsSame = a.history.slice(N, N + M);
      expect(torchState.history.slice(0, N)).toEqual(a.history.slice(0, N)); // the TS steps carried through untouched
      const lossRel = relDiffs(pyNew.map((h) => h.loss), tsSame.map((h) => h.loss));
      const valRel = relDiffs(pyNew.filter((h) => h.valLoss !== undefined).map((h) => h.valLoss!), tsSame.filter((h) => h.valLoss !== undefined).map((h) => h.valLoss!));
      expect(valRel.length).toBe(1); // step 6
      const normRel = relDiffs(pyNew.map((h) => h.gradNorm), tsSame.map((h) => h.gradNorm));
      expect(pyNew.map((h) => [h.step, h.lr, h.tokens])).toEqual(tsSame.map((h) => [h.step, expect.closeTo(h.lr, 15), h.tokens]));
      const wTorch = weights(torchDir);
      const wTs = weights(join(runA, sd(N + M)));
      const wDiff = maxAbsDiff(wTorch, wTs);
      const momentRel = maxRelToTensor(moments(torchDir), moments(join(runA, sd(N + M))));
      const meta = readSafetensors(new Uint8Array(readFileSync(join(torchDir, 'optimizer.safetensors')))).metadata;
      expect(meta).toMatchObject({ format: 'glyphlm-adamw', step: String(N + M), betas: '[0.9,0.95]', eps: '1e-8', weight_decay: '0.1' });
      if (kind === 'frozen') {
        const e0 = weights(join(runA, sd(N))).get('tok_embedding.weight')!;
        expect(Buffer.compare(Buffer.from(wTorch.get('tok_embedding.weight')!.buffer), Buffer.from(e0.buffer))).toBe(0);
        expect(moments(torchDir).has('exp_avg.tok_embedding.weight')).toBe(false);
        expect(readJson<{ embeddingMeta?: unknown }>(join(torchDir, 'config.json')).embeddingMeta).toEqual({ recipe: 'test-uniform' });
      }

      // 3. TypeScript resumes from the torch-written checkpoint and finishes the run
      const c = await train(options(createModel(config, { embedding: embedding(kind), seed: 99 }), bridge, true));
      expect(c.resumedFrom).toBe(N + M);
      expect(c.history.slice(0, N + M)).toEqual(torchState.history);
      const finRel = relDiffs(c.history.slice(N + M).map((h) => h.loss), a.history.slice(N + M).map((h) => h.loss));
      const finVal = Math.abs(c.history[STEPS - 1].valLoss! - a.history[STEPS - 1].valLoss!) / a.history[STEPS - 1].valLoss!;
      const finW = maxAbsDiff(weights(join(bridge, sd(STEPS))), weights(join(runA, sd(STEPS))));

      report[kind] = {
        vocabSize: config.vocabSize,
        torchLossRelDiff: Math.max(...lossRel), torchValLossRelDiff: Math.max(...valRel), torchGradNormRelDiff: Math.max(...normRel),
        torchWeightsMaxAbsDiff: wDiff, torchMomentsMaxRelToTensorMax: momentRel, tsAfterTorchLossRelDiff: Math.max(...finRel),
        tsAfterTorchValLossRelDiff: finVal, finalWeightsMaxAbsDiff: finW, losses: { ts: a.history.map((h) => h.loss), bridged: c.history.map((h) => h.loss) },
      };
      for (const x of [...lossRel, ...valRel, ...finRel, finVal]) expect(x).toBeLessThan(1e-4);
      expect(Math.max(...normRel)).toBeLessThan(1e-3);
      expect(wDiff).toBeLessThan(1e-4);
      expect(finW).toBeLessThan(1e-4);
      expect(momentRel).toBeLessThan(1e-3);
      expect(a.history[STEPS - 1].loss).toBeLessThan(a.history[0].loss); // it learned something: not a vacuous match
    }, 240_000);
  }

  it('continuing on another corpus, or past the schedule, is a clear error before any step', async () => {
    const other = p('other-shards');
    const docs = texts(8, 20);
    const chars = [...new Set(docs.join(''))].sort();
    const vocab: Record<string, number> = { '[UNK]': 0 };
    chars.forEach((ch, i) => { vocab[ch] = i + 1; });
    await writeShards(tokenizeCorpus(fromHuggingFace({ model: { type: 'BPE', vocab, merges: [], unk_token: '[UNK]' } }), docs, { separatorId: 0 }), other);
    const ck = p('trainable-ts');
    let r = python([join(INTEROP, 'continue_training.py'), '--ckpt', ck, '--data', other, '--steps', '1', '--total-steps', '12', '--out', p('nowhere')]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/data mismatch: .*trainer\.json data\.fingerprint = '[0-9a-f]{64}', but .*corpus\.json/);
    r = python([join(INTEROP, 'continue_training.py'), '--ckpt', ck, '--data', p('shards'), '--steps', '1', '--out', p('nowhere')]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--steps 1 from step 9 passes the schedule's end options\.steps = 9 .*give --total-steps >= 10/);
    expect(() => readFileSync(p('nowhere', 'latest.json'))).toThrow(); // nothing written
  }, 60_000);

  it("the bridge's Python unit tests pass (sampler goldens, shard rejections, continuation = an independent reference loop, exact stop and resume)", () => {
    // its own torchrun case is skipped here: the trainable case above runs torchrun on TypeScript's checkpoint
    const r = spawnSync(PYTHON, ['-m', 'unittest', 'test_trainer_bridge'], { cwd: INTEROP, encoding: 'utf8', env: { ...PY_ENV, BRIDGE_SKIP_TORCHRUN: '1' }, timeout: 180_000 });
    expect(r.status, r.stderr.slice(-4000)).toBe(0);
  }, 180_000);
});
