// One model's KV-cached decoding at batch 1, as a stepper: the logits after the prompt, then after each appended
// token. The prompt is always prefilled by infer.ts (tfjs ops); the tokens after it go through the backend's fast
// decoder where fast-paths.ts has one (wasm: wasm/wasm-decoder.ts), else through tfjs ops: decode.ts (attention
// elementwise over all heads, about half the kernels: 2.4-3.1x faster per token on webgpu, and faster on wasm with
// the fast paths off) or, on tfjs's cpu backend, infer.ts at one token (its per-head products are faster there: 16
// against 25 ms per token, bench/decode-variants.mjs). Either cache is a static `shared` part (the prompt) plus a
// small `own` part folded into it every MERGE_EVERY tokens, so a step costs the same whatever the prompt length
// except for attention's reads of the cached keys and values.
import { tf } from './tf.js';
import type { ModelWeights } from './model-weights.js';
import { layerNormInfer } from './layer-norm.js';
import { headRows, inferStep } from './infer.js';
import { disposePart, mergeParts, type KVPart } from './kv-cache.js';
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

/** How the tfjs-ops path steps a token: decode.ts, or infer.ts at one token; 'auto' = infer.ts on tfjs's cpu backend only. */
export type OpsStep = 'auto' | 'decode' | 'infer';

/**
 * A stepper for `model` after `ids`: the fast decoder unless `fast` is false or none applies, the tfjs path
 * otherwise (`opsStep` picks its per-token step); with a head pool the final norm runs here and the head in the pool.
 * Allocates nothing until first().
 */
export function createStepper(model: ModelWeights, ids: Int32Array, fast: boolean, pool?: HeadPool, opsStep: OpsStep = 'auto'): Stepper {
  const dec = fast ? fastDecoder(model) : null;
  if (dec) return fastStepper(model, ids, dec, pool);
  const useInfer = opsStep === 'infer' || (opsStep === 'auto' && tf.getBackend() === 'cpu');
  return opsStepper(model, ids, useInfer ? inferCache : decodeCache, pool);
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

/** A batch-1 cache of the tfjs-ops path: made from the prompt's prefill part (taking it over), stepped a token at a time. */
interface OpsCache {
  /** Appends `token`; returns its residual row [1, d] (the caller disposes it). */
  step(token: number): tf.Tensor;
  dispose(): void;
}

/**
 * A batch-1 cache of `shared` (the prompt) and a small `own` part that each step extends and that is merged into
 * `shared` every MERGE_EVERY tokens: the frame of both tfjs-ops caches below, over their own part types.
 */
function mergingCache<P extends { len: number }>(
  shared: P, step: (token: number, shared: P, own: P | null) => { x: tf.Tensor; own: P }, merge: (a: P, b: P) => P,
  dispose: (p: P | null) => void,
): OpsCache {
  let sh: P | null = shared;
  let own: P | null = null;
  return {
    step(token) {
      const r = step(token, sh!, own);
      dispose(own);
      own = r.own;
      if (own.len >= MERGE_EVERY) {
        const merged = merge(sh!, own);
        dispose(sh);
        dispose(own);
        sh = merged;
        own = null;
      }
      return r.x;
    },
    dispose() {
      dispose(sh);
      dispose(own);
      sh = own = null;
    },
  };
}

/** decode.ts's cache: keys and values stacked over heads, attention elementwise. */
function decodeCache(model: ModelWeights, prompt: KVPart): OpsCache {
  const shared = toDecodePart(prompt);
  disposePart(prompt);
  return mergingCache<DecodePart>(shared, (token, sh, own) => decodeStep(model, token, sh, own), mergeDecode, disposeDecode);
}

/** infer.ts's cache at one token: per-(row, head) 2-D keys (transposed) and values, per-head products. */
function inferCache(model: ModelWeights, prompt: KVPart): OpsCache {
  return mergingCache<KVPart>(prompt, (token, sh, own) => inferStep(model, Int32Array.of(token), 1, 1, sh, own), mergeParts, disposePart);
}

/** The tfjs-ops path (any backend): infer.ts prefill, then `makeCache`'s steps. */
function opsStepper(model: ModelWeights, ids: Int32Array, makeCache: (model: ModelWeights, prompt: KVPart) => OpsCache, pool?: HeadPool): Stepper {
  let cache: OpsCache | null = null;
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
        try {
          cache = makeCache(model, r.own);
        } catch (e) {
          disposePart(r.own);
          throw e;
        }
        return await rowLogits(r.x, ids.length - 1);
      } finally {
        r.x.dispose();
      }
    },
    async next(token) {
      const x = cache!.step(token);
      try {
        return await rowLogits(x, null);
      } finally {
        x.dispose();
      }
    },
    dispose() {
      cache?.dispose();
      cache = null;
    },
  };
}
