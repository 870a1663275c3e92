// Layer-wise growth (the author's abs-bvv / "Growing Transformers" recipe): a model with `addLayers` new blocks on
// top of a trained one, the same input table and output head, the old blocks optionally frozen (GPT.freeze: out of
// trainableVariables, so training gives them no gradient, no optimizer state and leaves them byte-identical).
// New blocks are the ones createModel(grownConfig, { seed }) would make; with init 'identity' (the default) their
// output projections (attn.proj, mlp.proj) are zero, so each new block adds nothing to the residual stream and the
// grown model computes exactly the smaller model's function (same logits, same loss) until training moves them.
import { GPT, WEBGPU_BINDING_LIMIT, initState, loadCheckpoint, type CheckpointBytes, type StateDict } from '@glyphlm/transformer-core';

export type GrowInit = 'identity' | 'fresh';

export interface GrowOptions {
  /** Blocks added on top (>= 1). */
  addLayers: number;
  /**
   * 'below' (default): the existing blocks (and a trainable input table) are frozen, only the new blocks and the
   * head train, as in the author's stage-wise recipe. 'none': everything trains.
   */
  freeze?: 'below' | 'none';
  /** 'identity' (default): new blocks start as the identity (zero output projections). 'fresh': GPT-2 init. */
  init?: GrowInit;
  /** Seed of the new blocks' weights (default 0): those createModel(grownConfig, { seed }) would have. */
  seed?: number;
}

/** Thrown for bad growth options or sources; names the option. */
export class GrowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GrowError';
  }
}

function checkOptions(opts: GrowOptions): Required<GrowOptions> {
  if (!opts || typeof opts !== 'object') throw new GrowError('grow: options must be an object { addLayers, freeze?, init?, seed? }');
  const { addLayers } = opts;
  if (typeof addLayers !== 'number' || !Number.isInteger(addLayers) || addLayers < 1) throw new GrowError(`grow: options.addLayers must be an integer >= 1, got ${JSON.stringify(addLayers)}`);
  const freeze = opts.freeze ?? 'below';
  if (freeze !== 'below' && freeze !== 'none') throw new GrowError(`grow: options.freeze must be "below" or "none", got ${JSON.stringify(opts.freeze)}`);
  const init = opts.init ?? 'identity';
  if (init !== 'identity' && init !== 'fresh') throw new GrowError(`grow: options.init must be "identity" or "fresh", got ${JSON.stringify(opts.init)}`);
  const seed = opts.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new GrowError(`grow: options.seed must be an integer, got ${JSON.stringify(opts.seed)}`);
  return { addLayers, freeze, init, seed };
}

const BLOCK_TENSORS = ['attn.qkv.weight', 'attn.proj.weight', 'mlp.fc.weight', 'mlp.proj.weight'];
const OUTPUT_PROJECTIONS = new Set(['attn.proj.weight', 'mlp.proj.weight']);

/**
 * The new blocks' weights (checkpoint layout), exactly those of createModel(grown, { seed }) at their indices:
 * transformer-core's init seeds each tensor by its index in tensorShapes order, which a 1-row vocabulary keeps
 * while making nothing vocabulary-sized.
 */
function newBlocks(grown: GPT['config'], from: number, seed: number, init: GrowInit): StateDict {
  const small = initState({ ...grown, vocabSize: 1 }, seed);
  const out: StateDict = new Map();
  for (let l = from; l < grown.nLayer; l++) {
    for (const t of BLOCK_TENSORS) {
      const name = `blocks.${l}.${t}`;
      const w = small.get(name)!;
      out.set(name, init === 'identity' && OUTPUT_PROJECTIONS.has(t) ? { shape: w.shape, data: new Float32Array(w.data.length) } : w);
    }
  }
  return out;
}

/**
 * Grows a model (a GPT, or a checkpoint: directory, URL or bytes, loaded with transformer-core's loadCheckpoint):
 * returns a new GPT with `addLayers` blocks on top; the source is left as it was (a loaded checkpoint is disposed).
 */
export async function grow(source: GPT | string | URL | CheckpointBytes, options: GrowOptions): Promise<GPT> {
  const o = checkOptions(options);
  const isModel = source instanceof GPT || (!!source && typeof source === 'object' && 'stateDict' in source && 'layers' in source);
  if (!isModel && typeof source !== 'string' && !(source instanceof URL) && !(source && typeof source === 'object' && 'weights' in source && 'config' in source)) {
    throw new GrowError('grow: source must be a transformer-core GPT, a checkpoint directory or URL, or { config, weights } bytes');
  }
  const model = isModel ? (source as GPT) : await loadCheckpoint(source as string | URL | CheckpointBytes);
  try {
    const old = model.config.nLayer;
    const grownConfig = { ...model.config, nLayer: old + o.addLayers };
    const state = await model.stateDict();
    for (const [name, t] of newBlocks(grownConfig, old, o.seed, o.init)) state.set(name, t);
    // a source split into shards (webgpu's binding limit, or an explicit maxShardBytes) is split the same way
    const maxShardBytes = model.embedding.parts.length > 1 || model.head.parts.length > 1 ? WEBGPU_BINDING_LIMIT : undefined;
    const grown = new GPT(grownConfig, model.embeddingKind, state, model.embeddingMeta, maxShardBytes);
    if (o.freeze === 'below') {
      grown.freeze({ layers: Array.from({ length: old }, (_, i) => i), embedding: grown.embeddingKind === 'trainable' });
    }
    return grown;
  } finally {
    if (!isModel) model.dispose();
  }
}
