// Node adapter: a ParallelProvider on worker_threads (default: one worker per core, at most 4). The scatter is
// split by column ranges of equal pair counts, the projection by row ranges; each worker has its own wasm kernel
// instance and shares the bit matrix and the results through SharedArrayBuffers, so results are byte-identical
// to the single-thread path. Falls back (returns undefined/false) when the compiled worker file is not present
// (running from TypeScript sources).
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ParallelProvider } from '../parallel.js';
import type { WorkerJob } from './worker.js';
import { wasmKernels } from '../compute/kernels.js';
import { eigenStages, finishEigen, replayOnColumns } from '../pca/eigen.js';
import type { PcaModel } from '../pca/model.js';
import type { RowMatrix } from '../recipes/registry.js';

export interface NodeParallelOptions {
  /** Number of worker threads (default: available cores, at most 4). */
  workers?: number;
}

type Bits = Extract<RowMatrix, { kind: 'bits' }>;

function sharedCopy(a: ArrayBufferView): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(a.byteLength);
  new Uint8Array(sab).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return sab;
}

async function runJobs(file: string, jobs: WorkerJob[]): Promise<void> {
  const workers = jobs.map(() => new Worker(file));
  try {
    await Promise.all(jobs.map((job, i) => new Promise<void>((resolve, reject) => {
      const w = workers[i];
      w.once('message', (msg: { ok: boolean; error?: string }) => (msg.ok ? resolve() : reject(new Error(`worker ${i}: ${msg.error}`))));
      w.once('error', reject);
      w.postMessage(job);
    })));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** A ParallelProvider backed by worker_threads, or an empty provider (single thread) when workers cannot run. */
export function nodeParallel(opts: NodeParallelOptions = {}): ParallelProvider {
  const file = fileURLToPath(new URL('./worker.js', import.meta.url));
  const n = Math.max(1, Math.min(4, opts.workers ?? availableParallelism()));
  if (n < 2 || !existsSync(file)) return {};
  return {
    async scatter(m: RowMatrix) {
      if (m.kind !== 'bits') return undefined as never;
      const words = sharedCopy(m.words);
      const gramSab = new SharedArrayBuffer(m.dim * m.dim * 8);
      // split columns so every worker counts about the same number of (i <= j) pairs
      const total = (m.dim * (m.dim + 1)) / 2;
      const bounds = [0];
      let acc = 0, next = 1;
      for (let i = 0; i < m.dim && next < n; i++) {
        acc += m.dim - i;
        if (acc >= (total * next) / n) { bounds.push(i + 1); next++; }
      }
      bounds.push(m.dim);
      const jobs: WorkerJob[] = [];
      for (let w = 0; w + 1 < bounds.length; w++) {
        if (bounds[w + 1] > bounds[w]) jobs.push({ kind: 'scatter', rows: m.rows, dim: m.dim, wordsPerRow: m.wordsPerRow, words, cols: [bounds[w], bounds[w + 1]], gram: gramSab });
      }
      await runJobs(file, jobs);
      const gram = new Float64Array(gramSab);
      const sums = new Float64Array(m.dim);
      for (let i = 0; i < m.dim; i++) sums[i] = gram[i * m.dim + i];
      return { sums, gram };
    },
    async project(m: RowMatrix, model: PcaModel, out: Float32Array) {
      if (m.kind !== 'bits') return false;
      const b = m as Bits;
      const words = sharedCopy(b.words);
      const components = sharedCopy(model.components);
      const outSab = new SharedArrayBuffer(out.byteLength);
      const per = Math.ceil(b.rows / n);
      const jobs: WorkerJob[] = [];
      for (let r0 = 0; r0 < b.rows; r0 += per) {
        jobs.push({ kind: 'project', rows: b.rows, dim: b.dim, wordsPerRow: b.wordsPerRow, words, r0, r1: Math.min(b.rows, r0 + per), k: model.k, mean: model.mean, components, out: outSab });
      }
      await runJobs(file, jobs);
      out.set(new Float32Array(outSab));
      return true;
    },
    async eigen(cov: Float64Array, n: number) {
      const kern = wasmKernels();
      if (!kern || n < 256) return undefined;
      // tridiagonalisation + QL on this thread; the O(n^3) rotation replay split by columns with one worker
      const { W, d, rot } = eigenStages(kern, cov, n);
      const leftCols = (n >> 1) & ~1, rightCols = n - leftCols;
      const rightSab = new SharedArrayBuffer(n * rightCols * 8);
      const right = new Float64Array(rightSab);
      const left = new Float64Array(n * leftCols);
      for (let r = 0; r < n; r++) {
        left.set(W.subarray(r * n, r * n + leftCols), r * leftCols);
        right.set(W.subarray(r * n + leftCols, r * n + n), r * rightCols);
      }
      const idx = sharedCopy(rot.idx.subarray(0, rot.n)), cs = sharedCopy(rot.cs.subarray(0, 2 * rot.n));
      const job = runJobs(file, [{ kind: 'replay', n, cols: rightCols, slice: rightSab, idx, cs, count: rot.n }]);
      replayOnColumns(kern, left, n, leftCols, rot);
      await job;
      for (let r = 0; r < n; r++) {
        W.set(left.subarray(r * leftCols, r * leftCols + leftCols), r * n);
        W.set(right.subarray(r * rightCols, r * rightCols + rightCols), r * n + leftCols);
      }
      return finishEigen(n, W, d);
    },
  };
}
