// The heads of an inference step's qkv as one tfjs kernel on the wasm backend (infer.ts: prefill, scoring's prefixes
// and suffixes). With tfjs ops, getting from qkv [B*T, 3d] to per-(row, head) queries, transposed keys and values
// takes ~25 kernels per layer (a split into q/k/v, two rotary passes of split/mul/sub/add/concat, splits into heads
// and rows, a transpose per (row, head)), and tfjs-backend-wasm's Slice reads its whole input back through a copy
// (`readSync`) for every piece, so splitting [B*T, d] into B rows copies it B times. Here one pass over qkv writes
// every piece, rotated as rotary.ts rotates (the same float32 roundings, so bits equal the plain path's).
//
//   (qkv [B*T, 3d], cos, sin [T, hd/2]; attrs batch B, heads H, scale, rowLengths)
//     -> B*H queries [T, hd] (rotated, times scale), B*H keys transposed [hd, T] (rotated), B*H values [T, hd],
//        each list indexed b * H + h (heads.ts's layout); ragged rows (rowLengths, one after the other in qkv) give
//        pieces of each row's length, positions counted from each row's start
//
// Registered by wasm/register.ts; infer.ts runs it through fast-kernels.ts.
import type { tf } from '../tf.js';
import { QKV_HEADS, type QkvHeadsAttrs } from '../fast-kernels.js';
import { runHeapKernel } from './kernel-scaffold.js';
import { rotateHalfInto } from '../rotary.js';

type Info = tf.TensorInfo;

/** Query rows t of one (row, head): rotated (scaled) from qkv into the piece at q. */
function queries(F: Float32Array, x: number, q: number, cos: number, sin: number, T: number, d3: number, hd: number, scale: number): void {
  const half = hd / 2;
  for (let t = 0; t < T; t++) rotateHalfInto(F, x + t * d3, q + t * hd, half, F, cos + t * half, F, sin + t * half, 1, scale);
}

/** Keys of one (row, head), rotated into `tmp` [hd] a row at a time, then written as column t of kT [hd, T]. */
export function keysTransposed(F: Float32Array, x: number, kT: number, tmp: number, cos: number, sin: number, T: number, d3: number, hd: number): void {
  const half = hd / 2;
  for (let t = 0; t < T; t++) {
    rotateHalfInto(F, x + t * d3, tmp, half, F, cos + t * half, F, sin + t * half, 1, 1);
    for (let i = 0; i < hd; i++) F[kT + i * T + t] = F[tmp + i];
  }
}

/** Value rows of one (row, head), copied. */
export function values(F: Float32Array, x: number, v: number, T: number, d3: number, hd: number): void {
  for (let t = 0; t < T; t++) F.copyWithin(v + t * hd, x + t * d3, x + t * d3 + hd);
}

function qkvHeads({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info[] {
  const { qkv, cos, sin } = inputs as unknown as Record<'qkv' | 'cos' | 'sin', Info>;
  const { batch: B, heads: H, scale, rowLengths } = attrs as unknown as QkvHeadsAttrs;
  // tfjs multiplies cos and sin by the scale as a float32 scalar
  const scale32 = Math.fround(scale);
  return runHeapKernel(backend, (c) => {
    const N = qkv.shape[0], d3 = qkv.shape[1], d = d3 / 3, hd = d / H;
    const lens = rowLengths.length > 0 ? rowLengths : new Array<number>(B).fill(N / B);
    const len = (g: number) => lens[Math.floor(g / H)];
    const qs: Info[] = [], kTs: Info[] = [], vs: Info[] = [];
    for (let g = 0; g < B * H; g++) qs.push(c.output([len(g), hd]));
    for (let g = 0; g < B * H; g++) kTs.push(c.output([hd, len(g)]));
    for (let g = 0; g < B * H; g++) vs.push(c.output([len(g), hd]));
    const tmp = c.temp([hd]);
    const F = c.f32(); // nothing allocates below
    const pX = c.at(qkv) >> 2, pc = c.at(cos) >> 2, ps = c.at(sin) >> 2, pT = c.at(tmp) >> 2;
    for (let b = 0, start = 0; b < B; start += lens[b], b++) {
      const T = lens[b];
      for (let h = 0; h < H; h++) {
        const g = b * H + h, row0 = pX + start * d3 + h * hd;
        queries(F, row0, c.at(qs[g]) >> 2, pc, ps, T, d3, hd, scale32);
        keysTransposed(F, row0 + d, c.at(kTs[g]) >> 2, pT, pc, ps, T, d3, hd);
        values(F, row0 + 2 * d, c.at(vs[g]) >> 2, T, d3, hd);
      }
    }
  });
}

export const qkvHeadsKernelConfigs: tf.KernelConfig[] = [
  { kernelName: QKV_HEADS, backendName: 'wasm', kernelFunc: qkvHeads as unknown as tf.KernelFunc },
];
