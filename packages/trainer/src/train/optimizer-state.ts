// AdamW moments between transformer-core's optimizer (keyed by tf variable name, in the device layout: linear layers
// and head shards transposed to [in, out]) and the checkpoint (names of model.trainableNames, PyTorch layout
// [out, in]), and the optimizer.safetensors file of SPECS.md ("exp_avg.<name>", "exp_avg_sq.<name>", F32).
import { readSafetensors, writeSafetensors, type TensorInput } from '@glyphlm/tensor-io';
import type { AdamWState, AdamWTensor, GPT } from '@glyphlm/transformer-core';
import type { OptimizerState } from './engine.js';
import { TrainCheckpointError } from './errors.js';

export const OPTIMIZER_FORMAT = 'glyphlm-adamw';

/** Transposes a row-major [r, c] matrix into a new [c, r] array (blocked for the cache). */
export function transpose2d(a: Float32Array, r: number, c: number): Float32Array {
  const out = new Float32Array(r * c);
  const S = 64;
  for (let i0 = 0; i0 < r; i0 += S) {
    for (let j0 = 0; j0 < c; j0 += S) {
      const i1 = Math.min(r, i0 + S);
      const j1 = Math.min(c, j0 + S);
      for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[j * r + i] = a[i * c + j];
    }
  }
  return out;
}

/** The embedding is stored as in the checkpoint; every other trainable matrix is transposed on the device. */
export function transposedOnDevice(checkpointName: string): boolean {
  return !checkpointName.startsWith('tok_embedding.weight');
}

/** Checkpoint-layout shape of every trainable tensor, by checkpoint name (model.trainableNames order). */
export function checkpointShapes(model: GPT): Map<string, number[]> {
  return new Map(model.trainableNames.map((n, i) => {
    const s = model.trainableVariables[i].shape as number[];
    return [n, transposedOnDevice(n) ? [s[1], s[0]] : [...s]];
  }));
}

function toCheckpoint(name: string, t: AdamWTensor): AdamWTensor {
  if (!transposedOnDevice(name)) return { shape: [...t.shape], data: t.data };
  const [r, c] = t.shape;
  return { shape: [c, r], data: transpose2d(t.data, r, c) };
}

/** AdamW state of an optimizer over `model`'s variables -> checkpoint names and layout. */
export function adamwToCheckpoint(model: GPT, state: AdamWState): OptimizerState {
  const byVar = new Map(model.trainableVariables.map((v, i) => [v.name, model.trainableNames[i]]));
  const expAvg: OptimizerState['expAvg'] = new Map();
  const expAvgSq: OptimizerState['expAvgSq'] = new Map();
  for (const [varName, t] of state.expAvg) {
    const name = byVar.get(varName);
    if (!name) throw new Error(`optimizer state: variable ${varName} is not one of the model's trainable variables`);
    expAvg.set(name, toCheckpoint(name, t));
    expAvgSq.set(name, toCheckpoint(name, state.expAvgSq.get(varName)!));
  }
  return { step: state.step, expAvg, expAvgSq };
}

/** Checkpoint-layout optimizer state -> AdamW state keyed by `model`'s variable names (errors name the tensor). */
export function checkpointToAdamw(model: GPT, state: OptimizerState): AdamWState {
  if (!state || typeof state !== 'object' || !(state.expAvg instanceof Map) || !(state.expAvgSq instanceof Map)) {
    throw new TypeError('optimizer state: expected { step, expAvg: Map, expAvgSq: Map }');
  }
  const shapes = checkpointShapes(model);
  const byName = new Map(model.trainableNames.map((n, i) => [n, model.trainableVariables[i]]));
  const expAvg = new Map<string, AdamWTensor>();
  const expAvgSq = new Map<string, AdamWTensor>();
  for (const [field, map, out] of [['expAvg', state.expAvg, expAvg], ['expAvgSq', state.expAvgSq, expAvgSq]] as const) {
    for (const [name, t] of map) {
      const v = byName.get(name);
      if (!v) throw new Error(`optimizer state: ${field} has ${name}, which is not a trainable tensor of the model (${model.trainableNames.join(', ')})`);
      if (!t || !(t.data instanceof Float32Array) || !Array.isArray(t.shape)) throw new TypeError(`optimizer state: ${field}.${name} must be { shape, data: Float32Array }`);
      const want = shapes.get(name)!;
      if (t.shape.length !== 2 || t.shape[0] !== want[0] || t.shape[1] !== want[1]) {
        throw new Error(`optimizer state: ${field}.${name} has shape [${t.shape.join(', ')}], expected [${want.join(', ')}]`);
      }
      out.set(v.name, transposedOnDevice(name)
        ? { shape: [want[1], want[0]], data: transpose2d(t.data, want[0], want[1]) }
        : { shape: [...want], data: t.data });
    }
  }
  return { step: state.step, expAvg, expAvgSq };
}

export interface OptimizerHyper {
  betas: [number, number];
  eps: number;
  weightDecay: number;
}

/** "lm_head.weight#2" -> ["lm_head.weight", 2]; an unsharded name is shard 0. */
function shardOf(name: string): [string, number] {
  const [base, i] = name.split('#');
  return [base, i === undefined ? 0 : Number(i)];
}

/**
 * The tensors of optimizer.safetensors for a model: one per checkpoint tensor (shards of a split table, which are
 * row blocks in checkpoint layout, joined), with the trainable names that make it up, in row order.
 */
export function optimizerFileShapes(model: GPT): Map<string, { shape: [number, number]; parts: Array<{ name: string; rows: number }> }> {
  const out = new Map<string, { shape: [number, number]; parts: Array<{ name: string; rows: number; index: number }> }>();
  for (const [name, shape] of checkpointShapes(model)) {
    const [base, index] = shardOf(name);
    const e = out.get(base) ?? { shape: [0, shape[1]] as [number, number], parts: [] };
    e.shape[0] += shape[0];
    e.parts.push({ name, rows: shape[0], index });
    out.set(base, e);
  }
  for (const e of out.values()) e.parts.sort((x, y) => x.index - y.index);
  return out;
}

/** Joins the row shards of each tensor (shard index order); unsharded tensors pass through. */
function joinShards(m: Map<string, AdamWTensor>): Map<string, AdamWTensor> {
  const groups = new Map<string, Array<[number, AdamWTensor]>>();
  for (const [name, t] of m) {
    const [base, index] = shardOf(name);
    groups.set(base, [...(groups.get(base) ?? []), [index, t]]);
  }
  const out = new Map<string, AdamWTensor>();
  for (const [base, parts] of groups) {
    if (parts.length === 1) {
      out.set(base, parts[0][1]);
      continue;
    }
    parts.sort((x, y) => x[0] - y[0]);
    const rows = parts.reduce((a, [, t]) => a + t.shape[0], 0);
    const data = new Float32Array(rows * parts[0][1].shape[1]);
    let off = 0;
    for (const [, t] of parts) {
      data.set(t.data, off);
      off += t.data.length;
    }
    out.set(base, { shape: [rows, parts[0][1].shape[1]], data });
  }
  return out;
}

/**
 * optimizer.safetensors bytes: F32 "exp_avg.<name>" / "exp_avg_sq.<name>" per checkpoint tensor (a table split in
 * shards on webgpu is stored whole, as the PyTorch twin holds it), hyper-parameters in __metadata__.
 */
export function encodeOptimizerState(state: OptimizerState, hyper: OptimizerHyper): Uint8Array {
  const tensors = new Map<string, TensorInput>();
  for (const [name, t] of joinShards(state.expAvg)) tensors.set(`exp_avg.${name}`, { dtype: 'F32', shape: t.shape, data: t.data });
  for (const [name, t] of joinShards(state.expAvgSq)) tensors.set(`exp_avg_sq.${name}`, { dtype: 'F32', shape: t.shape, data: t.data });
  return writeSafetensors(tensors, {
    format: OPTIMIZER_FORMAT, step: String(state.step), betas: JSON.stringify(hyper.betas), eps: String(hyper.eps),
    weight_decay: String(hyper.weightDecay),
  });
}

/**
 * Reads optimizer.safetensors for `model`: format, step, exactly one exp_avg and exp_avg_sq per trainable tensor
 * (none when `step` is 0), shapes, dtype and finiteness, every error naming `file` and the tensor.
 */
export function decodeOptimizerState(bytes: Uint8Array, model: GPT, file: string): { state: OptimizerState; hyper: OptimizerHyper } {
  let st;
  try {
    st = readSafetensors(bytes, { source: file });
  } catch (e) {
    throw new TrainCheckpointError(file, `not a readable safetensors file (${(e as Error).message})`);
  }
  const md = st.metadata;
  if (md.format !== OPTIMIZER_FORMAT) throw new TrainCheckpointError(file, `__metadata__.format is ${JSON.stringify(md.format)}, expected "${OPTIMIZER_FORMAT}"`, 'format');
  const step = Number(md.step);
  if (!Number.isInteger(step) || step < 0) throw new TrainCheckpointError(file, `__metadata__.step is ${JSON.stringify(md.step)}, expected an integer >= 0`, 'step');
  let betas: [number, number];
  try {
    betas = JSON.parse(md.betas ?? '');
  } catch {
    throw new TrainCheckpointError(file, `__metadata__.betas is ${JSON.stringify(md.betas)}, expected "[b1,b2]"`, 'betas');
  }
  if (!Array.isArray(betas) || betas.length !== 2 || !betas.every((b) => typeof b === 'number')) throw new TrainCheckpointError(file, `__metadata__.betas is ${JSON.stringify(md.betas)}, expected "[b1,b2]"`, 'betas');
  const eps = Number(md.eps);
  const weightDecay = Number(md.weight_decay);
  if (!Number.isFinite(eps)) throw new TrainCheckpointError(file, `__metadata__.eps is ${JSON.stringify(md.eps)}`, 'eps');
  if (!Number.isFinite(weightDecay)) throw new TrainCheckpointError(file, `__metadata__.weight_decay is ${JSON.stringify(md.weight_decay)}`, 'weight_decay');
  const shapes = optimizerFileShapes(model);
  const expected = new Set<string>();
  if (step > 0) for (const n of shapes.keys()) expected.add(`exp_avg.${n}`).add(`exp_avg_sq.${n}`);
  const missing = [...expected].filter((n) => !st.tensors.has(n));
  if (missing.length) throw new TrainCheckpointError(file, `missing tensor(s) ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ` (+${missing.length - 4} more)` : ''}`);
  const extra = [...st.tensors.keys()].filter((n) => !expected.has(n));
  if (extra.length) throw new TrainCheckpointError(file, `unexpected tensor(s) ${extra.slice(0, 4).join(', ')} (the model's trainable tensors are ${[...shapes.keys()].join(', ')})`);
  const state: OptimizerState = { step, expAvg: new Map(), expAvgSq: new Map() };
  for (const [prefix, out] of [['exp_avg.', state.expAvg], ['exp_avg_sq.', state.expAvgSq]] as const) {
    if (step === 0) break;
    for (const [name, { shape, parts }] of shapes) {
      const t = st.tensors.get(prefix + name)!;
      if (t.dtype !== 'F32') throw new TrainCheckpointError(file, `tensor ${prefix}${name} has dtype ${t.dtype}, expected F32`);
      if (t.shape.length !== 2 || t.shape[0] !== shape[0] || t.shape[1] !== shape[1]) {
        throw new TrainCheckpointError(file, `tensor ${prefix}${name} has shape [${t.shape.join(', ')}], the model needs [${shape.join(', ')}]`);
      }
      const data = t.toFloat32();
      for (let i = 0; i < data.length; i++) {
        if (!Number.isFinite(data[i])) throw new TrainCheckpointError(file, `tensor ${prefix}${name} has a non-finite value (${data[i]}) at flat index ${i}`);
      }
      let row = 0;
      for (const p of parts) { // the model's shards: row blocks of the checkpoint tensor
        out.set(p.name, { shape: [p.rows, shape[1]], data: parts.length === 1 ? data : data.slice(row * shape[1], (row + p.rows) * shape[1]) });
        row += p.rows;
      }
    }
  }
  return { state, hyper: { betas, eps, weightDecay } };
}
