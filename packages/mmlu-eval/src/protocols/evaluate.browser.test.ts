// evaluate() in Chromium (vitest browser mode) on tfjs's wasm backend: a tiny random-weight model over the real
// bvv241-2-3 tokenizer, a small MMLU-shaped dataset made here; the harness logliks equal a direct per-request
// computation, the paper output is the greedy next token, the in-memory request cache answers a second run, and
// the model fingerprint comes from the page's WebCrypto.
import { describe, it, expect } from 'vitest';
import { tf, useBackend, createModel, setWasmPaths } from '@glyphlm/transformer-core';
import { bvv241 } from '@glyphlm/unicode-tokenizer';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { evaluate, argmax } from './evaluate.js';
import { memoryRequestCache } from './cache.js';
import { encodePair } from './requests.js';
import { harnessContext, harnessContinuations, harnessDescription, paperPromptMMLU } from './prompts.js';
import type { McqDataset, McqItem } from '../data/types.js';

// tfjs (a peer dependency of transformer-core) fetches its backend's .wasm next to the page unless told where it is
setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded });

const tok = bvv241('2-3');

function item(subject: string, index: number, question: string, choices: string[], answer: number): McqItem {
  return { subject, index, question, choices, answer };
}

const dataset: McqDataset = {
  name: 'mmlu',
  source: 'browser test fixture',
  subjects: ['astronomy', 'virology'],
  dev: [
    item('astronomy', 0, 'Which planet is largest?', ['Mars', 'Jupiter', 'Venus', 'Earth'], 1),
    item('astronomy', 1, 'What is the Sun?', ['A star', 'A planet', 'A moon', 'A comet'], 0),
    item('virology', 0, 'Viruses contain?', ['Nucleic acid', 'Chloroplasts', 'Cell walls', 'Ribosomes only'], 0),
    item('virology', 1, 'Which is a virus?', ['E. coli', 'Influenza', 'Yeast', 'Amoeba'], 1),
  ],
  val: [],
  test: [
    item('astronomy', 0, 'How many moons does Mars have?', ['0', '1', '2', '4'], 2),
    item('astronomy', 1, 'What is a light-year a unit of?', ['Time', 'Distance', 'Speed', 'Mass'], 1),
    item('astronomy', 2, 'Which planet has the most prominent rings?', ['Saturn', 'Mercury', 'Mars', 'Venus'], 0),
    item('virology', 0, 'What does a vaccine train?', ['The immune system', 'The liver', 'Bones', 'Hair'], 0),
    item('virology', 1, 'HIV attacks which cells?', ['Red blood cells', 'Neurons', 'CD4 T cells', 'Platelets'], 2),
  ],
};

function table(rows: number, dim: number, seed: number): { rows: number; dim: number; data: Float32Array } {
  const data = new Float32Array(rows * dim);
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 32 - 0.5;
  }
  return { rows, dim, data };
}

describe('evaluate in chromium (wasm)', () => {
  it('harness, paper and the request cache', async () => {
    expect(await useBackend('wasm')).toBe('wasm');
    const model = createModel({ vocabSize: tok.vocabSize, nEmbed: 8, dModel: 16, nLayer: 1, nHead: 2, blockSize: 256 }, { embedding: table(tok.vocabSize, 8, 4), seed: 4 });
    const n0 = tf.memory().numTensors;
    try {
      const cache = memoryRequestCache();
      const r = await evaluate(model, tok, dataset, { protocol: 'harness', shots: 2, cache });
      expect(r.items.length).toBe(5);
      expect(r.model.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      for (const it of r.items) {
        const src = dataset.test.find((t) => t.subject === it.subject && t.index === it.index)!;
        const shots = dataset.dev.filter((d) => d.subject === it.subject);
        expect(it.shots).toBe(2);
        const ctx = harnessContext(src, shots, harnessDescription(src.subject));
        for (const [j, c] of harnessContinuations(src).entries()) {
          const p = encodePair(tok, ctx, c);
          const want = (await model.logprobs([{ context: p.context, continuation: p.continuation }], { prefixCache: false }))[0].sum;
          expect(Math.abs(it.logliks![j] - want)).toBeLessThan(1e-4);
        }
        expect(it.pred).toBe(argmax(it.logliks!));
      }
      expect(r.accuracy.n).toBe(5);
      const again = await evaluate(model, tok, dataset, { protocol: 'harness', shots: 2, cache });
      expect(again.timing.cacheHits).toBe(20);
      expect(again.items).toEqual(r.items);

      const p = await evaluate(model, tok, dataset, { protocol: 'paper', subjects: ['virology'] });
      for (const it of p.items) {
        const src = dataset.test.find((t) => t.subject === it.subject && t.index === it.index)!;
        const ids = Array.from(tok.encode(paperPromptMMLU(src)));
        const logits = await model.logits([ids]);
        const next = argmax(Array.from(logits.subarray((ids.length - 1) * tok.vocabSize, ids.length * tok.vocabSize)));
        expect(it.output).toBe(tok.decode([...ids, next]).slice(tok.decode(ids).length));
      }
      expect(tf.memory().numTensors).toBe(n0);
    } finally {
      model.dispose();
    }
  });
});
