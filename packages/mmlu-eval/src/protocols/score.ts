// Scores items' log-likelihood requests through transformer-core's `logprobs`, fast and resumably. Items are taken
// subject by subject, sorted by their context ids, in chunks; each chunk is one `logprobs` call. logprobs gives the
// choices of an item that share all but their last token (the harness's ` A`..` D` in bvv241: a space, then the
// letter) one row, context + space, run one at a time on a KV cache carried from row to row (batchSize 1 row by
// default for such items, n rows for others): the subject's description and shots (and whatever the questions
// share) are computed once. An item then costs the tokens it does not share with the others, plus one;
// when its choices differ earlier, those tokens plus each choice's, the choices being rows of one batch. Results go
// to the request cache after every chunk.
import type { LogprobRequest, LogprobResult } from '@glyphlm/transformer-core';
import type { RequestStore } from './cache.js';
import { sha256Strings } from './hash.js';
import type { ItemRequests } from './requests.js';

/** The part of transformer-core's GPT the scorer uses. */
export interface ScoringModel {
  readonly config: { readonly blockSize: number; readonly vocabSize: number };
  logprobs(requests: LogprobRequest[], opts?: { batchSize?: number; maxBatchTokens?: number; prefixCache?: boolean }): Promise<LogprobResult[]>;
}

export interface ScoreOptions {
  store?: RequestStore;
  /** Reuse shared prefixes (default true). */
  prefixCache?: boolean;
  /** Requests per forward batch (default: one item's choices with the prefix cache, 16 without). */
  batchSize?: number;
  /** Items per logprobs call and cache write (default 32). */
  chunkItems?: number;
  /** Called after each chunk with the requests done so far (computed or from the cache). */
  onChunk?: (done: number, computed: number, subject: string) => void;
}

export interface ScoreStats {
  requests: number;
  computed: number;
  cacheHits: number;
}

function compareIds(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Whether all of an item's choices have the same model input (context + continuation minus its last token). */
function sharesOneInput(r: ItemRequests): boolean {
  const [c0, ...rest] = r.continuations;
  return rest.every((c) => c.length === c0.length && c.every((t, j) => j === c.length - 1 || t === c0[j]));
}

/** Cache key of each continuation of an item: SHA-256 of the context ids, then the continuation ids. */
async function itemKeys(r: ItemRequests): Promise<string[]> {
  const ctx = await sha256Strings(['loglik', r.context.join(',')]);
  return r.continuations.map((c) => `ll:${ctx}:${c.join(',')}`);
}

/** Sum of log-probabilities of each item's continuations, in input order. */
export async function scoreItems(model: ScoringModel, items: readonly ItemRequests[], opts: ScoreOptions = {}): Promise<{ logliks: number[][]; stats: ScoreStats }> {
  const prefixCache = opts.prefixCache ?? true;
  const chunkItems = opts.chunkItems ?? 32;
  const logliks: number[][] = items.map((r) => new Array<number>(r.continuations.length).fill(NaN));
  const keys: string[][] = opts.store ? await Promise.all(items.map(itemKeys)) : [];
  const total = items.reduce((s, r) => s + r.continuations.length, 0);
  let done = 0;
  let computed = 0;
  let cacheHits = 0;

  // cached items first; the rest grouped by subject (first-seen order) and sorted by context ids
  const bySubject = new Map<string, number[]>();
  items.forEach((r, i) => {
    if (opts.store) {
      const vals = keys[i].map((k) => opts.store!.get(k));
      if (vals.every((v) => typeof v === 'number')) {
        logliks[i] = vals as number[];
        done += vals.length;
        cacheHits += vals.length;
        return;
      }
    }
    const s = r.item.subject;
    if (!bySubject.has(s)) bySubject.set(s, []);
    bySubject.get(s)!.push(i);
  });
  if (done > 0) opts.onChunk?.(done, 0, items[0].item.subject);

  for (const [subject, idx] of bySubject) {
    idx.sort((a, b) => compareIds(items[a].context, items[b].context) || a - b);
    for (let c0 = 0; c0 < idx.length; c0 += chunkItems) {
      const chunk = idx.slice(c0, c0 + chunkItems);
      // one logprobs call per choice count: batches of `n` rows (an item's choices, or n items whose choices share a row)
      const byChoices = new Map<number, number[]>();
      for (const i of chunk) {
        const n = items[i].continuations.length;
        if (!byChoices.has(n)) byChoices.set(n, []);
        byChoices.get(n)!.push(i);
      }
      for (const [n, group] of byChoices) {
        const reqs: LogprobRequest[] = [];
        for (const i of group) for (const c of items[i].continuations) reqs.push({ context: items[i].context, continuation: c });
        // with the cache, an item whose choices share one input is one row, run alone on the cache (on wasm a batch of
        // such rows ran its products on more rows at a lower rate: ~28 against ~35 GFLOP/s); other items' choices
        // are one batch of n rows
        const oneRow = group.every((i) => sharesOneInput(items[i]));
        const batchSize = opts.batchSize ?? (prefixCache ? (oneRow ? 1 : n) : 16);
        const out = await model.logprobs(reqs, { batchSize, maxBatchTokens: batchSize * model.config.blockSize, prefixCache });
        let k = 0;
        for (const i of group) {
          for (let j = 0; j < n; j++, k++) {
            logliks[i][j] = out[k].sum;
            if (opts.store) await opts.store.put(keys[i][j], out[k].sum);
          }
        }
        done += reqs.length;
        computed += reqs.length;
      }
      opts.onChunk?.(done, computed, subject);
    }
  }
  return { logliks, stats: { requests: total, computed, cacheHits } };
}
