// Node adapter: worker-thread versions of the heavy build steps (placeholder until workers land: runs in-thread).
import type { ParallelProvider } from './build.js';

export interface NodeParallelOptions { workers?: number }

/** A ParallelProvider backed by worker_threads. */
export function nodeParallel(_opts: NodeParallelOptions = {}): ParallelProvider {
  return {};
}
