// The tfjs-ops steppers (stepper.ts) on the cpu and wasm backends: decode.ts's step and infer.ts's one-token step
// give the same logits (1e-5) as each other and as the full forward over the whole sequence, for 40 tokens after the
// prompt (crossing the 32-token fold of the own part into the shared one), and free every tensor.
import { describe, it, expect, beforeAll } from 'vitest';
import { tf, useBackend, createModel, presets, type ModelConfig } from './index.js';
import { createStepper } from './stepper.js';
import type { GPT } from './model.js';
import { Rng } from './rng.js';

tf.env().set('IS_TEST', false);
const tiny: ModelConfig = { ...presets['test-tiny'], blockSize: 64 }; // V 97, d 32, 2 layers, 4 heads

describe.each(['cpu', 'wasm'] as const)('tfjs-ops steppers on %s', (backend) => {
  beforeAll(async () => {
    expect(await useBackend(backend)).toBe(backend);
  });

  it('decode.ts and infer.ts steps equal each other and the full forward', async () => {
    const m: GPT = createModel(tiny, { embedding: 'trainable', seed: 31 });
    const rng = new Rng(8);
    const prompt = Array.from({ length: 9 }, () => Math.floor(rng.next() * 97));
    const tokens = Array.from({ length: 40 }, () => Math.floor(rng.next() * 97));
    const n0 = tf.memory().numTensors;
    const run = async (kind: 'decode' | 'infer') => {
      const s = createStepper(m, Int32Array.from(prompt), false, undefined, kind);
      const out = [await s.first()];
      for (const t of tokens) out.push(await s.next(t));
      s.dispose();
      return out;
    };
    const dec = await run('decode');
    const inf = await run('infer');
    expect(tf.memory().numTensors).toBe(n0);
    const full = await m.logits([[...prompt, ...tokens]]);
    let worst = 0;
    for (let i = 0; i <= tokens.length; i++) {
      const ref = full.subarray((prompt.length - 1 + i) * 97, (prompt.length + i) * 97);
      for (let v = 0; v < 97; v++) worst = Math.max(worst, Math.abs(dec[i][v] - ref[v]), Math.abs(inf[i][v] - ref[v]));
    }
    expect(worst).toBeLessThan(1e-5);
    m.dispose();
  });
});
