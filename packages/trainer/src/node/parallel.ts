/// <reference types="node" />
// Node adapter: data-parallel training on several cores. The main thread and `workers - 1` worker threads each hold
// a model replica on its own tfjs wasm backend; every micro-batch's rows are cut into contiguous blocks, one per
// thread; each thread writes its token-weighted gradients into its slot of one SharedArrayBuffer. The threads then
// sum disjoint ranges of the slots (with the squared norm and a NaN/Inf check) and apply AdamW to those ranges of
// the shared parameter vector (parallel-adamw.ts: bit-identical to transformer-core's AdamW), and every replica
// copies the new parameters into its variables: identical weights everywhere, no weights or gradients in messages.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { WEBGPU_BINDING_LIMIT, type GPT, type StateDict } from '@glyphlm/transformer-core';
import { NonFiniteError, type MicroBatch, type OptimizerState, type StepEngine, type StepRequest, type StepResult } from '../train/engine.js';
import { Replica } from './parallel-replica.js';
import { reduceRange, sharedBytes, sharedViews, splitRange, variableAt, type ReduceResult } from './parallel-reduce.js';
import { checkMicroBatch, splitStep, type Block } from './parallel-split.js';
import { momentsToState, stateToMoments } from './parallel-state.js';
import { adamwRange, adamwScalars, type AdamWHyper } from './parallel-adamw.js';
import { threadCpuMs } from './parallel-cputime.js';
import { allocateShared, sharedKernels } from './parallel-kernels.js';
import type { ReadyMessage, Reply, RequestBody, WorkerInit } from './parallel-protocol.js';

export interface WorkerEngineOptions {
  /** Threads computing gradients, this one included (2 = this thread + 1 worker thread). */
  workers: number;
  /** Accepted for symmetry with the local engine; every step brings its own learning rate. Must be > 0 when given. */
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
  /** Where the last step's time went (ms), for benches and profiles. */
  readonly lastStepTimings: StepTimings | null;
}

export interface StepTimings {
  /** Gradients: from the start of the step until every thread's slot is written. */
  gradients: number;
  /** Each computing thread's own gradient time (this thread first when it computes). */
  perThread: number[];
  /** Each computing thread's CPU time for its gradients (Linux; NaN elsewhere; 10 ms resolution). */
  perThreadCpu: number[];
  /** The shared-memory reduce with norm and NaN/Inf check. */
  reduce: number;
  /** AdamW on the shared parameters (threads on disjoint ranges). */
  update: number;
  /** Copying the new parameters into every replica's variables. */
  upload: number;
  total: number;
}

function defaultWorkerUrl(): URL {
  const here = new URL('./parallel-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  // running from src/ (vitest): the built worker in dist/ (`pnpm --filter @glyphlm/trainer build`)
  const built = new URL('../../dist/node/parallel-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  throw new Error(`createWorkerEngine: worker script not found at ${fileURLToPath(here)} or ${fileURLToPath(built)}; build @glyphlm/trainer first`);
}

function checkOptions(opts: WorkerEngineOptions): AdamWHyper & { workers: number } {
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
  return { workers, betas: [betas[0], betas[1]], eps, weightDecay };
}

/** One worker thread and its pending requests (while it serves one engine). */
class WorkerHandle {
  private nextId = 0;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private dead: Error | null = null;
  private readonly onMessage: (m: Reply) => void;
  private readonly onError: (e: Error) => void;
  private readonly onExit: (code: number) => void;

  constructor(readonly worker: Worker, readonly index: number) {
    this.onMessage = (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else {
        const e = new Error(`worker ${index}: ${m.error}`);
        e.name = m.name;
        p.reject(e);
      }
    };
    const fail = (e: Error) => {
      this.dead ??= e;
      this.pending.forEach((p) => p.reject(e));
      this.pending.clear();
    };
    this.onError = (e) => fail(new Error(`worker ${index} failed: ${e.message}`));
    this.onExit = (code) => fail(new Error(`worker ${index} exited (code ${code})`));
    worker.on('message', this.onMessage);
    worker.on('error', this.onError);
    worker.on('exit', this.onExit);
  }

  get alive(): boolean { return this.dead === null; }

  request<R>(req: RequestBody): Promise<R> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...req, id });
    });
  }

  /** Stops listening (the worker goes back to the pool or is terminated). */
  detach(): Worker {
    this.worker.off('message', this.onMessage);
    this.worker.off('error', this.onError);
    this.worker.off('exit', this.onExit);
    return this.worker;
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
 * Idle worker threads by script URL. A thread costs seconds to start (tfjs, the wasm backend, and the first steps
 * in unoptimised wasm), which an experiment of many short runs would pay per run; a disposed engine's threads wait
 * here, unreferenced (they never keep the process alive), for the next engine. `closeWorkerPool()` ends them.
 */
const pool = new Map<string, Worker[]>();

async function takeWorkers(url: URL, n: number): Promise<Worker[]> {
  const idle = pool.get(url.href) ?? [];
  const out = idle.splice(0, n);
  for (const w of out) { const l = pooledExit.get(w); if (l) w.off('exit', l); }
  const fresh: Worker[] = [];
  try {
    for (let i = out.length; i < n; i++) fresh.push(new Worker(url));
    await Promise.all(fresh.map((w, i) => waitReady(w, out.length + i + 1)));
  } catch (e) {
    await Promise.all([...out, ...fresh].map((w) => w.terminate()));
    throw e;
  }
  const all = [...out, ...fresh];
  all.forEach((w) => w.ref());
  return all;
}

function giveBack(url: URL, w: Worker): void {
  w.unref();
  const idle = pool.get(url.href) ?? [];
  idle.push(w);
  pool.set(url.href, idle);
  // a thread that dies while idle leaves the pool (a request to it would never be answered)
  const onExit = () => { const at = idle.indexOf(w); if (at >= 0) idle.splice(at, 1); };
  w.once('exit', onExit);
  pooledExit.set(w, onExit);
}

/** The pool's exit listener of each idle thread (removed when the thread is taken). */
const pooledExit = new WeakMap<Worker, () => void>();

/** Terminates the idle worker threads kept for the next worker engine (they are unreferenced meanwhile). */
export async function closeWorkerPool(): Promise<void> {
  const all = [...pool.values()].flat();
  pool.clear();
  await Promise.all(all.map((w) => w.terminate()));
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

  const main = new Replica(model);
  const layout = main.layout;
  const total = layout.total;
  const nSlots = Math.max(1, nThreads);
  const { buffer, memory } = allocateShared(sharedBytes(nSlots, total));
  const shared = sharedViews(buffer, nSlots, total);
  const kernels = sharedKernels(memory);
  const { slots } = shared;
  main.readWeights(shared.params);
  const hyper: AdamWHyper = { betas: settings.betas, eps: settings.eps, weightDecay: settings.weightDecay };
  let updates = 0; // AdamW steps taken (the bias correction's t - 1)
  // computing thread t writes slot t; thread 0 is this one when it computes
  const firstWorkerSlot = mainComputes ? 1 : 0;

  const handles: WorkerHandle[] = [];
  if (nWorkers > 0) {
    const state = await model.stateDict();
    const maxShardBytes = model.head.parts.length > 1 || model.embedding.parts.length > 1 ? WEBGPU_BINDING_LIMIT : Infinity;
    const workers = await takeWorkers(url!, nWorkers);
    workers.forEach((w, i) => handles.push(new WorkerHandle(w, i + 1)));
    try {
      await Promise.all(handles.map((h, i) => {
        const init: WorkerInit = {
          config: model.config, kind: model.embeddingKind, meta: model.embeddingMeta, state, maxShardBytes,
          adamw: hyper, trainableNames: model.trainableNames, frozen: model.frozen, buffer, memory, slots: nSlots, total, slot: firstWorkerSlot + i,
        };
        return h.request<void>({ type: 'init', init }).catch((e: Error) => { throw new Error(`createWorkerEngine: ${e.message}`); });
      }));
    } catch (e) {
      await Promise.all(handles.map((h) => h.detach().terminate()));
      throw e;
    }
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

  /** Runs `local` on this thread's range and `remote` on each worker's (ranges split over the computing threads). */
  async function overRanges<R>(remote: (lo: number, hi: number) => RequestBody, local: (lo: number, hi: number) => R): Promise<R[]> {
    const ranges = splitRange(total, nThreads);
    const theirs = handles.map((h, i) => h.request<R>(remote(...ranges[firstWorkerSlot + i])));
    const out: R[] = [];
    if (mainComputes) out.push(local(...ranges[0]));
    out.push(...(await Promise.all(theirs)));
    return out;
  }

  async function reduce(): Promise<ReduceResult> {
    const parts = await overRanges<ReduceResult>((lo, hi) => ({ type: 'reduce', lo, hi }), (lo, hi) => reduceRange(slots, lo, hi, kernels));
    let sumSq = 0;
    let firstBad = -1;
    for (const p of parts) {
      sumSq += p.sumSq;
      if (p.firstBad >= 0 && (firstBad < 0 || p.firstBad < firstBad)) firstBad = p.firstBad;
    }
    return { sumSq, firstBad };
  }

  /** Every replica (this one too) copies the shared parameters into its variables. */
  async function upload(): Promise<void> {
    const theirs = all<void>({ type: 'upload' });
    main.writeWeights(shared.params);
    await theirs;
  }

  let timings: StepTimings | null = null;
  const engine: WorkerEngine = {
    workers: nThreads,
    model,
    get lastStepTimings() {
      return timings;
    },

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
      const stepIndex = updates;

      const t0 = performance.now();
      const results = await fanOut(perThread, (blocks) => ({ type: 'grads', blocks, dropout }), (blocks) => {
        const s = performance.now();
        const c = threadCpuMs();
        const loss = main.gradients(blocks, slots[0], dropout);
        return { loss, ms: performance.now() - s, cpuMs: threadCpuMs() - c };
      });
      const t1 = performance.now();
      const loss = results.reduce((a, b) => a + b.loss, 0);
      if (!Number.isFinite(loss)) throw new NonFiniteError(stepIndex, 'loss', String(loss));
      const { sumSq, firstBad } = await reduce();
      const t2 = performance.now();
      if (firstBad >= 0) {
        const v = variableAt(layout, firstBad);
        throw new NonFiniteError(stepIndex, layout.names[v], `${slots[0][firstBad]} at flat index ${firstBad - layout.offsets[v]}`);
      }
      const gradNorm = Math.sqrt(sumSq);
      const clip = req.gradClip > 0 && Number.isFinite(req.gradClip) ? req.gradClip / (gradNorm + 1e-6) : 1;
      const coef = clip < 1 ? clip : 1;
      const t = updates + 1;
      await overRanges<void>((lo, hi) => ({ type: 'update', lo, hi, lr: req.lr, t, coef }),
        (lo, hi) => adamwRange(shared.params, shared.expAvg, shared.expAvgSq, slots[0], lo, hi, adamwScalars(hyper, req.lr, t, coef), kernels));
      updates = t;
      const t3 = performance.now();
      await upload();
      const t4 = performance.now();
      timings = { gradients: t1 - t0, perThread: results.map((r) => r.ms), perThreadCpu: results.map((r) => r.cpuMs), reduce: t2 - t1, update: t3 - t2, upload: t4 - t3, total: t4 - t0 };
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

    optimizerState: () => guarded('optimizerState()', async () => momentsToState(layout, updates, shared.expAvg, shared.expAvgSq)),

    loadOptimizerState: (state: OptimizerState) => guarded('loadOptimizerState()', async () => {
      updates = stateToMoments(layout, state, shared.expAvg, shared.expAvgSq); // checks everything before writing
    }),

    syncWeights: () => guarded('syncWeights()', async () => {
      main.readWeights(shared.params);
      await upload();
    }),

    replicaStateDicts: () => guarded('replicaStateDicts()', async () => [await main.stateDict(), ...(await all<StateDict>({ type: 'stateDict' }))]),

    dispose: async () => {
      if (disposed) return;
      disposed = true;
      // a healthy thread drops its replica and waits in the pool for the next engine; a failed one is ended
      await Promise.all(handles.map(async (h) => {
        const ok = h.alive && await h.request<void>({ type: 'release' }).then(() => true, () => false);
        const w = h.detach();
        if (ok) giveBack(url!, w);
        else await w.terminate();
      }));
    },
  };
  return engine;
}
