// One model replica of the data-parallel engine, the same code on the main thread and in every worker: gradients
// of its row blocks (token-weighted) into its slot of the shared buffer, evaluation sums, and the copy of the
// shared parameter vector into its variables after each update.
import { tf, type GPT, type StateDict } from '@glyphlm/transformer-core';
import { makeLayout, type ParamLayout } from './parallel-reduce.js';
import type { Block } from './parallel-split.js';

interface WasmBackendView {
  wasm: { HEAPU8?: Uint8Array };
  dataIdMap: { has(id: object): boolean; get(id: object): { memoryOffset: number } };
}

/** The tensor's float32 values as a view of the wasm heap (no copy), or null on another backend. */
function heapView(t: tf.Tensor): Float32Array | null {
  if (tf.getBackend() !== 'wasm' || t.dtype !== 'float32') return null;
  const b = tf.backend() as unknown as WasmBackendView;
  const heap = b.wasm?.HEAPU8;
  if (!heap || !b.dataIdMap?.has(t.dataId)) return null;
  return new Float32Array(heap.buffer, b.dataIdMap.get(t.dataId).memoryOffset, t.size);
}

function copyInto(t: tf.Tensor, dst: Float32Array, offset: number): void {
  dst.set(heapView(t) ?? (t.dataSync() as Float32Array), offset);
}

export class Replica {
  readonly layout: ParamLayout;

  constructor(readonly model: GPT) {
    this.layout = makeLayout(model.trainableNames, model.trainableVariables.map((v) => v.shape));
  }

  /**
   * Writes the gradients of sum_k weight_k * meanLoss(block_k) into `slot` (flat, layout order; zeros where a
   * variable gets none) and returns that weighted loss sum.
   */
  gradients(blocks: Block[], slot: Float32Array, dropout: number): number {
    const vars = this.model.trainableVariables;
    const acc: Array<tf.Tensor | null> = vars.map(() => null);
    let loss = 0;
    try {
      for (const b of blocks) {
        const { value, grads } = tf.variableGrads(() => {
          const l = this.model.loss({ data: b.ids, shape: [b.B, b.T] }, { data: b.targets, shape: [b.B, b.T] }, { dropout, seed: b.seed });
          return tf.mul(l, b.weight) as tf.Scalar;
        }, vars);
        loss += value.dataSync()[0];
        value.dispose();
        vars.forEach((v, i) => {
          const g = grads[v.name];
          if (!g) return;
          const prev = acc[i];
          if (prev) {
            acc[i] = tf.add(prev, g);
            prev.dispose();
            g.dispose();
          } else acc[i] = g;
        });
      }
      const { offsets, sizes } = this.layout;
      acc.forEach((g, i) => (g ? copyInto(g, slot, offsets[i]) : slot.fill(0, offsets[i], offsets[i] + sizes[i])));
    } finally {
      acc.forEach((g) => g?.dispose());
    }
    return loss;
  }

  /** Sum over blocks of meanLoss * valid targets (no tape, no dropout). */
  lossSum(blocks: Block[]): number {
    let s = 0;
    for (const b of blocks) {
      const l = tf.tidy(() => this.model.loss({ data: b.ids, shape: [b.B, b.T] }, { data: b.targets, shape: [b.B, b.T] }, { dropout: 0 }));
      s += l.dataSync()[0] * b.valid;
      l.dispose();
    }
    return s;
  }

  /** Copies every trainable variable (device layout) into `dst` in layout order. */
  readWeights(dst: Float32Array): void {
    this.model.trainableVariables.forEach((v, i) => copyInto(v, dst, this.layout.offsets[i]));
  }

  /**
   * Assigns every trainable variable from `src` (device layout, layout order). New tensors, not writes into the
   * old memory: tfjs-wasm's matMul caches packed weights per tensor.
   */
  writeWeights(src: Float32Array): void {
    // tfjs-wasm copies a new tensor's values into its heap; the cpu backend keeps the array, so give it a copy
    const copy = tf.getBackend() !== 'wasm';
    this.model.trainableVariables.forEach((v, i) => {
      const view = src.subarray(this.layout.offsets[i], this.layout.offsets[i] + this.layout.sizes[i]);
      const t = tf.tensor(copy ? view.slice() : view, v.shape, 'float32');
      v.assign(t);
      t.dispose();
    });
  }

  stateDict(): Promise<StateDict> {
    return this.model.stateDict();
  }
}
