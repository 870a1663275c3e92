// Scoring loop (scoring.ts) on the wasm and cpu backends: requests whose inputs coincide (an MMLU item's ` A`..` D`
// in bvv241: a shared space, then the letter) are scored by one forward over the prefix cache; over many seeded random
// request sets (runs of identical inputs mixed with ordinary requests, contexts sharing prefixes, several batch
// sizes) every log-probability equals the uncached path and log_softmax of the full forward's logits, greedy flags
// agree, and no tensor is left behind; so too with more scored rows than one head call takes (rows of several
// forwards share a head call).
import { describe, it, expect, beforeAll } from 'vitest';
import { tf, useBackend, createModel, presets, type EmbeddingMatrix, type ModelConfig } from './index.js';
import { Rng } from './rng.js';

tf.env().set('IS_TEST', false);
const tiny: ModelConfig = { ...presets['test-tiny'], blockSize: 48 }; // V 97, d 32, 2 layers, 4 heads
const V = tiny.vocabSize;

function randIds(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => Math.floor(rng.next() * V));
}

function table(seed: number): EmbeddingMatrix {
  const data = new Rng(seed).normal(new Float32Array(V * tiny.nEmbed), 0.5);
  return { rows: V, dim: tiny.nEmbed, data, meta: { recipe: 'test' } };
}

type Req = { context: number[]; continuation: number[] };

/**
 * A random request set: items of a shared "shot" header + a question, each item's choices either MMLU-like (the
 * same first tokens, a different last one: identical inputs) or ordinary continuations; some items split their
 * context differently (context ending one token earlier, that token starting the continuation: same input again).
 */
function requestSet(rng: Rng): Req[] {
  const header = randIds(rng, 4 + Math.floor(rng.next() * 12));
  const reqs: Req[] = [];
  const items = 2 + Math.floor(rng.next() * 4);
  for (let q = 0; q < items; q++) {
    const question = randIds(rng, 1 + Math.floor(rng.next() * 10));
    const context = rng.next() < 0.2 ? question : [...header, ...question];
    const kind = rng.next();
    if (kind < 0.5) {
      const shared = randIds(rng, Math.floor(rng.next() * 3)); // e.g. the space before the letter
      const letters = randIds(rng, 2 + Math.floor(rng.next() * 3));
      for (const l of letters) reqs.push({ context, continuation: [...shared, l] });
      if (rng.next() < 0.4 && context.length > 1) {
        // the same input, split one token earlier
        reqs.push({ context: context.slice(0, -1), continuation: [context[context.length - 1], ...shared, randIds(rng, 1)[0]] });
      }
      if (rng.next() < 0.3) reqs.push({ context, continuation: [...shared, letters[0]] }); // a duplicate request
    } else {
      for (let c = 0; c < 3; c++) reqs.push({ context, continuation: randIds(rng, 1 + Math.floor(rng.next() * 3)) });
    }
  }
  // shuffled: the scorer sorts
  for (let i = reqs.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [reqs[i], reqs[j]] = [reqs[j], reqs[i]];
  }
  return reqs;
}

/** log_softmax of the full forward's logits at each continuation position, and whether the continuation is greedy. */
async function reference(m: ReturnType<typeof createModel>, r: Req): Promise<{ tokens: number[]; greedy: boolean }> {
  const seq = [...r.context, ...r.continuation].slice(0, -1);
  const lg = await m.logits([seq]);
  let greedy = true;
  const tokens = r.continuation.map((tok, j) => {
    const off = (r.context.length - 1 + j) * V;
    let mx = -Infinity;
    let am = 0;
    for (let v = 0; v < V; v++) if (lg[off + v] > mx) { mx = lg[off + v]; am = v; }
    let z = 0;
    for (let v = 0; v < V; v++) z += Math.exp(lg[off + v] - mx);
    if (am !== tok) greedy = false;
    return lg[off + tok] - mx - Math.log(z);
  });
  return { tokens, greedy };
}

describe.each(['wasm', 'cpu'] as const)('scoring on %s', (backend) => {
  beforeAll(async () => {
    expect(await useBackend(backend)).toBe(backend);
  });

  it('runs of identical inputs score as the uncached path and the full forward (40 seeded request sets)', async () => {
    const m = createModel(tiny, { embedding: table(3), seed: 9 });
    let maxDiff = 0;
    for (let seed = 0; seed < 40; seed++) {
      const reqs = requestSet(new Rng(100 + seed));
      const n0 = tf.memory().numTensors;
      const batchSize = [1, 2, 4, 16][seed % 4];
      const cached = await m.logprobs(reqs, { batchSize });
      expect(tf.memory().numTensors).toBe(n0);
      const plain = await m.logprobs(reqs, { prefixCache: false, batchSize: 3 });
      for (let i = 0; i < reqs.length; i++) {
        const ref = await reference(m, reqs[i]);
        expect(cached[i].tokens.length).toBe(reqs[i].continuation.length);
        for (let j = 0; j < ref.tokens.length; j++) {
          maxDiff = Math.max(maxDiff, Math.abs(cached[i].tokens[j] - ref.tokens[j]), Math.abs(plain[i].tokens[j] - ref.tokens[j]));
        }
        expect(Math.abs(cached[i].sum - plain[i].sum)).toBeLessThan(1e-5);
        expect(cached[i].isGreedy).toBe(ref.greedy);
        expect(plain[i].isGreedy).toBe(ref.greedy);
      }
    }
    expect(maxDiff).toBeLessThan(1e-5);
    m.dispose();
  });

  it('more scored rows than one head call takes (64): 40 items of 4 choices, each choice set on one input or not', async () => {
    const m = createModel(tiny, { embedding: table(5), seed: 11 });
    const rng = new Rng(77);
    const header = randIds(rng, 6);
    const reqs: Req[] = [];
    for (let q = 0; q < 40; q++) {
      const context = [...header, ...randIds(rng, 1 + Math.floor(rng.next() * 8))];
      // even items: MMLU-like (a shared token, then the letter: one input); odd: 4 distinct 1-3 token continuations
      for (let c = 0; c < 4; c++) reqs.push({ context, continuation: q % 2 === 0 ? [5, 60 + c] : randIds(rng, 1 + Math.floor(rng.next() * 3)) });
    }
    const n0 = tf.memory().numTensors;
    for (const batchSize of [1, 4, 16]) {
      const cached = await m.logprobs(reqs, { batchSize });
      expect(tf.memory().numTensors).toBe(n0);
      for (let i = 0; i < reqs.length; i += 7) {
        const ref = await reference(m, reqs[i]);
        ref.tokens.forEach((lp, j) => expect(Math.abs(cached[i].tokens[j] - lp), `batchSize ${batchSize} request ${i}`).toBeLessThan(1e-5));
        expect(cached[i].isGreedy).toBe(ref.greedy);
      }
      const plain = await m.logprobs(reqs, { prefixCache: false, batchSize });
      plain.forEach((p, i) => expect(Math.abs(p.sum - cached[i].sum)).toBeLessThan(1e-5));
    }
    m.dispose();
  });

  it('a run of identical inputs after a cache that already holds all of it (repeated item, then a prefix of it)', async () => {
    const m = createModel(tiny, { embedding: table(4), seed: 10 });
    const ctx = randIds(new Rng(5), 12);
    const item = (c: number[]) => [40, 41, 42, 43].map((l) => ({ context: c, continuation: [7, l] }));
    // the same item twice in a row in separate calls would not share a cache; within one call duplicates are adjacent
    const reqs = [...item(ctx), ...item(ctx), ...item(ctx.slice(0, 6)), ...item([...ctx, 7])];
    const n0 = tf.memory().numTensors;
    const cached = await m.logprobs(reqs, { batchSize: 4 });
    expect(tf.memory().numTensors).toBe(n0);
    for (let i = 0; i < reqs.length; i++) {
      const ref = await reference(m, reqs[i]);
      ref.tokens.forEach((lp, j) => expect(Math.abs(cached[i].tokens[j] - lp)).toBeLessThan(1e-5));
    }
    m.dispose();
  });
});
