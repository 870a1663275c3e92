// train(): the loop of SPECS.md. The schedule, the data order (the counter-based sampler), evaluation cadence,
// checkpoints and history live here; gradients and AdamW live in a StepEngine (this thread, or worker threads
// through the Node adapter when workers > 1). A run stopped anywhere and resumed repeats the uninterrupted run's
// numbers bit for bit: everything a step reads is derived from (seed, step) or restored from the checkpoint.
import { trainFlopsPerToken } from '@glyphlm/transformer-core';
import { dropoutSeed, evalBatches as makeEvalBatches, sampleBatch, trainBatchIndex } from '../data/sampler.js';
import type { MicroBatch, StepEngine } from './engine.js';
import { TrainCheckpointError } from './errors.js';
import {
  RECORDED_OPTIONS, TRAINER_FORMAT, TRAINER_VERSION, readLatest, stepDirName, readTrainerCheckpoint, writeTrainerCheckpoint,
  type RecordedOptions, type TrainerState,
} from './checkpoint.js';
import { createLocalEngine } from './local-engine.js';
import { learningRate } from './schedule.js';
import { importNodeAdapter, resolveStorage, type CheckpointStorage } from './storage.js';
import type { HistoryEntry, ProgressEvent, TrainOptions, TrainResult } from './types.js';
import { resolveTrainOptions, type ResolvedTrainOptions } from './validate.js';
import { assignWeights } from './weights.js';

const now = () => (globalThis.performance ? globalThis.performance.now() : Date.now());

function recorded(o: ResolvedTrainOptions): RecordedOptions {
  const out = {} as RecordedOptions;
  for (const k of RECORDED_OPTIONS) out[k] = o[k];
  return out;
}

function dataRecord(o: ResolvedTrainOptions): TrainerState['data'] {
  return {
    fingerprint: String(o.data.meta?.fingerprint ?? ''),
    tokenizerFingerprint: String(o.data.meta?.tokenizerFingerprint ?? ''),
    trainTokens: o.data.train.length,
    valTokens: o.data.val.length,
  };
}

/** Resume checks: every recorded option and the data must be this run's; errors name the field. */
function checkSameRun(t: TrainerState, o: ResolvedTrainOptions, file: string): void {
  for (const k of RECORDED_OPTIONS) {
    if (t.options[k] !== o[k]) {
      throw new TrainCheckpointError(file, `${k} is ${t.options[k]} in the checkpoint but ${o[k]} now; resume continues the same run (use another checkpointDir to change it)`, k);
    }
  }
  const d = dataRecord(o);
  const names: Record<keyof TrainerState['data'], string> = {
    tokenizerFingerprint: 'tokenizer fingerprint', fingerprint: 'data fingerprint', trainTokens: 'train tokens', valTokens: 'val tokens',
  };
  for (const k of ['tokenizerFingerprint', 'fingerprint', 'trainTokens', 'valTokens'] as const) {
    if (t.data[k] !== d[k]) throw new TrainCheckpointError(file, `${names[k]} mismatch (data.${k}): ${JSON.stringify(t.data[k])} in the checkpoint, ${JSON.stringify(d[k])} now`, `data.${k}`);
  }
}

async function createEngine(o: ResolvedTrainOptions): Promise<StepEngine> {
  const adam = { lr: o.lr, betas: o.betas, eps: o.eps, weightDecay: o.weightDecay };
  if (o.workers === 1) return createLocalEngine(o.model, adam);
  const mod = await importNodeAdapter<{ createWorkerEngine?: (model: unknown, opts: unknown) => Promise<StepEngine> }>('parallel.js');
  if (typeof mod.createWorkerEngine !== 'function') throw new Error(`train: workers ${o.workers} needs the Node adapter's worker engine (createWorkerEngine), which is not available`);
  return mod.createWorkerEngine(o.model, { ...adam, workers: o.workers });
}

/** Trains `options.model` on `options.data`; see TrainOptions and README-train.md. */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const o = resolveTrainOptions(options);
  const { model, data, steps, batchSize, blockSize, gradAccumSteps, seed } = o;
  const storage: CheckpointStorage | undefined = o.checkpointDir === undefined ? undefined : await resolveStorage(o.checkpointDir);
  const loc = storage?.location ? `${storage.location.replace(/\/+$/, '')}/` : '';

  let history: HistoryEntry[] = [];
  let start = 0;
  let checkpoint: string | undefined;
  let loaded: Awaited<ReturnType<typeof readTrainerCheckpoint>> | undefined;
  if (storage) {
    const latest = await readLatest(storage);
    if (latest && !o.resume) {
      throw new TrainCheckpointError(`${loc}latest.json`, `the directory already holds a run (step ${latest.step}); pass resume: true to continue it, or use an empty checkpointDir`);
    }
    if (latest) {
      loaded = await readTrainerCheckpoint(storage, latest.dir, model);
      checkSameRun(loaded.trainer, o, `${loc}${latest.dir}/trainer.json`);
      if (loaded.trainer.step !== latest.step) throw new TrainCheckpointError(`${loc}latest.json`, `step ${latest.step} but ${latest.dir}/trainer.json says ${loaded.trainer.step}`, 'step');
      await assignWeights(model, loaded.weights, `${loc}${latest.dir}/model.safetensors`);
      history = loaded.trainer.history.map((h) => ({ ...h }));
      start = loaded.trainer.sampler.nextStep;
      checkpoint = latest.dir;
    }
  }

  const engine = await createEngine(o);
  try {
    if (loaded && loaded.optimizer.step > 0) await engine.loadOptimizerState(loaded.optimizer);
    loaded = undefined;
    const evalSet: MicroBatch[] = o.evalBatches > 0
      ? makeEvalBatches(data.val, data.valMask, { seed, count: o.evalBatches, batchSize, blockSize })
      : [];
    const stepTokens = batchSize * blockSize * gradAccumSteps;
    const flopsPerToken = trainFlopsPerToken(model.config, blockSize);
    const elapsedBase = history.length ? history[history.length - 1].elapsedMs : 0;
    const t0 = now();
    let recentMs = 0; // exponential average of step times, for the ETA
    let aborted = false;

    const save = async (done: number): Promise<string> => {
      const trainer: TrainerState = {
        format: TRAINER_FORMAT, version: TRAINER_VERSION, step: done, options: recorded(o),
        sampler: { seed, nextStep: done }, data: dataRecord(o), history, engine: { workers: engine.workers },
      };
      return writeTrainerCheckpoint(storage!, {
        model, optimizer: await engine.optimizerState(), hyper: { betas: o.betas, eps: o.eps, weightDecay: o.weightDecay }, trainer,
      }, o.keepCheckpoints);
    };

    for (let s = start; s < steps; s++) {
      if (o.signal?.aborted) {
        aborted = true;
        break;
      }
      const lr = learningRate(s, o);
      const micro: MicroBatch[] = [];
      const dropoutSeeds: number[] = [];
      for (let k = 0; k < gradAccumSteps; k++) {
        micro.push(sampleBatch(data.train, data.trainMask, { seed, batchIndex: trainBatchIndex(s, k, gradAccumSteps), batchSize, blockSize, splitName: 'train split' }));
        dropoutSeeds.push(dropoutSeed(seed, s, k, gradAccumSteps));
      }
      const ts = now();
      const { loss, gradNorm } = await engine.step({ step: s, micro, lr, gradClip: o.gradClip, dropout: o.dropout, dropoutSeeds });
      const stepMs = now() - ts;
      recentMs = s === start ? stepMs : 0.9 * recentMs + 0.1 * stepMs;
      const done = s + 1;
      const entry: HistoryEntry = {
        step: done, loss, lr, gradNorm, tokens: done * stepTokens,
        tokensPerSecond: stepMs > 0 ? stepTokens / (stepMs / 1000) : 0, elapsedMs: 0,
      };
      if (evalSet.length && ((o.evalEvery > 0 && done % o.evalEvery === 0) || done === steps)) {
        entry.valLoss = await engine.evalLoss(evalSet);
      }
      entry.elapsedMs = elapsedBase + (now() - t0);
      history.push(entry);
      const stopping = !!o.signal?.aborted && done < steps;
      let saved: string | undefined;
      if (storage && ((o.checkpointEvery > 0 && done % o.checkpointEvery === 0) || done === steps || stopping)) {
        saved = checkpoint = await save(done);
      }
      if (o.onProgress) {
        const e: ProgressEvent = { ...entry, steps, etaMs: recentMs * (steps - done), flopsPerToken, workers: engine.workers };
        if (saved) e.checkpoint = saved;
        o.onProgress(e);
      }
      if (stopping) {
        aborted = true;
        break;
      }
    }
    if (aborted && storage && history.length > 0 && checkpoint !== stepDirName(history.length)) {
      checkpoint = await save(history.length); // aborted before the first step of this call: the state resumed from
    }
    return { history, model, step: history.length, aborted, checkpoint, resumedFrom: start };
  } finally {
    await engine.dispose();
  }
}
