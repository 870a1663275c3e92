/// <reference types="node" />
// Worker thread of the data-parallel engine (parallel.ts): its own tfjs wasm backend and a model replica built from
// the main model's weights by an `init` request; serves gradient, reduce, update, upload and eval requests one at a
// time. A `release` request drops the replica and keeps the thread (and its warmed-up wasm backend) for the next
// engine: see the worker pool in parallel.ts.
import { parentPort } from 'node:worker_threads';
import { GPT, useBackend } from '@glyphlm/transformer-core';
import { Replica } from './parallel-replica.js';
import { reduceRange, sharedViews } from './parallel-reduce.js';
import { adamwRange, adamwScalars } from './parallel-adamw.js';
import { threadCpuMs } from './parallel-cputime.js';
import { sharedKernels } from './parallel-kernels.js';
import type { ReadyMessage, Reply, Request, WorkerInit } from './parallel-protocol.js';

const port = parentPort!;

interface Job {
  /** The init request without its weights (not kept once the replica holds them). */
  init: Omit<WorkerInit, 'state'>;
  shared: ReturnType<typeof sharedViews>;
  kernels: ReturnType<typeof sharedKernels>;
  replica: Replica;
}
let job: Job | null = null;

try {
  await useBackend('wasm');
  port.postMessage({ ready: true } satisfies ReadyMessage);
} catch (e) {
  port.postMessage({ ready: false, error: (e as Error).message } satisfies ReadyMessage);
  process.exit(1);
}

/** Builds this thread's replica for a new engine (disposing the previous engine's, if any). */
function start(init: WorkerInit): void {
  release();
  const model = new GPT(init.config, init.kind, init.state, init.meta, init.maxShardBytes);
  try {
    if (init.frozen) model.freeze(init.frozen);
    if (model.trainableNames.join('\n') !== init.trainableNames.join('\n')) {
      throw new Error(`worker replica trains [${model.trainableNames.join(', ')}], the main model [${init.trainableNames.join(', ')}]`);
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  const { state: _weights, ...kept } = init;
  job = { init: kept, shared: sharedViews(init.buffer, init.slots, init.total), kernels: sharedKernels(init.memory), replica: new Replica(model) };
}

function release(): void {
  job?.replica.model.dispose();
  job = null;
}

function handle(req: Request): unknown {
  if (req.type === 'init') return start(req.init);
  if (req.type === 'release') return release();
  if (!job) throw new Error(`worker: '${req.type}' request before init`);
  const { init, shared, kernels, replica } = job;
  switch (req.type) {
    case 'grads': {
      const t0 = performance.now();
      const c0 = threadCpuMs();
      const loss = replica.gradients(req.blocks, shared.slots[init.slot], req.dropout);
      return { loss, ms: performance.now() - t0, cpuMs: threadCpuMs() - c0 };
    }
    case 'reduce':
      return reduceRange(shared.slots, req.lo, req.hi, kernels);
    case 'update':
      return adamwRange(shared.params, shared.expAvg, shared.expAvgSq, shared.slots[0], req.lo, req.hi, adamwScalars(init.adamw, req.lr, req.t, req.coef), kernels);
    case 'upload':
      return replica.writeWeights(shared.params);
    case 'eval':
      return replica.lossSum(req.blocks);
    case 'stateDict':
      return replica.stateDict();
  }
}

let queue: Promise<void> = Promise.resolve();
port.on('message', (req: Request) => {
  queue = queue.then(async () => {
    let reply: Reply;
    try {
      reply = { id: req.id, ok: true, value: await handle(req) };
    } catch (e) {
      reply = { id: req.id, ok: false, error: (e as Error).message ?? String(e), name: (e as Error).name ?? 'Error' };
    }
    port.postMessage(reply);
  });
});
