// KV-cached inference forward (no tape). A cache has a batch-1 `shared` part (a prompt or a common prefix) and a
// per-row `own` part that grows by concatenation. Keys are stored transposed, one 2-D tensor per (row, head)
// ([hd, len]; values [len, hd]) because tfjs-wasm's batched matMul is ~20x slower than 2-D matMuls. Queries attend to
// both parts with one softmax, so a shared prefix is computed once and never copied per row.
import { tf } from './tf.js';
import { causalMask, geluInfer, layerNormInfer, ropeInfer, ropeTables } from './ops.js';
import type { ModelWeights } from './model-weights.js';

type T = tf.Tensor;

export interface KVPart {
  /** Number of positions held. */
  len: number;
  /** [layer][row * H + head]: keys transposed [hd, len] and values [len, hd]. */
  kT: T[][];
  v: T[][];
}

export function disposePart(p: KVPart | null | undefined): void {
  if (!p) return;
  p.kT.forEach((l) => l.forEach((t) => t.dispose()));
  p.v.forEach((l) => l.forEach((t) => t.dispose()));
}

function heads(x: T, B: number, H: number): T[] {
  // [B*Tn, H*hd] -> pieces [Tn, hd], index b*H + h
  const byHead = H === 1 ? [x] : tf.split(x, H, 1);
  const out: T[] = new Array(B * H);
  byHead.forEach((p, h) => (B === 1 ? [p] : tf.split(p, B, 0)).forEach((r, b) => { out[b * H + h] = r; }));
  return out;
}

/**
 * Runs Tn new tokens per row (ids flat [B*Tn]) after `shared` (batch 1) and `own` (batch B). Returns the residual
 * stream before the final norm [B*Tn, d] and the new own part (the old one is left to the caller).
 */
export function inferStep(model: ModelWeights, ids: Int32Array, B: number, Tn: number, shared: KVPart | null, own: KVPart | null): { x: tf.Tensor2D; own: KVPart } {
  const c = model.config;
  const H = c.nHead;
  const hd = c.dModel / H;
  const d = c.dModel;
  const Tp = shared ? shared.len : 0;
  const Tq = own ? own.len : 0;
  const pos0 = Tp + Tq;
  if (pos0 + Tn > c.blockSize) throw new RangeError(`inference: ${pos0 + Tn} positions exceed blockSize ${c.blockSize}`);
  const S = Tq + Tn;
  const res = tf.tidy(() => {
    let x: T = model.embed(ids);
    const { cos: cA, sin: sA } = ropeTables(hd, pos0, Tn, c.ropeBase);
    const cos = tf.tensor3d(cA, [Tn, 1, hd / 2]);
    const sin = tf.tensor3d(sA, [Tn, 1, hd / 2]);
    const mask = Tn > 1 ? causalMask(Tn, S) : null;
    const scale = 1 / Math.sqrt(hd);
    const kTs: T[][] = [];
    const vs: T[][] = [];
    model.layers.forEach((L, li) => {
      const h = layerNormInfer(x);
      const [q0, k0, v0] = tf.split(tf.matMul(h, L.qkv), 3, 1);
      const q = tf.reshape(ropeInfer(tf.reshape(q0, [B, Tn, H, hd]), cos, sin, scale), [B * Tn, d]);
      const k = tf.reshape(ropeInfer(tf.reshape(k0, [B, Tn, H, hd]), cos, sin), [B * Tn, d]);
      const qs = heads(q, B, H);
      const ks = heads(k, B, H);
      const vsNew = heads(v0, B, H);
      const layerK: T[] = [];
      const layerV: T[] = [];
      const outs: T[] = qs.map((qi, g) => {
        const kTn = Tn === 1 ? tf.reshape(ks[g], [hd, 1]) : tf.transpose(ks[g]);
        const kT = own ? tf.concat([own.kT[li][g], kTn], 1) : kTn;
        const v = own ? tf.concat([own.v[li][g], vsNew[g]], 0) : vsNew[g];
        layerK.push(kT);
        layerV.push(v);
        let sOwn = tf.matMul(qi, kT); // [Tn, S]
        if (mask) sOwn = tf.add(sOwn, mask);
        if (!shared) return tf.matMul(tf.softmax(sOwn, -1), v);
        const hh = g % H;
        const sSh = tf.matMul(qi, shared.kT[li][hh]); // [Tn, Tp]
        const p = tf.softmax(tf.concat([sSh, sOwn], 1), -1);
        const [pSh, pOwn] = tf.split(p, [Tp, S], 1);
        return tf.add(tf.matMul(pSh, shared.v[li][hh]), tf.matMul(pOwn, v));
      });
      kTs.push(layerK);
      vs.push(layerV);
      const rows: T[] = [];
      for (let b = 0; b < B; b++) rows.push(H === 1 ? outs[b] : tf.concat(outs.slice(b * H, (b + 1) * H), 1));
      const om = B === 1 ? rows[0] : tf.concat(rows, 0);
      x = tf.add(x, tf.matMul(om, L.proj));
      const h2 = layerNormInfer(x);
      x = tf.add(x, tf.matMul(geluInfer(tf.matMul(h2, L.fc)), L.mlpProj));
    });
    return { x: x as tf.Tensor2D, kTs, vs };
  });
  return { x: res.x, own: { len: S, kT: res.kTs, v: res.vs } };
}

/** Appends a batch-1 `own` part to a batch-1 `shared` part (new tensors; inputs untouched). */
export function mergeParts(shared: KVPart | null, own: KVPart): KVPart {
  if (!shared) return { len: own.len, kT: own.kT.map((l) => l.map((t) => tf.clone(t))), v: own.v.map((l) => l.map((t) => tf.clone(t))) };
  return {
    len: shared.len + own.len,
    kT: shared.kT.map((l, i) => l.map((t, g) => tf.concat([t, own.kT[i][g]], 1))),
    v: shared.v.map((l, i) => l.map((t, g) => tf.concat([t, own.v[i][g]], 0))),
  };
}

/** The first `len` positions of a part (new tensors). */
export function slicePart(p: KVPart, len: number): KVPart {
  return {
    len,
    kT: p.kT.map((l) => l.map((t) => tf.slice(t, [0, 0], [-1, len]))),
    v: p.v.map((l) => l.map((t) => tf.slice(t, [0, 0], [len, -1]))),
  };
}

/** Final norm + head on selected rows of the residual stream: logits [rows.length, vocab]. */
export function headRows(model: ModelWeights, x: T, rows: number[] | null): tf.Tensor2D {
  return tf.tidy(() => {
    const sel = rows === null ? x : tf.gather(x, tf.tensor1d(Int32Array.from(rows), 'int32'));
    const n = layerNormInfer(sel);
    return (model.head.parts.length === 1 ? tf.matMul(n, model.head.parts[0]) : tf.concat(model.head.parts.map((p) => tf.matMul(n, p)), 1)) as tf.Tensor2D;
  });
}
