// Model configuration: validation (before any tensor work), presets and parameter counting.

/** The architecture hyper-parameters (see docs/architecture-and-checkpoint.md). */
export interface ModelConfig {
  vocabSize: number;
  /** Width of the input embedding table; lifted to dModel by repeat_interleave. */
  nEmbed: number;
  dModel: number;
  nLayer: number;
  nHead: number;
  blockSize: number;
  ropeBase?: number;
  dropout?: number;
}

/** A config with every optional field filled in. */
export type ResolvedConfig = Required<ModelConfig>;

/** Thrown for an invalid config, naming the field at fault. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function positiveInt(cfg: Record<string, unknown>, field: string, where: string): number {
  const v = cfg[field];
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new ConfigError(`${where}: config.${field} must be a positive integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** Checks a config and fills in defaults. Throws ConfigError naming the field. */
export function resolveConfig(config: ModelConfig, where = 'model config'): ResolvedConfig {
  if (config === null || typeof config !== 'object') throw new ConfigError(`${where}: config must be an object`);
  const c = config as unknown as Record<string, unknown>;
  const vocabSize = positiveInt(c, 'vocabSize', where);
  const nEmbed = positiveInt(c, 'nEmbed', where);
  const dModel = positiveInt(c, 'dModel', where);
  const nLayer = positiveInt(c, 'nLayer', where);
  const nHead = positiveInt(c, 'nHead', where);
  const blockSize = positiveInt(c, 'blockSize', where);
  const ropeBase = c.ropeBase === undefined ? 10000 : c.ropeBase;
  if (typeof ropeBase !== 'number' || !(ropeBase > 1) || !Number.isFinite(ropeBase)) {
    throw new ConfigError(`${where}: config.ropeBase must be a finite number > 1, got ${JSON.stringify(c.ropeBase)}`);
  }
  const dropout = c.dropout === undefined ? 0 : c.dropout;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) {
    throw new ConfigError(`${where}: config.dropout must be in [0, 1), got ${JSON.stringify(c.dropout)}`);
  }
  if (dModel % nEmbed !== 0) {
    throw new ConfigError(`${where}: config.nEmbed (${nEmbed}) must divide config.dModel (${dModel})`);
  }
  if (dModel % nHead !== 0) {
    throw new ConfigError(`${where}: config.dModel (${dModel}) must be divisible by config.nHead (${nHead})`);
  }
  if ((dModel / nHead) % 2 !== 0) {
    throw new ConfigError(`${where}: head dim dModel/nHead = ${dModel / nHead} must be even (rotary embedding)`);
  }
  return { vocabSize, nEmbed, dModel, nLayer, nHead, blockSize, ropeBase, dropout };
}

/** Named configs. `bvv-335m` is the paper's main model; the others are small enough to train on a CPU. */
export const presets = {
  /** The paper's 16-layer model: 335,544,320 parameters at vocab 65,536. */
  'bvv-335m': { vocabSize: 65536, nEmbed: 1024, dModel: 1024, nLayer: 16, nHead: 32, blockSize: 1024 },
  /** nanoGPT's shakespeare-char config: 6 layers, 6 heads, d 384, context 256, 65 characters. */
  'shakespeare-char': { vocabSize: 65, nEmbed: 384, dModel: 384, nLayer: 6, nHead: 6, blockSize: 256 },
  /** The tiny bvv241 model of the baselines: 4 layers, d 256, 4 heads, context 256, vocab 65,536, 256-wide table. */
  'bvv-tiny': { vocabSize: 65536, nEmbed: 256, dModel: 256, nLayer: 4, nHead: 4, blockSize: 256 },
  /** A unit-test sized model. */
  'test-tiny': { vocabSize: 97, nEmbed: 16, dModel: 32, nLayer: 2, nHead: 4, blockSize: 64 },
} satisfies Record<string, ModelConfig>;

export type PresetName = keyof typeof presets;

/** Shapes of every tensor of a checkpoint, in checkpoint order and PyTorch `[out, in]` layout. */
export function tensorShapes(config: ModelConfig): Array<[string, number[]]> {
  const c = resolveConfig(config);
  const d = c.dModel;
  const out: Array<[string, number[]]> = [['tok_embedding.weight', [c.vocabSize, c.nEmbed]]];
  for (let i = 0; i < c.nLayer; i++) {
    out.push([`blocks.${i}.attn.qkv.weight`, [3 * d, d]]);
    out.push([`blocks.${i}.attn.proj.weight`, [d, d]]);
    out.push([`blocks.${i}.mlp.fc.weight`, [4 * d, d]]);
    out.push([`blocks.${i}.mlp.proj.weight`, [d, 4 * d]]);
  }
  out.push(['lm_head.weight', [c.vocabSize, d]]);
  return out;
}

/**
 * Number of parameters (embedding table included, frozen or not) computed from the config alone.
 * `parameterCount(presets['bvv-335m']) === 335_544_320`.
 */
export function parameterCount(config: ModelConfig, opts: { includeEmbedding?: boolean } = {}): number {
  let n = 0;
  for (const [name, shape] of tensorShapes(config)) {
    if (name === 'tok_embedding.weight' && opts.includeEmbedding === false) continue;
    n += shape.reduce((a, b) => a * b, 1);
  }
  return n;
}

/** Parameters that take part in matrix products (everything but the embedding table), for FLOP estimates. */
export function matmulParameterCount(config: ModelConfig): number {
  return parameterCount(config, { includeEmbedding: false });
}

/** nanoGPT-style training FLOPs per token: 6 N_matmul + 12 L T d (forward + backward). */
export function trainFlopsPerToken(config: ModelConfig, seqLen: number): number {
  const c = resolveConfig(config);
  return 6 * matmulParameterCount(c) + 12 * c.nLayer * seqLen * c.dModel;
}
