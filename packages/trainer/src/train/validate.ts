// Every train() option checked and defaulted before any step runs; each error names the field at fault.
import { tf, type GPT } from '@glyphlm/transformer-core';
import type { CorpusData } from '../data/types.js';
import { TrainOptionError } from './errors.js';
import type { RecordedOptions } from './checkpoint.js';
import { inNode, isCheckpointStorage, type CheckpointStorage } from './storage.js';
import type { ProgressEvent, TrainOptions } from './types.js';

export interface ResolvedTrainOptions extends RecordedOptions {
  model: GPT;
  data: CorpusData;
  betas: [number, number];
  eps: number;
  workers: number;
  checkpointDir: string | CheckpointStorage | undefined;
  checkpointEvery: number;
  keepCheckpoints: number;
  resume: boolean;
  onProgress: ((e: ProgressEvent) => void) | undefined;
  signal: AbortSignal | undefined;
}

/** The wasm heap's hard cap (tfjs-backend-wasm, 32-bit addresses). */
const WASM_HEAP_BYTES = 4 * 1024 ** 3;

function int(o: Record<string, unknown>, field: string, dflt: number | undefined, min: number): number {
  const v = o[field] === undefined ? dflt : o[field];
  if (v === undefined) throw new TrainOptionError(field, 'is required');
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new TrainOptionError(field, `must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  return v;
}

function num(o: Record<string, unknown>, field: string, dflt: number | undefined, ok: (v: number) => boolean, what: string): number {
  const v = o[field] === undefined ? dflt : o[field];
  if (v === undefined) throw new TrainOptionError(field, 'is required');
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new TrainOptionError(field, `must be ${what}, got ${JSON.stringify(v)}`);
  return v;
}

/** Checks a split's ids are integers in [0, vocabSize); names the first bad position. */
function checkIds(a: ArrayLike<number>, vocabSize: number, field: string): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (!(v >= 0 && v < vocabSize && Number.isInteger(v))) {
      throw new TrainOptionError(field, `id ${v} at index ${i} is outside the model's vocabulary [0, ${vocabSize})`);
    }
  }
}

function isIdArray(a: unknown): a is ArrayLike<number> {
  return a instanceof Uint32Array || a instanceof Uint16Array || a instanceof Int32Array || Array.isArray(a);
}

/** Rough bytes of the activations one micro-batch keeps for the backward pass (a lower bound). */
function activationBytes(model: GPT, B: number, T: number): number {
  const c = model.config;
  return 4 * B * T * (c.nLayer * (12 * c.dModel + c.nHead * T) + 2 * c.dModel);
}

export function resolveTrainOptions(opts: TrainOptions): ResolvedTrainOptions {
  if (!opts || typeof opts !== 'object') throw new TrainOptionError('options', 'train() takes one options object');
  const o = opts as unknown as Record<string, unknown>;
  const model = opts.model;
  if (!model || typeof model !== 'object' || !Array.isArray(model.trainableVariables) || typeof model.loss !== 'function') {
    throw new TrainOptionError('model', 'must be a transformer-core GPT (createModel or loadCheckpoint)');
  }
  const mc = model.config;
  const steps = int(o, 'steps', undefined, 1);
  const batchSize = int(o, 'batchSize', undefined, 1);
  const seedV = o.seed ?? 1;
  if (typeof seedV !== 'number' || !Number.isSafeInteger(seedV)) throw new TrainOptionError('seed', `must be an integer, got ${JSON.stringify(seedV)}`);
  const lr = num(o, 'lr', undefined, (v) => v > 0, 'a finite number > 0');
  const minLr = num(o, 'minLr', lr / 10, (v) => v >= 0 && v <= lr, `a finite number in [0, lr = ${lr}]`);
  const warmupSteps = int(o, 'warmupSteps', 0, 0);
  if (warmupSteps > steps) throw new TrainOptionError('warmupSteps', `(${warmupSteps}) must not exceed steps (${steps})`);
  const weightDecay = num(o, 'weightDecay', 0.1, (v) => v >= 0, 'a finite number >= 0');
  const eps = num(o, 'eps', 1e-8, (v) => v > 0, 'a finite number > 0');
  const betas = (o.betas ?? [0.9, 0.95]) as [number, number];
  if (!Array.isArray(betas) || betas.length !== 2 || !betas.every((b) => typeof b === 'number' && b >= 0 && b < 1)) {
    throw new TrainOptionError('betas', `must be [beta1, beta2] in [0, 1), got ${JSON.stringify(o.betas)}`);
  }
  const gradClip = num(o, 'gradClip', 1, (v) => v >= 0, 'a finite number >= 0 (0 = no clipping)');
  const gradAccumSteps = int(o, 'gradAccumSteps', 1, 1);
  const evalEvery = int(o, 'evalEvery', 0, 0);
  const evalBatches = int(o, 'evalBatches', 8, 0);
  const checkpointEvery = int(o, 'checkpointEvery', 0, 0);
  const keepCheckpoints = int(o, 'keepCheckpoints', 2, 1);
  const workers = int(o, 'workers', 1, 1);
  if (workers > 1 && !inNode()) throw new TrainOptionError('workers', `${workers} needs Node worker threads; in a browser use workers: 1`);
  const dropout = num(o, 'dropout', mc.dropout, (v) => v >= 0 && v < 1, 'in [0, 1)');
  const blockSize = int(o, 'blockSize', mc.blockSize, 1);
  if (blockSize > mc.blockSize) throw new TrainOptionError('blockSize', `${blockSize} is larger than the model allows (config.blockSize ${mc.blockSize})`);
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw new TrainOptionError('onProgress', 'must be a function');
  const signal = opts.signal;
  if (signal !== undefined && (typeof signal !== 'object' || typeof signal.aborted !== 'boolean')) throw new TrainOptionError('signal', 'must be an AbortSignal');
  const dir = opts.checkpointDir;
  if (dir !== undefined) {
    if (typeof dir === 'string') {
      if (dir === '') throw new TrainOptionError('checkpointDir', 'is an empty string');
      if (!inNode()) throw new TrainOptionError('checkpointDir', `a directory path (${JSON.stringify(dir)}) needs Node; in a browser pass a storage object { read, write, rename, list, remove } (e.g. memoryStorage())`);
    } else if (!isCheckpointStorage(dir)) {
      throw new TrainOptionError('checkpointDir', 'must be a directory path (Node) or a storage object with read, write, rename, list and remove');
    }
  }
  const resume = o.resume ?? false;
  if (typeof resume !== 'boolean') throw new TrainOptionError('resume', `must be true or false, got ${JSON.stringify(resume)}`);
  if (resume && dir === undefined) throw new TrainOptionError('resume', 'needs checkpointDir');

  const data = opts.data;
  if (!data || typeof data !== 'object') throw new TrainOptionError('data', 'must be CorpusData { train, val, vocabSize, meta } (tokenizeCorpus)');
  if (!isIdArray(data.train)) throw new TrainOptionError('data.train', 'must be a Uint32Array of token ids');
  if (!isIdArray(data.val)) throw new TrainOptionError('data.val', 'must be a Uint32Array of token ids');
  if (typeof data.vocabSize === 'number' && data.vocabSize > mc.vocabSize) {
    throw new TrainOptionError('data.vocabSize', `${data.vocabSize} is larger than the model's vocabSize ${mc.vocabSize} (the tokenizer does not fit the model)`);
  }
  if (data.train.length < blockSize + 1) {
    throw new TrainOptionError('data.train', `has ${data.train.length} tokens; one block of ${blockSize} needs at least ${blockSize + 1}`);
  }
  if (evalBatches > 0 && data.val.length < blockSize + 1) {
    throw new TrainOptionError('data.val', `has ${data.val.length} tokens; one evaluation block of ${blockSize} needs at least ${blockSize + 1} (or set evalBatches: 0)`);
  }
  for (const [m, split] of [['trainMask', 'train'], ['valMask', 'val']] as const) {
    const mask = data[m];
    if (mask !== undefined && (!(mask instanceof Uint8Array) || mask.length !== data[split].length)) {
      throw new TrainOptionError(`data.${m}`, `must be a Uint8Array of ${data[split].length} entries (one per ${split} token)`);
    }
  }
  checkIds(data.train, mc.vocabSize, 'data.train');
  checkIds(data.val, mc.vocabSize, 'data.val');
  if (dir !== undefined) {
    if (!data.meta || typeof data.meta.fingerprint !== 'string' || typeof data.meta.tokenizerFingerprint !== 'string') {
      throw new TrainOptionError('data.meta', 'needs fingerprint and tokenizerFingerprint strings for checkpoints (tokenizeCorpus fills them in)');
    }
  }
  if (tf.getBackend() === 'wasm') {
    const rows = Math.ceil(batchSize / workers); // each thread computes a block of rows of every micro-batch
    const bytes = activationBytes(model, rows, blockSize);
    if (bytes > WASM_HEAP_BYTES) {
      throw new TrainOptionError('batchSize', `${rows} rows x ${blockSize} tokens per thread needs more than ${(bytes / 1024 ** 3).toFixed(1)} GiB of activations, above the wasm heap's 4 GiB: use a smaller batchSize and gradAccumSteps`);
    }
  }
  return {
    model, data, steps, batchSize, seed: seedV, lr, minLr, warmupSteps, weightDecay, betas, eps, gradClip, gradAccumSteps,
    evalEvery, evalBatches, checkpointDir: dir, checkpointEvery, keepCheckpoints, resume, workers, dropout, blockSize,
    onProgress: opts.onProgress, signal,
  };
}
