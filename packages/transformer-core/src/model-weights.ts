// What a forward reads from a model: its config, the input table, the per-layer matrices and the head, plus the
// embedding lookup. GPT (model.ts) implements it; inference, decoding, generation and scoring take this type, so
// none of them imports the model class and the model can delegate to them without an import cycle.
import type { tf } from './tf.js';
import type { ResolvedConfig } from './config.js';
import type { Sharded } from './weights.js';

/** One transformer block's device weights, each linear layer transposed to [in, out] (checkpoint name in brackets). */
export interface LayerWeights {
  /** Attention input projection to q, k, v [d, 3d] (`attn.qkv.weight`). */
  qkv: tf.Variable;
  /** Attention output projection [d, d] (`attn.proj.weight`). */
  proj: tf.Variable;
  /** MLP input projection [d, 4d] (`mlp.fc.weight`). */
  fc: tf.Variable;
  /** MLP output projection [4d, d] (`mlp.proj.weight`). */
  mlpProj: tf.Variable;
}

/** The weights of a GPT as the forward passes read them. */
export interface ModelWeights {
  readonly config: ResolvedConfig;
  /** Input table, row shards [rows, nEmbed]. */
  readonly embedding: Sharded;
  readonly layers: readonly LayerWeights[];
  /** Head transposed to [dModel, vocab], column shards. */
  readonly head: Sharded;
  /** dModel / nHead. */
  readonly headDim: number;
  /** Embeds ids (flat) and lifts nEmbed -> dModel by repeat_interleave: [N, dModel]. */
  embed(ids: Int32Array): tf.Tensor2D;
}
