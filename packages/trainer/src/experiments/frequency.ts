// Validation loss split by how often tokens occur in the TRAINING data. Each val position (input token x_t,
// predicted token x_{t+1}) is put in a bucket by the train-split count of its target, and separately by the count
// of its input token. Rare inputs are where a frozen glyph table can help at all: a trainable table row of a token
// seen a handful of times barely moves from its random init, while a glyph row already says what the token looks like.
// Buckets are count ranges [lo, hi) set by `thresholds` (default [1, 10, 1000]: '0' never seen in train, '1-9'
// rare, '10-999', '>=1000' frequent). The positions are the run's fixed evaluation batches (SPECS.md), so the
// overall loss is the run's validation loss.
import type { GPT } from '@glyphlm/transformer-core';
import type { CorpusData } from '../data/types.js';
import { evalBatches } from '../data/sampler.js';
import { tokenLosses } from './token-losses.js';

export const DEFAULT_FREQUENCY_THRESHOLDS: readonly number[] = [1, 10, 1000];

export interface FrequencyBucket {
  /** '0', '1-9', '10-999', '>=1000' for the default thresholds. */
  name: string;
  /** Train-split count range [minCount, maxCount) of the bucket; maxCount null = unbounded. */
  minCount: number;
  maxCount: number | null;
  /** Mean loss of the val positions in the bucket (nats/token); null when the bucket is empty. */
  loss: number | null;
  /** Number of val positions in the bucket. */
  n: number;
}

export interface ValLossByFrequency {
  thresholds: number[];
  /** Every scored position. */
  overall: { loss: number | null; n: number };
  /** Positions bucketed by the train count of the predicted (target) token. */
  byTarget: FrequencyBucket[];
  /** Positions bucketed by the train count of the input token. */
  byInput: FrequencyBucket[];
}

export interface ValLossByFrequencyOptions {
  blockSize: number;
  /** Number of evaluation batches (batchIndex 0..batches-1 of the val split, SPECS.md). */
  batches: number;
  /** Rows per batch (default 8). */
  batchSize?: number;
  /** The run seed whose evaluation batches are used (default 0). */
  seed?: number;
  /** Ascending positive integer count boundaries (default [1, 10, 1000]). */
  thresholds?: readonly number[];
  /** Precomputed tokenCounts(data.train, vocabSize) (counting is O(train tokens); reuse it across runs). */
  counts?: Float64Array;
}

/** How often each id occurs in `ids` (ids outside [0, vocabSize) throw, naming the position). */
export function tokenCounts(ids: ArrayLike<number>, vocabSize: number): Float64Array {
  if (!Number.isInteger(vocabSize) || vocabSize < 1) throw new RangeError(`tokenCounts: vocabSize must be a positive integer, got ${vocabSize}`);
  const counts = new Float64Array(vocabSize);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!(id >= 0 && id < vocabSize)) throw new RangeError(`tokenCounts: ids[${i}] = ${id} is outside the vocabulary [0, ${vocabSize})`);
    counts[id]++;
  }
  return counts;
}

/** Checks thresholds (ascending positive integers) and returns them as a plain array. */
export function checkThresholds(thresholds: readonly number[]): number[] {
  if (!Array.isArray(thresholds) || thresholds.length === 0) throw new RangeError('frequency thresholds must be a non-empty array of counts');
  thresholds.forEach((t, i) => {
    if (!Number.isInteger(t) || t < 1) throw new RangeError(`frequency thresholds[${i}] must be a positive integer, got ${t}`);
    if (i > 0 && t <= thresholds[i - 1]) throw new RangeError(`frequency thresholds must be strictly ascending: thresholds[${i}] = ${t} <= ${thresholds[i - 1]}`);
  });
  return [...thresholds];
}

/** The buckets [0, t1), [t1, t2), ..., [tk, ∞) with readable names. */
export function frequencyBuckets(thresholds: readonly number[]): Array<Omit<FrequencyBucket, 'loss' | 'n'>> {
  const t = checkThresholds(thresholds);
  const edges = [0, ...t];
  return edges.map((lo, i) => {
    const hi = i + 1 < edges.length ? edges[i + 1] : null;
    const name = hi === null ? `>=${lo}` : hi - 1 === lo ? `${lo}` : `${lo}-${hi - 1}`;
    return { name, minCount: lo, maxCount: hi };
  });
}

function bucketOf(count: number, t: readonly number[]): number {
  let b = 0;
  while (b < t.length && count >= t[b]) b++;
  return b;
}

/** Aggregates per-position losses into buckets (positions with NaN loss are skipped). */
export function bucketLosses(
  losses: ArrayLike<number>, ids: ArrayLike<number>, targets: ArrayLike<number>, counts: Float64Array, thresholds: readonly number[],
): ValLossByFrequency {
  const t = checkThresholds(thresholds);
  const shape = frequencyBuckets(t);
  const sums = { target: new Float64Array(shape.length), input: new Float64Array(shape.length) };
  const ns = { target: new Float64Array(shape.length), input: new Float64Array(shape.length) };
  let total = 0, n = 0;
  for (let i = 0; i < losses.length; i++) {
    const l = losses[i];
    if (Number.isNaN(l) || targets[i] < 0) continue;
    total += l; n++;
    const bt = bucketOf(counts[targets[i]], t), bi = bucketOf(counts[ids[i]], t);
    sums.target[bt] += l; ns.target[bt]++;
    sums.input[bi] += l; ns.input[bi]++;
  }
  const fill = (k: 'target' | 'input') => shape.map((s, b) => ({ ...s, loss: ns[k][b] ? sums[k][b] / ns[k][b] : null, n: ns[k][b] }));
  return { thresholds: t, overall: { loss: n ? total / n : null, n }, byTarget: fill('target'), byInput: fill('input') };
}

/**
 * Validation loss of `model` on the fixed evaluation batches of `seed` (the same positions train() evaluates),
 * split by the train-split count of the target token and of the input token.
 */
export async function valLossByFrequency(
  model: GPT, data: Pick<CorpusData, 'train' | 'val' | 'valMask' | 'vocabSize'>, opts: ValLossByFrequencyOptions,
): Promise<ValLossByFrequency> {
  const { blockSize, batches } = opts;
  const batchSize = opts.batchSize ?? 8;
  const thresholds = checkThresholds(opts.thresholds ?? DEFAULT_FREQUENCY_THRESHOLDS);
  if (!Number.isInteger(batches) || batches < 1) throw new RangeError(`valLossByFrequency: batches must be a positive integer, got ${batches}`);
  if (data.vocabSize > model.config.vocabSize) throw new RangeError(`valLossByFrequency: data.vocabSize ${data.vocabSize} > model vocabSize ${model.config.vocabSize}`);
  const counts = opts.counts ?? tokenCounts(data.train, model.config.vocabSize);
  if (counts.length !== model.config.vocabSize) throw new RangeError(`valLossByFrequency: counts has ${counts.length} entries, expected vocabSize ${model.config.vocabSize}`);
  const list = evalBatches(data.val, data.valMask, { seed: opts.seed ?? 0, count: batches, batchSize, blockSize });
  const N = batchSize * blockSize;
  const losses = new Float64Array(batches * N), ids = new Int32Array(batches * N), targets = new Int32Array(batches * N);
  for (let b = 0; b < list.length; b++) {
    losses.set(await tokenLosses(model, list[b]), b * N);
    ids.set(list[b].ids, b * N);
    targets.set(list[b].targets, b * N);
  }
  return bucketLosses(losses, ids, targets, counts, thresholds);
}
