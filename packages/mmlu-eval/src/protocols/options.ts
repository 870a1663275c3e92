// Options of evaluate() and their validation (every check runs before any model work).
import type { RequestCache } from './cache.js';
import type { Protocol } from './types.js';

export interface EvalProgress {
  /** Requests done (log-likelihood requests, or generations for the paper protocol), cached ones included. */
  done: number;
  total: number;
  /** Subject of the last finished chunk. */
  subject: string;
  /** Estimated time left, from the rate of computed requests so far (NaN before the first one). */
  etaMs: number;
  /** Computed requests per second so far (cache hits not counted). */
  requestsPerSecond: number;
}

export interface EvaluateOptions {
  protocol: Protocol;
  /** Split scored (default 'test'); shots always come from 'dev'. */
  split?: 'dev' | 'val' | 'test';
  /** Harness: shots per prompt (default 5); paper and cloze are zero-shot (0). */
  shots?: number;
  /** Subjects to score (default: all of the dataset's). */
  subjects?: string[];
  /** The first n items of each subject's split, in file order. */
  limitPerSubject?: number;
  /** Paper: repeated runs (default 1). */
  runs?: number;
  /** Paper: seed of the runs (default 0). */
  seed?: number;
  /** Paper: sampling temperature (default 0 = greedy when runs = 1, 1 when runs > 1). */
  temperature?: number;
  topK?: number;
  topP?: number;
  /** Paper: tokens generated (default 1 for MMLU, 2 for ARC / CommonsenseQA, as the author). */
  maxNewTokens?: number;
  /** Paper variant: read up to the first non-space character, generating up to `maxExtraTokens` more tokens. */
  firstNonSpace?: boolean;
  /** firstNonSpace: extra tokens at most (default 4). */
  maxExtraTokens?: number;
  /** Paper prompt layout (default: 'single-line' for MMLU, 'multi-line' for other datasets). */
  paperFormat?: 'single-line' | 'multi-line';
  /** Left-truncate prompts that do not fit with zero shots (default true); false = throw naming the item. */
  truncate?: boolean;
  /** Reuse shared prompt prefixes in scoring (default true; false is the slow path, for comparison). */
  prefixCache?: boolean;
  /** Requests per forward batch (default: one item's choices with the prefix cache, 16 without). */
  batchSize?: number;
  /** Request cache (resume): memoryRequestCache(), or fileRequestCache(dir) from '@glyphlm/mmlu-eval/node'. */
  cache?: RequestCache;
  /** The model's fingerprint when already known (otherwise SHA-256 of its weights, computed once per call). */
  modelFingerprint?: string;
  /** A name for reports. */
  modelName?: string;
  onProgress?: (p: EvalProgress) => void;
}

const PROTOCOLS: readonly Protocol[] = ['harness', 'paper', 'cloze'];
const KNOWN = new Set([
  'protocol', 'split', 'shots', 'subjects', 'limitPerSubject', 'runs', 'seed', 'temperature', 'topK', 'topP', 'maxNewTokens',
  'firstNonSpace', 'maxExtraTokens', 'paperFormat', 'truncate', 'prefixCache', 'batchSize', 'cache', 'modelFingerprint',
  'modelName', 'onProgress',
]);

function bad(field: string, msg: string): Error {
  return new Error(`evaluate: option ${field} ${msg}`);
}

function intIn(o: Record<string, unknown>, field: string, min: number): void {
  const v = o[field];
  if (v !== undefined && !(Number.isInteger(v) && (v as number) >= min)) throw bad(field, `must be an integer >= ${min}, got ${JSON.stringify(v)}`);
}

/** Throws on an unknown option, a wrong type or an option that does not apply to the protocol. */
export function validateOptions(opts: EvaluateOptions): void {
  if (!opts || typeof opts !== 'object') throw new Error("evaluate: options { protocol: 'harness' | 'paper' | 'cloze', ... } are required");
  const o = opts as unknown as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KNOWN.has(k)) throw bad(k, `is unknown (known: ${[...KNOWN].join(', ')})`);
  if (!PROTOCOLS.includes(opts.protocol)) throw bad('protocol', `must be one of ${PROTOCOLS.join(', ')}, got ${JSON.stringify(opts.protocol)}`);
  if (opts.split !== undefined && !['dev', 'val', 'test'].includes(opts.split)) throw bad('split', `must be 'dev', 'val' or 'test', got ${JSON.stringify(opts.split)}`);
  intIn(o, 'shots', 0);
  intIn(o, 'limitPerSubject', 1);
  intIn(o, 'runs', 1);
  intIn(o, 'seed', 0);
  intIn(o, 'topK', 0);
  intIn(o, 'maxNewTokens', 1);
  intIn(o, 'maxExtraTokens', 1);
  intIn(o, 'batchSize', 1);
  if (opts.temperature !== undefined && !(typeof opts.temperature === 'number' && opts.temperature >= 0)) throw bad('temperature', `must be a number >= 0, got ${JSON.stringify(opts.temperature)}`);
  if (opts.topP !== undefined && !(typeof opts.topP === 'number' && opts.topP > 0 && opts.topP <= 1)) throw bad('topP', `must be in (0, 1], got ${JSON.stringify(opts.topP)}`);
  if (opts.subjects !== undefined && !(Array.isArray(opts.subjects) && opts.subjects.every((s) => typeof s === 'string'))) throw bad('subjects', 'must be an array of subject names');
  if (opts.subjects !== undefined && opts.subjects.length === 0) throw bad('subjects', 'is empty');
  if (opts.subjects !== undefined) {
    const dup = opts.subjects.find((s, i) => opts.subjects!.indexOf(s) !== i);
    if (dup !== undefined) throw bad('subjects', `lists '${dup}' twice`);
  }
  if (opts.paperFormat !== undefined && !['single-line', 'multi-line'].includes(opts.paperFormat)) throw bad('paperFormat', `must be 'single-line' or 'multi-line', got ${JSON.stringify(opts.paperFormat)}`);
  if (opts.onProgress !== undefined && typeof opts.onProgress !== 'function') throw bad('onProgress', 'must be a function');
  if (opts.cache !== undefined && typeof opts.cache?.open !== 'function') throw bad('cache', 'must be a RequestCache ({ open(modelFingerprint) })');
  if (opts.protocol !== 'harness' && opts.shots !== undefined && opts.shots !== 0) throw bad('shots', `must be 0 for the ${opts.protocol} protocol (zero-shot), got ${opts.shots}`);
  // seed, runs: 1 and temperature: 0 are accepted (and mean nothing) for the deterministic scoring protocols
  const paperOnly = ['topK', 'topP', 'maxNewTokens', 'firstNonSpace', 'maxExtraTokens', 'paperFormat'] as const;
  if (opts.protocol !== 'paper') {
    for (const k of paperOnly) if (o[k] !== undefined) throw bad(k, `applies to the paper protocol only (protocol is ${opts.protocol})`);
    if (opts.runs !== undefined && opts.runs !== 1) throw bad('runs', `must be 1 for the ${opts.protocol} protocol (log-likelihood scoring is deterministic), got ${opts.runs}`);
    if (opts.temperature !== undefined && opts.temperature !== 0) throw bad('temperature', `applies to the paper protocol only (protocol is ${opts.protocol})`);
  }
  if (opts.protocol === 'paper') for (const k of ['prefixCache', 'batchSize'] as const) if (o[k] !== undefined) throw bad(k, 'applies to the harness and cloze protocols only');
  if (opts.maxExtraTokens !== undefined && !opts.firstNonSpace) throw bad('maxExtraTokens', 'needs firstNonSpace: true');
}
