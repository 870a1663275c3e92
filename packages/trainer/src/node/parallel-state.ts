// Optimizer state between an AdamW of transformer-core (keyed by tf variable name, in the variable's device
// layout: linear layers and head shards transposed to [in, out]) and the engine's OptimizerState (checkpoint names
// and checkpoint layout [out, in], as optimizer.safetensors and the PyTorch twin hold it).
import type { AdamWState, AdamWTensor, GPT } from '@glyphlm/transformer-core';
import type { OptimizerState } from '../train/engine.js';

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

/** Whether the variable behind a checkpoint name is stored transposed on the device (everything but the embedding). */
function transposed(checkpointName: string): boolean {
  return !checkpointName.startsWith('tok_embedding.weight');
}

function toCheckpoint(name: string, t: AdamWTensor): AdamWTensor {
  if (!transposed(name) || t.shape.length !== 2) return { shape: [...t.shape], data: t.data };
  const [r, c] = t.shape;
  return { shape: [c, r], data: transpose2d(t.data, r, c) };
}

function toDevice(name: string, t: AdamWTensor, shape: number[]): AdamWTensor {
  if (!transposed(name) || shape.length !== 2) return { shape: [...t.shape], data: t.data };
  const [r, c] = shape; // device shape [r, c]; the checkpoint tensor is [c, r]
  if (t.shape.length !== 2 || t.shape[0] !== c || t.shape[1] !== r) {
    throw new Error(`optimizer state: ${name} has shape [${t.shape.join(', ')}], expected [${c}, ${r}]`);
  }
  return { shape: [r, c], data: transpose2d(t.data, c, r) };
}

/** AdamW state of `model`'s optimizer -> checkpoint names and layout. */
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
  const byName = new Map(model.trainableNames.map((n, i) => [n, model.trainableVariables[i]]));
  const expAvg = new Map<string, AdamWTensor>();
  const expAvgSq = new Map<string, AdamWTensor>();
  for (const [field, map, out] of [['expAvg', state.expAvg, expAvg], ['expAvgSq', state.expAvgSq, expAvgSq]] as const) {
    for (const [name, t] of map) {
      const v = byName.get(name);
      if (!v) throw new Error(`optimizer state: ${field} has ${name}, which is not a trainable tensor of the model (${model.trainableNames.join(', ')})`);
      if (!t || !(t.data instanceof Float32Array) || !Array.isArray(t.shape)) throw new TypeError(`optimizer state: ${field}.${name} must be { shape, data: Float32Array }`);
      out.set(v.name, toDevice(name, t, v.shape));
    }
  }
  return { step: state.step, expAvg, expAvgSq };
}
