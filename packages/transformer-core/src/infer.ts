// KV-cached inference forward (no tape): the prefill of generation, scoring's prefixes and suffixes. The same block math
// as the training forward (model.ts: layerNorm, qkv, rotary, causal attention, proj, GELU MLP, from the same modules)
// with a cache (kv-cache.ts): a batch-1 `shared` part (a prompt or a common prefix) and a per-row `own` part that
// grows by concatenation. Why a variant of its own: the training forward has no cache and saves tensors for its
// backward; here queries attend to both cache parts with one softmax, so a shared prefix is computed once and never
// copied per row, and keys are stored transposed, one 2-D tensor per (row, head), because tfjs-wasm's batched matMul
// runs at ~0.7 GFLOP/s against ~15-20 for 2-D matMuls. Scoring asks for the output at a few rows only (`outRows`:
// the last block's attention and MLP run just there) and, when it extends a batch-1 prefix, for the prefix joined to
// the new keys and values (`join`), which it keeps as the next prefix.
import { tf } from './tf.js';
import { causalMask, geluInfer } from './ops.js';
import { layerNormInfer } from './layer-norm.js';
import { applyRotary, rotaryTables } from './rotary.js';
import { mergeHeads, splitHeads } from './heads.js';
import type { ModelWeights } from './model-weights.js';
import type { KVPart } from './kv-cache.js';
import { hasFastKernel } from './fast-paths.js';
import { QKV_HEADS, runQkvHeads } from './fast-kernels.js';


export interface InferStepOptions {
  /** Also return `joined`: the shared part followed by the new own part (batch 1 with a shared part only). */
  join?: boolean;
  /**
   * Rows of the output wanted (flat indices into [B*Tn], ascending, no repeats); default all. The last block then
   * computes its keys and values at every position (the cache needs them) but its attention output and MLP only at
   * these rows, and `x` holds just these rows, in this order.
   */
  outRows?: readonly number[];
}

/**
 * Runs Tn new tokens per row (ids flat [B*Tn]) after `shared` (batch 1) and `own` (batch B). Returns the residual
 * stream before the final norm [B*Tn, d] (or its `outRows`) and the new own part (the old one is left to the
 * caller); with `join` also `joined`, the shared part followed by the new own part (what mergeParts would make).
 */
export function inferStep(model: ModelWeights, ids: Int32Array, B: number, Tn: number, shared: KVPart | null, own: KVPart | null, opts: InferStepOptions = {}): { x: tf.Tensor2D; own: KVPart; joined?: KVPart } {
  const join = opts.join ?? false;
  const outRows = opts.outRows ?? null;
  const c = model.config;
  const H = c.nHead;
  const hd = c.dModel / H;
  const d = c.dModel;
  const Tp = shared ? shared.len : 0;
  const Tq = own ? own.len : 0;
  const pos0 = Tp + Tq;
  if (pos0 + Tn > c.blockSize) throw new RangeError(`inference: ${pos0 + Tn} positions exceed blockSize ${c.blockSize}`);
  const S = Tq + Tn;
  if (join && (B !== 1 || !shared)) throw new RangeError('inference: join needs batch 1 and a shared part');
  // Attention over the shared part: keys and values joined to the row's own ([hd, Tp + S], [Tp + S, hd]) when that
  // copies less than joining the scores and splitting the probabilities (Tn > hd), or when the joined part is wanted.
  const joinKV = !!shared && (join || Tn > hd);
  // outRows by batch row: the local positions (0..Tn-1) each row's output is wanted at
  let wanted: number[][] | null = null;
  if (outRows) {
    wanted = Array.from({ length: B }, () => []);
    outRows.forEach((r, i) => {
      if (!Number.isInteger(r) || r < 0 || r >= B * Tn || (i > 0 && r <= outRows[i - 1])) throw new RangeError(`inference: outRows must be ascending rows below ${B * Tn}, got ${r} at ${i}`);
      wanted![Math.floor(r / Tn)].push(r % Tn);
    });
    if (outRows.length === 0) throw new RangeError('inference: outRows is empty');
  }
  const res = tf.tidy(() => {
    let x: tf.Tensor = model.embed(ids);
    const { cos: cA, sin: sA } = rotaryTables(hd, pos0, Tn, c.ropeBase);
    const cos = tf.tensor3d(cA, [Tn, 1, hd / 2]);
    const sin = tf.tensor3d(sA, [Tn, 1, hd / 2]);
    const mask = Tn > 1 ? causalMask(Tn, joinKV ? Tp + S : S) : null;
    const scale = 1 / Math.sqrt(hd);
    const kTs: tf.Tensor[][] = [];
    const vs: tf.Tensor[][] = [];
    const joinedK: tf.Tensor[][] = [];
    const joinedV: tf.Tensor[][] = [];
    model.layers.forEach((L, li) => {
      // the last block's output only at the wanted rows (its keys and values everywhere)
      const pick = wanted && li === model.layers.length - 1 ? wanted : null;
      const h = layerNormInfer(x);
      const { qs, kTns, vsNew } = qkvHeads(tf.matMul(h, L.qkv), B, Tn, H, cos, sin, scale);
      const layerK: tf.Tensor[] = [];
      const layerV: tf.Tensor[] = [];
      const layerJK: tf.Tensor[] = [];
      const layerJV: tf.Tensor[] = [];
      const outs: Array<tf.Tensor | null> = qs.map((qAll, g) => {
        const kTn = kTns[g];
        const kT = own ? tf.concat([own.kT[li][g], kTn], 1) : kTn;
        const v = own ? tf.concat([own.v[li][g], vsNew[g]], 0) : vsNew[g];
        layerK.push(kT);
        layerV.push(v);
        // queries (and mask rows) of the wanted positions only, in the last block when outRows is given
        const sel = pick ? pick[Math.floor(g / H)] : null;
        const rowsT = sel && sel.length < Tn ? tf.tensor1d(Int32Array.from(sel), 'int32') : null;
        if (sel && sel.length === 0) {
          if (join) {
            layerJK.push(tf.concat([shared!.kT[li][g % H], kT], 1));
            layerJV.push(tf.concat([shared!.v[li][g % H], v], 0));
          }
          return null;
        }
        const qi = rowsT ? tf.gather(qAll, rowsT) : qAll;
        const rowMask = mask && rowsT ? tf.gather(mask, rowsT) : mask;
        if (joinKV) {
          const hh = g % H;
          const kAll = tf.concat([shared!.kT[li][hh], kT], 1); // [hd, Tp + S]
          const vAll = tf.concat([shared!.v[li][hh], v], 0); // [Tp + S, hd]
          layerJK.push(kAll);
          layerJV.push(vAll);
          let sAll = tf.matMul(qi, kAll); // [Tn, Tp + S]
          if (rowMask) sAll = tf.add(sAll, rowMask);
          return tf.matMul(tf.softmax(sAll, -1), vAll);
        }
        let sOwn = tf.matMul(qi, kT); // [Tn, S]
        if (rowMask) sOwn = tf.add(sOwn, rowMask);
        if (!shared) return tf.matMul(tf.softmax(sOwn, -1), v);
        const hh = g % H;
        const sSh = tf.matMul(qi, shared.kT[li][hh]); // [Tn, Tp]
        const p = tf.softmax(tf.concat([sSh, sOwn], 1), -1);
        const [pSh, pOwn] = tf.split(p, [Tp, S], 1);
        return tf.add(tf.matMul(pSh, shared.v[li][hh]), tf.matMul(pOwn, v));
      });
      kTs.push(layerK);
      vs.push(layerV);
      joinedK.push(layerJK);
      joinedV.push(layerJV);
      if (pick) {
        // the wanted rows of x, and the heads' outputs of the batch rows that have any
        x = tf.gather(x, tf.tensor1d(Int32Array.from(outRows!), 'int32'));
        const rowsOut: tf.Tensor[] = [];
        for (let b = 0; b < B; b++) if (pick[b].length > 0) rowsOut.push(H === 1 ? outs[b * H]! : tf.concat(outs.slice(b * H, (b + 1) * H) as tf.Tensor[], 1));
        const om = rowsOut.length === 1 ? rowsOut[0] : tf.concat(rowsOut, 0);
        x = tf.add(x, tf.matMul(om, L.proj));
        const h2 = layerNormInfer(x);
        x = tf.add(x, tf.matMul(geluInfer(tf.matMul(h2, L.fc)), L.mlpProj));
        return;
      }
      const om = mergeHeads(outs as tf.Tensor[], B, H);
      x = tf.add(x, tf.matMul(om, L.proj));
      const h2 = layerNormInfer(x);
      x = tf.add(x, tf.matMul(geluInfer(tf.matMul(h2, L.fc)), L.mlpProj));
    });
    // the joined keys and values are kept only when asked for
    return { x: x as tf.Tensor2D, kTs, vs, joinedK: join ? joinedK : [], joinedV: join ? joinedV : [] };
  });
  const out: { x: tf.Tensor2D; own: KVPart; joined?: KVPart } = { x: res.x, own: { len: S, kT: res.kTs, v: res.vs } };
  if (join) out.joined = { len: Tp + S, kT: res.joinedK, v: res.joinedV };
  return out;
}

/**
 * qkv [B*Tn, 3d] -> per-(row, head) queries [Tn, hd] (rotated, times scale), keys transposed [hd, Tn] (rotated) and
 * values [Tn, hd], index b * H + h: one kernel where the backend has QKV_HEADS (wasm), else tfjs ops.
 */
export function qkvHeads(qkv: tf.Tensor, B: number, Tn: number, H: number, cos: tf.Tensor, sin: tf.Tensor, scale: number): { qs: tf.Tensor[]; kTns: tf.Tensor[]; vsNew: tf.Tensor[] } {
  if (qkv.dtype === 'float32' && hasFastKernel(QKV_HEADS)) {
    const r = runQkvHeads(qkv, cos, sin, { batch: B, heads: H, scale });
    return { qs: r.qs, kTns: r.kTs, vsNew: r.vs };
  }
  const d = qkv.shape[1]! / 3;
  const hd = d / H;
  const [q0, k0, v0] = tf.split(qkv, 3, 1);
  const q = tf.reshape(applyRotary(tf.reshape(q0, [B, Tn, H, hd]), cos, sin, scale), [B * Tn, d]);
  const k = tf.reshape(applyRotary(tf.reshape(k0, [B, Tn, H, hd]), cos, sin), [B * Tn, d]);
  const ks = splitHeads(k, B, H);
  return { qs: splitHeads(q, B, H), kTns: ks.map((kg) => (Tn === 1 ? tf.reshape(kg, [hd, 1]) : tf.transpose(kg))), vsNew: splitHeads(v0, B, H) };
}

/** Final norm + head on selected rows of the residual stream: logits [rows.length, vocab]. */
export function headRows(model: ModelWeights, x: tf.Tensor, rows: number[] | null): tf.Tensor2D {
  return tf.tidy(() => {
    const sel = rows === null ? x : tf.gather(x, tf.tensor1d(Int32Array.from(rows), 'int32'));
    const n = layerNormInfer(sel);
    return (model.head.parts.length === 1 ? tf.matMul(n, model.head.parts[0]) : tf.concat(model.head.parts.map((p) => tf.matMul(n, p)), 1)) as tf.Tensor2D;
  });
}
