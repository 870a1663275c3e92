// The log-probabilities scoring reads from the output head's logits, as one tfjs kernel on the wasm backend
// (scoring.ts's logprobsAtRows: loglikelihood requests, MMLU). With tfjs ops the log-softmax of a row of bvv241's
// 65,536 logits (logSumExp's Max, Sub, Exp, Sum, Log, then a gather, a sub and argMax) cost ~1 ms, as much as the
// head's product for that row: tfjs-wasm's Exp is scalar (~7 ns per element). Here one SIMD pass per row finds the
// max, then SIMD passes over blocks of BLOCK columns sum exp(x - max) (softmax-rows.wat), the blocks' sums added in
// float64 (one float32 sum over 65,536 terms was off by ~3e-4 relative); the picks read x[t] - (max + log(sum)) and
// the argmax is the first entry equal to the max.
//
//   (logits [R, V] float32, picks int32 [F]: flat indices r * V + t) -> [lp float32 [F], argmax int32 [R]]
//
// Registered by wasm/register.ts; scoring.ts runs it through fast-kernels.ts.
import type { tf } from '../tf.js';
import { ROW_LOGPROBS } from '../fast-kernels.js';
import { softmaxRowsKernel } from './kernel.js';
import { runHeapKernel } from './kernel-scaffold.js';

/** Columns per SIMD sum (added in float64 across blocks). */
const BLOCK = 1024;

/** Index in row [at, at + n) of F of the first entry equal to m (the row's max); the first NaN where m is NaN. */
function firstOf(F: Float32Array, at: number, n: number, m: number): number {
  const i = Number.isNaN(m) ? -1 : F.indexOf(m, at);
  if (i >= at && i < at + n) return i - at;
  for (let j = 0; j < n; j++) if (Number.isNaN(F[at + j])) return j;
  return 0;
}

export const rowLogprobsKernelConfigs: tf.KernelConfig[] = [
  {
    kernelName: ROW_LOGPROBS,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const { logits, picks } = inputs as unknown as { logits: tf.TensorInfo; picks: tf.TensorInfo };
      return runHeapKernel(backend, (k) => {
        const [R, V] = logits.shape;
        const F = picks.shape[0];
        const lp = k.output([F]);
        const am = k.output([R], 'int32');
        const stats = k.temp([R + 1]); // each row's max, then one block's sum
        const px = k.at(logits) >> 2, ps = k.at(stats) >> 2;
        const soft = softmaxRowsKernel(k.heap.memory)!;
        const H = k.f32();
        const I = new Int32Array(H.buffer);
        const lse = new Float64Array(R);
        for (let r = 0; r < R; r++) {
          const row = px + r * V;
          H[ps + r] = -Infinity;
          soft.row_max(4 * row, 1, V, 4 * (ps + r));
          let sum = 0;
          for (let c = 0; c < V; c += BLOCK) {
            H[ps + R] = 0;
            soft.row_expsum(4 * (row + c), 0, 1, Math.min(BLOCK, V - c), 4 * (ps + r), 4 * (ps + R));
            sum += H[ps + R];
          }
          lse[r] = H[ps + r] + Math.log(sum);
          I[(k.at(am) >> 2) + r] = firstOf(H, row, V, H[ps + r]);
        }
        const pp = k.at(picks) >> 2, pl = k.at(lp) >> 2;
        for (let f = 0; f < F; f++) {
          const flat = I[pp + f], r = Math.floor(flat / V);
          H[pl + f] = H[px + flat] - lse[r];
        }
      });
    },
  },
];
