// The author's stage-wise growth recipe as one call: stage 1 trains the given model, each later stage grows it by
// `layersPerStage` blocks (the blocks below frozen) and trains `stepsPerStage` steps, and an optional final stage
// trains every block together. Each stage is one train() run (its own warmup + cosine schedule and, with a
// checkpointDir, its own sub-directory stage-01/, stage-02/, ..., final/ so an interrupted schedule resumes);
// the histories are joined into one, step and token counts continuing across stages.
import type { GPT } from '@glyphlm/transformer-core';
import { train } from '../train/train.js';
import { isCheckpointStorage, type CheckpointStorage } from '../train/storage.js';
import type { HistoryEntry, ProgressEvent, TrainOptions } from '../train/types.js';
import { grow, GrowError, type GrowInit } from './grow.js';

export interface GrowthSchedule {
  /** Growth stages (>= 1): stage 1 trains the given model, stages 2..k each add `layersPerStage` blocks first. */
  stages: number;
  /** Optimizer steps of every growth stage. */
  stepsPerStage: number;
  /** Blocks added per stage (default 1; the 9-layer study of the paper adds 3). */
  layersPerStage?: number;
  /** A last stage training every block together: its steps (true = stepsPerStage; default none). */
  finalAllLayers?: number | boolean;
  /** Init of the added blocks (grow's; default 'identity'). */
  init?: GrowInit;
  /** Called after each stage with the stage's model (before it is grown or disposed). */
  onStage?: (s: StageResult & { model: GPT }) => void | Promise<void>;
}

/** One entry of the joined history: train()'s entry with steps and tokens counted from the first stage. */
export interface GrowthHistoryEntry extends HistoryEntry {
  /** 1-based stage; the final all-layer stage is stages + 1. */
  stage: number;
  /** Blocks of the model in this stage. */
  nLayer: number;
  /** Whether this stage trained every block. */
  allLayers: boolean;
}

export interface StageResult {
  stage: number;
  nLayer: number;
  /** Blocks frozen during the stage. */
  frozenLayers: number[];
  steps: number;
  /** Where the stage's checkpoints went (with a checkpointDir). */
  checkpoint?: string;
  /** Validation loss at the stage's end, when evaluated. */
  valLoss?: number;
}

export interface GrowthResult {
  /** The grown, trained model (a new GPT unless there was one stage; the caller disposes it). */
  model: GPT;
  history: GrowthHistoryEntry[];
  stages: StageResult[];
  /** Whether options.signal stopped the schedule early. */
  aborted: boolean;
}

/** Training options of every stage: train()'s, without `steps` (the schedule sets them). */
export type GrowthTrainOptions = Omit<TrainOptions, 'steps'>;

/** A storage seen through a sub-directory (so each stage of a browser run keeps its checkpoints apart). */
export function storageUnder(storage: CheckpointStorage, sub: string): CheckpointStorage {
  const p = (path: string) => (path === '' ? sub : `${sub}/${path}`);
  return {
    location: storage.location ? `${storage.location.replace(/\/+$/, '')}/${sub}` : sub,
    read: (path) => storage.read(p(path)),
    write: (path, data) => storage.write(p(path), data),
    rename: (from, to) => storage.rename(p(from), p(to)),
    list: (dir) => storage.list(p(dir)),
    remove: (path) => storage.remove(p(path)),
  };
}

function checkSchedule(s: GrowthSchedule): { stages: number; steps: number; add: number; final: number; init: GrowInit } {
  if (!s || typeof s !== 'object') throw new GrowError('growthSchedule: schedule must be an object { stages, stepsPerStage, layersPerStage?, finalAllLayers? }');
  const int = (v: unknown, field: string, min: number) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new GrowError(`growthSchedule: schedule.${field} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
    return v;
  };
  const stages = int(s.stages, 'stages', 1);
  const steps = int(s.stepsPerStage, 'stepsPerStage', 1);
  const add = int(s.layersPerStage ?? 1, 'layersPerStage', 1);
  const final = s.finalAllLayers === undefined || s.finalAllLayers === false ? 0 : s.finalAllLayers === true ? steps : int(s.finalAllLayers, 'finalAllLayers', 0);
  const init = s.init ?? 'identity';
  if (init !== 'identity' && init !== 'fresh') throw new GrowError(`growthSchedule: schedule.init must be "identity" or "fresh", got ${JSON.stringify(s.init)}`);
  if (s.onStage !== undefined && typeof s.onStage !== 'function') throw new GrowError('growthSchedule: schedule.onStage must be a function');
  return { stages, steps, add, final, init };
}

/**
 * Runs the growth recipe. `options.model` is trained in place by stage 1 and left to the caller; every model grown
 * from it is disposed once the next stage has grown from it, except the one returned. Each stage's train() starts
 * its data sampler at batch 0 with the run's seed (so every stage reads the same training windows and is
 * validated on the same fixed batches: val losses compare across stages).
 */
export async function growthSchedule(schedule: GrowthSchedule, options: GrowthTrainOptions): Promise<GrowthResult> {
  const s = checkSchedule(schedule);
  if (!options || typeof options !== 'object') throw new GrowError('growthSchedule: training options must be an object');
  if ('steps' in options && (options as TrainOptions).steps !== undefined) throw new GrowError('growthSchedule: options.steps is set by the schedule (stepsPerStage, finalAllLayers); leave it out');
  const dir = options.checkpointDir;
  if (dir !== undefined && typeof dir !== 'string' && !isCheckpointStorage(dir)) throw new GrowError('growthSchedule: options.checkpointDir must be a directory or a CheckpointStorage');
  const stageDir = (name: string): string | CheckpointStorage | undefined =>
    dir === undefined ? undefined : typeof dir === 'string' ? `${dir.replace(/\/+$/, '')}/${name}` : storageUnder(dir, name);

  const history: GrowthHistoryEntry[] = [];
  const stages: StageResult[] = [];
  let model = options.model;
  let offset = { step: 0, tokens: 0, elapsedMs: 0 };
  const plan: Array<{ stage: number; steps: number; grow: boolean; all: boolean; name: string }> = [];
  for (let k = 1; k <= s.stages; k++) plan.push({ stage: k, steps: s.steps, grow: k > 1, all: false, name: `stage-${String(k).padStart(2, '0')}` });
  if (s.final > 0) plan.push({ stage: s.stages + 1, steps: s.final, grow: false, all: true, name: 'final' });

  let aborted = false;
  try {
    for (const p of plan) {
      if (p.grow) {
        const next = await grow(model, { addLayers: s.add, freeze: 'below', init: s.init, seed: (options.seed ?? 1) + p.stage });
        if (model !== options.model) model.dispose();
        model = next;
      }
      if (p.all) model.freeze({});
      const base = { ...offset };
      const onProgress = options.onProgress && ((e: ProgressEvent) => options.onProgress!({
        ...e, step: e.step + base.step, tokens: e.tokens + base.tokens, elapsedMs: e.elapsedMs + base.elapsedMs,
      }));
      const run = await train({ ...options, model, steps: p.steps, checkpointDir: stageDir(p.name), onProgress });
      const frozenLayers = model.frozen.layers;
      for (const h of run.history) {
        history.push({ ...h, step: h.step + base.step, tokens: h.tokens + base.tokens, elapsedMs: h.elapsedMs + base.elapsedMs, stage: p.stage, nLayer: model.config.nLayer, allLayers: frozenLayers.length === 0 });
      }
      const last = run.history[run.history.length - 1];
      if (last) offset = { step: base.step + last.step, tokens: base.tokens + last.tokens, elapsedMs: base.elapsedMs + last.elapsedMs };
      const result: StageResult = { stage: p.stage, nLayer: model.config.nLayer, frozenLayers, steps: run.step };
      if (run.checkpoint) result.checkpoint = `${p.name}/${run.checkpoint}`;
      if (last?.valLoss !== undefined) result.valLoss = last.valLoss;
      stages.push(result);
      if (schedule.onStage) await schedule.onStage({ ...result, model });
      if (run.aborted) {
        aborted = true;
        break;
      }
    }
  } catch (e) {
    if (model !== options.model) model.dispose();
    throw e;
  }
  return { model, history, stages, aborted };
}
