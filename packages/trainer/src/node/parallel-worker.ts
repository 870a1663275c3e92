/// <reference types="node" />
// Worker thread of the data-parallel engine (parallel.ts): its own tfjs wasm backend and model replica, built once
// from the main model's weights; serves gradient, reduce, apply and eval requests one at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { GPT, useBackend } from '@glyphlm/transformer-core';
import { Replica } from './parallel-replica.js';
import { reduceRange } from './parallel-reduce.js';
import { checkpointToAdamw } from './parallel-state.js';
import type { ReadyMessage, Reply, Request, WorkerInit } from './parallel-protocol.js';

const port = parentPort!;
const init = workerData as WorkerInit;
const slots = Array.from({ length: init.slots }, (_, s) => new Float32Array(init.buffer, s * init.slotLength * 4, init.slotLength));

let replica: Replica;
try {
  await useBackend('wasm');
  const model = new GPT(init.config, init.kind, init.state, init.meta, init.maxShardBytes);
  if (model.trainableNames.join('\n') !== init.trainableNames.join('\n')) {
    throw new Error(`worker replica trains [${model.trainableNames.join(', ')}], the main model [${init.trainableNames.join(', ')}]`);
  }
  replica = new Replica(model, init.adamw);
  port.postMessage({ ready: true } satisfies ReadyMessage);
} catch (e) {
  port.postMessage({ ready: false, error: (e as Error).message } satisfies ReadyMessage);
  process.exit(1);
}

function handle(req: Request): unknown {
  switch (req.type) {
    case 'grads':
      return replica.gradients(req.blocks, slots[init.slot], req.dropout);
    case 'reduce':
      return reduceRange(slots, req.lo, req.hi);
    case 'apply':
      return replica.apply(slots[0], req.coef, req.lr);
    case 'eval':
      return replica.lossSum(req.blocks);
    case 'readWeights':
      return replica.readWeights(slots[0]);
    case 'writeWeights':
      return replica.writeWeights(slots[0]);
    case 'stateDict':
      return replica.stateDict();
    case 'loadOptimizer':
      return replica.opt.loadStateDict(checkpointToAdamw(replica.model, req.state));
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
