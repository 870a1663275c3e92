// Single-token decoding at batch 1 with tfjs ops (generate's steps where no fast decoder runs: webgpu, cpu, and wasm
// with setFastPaths(false) / fastDecode: false). Why a variant beside infer.ts: a one-token step is bound by the cost
// of dispatching its kernels, not by their arithmetic, so attention here is elementwise over all heads at once (q * K
// summed over hd, p * V summed over positions) instead of infer.ts's per-head matMuls: 140 tfjs kernels per token
// against 268 for infer.ts's inferStep at Tn = 1 (2 layers of shakespeare-char; 396 against 780 with 6). Measured
// 2026-12-06 by bench/decode-variants.mjs (same prompt and cache, fast paths off, runs interleaved, median; this 2-core
// VM at load average 4-6, no GPU: webgpu is SwiftShader), ms per token, decode.ts against infer.ts at Tn = 1:
// webgpu, Dawn in Node, 2 layers: 995 against 3075 (3.1x; 1.8x in an earlier run); webgpu, headless chromium, 2
// layers: 539 against 1292 (2.4x); wasm (where the fused decoder normally runs instead): 9.1 against 15.9 with 6
// layers (1.75x), 1.45 against 2.20 with 2 (1.5x; 0.9x in shorter runs: noise at that size); cpu: 25 against 16 with
// 2 layers, 91 against 55 with 6 (0.6x: the cpu backend is not dispatch-bound, infer.ts's matMuls win there). Greedy
// tokens identical, logits within 2e-6. Kept for webgpu, where a kernel launch costs most. Cache: per layer K and V
// as [H, len, hd], a static `shared` part (the prompt) and a small `own` part merged into it every MERGE_EVERY tokens
// (stepper.ts).
import { tf } from './tf.js';
import { geluInfer } from './ops.js';
import { layerNormInfer } from './layer-norm.js';
import { rotaryTables } from './rotary.js';
import type { ModelWeights } from './model-weights.js';
import type { KVPart } from './kv-cache.js';

export interface DecodePart {
  len: number;
  /** Per layer [H, len, hd]. */
  k: tf.Tensor[];
  v: tf.Tensor[];
}

export function disposeDecode(p: DecodePart | null | undefined): void {
  if (!p) return;
  p.k.forEach((t) => t.dispose());
  p.v.forEach((t) => t.dispose());
}

/** Converts a batch-1 prefill cache (per-head, keys transposed) to the decode layout. */
export function toDecodePart(p: KVPart): DecodePart {
  return tf.tidy(() => ({
    len: p.len,
    k: p.kT.map((heads) => tf.stack(heads.map((kt) => tf.transpose(kt)))),
    v: p.v.map((heads) => tf.stack(heads)),
  })) as DecodePart;
}

/** Appends own to shared (new tensors). */
export function mergeDecode(shared: DecodePart, own: DecodePart): DecodePart {
  return tf.tidy(() => ({
    len: shared.len + own.len,
    k: shared.k.map((t, i) => tf.concat([t, own.k[i]], 1)),
    v: shared.v.map((t, i) => tf.concat([t, own.v[i]], 1)),
  })) as DecodePart;
}

/** cos/sin rows [2H, hd] for one position (q rows pre-scaled by 1/sqrt(hd)), NeoX layout cat(freqs, freqs). */
function rotaryRows(H: number, hd: number, pos: number, base: number): { c: Float32Array; s: Float32Array } {
  const { cos, sin } = rotaryTables(hd, pos, 1, base);
  const c = new Float32Array(2 * H * hd);
  const s = new Float32Array(2 * H * hd);
  const half = hd / 2;
  const scale = 1 / Math.sqrt(hd);
  for (let r = 0; r < 2 * H; r++) {
    const m = r < H ? scale : 1;
    for (let i = 0; i < half; i++) {
      c[r * hd + i] = c[r * hd + i + half] = cos[i] * m;
      s[r * hd + i] = s[r * hd + i + half] = sin[i] * m;
    }
  }
  return { c, s };
}

/** One token at position shared.len + own.len. Returns the residual stream [1, d] and the new own part. */
export function decodeStep(model: ModelWeights, token: number, shared: DecodePart, own: DecodePart | null): { x: tf.Tensor2D; own: DecodePart } {
  const c = model.config;
  const H = c.nHead;
  const d = c.dModel;
  const hd = d / H;
  const pos = shared.len + (own ? own.len : 0);
  if (pos + 1 > c.blockSize) throw new RangeError(`decode: position ${pos} is past blockSize ${c.blockSize}`);
  const res = tf.tidy(() => {
    const { c: cA, s: sA } = rotaryRows(H, hd, pos, c.ropeBase);
    const cos = tf.tensor2d(cA, [2 * H, hd]);
    const sin = tf.tensor2d(sA, [2 * H, hd]);
    let x: tf.Tensor = model.embed(Int32Array.of(token));
    const ks: tf.Tensor[] = [];
    const vs: tf.Tensor[] = [];
    model.layers.forEach((L, li) => {
      const [qk0, v0] = tf.split(tf.matMul(layerNormInfer(x), L.qkv), [2 * d, d], 1);
      const qk = tf.reshape(qk0, [2 * H, hd]);
      const [a, b] = tf.split(qk, 2, 1);
      const rot = tf.concat([tf.neg(b), a], 1);
      const qkr = tf.add(tf.mul(qk, cos), tf.mul(rot, sin));
      const [q, kNew] = tf.split(qkr, 2, 0); // [H, hd] each
      const k = own ? tf.concat([own.k[li], tf.reshape(kNew, [H, 1, hd])], 1) : tf.reshape(kNew, [H, 1, hd]);
      const v = own ? tf.concat([own.v[li], tf.reshape(v0, [H, 1, hd])], 1) : tf.reshape(v0, [H, 1, hd]);
      ks.push(k);
      vs.push(v);
      const q3 = tf.reshape(q, [H, 1, hd]);
      const sSh = tf.sum(tf.mul(q3, shared.k[li]), -1); // [H, Tp]
      const sOwn = tf.sum(tf.mul(q3, k), -1); // [H, Tq+1]
      const p = tf.softmax(tf.concat([sSh, sOwn], 1), -1);
      const [pSh, pOwn] = tf.split(p, [shared.len, k.shape[1]!], 1);
      const o = tf.add(
        tf.sum(tf.mul(tf.expandDims(pSh, 2), shared.v[li]), 1),
        tf.sum(tf.mul(tf.expandDims(pOwn, 2), v), 1),
      ); // [H, hd]
      x = tf.add(x, tf.matMul(tf.reshape(o, [1, d]), L.proj));
      x = tf.add(x, tf.matMul(geluInfer(tf.matMul(layerNormInfer(x), L.fc)), L.mlpProj));
    });
    return { x: x as tf.Tensor2D, ks, vs };
  });
  return { x: res.x, own: { len: (own ? own.len : 0) + 1, k: res.ks, v: res.vs } };
}
