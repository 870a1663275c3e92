// Per-position next-token losses of a model on one micro-batch: -log softmax(logits)[target] for every position,
// NaN where the target is ignored (< 0). The logits of a 65,536-token vocabulary are large (256 KiB per position),
// so the final hidden states are computed once and the head is applied to small row chunks (about 16 MiB of logits
// at a time); each chunk is read back and reduced in float64 in JS.
import { tf, InputError, type GPT } from '@glyphlm/transformer-core';
import type { MicroBatch } from '../train/engine.js';

export interface TokenLossOptions {
  /** Rows (positions) per head chunk; default: as many as fit in 4 Mi logits (64 at vocabulary 65,536). */
  rowChunk?: number;
}

/** Checks a micro-batch against the model (ids in the vocabulary, T within blockSize) before any tensor work. */
export function checkMicroBatch(model: GPT, batch: MicroBatch, where: string): void {
  const { vocabSize, blockSize } = model.config;
  const { B, T, ids, targets } = batch;
  if (!Number.isInteger(B) || B < 1 || !Number.isInteger(T) || T < 1) throw new InputError(`${where}: batch shape [${B}, ${T}] must be positive integers`);
  if (T > blockSize) throw new InputError(`${where}: block of ${T} tokens is longer than the model's blockSize ${blockSize}`);
  if (ids.length !== B * T || targets.length !== B * T) throw new InputError(`${where}: ids/targets hold ${ids.length}/${targets.length} values, expected B*T = ${B * T}`);
  for (let i = 0; i < ids.length; i++) {
    if (!(ids[i] >= 0 && ids[i] < vocabSize)) throw new InputError(`${where}: ids[${i}] = ${ids[i]} is outside the vocabulary [0, ${vocabSize})`);
    if (targets[i] >= vocabSize) throw new InputError(`${where}: targets[${i}] = ${targets[i]} is outside the vocabulary [0, ${vocabSize})`);
  }
}

/** Loss of every position of `batch` (row-major [B*T]); NaN where targets[i] < 0. No dropout, no gradients. */
export async function tokenLosses(model: GPT, batch: MicroBatch, opts: TokenLossOptions = {}): Promise<Float64Array> {
  checkMicroBatch(model, batch, 'tokenLosses');
  const V = model.config.vocabSize;
  const d = model.config.dModel;
  const N = batch.B * batch.T;
  const chunk = opts.rowChunk ?? Math.max(1, Math.floor(4 * 1024 * 1024 / V));
  if (!Number.isInteger(chunk) || chunk < 1) throw new RangeError(`tokenLosses: rowChunk must be a positive integer, got ${opts.rowChunk}`);
  const out = new Float64Array(N).fill(NaN);
  const h = tf.tidy(() => model.hidden({ data: batch.ids, B: batch.B, T: batch.T }));
  try {
    for (let r0 = 0; r0 < N; r0 += chunk) {
      const rows = Math.min(chunk, N - r0);
      let any = false;
      for (let r = r0; r < r0 + rows && !any; r++) any = batch.targets[r] >= 0;
      if (!any) continue;
      const logits = tf.tidy(() => {
        const hc = tf.slice(h, [r0, 0], [rows, d]);
        const parts = model.head.parts.map((p) => tf.matMul(hc, p));
        return parts.length === 1 ? parts[0] : tf.concat(parts, 1);
      });
      let vals: Float32Array;
      try {
        vals = (await logits.data()) as Float32Array;
      } finally {
        logits.dispose();
      }
      rowLosses(vals, V, batch.targets, r0, rows, out);
    }
  } finally {
    h.dispose();
  }
  return out;
}

/** log-sum-exp(row) - row[target] in float64 for `rows` rows of `logits` (kept small for V8 to optimise). */
function rowLosses(logits: Float32Array, V: number, targets: Int32Array, r0: number, rows: number, out: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    const t = targets[r0 + r];
    if (t < 0) continue;
    const o = r * V;
    let max = -Infinity;
    for (let j = 0; j < V; j++) if (logits[o + j] > max) max = logits[o + j];
    let s = 0;
    for (let j = 0; j < V; j++) s += Math.exp(logits[o + j] - max);
    out[r0 + r] = Math.log(s) + max - logits[o + t];
  }
}
