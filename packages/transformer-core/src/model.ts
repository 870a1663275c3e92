// The GPT of docs/architecture-and-checkpoint.md on tfjs-core: weights, the training forward (hidden(): read it
// top to bottom; its math lives in ops.ts, layer-norm.ts, rotary.ts, heads.ts and head.ts), the loss and logits.
// generate() and logprobs() delegate to generate.ts and logprobs.ts, which take the ModelWeights this class implements.
import { tf } from './tf.js';
import { resolveConfig, tensorShapes, type ModelConfig, type ResolvedConfig } from './config.js';
import { mm, gelu, selfAttention, causalMask } from './ops.js';
import { layerNorm } from './layer-norm.js';
import { rotaryTables } from './rotary.js';
import { headLogits, headCrossEntropy } from './head.js';
import { toBatch, type IdBatch, InputError } from './input.js';
import { Rng, firstDropoutSeed, initTensorSeed } from './rng.js';
import { makeSharded, readSharded, transpose2d, WEBGPU_BINDING_LIMIT, type Sharded } from './weights.js';
import { gatherRows } from './gather-rows.js';
import { generate as generateImpl, type GenerateOptions } from './generate.js';
import { logprobs as logprobsImpl, type LogprobRequest, type LogprobResult, type LogprobOptions } from './logprobs.js';
import type { LayerWeights, ModelWeights } from './model-weights.js';

/** A fixed input embedding table: `rows` x `dim`, row-major. */
export interface EmbeddingMatrix {
  rows: number;
  dim: number;
  data: Float32Array;
  meta?: Record<string, unknown>;
}

export interface CreateModelOptions {
  /** An EmbeddingMatrix (frozen: a constant, never trained) or 'trainable' (a variable, init N(0, 0.02^2)). */
  embedding: EmbeddingMatrix | 'trainable';
  /** Seed of the weight init (default 0). Same seed -> same weights on every backend. */
  seed?: number;
  /** Split vocabulary tables into shards of at most this many bytes (default: 128 MiB on webgpu, no split elsewhere). */
  maxShardBytes?: number;
}

export interface LossOptions {
  /**
   * Apply dropout (default: when config.dropout > 0 and gradients are being recorded); a number is the rate to
   * use for this call instead of config.dropout (0 = off).
   */
  dropout?: boolean | number;
  /** Seed for the dropout masks of this call. */
  seed?: number;
}

/** Parts of a model held out of training (see GPT.freeze): layer indices and, for a trainable table, the table. */
export interface FrozenParts {
  layers?: readonly number[];
  embedding?: boolean;
}

export type { LayerWeights } from './model-weights.js';

let modelCounter = 0;

/** Raw weights in checkpoint layout, by checkpoint tensor name. */
export type StateDict = Map<string, { shape: number[]; data: Float32Array }>;

export class GPT implements ModelWeights {
  readonly config: ResolvedConfig;
  readonly embeddingKind: 'frozen' | 'trainable';
  readonly embeddingMeta: Record<string, unknown> | undefined;
  /** Input table, row shards [rows, nEmbed]; tf.Tensor constants when frozen, tf.Variables when trainable. */
  readonly embedding: Sharded;
  readonly layers: LayerWeights[];
  /** Head transposed to [dModel, vocab], column shards. */
  readonly head: Sharded;
  /** Everything an optimizer may update (never the frozen embedding). */
  readonly trainableVariables: tf.Variable[];
  /** Checkpoint tensor name of each trainable variable (`lm_head.weight` shards get `#i`), same order. */
  readonly trainableNames: string[];
  /** Every variable (frozen layers too) with its checkpoint name, in checkpoint order. */
  private readonly allVariables: Array<{ v: tf.Variable; name: string; layer: number | 'embedding' | 'head' }> = [];
  private frozenSet: { layers: number[]; embedding: boolean } = { layers: [], embedding: false };
  private disposed = false;
  private dropoutCalls = 0;

  /** Use createModel() or loadCheckpoint(). */
  constructor(config: ModelConfig, kind: 'frozen' | 'trainable', state: StateDict, meta: Record<string, unknown> | undefined, maxShardBytes?: number) {
    this.config = resolveConfig(config);
    const c = this.config;
    this.embeddingKind = kind;
    this.embeddingMeta = meta;
    const id = modelCounter++;
    const limit = maxShardBytes ?? (tf.getBackend() === 'webgpu' ? WEBGPU_BINDING_LIMIT : Infinity);
    const get = (name: string, shape: number[]) => {
      const t = state.get(name);
      if (!t) throw new Error(`weights: missing tensor ${name}`);
      const n = shape.reduce((a, b) => a * b, 1);
      if (t.data.length !== n || t.shape.join(',') !== shape.join(',')) {
        throw new Error(`weights: tensor ${name} has shape [${t.shape}], expected [${shape}]`);
      }
      return t.data;
    };
    const shapes = new Map(tensorShapes(c));
    this.trainableVariables = [];
    this.trainableNames = [];
    const variable = (name: string, vals: Float32Array, shape: [number, number]) => {
      const init = tf.tensor2d(vals, shape);
      const v = tf.variable(init, true, `glyphlm${id}/${name}`) as tf.Variable;
      init.dispose(); // the variable holds its own reference to the data
      this.trainableVariables.push(v);
      this.trainableNames.push(name);
      this.allVariables.push({ v, name, layer: currentLayer });
      return v;
    };
    const created: tf.Tensor[] = [];
    let currentLayer: number | 'embedding' | 'head' = 'embedding';
    try {
      const E = get('tok_embedding.weight', shapes.get('tok_embedding.weight')!);
      this.embedding = makeSharded(E, c.vocabSize, c.nEmbed, 0, limit, (vals, shape, i) => {
        if (kind === 'frozen') {
          const t = tf.tensor2d(vals, shape);
          created.push(t);
          return t;
        }
        return variable(`tok_embedding.weight${i ? '#' + i : ''}`, vals, shape) as unknown as tf.Tensor2D;
      });
      const d = c.dModel;
      this.layers = [];
      for (let i = 0; i < c.nLayer; i++) {
        const p = `blocks.${i}.`;
        currentLayer = i;
        this.layers.push({
          qkv: variable(`${p}attn.qkv.weight`, transpose2d(get(`${p}attn.qkv.weight`, [3 * d, d]), 3 * d, d), [d, 3 * d]),
          proj: variable(`${p}attn.proj.weight`, transpose2d(get(`${p}attn.proj.weight`, [d, d]), d, d), [d, d]),
          fc: variable(`${p}mlp.fc.weight`, transpose2d(get(`${p}mlp.fc.weight`, [4 * d, d]), 4 * d, d), [d, 4 * d]),
          mlpProj: variable(`${p}mlp.proj.weight`, transpose2d(get(`${p}mlp.proj.weight`, [d, 4 * d]), d, 4 * d), [4 * d, d]),
        });
      }
      currentLayer = 'head';
      const headT = transpose2d(get('lm_head.weight', [c.vocabSize, d]), c.vocabSize, d);
      this.head = makeSharded(headT, d, c.vocabSize, 1, limit, (vals, shape, i) =>
        variable(`lm_head.weight${i ? '#' + i : ''}`, vals, shape) as unknown as tf.Tensor2D);
    } catch (e) {
      created.forEach((t) => t.dispose());
      this.trainableVariables.forEach((v) => v.dispose());
      throw e;
    }
  }

  /** The frozen parts set by freeze() (a frozen glyph table is never trainable and is not listed here). */
  get frozen(): { layers: number[]; embedding: boolean } {
    return { layers: [...this.frozenSet.layers], embedding: this.frozenSet.embedding };
  }

  /**
   * Holds layers (and a trainable input table) out of training: their variables leave `trainableVariables` and
   * `trainableNames` (updated in place, so optimizers built afterwards never see them) and are marked
   * non-trainable; forward, generation, stateDict and checkpoints are unchanged. Replaces the previous frozen set:
   * `freeze({})` makes everything trainable again. Call it before creating an optimizer or a training engine.
   */
  freeze(parts: FrozenParts): void {
    this.checkAlive();
    if (!parts || typeof parts !== 'object') throw new InputError('freeze: expected { layers?: number[], embedding?: boolean }');
    const layers = [...(parts.layers ?? [])];
    for (const [k, l] of layers.entries()) {
      if (!Number.isInteger(l) || l < 0 || l >= this.layers.length) throw new InputError(`freeze: layers[${k}] = ${l} is not a layer index in [0, ${this.layers.length})`);
    }
    const embedding = parts.embedding === true;
    if (embedding && this.embeddingKind === 'frozen') throw new InputError('freeze: embedding: the input table is already a frozen constant');
    const set = new Set(layers);
    this.trainableVariables.length = 0;
    this.trainableNames.length = 0;
    for (const { v, name, layer } of this.allVariables) {
      const hold = layer === 'embedding' ? embedding : typeof layer === 'number' && set.has(layer);
      v.trainable = !hold;
      if (hold) continue;
      this.trainableVariables.push(v);
      this.trainableNames.push(name);
    }
    this.frozenSet = { layers: [...set].sort((a, b) => a - b), embedding };
  }

  get headDim(): number {
    return this.config.dModel / this.config.nHead;
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error('model: used after dispose()');
  }

  /** Embeds ids (flat) and lifts nEmbed -> dModel by repeat_interleave: [N, dModel]. */
  embed(ids: Int32Array): tf.Tensor2D {
    return tf.tidy(() => {
      const e = gatherRows(this.embedding, ids);
      const r = this.config.dModel / this.config.nEmbed;
      if (r === 1) return e;
      return tf.reshape(tf.tile(tf.expandDims(e, 2), [1, 1, r]), [ids.length, this.config.dModel]) as tf.Tensor2D;
    });
  }

  private dropout(x: tf.Tensor, rate: number, seed: number): tf.Tensor {
    if (rate <= 0) return x;
    const keep = tf.div(tf.cast(tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, 'float32', seed), rate), 'float32'), 1 - rate);
    return tf.mul(x, keep);
  }

  /**
   * The training forward, to the final-norm hidden states [B*T, dModel] (differentiable). Shapes: N = B*T rows,
   * d = dModel, H heads of hd = d/H. infer.ts (prefill, scoring) and decode.ts / wasm/wasm-decoder.ts (one token at a
   * time) run the same block with a KV cache; their headers say why each exists.
   */
  hidden(batch: { data: Int32Array; B: number; T: number }, dropRate = 0, seed = 0): tf.Tensor2D {
    const { B, T } = batch;
    const c = this.config;
    const H = c.nHead;
    const hd = this.headDim;
    return tf.tidy(() => {
      let seedCounter = firstDropoutSeed(seed);
      let x: tf.Tensor = this.embed(batch.data); // (N, d)
      x = this.dropout(x, dropRate, seedCounter++);
      const { cos: cosA, sin: sinA } = rotaryTables(hd, 0, T, c.ropeBase);
      const cos = tf.tensor3d(cosA, [T, 1, hd / 2]); // broadcast over batch and heads of a (B, T, H, hd/2) view
      const sin = tf.tensor3d(sinA, [T, 1, hd / 2]);
      const mask = causalMask(T, T); // (T, T)
      for (const L of this.layers) {
        // attention: x + proj(attend(rotary(q), rotary(k), v))
        const qkv = mm(layerNorm(x), L.qkv); // (N, 3d)
        let drops: tf.Tensor[] | undefined;
        if (dropRate > 0) {
          drops = Array.from({ length: B * H }, () =>
            tf.div(tf.cast(tf.greaterEqual(tf.randomUniform([T, T], 0, 1, 'float32', seedCounter++), dropRate), 'float32'), 1 - dropRate));
        }
        const att = selfAttention(qkv, B, T, H, cos, sin, mask, drops); // (N, d)
        x = tf.add(x, this.dropout(mm(att, L.proj), dropRate, seedCounter++));
        // MLP: x + mlpProj(gelu(fc(x)))
        const hidden4 = gelu(mm(layerNorm(x), L.fc)); // (N, 4d)
        x = tf.add(x, this.dropout(mm(hidden4, L.mlpProj), dropRate, seedCounter++));
      }
      return layerNorm(x) as tf.Tensor2D; // (N, d)
    });
  }

  /** Logits [B, T, vocab] as a tensor (differentiable; dispose it). */
  forward(ids: IdBatch): tf.Tensor3D {
    this.checkAlive();
    const c = this.config;
    const batch = toBatch(ids, c.vocabSize, c.blockSize, 'forward ids');
    return tf.tidy(() => {
      const h = this.hidden(batch);
      return tf.reshape(headLogits(h, this.head.parts), [batch.B, batch.T, c.vocabSize]) as tf.Tensor3D;
    });
  }

  /** Logits [B, T, vocab] as a Float32Array (row-major), read with async data(). */
  async logits(ids: IdBatch): Promise<Float32Array> {
    const t = this.forward(ids);
    try {
      return (await t.data()) as Float32Array;
    } finally {
      t.dispose();
    }
  }

  /** Mean next-token cross-entropy; targets < 0 are ignored. A scalar tensor (dispose it). */
  loss(ids: IdBatch, targets: IdBatch, opts: LossOptions = {}): tf.Scalar {
    this.checkAlive();
    const c = this.config;
    const batch = toBatch(ids, c.vocabSize, c.blockSize, 'loss ids');
    const tg = toBatch(targets, c.vocabSize, c.blockSize, 'loss targets', true);
    if (tg.B !== batch.B || tg.T !== batch.T) {
      throw new InputError(`loss: targets shape [${tg.B}, ${tg.T}] does not match ids shape [${batch.B}, ${batch.T}]`);
    }
    if (typeof opts.dropout === 'number' && !(opts.dropout >= 0 && opts.dropout < 1)) throw new InputError(`loss: options.dropout must be in [0, 1), got ${opts.dropout}`);
    const useDrop = opts.dropout ?? (c.dropout > 0 && tf.engine().isTapeOn());
    const rate = typeof useDrop === 'number' ? useDrop : useDrop ? c.dropout : 0;
    const seed = opts.seed ?? this.dropoutCalls++;
    return tf.tidy(() => headCrossEntropy(this.hidden(batch, rate, seed), this.head.parts, tg.data) as tf.Scalar);
  }

  /** Scores continuations: sum and per-token log-probabilities and whether greedy decoding would produce them. */
  logprobs(requests: LogprobRequest[], opts: LogprobOptions = {}): Promise<LogprobResult[]> {
    this.checkAlive();
    return logprobsImpl(this, requests, opts);
  }

  /** Streams generated token ids (KV cache). */
  generate(prompt: ArrayLike<number>, opts: GenerateOptions = {}): AsyncGenerator<number, void, undefined> {
    this.checkAlive();
    return generateImpl(this, prompt, opts);
  }

  /** All weights in checkpoint layout ([out, in], row-major), read with async data(). */
  async stateDict(): Promise<StateDict> {
    this.checkAlive();
    const c = this.config;
    const d = c.dModel;
    const out: StateDict = new Map();
    out.set('tok_embedding.weight', { shape: [c.vocabSize, c.nEmbed], data: await readSharded(this.embedding) });
    for (let i = 0; i < this.layers.length; i++) {
      const L = this.layers[i];
      const p = `blocks.${i}.`;
      const rd = async (v: tf.Variable, r: number, cc: number) => transpose2d((await v.data()) as Float32Array, r, cc);
      out.set(`${p}attn.qkv.weight`, { shape: [3 * d, d], data: await rd(L.qkv, d, 3 * d) });
      out.set(`${p}attn.proj.weight`, { shape: [d, d], data: await rd(L.proj, d, d) });
      out.set(`${p}mlp.fc.weight`, { shape: [4 * d, d], data: await rd(L.fc, d, 4 * d) });
      out.set(`${p}mlp.proj.weight`, { shape: [d, 4 * d], data: await rd(L.mlpProj, 4 * d, d) });
    }
    out.set('lm_head.weight', { shape: [c.vocabSize, d], data: transpose2d(await readSharded(this.head), d, c.vocabSize) });
    return out;
  }

  /** Frees every tensor of the model. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.embeddingKind === 'frozen') this.embedding.parts.forEach((t) => t.dispose());
    this.allVariables.forEach(({ v }) => v.dispose());
  }
}

/** Fresh random weights in checkpoint layout (N(0, 0.02^2); the output projections attn.proj and mlp.proj 0.02/sqrt(2 nLayer)). */
export function initState(config: ModelConfig, seed: number, embedding?: EmbeddingMatrix): StateDict {
  const c = resolveConfig(config);
  const out: StateDict = new Map();
  tensorShapes(c).forEach(([name, shape], i) => {
    const n = shape.reduce((a, b) => a * b, 1);
    if (name === 'tok_embedding.weight' && embedding) {
      out.set(name, { shape, data: embedding.data });
      return;
    }
    const std = /attn\.proj|mlp\.proj/.test(name) ? 0.02 / Math.sqrt(2 * c.nLayer) : 0.02;
    out.set(name, { shape, data: new Rng(initTensorSeed(seed, i)).normal(new Float32Array(n), std) });
  });
  return out;
}

/** Checks an EmbeddingMatrix against a config (before any tensor work). */
export function checkEmbeddingMatrix(m: EmbeddingMatrix, c: ResolvedConfig): void {
  if (!m || typeof m !== 'object') throw new InputError('createModel: embedding must be an EmbeddingMatrix or "trainable"');
  if (!(m.data instanceof Float32Array)) throw new InputError('createModel: embedding.data must be a Float32Array');
  if (m.rows !== c.vocabSize) throw new InputError(`createModel: embedding.rows ${m.rows} != config.vocabSize ${c.vocabSize}`);
  if (m.dim !== c.nEmbed) throw new InputError(`createModel: embedding.dim ${m.dim} != config.nEmbed ${c.nEmbed}`);
  if (m.data.length !== m.rows * m.dim) throw new InputError(`createModel: embedding.data has ${m.data.length} values, expected rows*dim = ${m.rows * m.dim}`);
  for (let i = 0; i < m.data.length; i++) {
    if (!Number.isFinite(m.data[i])) throw new InputError(`createModel: embedding.data[${i}] (row ${Math.floor(i / m.dim)}) is not finite`);
  }
}

/** Builds a model with fresh weights; `{ embedding: matrix }` freezes the matrix, `{ embedding: 'trainable' }` learns it. */
export function createModel(config: ModelConfig, opts: CreateModelOptions): GPT {
  const c = resolveConfig(config, 'createModel');
  if (!opts || (opts.embedding !== 'trainable' && typeof opts.embedding !== 'object')) {
    throw new InputError('createModel: options.embedding must be an EmbeddingMatrix or "trainable"');
  }
  const seed = opts.seed ?? 0;
  if (opts.embedding === 'trainable') {
    return new GPT(c, 'trainable', initState(c, seed), undefined, opts.maxShardBytes);
  }
  checkEmbeddingMatrix(opts.embedding, c);
  return new GPT(c, 'frozen', initState(c, seed, opts.embedding), opts.embedding.meta, opts.maxShardBytes);
}
