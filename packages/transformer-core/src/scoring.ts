// Batched continuation scoring (the MMLU / lm-eval "loglikelihood" request) for one model or the members of a fused
// model. Requests whose model inputs (context + continuation minus its last token) are identical -- an MMLU item's
// ` A`..` D` in bvv241, a space then the letter -- differ only in the target of their last position, so they share
// one row: its residual rows give all of them, the head run once per distinct position. Requests are sorted so that
// shared prefixes sit together, and consecutive rows form a batch: the prefix common to a batch's rows is computed
// once (a batch-1 KV cache per model, extended or cut back from the previous batch's prefix), and the rows run after
// it as ragged rows (each its own length, no padding: infer.ts's rowLengths). A batch of one row runs its whole input
// on the cache, which then holds that input for the next batch. The caller says how the models' residual rows become
// logits (one head, or a fusion of heads).
import { tf } from './tf.js';
import type { ModelWeights } from './model-weights.js';
import { checkIds, InputError } from './input.js';
import { inferStep } from './infer.js';
import { disposePart, slicePart, type KVPart } from './kv-cache.js';
import { hasFastKernel } from './fast-paths.js';
import { ROW_LOGPROBS, runRowLogprobs } from './fast-kernels.js';

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
  /** Rows per forward batch (default 16); requests with the same input share a row. */
  batchSize?: number;
  /** Upper bound on the tokens a batch runs after its shared prefix, summed over its rows (default 16384). */
  maxBatchTokens?: number;
  /** Reuse common prefixes through a KV cache (default true). false = every request computed from position 0. */
  prefixCache?: boolean;
}

/** Logits [rows.length, vocab] at `rows` of the models' residual streams xs (one per model, same order). */
export type RowLogits = (xs: readonly tf.Tensor[], rows: number[]) => tf.Tensor2D;

interface Request { i: number; ctxLen: number; cont: Int32Array; input: Int32Array }

/** Requests with one and the same input (one row of a batch); `first` is the first position whose logits are scored. */
interface Row { reqs: Request[]; input: Int32Array; first: number }

function lcp(a: Int32Array, b: Int32Array, max: number): number {
  const n = Math.min(a.length, b.length, max);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

function sameIds(a: Int32Array, b: Int32Array): boolean {
  return a.length === b.length && lcp(a, b, a.length) === a.length;
}

function compareSeq(a: Int32Array, b: Int32Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Checks every request (before any tensor work); `blockSizeName` says whose blockSize an error refers to. */
function checkRequests(requests: LogprobRequest[], vocabSize: number, blockSize: number, blockSizeName: string): Request[] {
  if (!Array.isArray(requests)) throw new InputError('logprobs: requests must be an array');
  return requests.map((r, i) => {
    if (!r || typeof r !== 'object') throw new InputError(`logprobs request ${i}: not an object`);
    const ctx = checkIds(r.context, vocabSize, `logprobs request ${i} context`);
    const cont = checkIds(r.continuation, vocabSize, `logprobs request ${i} continuation`);
    if (ctx.length === 0) throw new InputError(`logprobs request ${i}: context is empty (at least one token is needed)`);
    if (cont.length === 0) throw new InputError(`logprobs request ${i}: continuation is empty`);
    const input = new Int32Array(ctx.length + cont.length - 1);
    input.set(ctx);
    input.set(cont.subarray(0, cont.length - 1), ctx.length);
    if (input.length > blockSize) {
      throw new InputError(`logprobs request ${i}: context ${ctx.length} + continuation ${cont.length} - 1 = ${input.length} tokens exceed ${blockSizeName} ${blockSize}`);
    }
    return { i, ctxLen: ctx.length, cont, input };
  });
}

/**
 * Scores `requests` on `models` (one model, or a fused model's members); `rowLogits` turns their residual rows into
 * the logits to score. `blockSizeName` names the limit in errors ("blockSize", "the fused model's blockSize").
 */
export async function scoreContinuations(
  models: readonly ModelWeights[], rowLogits: RowLogits, vocabSize: number, blockSize: number, blockSizeName: string,
  requests: LogprobRequest[], opts: LogprobOptions,
): Promise<LogprobResult[]> {
  const batchSize = opts.batchSize ?? 16;
  const maxBatchTokens = opts.maxBatchTokens ?? 16384;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError(`logprobs: batchSize must be a positive integer, got ${batchSize}`);
  const usePrefix = opts.prefixCache ?? true;
  const reqs = checkRequests(requests, vocabSize, blockSize, blockSizeName);
  const order = reqs.map((_, i) => i).sort((a, b) => compareSeq(reqs[a].input, reqs[b].input) || a - b);
  // rows: with the prefix cache, the (sorted, so adjacent) requests of one input share one; without, one per request
  const rows: Row[] = [];
  for (const i of order) {
    const r = reqs[i];
    const last = rows.at(-1);
    if (usePrefix && last && sameIds(last.input, r.input)) {
      last.reqs.push(r);
      last.first = Math.min(last.first, r.ctxLen - 1);
    } else {
      rows.push({ reqs: [r], input: r.input, first: r.ctxLen - 1 });
    }
  }
  const results: LogprobResult[] = new Array(reqs.length);
  // the prefix held in every model's cache (the ids are shared, the keys and values are each model's)
  let cachedIds: Int32Array | null = null;
  const cached: Array<KVPart | null> = models.map(() => null);
  const head = new HeadQueue(rowLogits, vocabSize, results);
  try {
    let k = 0;
    while (k < rows.length) {
      // a batch of consecutive rows and the prefix P they share (at most every row's first scored position); a row
      // that would shorten the prefix the first two rows share, or leave less of it than the first row finds in the
      // cache, starts the next batch
      const batch = [rows[k]];
      let P = usePrefix ? rows[k].first : 0;
      const cachedShare = usePrefix && cachedIds ? lcp(cachedIds, rows[k].input, P) : 0;
      let tokens = rows[k].input.length;
      k++;
      while (k < rows.length && batch.length < batchSize) {
        const row = rows[k];
        const p = usePrefix ? Math.min(P, row.first, lcp(batch[0].input, row.input, P)) : 0;
        if (p < cachedShare || (batch.length >= 2 && p < P)) break;
        const t = tokens + row.input.length;
        if (t - (batch.length + 1) * p > maxBatchTokens) break;
        batch.push(row);
        P = p;
        tokens = t;
        k++;
      }
      if (usePrefix && batch.length === 1) {
        // one row: its whole input on the cache, which keeps it for the next batch
        const row = batch[0];
        const had = cachedIds?.length ?? 0;
        const keep = cachedIds ? lcp(cachedIds, row.input, row.first) : 0;
        cachedIds = null; // until every model holds the new prefix
        // what the next row can take from this one's input: the cache need not hold more
        const next = rows[k];
        const keepAfter = next ? lcp(row.input, next.input, next.first) : 0;
        const len = await scoreRowOnCache(models, head, row, had, keep, cached, keepAfter);
        cachedIds = row.input.slice(0, len);
        continue;
      }
      if (P > 0) {
        const prefix = batch[0].input.subarray(0, P);
        const keep = cachedIds ? lcp(cachedIds, prefix, P) : 0;
        if (!(cachedIds && keep === cachedIds.length && keep === P)) {
          const had = cachedIds?.length ?? 0;
          cachedIds = null; // until every model holds the new prefix
          models.forEach((m, i) => {
            const r = extendPrefix(m, cached[i], had, keep, prefix);
            r.x?.dispose();
            cached[i] = r.part;
          });
          cachedIds = prefix.slice();
        }
      }
      await scoreRaggedBatch(models, head, batch, P, P > 0 ? cached : models.map(() => null));
    }
    await head.flush();
  } finally {
    cached.forEach((p) => disposePart(p));
    head.dispose();
  }
  return results;
}

/** What a forward's scored residual rows read: the targets per row, and the writer of its requests' results. */
interface RowTargets {
  targets: number[][];
  write(lp: Float32Array[], am: Int32Array, results: LogprobResult[]): void;
}

/**
 * The targets each scored position of `rows` reads, for logprobsAtRows: `at(row, p)` is the residual row of position p
 * of that row. Returns the targets per residual row and a writer of every request's result from their log-probs.
 */
function rowTargets(rows: readonly Row[], at: (b: number, p: number) => number, nRows: number): RowTargets {
  const targets: number[][] = Array.from({ length: nRows }, () => []);
  const slots = rows.map((row, b) => row.reqs.map((r) => Array.from(r.cont, (t, j) => targets[at(b, r.ctxLen - 1 + j)].push(t) - 1)));
  const write = (lp: Float32Array[], am: Int32Array, results: LogprobResult[]) => {
    rows.forEach((row, b) => row.reqs.forEach((r, n) => {
      const tokens: number[] = [];
      let greedy = true;
      let sum = 0;
      for (let j = 0; j < r.cont.length; j++) {
        const x = at(b, r.ctxLen - 1 + j);
        const v = lp[x][slots[b][n][j]];
        tokens.push(v);
        sum += v;
        if (am[x] !== r.cont[j]) greedy = false;
      }
      results[r.i] = { sum, tokens, isGreedy: greedy };
    }));
  };
  return { targets, write };
}

/**
 * Residual rows waiting for the head. Rows run one forward at a time (one item's two scored rows, in MMLU), but the
 * head is a [d, vocab] product whose weights stream from memory on every call: on wasm bvv-tiny's ran 2 rows at ~17
 * GFLOP/s against ~35 for 20, so the rows of several forwards are queued and the head runs once on all of them.
 */
class HeadQueue {
  private readonly xs: tf.Tensor[][] = [];
  private readonly entries: Array<{ n: number; targets: number[][]; write: RowTargets['write'] }> = [];
  private rows = 0;

  constructor(private readonly rowLogits: RowLogits, private readonly V: number, private readonly results: LogprobResult[], private readonly maxRows = 64) {}

  /** Queues one forward's residual rows (one tensor per model, owned by the queue from now on) and their targets. */
  async add(xs: tf.Tensor[], t: RowTargets): Promise<void> {
    this.xs.push(xs);
    this.entries.push({ n: t.targets.length, targets: t.targets, write: t.write });
    this.rows += t.targets.length;
    if (this.rows >= this.maxRows) await this.flush();
  }

  /** Runs the head on every queued row and writes the results of their requests. */
  async flush(): Promise<void> {
    if (this.entries.length === 0) return;
    const parts = this.xs.splice(0);
    const entries = this.entries.splice(0);
    this.rows = 0;
    const xs = parts[0].map((_, m) => (parts.length === 1 ? parts[0][m] : tf.concat(parts.map((p) => p[m]), 0)));
    try {
      const targets = entries.flatMap((e) => e.targets);
      const { lp, am } = await logprobsAtRows(xs, this.rowLogits, this.V, targets.map((_, r) => r), targets);
      let off = 0;
      for (const e of entries) {
        e.write(lp.slice(off, off + e.n), am.subarray(off, off + e.n), this.results);
        off += e.n;
      }
    } finally {
      if (parts.length > 1) xs.forEach((x) => x.dispose());
      parts.forEach((p) => p.forEach((x) => x.dispose()));
    }
  }

  /** Frees queued rows (after an error). */
  dispose(): void {
    this.xs.splice(0).forEach((p) => p.forEach((x) => x.dispose()));
    this.entries.length = 0;
    this.rows = 0;
  }
}

/**
 * Log-probabilities of `targets[r]` (any number per row) under the logits at `rows` of the models' residual streams,
 * and each row's argmax; the head runs once per row, in chunks of ~32 Mi logits across the models.
 */
async function logprobsAtRows(
  xs: readonly tf.Tensor[], rowLogits: RowLogits, V: number, rows: number[], targets: number[][],
): Promise<{ lp: Float32Array[]; am: Int32Array }> {
  const R = rows.length;
  const lp = targets.map((t) => new Float32Array(t.length));
  const am = new Int32Array(R);
  const chunk = Math.max(1, Math.floor((32 * 1024 * 1024) / V / xs.length));
  for (let r0 = 0; r0 < R; r0 += chunk) {
    const r1 = Math.min(R, r0 + chunk);
    const flat: number[] = [];
    for (let r = r0; r < r1; r++) for (const t of targets[r]) flat.push((r - r0) * V + t);
    const [lpT, amT] = tf.tidy(() => {
      const logits = rowLogits(xs, rows.slice(r0, r1));
      if (logits.dtype === 'float32' && hasFastKernel(ROW_LOGPROBS)) {
        const r = runRowLogprobs(logits, tf.tensor1d(Int32Array.from(flat), 'int32'));
        return [r.lp, r.argmax];
      }
      const lse = tf.logSumExp(logits, 1);
      const rowOf = new Int32Array(flat.length);
      let f = 0;
      for (let r = r0; r < r1; r++) for (let j = 0; j < targets[r].length; j++) rowOf[f++] = r - r0;
      const picked = tf.gather(tf.reshape(logits, [-1]), tf.tensor1d(Int32Array.from(flat), 'int32'));
      return [tf.sub(picked, tf.gather(lse, tf.tensor1d(rowOf, 'int32'))), tf.argMax(logits, 1)];
    });
    try {
      const [a, b] = await Promise.all([lpT.data(), amT.data()]);
      let f = 0;
      for (let r = r0; r < r1; r++) for (let j = 0; j < targets[r].length; j++) lp[r][j] = (a as Float32Array)[f++];
      am.set(b as Int32Array, r0);
    } finally {
      lpT.dispose();
      amT.dispose();
    }
  }
  return { lp, am };
}

/**
 * Runs a batch's rows after each model's `shared` prefix (P positions) as ragged rows, every row's output only at its
 * scored positions (`first` on), and writes the results of their requests.
 */
async function scoreRaggedBatch(
  models: readonly ModelWeights[], head: HeadQueue, batch: Row[], P: number, shared: ReadonlyArray<KVPart | null>,
): Promise<void> {
  const B = batch.length;
  const lens = batch.map((r) => r.input.length - P);
  const ids = new Int32Array(lens.reduce((a, l) => a + l, 0));
  // out rows: each row's positions first..end, in order; outStart[b] = index of row b's first one in x
  const outRows: number[] = [];
  const outStart: number[] = [];
  let start = 0;
  batch.forEach((r, b) => {
    ids.set(r.input.subarray(P), start);
    outStart.push(outRows.length);
    for (let p = r.first; p < r.input.length; p++) outRows.push(start + p - P);
    start += lens[b];
  });
  const xs: tf.Tensor[] = [];
  try {
    for (let i = 0; i < models.length; i++) {
      const step = inferStep(models[i], ids, B, Math.max(...lens), shared[i], null, { outRows, rowLengths: lens });
      disposePart(step.own);
      xs.push(step.x);
    }
  } catch (e) {
    xs.forEach((x) => x.dispose());
    throw e;
  }
  await head.add(xs, rowTargets(batch, (b, p) => outStart[b] + p - batch[b].first, outRows.length));
}

/**
 * Scores one row on the prefix cache: every model's cache (holding `had` positions, the first `keep` shared with the
 * row's input, `keep` <= its first scored position) is extended by the rest of the input in one batch-1 step, whose
 * residual rows at the scored positions give every request's logits; the cache then holds the whole input, or only its
 * first `keep` positions when the next row needs no more (`keepAfter`). Returns the positions the cache holds.
 */
async function scoreRowOnCache(
  models: readonly ModelWeights[], head: HeadQueue, row: Row, had: number, keep: number, cached: Array<KVPart | null>,
  keepAfter: number,
): Promise<number> {
  const { input, first } = row;
  const L = input.length;
  // residual row of position p: p - keep (keep <= first < L: at least one position is computed); the last block
  // runs its output only at positions `first`.. and x holds just those
  const outRows = Array.from({ length: L - first }, (_, j) => first + j - keep);
  const xs: tf.Tensor[] = [];
  try {
    models.forEach((m, i) => {
      const r = extendPrefix(m, cached[i], had, keep, input, outRows, keepAfter);
      cached[i] = r.part;
      xs.push(r.x!);
    });
  } catch (e) {
    xs.forEach((x) => x.dispose());
    throw e;
  }
  await head.add(xs, rowTargets([row], (_, p) => p - first, outRows.length));
  return cached[0]!.len;
}

/**
 * One model's prefix cache moved from its old prefix (length `had`, the first `keep` ids shared with `prefix`) to
 * `prefix`: cut back to `keep`, then extended by the rest (or left at `keep` when the caller needs no more than
 * `keepAfter` positions next). Disposes what it no longer needs; returns the new part and
 * the residual rows `outRows` (0 = position `keep`; default the last) of the positions it computed (null when it
 * computed none; the caller disposes them).
 */
function extendPrefix(model: ModelWeights, old: KVPart | null, had: number, keep: number, prefix: Int32Array, outRows?: number[], keepAfter = prefix.length): { part: KVPart; x: tf.Tensor2D | null } {
  const P = prefix.length;
  const base: KVPart | null = old && keep > 0 ? (keep === had ? old : slicePart(old, keep)) : null;
  let next: KVPart;
  let x: tf.Tensor2D | null = null;
  if (keep < P) {
    // with a base, inferStep joins it to the new positions' keys and values as it attends over both; when what follows
    // needs no more than the base (`keepAfter`), the base stays the cache and nothing is joined or cut back later
    const join = base !== null && keepAfter > keep;
    const r = inferStep(model, prefix.slice(keep), 1, P - keep, base, null, { join, outRows: outRows ?? [P - keep - 1] });
    x = r.x;
    next = join ? r.joined! : base ?? r.own;
    if (next !== r.own) disposePart(r.own);
  } else {
    next = base!;
  }
  if (base && base !== next && base !== old) disposePart(base);
  if (old && old !== next) disposePart(old);
  return { part: next, x };
}
