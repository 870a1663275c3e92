// One arm x seed of an experiment: train (resumable from its checkpoint directory; Ctrl-C stops after the current
// step with a checkpoint), then evaluate the final model: validation loss by token frequency, held-out loss per
// script, MMLU under the four protocols, greedy samples, and the table hash after training. The finished run is
// stored as result.json (+ eval/*.json, final/ checkpoint) so a resumed experiment never redoes it.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createArmModel, rowOffset, tableHash, train, valLossByFrequency, type ResolvedArm } from '@glyphlm/trainer';
import { saveCheckpoint, type GPT } from '@glyphlm/transformer-core';
import { writeAtomic } from '../cli/files.js';
import type { Progress } from '../cli/progress.js';
import type { SeedRun } from '../report/types.js';
import { evaluateMmlu } from './mmlu.js';
import { perplexityByScript } from './perplexity.js';
import type { Prepared } from './prepare.js';
import { seedsFor, type ArmName, type Preset } from './presets.js';
import { sampleGenerations } from './samples.js';

export interface ArmRunContext {
  outDir: string;
  preset: Preset;
  prep: Prepared;
  signal: AbortSignal;
  progress: (label: string, total: number) => Progress;
  log: (s: string) => void;
}

/** Sampler seed of the final validation batches (one fixed set for every arm and seed). */
export const FINAL_VAL_SEED = 0;

export function runDir(outDir: string, arm: string, seed: number): string {
  return join(outDir, 'arms', arm, `s${seed}`);
}

/** SHA-256 of the train batch order (every row offset of every micro-batch), as the sampler of SPECS.md draws it. */
export function batchOrderHash(seed: number, steps: number, accum: number, batchSize: number, n: number, T: number): string {
  const h = createHash('sha256');
  const buf = new Float64Array(batchSize);
  for (let s = 0; s < steps; s++) for (let k = 0; k < accum; k++) {
    for (let r = 0; r < batchSize; r++) buf[r] = rowOffset(seed, s * accum + k, r, n, T);
    h.update(new Uint8Array(buf.buffer));
  }
  return h.digest('hex');
}

async function inputTableHash(model: GPT): Promise<string> {
  const sd = await model.stateDict();
  const parts = [...sd.keys()].filter((k) => k === 'tok_embedding.weight' || k.startsWith('tok_embedding.weight#')).sort();
  const total = parts.reduce((s, k) => s + sd.get(k)!.data.length, 0);
  const all = new Float32Array(total);
  let o = 0;
  for (const k of parts) { all.set(sd.get(k)!.data, o); o += sd.get(k)!.data.length; }
  return tableHash(all);
}

/** Trains and evaluates one arm x seed, or returns its stored result. `null` when Ctrl-C stopped it. */
export async function runArmSeed(ctx: ArmRunContext, armName: ArmName, arm: ResolvedArm, seed: number): Promise<{ run: SeedRun; trainSeconds: number; evalSeconds: number } | null> {
  const dir = runDir(ctx.outDir, armName, seed);
  const resultFile = join(dir, 'result.json');
  if (existsSync(resultFile)) return { run: JSON.parse(readFileSync(resultFile, 'utf8')) as SeedRun, trainSeconds: 0, evalSeconds: 0 };
  const { preset: p, prep } = ctx;
  const t = p.train;
  const model = createArmModel(arm, prep.config, seed);
  try {
    const bar = ctx.progress(`${armName} s${seed}`, t.steps);
    const t0 = performance.now();
    const res = await train({
      model, data: prep.data, steps: t.steps, batchSize: t.batchSize, seed, lr: t.lr, minLr: t.minLr, warmupSteps: t.warmupSteps,
      weightDecay: t.weightDecay, gradClip: t.gradClip, gradAccumSteps: t.gradAccumSteps, evalEvery: t.evalEvery, evalBatches: t.evalBatches,
      checkpointDir: join(dir, 'checkpoints'), checkpointEvery: t.checkpointEvery, resume: true, workers: p.workers, signal: ctx.signal,
      onProgress: (e) => bar.update({ done: e.step, info: `loss ${e.loss.toFixed(3)}${e.valLoss !== undefined ? ` val ${e.valLoss.toFixed(3)}` : ''} · ${Math.round(e.tokensPerSecond)} tok/s` }),
    });
    bar.stop();
    const trainSeconds = (performance.now() - t0) / 1000;
    if (res.aborted) return null;
    if (res.resumedFrom > 0) ctx.log(`${armName} s${seed}: resumed from step ${res.resumedFrom}`);
    const e0 = performance.now();
    const last = res.history[res.history.length - 1];
    const curveVal = [...res.history].reverse().find((h) => h.valLoss !== undefined)?.valLoss ?? NaN;
    // The reported loss is measured on the same validation batches for every arm and seed (sampler seed 0): the
    // CI over seeds is then the spread of training, not of which validation windows a seed happened to draw.
    const freq = await valLossByFrequency(model, prep.data, { blockSize: p.model.blockSize, batches: p.finalEvalBatches, batchSize: t.batchSize, seed: FINAL_VAL_SEED });
    const byFreq: Record<string, number> = {};
    for (const b of freq.byInput) if (b.loss !== null) byFreq[`input seen ${b.name}×`] = b.loss;
    for (const b of freq.byTarget) if (b.loss !== null) byFreq[`target seen ${b.name}×`] = b.loss;
    const perplexity = await perplexityByScript(model, prep.tokenizer, prep.plan.heldOut, p.perplexityTokens);
    const mmlu: SeedRun['mmlu'] = {};
    if (!p.mmlu.firstSeedOnly || seed === seedsFor(p, armName)[0]) {
      const evalBar = ctx.progress(`${armName} s${seed} MMLU`, p.mmlu.protocols.length);
      let doneP = 0;
      const results = await evaluateMmlu(model, prep.tokenizer, {
        mmlu: prep.mmlu, preset: p.mmlu, seed, modelName: `${armName}-s${seed}`,
        onProgress: (k, d, n) => { if (d === n) evalBar.update({ done: ++doneP, info: k }); },
      });
      evalBar.stop();
      for (const k of p.mmlu.protocols) {
        const r = results[k]!;
        const file = join(ctx.outDir, 'eval', `${armName}-s${seed}-${k}.json`);
        await writeAtomic(file, JSON.stringify(r));
        mmlu[k] = { micro: r.accuracy.micro, ci95: r.accuracy.ci95, invalidRate: r.accuracy.invalidRate, chance: r.accuracy.chance, n: r.accuracy.n, runs: r.accuracy.runs, file: relative(ctx.outDir, file) };
      }
    }
    const samples = await sampleGenerations(model, prep.tokenizer, p.samples.prompts, p.samples.maxNewTokens);
    await saveCheckpoint(model, join(dir, 'final'));
    const run: SeedRun = {
      seed,
      finalValLoss: freq.overall.loss ?? NaN,
      finalValTokens: freq.overall.n,
      curveValLoss: curveVal,
      tokensSeen: last?.tokens ?? 0,
      dataFingerprint: String(prep.data.meta.fingerprint),
      batchOrderHash: batchOrderHash(seed, t.steps, t.gradAccumSteps, t.batchSize, prep.data.train.length, p.model.blockSize),
      tableHashAfter: await inputTableHash(model),
      trainSeconds: (last?.elapsedMs ?? 0) / 1000,
      history: res.history.map((h) => ({ step: h.step, loss: h.loss, valLoss: h.valLoss, lr: h.lr, tokens: h.tokens, tokensPerSecond: h.tokensPerSecond, elapsedMs: h.elapsedMs })),
      valLossByFrequency: byFreq,
      perplexity,
      mmlu,
      samples,
    };
    await writeAtomic(resultFile, JSON.stringify(run));
    return { run, trainSeconds, evalSeconds: (performance.now() - e0) / 1000 };
  } finally {
    model.dispose();
  }
}
