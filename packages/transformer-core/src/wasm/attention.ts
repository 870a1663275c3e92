// Causal self-attention of the training forward and its backward as two tfjs kernels on the wasm backend. With
// tfjs ops, attention is ~60 small kernels per layer (splits into heads and batch rows, rotary halves, concats,
// transposes) whose copies and dispatch cost as much as its products. Here the rotary embedding is applied while
// qkv [N, 3d] is rearranged once into head-major [3, B, H, T, hd], every (batch, head) block is then a contiguous
// heap region for XNNPACK (xnn-matmul.ts), the causal softmax is one wasm SIMD pass (softmax-rows.wat), and the
// gradient is written straight back into the [N, 3d] layout with the inverse rotation.
//
//   forward  (qkv [N, 3d], cos, sin [T, hd/2])  -> out [N, d], saved head-major q·scale, k (rotated), v, and P [B*H, T, T]
//   backward (dy [N, d], saved, P, cos, sin)    -> dqkv [N, 3d]
//
// Registered by wasm/register.ts; ops.ts runs them through fast-kernels.ts.
import type { tf } from '../tf.js';
import { ATTENTION, ATTENTION_GRAD, type AttentionAttrs } from '../fast-kernels.js';
import { softmaxRowsKernel, type SoftmaxRows } from './kernel.js';
import { runHeapKernel } from './kernel-scaffold.js';
import { rotateHalfInto } from '../rotary.js';

type Info = tf.TensorInfo;

/** Float offset of row t of block (part, b, h) in the head-major [3, B, H, T, hd] layout. */
const hmRow = (base: number, part: number, b: number, h: number, t: number, B: number, H: number, T: number, hd: number) =>
  base + ((((part * B + b) * H + h) * T + t) * hd);

/** dst [cols, rows] = transpose of src [rows, cols] (float offsets into F). */
function transposeInto(F: Float32Array, src: number, rows: number, cols: number, dst: number): void {
  for (let r = 0; r < rows; r++) {
    const s = src + r * cols;
    for (let c = 0; c < cols; c++) F[dst + c * rows + r] = F[s + c];
  }
}

/** Causal softmax of the scores [T, T] at p, in place: mask, row max and sum of exp, times 1/sum, zeros above the diagonal. */
function causalSoftmax(F: Float32Array, soft: SoftmaxRows, p: number, T: number, stats: number): void {
  for (let i = 0; i + 1 < T; i++) F.fill(-Infinity, p + i * T + i + 1, p + (i + 1) * T);
  soft.max_expsum(4 * p, 4 * p, T, T, 4 * stats);
  for (let i = 0; i < T; i++) F[stats + 2 * T + i] = 1 / F[stats + 2 * i + 1];
  soft.scale_rows(4 * p, T, T, 4 * (stats + 2 * T));
  for (let i = 0; i + 1 < T; i++) F.fill(0, p + i * T + i + 1, p + (i + 1) * T);
}

/** g = p (g - rowsum(p g)) for the first i + 1 entries of row i (causal), zeros after. */
function causalSoftmaxGrad(F: Float32Array, p: number, g: number, T: number): void {
  for (let i = 0; i < T; i++) {
    const r = g + i * T, pr = p + i * T;
    let s = 0;
    for (let j = 0; j <= i; j++) s += F[r + j] * F[pr + j];
    for (let j = 0; j <= i; j++) F[r + j] = F[pr + j] * (F[r + j] - s);
    F.fill(0, r + i + 1, r + T);
  }
}

/**
 * Rotary embedding (NeoX rotate-half; q's cos and sin times `scale` first, as applyRotary in rotary.ts) between qkv rows
 * [B*T, 3d] at `rows` and head-major [3, B, H, T, hd] at `hm`: toHeadMajor rotates rows into hm; otherwise it
 * rotates hm back into rows by the inverse rotation (sin negated), which is the gradient of the forward one.
 * Float offsets into F; cos, sin [T, hd/2]; v is copied unrotated.
 */
function rotaryHeadMajor(F: Float32Array, rows: number, hm: number, cos: number, sin: number, B: number, T: number, H: number, hd: number, scale: number, toHeadMajor: boolean): void {
  const d = H * hd, half = hd / 2, sign = toHeadMajor ? 1 : -1;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const row = rows + (b * T + t) * 3 * d;
      for (let h = 0; h < H; h++) {
        for (let part = 0; part < 3; part++) {
          const r = row + part * d + h * hd, m = hmRow(hm, part, b, h, t, B, H, T, hd);
          const src = toHeadMajor ? r : m, dst = toHeadMajor ? m : r;
          if (part === 2) F.copyWithin(dst, src, src + hd);
          else rotateHalfInto(F, src, dst, half, F, cos + t * half, F, sin + t * half, sign, part === 0 ? scale : 1);
        }
      }
    }
  }
}

function forward({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info[] {
  const { qkv, cos, sin } = inputs as unknown as Record<'qkv' | 'cos' | 'sin', Info>;
  const { batch: B, heads: H } = attrs as unknown as AttentionAttrs;
  return runHeapKernel(backend, (c) => {
    const N = qkv.shape[0], d = qkv.shape[1] / 3, T = N / B, hd = d / H;
    const soft = softmaxRowsKernel(c.heap.memory)!;
    const out = c.output([N, d]);
    const saved = c.output([3 * N * d]);
    const probs = c.output([B * H, T, T]);
    const kT = c.temp([hd * T]);
    const o = c.temp([T * hd]);
    const stats = c.temp([3 * T]);
    const pX = c.at(qkv) >> 2, pS = c.at(saved) >> 2, pP = c.at(probs) >> 2, pK = c.at(kT) >> 2, pO = c.at(o) >> 2;
    const pSt = c.at(stats) >> 2, pc = c.at(cos) >> 2, ps = c.at(sin) >> 2, pOut = c.at(out) >> 2;
    let F = c.f32();
    rotaryHeadMajor(F, pX, pS, pc, ps, B, T, H, hd, 1 / Math.sqrt(hd), true);
    for (let bb = 0; bb < B; bb++) {
      for (let h = 0; h < H; h++) {
        const q = hmRow(pS, 0, bb, h, 0, B, H, T, hd), k = hmRow(pS, 1, bb, h, 0, B, H, T, hd), v = hmRow(pS, 2, bb, h, 0, B, H, T, hd);
        transposeInto(F, k, T, hd, pK);
        const pBH = pP + (bb * H + h) * T * T;
        const qR = c.mm.region(4 * q, T, hd), kR = c.mm.region(4 * pK, hd, T), sR = c.mm.region(4 * pBH, T, T);
        c.mm.matMul(qR, kR, sR);
        [qR, kR, sR].forEach((r) => c.mm.release(r));
        F = c.f32();
        causalSoftmax(F, soft, pBH, T, pSt);
        const pR = c.mm.region(4 * pBH, T, T), vR = c.mm.region(4 * v, T, hd), oR = c.mm.region(4 * pO, T, hd);
        c.mm.matMul(pR, vR, oR);
        [pR, vR, oR].forEach((r) => c.mm.release(r));
        F = c.f32();
        for (let t = 0; t < T; t++) F.copyWithin(pOut + (bb * T + t) * d + h * hd, pO + t * hd, pO + (t + 1) * hd);
      }
    }
  });
}

function backward({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info[] {
  const { dy, saved, probs, cos, sin } = inputs as unknown as Record<'dy' | 'saved' | 'probs' | 'cos' | 'sin', Info>;
  const { batch: B, heads: H } = attrs as unknown as AttentionAttrs;
  return runHeapKernel(backend, (c) => {
    const N = dy.shape[0], d = dy.shape[1], T = N / B, hd = d / H;
    const dqkv = c.output([N, 3 * d]);
    const grads = c.temp([3 * N * d]); // head-major dq, dk, dv
    const dyH = c.temp([T * hd]);
    const tr = c.temp([T * T]);
    const ds = c.temp([T * T]);
    const vT = c.temp([hd * T]);
    const pDy = c.at(dy) >> 2, pS = c.at(saved) >> 2, pP = c.at(probs) >> 2, pG = c.at(grads) >> 2, pD = c.at(dyH) >> 2;
    const pT = c.at(tr) >> 2, pDs = c.at(ds) >> 2, pV = c.at(vT) >> 2, pc = c.at(cos) >> 2, ps = c.at(sin) >> 2, pOut = c.at(dqkv) >> 2;
    const mm = c.mm;
    const mat = (a: number, ar: number, ac: number, bo: number, bc: number, out: number) => {
      const ra = mm.region(4 * a, ar, ac), rb = mm.region(4 * bo, ac, bc), ro = mm.region(4 * out, ar, bc);
      mm.matMul(ra, rb, ro);
      [ra, rb, ro].forEach((r) => mm.release(r));
    };
    let F = c.f32();
    for (let bb = 0; bb < B; bb++) {
      for (let h = 0; h < H; h++) {
        const q = hmRow(pS, 0, bb, h, 0, B, H, T, hd), k = hmRow(pS, 1, bb, h, 0, B, H, T, hd), v = hmRow(pS, 2, bb, h, 0, B, H, T, hd);
        const pBH = pP + (bb * H + h) * T * T;
        for (let t = 0; t < T; t++) F.copyWithin(pD + t * hd, pDy + (bb * T + t) * d + h * hd, pDy + (bb * T + t) * d + (h + 1) * hd);
        // dv = Pᵀ dy
        transposeInto(F, pBH, T, T, pT);
        mat(pT, T, T, pD, hd, hmRow(pG, 2, bb, h, 0, B, H, T, hd));
        F = c.f32();
        // dP = dy vᵀ, then dS = P (dP - rowsum(dP P))
        transposeInto(F, v, T, hd, pV);
        mat(pD, T, hd, pV, T, pDs);
        F = c.f32();
        causalSoftmaxGrad(F, pBH, pDs, T);
        // dq = dS k, dk = dSᵀ q
        mat(pDs, T, T, k, hd, hmRow(pG, 0, bb, h, 0, B, H, T, hd));
        F = c.f32();
        transposeInto(F, pDs, T, T, pT);
        mat(pT, T, T, q, hd, hmRow(pG, 1, bb, h, 0, B, H, T, hd));
        F = c.f32();
      }
    }
    rotaryHeadMajor(F, pOut, pG, pc, ps, B, T, H, hd, 1 / Math.sqrt(hd), false);
  });
}

export const attentionKernelConfigs: tf.KernelConfig[] = [
  { kernelName: ATTENTION, backendName: 'wasm', kernelFunc: forward as unknown as tf.KernelFunc },
  { kernelName: ATTENTION_GRAD, backendName: 'wasm', kernelFunc: backward as unknown as tf.KernelFunc },
];
