// GPT.freeze (per-layer freezing, used by the trainer's growth): frozen layers leave trainableVariables and
// trainableNames, get no AdamW state and stay byte-identical through training steps while the rest trains; a
// trainable table can be frozen too; freeze({}) undoes it; dispose frees frozen variables; bad input is refused.
import { describe, it, expect, beforeAll } from 'vitest';
import { tf, useBackend, createModel, AdamW, InputError, type ModelConfig, type GPT } from './index.js';
import { Rng } from './rng.js';

tf.env().set('IS_TEST', false);
const cfg: ModelConfig = { vocabSize: 61, nEmbed: 16, dModel: 32, nLayer: 3, nHead: 4, blockSize: 32 };

function table() {
  return { rows: 61, dim: 16, data: new Rng(3).normal(new Float32Array(61 * 16), 1) };
}

function batch(seed: number) {
  const r = new Rng(seed);
  const ids = Array.from({ length: 2 }, () => Array.from({ length: 17 }, () => Math.floor(r.next() * 61)));
  return { ids: ids.map((x) => x.slice(0, 16)), targets: ids.map((x) => x.slice(1)) };
}

async function weights(m: GPT) {
  return new Map([...(await m.stateDict())].map(([k, v]) => [k, Uint32Array.from(new Uint32Array(v.data.buffer, v.data.byteOffset, v.data.length))]));
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`GPT.freeze on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it('frozen layers are not trained, have no optimizer state and stay byte-identical', async () => {
      const m = createModel(cfg, { embedding: table(), seed: 1 });
      const names = [...m.trainableNames];
      m.freeze({ layers: [0, 2] });
      expect(m.frozen).toEqual({ layers: [0, 2], embedding: false });
      expect(m.trainableNames).toEqual(names.filter((n) => !/^blocks\.[02]\./.test(n)));
      expect(m.trainableVariables.length).toBe(m.trainableNames.length);
      const before = await weights(m);
      const opt = new AdamW({ lr: 1e-2, weightDecay: 0.1 });
      for (let s = 0; s < 3; s++) {
        const { ids, targets } = batch(s);
        opt.minimize(() => m.loss(ids, targets), m.trainableVariables)?.dispose();
      }
      const after = await weights(m);
      for (const [k, v] of before) {
        const same = v.every((x, i) => x === after.get(k)![i]);
        expect(same, k).toBe(/^blocks\.[02]\.|tok_embedding/.test(k));
      }
      const state = await opt.stateDict();
      const stateNames = [...state.expAvg.keys()];
      expect(stateNames.length).toBe(m.trainableVariables.length);
      expect(stateNames.some((n) => /blocks\.[02]\./.test(n))).toBe(false);
      // tf.variableGrads over every variable skips the frozen ones as well
      expect(m.trainableVariables.every((v) => v.trainable)).toBe(true);
      // unfreeze: all layers train again, in checkpoint order
      m.freeze({});
      expect(m.trainableNames).toEqual(names);
      opt.dispose();
      const n0 = tf.memory().numTensors;
      m.freeze({ layers: [1] });
      m.dispose();
      expect(n0 - tf.memory().numTensors).toBe(1 + 3 * 4 + 1); // table + every layer's 4 (frozen too) + head
    });

    it('a trainable table can be frozen with the layers below', () => {
      const m = createModel(cfg, { embedding: 'trainable', seed: 2 });
      m.freeze({ layers: [0], embedding: true });
      expect(m.trainableNames[0]).toBe('blocks.1.attn.qkv.weight');
      expect(m.trainableNames.includes('tok_embedding.weight')).toBe(false);
      m.dispose();
    });

    it('bad input is refused, naming the field', () => {
      const m = createModel(cfg, { embedding: table(), seed: 1 });
      expect(() => m.freeze({ layers: [3] })).toThrow(InputError);
      expect(() => m.freeze({ layers: [3] })).toThrow(/layers\[0\] = 3 is not a layer index in \[0, 3\)/);
      expect(() => m.freeze({ layers: [0.5] })).toThrow(/layers\[0\]/);
      expect(() => m.freeze({ embedding: true })).toThrow(/already a frozen constant/);
      expect(m.trainableNames.length).toBe(13); // unchanged by the refused calls
      m.dispose();
      expect(() => m.freeze({})).toThrow(/after dispose/);
    });
  });
}
