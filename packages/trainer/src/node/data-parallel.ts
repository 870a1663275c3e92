// Tokenizing on several cores: documents go in batches of ~256 KiB to worker threads, each with its own copy of
// the tokenizer, and to this thread. Texts (which may arrive one by one) are handed out, up to two per worker,
// this thread taking a batch whenever no worker can; files (a list known up front) are claimed: every thread takes
// the next batch from a shared atomic counter, so a worker starts the moment it has booted and no thread waits to
// be handed work. Results are put back in document order, so the corpus is identical to tokenizeCorpus's (same
// split, SFT mix, fingerprint) for any number of threads.
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { Tokenizer } from '@glyphlm/unicode-tokenizer';
import type { CorpusData } from '../data/types.js';
import { resolveOptions, type SftExample, type TokenizeCorpusOptions } from '../data/corpus-options.js';
import type { CorpusInput } from '../data/corpus.js';
import { DocumentIds, type DocumentSink } from '../data/id-buffer.js';
import { SplitStreams } from '../data/split-streams.js';
import { assembleCorpus } from '../data/assemble.js';
import { encodeExample, type EncodedExample } from '../data/sft.js';
import { DATA_WORKER_SOURCE } from './data-worker-source.js';
import { nodeHashParts } from './data-shards.js';
import { expandGlobsWithSizes } from './data-files.js';
import { fileEncoder, type FileEncoder } from './data-read.js';

export interface ParallelTokenizeOptions extends TokenizeCorpusOptions {
  /**
   * Threads that tokenize (default: min(2, available cores)), this one included: `workers: 2` is this thread plus
   * one worker thread; 1 tokenizes here only.
   */
  workers?: number;
  /** Characters (texts) or bytes (files) per batch sent to a worker (default 256 KiB). */
  batchChars?: number;
}

type TokenizerSpec = { kind: 'bvv241'; variant: string; lossless: boolean; tables?: unknown } | { kind: 'hf'; json: string }
  | { kind: 'compact'; base: TokenizerSpec; baseFingerprint: string; fullIds: number[]; fallback: number };

/**
 * How a worker rebuilds the tokenizer: bvv241 by variant, a compact vocabulary over its base, others from their
 * tokenizer.json (a tokenizer without one, whose toHuggingFaceJSON throws, is tokenized on the calling thread).
 */
function tokenizerSpec(tokenizer: Tokenizer): TokenizerSpec {
  const t = tokenizer as Tokenizer & {
    variant?: string; lossless?: boolean; encodingTables?: () => unknown;
    compact?: { base: Tokenizer; fullIds: Uint32Array; fallback: number };
  };
  if (t.compact) {
    const { base, fullIds, fallback } = t.compact;
    return { kind: 'compact', base: tokenizerSpec(base), baseFingerprint: base.fingerprint, fullIds: Array.from(fullIds), fallback: fullIds.indexOf(fallback) };
  }
  if (tokenizer.name.startsWith('bvv241-') && typeof t.variant === 'string') {
    // this thread's encoding tables go along (copied by structured clone), so the worker need not build them
    return { kind: 'bvv241', variant: t.variant, lossless: t.lossless === true, tables: t.encodingTables?.() };
  }
  return { kind: 'hf', json: tokenizer.toHuggingFaceJSON() };
}

/** Where a batch's id array goes back for reuse once its ids are copied. */
interface ArrayOwner { recycle(buffer: ArrayBuffer): void }
/** A batch's ids packed back to back; `owner`: where its array goes back for reuse (null: this thread's pool). */
interface BatchResult { ids: Uint32Array; lengths: Int32Array; chars: Float64Array; owner?: ArrayOwner | null }
/** Texts, or files with their total size in bytes (a bound on bvv241's ids, which go into one array per batch). */
type FileBatch = { files: string[]; bytes: number };
type Batch = { texts: string[] } | FileBatch;

/** One tokenizing worker thread; it answers batches in the order they were posted. */
class TokenizeWorker {
  private pending: Array<{ res: (r: BatchResult) => void; rej: (e: Error) => void }> = [];
  private returned: ArrayBuffer[] = [];
  private failure: Error | null = null;

  private constructor(private readonly w: Worker) {
    w.on('message', (m: { type: string; message?: string; count: number } & BatchResult) => {
      const p = this.pending.shift();
      if (!p) return;
      if (m.type === 'done') p.res({ ids: m.ids.subarray(0, m.count), lengths: m.lengths, chars: m.chars, owner: this });
      else p.rej(new Error(`tokenizeCorpus: ${m.message}`));
    });
    w.on('error', (e) => this.fail(e));
    w.on('exit', (code) => this.fail(new Error(`tokenizeCorpus: a tokenizing worker exited with code ${code}`)));
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.splice(0)) p.rej(this.failure);
  }

  /** Starts a worker thread (handed to `created` at once, so that it can be terminated while still starting). */
  static start(workerData: unknown, created: (w: Worker) => void): Promise<TokenizeWorker> {
    const w = new Worker(DATA_WORKER_SOURCE, { eval: true, workerData });
    created(w);
    return new Promise((res, rej) => {
      w.once('message', (m) => {
        if (m.type === 'ready') res(new TokenizeWorker(w));
        else { void w.terminate(); rej(new Error(`tokenize worker: ${m.message}`)); }
      });
      w.once('error', rej);
    });
  }

  get inFlight(): number { return this.pending.length; }

  run(batch: Batch): Promise<BatchResult> {
    if (this.failure) return Promise.reject(this.failure);
    const recycled = this.returned.splice(0);
    return new Promise((res, rej) => { this.pending.push({ res, rej }); this.w.postMessage({ ...batch, recycled }, recycled); });
  }

  /** An id array this worker sent, no longer needed here: it goes back with the next batch (fresh memory is slow). */
  recycle(buffer: ArrayBuffer): void { this.returned.push(buffer); }
}

function checkWorkers(n: number | undefined): number {
  const workers = n ?? Math.max(1, Math.min(2, availableParallelism()));
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`tokenizeCorpus: workers must be a positive integer, got ${n}`);
  return workers;
}

/**
 * Encode one batch on this thread (what a worker does): files that the tokenizer encodes from UTF-8 go into one
 * array for the batch, anything else into one id array per document (no packing copy).
 */
function encodeHere(tokenizer: Tokenizer, batch: Batch, files: FileEncoder, pool: ArrayBuffer[]): LocalResult | BatchResult {
  const ids: Uint32Array[] = [];
  const chars: number[] = [];
  if ('texts' in batch) for (const text of batch.texts) { ids.push(tokenizer.encode(text)); chars.push(text.length); }
  else if (files.fromUtf8) {
    const into = { ids: takeIds(pool, batch.bytes + 16), length: 0 };
    const lengths = new Int32Array(batch.files.length), charCounts = new Float64Array(batch.files.length);
    batch.files.forEach((file, i) => { const r = files.encode(file, into); lengths[i] = r.ids.length; charCounts[i] = r.chars; });
    return { ids: into.ids.subarray(0, into.length), lengths, chars: charCounts, owner: null };
  } else for (const file of batch.files) { const r = files.encode(file); ids.push(r.ids); chars.push(r.chars); }
  return { local: true, ids, chars };
}

interface LocalResult { local: true; ids: Uint32Array[]; chars: number[] }

/** An id array of at least `n` from the pool (any one large enough), else a new one. */
function takeIds(pool: ArrayBuffer[], n: number): Uint32Array {
  const k = pool.findIndex((b) => b.byteLength >= 4 * n);
  return k >= 0 ? new Uint32Array(pool.splice(k, 1)[0]) : new Uint32Array(n);
}

/** The tokenizing worker threads of one call. */
interface WorkerSet {
  /** the workers ready for batches */
  workers: TokenizeWorker[];
  /** every thread started, ready or not */
  threads: Worker[];
  /** why a worker failed to start, if one did */
  startFailure: Error | null;
}

/** bvv241's encode-only entry (a worker given the tables loads it instead of the whole package), if present. */
function encoderUrl(): string | null {
  try { return import.meta.resolve('@glyphlm/unicode-tokenizer/bvv241-encoder'); } catch { return null; }
}

/** Start threads - 1 workers (none for a tokenizer they cannot rebuild); they join as they become ready. */
function startWorkers(tokenizer: Tokenizer, threads: number): WorkerSet {
  let spec: TokenizerSpec | null = null;
  if (threads > 1) {
    try { spec = tokenizerSpec(tokenizer); } catch { spec = null; } // no tokenizer.json form: this thread only
  }
  const set: WorkerSet = { workers: [], threads: [], startFailure: null };
  if (spec === null) return set;
  const fingerprint = spec.kind === 'bvv241' ? '' : tokenizer.fingerprint; // bvv241 workers are not checked
  const workerData = { tokenizerUrl: import.meta.resolve('@glyphlm/unicode-tokenizer'), encoderUrl: encoderUrl(), spec, fingerprint };
  for (let i = 1; i < threads; i++) {
    TokenizeWorker.start(workerData, (w) => set.threads.push(w))
      .then((w) => { set.workers.push(w); }, (e: Error) => { set.startFailure ??= e; });
  }
  return set;
}

/**
 * Terminate every thread of the set, also those still starting: a worker that was given no batch before the
 * corpus was done is not waited for (on a small corpus this thread is done before a worker has booted).
 */
async function closeWorkers(set: WorkerSet): Promise<void> {
  const threads = set.threads.splice(0);
  set.workers.length = 0;
  await Promise.all(threads.map((w) => { w.removeAllListeners('exit'); return w.terminate(); }));
}

/** Runs `assemble` here while the workers shut down on their own threads (their teardown overlaps it). */
async function assembleWhileClosing<T>(set: WorkerSet, assemble: () => T): Promise<T> {
  const closing = closeWorkers(set);
  await new Promise<void>((res) => setImmediate(res)); // the terminate calls go out before the work here starts
  try {
    return assemble();
  } finally {
    await closing;
  }
}

/**
 * Tokenize batches (texts) on this thread and the set's workers: each worker holds up to two batches, so it never
 * waits while this thread encodes one; results are appended to `docs` in batch order.
 */
async function tokenizeBatches(
  tokenizer: Tokenizer, set: WorkerSet, batches: AsyncIterable<Batch> | Iterable<Batch>, docs: DocumentSink,
  files: FileEncoder,
): Promise<void> {
  const { workers } = set;
  const results: Array<Promise<BatchResult> | BatchResult | LocalResult> = [];
  const pool: ArrayBuffer[] = []; // this thread's batch arrays, reused once their ids are copied
  let next = 0; // next result to append
  const drainReady = async (all: boolean) => {
    while (next < results.length) {
      const r = results[next];
      if (r instanceof Promise && !all) break;
      pushResult(docs, await r, pool);
      results[next++] = EMPTY;
    }
  };
  try {
    for await (const b of batches as AsyncIterable<Batch>) {
      await new Promise<void>((res) => setImmediate(res)); // let worker messages and starts through
      const w = workers.filter((x) => x.inFlight < 2).sort((a, c) => a.inFlight - c.inFlight)[0];
      if (w) {
        const p = w.run(b);
        const k = results.length;
        results.push(p);
        p.then((r) => { if (k >= next) results[k] = r; }, () => {});
      } else {
        results.push(encodeHere(tokenizer, b, files, pool));
      }
      await drainReady(false);
    }
    await drainReady(true);
  } finally {
    await Promise.allSettled(results.filter((r) => r instanceof Promise));
  }
  // a worker that failed to start (e.g. a tokenizer.json that rebuilds differently) is an error, even where this
  // thread did all the work
  if (set.startFailure) throw set.startFailure;
}

const EMPTY: BatchResult = { ids: new Uint32Array(0), lengths: new Int32Array(0), chars: new Float64Array(0) };

/** Appends a batch's documents; an id array copied there goes back to its owner (null: this thread's pool). */
function pushResult(docs: DocumentSink, res: BatchResult | LocalResult, pool: ArrayBuffer[]): void {
  if ('local' in res) { res.ids.forEach((ids, i) => docs.push(ids, res.chars[i])); return; }
  docs.pushChunk(res.ids, res.lengths, res.chars);
  if (docs.copiesIds && res.owner !== undefined) {
    if (res.owner === null) pool.push(res.ids.buffer as ArrayBuffer); else res.owner.recycle(res.ids.buffer as ArrayBuffer);
  }
}

/**
 * Files on `set`'s threads by claiming: every thread, this one included, takes the next batch of the list from a
 * shared atomic counter until none is left, so a worker starts the moment it has booted (the list is posted to it
 * at once) and no thread waits to be handed work; both finish within one (small, last) batch of each other.
 * Results are appended to `docs` in batch order.
 */
async function claimFileBatches(tokenizer: Tokenizer, set: WorkerSet, batches: FileBatch[], docs: DocumentSink, files: FileEncoder): Promise<void> {
  const n = batches.length;
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const results: Array<BatchResult | LocalResult | undefined> = new Array(n);
  let failure: Error | null = null;
  let exited = 0;
  let wake: (() => void) | null = null;
  const detach: Array<() => void> = [];
  for (const w of set.threads) {
    const { port1, port2 } = new MessageChannel();
    const owner: ArrayOwner = { recycle: (b) => port1.postMessage([b], [b]) };
    const onMessage = (m: { type: string; k?: number; message?: string; count: number } & BatchResult) => {
      if (typeof m.k !== 'number') return; // 'ready' and the like
      if (m.type === 'done') results[m.k] = { ids: m.ids.subarray(0, m.count), lengths: m.lengths, chars: m.chars, owner };
      else failure ??= new Error(`tokenizeCorpus: ${m.message}`);
      wake?.();
    };
    const onExit = () => { exited++; wake?.(); };
    const onError = (e: Error) => { failure ??= e; wake?.(); };
    w.on('message', onMessage);
    w.on('exit', onExit);
    w.on('error', onError);
    detach.push(() => { w.off('message', onMessage); w.off('exit', onExit); w.off('error', onError); port1.close(); });
    w.postMessage({ claim: true, batches, counter: counter.buffer, recyclePort: port2 }, [port2]);
  }
  const pool: ArrayBuffer[] = [];
  let next = 0;
  const drain = () => {
    for (; next < n && results[next] !== undefined; next++) { pushResult(docs, results[next]!, pool); results[next] = undefined; }
  };
  try {
    for (;;) {
      if (failure) throw failure;
      drain();
      const k = Atomics.add(counter, 0, 1);
      if (k >= n) break;
      results[k] = encodeHere(tokenizer, batches[k], files, pool);
      await new Promise<void>((res) => setImmediate(res)); // worker results come in between batches
    }
    for (drain(); next < n; drain()) {
      if (failure) throw failure;
      if (exited === set.threads.length) throw set.startFailure ?? new Error('tokenizeCorpus: a tokenizing worker exited before sending its batch');
      await new Promise<void>((res) => { wake = res; });
      wake = null;
    }
  } finally {
    Atomics.store(counter, 0, n); // after an error: the workers take no further batch
    for (const d of detach) d();
  }
  if (set.startFailure) throw set.startFailure;
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
  const batchChars = opts.batchChars ?? 1 << 18;
  if (typeof texts !== 'string' && !(texts && (Symbol.iterator in Object(texts) || Symbol.asyncIterator in Object(texts)))) {
    throw new TypeError('tokenizeCorpus: texts must be a string, an array or iterable of strings, or an async iterable of strings');
  }
  const set = startWorkers(tokenizer, workers);
  const docs = new DocumentIds();
  try {
    const examples = await encodeSft(tokenizer, opts, o); // a bad example fails before the corpus is tokenized
    await tokenizeBatches(tokenizer, set, textBatches(texts, batchChars), docs, fileEncoder(tokenizer));
    return await assembleWhileClosing(set, () => assembleCorpus(tokenizer, docs, examples, o, nodeHashParts));
  } finally {
    await closeWorkers(set);
  }
}

/** Tokenize files (paths and glob patterns; each file one document, in expandGlobs order) on worker threads. */
export async function tokenizeFiles(tokenizer: Tokenizer, patterns: string | string[], opts: ParallelTokenizeOptions & { cwd?: string } = {}): Promise<CorpusData> {
  const o = resolveOptions(tokenizer, opts);
  const workers = checkWorkers(opts.workers);
  const set = startWorkers(tokenizer, workers); // they start while the files are listed
  try {
    const { files, sizes } = await expandGlobsWithSizes(patterns, { cwd: opts.cwd });
    const batchBytes = opts.batchChars ?? 1 << 18;
    const batches: FileBatch[] = [];
    let cur: string[] = [];
    let size = 0;
    // The last bytes go in quarter-size batches, so that no thread is left waiting long for the others' last batch.
    let left = sizes.reduce((a, b) => a + b, 0);
    const tail = 2 * workers * batchBytes;
    files.forEach((f, i) => {
      cur.push(f);
      size += sizes[i];
      left -= sizes[i];
      if (size >= (left < tail ? batchBytes / 4 : batchBytes)) { batches.push({ files: cur, bytes: size }); cur = []; size = 0; }
    });
    if (cur.length) batches.push({ files: cur, bytes: size });
    const examples = await encodeSft(tokenizer, opts, o);
    // a plain documents split goes straight into its streams (a file has at most as many ids as UTF-8 bytes for
    // bvv241; a tokenizer that exceeds this falls back to the usual assembly)
    const streams = SplitStreams.plan(o, sizes);
    const docs = streams ?? new DocumentIds();
    await claimFileBatches(tokenizer, set, batches, docs, fileEncoder(tokenizer));
    return await assembleWhileClosing(set, () => (streams ? streams.finish(tokenizer, nodeHashParts)
      : assembleCorpus(tokenizer, docs as DocumentIds, examples, o, nodeHashParts)));
  } finally {
    await closeWorkers(set);
  }
}
