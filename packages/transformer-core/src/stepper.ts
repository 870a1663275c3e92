// One model's KV-cached decoding at batch 1, as a stepper: the logits after the prompt, then after each appended
// token. The prompt is always prefilled by infer.ts (tfjs ops); the tokens after it go through the backend's fast
// decoder where fast-paths.ts has one (wasm: wasm/wasm-decoder.ts), else through decode.ts (tfjs ops), whose cache
// is a static `shared` part (the prompt) plus a small `own` part folded into it every MERGE_EVERY tokens, so a step
// costs the same whatever the prompt length except for attention's reads of the cached keys and values.
import { tf } from './tf.js';
import type { ModelWeights } from './model-weights.js';
import { layerNormInfer } from './layer-norm.js';
import { headRows, inferStep } from './infer.js';
import { disposePart } from './kv-cache.js';
import { decodeStep, disposeDecode, mergeDecode, toDecodePart, type DecodePart } from './decode.js';
import { fastDecoder, type FastDecoder } from './fast-paths.js';

/** Computes logits [vocab] from one final-normed hidden vector [dModel]. */
export interface HeadPool {
  logits(x: Float32Array): Promise<Float32Array>;
}

/** One model's cached decoding: logits after the prompt, then after each appended token. */
export interface Stepper {
  first(): Promise<Float32Array>;
  next(token: number): Promise<Float32Array>;
  dispose(): void;
}

const MERGE_EVERY = 32;

/**
 * A stepper for `model` after `ids`: the fast decoder unless `fast` is false or none applies, the tfjs path
 * otherwise; with a head pool the final norm runs here and the head in the pool. Allocates nothing until first().
 */
export function createStepper(model: ModelWeights, ids: Int32Array, fast: boolean, pool?: HeadPool): Stepper {
  const dec = fast ? fastDecoder(model) : null;
  return dec ? fastStepper(model, ids, dec, pool) : opsStepper(model, ids, pool);
}

/** The fast decoder: tfjs prefill loaded into its cache, then one decoder step per token. */
function fastStepper(model: ModelWeights, ids: Int32Array, dec: FastDecoder, pool?: HeadPool): Stepper {
  return {
    async first() {
      const r = inferStep(model, ids, 1, ids.length, null, null);
      try {
        dec.prefill(r.own);
        // copies: another model's ops may grow the heap
        return pool ? await pool.logits(dec.normedOfRow(r.x, ids.length - 1)) : dec.logitsOfRow(r.x, ids.length - 1);
      } finally {
        disposePart(r.own);
        r.x.dispose();
      }
    },
    async next(token) {
      return pool ? pool.logits(dec.stepNormed(token)) : dec.step(token);
    },
    dispose() {
      dec.dispose();
    },
  };
}

/** The tfjs-ops path (any backend): infer.ts prefill, decode.ts steps. */
function opsStepper(model: ModelWeights, ids: Int32Array, pool?: HeadPool): Stepper {
  let shared: DecodePart | null = null;
  let own: DecodePart | null = null;
  // logits of one residual row (null: x is that row): on this backend, or the final norm here and the head in the pool
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
  return {
    async first() {
      const r = inferStep(model, ids, 1, ids.length, null, null);
      try {
        shared = toDecodePart(r.own);
        return await rowLogits(r.x, ids.length - 1);
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
        return await rowLogits(r.x, null);
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
