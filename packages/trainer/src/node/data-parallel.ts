// Tokenizing on several cores: documents (texts or files) are sent in batches of about 1 MB to worker threads,
// each with its own copy of the tokenizer, and the results are put back in document order, so the corpus is
// identical to tokenizeCorpus's (same split, SFT mix, fingerprint) for any number of workers.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Tokenizer } from '@glyphlm/unicode-tokenizer';
import type { CorpusData } from '../data/types.js';
import { resolveOptions, type SftExample, type TokenizeCorpusOptions } from '../data/corpus-options.js';
import type { CorpusInput } from '../data/corpus.js';
import { DocumentIds } from '../data/id-buffer.js';
import { assembleCorpus } from '../data/assemble.js';
import { encodeExample, type EncodedExample } from '../data/sft.js';
import { DATA_WORKER_SOURCE } from './data-worker-source.js';
import { nodeHashParts } from './data-shards.js';
import { expandGlobs } from './data-files.js';

export interface ParallelTokenizeOptions extends TokenizeCorpusOptions {
  /** Worker threads (default: min(2, available cores)); 1 still tokenizes in one worker thread. */
  workers?: number;
  /** Characters (texts) or bytes (files) per batch sent to a worker (default 1 MiB). */
  batchChars?: number;
}

type TokenizerSpec = { kind: 'bvv241'; variant: string; lossless: boolean } | { kind: 'hf'; json: string }
  | { kind: 'compact'; base: TokenizerSpec; baseFingerprint: string; fullIds: number[]; fallback: number };

/** How a worker rebuilds the tokenizer: bvv241 by variant, a compact vocabulary over its base, others from JSON. */
function tokenizerSpec(tokenizer: Tokenizer): TokenizerSpec {
  const t = tokenizer as Tokenizer & { variant?: string; lossless?: boolean; compact?: { base: Tokenizer; fullIds: Uint32Array; fallback: number } };
  if (t.compact) {
    const { base, fullIds, fallback } = t.compact;
    return { kind: 'compact', base: tokenizerSpec(base), baseFingerprint: base.fingerprint, fullIds: Array.from(fullIds), fallback: fullIds.indexOf(fallback) };
  }
  if (tokenizer.name.startsWith('bvv241-') && typeof t.variant === 'string') return { kind: 'bvv241', variant: t.variant, lossless: t.lossless === true };
  return { kind: 'hf', json: tokenizer.toHuggingFaceJSON() };
}

interface BatchResult { ids: Uint32Array; lengths: Int32Array; chars: Float64Array }
type Batch = { texts: string[] } | { files: string[] };

/** A pool of tokenizing workers processing batches in order of submission. */
class TokenizePool {
  private workers: Worker[] = [];
  private idle: Worker[] = [];
  private waiting: Array<() => void> = [];
  private failed: Error | null = null;

  private constructor() {}

  static async start(tokenizer: Tokenizer, n: number): Promise<TokenizePool> {
    const pool = new TokenizePool();
    const workerData = { tokenizerUrl: import.meta.resolve('@glyphlm/unicode-tokenizer'), spec: tokenizerSpec(tokenizer), fingerprint: tokenizer.fingerprint };
    const ready: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      const w = new Worker(DATA_WORKER_SOURCE, { eval: true, workerData });
      pool.workers.push(w);
      ready.push(new Promise((res, rej) => {
        w.once('message', (m) => (m.type === 'ready' ? res() : rej(new Error(`tokenize worker: ${m.message}`))));
        w.once('error', rej);
      }));
    }
    try { await Promise.all(ready); } catch (e) { await pool.close(); throw e; }
    pool.idle = [...pool.workers];
    return pool;
  }

  async run(batch: Batch): Promise<BatchResult> {
    if (this.failed) throw this.failed;
    while (this.idle.length === 0) await new Promise<void>((res) => this.waiting.push(res));
    const w = this.idle.pop()!;
    try {
      return await new Promise<BatchResult>((res, rej) => {
        const onMessage = (m: { type: string; message?: string } & BatchResult) => {
          w.off('error', onError);
          if (m.type === 'done') res(m); else rej(new Error(`tokenizeCorpus: ${m.message}`));
        };
        const onError = (e: Error) => { w.off('message', onMessage); rej(e); };
        w.once('message', onMessage);
        w.once('error', onError);
        w.postMessage({ id: 0, ...batch });
      });
    } catch (e) {
      this.failed = e as Error;
      throw e;
    } finally {
      this.idle.push(w);
      this.waiting.shift()?.();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function checkWorkers(n: number | undefined): number {
  const workers = n ?? Math.max(1, Math.min(2, availableParallelism()));
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`tokenizeCorpus: workers must be a positive integer, got ${n}`);
  return workers;
}

/** Feed batches to the pool (at most 2 per worker in flight) and append results to `docs` in order. */
async function tokenizeBatches(pool: TokenizePool, workers: number, batches: AsyncIterable<Batch> | Iterable<Batch>, docs: DocumentIds): Promise<void> {
  const inFlight: Promise<BatchResult>[] = [];
  const drainOne = async () => {
    const r = await inFlight.shift()!;
    let o = 0;
    for (let i = 0; i < r.lengths.length; i++) { docs.push(r.ids.subarray(o, o + r.lengths[i]), r.chars[i]); o += r.lengths[i]; }
  };
  try {
    for await (const b of batches as AsyncIterable<Batch>) {
      const p = pool.run(b);
      p.catch(() => {}); // observed when drained; keeps an early rejection from being "unhandled"
      inFlight.push(p);
      if (inFlight.length >= 2 * workers) await drainOne();
    }
    while (inFlight.length) await drainOne();
  } finally {
    await Promise.allSettled(inFlight);
  }
}

async function* textBatches(texts: CorpusInput, batchChars: number): AsyncGenerator<Batch> {
  if (typeof texts === 'string') { yield { texts: [texts] }; return; }
  let cur: string[] = [];
  let size = 0;
  let i = 0;
  for await (const t of texts as AsyncIterable<unknown>) {
    if (typeof t !== 'string') throw new TypeError(`tokenizeCorpus: document ${i} is ${t === null ? 'null' : typeof t}, not a string`);
    i++;
    cur.push(t);
    size += t.length;
    if (size >= batchChars) { yield { texts: cur }; cur = []; size = 0; }
  }
  if (cur.length) yield { texts: cur };
}

async function encodeSft(tokenizer: Tokenizer, opts: TokenizeCorpusOptions, o: ReturnType<typeof resolveOptions>): Promise<EncodedExample[] | null> {
  if (!o.sft) return null;
  const out: EncodedExample[] = [];
  let i = 0;
  for await (const ex of opts.sft!.examples as AsyncIterable<SftExample>) out.push(encodeExample(tokenizer, ex, i++, o.sft));
  return out;
}

/** tokenizeCorpus on worker threads: same result as the single-thread version, for any input it accepts. */
export async function tokenizeCorpusParallel(tokenizer: Tokenizer, texts: CorpusInput, opts: ParallelTokenizeOptions = {}): Promise<CorpusData> {
  const o = resolveOptions(tokenizer, opts);
  const workers = checkWorkers(opts.workers);
  const batchChars = opts.batchChars ?? 1 << 20;
  if (typeof texts !== 'string' && !(texts && (Symbol.iterator in Object(texts) || Symbol.asyncIterator in Object(texts)))) {
    throw new TypeError('tokenizeCorpus: texts must be a string, an array or iterable of strings, or an async iterable of strings');
  }
  const docs = new DocumentIds();
  const pool = await TokenizePool.start(tokenizer, workers);
  try {
    await tokenizeBatches(pool, workers, textBatches(texts, batchChars), docs);
  } finally {
    await pool.close();
  }
  return assembleCorpus(tokenizer, docs, await encodeSft(tokenizer, opts, o), o, nodeHashParts);
}

/** Tokenize files (paths and glob patterns; each file one document, in expandGlobs order) on worker threads. */
export async function tokenizeFiles(tokenizer: Tokenizer, patterns: string | string[], opts: ParallelTokenizeOptions & { cwd?: string } = {}): Promise<CorpusData> {
  const o = resolveOptions(tokenizer, opts);
  const workers = checkWorkers(opts.workers);
  const files = await expandGlobs(patterns, { cwd: opts.cwd });
  const { stat } = await import('node:fs/promises');
  const sizes = await Promise.all(files.map((f) => stat(f).then((s) => s.size)));
  const batchBytes = opts.batchChars ?? 1 << 20;
  const batches: Batch[] = [];
  let cur: string[] = [];
  let size = 0;
  files.forEach((f, i) => {
    cur.push(f);
    size += sizes[i];
    if (size >= batchBytes) { batches.push({ files: cur }); cur = []; size = 0; }
  });
  if (cur.length) batches.push({ files: cur });
  const docs = new DocumentIds();
  const pool = await TokenizePool.start(tokenizer, workers);
  try {
    await tokenizeBatches(pool, workers, batches, docs);
  } finally {
    await pool.close();
  }
  return assembleCorpus(tokenizer, docs, await encodeSft(tokenizer, opts, o), o, nodeHashParts);
}
