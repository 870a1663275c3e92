// The arms of an experiment: which input table a model starts from and whether it is trained. Every arm of one
// experiment shares the backbone config and, for a given seed, the initial weights of everything but the table
// (transformer-core's initState draws each tensor from its own seeded generator, so swapping the table leaves the
// other tensors bit for bit the same).
//   EmbeddingMatrix                    frozen table (any recipe of @glyphlm/glyph-embeddings)
//   'trainable'                        a trainable table, N(0, 0.02²) init (the paper's baseline)
//   { trainableFrom: matrix }          a trainable table whose initial rows are the matrix (glyphs as a start)
//   { ablation: kind, seed?, bits?, encoding? }   frozen ablation codes: random-binary, id-bits, random-float
import { GPT, createModel, initState, resolveConfig, type EmbeddingMatrix, type ModelConfig, type ResolvedConfig } from '@glyphlm/transformer-core';
import { idBitsCodes, randomBinaryCodes, randomFloatCodes, liftRepeatInterleave, l2NormalizeRows, type BitEncoding } from '@glyphlm/glyph-embeddings';

export type AblationKind = 'random-binary' | 'id-bits' | 'random-float';

/** Frozen ablation codes built for the experiment's config. */
export interface AblationArm {
  ablation: AblationKind;
  /** Seed of random-binary / random-float codes (default 0); id-bits is not random. */
  seed?: number;
  /**
   * Code width (bits, or dims for random-float), default config.nEmbed. A width below nEmbed must divide it: the
   * codes are then widened by repeat_interleave (the paper's ablations: 16 id bits lifted to the model width).
   */
  bits?: number;
  /** How a bit is written: '01' (default) or 'pm1' (-1 / +1). Not for random-float. */
  encoding?: BitEncoding;
}

/** A trainable table initialised from `trainableFrom` (rows copied into the variable at init). */
export interface TrainableFromArm {
  trainableFrom: EmbeddingMatrix;
}

export type ArmSpec = EmbeddingMatrix | 'trainable' | TrainableFromArm | AblationArm;

/** An arm checked against the config, with its table built. */
export interface ResolvedArm {
  name: string;
  /** What the optimizer sees: a constant table or a variable. */
  embedding: 'frozen' | 'trainable';
  /** 'matrix' (frozen table), 'trainable', 'trainable-from', or the ablation kind. */
  kind: 'matrix' | 'trainable' | 'trainable-from' | AblationKind;
  /** The frozen table, or the initial rows of a trainable-from arm; undefined for 'trainable'. */
  table?: EmbeddingMatrix;
  /** JSON description (recipe, sizes, seed, a hash of the table): what an experiment record identifies the arm by. */
  describe: Record<string, unknown>;
}

/** Thrown for an arm that cannot be built, naming the arm and the field. */
export class ArmError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArmError';
  }
}

function isMatrix(x: unknown): x is EmbeddingMatrix {
  return !!x && typeof x === 'object' && 'data' in x && 'rows' in x && 'dim' in x;
}

function checkTable(name: string, field: string, m: EmbeddingMatrix, c: ResolvedConfig): void {
  const where = `arm '${name}': ${field}`;
  if (!(m.data instanceof Float32Array)) throw new ArmError(`${where}.data must be a Float32Array`);
  if (m.rows !== c.vocabSize) throw new ArmError(`${where}.rows ${m.rows} != config.vocabSize ${c.vocabSize}`);
  if (m.dim !== c.nEmbed) throw new ArmError(`${where}.dim ${m.dim} != config.nEmbed ${c.nEmbed} (every arm shares the config: nEmbed = table dim)`);
  if (m.data.length !== m.rows * m.dim) throw new ArmError(`${where}.data has ${m.data.length} values, expected rows*dim = ${m.rows * m.dim}`);
  for (let i = 0; i < m.data.length; i++) {
    if (!Number.isFinite(m.data[i])) throw new ArmError(`${where}.data[${i}] (row ${Math.floor(i / m.dim)}) is not finite`);
  }
}

/** Two 32-bit multiplicative hashes (FNV-1a style) over a table's float bits: a cheap, browser-safe, synchronous
 * identity for experiment records (not cryptographic). */
export function tableHash(data: Float32Array): string {
  const u = new Uint32Array(data.buffer, data.byteOffset, data.length);
  let h1 = 0x811c9dc5, h2 = 0x01000193 ^ data.length;
  for (let i = 0; i < u.length; i++) {
    h1 = Math.imul(h1 ^ u[i], 0x01000193);
    h2 = Math.imul(h2 ^ (u[i] >>> 7 | u[i] << 25), 0x5bd1e995);
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

function intField(name: string, spec: Record<string, unknown>, key: string, def: number, lo: number, hi: number): number {
  const v = spec[key] ?? def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    throw new ArmError(`arm '${name}': ${key} must be an integer in ${lo}..${hi}, got ${JSON.stringify(spec[key])}`);
  }
  return v;
}

function buildAblation(name: string, spec: AblationArm, c: ResolvedConfig): EmbeddingMatrix {
  const raw = spec as unknown as Record<string, unknown>;
  for (const k of Object.keys(raw)) {
    if (!['ablation', 'seed', 'bits', 'encoding'].includes(k)) throw new ArmError(`arm '${name}': unknown field '${k}' (ablation arms take ablation, seed, bits, encoding)`);
  }
  const seed = intField(name, raw, 'seed', 0, -(2 ** 31), 2 ** 32 - 1);
  const bits = intField(name, raw, 'bits', c.nEmbed, 1, c.nEmbed);
  if (c.nEmbed % bits !== 0) throw new ArmError(`arm '${name}': bits ${bits} must divide config.nEmbed ${c.nEmbed} (codes narrower than nEmbed are widened by repeat_interleave)`);
  const encoding = spec.encoding ?? '01';
  if (encoding !== '01' && encoding !== 'pm1') throw new ArmError(`arm '${name}': encoding must be '01' or 'pm1', got ${JSON.stringify(spec.encoding)}`);
  if (spec.ablation === 'random-float' && spec.encoding !== undefined) throw new ArmError(`arm '${name}': encoding does not apply to random-float codes`);
  if (spec.ablation === 'id-bits' && spec.seed !== undefined) throw new ArmError(`arm '${name}': id-bits codes are not random (no seed)`);
  let codes;
  try {
    if (spec.ablation === 'random-binary') codes = randomBinaryCodes(c.vocabSize, bits, seed, encoding);
    else if (spec.ablation === 'id-bits') codes = idBitsCodes(c.vocabSize, bits, encoding);
    else if (spec.ablation === 'random-float') {
      codes = randomFloatCodes(c.vocabSize, bits, seed);
      l2NormalizeRows(codes.data, codes.rows, codes.dim); // unit rows, like the random-float recipe and the glyph tables
    } else {
      throw new ArmError(`arm '${name}': ablation must be 'random-binary', 'id-bits' or 'random-float', got ${JSON.stringify(spec.ablation)}`);
    }
  } catch (e) {
    if (e instanceof ArmError) throw e;
    throw new ArmError(`arm '${name}': ${(e as Error).message}`);
  }
  const meta = { recipe: `ablation:${spec.ablation}`, seed: spec.ablation === 'id-bits' ? undefined : seed, bits, encoding: spec.ablation === 'random-float' ? undefined : encoding };
  const m: EmbeddingMatrix = { rows: codes.rows, dim: codes.dim, data: codes.data, meta };
  return bits === c.nEmbed ? m : liftRepeatInterleave(m, c.nEmbed);
}

/** Checks an arm against the config and builds its table (before any training). */
export function resolveArm(name: string, spec: ArmSpec, config: ModelConfig): ResolvedArm {
  if (typeof name !== 'string' || !/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new ArmError(`arm name ${JSON.stringify(name)} must be non-empty letters, digits, '.', '_' or '-' (it names a directory)`);
  }
  const c = resolveConfig(config, `arm '${name}'`);
  if (spec === 'trainable') return { name, embedding: 'trainable', kind: 'trainable', describe: { kind: 'trainable' } };
  if (isMatrix(spec)) {
    checkTable(name, 'matrix', spec, c);
    return { name, embedding: 'frozen', kind: 'matrix', table: spec, describe: { kind: 'matrix', rows: spec.rows, dim: spec.dim, recipe: spec.meta?.recipe ?? null, hash: tableHash(spec.data) } };
  }
  if (spec && typeof spec === 'object' && 'trainableFrom' in spec) {
    if (!isMatrix(spec.trainableFrom)) throw new ArmError(`arm '${name}': trainableFrom must be an EmbeddingMatrix`);
    const m = spec.trainableFrom;
    checkTable(name, 'trainableFrom', m, c);
    return { name, embedding: 'trainable', kind: 'trainable-from', table: m, describe: { kind: 'trainable-from', rows: m.rows, dim: m.dim, recipe: m.meta?.recipe ?? null, hash: tableHash(m.data) } };
  }
  if (spec && typeof spec === 'object' && 'ablation' in spec) {
    const table = buildAblation(name, spec, c);
    return { name, embedding: 'frozen', kind: spec.ablation, table, describe: { kind: spec.ablation, ...table.meta, lift: undefined, hash: tableHash(table.data) } };
  }
  throw new ArmError(`arm '${name}': must be an EmbeddingMatrix, 'trainable', { trainableFrom: matrix } or { ablation: 'random-binary' | 'id-bits' | 'random-float' }`);
}

/**
 * A fresh model for an arm. `seed` initialises every tensor but the table, identically for every arm:
 * frozen arms get their table as a constant; 'trainable' draws its table from the seed (N(0, 0.02²));
 * 'trainable-from' starts a trainable table at the given rows. transformer-core's createModel has no
 * "trainable with initial values" option, so that arm builds the state with initState(config, seed, matrix) (the
 * table rows are the matrix, every other tensor exactly what createModel draws) and constructs the GPT as trainable
 * from it: the table becomes a variable (row shards `tok_embedding.weight#i` on webgpu) holding a copy of the rows.
 */
export function createArmModel(arm: ResolvedArm, config: ModelConfig, seed: number, opts: { maxShardBytes?: number } = {}): GPT {
  if (arm.kind === 'trainable') return createModel(config, { embedding: 'trainable', seed, maxShardBytes: opts.maxShardBytes });
  const table = arm.table!;
  if (arm.embedding === 'frozen') return createModel(config, { embedding: table, seed, maxShardBytes: opts.maxShardBytes });
  const state = initState(config, seed, table);
  // the GPT copies every tensor into device memory, so the caller's matrix is never written by training
  return new GPT(config, 'trainable', state, table.meta, opts.maxShardBytes);
}
