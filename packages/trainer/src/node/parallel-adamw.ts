// AdamW over a range of flat float32 arrays in shared memory, one fused pass, bit-identical to transformer-core's
// AdamW on tfjs (same order of operations: decoupled decay, moments, bias-corrected step; every intermediate rounded
// to float32 as the tensor ops round it -- a double result of +, -, *, / or sqrt of float32 operands rounds to the
// same float32 as the float32 operation). Threads update disjoint ranges of one parameter vector.
import type { SharedKernels } from './parallel-kernels.js';

export interface AdamWHyper {
  betas: [number, number];
  eps: number;
  weightDecay: number;
}

/** Scalars of update number `t` (1-based) at learning rate `lr`, as tfjs would hold them (float32). */
export interface AdamWScalars {
  decay: number;
  useDecay: boolean;
  b1: number;
  b1c: number;
  b2: number;
  b2c: number;
  bc2Sqrt: number;
  eps: number;
  stepSize: number;
  /** Clip factor on the gradient (1 = none). */
  coef: number;
}

const f = Math.fround;

export function adamwScalars(h: AdamWHyper, lr: number, t: number, coef: number): AdamWScalars {
  const [b1, b2] = h.betas;
  const bc1 = 1 - Math.pow(b1, t);
  const bc2 = 1 - Math.pow(b2, t);
  return {
    decay: f(1 - lr * h.weightDecay), useDecay: h.weightDecay !== 0,
    b1: f(b1), b1c: f(1 - b1), b2: f(b2), b2c: f(1 - b2), bc2Sqrt: f(Math.sqrt(bc2)), eps: f(h.eps), stepSize: f(lr / bc1),
    coef: coef === 1 ? 1 : f(coef),
  };
}

/**
 * One AdamW update of p, m, v in [lo, hi) from gradients g (times s.coef when it is not 1). With `kernels` (the
 * arrays then live in their shared wasm memory) the SIMD kernel does it, with the same bits (x * 1 is x).
 */
export function adamwRange(p: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, lo: number, hi: number, s: AdamWScalars,
  kernels?: SharedKernels | null): void {
  if (kernels) {
    const at = (a: Float32Array) => a.byteOffset + lo * 4;
    kernels.adamw(at(p), at(m), at(v), at(g), hi - lo, s.useDecay ? s.decay : 1, s.b1, s.b1c, s.b2, s.b2c, s.bc2Sqrt, s.eps, s.stepSize, s.coef);
    return;
  }
  adamwLoop(p, m, v, g, lo, hi, s);
}

function adamwLoop(p: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, lo: number, hi: number, s: AdamWScalars): void {
  const { decay, useDecay, b1, b1c, b2, b2c, bc2Sqrt, eps, stepSize, coef } = s;
  const scale = coef !== 1;
  for (let i = lo; i < hi; i++) {
    const gi = scale ? f(g[i] * coef) : g[i];
    const pd = useDecay ? f(p[i] * decay) : p[i];
    const mN = f(f(m[i] * b1) + f(gi * b1c));
    const vN = f(f(v[i] * b2) + f(f(gi * gi) * b2c));
    const denom = f(f(f(Math.sqrt(vN)) / bc2Sqrt) + eps);
    p[i] = pd - f(f(mN / denom) * stepSize);
    m[i] = mN;
    v[i] = vN;
  }
}
