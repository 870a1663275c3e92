// Next-token choice from a row of logits: greedy, temperature, top-k and top-p (nucleus), seeded.
import { Rng } from './rng.js';

export interface SampleOptions {
  /** 0 (default) = greedy argmax. */
  temperature?: number;
  /** Keep only the k most likely tokens (0 or undefined = all). */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p (1 or undefined = all). */
  topP?: number;
}

export function argmax(row: Float32Array): number {
  let best = 0;
  let bv = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i] > bv) { bv = row[i]; best = i; }
  return best;
}

/** Picks a token id from `row` (logits over the vocabulary). */
export function sampleToken(row: Float32Array, opts: SampleOptions, rng: Rng): number {
  const temperature = opts.temperature ?? 0;
  if (!(temperature > 0)) return argmax(row);
  const V = row.length;
  const topK = opts.topK && opts.topK > 0 ? Math.min(opts.topK, V) : V;
  const topP = opts.topP ?? 1;
  let idx: number[];
  if (topK < V || topP < 1) {
    // candidates sorted by logit, descending; for top-k only the k best are sorted
    idx = Array.from({ length: V }, (_, i) => i);
    if (topK < V) {
      let thr = -Infinity;
      const sorted = Float32Array.from(row).sort();
      thr = sorted[V - topK];
      idx = idx.filter((i) => row[i] >= thr);
    }
    idx.sort((a, b) => row[b] - row[a] || a - b);
    if (idx.length > topK) idx.length = topK;
  } else {
    idx = Array.from({ length: V }, (_, i) => i);
  }
  let mx = -Infinity;
  for (const i of idx) if (row[i] > mx) mx = row[i];
  const p = new Float64Array(idx.length);
  let sum = 0;
  for (let j = 0; j < idx.length; j++) { p[j] = Math.exp((row[idx[j]] - mx) / temperature); sum += p[j]; }
  let n = idx.length;
  if (topP < 1) {
    let c = 0;
    for (let j = 0; j < idx.length; j++) {
      c += p[j] / sum;
      if (c >= topP) { n = j + 1; break; }
    }
    sum = 0;
    for (let j = 0; j < n; j++) sum += p[j];
  }
  let u = rng.next() * sum;
  for (let j = 0; j < n; j++) {
    u -= p[j];
    if (u < 0) return idx[j];
  }
  return idx[n - 1];
}
