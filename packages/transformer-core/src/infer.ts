// KV-cached inference forward (no tape). A cache has a batch-1 `shared` part (a prompt or a common prefix, keys
// stored transposed [H, hd, S]) and a per-row `own` part [B*H, ...] that grows by concatenation. Queries attend to
// both with one softmax, so a shared prefix is computed once and never copied per row.
import { tf } from './tf.js';
import { causalMask, geluInfer, layerNormInfer, ropeInfer, ropeTables } from './ops.js';
import type { GPT } from './model.js';

type T = tf.Tensor;

export interface KVPart {
  /** Number of positions held. */
  len: number;
  /** Per layer: keys transposed [rows*H, hd, len], values [rows*H, len, hd]. */
  kT: T[];
  v: T[];
}

export function disposePart(p: KVPart | null | undefined): void {
  if (!p) return;
  p.kT.forEach((t) => t.dispose());
  p.v.forEach((t) => t.dispose());
}

/**
 * Runs Tn new tokens per row (ids flat [B*Tn]) after `shared` (batch 1) and `own` (batch B). Returns the residual
 * stream before the final norm [B*Tn, d] and the new own part (the old one is left to the caller).
 */
export function inferStep(model: GPT, ids: Int32Array, B: number, Tn: number, shared: KVPart | null, own: KVPart | null): { x: tf.Tensor2D; own: KVPart } {
  const c = model.config;
  const H = c.nHead;
  const hd = c.dModel / H;
  const d = c.dModel;
  const Tp = shared ? shared.len : 0;
  const Tq = own ? own.len : 0;
  const pos0 = Tp + Tq;
  if (pos0 + Tn > c.blockSize) throw new RangeError(`inference: ${pos0 + Tn} positions exceed blockSize ${c.blockSize}`);
  const res = tf.tidy(() => {
    let x: T = model.embed(ids);
    const { cos: cA, sin: sA } = ropeTables(hd, pos0, Tn, c.ropeBase);
    const cos = tf.tensor2d(cA, [Tn, hd / 2]);
    const sin = tf.tensor2d(sA, [Tn, hd / 2]);
    const S = Tq + Tn;
    const mask = Tn > 1 ? causalMask(Tn, S) : null;
    const scale = 1 / Math.sqrt(hd);
    const kTs: T[] = [];
    const vs: T[] = [];
    const toHeadsFirst = (t: T, last: number) => // [B*H, Tn, last] -> [H, B*Tn, last]
      B === 1 ? t : tf.reshape(tf.transpose(tf.reshape(t, [B, H, Tn, last]), [1, 0, 2, 3]), [H, B * Tn, last]);
    const toBatchFirst = (t: T, last: number) => // [H, B*Tn, last] -> [B*H, Tn, last]
      B === 1 ? t : tf.reshape(tf.transpose(tf.reshape(t, [H, B, Tn, last]), [1, 0, 2, 3]), [B * H, Tn, last]);
    model.layers.forEach((L, li) => {
      const h = layerNormInfer(x);
      const qkv = tf.matMul(h, L.qkv);
      const sp = tf.transpose(tf.reshape(qkv, [B, Tn, 3, H, hd]), [2, 0, 3, 1, 4]);
      const [q0, k0, v0] = tf.split(tf.reshape(sp, [3, B * H, Tn, hd]), 3, 0).map((t) => tf.reshape(t, [B * H, Tn, hd]));
      const q = ropeInfer(q0, cos, sin, scale);
      const k = ropeInfer(k0, cos, sin);
      const kTn = Tn === 1 ? tf.reshape(k, [B * H, hd, 1]) : tf.transpose(k, [0, 2, 1]);
      const kT = own ? tf.concat([own.kT[li], kTn], 2) : kTn;
      const v = own ? tf.concat([own.v[li], v0], 1) : v0;
      kTs.push(kT);
      vs.push(v);
      let sOwn = tf.matMul(q, kT); // [BH, Tn, S]
      if (mask) sOwn = tf.add(sOwn, mask);
      let o: T;
      if (shared) {
        const sSh = toBatchFirst(tf.matMul(toHeadsFirst(q, hd), shared.kT[li]), Tp); // [BH, Tn, Tp]
        const p = tf.softmax(tf.concat([sSh, sOwn], 2), -1);
        const [pSh, pOwn] = tf.split(p, [Tp, S], 2);
        o = tf.add(tf.matMul(pOwn, v), toBatchFirst(tf.matMul(toHeadsFirst(pSh, Tp), shared.v[li]), hd));
      } else {
        o = tf.matMul(tf.softmax(sOwn, -1), v);
      }
      const om = B === 1 && Tn === 1 ? tf.reshape(o, [1, d]) : tf.reshape(tf.transpose(tf.reshape(o, [B, H, Tn, hd]), [0, 2, 1, 3]), [B * Tn, d]);
      x = tf.add(x, tf.matMul(om, L.proj));
      const h2 = layerNormInfer(x);
      x = tf.add(x, tf.matMul(geluInfer(tf.matMul(h2, L.fc)), L.fc2));
    });
    return { x: x as tf.Tensor2D, kTs, vs };
  });
  return { x: res.x, own: { len: Tq + Tn, kT: res.kTs, v: res.vs } };
}

/** Appends a batch-1 `own` part to a batch-1 `shared` part (new tensors; inputs untouched). */
export function mergeParts(shared: KVPart | null, own: KVPart): KVPart {
  if (!shared) return { len: own.len, kT: own.kT.map((t) => tf.clone(t)), v: own.v.map((t) => tf.clone(t)) };
  return {
    len: shared.len + own.len,
    kT: shared.kT.map((t, i) => tf.concat([t, own.kT[i]], 2)),
    v: shared.v.map((t, i) => tf.concat([t, own.v[i]], 1)),
  };
}

/** The first `len` positions of a part (new tensors). */
export function slicePart(p: KVPart, len: number): KVPart {
  return {
    len,
    kT: p.kT.map((t) => tf.slice(t, [0, 0, 0], [-1, -1, len])),
    v: p.v.map((t) => tf.slice(t, [0, 0, 0], [-1, len, -1])),
  };
}

/** Final norm + head on selected rows of the residual stream: logits [rows.length, vocab]. */
export function headRows(model: GPT, x: T, rows: number[] | null): tf.Tensor2D {
  return tf.tidy(() => {
    const sel = rows === null ? x : tf.gather(x, tf.tensor1d(Int32Array.from(rows), 'int32'));
    const n = layerNormInfer(sel);
    return (model.head.parts.length === 1 ? tf.matMul(n, model.head.parts[0]) : tf.concat(model.head.parts.map((p) => tf.matMul(n, p)), 1)) as tf.Tensor2D;
  });
}
