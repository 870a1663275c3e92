// The output head and its cross-entropy, with the gradients, as one tfjs kernel on the wasm backend, computed in
// vocabulary blocks. A plain h @ W over a 65,536-wide vocabulary streams the whole 64 MiB head from memory for
// every four rows (XNNPACK's micro-tile), so it runs at ~60-70 % of the matMul ceiling; here W is copied once per
// call into column blocks [d, Vb] that stay in cache while all rows of a chunk go through them, and the three
// products (logits, dh = g Wᵀ, dW = hᵀ g) run on heap regions of those blocks (xnn-matmul.ts) with no slicing.
// Per row chunk: logits of every block, row max and sum of exp across the blocks (softmax-rows.wat), the loss, and
// for training the gradient softmax - onehot written over the logits, then dh and dW block by block.
//
// Registered by wasm/register.ts; head.ts runs it through fast-kernels.ts.
import { tf } from '../tf.js';
import { HEAD_XENT, type HeadXentAttrs } from '../fast-kernels.js';
import { gemvKernel, softmaxRowsKernel } from './kernel.js';
import { runHeapKernel, type HeapKernel } from './kernel-scaffold.js';
import type { HeapRegion } from './xnn-matmul.js';

type Info = tf.TensorInfo;

/** Columns per block: ~1 MiB of the head (d x Vb floats) per block, 256..4096 columns. */
export function defaultBlockCols(d: number): number {
  return Math.max(256, Math.min(4096, 2 ** Math.floor(Math.log2((1 << 20) / (4 * d)))));
}

/** Rows per chunk: ~16 Mi floats (64 MiB) of logits at a time. */
export function defaultChunkRows(V: number): number {
  return Math.max(1, Math.floor((16 * 1024 * 1024) / V));
}

function kernelFunc({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info[] {
  return runHeapKernel(backend, (k) => headXent(k, inputs, attrs as unknown as HeadXentAttrs));
}

function headXent(k: HeapKernel, inputs: tf.NamedTensorInfoMap, attrs: HeadXentAttrs): void {
  const { h, w, wT, targets, weights } = inputs as unknown as Record<'h' | 'w' | 'wT' | 'targets' | 'weights', Info>;
  const { scale, withGrad } = attrs;
  const b = k.heap.backend;
  const mm = k.mm;
  const soft = softmaxRowsKernel(k.heap.memory)!;
  const gemv = gemvKernel(k.heap.memory)!;
  const [N, d] = h.shape;
  const V = w.shape[1];
  const Vb = Math.max(1, Math.min(attrs.blockCols || defaultBlockCols(d), V));
  const nb = Math.ceil(V / Vb);
  const width = (j: number) => Math.min(Vb, V - j * Vb);
  const R = Math.max(1, Math.min(attrs.chunkRows || defaultChunkRows(V), N));
  const tg = b.readSync(targets.dataId) as Int32Array;
  const wt = b.readSync(weights.dataId) as Float32Array;

  const alloc = (n: number) => k.temp([n]);
  const outputs: Info[] = [k.output([])];
  if (withGrad) outputs.push(k.output([N, d]), k.output([d, V]));
  const wBlk = alloc(d * V);
  const logits = alloc(R * V);
  const scratch = alloc(2 * R + 4); // row max (then row factors), row sums, the constant 1
  const dWBlk = withGrad ? alloc(d * V) : null;
  const tmp = withGrad ? alloc(Math.max(R * d, d * Vb)) : null;
  const hT = withGrad ? alloc(d * R) : null;
  const at = k.at;
  // float offsets; the heap may grow inside XNNPACK (packing), so the view is re-made (k.f32()) after products
  const pw = at(w) >> 2, pBlk = at(wBlk) >> 2, pL = at(logits) >> 2, pm = at(scratch) >> 2, ps = pm + R, pOne = pm + 2 * R;
  let F = k.f32();
  const f32 = k.f32;
  const blockOff = (j: number) => d * Vb * j;
  for (let j = 0; j < nb; j++) {
    const wj = width(j);
    for (let r = 0; r < d; r++) F.copyWithin(pBlk + blockOff(j) + r * wj, pw + r * V + j * Vb, pw + r * V + j * Vb + wj);
  }
  F[pOne] = 1;
  const wRegs: HeapRegion[] = [];
  const wTRegs: HeapRegion[] = [];
  for (let j = 0; j < nb; j++) {
    wRegs.push(mm.region(4 * (pBlk + blockOff(j)), d, width(j)));
    if (withGrad) wTRegs.push(mm.region(at(wT) + 4 * j * Vb * d, width(j), d));
  }
  let lossSum = 0;
  const xt = new Float64Array(R);
  for (let r0 = 0; r0 < N; r0 += R) {
    const Rc = Math.min(R, N - r0);
    const lOff = (j: number) => pL + Rc * Vb * j; // block j of this chunk's logits, [Rc, width(j)]
    const hReg = mm.region(at(h) + 4 * r0 * d, Rc, d);
    for (let j = 0; j < nb; j++) {
      const out = mm.region(4 * lOff(j), Rc, width(j));
      mm.matMul(hReg, wRegs[j], out);
      mm.release(out);
    }
    F = f32();
    F.fill(-Infinity, pm, pm + Rc);
    F.fill(0, ps, ps + Rc);
    for (let j = 0; j < nb; j++) soft.row_max(4 * lOff(j), Rc, width(j), 4 * pm);
    for (let r = 0; r < Rc; r++) {
      const t = tg[r0 + r];
      if (wt[r0 + r] === 0) continue;
      const j = Math.floor(t / Vb);
      xt[r] = F[lOff(j) + r * width(j) + (t - j * Vb)];
    }
    for (let j = 0; j < nb; j++) soft.row_expsum(4 * lOff(j), withGrad ? 4 * lOff(j) : 0, Rc, width(j), 4 * pm, 4 * ps);
    for (let r = 0; r < Rc; r++) {
      const wr = wt[r0 + r];
      if (wr !== 0) lossSum += wr * (Math.log(F[ps + r]) + F[pm + r] - xt[r]);
    }
    if (!withGrad) {
      mm.release(hReg);
      continue;
    }
    // gradient of the summed loss times scale: (softmax - onehot) * w * scale, over the logits
    for (let r = 0; r < Rc; r++) F[pm + r] = (wt[r0 + r] * scale) / F[ps + r];
    for (let j = 0; j < nb; j++) soft.scale_rows(4 * lOff(j), Rc, width(j), 4 * pm);
    for (let r = 0; r < Rc; r++) {
      const wr = wt[r0 + r];
      if (wr === 0) continue;
      const t = tg[r0 + r];
      const j = Math.floor(t / Vb);
      F[lOff(j) + r * width(j) + (t - j * Vb)] -= wr * scale;
    }
    // dh rows of this chunk = sum over blocks of g_j @ Wᵀ_j
    const pTmp = at(tmp!);
    const dhOff = at(outputs[1]) + 4 * r0 * d;
    const dhReg = mm.region(dhOff, Rc, d);
    const tmpReg = mm.region(pTmp, Rc, d);
    for (let j = 0; j < nb; j++) {
      const g = mm.region(4 * lOff(j), Rc, width(j));
      mm.matMul(g, wTRegs[j], j === 0 ? dhReg : tmpReg);
      mm.release(g);
      if (j > 0) gemv(4 * pOne, pTmp, Rc * d, dhOff, 1, Rc * d, 1);
    }
    mm.release(dhReg);
    mm.release(tmpReg);
    // dW blocks += hᵀ @ g_j (g_j is the packed operand: a fresh region each time, released right after)
    F = f32();
    const ph = at(h) >> 2, phT = at(hT!) >> 2;
    for (let r = 0; r < Rc; r++) for (let c = 0; c < d; c++) F[phT + c * Rc + r] = F[ph + (r0 + r) * d + c];
    const hTReg = mm.region(4 * phT, d, Rc);
    for (let j = 0; j < nb; j++) {
      const wj = width(j);
      const g = mm.region(4 * lOff(j), Rc, wj);
      const dst = 4 * ((at(dWBlk!) >> 2) + blockOff(j));
      const out = mm.region(r0 === 0 ? dst : pTmp, d, wj);
      mm.matMul(hTReg, g, out);
      mm.release(g);
      mm.release(out);
      if (r0 > 0) gemv(4 * pOne, pTmp, d * wj, dst, 1, d * wj, 1);
    }
    mm.release(hTReg);
    mm.release(hReg);
  }
  F = f32();
  F[at(outputs[0]) >> 2] = lossSum;
  if (withGrad) {
    const pdW = at(outputs[2]) >> 2, pdB = at(dWBlk!) >> 2;
    for (let j = 0; j < nb; j++) {
      const wj = width(j);
      for (let r = 0; r < d; r++) F.copyWithin(pdW + r * V + j * Vb, pdB + blockOff(j) + r * wj, pdB + blockOff(j) + (r + 1) * wj);
    }
  }
}

export const headXentKernelConfigs: tf.KernelConfig[] = [
  { kernelName: HEAD_XENT, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc },
];
