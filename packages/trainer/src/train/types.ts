// The train() contract: options, the history it records, the progress events it emits, what it returns.
import type { GPT } from '@glyphlm/transformer-core';
import type { CorpusData } from '../data/types.js';
import type { CheckpointStorage } from './storage.js';

export interface TrainOptions {
  /** The model to train (transformer-core); train() updates it in place and returns it as `run.model`. */
  model: GPT;
  /** Packed token streams (tokenizeCorpus, or shards read by the Node adapter). */
  data: CorpusData;
  /** Optimizer steps of the whole run (the schedule's length). */
  steps: number;
  /** Rows per micro-batch. */
  batchSize: number;
  /** Run seed: batch order, evaluation batches, dropout masks (default 1). */
  seed?: number;
  /** Peak learning rate (after warmup). */
  lr: number;
  /** Learning rate at the end of the cosine decay (default lr / 10). */
  minLr?: number;
  /** Linear warmup steps (default 0). */
  warmupSteps?: number;
  /** AdamW decoupled weight decay (default 0.1). */
  weightDecay?: number;
  /** AdamW betas (default [0.9, 0.95]) and eps (default 1e-8). */
  betas?: [number, number];
  eps?: number;
  /** Global-norm gradient clip (default 1; 0 = off). */
  gradClip?: number;
  /** Micro-batches per optimizer step (default 1). */
  gradAccumSteps?: number;
  /** Validation loss every this many steps (default 0 = only after the last step). */
  evalEvery?: number;
  /** Fixed validation batches per evaluation (default 8; 0 = no validation). */
  evalBatches?: number;
  /** A directory (Node) or a CheckpointStorage object (anywhere): where checkpoints go. */
  checkpointDir?: string | CheckpointStorage;
  /** Checkpoint every this many steps (default 0 = only at the end and when stopped by `signal`). */
  checkpointEvery?: number;
  /** Continue the run in checkpointDir from its latest.json (default false; a fresh start when there is none). */
  resume?: boolean;
  /** Threads computing gradients (default 1; > 1 uses the Node adapter's worker threads). */
  workers?: number;
  /** Called after every step. */
  onProgress?: (e: ProgressEvent) => void;
  /** Dropout rate (default model.config.dropout). */
  dropout?: number;
  /** Tokens per row (default model.config.blockSize). */
  blockSize?: number;
  /** Step directories kept (default 2). */
  keepCheckpoints?: number;
  /** Aborting stops the run after the current step, writes a checkpoint (with checkpointDir) and returns. */
  signal?: AbortSignal;
}

/** One optimizer step of the history. `step` counts the steps done (1 after the first). */
export interface HistoryEntry {
  step: number;
  /** Mean training loss of the step (every non-ignored target of its micro-batches). */
  loss: number;
  /** Validation loss after this step, when evaluated. */
  valLoss?: number;
  /** Learning rate the step used. */
  lr: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Training tokens seen so far (rows x blockSize, masked ones included). */
  tokens: number;
  /** This step's training tokens per second (evaluation and checkpoints not counted). */
  tokensPerSecond: number;
  /** Wall time of the run so far, across resumes. */
  elapsedMs: number;
}

export interface ProgressEvent extends HistoryEntry {
  /** Steps of the whole run. */
  steps: number;
  /** Estimated time to the last step. */
  etaMs: number;
  /** Training FLOPs per token (transformer-core's trainFlopsPerToken at this blockSize), for MFU. */
  flopsPerToken: number;
  /** Threads computing gradients. */
  workers: number;
  /** The step directory written after this step, if any. */
  checkpoint?: string;
}

export interface TrainResult {
  history: HistoryEntry[];
  /** The trained model (the one passed in). */
  model: GPT;
  /** Optimizer steps done (== options.steps unless stopped by the signal). */
  step: number;
  /** Whether the signal stopped the run early. */
  aborted: boolean;
  /** Step directory of the last checkpoint written or resumed from. */
  checkpoint?: string;
  /** The step the run resumed from (0 for a fresh start). */
  resumedFrom: number;
}
