// Messages between the data-parallel engine (main thread) and its worker threads. Bulk data never travels in
// messages: gradients, parameters and optimizer moments live in one SharedArrayBuffer; only ids, targets and
// scalars do.
import type { ModelConfig, StateDict } from '@glyphlm/transformer-core';
import type { AdamWHyper } from './parallel-adamw.js';
import type { Block } from './parallel-split.js';

/** The `init` request of a worker thread: everything to build its replica. */
export interface WorkerInit {
  config: ModelConfig;
  kind: 'frozen' | 'trainable';
  meta: Record<string, unknown> | undefined;
  /** The main model's weights in checkpoint layout (sent once). */
  state: StateDict;
  maxShardBytes: number;
  adamw: AdamWHyper;
  /** Checkpoint names the main replica trains, in order (the worker checks its own against them). */
  trainableNames: string[];
  /** Parts the main model holds out of training (GPT.freeze: a grown model's lower blocks); the replica does too. */
  frozen?: { layers: number[]; embedding: boolean };
  /** Shared buffer (parallel-reduce.ts sharedViews): `slots` gradient slots, parameters, moments; `total` floats each. */
  buffer: SharedArrayBuffer;
  /** The shared wasm memory whose buffer `buffer` is (then the SIMD kernels run on it), or null. */
  memory: WebAssembly.Memory | null;
  slots: number;
  total: number;
  /** This worker's gradient slot. */
  slot: number;
}

export type Request =
  | { id: number; type: 'init'; init: WorkerInit } // builds the replica (a pooled worker: replaces the last one)
  | { id: number; type: 'release' } // drops the replica; the thread goes back to the pool
  | { id: number; type: 'grads'; blocks: Block[]; dropout: number }
  | { id: number; type: 'reduce'; lo: number; hi: number }
  | { id: number; type: 'update'; lo: number; hi: number; lr: number; t: number; coef: number }
  | { id: number; type: 'upload' } // shared parameters -> the replica's variables
  | { id: number; type: 'eval'; blocks: Block[] }
  | { id: number; type: 'stateDict' };

export type Reply =
  | { id: number; ok: true; value?: unknown }
  | { id: number; ok: false; error: string; name: string };

export type ReadyMessage = { ready: true } | { ready: false; error: string };

/** A request before the handle numbers it. */
export type RequestBody = Request extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;
