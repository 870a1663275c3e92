// Optimizer state between the engine's shared moment vectors (flat, layout order, device layout: linear layers and
// head shards transposed to [in, out]) and the StepEngine's OptimizerState (checkpoint names and checkpoint layout
// [out, in], as optimizer.safetensors and the PyTorch twin hold it).
import type { OptimizerState } from '../train/engine.js';
import { transpose2d, transposedOnDevice } from '../train/optimizer-state.js';
import type { ParamLayout } from './parallel-reduce.js';

/** Whether the variable behind a checkpoint name is stored transposed on the device (the rule of optimizer-state.ts). */
function transposed(name: string, shape: number[]): boolean {
  return transposedOnDevice(name) && shape.length === 2;
}

/** Checkpoint shape of variable i. */
function checkpointShape(layout: ParamLayout, i: number): number[] {
  const s = layout.shapes[i];
  return transposed(layout.names[i], s) ? [s[1], s[0]] : [...s];
}

/** The shared moments -> OptimizerState (copies, checkpoint layout). */
export function momentsToState(layout: ParamLayout, step: number, expAvg: Float32Array, expAvgSq: Float32Array): OptimizerState {
  const out: OptimizerState = { step, expAvg: new Map(), expAvgSq: new Map() };
  layout.names.forEach((name, i) => {
    const s = layout.shapes[i];
    for (const [src, dst] of [[expAvg, out.expAvg], [expAvgSq, out.expAvgSq]] as const) {
      const flat = src.slice(layout.offsets[i], layout.offsets[i] + layout.sizes[i]);
      dst.set(name, { shape: checkpointShape(layout, i), data: transposed(name, s) ? transpose2d(flat, s[0], s[1]) : flat });
    }
  });
  return out;
}

/**
 * Writes an OptimizerState into the shared moments; everything is checked first (names, shapes, lengths, finite
 * values), so a bad state changes nothing. Empty maps (an optimizer that has not stepped) load as zeros.
 */
export function stateToMoments(layout: ParamLayout, state: OptimizerState, expAvg: Float32Array, expAvgSq: Float32Array): number {
  if (!state || typeof state !== 'object' || !(state.expAvg instanceof Map) || !(state.expAvgSq instanceof Map)) {
    throw new TypeError('loadOptimizerState: expected { step, expAvg: Map, expAvgSq: Map }');
  }
  if (!Number.isInteger(state.step) || state.step < 0) throw new RangeError(`loadOptimizerState: step must be an integer >= 0, got ${state.step}`);
  const empty = state.expAvg.size === 0 && state.expAvgSq.size === 0;
  const known = new Set(layout.names);
  for (const [field, map] of [['expAvg', state.expAvg], ['expAvgSq', state.expAvgSq]] as const) {
    for (const name of map.keys()) {
      if (!known.has(name)) throw new Error(`loadOptimizerState: ${field} has ${name}, which is not a trainable tensor of the model`);
    }
    if (empty) continue;
    layout.names.forEach((name, i) => {
      const t = map.get(name);
      if (!t) throw new Error(`loadOptimizerState: ${field} lacks ${name}`);
      const want = checkpointShape(layout, i);
      if (!(t.data instanceof Float32Array) || !Array.isArray(t.shape)) throw new TypeError(`loadOptimizerState: ${field}.${name} must be { shape, data: Float32Array }`);
      if (t.shape.join(',') !== want.join(',')) throw new Error(`loadOptimizerState: ${field}.${name} has shape [${t.shape.join(', ')}], expected [${want.join(', ')}]`);
      if (t.data.length !== layout.sizes[i]) throw new Error(`loadOptimizerState: ${field}.${name} has ${t.data.length} values, expected ${layout.sizes[i]}`);
      for (let k = 0; k < t.data.length; k++) {
        if (!Number.isFinite(t.data[k])) throw new Error(`loadOptimizerState: ${field}.${name} has a non-finite value (${t.data[k]}) at flat index ${k}`);
      }
    });
  }
  if (empty) {
    expAvg.fill(0);
    expAvgSq.fill(0);
    return state.step;
  }
  layout.names.forEach((name, i) => {
    const s = layout.shapes[i];
    for (const [map, dst] of [[state.expAvg, expAvg], [state.expAvgSq, expAvgSq]] as const) {
      const data = map.get(name)!.data;
      // checkpoint [c, r] -> device [r, c]
      dst.set(transposed(name, s) ? transpose2d(data, s[1], s[0]) : data, layout.offsets[i]);
    }
  });
  return state.step;
}
