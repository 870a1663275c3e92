// GPT.generate: streams token ids after a prompt. Options are checked eagerly (before any tensor work); the tokens
// come from one model's stepper (stepper.ts: infer.ts prefill, then the fast decoder or decode.ts per token) and
// sampling.ts picks each next token.
import type { ModelWeights } from './model-weights.js';
import { checkIds, InputError } from './input.js';
import { Rng } from './rng.js';
import { sampleToken, type SampleOptions } from './sampling.js';
import { createStepper, type HeadPool, type Stepper } from './stepper.js';

export type { HeadPool } from './stepper.js';

export interface GenerateOptions {
  /** Number of tokens to generate at most (default 64). prompt.length + maxNewTokens must fit in blockSize. */
  maxNewTokens?: number;
  /** 0 (default) = greedy. */
  temperature?: number;
  topK?: number;
  topP?: number;
  /** Seed of the sampler (default 0). */
  seed?: number;
  /** Stop token id(s): generation ends when one is produced (it is not yielded). */
  stop?: number | readonly number[];
  /** Computes the head elsewhere (Node: createHeadPool from `@glyphlm/transformer-core/node` uses both cores). */
  headPool?: HeadPool;
  /**
   * Decode steps run in the backend's fast decoder where there is one (wasm: the fused wasm SIMD decoder; default
   * true; the prompt is always prefilled with tfjs). false forces the tfjs path (decode.ts) for this call, as
   * setFastPaths(false) does for everything.
   */
  fastDecode?: boolean;
}

/** A generate() call's checked options. */
export interface GenerateRequest {
  ids: Int32Array;
  maxNew: number;
  stop: Set<number>;
  sample: SampleOptions;
  seed: number;
}

/** Checks a prompt and options against a vocabulary and a context of `blockSize` (`limit`: its name in errors). */
export function checkGenerate(prompt: ArrayLike<number>, opts: GenerateOptions, vocabSize: number, blockSize: number, limit = `blockSize ${blockSize}`): GenerateRequest {
  const ids = checkIds(prompt, vocabSize, 'generate prompt');
  if (ids.length === 0) throw new InputError('generate: the prompt is empty');
  const maxNew = opts.maxNewTokens ?? 64;
  if (!Number.isInteger(maxNew) || maxNew < 0) throw new InputError(`generate: maxNewTokens must be a non-negative integer, got ${maxNew}`);
  if (ids.length + maxNew > blockSize) {
    throw new InputError(`generate: prompt length ${ids.length} + maxNewTokens ${maxNew} exceeds ${limit}`);
  }
  if (opts.temperature !== undefined && !(opts.temperature >= 0)) throw new InputError(`generate: temperature must be >= 0, got ${opts.temperature}`);
  if (opts.topP !== undefined && !(opts.topP > 0 && opts.topP <= 1)) throw new InputError(`generate: topP must be in (0, 1], got ${opts.topP}`);
  if (opts.topK !== undefined && !(Number.isInteger(opts.topK) && opts.topK >= 0)) throw new InputError(`generate: topK must be a non-negative integer, got ${opts.topK}`);
  const stop = new Set<number>(opts.stop === undefined ? [] : typeof opts.stop === 'number' ? [opts.stop] : opts.stop);
  for (const s of stop) if (!Number.isInteger(s)) throw new InputError(`generate: stop id ${s} is not an integer`);
  return { ids, maxNew, stop, sample: { temperature: opts.temperature, topK: opts.topK, topP: opts.topP }, seed: opts.seed ?? 0 };
}

/**
 * Samples up to maxNew tokens from steppers made when the stream is first read (so a stream never read holds
 * nothing); `combine` turns their logit rows into the row to sample from (one model: that row).
 */
export async function* sampleStream(
  req: GenerateRequest, makeSteppers: () => Stepper[], combine: (rows: Float32Array[]) => Float32Array,
): AsyncGenerator<number, void, undefined> {
  if (req.maxNew === 0) return;
  const rng = new Rng(req.seed);
  const steppers: Stepper[] = [];
  try {
    steppers.push(...makeSteppers());
    const rows: Float32Array[] = [];
    for (const s of steppers) rows.push(await s.first());
    for (let i = 0; i < req.maxNew; i++) {
      const tok = sampleToken(combine(rows), req.sample, rng);
      if (req.stop.has(tok)) return;
      yield tok;
      if (i === req.maxNew - 1) return;
      for (let k = 0; k < steppers.length; k++) rows[k] = await steppers[k].next(tok);
    }
  } finally {
    steppers.forEach((s) => s.dispose());
  }
}

/** Validates eagerly (before any tensor work), then returns the token stream. */
export function generate(model: ModelWeights, prompt: ArrayLike<number>, opts: GenerateOptions): AsyncGenerator<number, void, undefined> {
  const req = checkGenerate(prompt, opts, model.config.vocabSize, model.config.blockSize);
  return sampleStream(req, () => [createStepper(model, req.ids, opts.fastDecode !== false, opts.headPool)], (rows) => rows[0]);
}
