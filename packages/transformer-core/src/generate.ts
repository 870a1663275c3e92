// Token streaming with a KV cache: the prompt is prefilled once (a batch-1 shared part), new tokens go to a small
// own part that is folded into the shared part every MERGE_EVERY tokens, so a step costs the same whatever the
// prompt length except for attention's reads of the cached keys and values.
import { tf } from './tf.js';
import { layerNormInfer } from './ops.js';
import type { ModelWeights } from './model-weights.js';
import { checkIds, InputError } from './input.js';
import { disposePart, headRows, inferStep } from './infer.js';
import { decodeStep, disposeDecode, mergeDecode, toDecodePart, type DecodePart } from './decode.js';
import { Rng } from './rng.js';
import { WasmDecoder } from './wasm/wasm-decoder.js';
import { sampleToken, type SampleOptions } from './sampling.js';

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
   * On the wasm backend, decode steps run in the fused wasm SIMD decoder (wasm/) instead of tfjs ops
   * (default true; the prompt is always prefilled with tfjs). false forces the tfjs path, e.g. to compare them.
   */
  fastDecode?: boolean;
}

/** Computes logits [vocab] from one final-normed hidden vector [dModel]. */
export interface HeadPool {
  logits(x: Float32Array): Promise<Float32Array>;
}

const MERGE_EVERY = 32;

/** Validates eagerly (before any tensor work), then returns the token stream. */
export function generate(model: ModelWeights, prompt: ArrayLike<number>, opts: GenerateOptions): AsyncGenerator<number, void, undefined> {
  const c = model.config;
  const ids = checkIds(prompt, c.vocabSize, 'generate prompt');
  if (ids.length === 0) throw new InputError('generate: the prompt is empty');
  const maxNew = opts.maxNewTokens ?? 64;
  if (!Number.isInteger(maxNew) || maxNew < 0) throw new InputError(`generate: maxNewTokens must be a non-negative integer, got ${maxNew}`);
  if (ids.length + maxNew > c.blockSize) {
    throw new InputError(`generate: prompt length ${ids.length} + maxNewTokens ${maxNew} exceeds blockSize ${c.blockSize}`);
  }
  const stop = new Set<number>(opts.stop === undefined ? [] : typeof opts.stop === 'number' ? [opts.stop] : opts.stop);
  const rng = new Rng(opts.seed ?? 0);
  const sopts = { temperature: opts.temperature, topK: opts.topK, topP: opts.topP };
  if (opts.temperature !== undefined && !(opts.temperature >= 0)) throw new InputError(`generate: temperature must be >= 0, got ${opts.temperature}`);
  if (opts.topP !== undefined && !(opts.topP > 0 && opts.topP <= 1)) throw new InputError(`generate: topP must be in (0, 1], got ${opts.topP}`);
  if (opts.topK !== undefined && !(Number.isInteger(opts.topK) && opts.topK >= 0)) throw new InputError(`generate: topK must be a non-negative integer, got ${opts.topK}`);
  for (const s of stop) if (!Number.isInteger(s)) throw new InputError(`generate: stop id ${s} is not an integer`);
  if (opts.fastDecode !== false) {
    if (WasmDecoder.supports(model)) return fastStream(model, ids, maxNew, stop, rng, sopts, opts.headPool);
  }
  return stream(model, ids, maxNew, stop, rng, sopts, opts.headPool);
}

/** The stream on the fused wasm decoder: tfjs prefill, then one decoder step per token. */
async function* fastStream(model: ModelWeights, ids: Int32Array, maxNew: number, stop: Set<number>, rng: Rng, sopts: SampleOptions, pool?: HeadPool): AsyncGenerator<number, void, undefined> {
  if (maxNew === 0) return;
  // created here, when the stream is first read, so that a stream never read holds nothing
  const dec = WasmDecoder.create(model);
  if (!dec) {
    yield* stream(model, ids, maxNew, stop, rng, sopts, pool); // the backend changed before the stream was first read
    return;
  }
  try {
    let row: Float32Array;
    {
      const r = inferStep(model, ids, 1, ids.length, null, null);
      try {
        dec.prefill(r.own);
        row = pool ? await pool.logits(dec.normedOfRow(r.x, ids.length - 1)) : dec.logitsOfRow(r.x, ids.length - 1);
      } finally {
        disposePart(r.own);
        r.x.dispose();
      }
    }
    yield* sampleTokens(row, async (tok) => (pool ? pool.logits(dec.stepNormed(tok)) : dec.step(tok)), maxNew, stop, rng, sopts);
  } finally {
    dec.dispose();
  }
}

/** Samples up to maxNew tokens: `row` holds the logits after the prompt, `next(tok)` gives those after tok. */
async function* sampleTokens(row: Float32Array, next: (tok: number) => Promise<Float32Array>, maxNew: number, stop: Set<number>, rng: Rng, sopts: SampleOptions): AsyncGenerator<number, void, undefined> {
  for (let i = 0; i < maxNew; i++) {
    const tok = sampleToken(row, sopts, rng);
    if (stop.has(tok)) return;
    yield tok;
    if (i === maxNew - 1) return;
    row = await next(tok);
  }
}

async function* stream(model: ModelWeights, ids: Int32Array, maxNew: number, stop: Set<number>, rng: Rng, sopts: SampleOptions, pool?: HeadPool): AsyncGenerator<number, void, undefined> {
  // logits of one residual row: on this backend, or the final norm here and the head in the pool
  const rowLogits = async (x: tf.Tensor, row: number | null): Promise<Float32Array> => {
    if (!pool) {
      const t = headRows(model, x, row === null ? null : [row]);
      try {
        return (await t.data()) as Float32Array;
      } finally {
        t.dispose();
      }
    }
    const n = tf.tidy(() => layerNormInfer(row === null ? x : tf.slice(x, [row, 0], [1, -1])));
    try {
      return await pool.logits((await n.data()) as Float32Array);
    } finally {
      n.dispose();
    }
  };
  if (maxNew === 0) return;
  let shared: DecodePart | null = null;
  let own: DecodePart | null = null;
  try {
    let row: Float32Array;
    {
      const r = inferStep(model, ids, 1, ids.length, null, null);
      shared = toDecodePart(r.own);
      disposePart(r.own);
      try {
        row = await rowLogits(r.x, ids.length - 1);
      } finally {
        r.x.dispose();
      }
    }
    yield* sampleTokens(row, async (tok) => {
      const r = decodeStep(model, tok, shared!, own);
      disposeDecode(own);
      own = r.own;
      let next: Float32Array;
      try {
        next = await rowLogits(r.x, null);
      } finally {
        r.x.dispose();
      }
      if (own.len >= MERGE_EVERY) {
        const merged = mergeDecode(shared!, own);
        disposeDecode(shared);
        disposeDecode(own);
        shared = merged;
        own = null;
      }
      return next;
    }, maxNew, stop, rng, sopts);
  } finally {
    disposeDecode(shared);
    disposeDecode(own);
  }
}
