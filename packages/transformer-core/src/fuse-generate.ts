// Generation for a fused model: every member keeps its own KV cache and steps one token at a time (the fused wasm
// decoder where it applies, transformer-core's tfjs decode path otherwise, exactly as generate.ts runs them); after
// each step the members' logit rows are combined (fuse-combine.ts) and the next token is chosen by sampling.ts.
import type { ModelWeights } from './model-weights.js';
import type { GenerateOptions } from './generate.js';
import { checkIds, InputError } from './input.js';
import { disposePart, headRows, inferStep } from './infer.js';
import { decodeStep, disposeDecode, mergeDecode, toDecodePart, type DecodePart } from './decode.js';
import { WasmDecoder } from './wasm/wasm-decoder.js';
import { Rng } from './rng.js';
import { sampleToken } from './sampling.js';
import { combineRows, type FusionAverage } from './fuse-combine.js';

const MERGE_EVERY = 32; // as generate.ts: the small own cache part is folded into the shared part this often

/** One member's cached decoding: logits after the prompt, then after each appended token. */
interface Stepper {
  first(): Promise<Float32Array>;
  next(token: number): Promise<Float32Array>;
  dispose(): void;
}

async function rowOf(model: ModelWeights, x: import('./tf.js').Tensor, row: number | null): Promise<Float32Array> {
  const t = headRows(model, x, row === null ? null : [row]);
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}

/** The fused wasm decoder of one member (prefill with tfjs ops, then one decoder step per token). */
function wasmStepper(model: ModelWeights, ids: Int32Array, dec: WasmDecoder): Stepper {
  return {
    async first() {
      const r = inferStep(model, ids, 1, ids.length, null, null);
      try {
        dec.prefill(r.own);
        return dec.logitsOfRow(r.x, ids.length - 1); // a copy: another member's ops may grow the heap
      } finally {
        disposePart(r.own);
        r.x.dispose();
      }
    },
    async next(token) {
      return dec.step(token);
    },
    dispose() {
      dec.dispose();
    },
  };
}

/** The tfjs-ops decode path of one member (any backend). */
function opsStepper(model: ModelWeights, ids: Int32Array): Stepper {
  let shared: DecodePart | null = null;
  let own: DecodePart | null = null;
  return {
    async first() {
      const r = inferStep(model, ids, 1, ids.length, null, null);
      try {
        shared = toDecodePart(r.own);
        return await rowOf(model, r.x, ids.length - 1);
      } finally {
        disposePart(r.own);
        r.x.dispose();
      }
    },
    async next(token) {
      const r = decodeStep(model, token, shared!, own);
      disposeDecode(own);
      own = r.own;
      try {
        return await rowOf(model, r.x, null);
      } finally {
        r.x.dispose();
        if (own.len >= MERGE_EVERY) {
          const merged = mergeDecode(shared!, own);
          disposeDecode(shared);
          disposeDecode(own);
          shared = merged;
          own = null;
        }
      }
    },
    dispose() {
      disposeDecode(shared);
      disposeDecode(own);
      shared = own = null;
    },
  };
}

function stepperFor(model: ModelWeights, ids: Int32Array, fast: boolean): Stepper {
  const dec = fast ? WasmDecoder.create(model) : null;
  return dec ? wasmStepper(model, ids, dec) : opsStepper(model, ids);
}

/** Validates eagerly (before any tensor work, as generate.ts does), then returns the fused token stream. */
export function generateFused(
  members: readonly ModelWeights[], weights: readonly number[], average: FusionAverage, vocabSize: number, blockSize: number,
  prompt: ArrayLike<number>, opts: GenerateOptions,
): AsyncGenerator<number, void, undefined> {
  const ids = checkIds(prompt, vocabSize, 'generate prompt');
  if (ids.length === 0) throw new InputError('generate: the prompt is empty');
  const maxNew = opts.maxNewTokens ?? 64;
  if (!Number.isInteger(maxNew) || maxNew < 0) throw new InputError(`generate: maxNewTokens must be a non-negative integer, got ${maxNew}`);
  if (ids.length + maxNew > blockSize) {
    throw new InputError(`generate: prompt length ${ids.length} + maxNewTokens ${maxNew} exceeds the fused model's blockSize ${blockSize} (the smallest member's)`);
  }
  if (opts.temperature !== undefined && !(opts.temperature >= 0)) throw new InputError(`generate: temperature must be >= 0, got ${opts.temperature}`);
  if (opts.topP !== undefined && !(opts.topP > 0 && opts.topP <= 1)) throw new InputError(`generate: topP must be in (0, 1], got ${opts.topP}`);
  if (opts.topK !== undefined && !(Number.isInteger(opts.topK) && opts.topK >= 0)) throw new InputError(`generate: topK must be a non-negative integer, got ${opts.topK}`);
  const stop = new Set<number>(opts.stop === undefined ? [] : typeof opts.stop === 'number' ? [opts.stop] : opts.stop);
  for (const s of stop) if (!Number.isInteger(s)) throw new InputError(`generate: stop id ${s} is not an integer`);
  if (opts.headPool) throw new InputError('generate: headPool is not supported by a fused model (each member has its own head)');
  const sopts = { temperature: opts.temperature, topK: opts.topK, topP: opts.topP };
  return (async function* () {
    if (maxNew === 0) return;
    const rng = new Rng(opts.seed ?? 0);
    // created when the stream is first read, so a stream never read holds nothing
    const steppers: Stepper[] = [];
    try {
      for (const m of members) steppers.push(stepperFor(m, ids, opts.fastDecode !== false));
      const rows: Float32Array[] = [];
      for (const s of steppers) rows.push(await s.first());
      let row = combineRows(rows, weights, average);
      for (let i = 0; i < maxNew; i++) {
        const tok = sampleToken(row, sopts, rng);
        if (stop.has(tok)) return;
        yield tok;
        if (i === maxNew - 1) return;
        for (let k = 0; k < steppers.length; k++) rows[k] = await steppers[k].next(tok);
        row = combineRows(rows, weights, average);
      }
    } finally {
      steppers.forEach((s) => s.dispose());
    }
  })();
}
