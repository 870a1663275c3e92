// Continuation scoring (lm-eval "loglikelihood") for a fused model: the batched prefix-cached loop of scoring.ts
// with a KV cache per member; the members' logits at the scored rows are combined (fuse-combine.ts) and scored.
import { tf } from './tf.js';
import type { ModelWeights } from './model-weights.js';
import { headRows } from './infer.js';
import { scoreContinuations, type LogprobOptions, type LogprobRequest, type LogprobResult } from './scoring.js';
import { combineTensors, type FusionAverage } from './fuse-combine.js';

export function logprobsFused(
  members: readonly ModelWeights[], weights: readonly number[], average: FusionAverage, vocabSize: number, blockSize: number,
  requests: LogprobRequest[], opts: LogprobOptions,
): Promise<LogprobResult[]> {
  // fused logits [rows, V]: final norm + head of every member, combined
  const rowLogits = (xs: readonly tf.Tensor[], rows: number[]) =>
    tf.tidy(() => combineTensors(members.map((m, k) => headRows(m, xs[k], rows)), weights, average) as tf.Tensor2D);
  return scoreContinuations(members, rowLogits, vocabSize, blockSize, "the fused model's blockSize", requests, opts);
}
