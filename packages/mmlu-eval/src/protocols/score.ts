// Scores items' log-likelihood requests through transformer-core's `logprobs`, fast and resumably. Items are taken
// subject by subject, sorted by their context ids, in chunks; each chunk is one `logprobs` call. logprobs gives the
// choices of an item that share all but their last token (the harness's ` A`..` D` in bvv241: a space, then the
// letter) one row, context + space, and batches `batchSize` rows (default: the number of choices) over the prefix
// they share, carried in a KV cache from batch to batch: the subject's description and shots (and whatever the
// questions share) are computed once. An item then costs the tokens it does not share with the others, plus one;
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
        const batchSize = opts.batchSize ?? (prefixCache ? n : 16);
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
