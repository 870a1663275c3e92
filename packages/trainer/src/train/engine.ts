// The step engine: what the training loop asks of whoever computes gradients and applies AdamW. The loop
// (train.ts) owns the schedule, data order, evaluation cadence, checkpoints and history; an engine owns the model
// copies and the optimizer. `createLocalEngine` (this thread, any tfjs backend) is the browser-safe one;
// `@glyphlm/trainer/node` adds a data-parallel engine over worker threads (same interface, same numbers).
import type { GPT } from '@glyphlm/transformer-core';

/** One micro-batch, row-major [B, T]; a target < 0 is ignored (padding, masked prompt tokens). */
export interface MicroBatch {
  ids: Int32Array;
  targets: Int32Array;
  B: number;
  T: number;
}

/** One optimizer step's worth of work: gradients of the token-weighted mean loss over all micro-batches. */
export interface StepRequest {
  /** 0-based index of this optimizer step (named in errors; the engine's own count when absent). */
  step?: number;
  micro: MicroBatch[];
  /** Learning rate for this step (from the schedule). */
  lr: number;
  /** Global-norm clip; 0 or Infinity turns clipping off. */
  gradClip: number;
  /** Dropout rate (0 = off). */
  dropout: number;
  /** Per-micro-batch dropout seeds (deterministic, derived from the run seed and the step). */
  dropoutSeeds: number[];
}

export interface StepResult {
  /** Mean loss over every non-ignored target of the step. */
  loss: number;
  /** Global gradient L2 norm before clipping. */
  gradNorm: number;
}

/**
 * AdamW state in checkpoint layout ([out, in], as optimizer.safetensors and the PyTorch twin hold it): names are
 * the model's checkpoint names (`model.trainableNames`; shards of a split table keep their `#i`). Empty maps
 * before the first step. Conversions to and from transformer-core's AdamW: ./optimizer-state.ts.
 */
export interface OptimizerState {
  step: number;
  expAvg: Map<string, { shape: number[]; data: Float32Array }>;
  expAvgSq: Map<string, { shape: number[]; data: Float32Array }>;
}

export interface StepEngine {
  /** Number of threads computing gradients (1 for the local engine). */
  readonly workers: number;
  /** The canonical model (the one `train` returns). */
  readonly model: GPT;
  /**
   * One optimizer step. Throws NonFiniteError (naming the step and the first tensor: the loss, or a gradient by
   * checkpoint name) before touching any weight when the loss or a gradient is NaN/Inf.
   */
  step(req: StepRequest): Promise<StepResult>;
  /** Token-weighted mean loss over the batches, no gradients, no dropout. */
  evalLoss(batches: MicroBatch[]): Promise<number>;
  optimizerState(): Promise<OptimizerState>;
  loadOptimizerState(state: OptimizerState): Promise<void>;
  dispose(): Promise<void>;
}

/** A NaN or infinite loss or gradient: names the optimizer step (0-based) and the tensor (`loss` or a checkpoint name). */
export class NonFiniteError extends Error {
  constructor(readonly step: number, readonly tensor: string, detail = '') {
    super(`step ${step}: ${tensor === 'loss' ? 'the loss' : `the gradient of ${tensor}`} is not finite${detail ? ` (${detail})` : ''}; no weight was changed`);
    this.name = 'NonFiniteError';
  }
}
