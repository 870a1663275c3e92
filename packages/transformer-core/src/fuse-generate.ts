// Generation for a fused model: every member keeps its own KV cache and steps one token at a time (stepper.ts, the
// same steppers generate.ts uses); after each step the members' logit rows are combined (fuse-combine.ts) and the
// next token is chosen by sampling.ts.
import type { ModelWeights } from './model-weights.js';
import { checkGenerate, sampleStream, type GenerateOptions } from './generate.js';
import { InputError } from './input.js';
import { createStepper } from './stepper.js';
import { combineRows, type FusionAverage } from './fuse-combine.js';

/** Validates eagerly (before any tensor work, as generate.ts does), then returns the fused token stream. */
export function generateFused(
  members: readonly ModelWeights[], weights: readonly number[], average: FusionAverage, vocabSize: number, blockSize: number,
  prompt: ArrayLike<number>, opts: GenerateOptions,
): AsyncGenerator<number, void, undefined> {
  const req = checkGenerate(prompt, opts, vocabSize, blockSize, `the fused model's blockSize ${blockSize} (the smallest member's)`);
  if (opts.headPool) throw new InputError('generate: headPool is not supported by a fused model (each member has its own head)');
  return sampleStream(req, () => members.map((m) => createStepper(m, req.ids, opts.fastDecode !== false)), (rows) => combineRows(rows, weights, average));
}
