/// <reference types="node" />
// Node adapter: generation on both cores. tfjs-wasm has no threads in Node, and a batch-1 decode step is bound by
// reading the output head (vocab x dModel floats per token), so the head's columns are split between this thread
// and worker threads, each holding its block in its own wasm memory (the gemv kernel), computed at the same time.
import { Worker } from 'node:worker_threads';
import type { ModelWeights } from '../model-weights.js';
import type { HeadPool } from '../generate.js';
import { HeadBlock } from '../wasm/head-block.js';

export interface HeadPoolOptions {
  /** Worker threads besides this one (default 1: two cores). */
  workers?: number;
  /** URL of head-worker.js (default: next to this module, i.e. dist/head-worker.js). */
  workerUrl?: URL;
}

/** Splits the model's head across this thread and `workers` worker threads. Weights are copied: rebuild after training. */
export async function createHeadPool(model: ModelWeights, opts: HeadPoolOptions = {}): Promise<HeadPool & { close(): Promise<void> }> {
  const nw = opts.workers ?? 1;
  const d = model.config.dModel;
  const V = model.config.vocabSize;
  const headT = new Float32Array(d * V); // [d, V]
  for (let s = 0; s < model.head.parts.length; s++) {
    const p = model.head.parts[s];
    const data = (await p.data()) as Float32Array;
    const w = p.shape[1];
    for (let r = 0; r < d; r++) headT.set(data.subarray(r * w, (r + 1) * w), r * V + model.head.offsets[s]);
  }
  const parts = nw + 1;
  const per = Math.ceil(V / parts);
  const cols = (i: number) => [i * per, Math.min(V, (i + 1) * per)] as const;
  const block = (i: number) => {
    const [a, b] = cols(i);
    const out = new Float32Array(d * (b - a));
    for (let r = 0; r < d; r++) out.set(headT.subarray(r * V + a, r * V + b), r * (b - a));
    return out;
  };
  const [a0, b0] = cols(0);
  const mine = new HeadBlock(d, b0 - a0, block(0));
  const url = opts.workerUrl ?? new URL('./head-worker.js', import.meta.url);
  const workers: Worker[] = [];
  try {
    for (let i = 1; i < parts; i++) {
      const w = new Worker(url);
      workers.push(w);
      const [a, b] = cols(i);
      const data = block(i);
      const ready = new Promise<void>((res, rej) => {
        w.once('message', (m: { type: string; message?: string }) => (m.type === 'ready' ? res() : rej(new Error(`head pool worker: ${m.message}`))));
        w.once('error', rej);
      });
      w.postMessage({ type: 'init', d, cols: b - a, data }, [data.buffer as ArrayBuffer]);
      await ready;
    }
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }
  let nextId = 0;
  // one listener per worker; replies matched by id
  const waiting = workers.map(() => new Map<number, { res: (d: Float32Array) => void; rej: (e: Error) => void }>());
  workers.forEach((w, i) => {
    w.on('message', (m: { type: string; id: number; data: Float32Array }) => {
      if (m.type !== 'logits') return;
      const cb = waiting[i].get(m.id);
      waiting[i].delete(m.id);
      cb?.res(m.data);
    });
    w.on('error', (e: Error) => {
      for (const cb of waiting[i].values()) cb.rej(e);
      waiting[i].clear();
    });
  });
  return {
    async logits(x: Float32Array): Promise<Float32Array> {
      const id = nextId++;
      const pending = workers.map((w, i) => new Promise<Float32Array>((res, rej) => {
        waiting[i].set(id, { res, rej });
        w.postMessage({ type: 'logits', id, x });
      }));
      const first = mine.logits(x);
      const rest = await Promise.all(pending);
      const out = new Float32Array(V);
      out.set(first, 0);
      rest.forEach((r, i) => out.set(r, cols(i + 1)[0]));
      return out;
    },
    async close(): Promise<void> {
      await Promise.all(workers.map((w) => new Promise<void>((res) => { w.once('exit', () => res()); w.postMessage({ type: 'close' }); })));
    },
  };
}
