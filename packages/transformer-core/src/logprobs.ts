// GPT.logprobs: continuation scoring of one model, the batched prefix-cached loop of scoring.ts with the model's
// final norm + head on the scored rows.
import type { ModelWeights } from './model-weights.js';
import { headRows } from './infer.js';
import { scoreContinuations, type LogprobOptions, type LogprobRequest, type LogprobResult } from './scoring.js';

export type { LogprobOptions, LogprobRequest, LogprobResult } from './scoring.js';

export function logprobs(model: ModelWeights, requests: LogprobRequest[], opts: LogprobOptions): Promise<LogprobResult[]> {
  const c = model.config;
  return scoreContinuations([model], (xs, rows) => headRows(model, xs[0], rows), c.vocabSize, c.blockSize, 'blockSize', requests, opts);
}
