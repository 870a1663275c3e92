// The SFT mix: instruction examples encoded with a template, chosen (seeded; repeated when there are too few,
// a seeded subset when there are too many) to make up a given share of a split's tokens, and interleaved at
// seeded positions of the pretraining stream.
import type { Tokenizer } from '@glyphlm/unicode-tokenizer';
import type { ResolvedOptions, SftExample } from './corpus-options.js';
import { hash32 } from './sampler.js';
import { unitHash } from './split.js';

export interface EncodedExample {
  prompt: Uint32Array;
  response: Uint32Array;
}

const EXAMPLE_SPLIT_SALT = 0x2545f491;
const ORDER_SALT = 0x1b873593;
const POSITION_SALT = 0x85ebca6b;

/** Check one example and encode its prompt and response segments. */
export function encodeExample(tokenizer: Tokenizer, ex: SftExample, index: number, sft: NonNullable<ResolvedOptions['sft']>): EncodedExample {
  if (ex === null || typeof ex !== 'object') throw new TypeError(`tokenizeCorpus: sft example ${index} is not an object`);
  if (typeof ex.prompt !== 'string') throw new TypeError(`tokenizeCorpus: sft example ${index}: field "prompt" must be a string`);
  if (typeof ex.response !== 'string') throw new TypeError(`tokenizeCorpus: sft example ${index}: field "response" must be a string`);
  const promptText = sft.promptPart.split('{prompt}').join(ex.prompt);
  const responseText = sft.responsePart.replace('{response}', () => ex.response);
  const out = { prompt: tokenizer.encode(promptText), response: tokenizer.encode(responseText) };
  if (out.prompt.length + out.response.length === 0) throw new RangeError(`tokenizeCorpus: sft example ${index} encodes to no tokens`);
  return out;
}

/** Which examples may go to the val split (seeded, like documents); all go to train when that leaves train none. */
export function splitExamples(count: number, seed: number, valFraction: number): { train: number[]; val: number[] } {
  const train: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < count; i++) (valFraction > 0 && unitHash(seed, EXAMPLE_SPLIT_SALT, i) < valFraction ? val : train).push(i);
  if (train.length === 0) return { train: val, val: [] };
  return { train, val };
}

/** A seeded permutation of 0..n-1 (Fisher-Yates over hash32 draws). */
function permutation(n: number, seed: number, salt: number, epoch: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  const key = hash32(hash32(((seed >>> 0) ^ salt) >>> 0) ^ epoch);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor((hash32(key ^ i) / 4294967296) * (i + 1));
    const t = p[i]; p[i] = p[j]; p[j] = t;
  }
  return p;
}

/**
 * Examples (indices into `pool`) in seeded order whose token cost sums as close as possible to `target`.
 * Epoch e is a fresh permutation of the pool, so examples repeat only after all have been used.
 */
export function chooseExamples(pool: number[], cost: (i: number) => number, target: number, seed: number, splitSalt: number): number[] {
  const chosen: number[] = [];
  if (pool.length === 0 || target <= 0) return chosen;
  let acc = 0;
  for (let epoch = 0; ; epoch++) {
    const perm = permutation(pool.length, seed ^ splitSalt, ORDER_SALT, epoch);
    for (const k of perm) {
      const c = cost(pool[k]);
      if (acc + c > target && acc + c - target >= target - acc) return chosen;
      chosen.push(pool[k]);
      acc += c;
    }
  }
}

/** Sorted insertion points in [0, n] for `m` items (ties keep item order). */
export function insertionPoints(m: number, n: number, seed: number, splitSalt: number): number[] {
  const pts: number[] = [];
  for (let j = 0; j < m; j++) pts.push(Math.floor(unitHash(seed ^ splitSalt, POSITION_SALT, j) * (n + 1)));
  return pts.sort((a, b) => a - b);
}
