/// <reference types="node" />
// Node adapter: data-parallel training on several cores. The main thread and `workers - 1` worker threads each hold
// a model replica on its own tfjs wasm backend; every micro-batch's rows are cut into contiguous blocks, one per
// thread; each thread writes its token-weighted gradients into its slot of one SharedArrayBuffer; the threads sum
// disjoint ranges of the slots (with the squared norm and a NaN/Inf check); then every replica applies the same
// clipped AdamW update to the same numbers, so the weights stay identical without ever being sent again.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { WEBGPU_BINDING_LIMIT, type GPT, type StateDict } from '@glyphlm/transformer-core';
import { NonFiniteError, type MicroBatch, type OptimizerState, type StepEngine, type StepRequest, type StepResult } from '../train/engine.js';
import { Replica, type AdamWSettings } from './parallel-replica.js';
import { reduceRange, splitRange, variableAt, type ReduceResult } from './parallel-reduce.js';
import { checkMicroBatch, splitStep, type Block } from './parallel-split.js';
import { adamwToCheckpoint, checkpointToAdamw } from './parallel-state.js';
import type { ReadyMessage, Reply, RequestBody, WorkerInit } from './parallel-protocol.js';

export interface WorkerEngineOptions {
  /** Threads computing gradients, this one included (2 = this thread + 1 worker thread). */
  workers: number;
  /** AdamW learning rate until the first step sets it (default 1e-3). */
  lr?: number;
  /** AdamW betas (default [0.9, 0.95]). */
  betas?: [number, number];
  /** AdamW eps (default 1e-8). */
  eps?: number;
  /** Decoupled weight decay (default 0.1). */
  weightDecay?: number;
  /**
   * Whether this thread computes a share of every batch (default true). false: `workers` worker threads compute
   * and this thread only reduces and keeps its model (the one `engine.model` returns) in step.
   */
  mainComputes?: boolean;
  /** URL of the worker script (default: parallel-worker.js of this package's dist). */
  workerUrl?: URL;
}

/** The data-parallel engine; besides StepEngine, tests and resume use these. */
export interface WorkerEngine extends StepEngine {
  /** Weights of every replica (the main model first), checkpoint layout: for checking they are identical. */
  replicaStateDicts(): Promise<StateDict[]>;
  /** Sends the main model's current trainable weights to every worker (after changing them outside the engine). */
  syncWeights(): Promise<void>;
}

function defaultWorkerUrl(): URL {
  const here = new URL('./parallel-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  // running from src/ (vitest): the built worker in dist/ (`pnpm --filter @glyphlm/trainer build`)
  const built = new URL('../../dist/node/parallel-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  throw new Error(`createWorkerEngine: worker script not found at ${fileURLToPath(here)} or ${fileURLToPath(built)}; build @glyphlm/trainer first`);
}

function checkOptions(opts: WorkerEngineOptions): AdamWSettings & { workers: number } {
  if (!opts || typeof opts !== 'object') throw new TypeError('createWorkerEngine: options must be an object { workers, ... }');
  const { workers } = opts;
  if (typeof workers !== 'number' || !Number.isInteger(workers) || workers < 1) {
    throw new RangeError(`createWorkerEngine: workers must be an integer >= 1, got ${JSON.stringify(workers)}`);
  }
  const lr = opts.lr ?? 1e-3;
  const betas = opts.betas ?? [0.9, 0.95];
  const eps = opts.eps ?? 1e-8;
  const weightDecay = opts.weightDecay ?? 0.1;
  if (!(lr > 0) || !Number.isFinite(lr)) throw new RangeError(`createWorkerEngine: lr must be a finite number > 0, got ${lr}`);
  if (!Array.isArray(betas) || betas.length !== 2 || betas.some((b) => !(b >= 0 && b < 1))) {
    throw new RangeError(`createWorkerEngine: betas must be two numbers in [0, 1), got ${JSON.stringify(betas)}`);
  }
  if (!(eps >= 0) || !Number.isFinite(eps)) throw new RangeError(`createWorkerEngine: eps must be a finite number >= 0, got ${eps}`);
  if (!(weightDecay >= 0) || !Number.isFinite(weightDecay)) throw new RangeError(`createWorkerEngine: weightDecay must be a finite number >= 0, got ${weightDecay}`);
  return { workers, lr, betas: [betas[0], betas[1]], eps, weightDecay };
}

/** One worker thread and its pending requests. */
class WorkerHandle {
  private nextId = 0;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private dead: Error | null = null;

  constructor(readonly worker: Worker, readonly index: number) {
    worker.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else {
        const e = new Error(`worker ${index}: ${m.error}`);
        e.name = m.name;
        p.reject(e);
      }
    });
    const fail = (e: Error) => {
      this.dead ??= e;
      this.pending.forEach((p) => p.reject(e));
      this.pending.clear();
    };
    worker.on('error', (e) => fail(new Error(`worker ${index} failed: ${e.message}`)));
    worker.on('exit', (code) => fail(new Error(`worker ${index} exited (code ${code})`)));
  }

  request<R>(req: RequestBody): Promise<R> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...req, id });
    });
  }
}

function waitReady(w: Worker, index: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`createWorkerEngine: worker ${index} exited (code ${code}) before it was ready`));
    w.once('message', (m: ReadyMessage) => {
      w.off('exit', onExit);
      if (m.ready) resolve();
      else reject(new Error(`createWorkerEngine: worker ${index}: ${m.error}`));
    });
    w.once('error', (e) => reject(new Error(`createWorkerEngine: worker ${index} failed to start: ${e.message}`)));
    w.once('exit', onExit);
  });
}

/**
 * A StepEngine computing on `workers` threads (this one included unless `mainComputes: false`). Same numbers as
 * the single-thread engine up to float32 summation order; every replica applies the identical update.
 */
export async function createWorkerEngine(model: GPT, opts: WorkerEngineOptions): Promise<WorkerEngine> {
  const settings = checkOptions(opts);
  const mainComputes = opts.mainComputes ?? true;
  const nThreads = settings.workers;
  const nWorkers = mainComputes ? nThreads - 1 : nThreads;
  const url = nWorkers > 0 ? opts.workerUrl ?? defaultWorkerUrl() : null;

  const main = new Replica(model, settings);
  const layout = main.layout;
  const slotLength = layout.total;
  const nSlots = Math.max(1, nThreads);
  const buffer = new SharedArrayBuffer(nSlots * slotLength * 4);
  const slots = Array.from({ length: nSlots }, (_, s) => new Float32Array(buffer, s * slotLength * 4, slotLength));
  // computing thread t writes slot t; thread 0 is this one when it computes
  const firstWorkerSlot = mainComputes ? 1 : 0;

  const handles: WorkerHandle[] = [];
  if (nWorkers > 0) {
    const state = await model.stateDict();
    const maxShardBytes = model.head.parts.length > 1 || model.embedding.parts.length > 1 ? WEBGPU_BINDING_LIMIT : Infinity;
    const workers: Worker[] = [];
    try {
      for (let i = 0; i < nWorkers; i++) {
        const init: WorkerInit = {
          config: model.config, kind: model.embeddingKind, meta: model.embeddingMeta, state, maxShardBytes,
          adamw: { lr: settings.lr, betas: settings.betas, eps: settings.eps, weightDecay: settings.weightDecay },
          trainableNames: model.trainableNames, buffer, slots: nSlots, slotLength, slot: firstWorkerSlot + i,
        };
        workers.push(new Worker(url!, { workerData: init }));
      }
      await Promise.all(workers.map((w, i) => waitReady(w, i + 1)));
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      main.dispose();
      throw e;
    }
    workers.forEach((w, i) => handles.push(new WorkerHandle(w, i + 1)));
  }

  let disposed = false;
  let busy = false;
  const alive = (what: string) => {
    if (disposed) throw new Error(`worker engine: ${what} after dispose()`);
    if (busy) throw new Error(`worker engine: ${what} while another call is running (await each call)`);
  };
  const guarded = async <R>(what: string, f: () => Promise<R>): Promise<R> => {
    alive(what);
    busy = true;
    try {
      return await f();
    } finally {
      busy = false;
    }
  };
  const all = <R>(req: RequestBody) => Promise.all(handles.map((h) => h.request<R>(req)));

  /** Splits work into per-thread blocks, starts the workers' share, computes this thread's, collects results. */
  async function fanOut<R>(perThread: Block[][], make: (blocks: Block[]) => RequestBody, local: (blocks: Block[]) => R): Promise<R[]> {
    const remote = handles.map((h, i) => h.request<R>(make(perThread[firstWorkerSlot + i])));
    let mine: R | undefined;
    try {
      if (mainComputes) mine = local(perThread[0]);
    } catch (e) {
      await Promise.allSettled(remote);
      throw e;
    }
    const theirs = await Promise.all(remote);
    return mainComputes ? [mine!, ...theirs] : theirs;
  }

  async function reduce(): Promise<ReduceResult> {
    const ranges = splitRange(slotLength, nThreads);
    // this thread takes the first range when it computes; otherwise the workers split the whole vector
    const remote = handles.map((h, i) => {
      const [lo, hi] = ranges[firstWorkerSlot + i];
      return h.request<ReduceResult>({ type: 'reduce', lo, hi });
    });
    const parts: ReduceResult[] = [];
    if (mainComputes) parts.push(reduceRange(slots, ranges[0][0], ranges[0][1]));
    parts.push(...(await Promise.all(remote)));
    let sumSq = 0;
    let firstBad = -1;
    for (const p of parts) {
      sumSq += p.sumSq;
      if (p.firstBad >= 0 && (firstBad < 0 || p.firstBad < firstBad)) firstBad = p.firstBad;
    }
    return { sumSq, firstBad };
  }

  const engine: WorkerEngine = {
    workers: nThreads,
    model,

    step: (req: StepRequest) => guarded('step()', async (): Promise<StepResult> => {
      if (!req || !Array.isArray(req.micro) || req.micro.length === 0) throw new RangeError('step: req.micro must be a non-empty array of micro-batches');
      req.micro.forEach((m, k) => checkMicroBatch(m, `step: req.micro[${k}]`));
      if (!(req.lr > 0) || !Number.isFinite(req.lr)) throw new RangeError(`step: req.lr must be a finite number > 0, got ${req.lr}`);
      const dropout = req.dropout ?? 0;
      if (!(dropout >= 0 && dropout < 1)) throw new RangeError(`step: req.dropout must be in [0, 1), got ${req.dropout}`);
      if (dropout > 0 && (!Array.isArray(req.dropoutSeeds) || req.dropoutSeeds.length !== req.micro.length)) {
        throw new RangeError(`step: req.dropoutSeeds must hold one seed per micro-batch (${req.micro.length})`);
      }
      const { perThread, total } = splitStep(req.micro, nThreads, dropout > 0 ? req.dropoutSeeds : undefined);
      if (total === 0) throw new RangeError('step: every target of the step is ignored (< 0); nothing to average');
      const stepIndex = main.opt.step;

      const losses = await fanOut(perThread, (blocks) => ({ type: 'grads', blocks, dropout }), (blocks) => main.gradients(blocks, slots[0], dropout));
      const loss = losses.reduce((a, b) => a + b, 0);
      if (!Number.isFinite(loss)) throw new NonFiniteError(stepIndex, 'loss', String(loss));
      const { sumSq, firstBad } = await reduce();
      if (firstBad >= 0) {
        const v = variableAt(layout, firstBad);
        throw new NonFiniteError(stepIndex, layout.names[v], `${slots[0][firstBad]} at flat index ${firstBad - layout.offsets[v]}`);
      }
      const gradNorm = Math.sqrt(sumSq);
      const clip = req.gradClip > 0 && Number.isFinite(req.gradClip) ? req.gradClip / (gradNorm + 1e-6) : 1;
      const coef = clip < 1 ? clip : 1;
      const applied = all<void>({ type: 'apply', coef, lr: req.lr });
      main.apply(slots[0], coef, req.lr);
      await applied;
      return { loss, gradNorm };
    }),

    evalLoss: (batches: MicroBatch[]) => guarded('evalLoss()', async () => {
      if (!Array.isArray(batches) || batches.length === 0) throw new RangeError('evalLoss: batches must be a non-empty array');
      batches.forEach((m, k) => checkMicroBatch(m, `evalLoss: batches[${k}]`));
      const { perThread, total } = splitStep(batches, nThreads);
      if (total === 0) throw new RangeError('evalLoss: every target is ignored (< 0); nothing to average');
      const sums = await fanOut(perThread, (blocks) => ({ type: 'eval', blocks }), (blocks) => main.lossSum(blocks));
      return sums.reduce((a, b) => a + b, 0) / total;
    }),

    optimizerState: () => guarded('optimizerState()', async () => adamwToCheckpoint(model, await main.opt.stateDict())),

    loadOptimizerState: (state: OptimizerState) => guarded('loadOptimizerState()', async () => {
      const mine = checkpointToAdamw(model, state); // checks names and shapes before anything changes
      main.opt.loadStateDict(mine);
      await all<void>({ type: 'loadOptimizer', state });
    }),

    syncWeights: () => guarded('syncWeights()', async () => {
      main.readWeights(slots[0]);
      await all<void>({ type: 'writeWeights' });
    }),

    replicaStateDicts: () => guarded('replicaStateDicts()', async () => [await main.stateDict(), ...(await all<StateDict>({ type: 'stateDict' }))]),

    dispose: async () => {
      if (disposed) return;
      disposed = true;
      main.dispose();
      await Promise.all(handles.map((h) => h.worker.terminate()));
    },
  };
  return engine;
}
