// Batched continuation scoring (the MMLU / lm-eval "loglikelihood" request). Requests are sorted so that shared
// prefixes sit together; each batch computes the prefix common to its rows once (a batch-1 KV cache, extended or cut
// back from the previous batch's prefix) and runs only the right-padded suffixes as a batch. Right padding needs no
// mask: under the causal mask no real token attends to a pad that follows it.
import { tf } from './tf.js';
import type { ModelWeights } from './model-weights.js';
import { checkIds, InputError } from './input.js';
import { disposePart, headRows, inferStep, mergeParts, slicePart, type KVPart } from './infer.js';

export interface LogprobRequest {
  context: ArrayLike<number>;
  continuation: ArrayLike<number>;
}

export interface LogprobResult {
  /** Sum of the continuation's token log-probabilities (natural log). */
  sum: number;
  /** Log-probability of each continuation token. */
  tokens: number[];
  /** True if greedy decoding from the context would produce exactly the continuation. */
  isGreedy: boolean;
}

export interface LogprobOptions {
  /** Requests per forward batch (default 16). */
  batchSize?: number;
  /** Upper bound on batch rows x padded suffix length (default 16384). */
  maxBatchTokens?: number;
  /** Reuse common prefixes through a KV cache (default true). false = every request computed from position 0. */
  prefixCache?: boolean;
}

function lcp(a: Int32Array, b: Int32Array, max: number): number {
  const n = Math.min(a.length, b.length, max);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

function compareSeq(a: Int32Array, b: Int32Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

export async function logprobs(model: ModelWeights, requests: LogprobRequest[], opts: LogprobOptions): Promise<LogprobResult[]> {
  const c = model.config;
  if (!Array.isArray(requests)) throw new InputError('logprobs: requests must be an array');
  const batchSize = opts.batchSize ?? 16;
  const maxBatchTokens = opts.maxBatchTokens ?? 16384;
  const usePrefix = opts.prefixCache ?? true;
  const reqs = requests.map((r, i) => {
    if (!r || typeof r !== 'object') throw new InputError(`logprobs request ${i}: not an object`);
    const ctx = checkIds(r.context, c.vocabSize, `logprobs request ${i} context`);
    const cont = checkIds(r.continuation, c.vocabSize, `logprobs request ${i} continuation`);
    if (ctx.length === 0) throw new InputError(`logprobs request ${i}: context is empty (at least one token is needed)`);
    if (cont.length === 0) throw new InputError(`logprobs request ${i}: continuation is empty`);
    const input = new Int32Array(ctx.length + cont.length - 1);
    input.set(ctx);
    input.set(cont.subarray(0, cont.length - 1), ctx.length);
    if (input.length > c.blockSize) {
      throw new InputError(`logprobs request ${i}: context ${ctx.length} + continuation ${cont.length} - 1 = ${input.length} tokens exceed blockSize ${c.blockSize}`);
    }
    return { i, ctxLen: ctx.length, cont, input };
  });
  const order = reqs.map((_, i) => i).sort((a, b) => compareSeq(reqs[a].input, reqs[b].input) || a - b);
  const results: LogprobResult[] = new Array(reqs.length);
  let cached: { ids: Int32Array; part: KVPart } | null = null;
  try {
    let k = 0;
    while (k < order.length) {
      // build a batch of consecutive (sorted) requests
      const batch = [reqs[order[k]]];
      let maxLen = batch[0].input.length;
      k++;
      while (k < order.length && batch.length < batchSize) {
        const r = reqs[order[k]];
        const ml = Math.max(maxLen, r.input.length);
        if (ml * (batch.length + 1) > maxBatchTokens) break;
        batch.push(r);
        maxLen = ml;
        k++;
      }
      let P = 0;
      if (usePrefix) {
        P = Math.min(...batch.map((r) => r.ctxLen - 1));
        P = Math.min(P, lcp(batch[0].input, batch[batch.length - 1].input, P));
      }
      let shared: KVPart | null = null;
      if (P > 0) {
        const prefix = batch[0].input.subarray(0, P);
        const keep: number = cached ? lcp(cached.ids, prefix, P) : 0;
        if (cached && keep === cached.ids.length && keep === P) {
          shared = cached.part;
        } else {
          const base: KVPart | null = cached && keep > 0 ? (keep === cached.ids.length ? cached.part : slicePart(cached.part, keep)) : null;
          let next: KVPart;
          if (keep < P) {
            const r = inferStep(model, prefix.slice(keep), 1, P - keep, base, null);
            r.x.dispose();
            next = base ? mergeParts(base, r.own) : r.own;
            if (base) disposePart(r.own);
          } else {
            next = base!;
          }
          if (base && base !== next && base !== cached?.part) disposePart(base);
          if (cached && cached.part !== next) disposePart(cached.part);
          cached = { ids: prefix.slice(), part: next };
          shared = next;
        }
      }
      // suffixes, right-padded
      const B = batch.length;
      const Ls = Math.max(...batch.map((r) => r.input.length - P));
      const ids = new Int32Array(B * Ls);
      const rows: number[] = [];
      const targets: number[] = [];
      batch.forEach((r, b) => {
        ids.set(r.input.subarray(P), b * Ls);
        for (let j = 0; j < r.cont.length; j++) {
          rows.push(b * Ls + (r.ctxLen - 1 + j - P));
          targets.push(r.cont[j]);
        }
      });
      const step = inferStep(model, ids, B, Ls, shared, null);
      disposePart(step.own);
      const V = c.vocabSize;
      const M = rows.length;
      const lp = new Float32Array(M);
      const am = new Int32Array(M);
      const chunk = Math.max(1, Math.floor((32 * 1024 * 1024) / V));
      try {
        for (let m0 = 0; m0 < M; m0 += chunk) {
          const m1 = Math.min(M, m0 + chunk);
          const [lpT, amT] = tf.tidy(() => {
            const logits = headRows(model, step.x, rows.slice(m0, m1));
            const lse = tf.logSumExp(logits, 1);
            const flat = new Int32Array(m1 - m0);
            for (let m = m0; m < m1; m++) flat[m - m0] = (m - m0) * V + targets[m];
            const picked = tf.gather(tf.reshape(logits, [-1]), tf.tensor1d(flat, 'int32'));
            return [tf.sub(picked, lse), tf.argMax(logits, 1)];
          });
          const [a, b2] = await Promise.all([lpT.data(), amT.data()]);
          lpT.dispose();
          amT.dispose();
          lp.set(a as Float32Array, m0);
          am.set(b2 as Int32Array, m0);
        }
      } finally {
        step.x.dispose();
      }
      let m = 0;
      for (const r of batch) {
        const tokens: number[] = [];
        let greedy = true;
        let sum = 0;
        for (let j = 0; j < r.cont.length; j++, m++) {
          tokens.push(lp[m]);
          sum += lp[m];
          if (am[m] !== r.cont[j]) greedy = false;
        }
        results[r.i] = { sum, tokens, isGreedy: greedy };
      }
    }
  } finally {
    if (cached) disposePart(cached.part);
  }
  return results;
}
