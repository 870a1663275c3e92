// The custom tfjs kernels a backend may implement as fast paths, by name, with their attributes and the calls that
// run them: the contract between the ops (ops.ts, head.ts), which never import an implementation, and a backend's
// kernel list (wasm: wasm/register.ts). Ops run one only where fast-paths.ts says the active backend has it.
import { tf } from './tf.js';

/** y = gelu_tanh(x), float32, any shape. */
export const GELU = 'GlyphlmGelu';
/** dx = dy * gelu_tanh'(x). */
export const GELU_GRAD = 'GlyphlmGeluGrad';
/** Causal self-attention of a training forward from qkv [N, 3d], rotary included: [out, saved, probs]. */
export const ATTENTION = 'GlyphlmAttention';
/** Its gradient: dqkv [N, 3d] from dy [N, d] and the forward's saved tensors. */
export const ATTENTION_GRAD = 'GlyphlmAttentionGrad';
/** An inference step's per-(row, head) queries (rotated, scaled), transposed keys (rotated) and values from qkv [N, 3d]. */
export const QKV_HEADS = 'GlyphlmQkvHeads';
/** An inference step's attention with no per-row cache: new keys and values, joined to a cached prefix, and the heads' output. */
export const INFER_ATTENTION = 'GlyphlmInferAttention';
/** Log-probabilities of picked entries of logits rows (log-softmax there) and each row's argmax: [lp, argmax]. */
export const ROW_LOGPROBS = 'GlyphlmRowLogprobs';
/** Rows of a table [R, C] picked by int32 ids: an embedding lookup. */
export const GATHER_ROWS = 'GlyphlmGatherRows';
/** LayerNorm of inference (no gain, bias or gradient) over the last axis, float32. */
export const LAYER_NORM = 'GlyphlmLayerNorm';
/** The output head and its cross-entropy (and gradients) in one kernel: [loss, dh?, dW?]. */
export const HEAD_XENT = 'GlyphlmHeadXent';

/** Every kernel name above, by what it does: what wasm/register.ts offers as fast paths, and names for withoutFastKernels. */
export const FAST_KERNELS = {
  gelu: GELU, geluGrad: GELU_GRAD, attention: ATTENTION, attentionGrad: ATTENTION_GRAD, qkvHeads: QKV_HEADS,
  inferAttention: INFER_ATTENTION, rowLogprobs: ROW_LOGPROBS, gatherRows: GATHER_ROWS, layerNorm: LAYER_NORM, headXent: HEAD_XENT,
} as const;

export interface AttentionAttrs {
  batch: number;
  heads: number;
}

export interface QkvHeadsAttrs {
  batch: number;
  heads: number;
  /** Multiplies the queries (1 / sqrt(hd)). */
  scale: number;
  /** Ragged rows: row b has rowLengths[b] tokens, rows one after the other; [] = equal rows. */
  rowLengths: number[];
}

export interface InferAttentionAttrs {
  batch: number;
  heads: number;
  /** Multiplies the queries (1 / sqrt(hd)). */
  scale: number;
  /** Ragged rows: row b has rowLengths[b] tokens, rows one after the other; [] = equal rows. */
  rowLengths: number[];
  /** Also return the prefix joined to the new keys and values (batch 1 with a prefix). */
  join: boolean;
  /** Rows of qkv whose output is wanted (ascending); [] = every row. */
  outRows: number[];
}

export interface HeadXentAttrs {
  /** Multiplies the gradients (1 / number of valid targets). */
  scale: number;
  withGrad: boolean;
  /** Vocabulary columns per block (the last block may be narrower); 0: the kernel's choice. */
  blockCols: number;
  /** Rows per chunk: the logits of one chunk, [chunkRows, vocab], exist at a time; 0: the kernel's choice. */
  chunkRows: number;
}

/** The vocabulary tiling of HEAD_XENT (tests pick small ones); 0 or absent: the kernel's choice. */
export interface HeadXentTiling {
  blockCols?: number;
  chunkRows?: number;
}

const run = (name: string, inputs: Record<string, tf.Tensor>, attrs?: object) =>
  tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap);

/** gelu_tanh(x), float32. */
export function runGelu(x: tf.Tensor): tf.Tensor {
  return run(GELU, { x }) as tf.Tensor;
}

/** LayerNorm over the last axis (inference), float32. */
export function runLayerNorm(x: tf.Tensor): tf.Tensor {
  return run(LAYER_NORM, { x }) as tf.Tensor;
}

/** dy * gelu_tanh'(x), float32, same shapes. */
export function runGeluGrad(x: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  return run(GELU_GRAD, { x, dy }) as tf.Tensor;
}

/** [out [N, d], saved, probs] for qkv [N, 3d] of `batch` sequences; cos, sin [T, hd/2] (any shape of that size). */
export function runAttention(qkv: tf.Tensor, cos: tf.Tensor, sin: tf.Tensor, attrs: AttentionAttrs): tf.Tensor[] {
  return run(ATTENTION, { qkv, cos, sin }, attrs) as tf.Tensor[];
}

/** dqkv [N, 3d] from dy [N, d] and the forward's saved tensors. */
export function runAttentionGrad(dy: tf.Tensor, saved: tf.Tensor, probs: tf.Tensor, cos: tf.Tensor, sin: tf.Tensor, attrs: AttentionAttrs): tf.Tensor {
  return run(ATTENTION_GRAD, { dy, saved, probs, cos, sin }, attrs) as tf.Tensor;
}

/**
 * Per-(row, head) pieces of qkv [B*T, 3d] (cos, sin: T * hd/2 floats, any shape, by position within a row): [...queries
 * [T, hd] (rotated, times scale), ...keys transposed [hd, T] (rotated), ...values [T, hd]], each list B*H long, index
 * b * H + h. With attrs.rowLengths, row b has its own length (qkv [sum, 3d]; tables of the longest row).
 */
export function runQkvHeads(qkv: tf.Tensor, cos: tf.Tensor, sin: tf.Tensor, attrs: QkvHeadsAttrs): { qs: tf.Tensor[]; kTs: tf.Tensor[]; vs: tf.Tensor[] } {
  const out = run(QKV_HEADS, { qkv, cos, sin }, attrs) as tf.Tensor[];
  const n = attrs.batch * attrs.heads;
  return { qs: out.slice(0, n), kTs: out.slice(n, 2 * n), vs: out.slice(2 * n) };
}

/**
 * An inference step's attention from qkv [N, 3d] (cos, sin: the rows' positions after the prefix, T * hd/2 floats) over
 * an optional cached prefix (per head kT [hd, Tp], v [Tp, hd]): the heads' output [R, d] at attrs.outRows (or every
 * row), the new keys transposed [hd, len] and values [len, hd] per (row, head) (index b * H + h) and, with attrs.join,
 * the prefix joined to them per head ([hd, Tp + len], [Tp + len, hd]).
 */
export function runInferAttention(
  qkv: tf.Tensor, cos: tf.Tensor, sin: tf.Tensor, prefixKT: readonly tf.Tensor[], prefixV: readonly tf.Tensor[], attrs: InferAttentionAttrs,
): { out: tf.Tensor; kTs: tf.Tensor[]; vs: tf.Tensor[]; joinedK: tf.Tensor[]; joinedV: tf.Tensor[] } {
  const inputs: Record<string, tf.Tensor> = { qkv, cos, sin };
  prefixKT.forEach((t, h) => { inputs[`sk${h}`] = t; });
  prefixV.forEach((t, h) => { inputs[`sv${h}`] = t; });
  const r = run(INFER_ATTENTION, inputs, attrs) as tf.Tensor[];
  const n = attrs.batch * attrs.heads, H = attrs.heads;
  return {
    out: r[0],
    kTs: r.slice(1, 1 + n),
    vs: r.slice(1 + n, 1 + 2 * n),
    joinedK: attrs.join ? r.slice(1 + 2 * n, 1 + 2 * n + H) : [],
    joinedV: attrs.join ? r.slice(1 + 2 * n + H, 1 + 2 * n + 2 * H) : [],
  };
}

/** table [R, C] float32 rows at ids (int32 [N]): [N, C]. */
export function runGatherRows(table: tf.Tensor, ids: tf.Tensor): tf.Tensor {
  return run(GATHER_ROWS, { table, ids }) as tf.Tensor;
}

/**
 * For logits [R, V] and flat picks r * V + t (int32 [F]): log softmax(logits[r])[t] per pick (float32 [F]) and each
 * row's argmax (int32 [R], the first of equal maxima).
 */
export function runRowLogprobs(logits: tf.Tensor, picks: tf.Tensor): { lp: tf.Tensor; argmax: tf.Tensor } {
  const [lp, argmax] = run(ROW_LOGPROBS, { logits, picks }) as tf.Tensor[];
  return { lp, argmax };
}

/**
 * Summed loss over rows of w (logsumexp(h W) - (h W)[target]) and, with wT given, its gradients times `scale`:
 * [loss, dh [N, d], dW [d, V]]. h [N, d], w [d, V], wT [V, d] float32; targets int32 [N]; weights float32 [N].
 */
export function runHeadXent(h: tf.Tensor, w: tf.Tensor, wT: tf.Tensor | null, targets: tf.Tensor, weights: tf.Tensor, scale: number, tiling: HeadXentTiling = {}): tf.Tensor[] {
  const attrs: HeadXentAttrs = { scale, withGrad: wT !== null, blockCols: tiling.blockCols ?? 0, chunkRows: tiling.chunkRows ?? 0 };
  const inputs: Record<string, tf.Tensor> = { h, w, targets, weights };
  if (wT) inputs.wT = wT;
  return run(HEAD_XENT, inputs, attrs) as tf.Tensor[];
}
