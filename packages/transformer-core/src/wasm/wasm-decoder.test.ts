// The fused wasm decoder against the tfjs decode path: teacher-forced logits at every position up to blockSize
// (frozen nEmbed < dModel, sharded tables, vocabularies that are not a multiple of 4), identical greedy and seeded
// sampled streams, no leaks (also for a stream never read), and clear errors.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, useBackend, createModel, presets, type GPT, type ModelConfig } from '../index.js';
import { Rng } from '../rng.js';
import { headRows, inferStep } from '../infer.js';
import { disposePart } from '../kv-cache.js';
import { decodeStep, disposeDecode, toDecodePart, type DecodePart } from '../decode.js';
import { WasmDecoder } from './wasm-decoder.js';

tf.env().set('IS_TEST', false);

function glyphMatrix(c: ModelConfig, seed: number) {
  const data = new Rng(seed).normal(new Float32Array(c.vocabSize * c.nEmbed), 1);
  return { rows: c.vocabSize, dim: c.nEmbed, data };
}

/** Max |a - b| relative to max |b|. */
function relErr(a: Float32Array, b: Float32Array): number {
  let e = 0, m = 0;
  for (let i = 0; i < b.length; i++) { e = Math.max(e, Math.abs(a[i] - b[i])); m = Math.max(m, Math.abs(b[i])); }
  return e / m;
}

const odd: ModelConfig = { vocabSize: 1001, nEmbed: 16, dModel: 48, nLayer: 3, nHead: 3, blockSize: 40 };

const cases: [string, () => GPT][] = [
  ['test-tiny, frozen, nEmbed 16 < dModel 32, V 97', () => createModel(presets['test-tiny'], { embedding: glyphMatrix(presets['test-tiny'], 3), seed: 4 })],
  ['test-tiny, trainable, tables in 40-row/column shards', () => createModel(presets['test-tiny'], { embedding: 'trainable', seed: 9, maxShardBytes: 40 * 16 * 4 })],
  ['d 48, 3 heads of 16, V 1001, frozen', () => createModel(odd, { embedding: glyphMatrix(odd, 5), seed: 6 })],
];

describe('WasmDecoder on wasm', () => {
  beforeAll(async () => {
    expect(await useBackend('wasm')).toBe('wasm');
  });

  it.each(cases)('%s: logits equal the tfjs decode path at every position to blockSize', async (_, make) => {
    const m = make();
    const c = m.config;
    const rng = new Rng(7);
    const seq = Int32Array.from({ length: c.blockSize }, () => Math.floor(rng.next() * c.vocabSize));
    const P = 5;
    const n0 = tf.memory().numTensors;
    const dec = WasmDecoder.create(m)!;
    expect(dec).not.toBeNull();
    const r = inferStep(m, seq.subarray(0, P), 1, P, null, null);
    dec.prefill(r.own);
    expect(dec.length).toBe(P);
    let fast = dec.logitsOfRow(r.x, P - 1);
    let shared: DecodePart = toDecodePart(r.own);
    let own: DecodePart | null = null;
    const h0 = headRows(m, r.x, [P - 1]);
    let slow = (await h0.data()) as Float32Array;
    h0.dispose();
    disposePart(r.own);
    r.x.dispose();
    let worst = relErr(fast, slow);
    for (let p = P; p < c.blockSize; p++) {
      fast = dec.step(seq[p]);
      const s = decodeStep(m, seq[p], shared, own);
      disposeDecode(own);
      own = s.own;
      const h = headRows(m, s.x, null);
      slow = (await h.data()) as Float32Array;
      h.dispose();
      s.x.dispose();
      expect(fast.length).toBe(c.vocabSize);
      worst = Math.max(worst, relErr(fast, slow));
    }
    expect(worst).toBeLessThan(2e-5);
    expect(() => dec.step(seq[0])).toThrow(/position 40|past blockSize/);
    dec.dispose();
    disposeDecode(shared);
    disposeDecode(own);
    expect(tf.memory().numTensors).toBe(n0);
    m.dispose();
  });

  it.each(cases)('%s: greedy and seeded sampled streams equal the tfjs path', async (_, make) => {
    const m = make();
    const prompt = [3, 1, 4, 1, 5, 9, 2, 6];
    const run = async (fastDecode: boolean, o: object) => {
      const out: number[] = [];
      for await (const id of m.generate(prompt, { maxNewTokens: 30, fastDecode, ...o })) out.push(id);
      return out;
    };
    const n0 = tf.memory().numTensors;
    expect(await run(true, {})).toEqual(await run(false, {}));
    for (const seed of [1, 2, 3]) {
      const o = { temperature: 0.9, topK: 50, topP: 0.95, seed };
      expect(await run(true, o)).toEqual(await run(false, o));
    }
    expect(tf.memory().numTensors).toBe(n0);
    m.dispose();
  });

  it('a stream that is never read, or broken off, holds no tensors', async () => {
    const m = createModel(presets['test-tiny'], { embedding: 'trainable', seed: 1 });
    const n0 = tf.memory().numTensors;
    m.generate([1, 2, 3], { maxNewTokens: 10 });
    expect(tf.memory().numTensors).toBe(n0);
    for await (const id of m.generate([1, 2, 3], { maxNewTokens: 10 })) if (id >= 0) break;
    expect(tf.memory().numTensors).toBe(n0);
    m.dispose();
  });

  it('a model disposed during generation gives a clear error, not garbage', async () => {
    const m = createModel(presets['test-tiny'], { embedding: 'trainable', seed: 1 });
    const it = m.generate([1, 2, 3], { maxNewTokens: 10 });
    await it.next();
    m.dispose();
    await expect(it.next()).rejects.toThrow(/disposed/);
  });

  it('does not apply on the cpu backend (generate uses tfjs there)', async () => {
    await useBackend('cpu');
    const m = createModel(presets['test-tiny'], { embedding: 'trainable', seed: 1 });
    expect(WasmDecoder.supports(m)).toBe(false);
    m.dispose();
    await useBackend('wasm');
  });
});
