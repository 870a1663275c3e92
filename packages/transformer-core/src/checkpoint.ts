// Checkpoints: config.json + model.safetensors (docs/architecture-and-checkpoint.md). Everything is validated
// (format, config, tensor names, dtypes, shapes, NaN/Inf) before a single tensor is created, so a bad file never
// yields a partial model. Browser-safe: directories go through the Node adapter (./node.ts), loaded on demand.
import { readSafetensors, readSafetensorsStream, writeSafetensors, float32ToFloat16, float32ToBFloat16, type TensorInput, type Safetensors } from '@glyphlm/tensor-io';
import { resolveConfig, tensorShapes, type ModelConfig } from './config.js';
import { GPT, type StateDict } from './model.js';

export type CheckpointDType = 'F32' | 'F16' | 'BF16';
export const FORMAT = 'glyphlm-gpt';
export const FORMAT_VERSION = 1;

/** Thrown for every invalid checkpoint; the message names the file and the field or tensor at fault. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

/** The parsed config.json. */
export interface CheckpointConfig extends Required<ModelConfig> {
  format: typeof FORMAT;
  formatVersion: typeof FORMAT_VERSION;
  embedding: 'frozen' | 'trainable';
  dtype: CheckpointDType;
  embeddingMeta?: Record<string, unknown>;
}

/** A checkpoint held in memory. */
export interface CheckpointBytes {
  /** config.json text or its parsed object. */
  config: string | Record<string, unknown>;
  /** model.safetensors bytes. */
  weights: Uint8Array;
}

export interface SaveOptions {
  dtype?: CheckpointDType;
}

export interface LoadProgress {
  /** Bytes of model.safetensors received. */
  loaded: number;
  /** Total bytes (Content-Length or the header's size) when known. */
  total: number | undefined;
}

export interface LoadOptions {
  onProgress?: (p: LoadProgress) => void;
  /** See CreateModelOptions.maxShardBytes. */
  maxShardBytes?: number;
  /** With a Uint8Array source (the safetensors bytes): the config.json text or object. */
  config?: string | Record<string, unknown>;
}

/** Serialises a model to { config (JSON text), weights (safetensors bytes) }. */
export async function serializeCheckpoint(model: GPT, opts: SaveOptions = {}): Promise<{ config: string; weights: Uint8Array }> {
  const dtype = opts.dtype ?? 'F32';
  if (!['F32', 'F16', 'BF16'].includes(dtype)) throw new CheckpointError(`saveCheckpoint: dtype must be F32, F16 or BF16, got ${JSON.stringify(dtype)}`);
  const state = await model.stateDict();
  const tensors = new Map<string, TensorInput>();
  for (const [name, shape] of tensorShapes(model.config)) {
    const t = state.get(name)!;
    const data = dtype === 'F32' ? t.data : dtype === 'F16' ? float32ToFloat16(t.data) : float32ToBFloat16(t.data);
    tensors.set(name, { dtype, shape, data });
  }
  const weights = writeSafetensors(tensors, { format: FORMAT, formatVersion: String(FORMAT_VERSION) });
  const cfg: Record<string, unknown> = {
    format: FORMAT, formatVersion: FORMAT_VERSION, ...model.config, embedding: model.embeddingKind, dtype,
  };
  if (model.embeddingMeta !== undefined) cfg.embeddingMeta = model.embeddingMeta;
  return { config: JSON.stringify(cfg, null, 2) + '\n', weights };
}

/** Validates a config.json (text or object). */
export function parseCheckpointConfig(config: string | Record<string, unknown>, source = 'config.json'): CheckpointConfig {
  let c: Record<string, unknown>;
  if (typeof config === 'string') {
    try {
      c = JSON.parse(config);
    } catch (e) {
      throw new CheckpointError(`${source}: invalid JSON (${(e as Error).message})`);
    }
  } else c = config;
  if (!c || typeof c !== 'object' || Array.isArray(c)) throw new CheckpointError(`${source}: not a JSON object`);
  if (c.format !== FORMAT) throw new CheckpointError(`${source}: format is ${JSON.stringify(c.format)}, expected "${FORMAT}"`);
  if (c.formatVersion !== FORMAT_VERSION) throw new CheckpointError(`${source}: formatVersion ${JSON.stringify(c.formatVersion)} is not supported (expected ${FORMAT_VERSION})`);
  if (c.embedding !== 'frozen' && c.embedding !== 'trainable') throw new CheckpointError(`${source}: embedding must be "frozen" or "trainable", got ${JSON.stringify(c.embedding)}`);
  if (c.dtype !== 'F32' && c.dtype !== 'F16' && c.dtype !== 'BF16') throw new CheckpointError(`${source}: dtype must be F32, F16 or BF16, got ${JSON.stringify(c.dtype)}`);
  if (c.embeddingMeta !== undefined && (typeof c.embeddingMeta !== 'object' || c.embeddingMeta === null)) throw new CheckpointError(`${source}: embeddingMeta must be an object`);
  let rc;
  try {
    rc = resolveConfig(c as unknown as ModelConfig, source);
  } catch (e) {
    throw new CheckpointError((e as Error).message);
  }
  return { ...rc, format: FORMAT, formatVersion: FORMAT_VERSION, embedding: c.embedding, dtype: c.dtype, embeddingMeta: c.embeddingMeta as Record<string, unknown> | undefined };
}

/** Checks a parsed safetensors file against the config and decodes it to float32 (NaN/Inf rejected). */
export function validateWeights(cfg: CheckpointConfig, st: Safetensors, source = 'model.safetensors'): StateDict {
  if (st.metadata.format !== FORMAT) throw new CheckpointError(`${source}: __metadata__.format is ${JSON.stringify(st.metadata.format)}, expected "${FORMAT}"`);
  if (st.metadata.formatVersion !== String(FORMAT_VERSION)) throw new CheckpointError(`${source}: __metadata__.formatVersion is ${JSON.stringify(st.metadata.formatVersion)}, expected "${FORMAT_VERSION}"`);
  const expected = tensorShapes(cfg);
  const names = new Set(expected.map(([n]) => n));
  const missing = expected.filter(([n]) => !st.tensors.has(n)).map(([n]) => n);
  if (missing.length) throw new CheckpointError(`${source}: missing tensor(s) ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` (+${missing.length - 5} more)` : ''}`);
  const extra = [...st.tensors.keys()].filter((n) => !names.has(n));
  if (extra.length) throw new CheckpointError(`${source}: unexpected tensor(s) ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ` (+${extra.length - 5} more)` : ''} (not in a ${cfg.nLayer}-layer glyphlm-gpt)`);
  const out: StateDict = new Map();
  for (const [name, shape] of expected) {
    const t = st.tensors.get(name)!;
    if (t.dtype !== cfg.dtype) throw new CheckpointError(`${source}: tensor ${name} has dtype ${t.dtype}, config.json says ${cfg.dtype}`);
    if (t.shape.length !== shape.length || t.shape.some((v, i) => v !== shape[i])) {
      throw new CheckpointError(`${source}: tensor ${name} has shape [${t.shape.join(', ')}], config.json implies [${shape.join(', ')}]`);
    }
    const data = t.toFloat32();
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) {
        const row = Math.floor(i / shape[shape.length - 1]);
        throw new CheckpointError(`${source}: tensor ${name} has a non-finite value (${data[i]}) at flat index ${i} (row ${row})`);
      }
    }
    out.set(name, { shape, data });
  }
  return out;
}

/** Builds a model from validated parts. */
export function modelFromCheckpoint(config: string | Record<string, unknown>, weights: Uint8Array | Safetensors, opts: LoadOptions = {}, sources = { config: 'config.json', weights: 'model.safetensors' }): GPT {
  const cfg = parseCheckpointConfig(config, sources.config);
  const st = weights instanceof Uint8Array ? readSafetensors(weights, { source: sources.weights }) : weights;
  const state = validateWeights(cfg, st, sources.weights);
  const { format: _f, formatVersion: _v, embedding, dtype: _d, embeddingMeta, ...mc } = cfg;
  return new GPT(mc, embedding, state, embeddingMeta, opts.maxShardBytes);
}

function isUrl(s: string): boolean {
  return /^(https?|file|blob|data):/i.test(s);
}

async function loadFromUrl(base: string, opts: LoadOptions): Promise<GPT> {
  const root = base.endsWith('/') ? base : base + '/';
  const cfgUrl = new URL('config.json', root).toString();
  const wUrl = new URL('model.safetensors', root).toString();
  const cres = await fetch(cfgUrl);
  if (!cres.ok) throw new CheckpointError(`${cfgUrl}: HTTP ${cres.status}`);
  const cfgText = await cres.text();
  const cfg = parseCheckpointConfig(cfgText, cfgUrl);
  const wres = await fetch(wUrl);
  if (!wres.ok || !wres.body) throw new CheckpointError(`${wUrl}: HTTP ${wres.status}`);
  const len = Number(wres.headers.get('content-length'));
  const st = await readSafetensorsStream(wres.body as ReadableStream<Uint8Array>, {
    source: wUrl,
    totalBytes: Number.isFinite(len) && len > 0 ? len : undefined,
    onProgress: opts.onProgress,
  });
  return modelFromCheckpoint(cfg as unknown as Record<string, unknown>, st, opts, { config: cfgUrl, weights: wUrl });
}

const isNode = !!(globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;

/**
 * Loads a checkpoint from a directory (Node), a URL (http(s), file:, with progress), `{ config, weights }` bytes,
 * or the safetensors bytes plus `opts.config`.
 */
export async function loadCheckpoint(src: string | URL | CheckpointBytes | Uint8Array, opts: LoadOptions = {}): Promise<GPT> {
  if (src instanceof Uint8Array) {
    if (opts.config === undefined) throw new CheckpointError('loadCheckpoint: with safetensors bytes, pass options.config (config.json)');
    opts.onProgress?.({ loaded: src.length, total: src.length });
    return modelFromCheckpoint(opts.config, src, opts, { config: 'config', weights: 'bytes' });
  }
  if (src instanceof URL || (typeof src === 'string' && isUrl(src) && !(isNode && src.startsWith('file:')))) {
    return loadFromUrl(src.toString(), opts);
  }
  if (typeof src === 'string') {
    if (!isNode) throw new CheckpointError(`loadCheckpoint: ${src} is not a URL (directories need Node)`);
    const node = await import('./node/index.js');
    const { config, weights, dir } = await node.readCheckpointDir(src, opts.onProgress);
    return modelFromCheckpoint(config, weights, opts, { config: `${dir}/config.json`, weights: `${dir}/model.safetensors` });
  }
  if (src && typeof src === 'object' && 'weights' in src && 'config' in src) {
    opts.onProgress?.({ loaded: src.weights.length, total: src.weights.length });
    return modelFromCheckpoint(src.config, src.weights, opts);
  }
  throw new CheckpointError('loadCheckpoint: source must be a directory, a URL, { config, weights } or Uint8Array');
}

/**
 * Saves a checkpoint. With `dir` (Node) writes dir/config.json and dir/model.safetensors (temp file + rename);
 * always returns the bytes, so browsers can call it without a dir and store/download them.
 */
export async function saveCheckpoint(model: GPT, dir?: string, opts: SaveOptions = {}): Promise<{ config: string; weights: Uint8Array }> {
  const out = await serializeCheckpoint(model, opts);
  if (dir !== undefined) {
    if (!isNode) throw new CheckpointError('saveCheckpoint: writing a directory needs Node; call without dir for the bytes');
    const node = await import('./node/index.js');
    await node.writeCheckpointDir(dir, out.config, out.weights);
  }
  return out;
}
