// Worker-thread entry of the Node adapter (see node-parallel.ts): runs one slice of the scatter or the projection
// with its own wasm kernel instance, reading inputs from and writing results into SharedArrayBuffers.
import { parentPort } from 'node:worker_threads';
import { createWasmKernels } from './compute/kernels.js';
import { projectBitsWasm, scatterBitsWasm } from './pca/fast.js';
import type { PcaModel } from './pca/pca.js';

export interface WorkerJob {
  kind: 'scatter' | 'project';
  rows: number; dim: number; wordsPerRow: number; words: SharedArrayBuffer;
  /** scatter: column range [i0, i1) and the shared gram (dim*dim float64). */
  cols?: [number, number]; gram?: SharedArrayBuffer;
  /** project: row range, model pieces, shared output (rows*k float32). */
  r0?: number; r1?: number; k?: number; mean?: Float64Array; components?: SharedArrayBuffer; out?: SharedArrayBuffer;
}

const kern = createWasmKernels();

parentPort!.on('message', (job: WorkerJob) => {
  try {
    if (!kern) throw new Error('WebAssembly SIMD unavailable in worker');
    const m = { kind: 'bits' as const, rows: job.rows, dim: job.dim, wordsPerRow: job.wordsPerRow, words: new Uint32Array(job.words) };
    if (job.kind === 'scatter') {
      scatterBitsWasm(kern, m, job.cols!, new Float64Array(job.gram!));
    } else {
      const k = job.k!;
      const model: PcaModel = {
        dim: job.dim, k, mean: job.mean!, components: new Float64Array(job.components!),
        explainedVariance: new Float64Array(0), explainedVarianceRatio: new Float64Array(0), totalVariance: 0, samples: job.rows,
      };
      const out = new Float32Array(job.out!, job.r0! * k * 4, (job.r1! - job.r0!) * k);
      projectBitsWasm(kern, m, model, out, job.r0!, job.r1!);
    }
    parentPort!.postMessage({ ok: true });
  } catch (e) {
    parentPort!.postMessage({ ok: false, error: (e as Error).message });
  }
});
