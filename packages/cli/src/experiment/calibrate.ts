// The time budget of `glyphlm experiment` (the laptop preset: 15 minutes): a short calibration on this machine, before
// any arm trains, measures the seconds per optimizer step (a throwaway trainable model, the arms' batch and
// workers), the fixed cost of a run (worker start-up, validation, checkpoints) and of evaluating a trained model
// (final validation, held-out scripts, an MMLU sample scaled to the preset's subset, generations), then sizes the
// steps so every arm x seed finishes inside the budget. The choice is stored with the run, so --resume repeats it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectItems } from '@glyphlm/mmlu-eval';
import { createArmModel, train, valLossByFrequency } from '@glyphlm/trainer';
import { saveCheckpoint } from '@glyphlm/transformer-core';
import type { Calibration } from '../report/types.js';
import { evaluateMmlu } from './mmlu.js';
import { perplexityByScript } from './perplexity.js';
import type { Prepared } from './prepare.js';
import { runCount, scheduleFor, type Preset } from './presets.js';
import { sampleGenerations } from './samples.js';

/** Steps that fit, or the preset's minimum when even that does not fit (the note then says so). */
export const MIN_STEPS = 20;
/** Seconds kept for the report and slack. */
export const SAFETY_SECONDS = 25;
/** Share of the time left for training that the steps are sized to (the rest absorbs the VM's speed drift). */
export const DRIFT_MARGIN = 0.9;

export async function calibrate(p: Preset, prep: Prepared, elapsedSeconds: number, log: (s: string) => void): Promise<Calibration> {
  const budget = (p.budgetMinutes ?? 15) * 60;
  const arm = prep.arms.get('trainable') ?? [...prep.arms.values()][0];
  const model = createArmModel(arm, prep.config, 0);
  const dir = mkdtempSync(join(tmpdir(), 'glyphlm-calibrate-'));
  try {
    // Probe 1 (10 steps, with validations and checkpoints) measures the fixed costs of a run. A fresh process runs
    // its first steps ~2x slower (unoptimised wasm, fresh wasm heap pages: DEVELOPERS.md), so the step time comes
    // from probe 2, on the same warmed-up threads and heaps that the runs use (the worker engine's pool).
    const probeSteps = 10;
    const t = scheduleFor(p.train, probeSteps);
    const w0 = performance.now();
    const res = await train({
      model, data: prep.data, steps: probeSteps, batchSize: t.batchSize, seed: 0, lr: t.lr, minLr: t.minLr, warmupSteps: 1,
      weightDecay: t.weightDecay, gradClip: t.gradClip, gradAccumSteps: t.gradAccumSteps, evalEvery: 5, evalBatches: t.evalBatches,
      checkpointDir: join(dir, 'ckpt'), checkpointEvery: 5, workers: p.workers,
    });
    const warm = await train({
      model, data: prep.data, steps: 6, batchSize: t.batchSize, seed: 1, lr: t.lr, minLr: t.minLr, warmupSteps: 1,
      weightDecay: t.weightDecay, gradClip: t.gradClip, gradAccumSteps: t.gradAccumSteps, evalEvery: 0, evalBatches: 1, workers: p.workers,
    });
    const steady = warm.history.slice(1).map((h) => h.tokensPerSecond).filter((x) => x > 0).sort((a, b) => a - b);
    const tps = steady[Math.floor(steady.length / 2)];
    const tokensPerStep = t.batchSize * t.gradAccumSteps * p.model.blockSize;
    const secondsPerStep = tokensPerStep / tps;
    const e0 = performance.now();
    await valLossByFrequency(model, prep.data, { blockSize: p.model.blockSize, batches: p.finalEvalBatches, batchSize: t.batchSize, seed: 0 });
    const finalValSeconds = (performance.now() - e0) / 1000;
    await perplexityByScript(model, prep.tokenizer, prep.plan.heldOut, p.perplexityTokens);
    await sampleGenerations(model, prep.tokenizer, p.samples.prompts, p.samples.maxNewTokens);
    const c0 = performance.now();
    await saveCheckpoint(model, join(dir, 'final'));
    const saveSeconds = (performance.now() - c0) / 1000;
    const fixedEval = (performance.now() - e0) / 1000;
    // A run's fixed costs: its validations (evalBatches each) and trainer checkpoints (model + 2 moment tensors per
    // weight: ~3x a model save). Worker start-up is not among them: the engine keeps its threads in a pool.
    const valSeconds = (finalValSeconds * t.evalBatches) / p.finalEvalBatches;
    const ckptSeconds = 3 * saveSeconds;
    const full = scheduleFor(p.train, 100);
    const runOverheadSeconds = (100 / full.evalEvery) * valSeconds + (100 / full.checkpointEvery) * ckptSeconds;
    const subjects = p.mmlu.subjects ?? prep.mmlu.subjects;
    const sample = subjects.slice(0, 3);
    const m0 = performance.now();
    await evaluateMmlu(model, prep.tokenizer, { mmlu: prep.mmlu, preset: { ...p.mmlu, subjects: sample, limitPerSubject: 1 }, seed: 0, modelName: 'calibration' });
    const mmluSample = (performance.now() - m0) / 1000;
    const items = selectItems(prep.mmlu, p.mmlu.split, subjects, p.mmlu.limitPerSubject).length;
    const sampleItems = selectItems(prep.mmlu, p.mmlu.split, sample, 1).length;
    const runs = runCount(p);
    const mmluRuns = p.mmlu.firstSeedOnly ? p.arms.length : runs;
    const evalSecondsPerRun = fixedEval + ((mmluSample * items) / Math.max(1, sampleItems) * mmluRuns) / runs;
    const calibrationSeconds = (performance.now() - w0) / 1000;
    const left = budget - elapsedSeconds - calibrationSeconds - SAFETY_SECONDS - runs * (runOverheadSeconds + evalSecondsPerRun);
    // 10 % of the training time is kept back: this VM's speed drifts by up to 1.5x within minutes (DEVELOPERS.md),
    // and a run measured at 1,645 tok/s in calibration averaged ~1,450 over the next 15 minutes.
    const fit = Math.floor((DRIFT_MARGIN * left) / (runs * secondsPerStep));
    const steps = Math.max(MIN_STEPS, fit);
    const note = fit >= MIN_STEPS
      ? `${steps} steps per run fit ${runs} runs in the ${p.budgetMinutes} minute budget at ${Math.round(tps)} tokens/s`
      : `the ${p.budgetMinutes} minute budget does not fit ${MIN_STEPS} steps per run on this machine now (${Math.round(tps)} tokens/s): running ${MIN_STEPS}, which will take longer`;
    log(`calibration: ${secondsPerStep.toFixed(2)} s/step (${Math.round(tps)} tok/s), run overhead ${runOverheadSeconds.toFixed(0)} s, evaluation ${evalSecondsPerRun.toFixed(0)} s per run -> ${note}`);
    return { secondsPerStep, tokensPerSecond: tps, runOverheadSeconds, evalSecondsPerRun, elapsedBeforeSeconds: elapsedSeconds + calibrationSeconds, steps, note };
  } finally {
    model.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
