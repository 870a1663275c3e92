// How a fused model combines its members' logits: the weighted average of the logits (the author's fusion,
// "simply averaging their output logits") or of the probabilities (a mixture; its "logits" are the log of the
// mixed probabilities). The same rule on device tensors (forward, scoring) and on host rows (generation).
import { tf } from './tf.js';

export type FusionAverage = 'logits' | 'probs';

/** Combines member logits [..., V] (same shapes) on the device; weights sum to 1. Returns a new tensor. */
export function combineTensors(logits: tf.Tensor[], weights: readonly number[], average: FusionAverage): tf.Tensor {
  return tf.tidy(() => {
    if (average === 'logits') {
      let acc = tf.mul(logits[0], weights[0]);
      for (let i = 1; i < logits.length; i++) acc = tf.add(acc, tf.mul(logits[i], weights[i]));
      return acc;
    }
    // log sum_i w_i softmax(l_i) = logSumExp_i(logSoftmax(l_i) + log w_i); members with weight 0 drop out
    const terms = logits.flatMap((l, i) => (weights[i] > 0 ? [tf.add(tf.logSoftmax(l, -1), Math.log(weights[i]))] : []));
    if (terms.length === 1) return terms[0];
    return tf.logSumExp(tf.stack(terms, 0), 0);
  });
}

/** The same rule on host rows of logits (one per member, each [V]); float64 sums, float32 result. */
export function combineRows(rows: readonly Float32Array[], weights: readonly number[], average: FusionAverage): Float32Array {
  const V = rows[0].length;
  const out = new Float32Array(V);
  if (average === 'logits') {
    const acc = new Float64Array(V);
    rows.forEach((r, i) => {
      const w = weights[i];
      for (let j = 0; j < V; j++) acc[j] += w * r[j];
    });
    out.set(acc);
    return out;
  }
  const acc = new Float64Array(V);
  rows.forEach((r, i) => {
    const w = weights[i];
    if (!(w > 0)) return;
    let mx = -Infinity;
    for (let j = 0; j < V; j++) if (r[j] > mx) mx = r[j];
    let s = 0;
    for (let j = 0; j < V; j++) s += Math.exp(r[j] - mx);
    const scale = w / s;
    for (let j = 0; j < V; j++) acc[j] += scale * Math.exp(r[j] - mx);
  });
  for (let j = 0; j < V; j++) out[j] = Math.log(acc[j]);
  return out;
}
