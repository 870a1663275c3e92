// KV-cached inference forward (no tape): the prefill of generation, scoring's prefixes and suffixes. The same block math
// as the training forward (model.ts: layerNorm, qkv, rotary, causal attention, proj, GELU MLP, from the same modules)
// with a cache (kv-cache.ts): a batch-1 `shared` part (a prompt or a common prefix) and a per-row `own` part that
// grows by concatenation. Why a variant of its own: the training forward has no cache and saves tensors for its
// backward; here queries attend to both cache parts with one softmax, so a shared prefix is computed once and never
// copied per row, and keys are stored transposed, one 2-D tensor per (row, head), because tfjs-wasm's batched matMul
// runs at ~0.7 GFLOP/s against ~15-20 for 2-D matMuls. Scoring asks for the output at a few rows only (`outRows`:
// the last block's attention and MLP run just there) and, when it extends a batch-1 prefix, for the prefix joined to
// the new keys and values (`join`), which it keeps as the next prefix. Where no row has an `own` part and the backend
// has INFER_ATTENTION (wasm: wasm/infer-attention.ts), a layer's attention is that one kernel; otherwise the tfjs ops
// of attendHeads below, the reference it is tested against.
import { tf } from './tf.js';
import { causalMask, geluInfer } from './ops.js';
import { layerNormInfer } from './layer-norm.js';
import { applyRotary, rotaryTables } from './rotary.js';
import { mergeHeads, splitHeads } from './heads.js';
import type { ModelWeights } from './model-weights.js';
import type { KVPart } from './kv-cache.js';
import { hasFastKernel } from './fast-paths.js';
import { INFER_ATTENTION, QKV_HEADS, runInferAttention, runQkvHeads } from './fast-kernels.js';


export interface InferStepOptions {
  /** Also return `joined`: the shared part followed by the new own part (batch 1 with a shared part only). */
  join?: boolean;
  /**
   * Rows of the output wanted (flat indices into the rows of ids, ascending, no repeats); default all. The last block
   * then computes its keys and values at every position (the cache needs them) but its attention output and MLP only
   * at these rows, and `x` holds just these rows, in this order.
   */
  outRows?: readonly number[];
  /**
   * Ragged rows (no `own` part): row b has rowLengths[b] (1..Tn) new tokens, and ids holds the rows one after the
   * other with no padding (sum of rowLengths ids), every row starting at the same position after `shared`. The
   * returned own part's pieces then have each row's length (its `len` is Tn).
   */
  rowLengths?: readonly number[];
}

/**
 * Runs Tn new tokens per row (ids flat [B*Tn], or ragged rows: `rowLengths`) after `shared` (batch 1) and `own`
 * (batch B). Returns the residual stream before the final norm [rows, d] (or its `outRows`) and the new own part (the
 * old one is left to the caller); with `join` also `joined`, the shared part followed by the new own part (what
 * mergeParts would make).
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
  if (join && (B !== 1 || !shared)) throw new RangeError('inference: join needs batch 1 and a shared part');
  // the rows' lengths and where each starts among the rows of ids
  const lens = opts.rowLengths ? Array.from(opts.rowLengths) : new Array<number>(B).fill(Tn);
  const ragged = lens.some((l) => l !== Tn);
  if (lens.length !== B || lens.some((l) => !Number.isInteger(l) || l < 1 || l > Tn)) throw new RangeError(`inference: rowLengths must be ${B} integers from 1 to ${Tn}`);
  if (ragged && own) throw new RangeError('inference: ragged rows take no own part');
  const starts: number[] = [];
  let N = 0;
  for (const l of lens) { starts.push(N); N += l; }
  if (ids.length !== N) throw new RangeError(`inference: ${ids.length} ids for rows of ${N} tokens`);
  // Attention over the shared part, per row: keys and values joined to the row's own ([hd, Tp + S], [Tp + S, hd])
  // when that copies less than joining the scores and splitting the probabilities (more new tokens than hd), or when
  // the joined part is wanted.
  const joinKV = lens.map((l) => !!shared && (join || l > hd));
  // outRows by batch row: the local positions (0..length-1) each row's output is wanted at
  let wanted: number[][] | null = null;
  if (outRows) {
    wanted = Array.from({ length: B }, () => []);
    let b = 0;
    outRows.forEach((r, i) => {
      if (!Number.isInteger(r) || r < 0 || r >= N || (i > 0 && r <= outRows[i - 1])) throw new RangeError(`inference: outRows must be ascending rows below ${N}, got ${r} at ${i}`);
      while (r >= starts[b] + lens[b]) b++;
      wanted![b].push(r - starts[b]);
    });
    if (outRows.length === 0) throw new RangeError('inference: outRows is empty');
  }
  const res = tf.tidy(() => {
    let x: tf.Tensor = model.embed(ids);
    const { cos: cA, sin: sA } = rotaryTables(hd, pos0, Tn, c.ropeBase);
    const cos = tf.tensor3d(cA, [Tn, 1, hd / 2]);
    const sin = tf.tensor3d(sA, [Tn, 1, hd / 2]);
    // causal masks [length, keys], one per distinct (length, joined) among the rows
    const masks = new Map<string, tf.Tensor>();
    const maskOf = (b: number): tf.Tensor | null => {
      const l = lens[b];
      if (l === 1) return null;
      const cols = (joinKV[b] ? Tp : 0) + Tq + l;
      const key = `${l}:${cols}`;
      if (!masks.has(key)) masks.set(key, causalMask(l, cols));
      return masks.get(key)!;
    };
    const scale = 1 / Math.sqrt(hd);
    const kTs: tf.Tensor[][] = [];
    const vs: tf.Tensor[][] = [];
    const joinedK: tf.Tensor[][] = [];
    const joinedV: tf.Tensor[][] = [];
    // tfjs ops: per (row, head) the joins, scores, mask, softmax and outputs; the heads merged (at the wanted rows)
    const attendHeads = (qkv: tf.Tensor, li: number, pick: number[][] | null) => {
      const { qs, kTns, vsNew } = qkvHeads(qkv, B, Tn, H, cos, sin, scale, ragged ? lens : null);
      const layerK: tf.Tensor[] = [];
      const layerV: tf.Tensor[] = [];
      const layerJK: tf.Tensor[] = [];
      const layerJV: tf.Tensor[] = [];
      const outs: Array<tf.Tensor | null> = qs.map((qAll, g) => {
        const b = Math.floor(g / H);
        const kTn = kTns[g];
        const kT = own ? tf.concat([own.kT[li][g], kTn], 1) : kTn;
        const v = own ? tf.concat([own.v[li][g], vsNew[g]], 0) : vsNew[g];
        layerK.push(kT);
        layerV.push(v);
        // queries (and mask rows) of the wanted positions only, in the last block when outRows is given
        const sel = pick ? pick[b] : null;
        const rowsT = sel && sel.length < lens[b] ? tf.tensor1d(Int32Array.from(sel), 'int32') : null;
        if (sel && sel.length === 0) {
          if (join) {
            layerJK.push(tf.concat([shared!.kT[li][g % H], kT], 1));
            layerJV.push(tf.concat([shared!.v[li][g % H], v], 0));
          }
          return null;
        }
        const qi = rowsT ? tf.gather(qAll, rowsT) : qAll;
        const mask = maskOf(b);
        const rowMask = mask && rowsT ? tf.gather(mask, rowsT) : mask;
        if (joinKV[b]) {
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
        const [pSh, pOwn] = tf.split(p, [Tp, kT.shape[1]!], 1);
        return tf.add(tf.matMul(pSh, shared.v[li][hh]), tf.matMul(pOwn, v));
      });
      let out: tf.Tensor;
      if (pick) {
        const rowsOut: tf.Tensor[] = [];
        for (let b = 0; b < B; b++) if (pick[b].length > 0) rowsOut.push(H === 1 ? outs[b * H]! : tf.concat(outs.slice(b * H, (b + 1) * H) as tf.Tensor[], 1));
        out = rowsOut.length === 1 ? rowsOut[0] : tf.concat(rowsOut, 0);
      } else {
        out = mergeHeads(outs as tf.Tensor[], B, H);
      }
      return { out, kT: layerK, v: layerV, joinedK: layerJK, joinedV: layerJV };
    };
    // the fused attention kernel (wasm) where no row has a cache of its own
    const fused = !own && hasFastKernel(INFER_ATTENTION);
    const outRowsT = outRows ? tf.tensor1d(Int32Array.from(outRows), 'int32') : null;
    model.layers.forEach((L, li) => {
      // the last block's output only at the wanted rows (its keys and values everywhere)
      const pick = wanted && li === model.layers.length - 1 ? wanted : null;
      const h = layerNormInfer(x);
      const qkv = tf.matMul(h, L.qkv);
      let om: tf.Tensor;
      if (fused && qkv.dtype === 'float32') {
        const r = runInferAttention(qkv, cos, sin, shared ? shared.kT[li] : [], shared ? shared.v[li] : [],
          { batch: B, heads: H, scale, rowLengths: ragged ? lens : [], join, outRows: pick ? [...outRows!] : [] });
        kTs.push(r.kTs);
        vs.push(r.vs);
        joinedK.push(r.joinedK);
        joinedV.push(r.joinedV);
        om = r.out;
      } else {
        const a = attendHeads(qkv, li, pick);
        kTs.push(a.kT);
        vs.push(a.v);
        joinedK.push(a.joinedK);
        joinedV.push(a.joinedV);
        om = a.out;
      }
      if (pick) x = tf.gather(x, outRowsT!);
      x = tf.add(x, tf.matMul(om, L.proj));
      const h2 = layerNormInfer(x);
      x = tf.add(x, tf.matMul(geluInfer(tf.matMul(h2, L.fc)), L.mlpProj));
    });
    // the joined keys and values are kept only when asked for
    return { x: x as tf.Tensor2D, kTs, vs, joinedK: join ? joinedK : [], joinedV: join ? joinedV : [] };
  });
  const out: { x: tf.Tensor2D; own: KVPart; joined?: KVPart } = { x: res.x, own: { len: Tq + Tn, kT: res.kTs, v: res.vs } };
  if (join) out.joined = { len: Tp + Tq + Tn, kT: res.joinedK, v: res.joinedV };
  return out;
}

/**
 * qkv [B*Tn, 3d] (or ragged rows of `rowLengths`, one after the other) -> per-(row, head) queries [len, hd] (rotated,
 * times scale), keys transposed [hd, len] (rotated) and values [len, hd], index b * H + h; cos, sin [Tn, 1, hd/2] for
 * the rows' positions (every row starts at the same one). One kernel where the backend has QKV_HEADS (wasm), else
 * tfjs ops.
 */
export function qkvHeads(
  qkv: tf.Tensor, B: number, Tn: number, H: number, cos: tf.Tensor, sin: tf.Tensor, scale: number, rowLengths: readonly number[] | null = null,
): { qs: tf.Tensor[]; kTns: tf.Tensor[]; vsNew: tf.Tensor[] } {
  const lens = rowLengths ?? new Array<number>(B).fill(Tn);
  if (qkv.dtype === 'float32' && hasFastKernel(QKV_HEADS)) {
    const r = runQkvHeads(qkv, cos, sin, { batch: B, heads: H, scale, rowLengths: rowLengths ? [...rowLengths] : [] });
    return { qs: r.qs, kTns: r.kTs, vsNew: r.vs };
  }
  const d = qkv.shape[1]! / 3;
  const hd = d / H;
  const N = qkv.shape[0]!;
  const [q0, k0, v0] = tf.split(qkv, 3, 1);
  // one table row per token: [Tn, 1, hd/2] broadcast over equal rows, or each ragged row's first positions
  const perToken = (t: tf.Tensor) => (rowLengths ? tf.concat(lens.map((l) => tf.slice(t, [0, 0, 0], [l, 1, hd / 2])), 0) : t);
  const shape = rowLengths ? [N, H, hd] : [B, Tn, H, hd];
  const c = perToken(cos), s = perToken(sin);
  const q = tf.reshape(applyRotary(tf.reshape(q0, shape), c, s, scale), [N, d]);
  const k = tf.reshape(applyRotary(tf.reshape(k0, shape), c, s), [N, d]);
  const ks = splitHeads(k, B, H, rowLengths);
  return {
    qs: splitHeads(q, B, H, rowLengths),
    kTns: ks.map((kg) => (kg.shape[0] === 1 ? tf.reshape(kg, [hd, 1]) : tf.transpose(kg))),
    vsNew: splitHeads(v0, B, H, rowLengths),
  };
}

/** Final norm + head on selected rows of the residual stream: logits [rows.length, vocab]. */
export function headRows(model: ModelWeights, x: tf.Tensor, rows: number[] | null): tf.Tensor2D {
  return tf.tidy(() => {
    const sel = rows === null ? x : tf.gather(x, tf.tensor1d(Int32Array.from(rows), 'int32'));
    const n = layerNormInfer(sel);
    return (model.head.parts.length === 1 ? tf.matMul(n, model.head.parts[0]) : tf.concat(model.head.parts.map((p) => tf.matMul(n, p)), 1)) as tf.Tensor2D;
  });
}
