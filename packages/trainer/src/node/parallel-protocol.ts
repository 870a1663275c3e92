// Messages between the data-parallel engine (main thread) and its worker threads. Bulk data never travels in
// messages: gradients and weight syncs go through the SharedArrayBuffer slots; only ids, targets and scalars do.
import type { ModelConfig, StateDict } from '@glyphlm/transformer-core';
import type { OptimizerState } from '../train/engine.js';
import type { AdamWSettings } from './parallel-replica.js';
import type { Block } from './parallel-split.js';

/** workerData of a worker thread: everything to build its replica. */
export interface WorkerInit {
  config: ModelConfig;
  kind: 'frozen' | 'trainable';
  meta: Record<string, unknown> | undefined;
  /** The main model's weights in checkpoint layout (sent once). */
  state: StateDict;
  maxShardBytes: number;
  adamw: AdamWSettings;
  /** Checkpoint names the main replica trains, in order (the worker checks its own against them). */
  trainableNames: string[];
  /** Gradient slots: `slots` x `slotLength` float32. */
  buffer: SharedArrayBuffer;
  slots: number;
  slotLength: number;
  /** This worker's slot (its gradients go there). */
  slot: number;
}

export type Request =
  | { id: number; type: 'grads'; blocks: Block[]; dropout: number }
  | { id: number; type: 'reduce'; lo: number; hi: number }
  | { id: number; type: 'apply'; coef: number; lr: number }
  | { id: number; type: 'eval'; blocks: Block[] }
  | { id: number; type: 'readWeights' } // into slot 0 (tests: replicas identical)
  | { id: number; type: 'writeWeights' } // from slot 0
  | { id: number; type: 'stateDict' }
  | { id: number; type: 'loadOptimizer'; state: OptimizerState };

export type Reply =
  | { id: number; ok: true; value?: unknown }
  | { id: number; ok: false; error: string; name: string };

export type ReadyMessage = { ready: true } | { ready: false; error: string };

/** A request before the handle numbers it. */
export type RequestBody = Request extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;
