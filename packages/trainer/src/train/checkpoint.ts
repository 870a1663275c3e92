// The trainer checkpoint directory of SPECS.md: step-NNNNNN/{config.json, model.safetensors, optimizer.safetensors,
// trainer.json} written as a temp directory and renamed, then latest.json (temp + rename) naming it, then old step
// directories pruned. Reading validates every file before the caller touches the model, naming the file at fault.
import {
  serializeCheckpoint, parseCheckpointConfig, validateWeights, type CheckpointConfig, type GPT, type StateDict,
} from '@glyphlm/transformer-core';
import { readSafetensors } from '@glyphlm/tensor-io';
import type { OptimizerState } from './engine.js';
import { TrainCheckpointError } from './errors.js';
import { decodeOptimizerState, encodeOptimizerState, type OptimizerHyper } from './optimizer-state.js';
import type { CheckpointStorage } from './storage.js';
import type { HistoryEntry } from './types.js';

export const TRAINER_FORMAT = 'glyphlm-trainer';
export const TRAINER_VERSION = 1;

/** The options a checkpoint records; resume requires every one to match. */
export interface RecordedOptions {
  steps: number;
  batchSize: number;
  gradAccumSteps: number;
  lr: number;
  minLr: number;
  warmupSteps: number;
  weightDecay: number;
  gradClip: number;
  dropout: number;
  seed: number;
  evalEvery: number;
  evalBatches: number;
  blockSize: number;
}

export const RECORDED_OPTIONS: Array<keyof RecordedOptions> = [
  'steps', 'batchSize', 'gradAccumSteps', 'lr', 'minLr', 'warmupSteps', 'weightDecay', 'gradClip', 'dropout', 'seed',
  'evalEvery', 'evalBatches', 'blockSize',
];

/** trainer.json. */
export interface TrainerState {
  format: typeof TRAINER_FORMAT;
  version: typeof TRAINER_VERSION;
  /** Optimizer steps done. */
  step: number;
  options: RecordedOptions;
  sampler: { seed: number; nextStep: number };
  data: { fingerprint: string; tokenizerFingerprint: string; trainTokens: number; valTokens: number };
  history: HistoryEntry[];
  engine: { workers: number };
}

/** step-000200 (at least six digits). */
export function stepDirName(step: number): string {
  return `step-${String(step).padStart(6, '0')}`;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function where(storage: CheckpointStorage, path: string): string {
  return storage.location ? `${storage.location.replace(/\/+$/, '')}/${path}` : path;
}

function parseJson(bytes: Uint8Array, file: string): unknown {
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch (e) {
    throw new TrainCheckpointError(file, `invalid JSON (${(e as Error).message}); the file is corrupt or truncated`);
  }
}

async function writeFileAtomic(storage: CheckpointStorage, path: string, data: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${Math.random().toString(36).slice(2, 10)}`;
  await storage.write(tmp, data);
  await storage.rename(tmp, path);
}

/** latest.json, or undefined when the directory holds no run yet. */
export async function readLatest(storage: CheckpointStorage): Promise<{ step: number; dir: string } | undefined> {
  const file = where(storage, 'latest.json');
  const bytes = await storage.read('latest.json');
  if (bytes === undefined) return undefined;
  const j = parseJson(bytes, file) as { step?: unknown; dir?: unknown };
  if (!j || typeof j !== 'object') throw new TrainCheckpointError(file, 'not a JSON object');
  if (!Number.isInteger(j.step) || (j.step as number) < 0) throw new TrainCheckpointError(file, `step must be an integer >= 0, got ${JSON.stringify(j.step)}`, 'step');
  if (typeof j.dir !== 'string' || !/^step-\d+$/.test(j.dir)) throw new TrainCheckpointError(file, `dir must name a step directory (step-NNNNNN), got ${JSON.stringify(j.dir)}`, 'dir');
  return { step: j.step as number, dir: j.dir };
}

export interface CheckpointParts {
  model: GPT;
  optimizer: OptimizerState;
  hyper: OptimizerHyper;
  trainer: TrainerState;
}

/**
 * Writes step directory `stepDirName(trainer.step)` atomically, points latest.json at it, keeps the newest `keep`
 * step directories and removes leftover temp directories. Returns the directory name.
 */
export async function writeTrainerCheckpoint(storage: CheckpointStorage, parts: CheckpointParts, keep: number): Promise<string> {
  const step = parts.trainer.step;
  const dir = stepDirName(step);
  const latest = await readLatest(storage).catch(() => undefined);
  if (latest?.dir === dir) return dir; // this very state is already the latest checkpoint
  const { config, weights } = await serializeCheckpoint(parts.model);
  const optimizer = encodeOptimizerState(parts.optimizer, parts.hyper);
  const trainer = encoder.encode(JSON.stringify(parts.trainer) + '\n');
  const tmp = `${dir}.tmp-${Math.random().toString(36).slice(2, 10)}`;
  try {
    await storage.write(`${tmp}/model.safetensors`, weights);
    await storage.write(`${tmp}/optimizer.safetensors`, optimizer);
    await storage.write(`${tmp}/config.json`, encoder.encode(config));
    await storage.write(`${tmp}/trainer.json`, trainer);
    if ((await storage.list('')).includes(dir)) await storage.remove(dir); // an unreferenced leftover of another run
    await storage.rename(tmp, dir);
  } catch (e) {
    await storage.remove(tmp).catch(() => undefined);
    throw e;
  }
  await writeFileAtomic(storage, 'latest.json', encoder.encode(JSON.stringify({ step, dir }) + '\n'));
  await prune(storage, dir, keep);
  return dir;
}

/** Keeps the newest `keep` step directories (always `current`) and removes every temp entry. */
async function prune(storage: CheckpointStorage, current: string, keep: number): Promise<void> {
  const names = await storage.list('');
  const steps = names.filter((n) => /^step-\d+$/.test(n)).sort((a, b) => Number(b.slice(5)) - Number(a.slice(5)));
  const kept = new Set([current, ...steps.filter((n) => n !== current).slice(0, Math.max(0, keep - 1))]);
  for (const n of names) {
    if ((/^step-\d+$/.test(n) && !kept.has(n)) || /\.tmp-/.test(n)) await storage.remove(n);
  }
}

export interface LoadedCheckpoint {
  dir: string;
  config: CheckpointConfig;
  weights: StateDict;
  optimizer: OptimizerState;
  hyper: OptimizerHyper;
  trainer: TrainerState;
}

async function need(storage: CheckpointStorage, path: string): Promise<Uint8Array> {
  const b = await storage.read(path);
  if (b === undefined) throw new TrainCheckpointError(where(storage, path), 'missing (the checkpoint directory is incomplete)');
  return b;
}

function checkTrainerJson(j: unknown, file: string): TrainerState {
  const t = j as Record<string, unknown>;
  if (!t || typeof t !== 'object' || Array.isArray(t)) throw new TrainCheckpointError(file, 'not a JSON object');
  if (t.format !== TRAINER_FORMAT) throw new TrainCheckpointError(file, `format is ${JSON.stringify(t.format)}, expected "${TRAINER_FORMAT}"`, 'format');
  if (t.version !== TRAINER_VERSION) throw new TrainCheckpointError(file, `version ${JSON.stringify(t.version)} is not supported (expected ${TRAINER_VERSION})`, 'version');
  if (!Number.isInteger(t.step) || (t.step as number) < 0) throw new TrainCheckpointError(file, `step must be an integer >= 0, got ${JSON.stringify(t.step)}`, 'step');
  const o = t.options as Record<string, unknown>;
  if (!o || typeof o !== 'object') throw new TrainCheckpointError(file, 'options missing', 'options');
  for (const k of RECORDED_OPTIONS) {
    if (typeof o[k] !== 'number' || !Number.isFinite(o[k])) throw new TrainCheckpointError(file, `options.${k} must be a number, got ${JSON.stringify(o[k])}`, `options.${k}`);
  }
  const s = t.sampler as Record<string, unknown>;
  if (!s || !Number.isInteger(s.seed) || !Number.isInteger(s.nextStep) || (s.nextStep as number) < 0) {
    throw new TrainCheckpointError(file, `sampler must be { seed, nextStep } integers, got ${JSON.stringify(s)}`, 'sampler');
  }
  if (s.nextStep !== t.step || s.seed !== o.seed) {
    throw new TrainCheckpointError(file, `sampler must be { seed: options.seed, nextStep: step } = ${JSON.stringify({ seed: o.seed, nextStep: t.step })}, got ${JSON.stringify(s)}`, 'sampler');
  }
  const d = t.data as Record<string, unknown>;
  if (!d || typeof d.fingerprint !== 'string' || typeof d.tokenizerFingerprint !== 'string' || !Number.isInteger(d.trainTokens) || !Number.isInteger(d.valTokens)) {
    throw new TrainCheckpointError(file, `data must be { fingerprint, tokenizerFingerprint, trainTokens, valTokens }, got ${JSON.stringify(d)}`, 'data');
  }
  if (!Array.isArray(t.history)) throw new TrainCheckpointError(file, 'history must be an array', 'history');
  t.history.forEach((h: Record<string, unknown>, i) => {
    if (!h || !Number.isInteger(h.step) || typeof h.loss !== 'number' || typeof h.lr !== 'number') {
      throw new TrainCheckpointError(file, `history[${i}] must have step, loss, lr; got ${JSON.stringify(h)}`, `history[${i}]`);
    }
  });
  if (t.history.length !== t.step) throw new TrainCheckpointError(file, `history has ${t.history.length} entries for ${t.step} steps`, 'history');
  const e = t.engine as Record<string, unknown>;
  if (!e || !Number.isInteger(e.workers)) throw new TrainCheckpointError(file, 'engine must be { workers }', 'engine');
  return t as unknown as TrainerState;
}

const ARCHITECTURE = ['vocabSize', 'nEmbed', 'dModel', 'nLayer', 'nHead', 'blockSize', 'ropeBase'] as const;

/** The checkpoint's model must be the given model's architecture and embedding kind (error names the field). */
export function checkModelConfig(config: CheckpointConfig, model: GPT, file: string): void {
  for (const k of ARCHITECTURE) {
    if (config[k] !== model.config[k]) {
      throw new TrainCheckpointError(file, `model config mismatch: ${k} is ${config[k]} in the checkpoint but ${model.config[k]} in the model being trained`, k);
    }
  }
  if (config.embedding !== model.embeddingKind) {
    throw new TrainCheckpointError(file, `model config mismatch: embedding is "${config.embedding}" in the checkpoint but "${model.embeddingKind}" in the model being trained`, 'embedding');
  }
}

/** Reads and validates every file of step directory `dir` against `model` (no tensor is created). */
export async function readTrainerCheckpoint(storage: CheckpointStorage, dir: string, model: GPT): Promise<LoadedCheckpoint> {
  const f = (name: string) => where(storage, `${dir}/${name}`);
  const trainerFile = f('trainer.json');
  const trainer = checkTrainerJson(parseJson(await need(storage, `${dir}/trainer.json`), trainerFile), trainerFile);
  let config: CheckpointConfig;
  const configBytes = await need(storage, `${dir}/config.json`);
  try {
    config = parseCheckpointConfig(decoder.decode(configBytes), f('config.json'));
  } catch (e) {
    throw new TrainCheckpointError(f('config.json'), (e as Error).message.replace(`${f('config.json')}: `, ''));
  }
  checkModelConfig(config, model, f('config.json'));
  let weights: StateDict;
  try {
    weights = validateWeights(config, readSafetensors(await need(storage, `${dir}/model.safetensors`), { source: f('model.safetensors') }), f('model.safetensors'));
  } catch (e) {
    if (e instanceof TrainCheckpointError) throw e;
    throw new TrainCheckpointError(f('model.safetensors'), (e as Error).message.replace(`${f('model.safetensors')}: `, ''));
  }
  const { state: optimizer, hyper } = decodeOptimizerState(await need(storage, `${dir}/optimizer.safetensors`), model, f('optimizer.safetensors'));
  if (optimizer.step !== trainer.step) throw new TrainCheckpointError(f('optimizer.safetensors'), `step ${optimizer.step} but trainer.json says ${trainer.step}`, 'step');
  return { dir, config, weights, optimizer, hyper, trainer };
}
