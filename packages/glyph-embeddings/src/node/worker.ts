// Worker-thread entry of the Node adapter (see node-parallel.ts): runs one slice of the scatter, the projection or
// the eigenvector rotation replay with its own wasm kernel instance, reading inputs from and writing results into
// SharedArrayBuffers.
import { parentPort } from 'node:worker_threads';
import { createWasmKernels } from '../compute/kernels.js';
import { replayOnColumns } from '../pca/eigen.js';
import { projectBitsWasm, scatterBitsWasm } from '../pca/fast.js';
import type { PcaModel } from '../pca/model.js';

export type WorkerJob =
  | { kind: 'scatter'; rows: number; dim: number; wordsPerRow: number; words: SharedArrayBuffer; cols: [number, number]; gram: SharedArrayBuffer }
  | {
    kind: 'project'; rows: number; dim: number; wordsPerRow: number; words: SharedArrayBuffer;
    r0: number; r1: number; k: number; mean: Float64Array; components: SharedArrayBuffer; out: SharedArrayBuffer;
  }
  | { kind: 'replay'; n: number; cols: number; slice: SharedArrayBuffer; idx: SharedArrayBuffer; cs: SharedArrayBuffer; count: number };

const kern = createWasmKernels();

parentPort!.on('message', (job: WorkerJob) => {
  try {
    if (!kern) throw new Error('WebAssembly SIMD unavailable in worker');
    if (job.kind === 'replay') {
      replayOnColumns(kern, new Float64Array(job.slice), job.n, job.cols, { n: job.count, idx: new Int32Array(job.idx), cs: new Float64Array(job.cs) });
    } else {
      const m = { kind: 'bits' as const, rows: job.rows, dim: job.dim, wordsPerRow: job.wordsPerRow, words: new Uint32Array(job.words) };
      if (job.kind === 'scatter') {
        scatterBitsWasm(kern, m, job.cols, new Float64Array(job.gram));
      } else {
        const model: PcaModel = {
          dim: job.dim, k: job.k, mean: job.mean, components: new Float64Array(job.components),
          explainedVariance: new Float64Array(0), explainedVarianceRatio: new Float64Array(0), totalVariance: 0, samples: job.rows,
        };
        const out = new Float32Array(job.out, job.r0 * job.k * 4, (job.r1 - job.r0) * job.k);
        projectBitsWasm(kern, m, model, out, job.r0, job.r1);
      }
    }
    parentPort!.postMessage({ ok: true });
  } catch (e) {
    parentPort!.postMessage({ ok: false, error: (e as Error).message });
  }
});
