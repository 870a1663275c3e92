// Per-position losses against a direct float64 log-softmax of the model's full logits, and their mean against
// model.loss (the fused cross-entropy path).
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, useBackend, tf } from '@glyphlm/transformer-core';
import { tokenLosses } from './token-losses.js';

const config = { vocabSize: 97, nEmbed: 16, dModel: 32, nLayer: 2, nHead: 4, blockSize: 32 };

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

beforeAll(async () => {
  await useBackend('wasm');
});

describe('tokenLosses', () => {
  it('equals float64 log-softmax of model.logits at every position, for several row chunks', async () => {
    const model = createModel(config, { embedding: 'trainable', seed: 3 });
    const rnd = lcg(11);
    const B = 3, T = 20;
    const ids = Int32Array.from({ length: B * T }, () => Math.floor(rnd() * 97));
    const targets = Int32Array.from({ length: B * T }, (_, i) => (i % 7 === 3 ? -1 : Math.floor(rnd() * 97)));
    const logits = await model.logits({ data: ids, shape: [B, T] });
    const ref = new Float64Array(B * T);
    for (let i = 0; i < B * T; i++) {
      if (targets[i] < 0) { ref[i] = NaN; continue; }
      let max = -Infinity;
      for (let j = 0; j < 97; j++) max = Math.max(max, logits[i * 97 + j]);
      let s = 0;
      for (let j = 0; j < 97; j++) s += Math.exp(logits[i * 97 + j] - max);
      ref[i] = Math.log(s) + max - logits[i * 97 + targets[i]];
    }
    for (const rowChunk of [1, 7, 64, undefined]) {
      const got = await tokenLosses(model, { ids, targets, B, T }, { rowChunk });
      for (let i = 0; i < B * T; i++) {
        if (Number.isNaN(ref[i])) expect(got[i]).toBeNaN();
        else expect(Math.abs(got[i] - ref[i])).toBeLessThan(2e-5 * Math.max(1, ref[i]));
      }
    }
    const got = await tokenLosses(model, { ids, targets, B, T });
    const kept = Array.from(got).filter((x) => !Number.isNaN(x));
    const mean = kept.reduce((a, b) => a + b, 0) / kept.length;
    const fused = model.loss({ data: ids, shape: [B, T] }, { data: targets, shape: [B, T] });
    expect(mean).toBeCloseTo((await fused.data())[0], 4);
    fused.dispose();
    model.dispose();
  });
  it('leaves no tensors and rejects bad batches before any work', async () => {
    const model = createModel(config, { embedding: 'trainable', seed: 1 });
    const before = tf.memory().numTensors;
    await tokenLosses(model, { ids: new Int32Array(8).fill(1), targets: new Int32Array(8).fill(2), B: 2, T: 4 });
    expect(tf.memory().numTensors).toBe(before);
    await expect(tokenLosses(model, { ids: Int32Array.from([1, 97]), targets: Int32Array.from([1, 1]), B: 1, T: 2 }))
      .rejects.toThrow(/ids\[1\] = 97 is outside the vocabulary/);
    await expect(tokenLosses(model, { ids: new Int32Array(33), targets: new Int32Array(33), B: 1, T: 33 }))
      .rejects.toThrow(/longer than the model's blockSize 32/);
    model.dispose();
  });
});
