// compareArms: the paper's experiment. Every arm (frozen glyph table, trainable, trainable from a matrix, ablation
// codes) is trained for every seed on one backbone config with train(): for seed s every arm gets the same data
// order (train seed s), the same evaluation batches and the same initial weights of everything but the table
// (init seed s, or options.initSeed). Returns per-arm histories, final validation loss mean ± CI95 over seeds,
// paired differences between arms (paired by seed) and the validation loss split by train-split token frequency.
// With `dir` the experiment survives interruption: each run checkpoints to <dir>/<arm>/seed-<s> (and resumes from
// there), finished runs are recorded in <dir>/experiment.json, and a second call skips them.
import { resolveConfig, type GPT, type ModelConfig, type ResolvedConfig } from '@glyphlm/transformer-core';
import type { CorpusData } from '../data/types.js';
import { train } from '../train/train.js';
import { resolveStorage, type CheckpointStorage } from '../train/storage.js';
import { resolveTrainOptions } from '../train/validate.js';
import { RECORDED_OPTIONS } from '../train/checkpoint.js';
import type { ProgressEvent, TrainOptions } from '../train/types.js';
import { createArmModel, resolveArm, type ArmSpec, type ResolvedArm } from './arms.js';
import { checkThresholds, DEFAULT_FREQUENCY_THRESHOLDS, tokenCounts, valLossByFrequency } from './frequency.js';
import {
  checkSameArm, checkSameSetup, EXPERIMENT_FILE, EXPERIMENT_FORMAT, EXPERIMENT_VERSION, fileName, readExperiment, subStorage,
  writeExperiment, type ExperimentRecord, type ExperimentSetup, type RunResult,
} from './record.js';
import { pairedDifference, summarize, type PairedDifference, type Summary } from './stats.js';

/** train() options every run shares (model, seed, checkpointDir, resume, onProgress and signal are compareArms'). */
export type SharedTrainOptions = Omit<TrainOptions, 'model' | 'data' | 'seed' | 'checkpointDir' | 'resume' | 'onProgress' | 'signal'>;

export interface CompareArmsOptions extends SharedTrainOptions {
  /** Arms by name (the name is a directory under `dir`: letters, digits, '.', '_', '-'). */
  arms: Record<string, ArmSpec>;
  /** The backbone every arm shares (nEmbed = every table's dim). */
  config: ModelConfig;
  data: CorpusData;
  /** Experiment seeds: run seed (data order, eval batches, dropout) and, unless initSeed is set, the init seed. */
  seeds: number[];
  /** A fixed weight-init seed for every run (default: the run's seed). */
  initSeed?: number;
  /** Experiment directory (Node path) or storage object: checkpoints, experiment.json, resume. */
  dir?: string | CheckpointStorage;
  /** Validation loss by train-split frequency (default { thresholds: [1, 10, 1000], batches: evalBatches }); false = off. */
  frequency?: false | { thresholds?: number[]; batches?: number };
  /** Differences: every other arm minus `baseline` (default: every pair a - b in arm order). */
  baseline?: string;
  /** Split vocabulary tables into shards of at most this many bytes (transformer-core's maxShardBytes). */
  maxShardBytes?: number;
  onProgress?: (e: ExperimentProgress) => void;
  /** Aborting stops the current run after its step (checkpointed with `dir`) and rejects with ExperimentAbortedError. */
  signal?: AbortSignal;
}

interface RunRef {
  arm: string;
  seed: number;
  /** 0-based index of the run in arm-major order, of `runs`. */
  run: number;
  runs: number;
}

export type ExperimentProgress =
  | (RunRef & { type: 'run-start' })
  | (RunRef & { type: 'step'; progress: ProgressEvent })
  | (RunRef & { type: 'run-done'; finalValLoss: number; skipped: boolean });

/** Per-bucket mean over seeds of the frequency split. */
export interface FrequencySummary {
  thresholds: number[];
  byTarget: Array<{ name: string; loss: Summary | null; n: number }>;
  byInput: Array<{ name: string; loss: Summary | null; n: number }>;
}

export interface ArmResult {
  /** The arm's description: kind, recipe, sizes, seed, table hash. */
  describe: Record<string, unknown>;
  embedding: 'frozen' | 'trainable';
  runs: RunResult[];
  finalValLoss: Summary;
  /** Frequency split averaged over seeds (null when off). */
  valLossByFrequency: FrequencySummary | null;
}

export interface ExperimentResult {
  arms: Record<string, ArmResult>;
  /** Paired by seed: final val loss of a minus b, mean ± t CI95 over the seeds (no CI with one seed: see note). */
  differences: PairedDifference[];
  /** Training tokens per run of each arm (equal for all arms by construction; checked). */
  tokensSeen: Record<string, number>;
  config: ResolvedConfig;
  options: { seeds: number[] } & ExperimentSetup;
}

/** The experiment was stopped through options.signal; the interrupted run is checkpointed when `dir` is set. */
export class ExperimentAbortedError extends Error {
  readonly arm: string;
  readonly seed: number;
  readonly step: number;
  constructor(arm: string, seed: number, step: number, resumable: boolean) {
    super(`compareArms: stopped by the signal in arm '${arm}' seed ${seed} after step ${step}${resumable ? '; call again with the same dir to resume' : ''}`);
    this.name = 'ExperimentAbortedError';
    this.arm = arm;
    this.seed = seed;
    this.step = step;
  }
}

/** A bad compareArms option (before any run). */
export class ExperimentOptionError extends RangeError {
  constructor(field: string, message: string) {
    super(`compareArms: ${field}: ${message}`);
    this.name = 'ExperimentOptionError';
  }
}

const OWN_KEYS = ['arms', 'config', 'data', 'seeds', 'initSeed', 'dir', 'frequency', 'baseline', 'maxShardBytes', 'onProgress', 'signal'];

function checkSeeds(seeds: unknown): number[] {
  if (!Array.isArray(seeds) || seeds.length === 0) throw new ExperimentOptionError('seeds', 'must be a non-empty array of integers');
  seeds.forEach((s, i) => {
    if (typeof s !== 'number' || !Number.isSafeInteger(s)) throw new ExperimentOptionError(`seeds[${i}]`, `must be an integer, got ${JSON.stringify(s)}`);
    if (seeds.indexOf(s) !== i) throw new ExperimentOptionError(`seeds[${i}]`, `${s} is repeated`);
  });
  return seeds as number[];
}

/** Everything checked before any model is built: arms, seeds, the train options (through train's own checks). */
function prepare(options: CompareArmsOptions) {
  if (!options || typeof options !== 'object') throw new ExperimentOptionError('options', 'compareArms takes one options object');
  const config = resolveConfig(options.config, 'compareArms config');
  const seeds = checkSeeds(options.seeds);
  if (!options.arms || typeof options.arms !== 'object' || Object.keys(options.arms).length === 0) {
    throw new ExperimentOptionError('arms', 'must be an object of at least one arm, e.g. { frozen: glyphMatrix, trainable: "trainable" }');
  }
  const arms: ResolvedArm[] = Object.entries(options.arms).map(([name, spec]) => resolveArm(name, spec, config));
  if (options.initSeed !== undefined && !Number.isSafeInteger(options.initSeed)) throw new ExperimentOptionError('initSeed', `must be an integer, got ${JSON.stringify(options.initSeed)}`);
  if (options.baseline !== undefined && !(options.baseline in options.arms)) throw new ExperimentOptionError('baseline', `'${options.baseline}' is not one of the arms (${Object.keys(options.arms).join(', ')})`);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') throw new ExperimentOptionError('onProgress', 'must be a function');
  const trainOpts: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) if (!OWN_KEYS.includes(k)) trainOpts[k] = v;
  // train()'s own validation of the shared options, against a weightless stand-in of the backbone (no tensors)
  const standIn = { config, trainableVariables: [], loss() { throw new Error('stand-in'); } } as unknown as GPT;
  const resolved = resolveTrainOptions({ ...(trainOpts as unknown as SharedTrainOptions), model: standIn, data: options.data, seed: seeds[0], checkpointDir: options.dir });
  if (resolved.evalBatches < 1) throw new ExperimentOptionError('evalBatches', 'must be >= 1: arms are compared by their final validation loss');
  let frequency: ExperimentSetup['frequency'] = null;
  if (options.frequency !== false) {
    const f = options.frequency ?? {};
    if (typeof f !== 'object') throw new ExperimentOptionError('frequency', 'must be false or { thresholds?, batches? }');
    const batches = f.batches ?? resolved.evalBatches;
    if (!Number.isInteger(batches) || batches < 1) throw new ExperimentOptionError('frequency.batches', `must be a positive integer, got ${JSON.stringify(f.batches)}`);
    let thresholds: number[];
    try {
      thresholds = checkThresholds(f.thresholds ?? DEFAULT_FREQUENCY_THRESHOLDS);
    } catch (e) {
      throw new ExperimentOptionError('frequency.thresholds', (e as Error).message);
    }
    frequency = { thresholds, batches };
  }
  const recorded: Record<string, unknown> = {};
  for (const k of RECORDED_OPTIONS) if (k !== 'seed') recorded[k] = resolved[k];
  recorded.betas = resolved.betas;
  recorded.eps = resolved.eps;
  const data = options.data;
  const setup: ExperimentSetup = {
    config,
    data: {
      fingerprint: String(data.meta?.fingerprint ?? ''), tokenizerFingerprint: String(data.meta?.tokenizerFingerprint ?? ''),
      trainTokens: data.train.length, valTokens: data.val.length,
    },
    train: recorded,
    initSeed: options.initSeed ?? 'seed',
    frequency,
  };
  return { config, seeds, arms, trainOpts: trainOpts as unknown as SharedTrainOptions, resolved, setup };
}

function frequencySummary(runs: RunResult[]): FrequencySummary | null {
  const first = runs[0]?.valLossByFrequency;
  if (!first) return null;
  const side = (k: 'byTarget' | 'byInput') => first[k].map((b, i) => {
    const losses = runs.map((r) => r.valLossByFrequency![k][i].loss).filter((l): l is number => l !== null);
    return { name: b.name, loss: losses.length ? summarize(losses, `bucket ${b.name}`) : null, n: runs.reduce((s, r) => s + r.valLossByFrequency![k][i].n, 0) };
  });
  return { thresholds: first.thresholds, byTarget: side('byTarget'), byInput: side('byInput') };
}

/** Runs every arm for every seed (arm by arm) and compares their final validation losses. */
export async function compareArms(options: CompareArmsOptions): Promise<ExperimentResult> {
  const { config, seeds, arms, trainOpts, resolved, setup } = prepare(options);
  const data = options.data;
  const storage = options.dir === undefined ? undefined : await resolveStorage(options.dir);
  const recFile = storage ? fileName(storage, EXPERIMENT_FILE) : EXPERIMENT_FILE;
  let record: ExperimentRecord = { format: EXPERIMENT_FORMAT, version: EXPERIMENT_VERSION, ...setup, arms: {}, runs: {} };
  if (storage) {
    const old = await readExperiment(storage);
    if (old) {
      checkSameSetup(recFile, old, setup);
      for (const a of arms) checkSameArm(recFile, old, a.name, a.describe);
      record = old;
    }
  }
  for (const a of arms) record.arms[a.name] = a.describe;
  const counts = setup.frequency ? tokenCounts(data.train, config.vocabSize) : undefined;
  const total = arms.length * seeds.length;
  const emit = (e: ExperimentProgress) => options.onProgress?.(e);

  let index = 0;
  for (const arm of arms) {
    for (const seed of seeds) {
      const ref: RunRef = { arm: arm.name, seed, run: index++, runs: total };
      const done = record.runs[arm.name]?.[String(seed)];
      if (done) {
        emit({ ...ref, type: 'run-done', finalValLoss: done.finalValLoss, skipped: true });
        continue;
      }
      emit({ ...ref, type: 'run-start' });
      const initSeed = options.initSeed ?? seed;
      const runDir = `${arm.name}/seed-${seed}`;
      const checkpointDir = options.dir === undefined ? undefined
        : typeof options.dir === 'string' ? `${options.dir.replace(/\/+$/, '')}/${runDir}` : subStorage(storage!, runDir);
      const model = createArmModel(arm, config, initSeed, { maxShardBytes: options.maxShardBytes });
      try {
        const run = await train({
          ...trainOpts, model, data, seed, checkpointDir, resume: checkpointDir !== undefined, signal: options.signal,
          onProgress: options.onProgress ? (p) => emit({ ...ref, type: 'step', progress: p }) : undefined,
        });
        if (run.aborted) throw new ExperimentAbortedError(arm.name, seed, run.step, checkpointDir !== undefined);
        const last = run.history[run.history.length - 1];
        if (!last || last.valLoss === undefined) throw new Error(`compareArms: arm '${arm.name}' seed ${seed}: train() returned no final validation loss`);
        if (arm.embedding === 'frozen') await checkFrozenTable(model, arm);
        const result: RunResult = {
          seed, initSeed, history: run.history, finalValLoss: last.valLoss, tokensSeen: last.tokens, resumedFrom: run.resumedFrom,
          valLossByFrequency: setup.frequency
            ? await valLossByFrequency(model, data, { blockSize: resolved.blockSize, batchSize: resolved.batchSize, batches: setup.frequency.batches, seed, thresholds: setup.frequency.thresholds, counts })
            : null,
        };
        (record.runs[arm.name] ??= {})[String(seed)] = result;
        if (storage) await writeExperiment(storage, record);
        emit({ ...ref, type: 'run-done', finalValLoss: result.finalValLoss, skipped: false });
      } finally {
        model.dispose();
      }
    }
  }
  return summarizeExperiment(record, arms.map((a) => a.name), seeds, options.baseline);
}

/** A frozen arm's table after training must be its matrix, bit for bit. */
async function checkFrozenTable(model: GPT, arm: ResolvedArm): Promise<void> {
  const want = arm.table!.data;
  const b = new Uint32Array(want.buffer, want.byteOffset, want.length);
  let off = 0;
  for (const part of model.embedding.parts) { // row shards of the table, in order
    const now = (await part.data()) as Float32Array;
    const a = new Uint32Array(now.buffer, now.byteOffset, now.length);
    for (let i = 0; i < a.length; i++) {
      if (a[i] !== b[off + i]) throw new Error(`compareArms: arm '${arm.name}': the frozen table changed during training (value ${off + i}); this is a bug`);
    }
    off += a.length;
  }
  if (off !== b.length) throw new Error(`compareArms: arm '${arm.name}': the model's table has ${off} values, the matrix ${b.length}`);
}

/** The result table of the recorded runs of `armNames` x `seeds`. */
export function summarizeExperiment(record: ExperimentRecord, armNames: string[], seeds: number[], baseline?: string): ExperimentResult {
  const arms: Record<string, ArmResult> = {};
  const tokensSeen: Record<string, number> = {};
  const finals = new Map<string, Map<number, number>>();
  for (const name of armNames) {
    const runs = seeds.map((s) => {
      const r = record.runs[name]?.[String(s)];
      if (!r) throw new Error(`compareArms: arm '${name}' has no finished run for seed ${s}`);
      return r;
    });
    const tokens = new Set(runs.map((r) => r.tokensSeen));
    if (tokens.size !== 1) throw new Error(`compareArms: arm '${name}': runs saw different token counts (${[...tokens].join(', ')})`);
    tokensSeen[name] = runs[0].tokensSeen;
    finals.set(name, new Map(runs.map((r) => [r.seed, r.finalValLoss])));
    const embedding = record.arms[name]?.kind === 'trainable' || record.arms[name]?.kind === 'trainable-from' ? 'trainable' : 'frozen';
    arms[name] = {
      describe: record.arms[name], embedding, runs,
      finalValLoss: summarize(runs.map((r) => r.finalValLoss), `arm '${name}' final val loss`),
      valLossByFrequency: frequencySummary(runs),
    };
  }
  const seen = new Set(Object.values(tokensSeen));
  if (seen.size !== 1) throw new Error(`compareArms: arms saw different numbers of training tokens: ${JSON.stringify(tokensSeen)}`);
  const differences: PairedDifference[] = [];
  if (baseline !== undefined) {
    for (const a of armNames) if (a !== baseline) differences.push(pairedDifference(a, finals.get(a)!, baseline, finals.get(baseline)!));
  } else {
    for (let i = 0; i < armNames.length; i++) {
      for (let j = i + 1; j < armNames.length; j++) differences.push(pairedDifference(armNames[i], finals.get(armNames[i])!, armNames[j], finals.get(armNames[j])!));
    }
  }
  const { config, data, train: trainRec, initSeed, frequency } = record;
  return { arms, differences, tokensSeen, config, options: { seeds: [...seeds], config, data, train: trainRec, initSeed, frequency } };
}
