// The attention of an inference step as one tfjs kernel on the wasm backend (infer.ts: prefill, scoring's prefixes,
// suffixes and cache-off rows). With tfjs ops, every (row, head) costs ~6 kernels (joins of the cached keys and values,
// the scores' product, the mask, softmax, the values' product) and a layer ~30 at batch 1, ~70 at 4 rows; each has a
// fixed cost of tens of µs, which at a few hundred positions is as much as the products. Here one kernel per layer
// writes the new keys and values (QKV_HEADS's pieces, bit for bit), joins them to the cached prefix, and runs every
// (row, head)'s scores and output through XNNPACK on heap regions, with the causal softmax as one wasm SIMD pass.
//
//   (qkv [N, 3d], cos, sin [T, hd/2], the cached prefix per head sk{h} [hd, Tp], sv{h} [Tp, hd] (none: no prefix);
//    attrs batch B, heads H, scale, rowLengths, join, outRows)
//     -> [out [R, d] (the heads' outputs, merged, at outRows or every row: R rows),
//         B*H new keys transposed [hd, len], B*H new values [len, hd] (index b * H + h, heads.ts's layout),
//         with join (B = 1, a prefix): H joined keys [hd, Tp + len] and H joined values [Tp + len, hd]]
//
// Row b's token t sits at position Tp + t and attends to the prefix and to its row's tokens up to itself. Ragged rows
// (rowLengths) lie one after the other in qkv. Registered by wasm/register.ts; infer.ts runs it through
// fast-kernels.ts where a step has no per-row cache of its own (fast-paths.ts decides).
import type { tf } from '../tf.js';
import { INFER_ATTENTION, type InferAttentionAttrs } from '../fast-kernels.js';
import { softmaxRowsKernel } from './kernel.js';
import { runHeapKernel, type HeapKernel } from './kernel-scaffold.js';
import { keysTransposed, values } from './qkv-heads.js';
import { rotateHalfInto } from '../rotary.js';

type Info = tf.TensorInfo;

/**
 * Query rows per block: a block's scores and outputs use only the keys up to its last row's position, so causal
 * attention over T new positions runs ~(T + QUERY_BLOCK) / 2T of the full products. Smaller blocks lose more to
 * XNNPACK's per-call packing than they save: scoring 4 rows of ~1,000 tokens (bvv-tiny at context 1,024) took 978, 810,
 * 800 and 858 ms per item with blocks of 64, 128, 256 and no blocks; one item on the cache, or 256-token rows, ran
 * alike with 128, 256 or none.
 */
export const QUERY_BLOCK = 256;

/** dst [hd, Tp + l] = the prefix's kT [hd, Tp] beside the new kT [hd, l], row by row (float offsets). */
function joinKeys(F: Float32Array, pre: number, Tp: number, kT: number, l: number, hd: number, dst: number): void {
  const C = Tp + l;
  for (let i = 0; i < hd; i++) {
    F.copyWithin(dst + i * C, pre + i * Tp, pre + (i + 1) * Tp);
    F.copyWithin(dst + i * C + Tp, kT + i * l, kT + (i + 1) * l);
  }
}

/** dst [Tp + l, hd] = the prefix's v [Tp, hd] above the new v [l, hd]. */
function joinValues(F: Float32Array, pre: number, Tp: number, v: number, l: number, hd: number, dst: number): void {
  F.copyWithin(dst, pre, pre + Tp * hd);
  F.copyWithin(dst + Tp * hd, v, v + l * hd);
}

/**
 * Softmax of the scores s [rows.length, C] in place, row i over its first Tp + rows[i] + 1 columns (up to its own
 * position) and exactly 0 after. The masked columns are never exponentiated: softmax-rows.wat clamps exp's argument
 * at -87.3, so masking with -inf would leave ~1e-38 there, denormal floats that slow the exp and the product after
 * it several-fold on x86. `stats` holds 3 * rows.length floats.
 */
function causalSoftmaxRows(c: HeapKernel, s: number, rows: readonly number[], C: number, Tp: number, stats: number): void {
  const soft = softmaxRowsKernel(c.heap.memory)!;
  const F = c.f32();
  const R = rows.length;
  for (let i = 0; i < R; i++) {
    const n = Tp + rows[i] + 1;
    soft.max_expsum(4 * (s + i * C), 4 * (s + i * C), 1, n, 4 * (stats + 2 * i));
    F.fill(0, s + i * C + n, s + (i + 1) * C);
    F[stats + 2 * R + i] = 1 / F[stats + 2 * i + 1];
  }
  soft.scale_rows(4 * s, R, C, 4 * (stats + 2 * R));
}

function inferAttention({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info[] {
  const { qkv, cos, sin } = inputs as unknown as Record<'qkv' | 'cos' | 'sin', Info>;
  const { batch: B, heads: H, scale, rowLengths, join, outRows } = attrs as unknown as InferAttentionAttrs;
  const scale32 = Math.fround(scale); // tfjs multiplies cos and sin by the scale as a float32 scalar
  const sk = Array.from({ length: H }, (_, h) => (inputs as unknown as Record<string, Info | undefined>)[`sk${h}`]);
  const sv = Array.from({ length: H }, (_, h) => (inputs as unknown as Record<string, Info | undefined>)[`sv${h}`]);
  const hasPrefix = sk[0] !== undefined;
  return runHeapKernel(backend, (c) => {
    const N = qkv.shape[0], d3 = qkv.shape[1], d = d3 / 3, hd = d / H, half = hd / 2;
    const Tp = hasPrefix ? sk[0]!.shape[1] : 0;
    const lens = rowLengths.length > 0 ? rowLengths : new Array<number>(B).fill(N / B);
    const starts: number[] = [];
    for (let b = 0, s = 0; b < B; s += lens[b], b++) starts.push(s);
    // the local positions wanted per row (all, or those of outRows), and where row b's first lands in out
    const wanted: number[][] = lens.map((l) => (outRows.length > 0 ? [] : Array.from({ length: l }, (_, t) => t)));
    if (outRows.length > 0) {
      let b = 0;
      for (const r of outRows) {
        while (r >= starts[b] + lens[b]) b++;
        wanted[b].push(r - starts[b]);
      }
    }
    const outBase: number[] = [];
    let R = 0;
    for (const w of wanted) { outBase.push(R); R += w.length; }
    const maxLen = Math.max(...lens), maxSel = Math.max(1, ...wanted.map((w) => w.length)), C = Tp + maxLen;

    const out = c.output([R, d]);
    const kTs: Info[] = [], vs: Info[] = [], jK: Info[] = [], jV: Info[] = [];
    for (let g = 0; g < B * H; g++) kTs.push(c.output([hd, lens[Math.floor(g / H)]]));
    for (let g = 0; g < B * H; g++) vs.push(c.output([lens[Math.floor(g / H)], hd]));
    if (join) for (let h = 0; h < H; h++) jK.push(c.output([hd, Tp + lens[0]]));
    if (join) for (let h = 0; h < H; h++) jV.push(c.output([Tp + lens[0], hd]));
    // without join, a prefix's keys and values are joined to a row's in temporaries
    const kAllT = hasPrefix && !join ? c.temp([hd * C]) : null;
    const vAllT = hasPrefix && !join ? c.temp([C * hd]) : null;
    const blockRows = Math.min(maxSel, QUERY_BLOCK);
    const q = c.temp([maxSel * hd]), sc = c.temp([blockRows * C]), o = c.temp([maxSel * hd]);
    const stats = c.temp([3 * blockRows]), tmp = c.temp([hd]), kc = c.temp([hd * C]);
    const pX = c.at(qkv) >> 2, pc = c.at(cos) >> 2, ps = c.at(sin) >> 2, pOut = c.at(out) >> 2;
    const pQ = c.at(q) >> 2, pS = c.at(sc) >> 2, pO = c.at(o) >> 2, pSt = c.at(stats) >> 2, pT = c.at(tmp) >> 2;
    const pKc = c.at(kc) >> 2;
    const mat = (a: number, ar: number, ac: number, bo: number, bc: number, dst: number) => {
      const ra = c.mm.region(4 * a, ar, ac), rb = c.mm.region(4 * bo, ac, bc), ro = c.mm.region(4 * dst, ar, bc);
      c.mm.matMul(ra, rb, ro);
      [ra, rb, ro].forEach((r) => c.mm.release(r));
    };
    for (let b = 0; b < B; b++) {
      const l = lens[b], sel = wanted[b], Cb = Tp + l;
      for (let h = 0; h < H; h++) {
        const g = b * H + h, row0 = pX + starts[b] * d3 + h * hd;
        const pk = c.at(kTs[g]) >> 2, pv = c.at(vs[g]) >> 2;
        let F = c.f32();
        keysTransposed(F, row0 + d, pk, pT, pc, ps, l, d3, hd);
        values(F, row0 + 2 * d, pv, l, d3, hd);
        let pKA = pk, pVA = pv;
        if (hasPrefix) {
          pKA = join ? c.at(jK[h]) >> 2 : c.at(kAllT!) >> 2;
          pVA = join ? c.at(jV[h]) >> 2 : c.at(vAllT!) >> 2;
          joinKeys(F, c.at(sk[h]!) >> 2, Tp, pk, l, hd, pKA);
          joinValues(F, c.at(sv[h]!) >> 2, Tp, pv, l, hd, pVA);
        }
        if (sel.length === 0) continue;
        for (let i = 0; i < sel.length; i++) {
          const t = sel[i];
          rotateHalfInto(F, row0 + t * d3, pQ + i * hd, half, F, pc + t * half, F, ps + t * half, 1, scale32);
        }
        // blocks of query rows, each against the keys up to its last row's position: the first `cols` columns of kT
        // (copied out, as they are not contiguous) and the first `cols` rows of v
        for (let i0 = 0; i0 < sel.length; i0 += QUERY_BLOCK) {
          const i1 = Math.min(sel.length, i0 + QUERY_BLOCK), cols = Tp + sel[i1 - 1] + 1;
          let pK = pKA;
          if (cols < Cb) {
            F = c.f32();
            for (let i = 0; i < hd; i++) F.copyWithin(pKc + i * cols, pKA + i * Cb, pKA + i * Cb + cols);
            pK = pKc;
          }
          mat(pQ + i0 * hd, i1 - i0, hd, pK, cols, pS);
          causalSoftmaxRows(c, pS, sel.slice(i0, i1), cols, Tp, pSt);
          mat(pS, i1 - i0, cols, pVA, hd, pO + i0 * hd);
        }
        F = c.f32();
        for (let i = 0; i < sel.length; i++) F.copyWithin(pOut + (outBase[b] + i) * d + h * hd, pO + i * hd, pO + (i + 1) * hd);
      }
    }
  });
}

export const inferAttentionKernelConfigs: tf.KernelConfig[] = [
  { kernelName: INFER_ATTENTION, backendName: 'wasm', kernelFunc: inferAttention as unknown as tf.KernelFunc },
];
