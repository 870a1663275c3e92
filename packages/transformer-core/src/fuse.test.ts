// Fusion tests on the cpu, wasm and webgpu (Dawn, sharded tables) backends: fused logits are the weighted average of the members' (1e-6), the
// 'probs' rule is the log of the mixed probabilities, logprobs are log_softmax of the averaged logits, greedy
// generation follows the argmax of the averaged logits step by step (fast wasm decoder and tfjs path), a
// one-member fusion generates exactly as its member (greedy and sampled), nothing leaks, mismatched members and
// bad manifests give errors naming the member, and a fused folder saves atomically and loads back bit for bit.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readdirSync, readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  tf, useBackend, createModel, loadCheckpoint, saveCheckpoint, fuseModels, saveFused, loadFused, FusionError,
  type ModelConfig, type EmbeddingMatrix, type GPT, type FusedModel,
} from './index.js';
import { Rng } from './rng.js';

tf.env().set('IS_TEST', false);
const cfgA: ModelConfig = { vocabSize: 97, nEmbed: 16, dModel: 32, nLayer: 2, nHead: 4, blockSize: 64 };
const cfgB: ModelConfig = { vocabSize: 97, nEmbed: 16, dModel: 48, nLayer: 1, nHead: 4, blockSize: 48 };

function table(seed: number, meta: Record<string, unknown> = { recipe: 'test', tokenizerFingerprint: 'tok-1' }): EmbeddingMatrix {
  const data = new Rng(seed).normal(new Float32Array(97 * 16), 1);
  return { rows: 97, dim: 16, data, meta };
}

function randIds(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => Math.floor(rng.next() * 97));
}

/** Weighted combination in float64 of members' logits (each flat [.., V]); 'probs' = log of mixed softmax. */
function refCombine(ls: Float32Array[], w: number[], average: 'logits' | 'probs', V = 97): Float64Array {
  const out = new Float64Array(ls[0].length);
  for (let r = 0; r < ls[0].length / V; r++) {
    if (average === 'logits') {
      for (let j = 0; j < V; j++) for (let k = 0; k < ls.length; k++) out[r * V + j] += w[k] * ls[k][r * V + j];
    } else {
      const mix = new Float64Array(V);
      ls.forEach((l, k) => {
        let mx = -Infinity;
        for (let j = 0; j < V; j++) mx = Math.max(mx, l[r * V + j]);
        let s = 0;
        for (let j = 0; j < V; j++) s += Math.exp(l[r * V + j] - mx);
        for (let j = 0; j < V; j++) mix[j] += (w[k] * Math.exp(l[r * V + j] - mx)) / s;
      });
      for (let j = 0; j < V; j++) out[r * V + j] = Math.log(mix[j]);
    }
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function argmax(a: ArrayLike<number>, off: number, V: number): number {
  let best = 0;
  for (let j = 1; j < V; j++) if (a[off + j] > a[off + best]) best = j;
  return best;
}

async function collect(it: AsyncIterable<number>): Promise<number[]> {
  const out: number[] = [];
  for await (const t of it) out.push(t);
  return out;
}

/** Greedy reference: at every step the argmax of the combined last-position logits of full (uncached) forwards. */
async function greedyReference(members: GPT[], w: number[], prompt: number[], n: number): Promise<number[]> {
  const seq = [...prompt];
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const ls = await Promise.all(members.map(async (m) => (await m.logits([seq])).slice((seq.length - 1) * 97)));
    const tok = argmax(refCombine(ls, w, 'logits'), 0, 97);
    out.push(tok);
    seq.push(tok);
  }
  return out;
}

// webgpu through the Dawn `webgpu` package on SwiftShader (vitest.config.ts points Vulkan at chromium's ICD)
const webgpuWhy = await useBackend('webgpu').then(() => undefined, (e: Error) => e.message);
if (webgpuWhy) console.warn(`fuse.test.ts: webgpu skipped: ${webgpuWhy}`);

for (const backend of ['cpu', 'wasm', 'webgpu'] as const) {
  describe.skipIf(backend === 'webgpu' && webgpuWhy !== undefined)(`fuseModels on ${backend}`, () => {
    let a: GPT, b: GPT;
    let fused: FusedModel;
    const w = [0.25, 0.75];
    // on webgpu the tables and heads are split into shards (as a large vocabulary would be)
    const shard = backend === 'webgpu' ? { maxShardBytes: 40 * 16 * 4 } : {};
    beforeAll(async () => {
      await useBackend(backend);
      a = createModel(cfgA, { embedding: table(1), seed: 11, ...shard });
      b = createModel(cfgB, { embedding: table(1), seed: 12, ...shard });
      if (backend === 'webgpu') expect(a.head.parts.length).toBeGreaterThan(1);
      fused = await fuseModels([a, b], { weights: [1, 3] });
    });
    afterAll(() => fused.dispose());
    // SwiftShader runs every webgpu dispatch on the CPU: there, only the numeric checks and a short stream run
    const slow = backend === 'webgpu';

    it.runIf(slow)('short greedy stream follows the averaged argmax; generate and logprobs leak no tensors', async () => {
      const prompt = [3, 1, 4, 1, 5];
      const ref = await greedyReference([a, b], w, prompt, 3);
      const n0 = tf.memory().numTensors;
      expect(await collect(fused.generate(prompt, { maxNewTokens: 3 }))).toEqual(ref);
      const [r] = await fused.logprobs([{ context: prompt, continuation: ref }]);
      expect(r.isGreedy).toBe(true);
      expect(tf.memory().numTensors).toBe(n0);
    });

    it('config, weights and members', () => {
      expect(fused.members).toEqual([a, b]);
      expect(fused.weights).toEqual(w);
      expect(fused.average).toBe('logits');
      expect(fused.config.blockSize).toBe(48); // the smallest member's
      expect(fused.config.vocabSize).toBe(97);
      expect(fused.config.fusion).toEqual({ members: 2, weights: w, average: 'logits' });
      expect(fused.tableFingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(fused.tokenizerFingerprint).toBe('tok-1');
    });

    it('fused logits are the weighted average of the members\' logits (1e-6)', async () => {
      const rng = new Rng(5);
      const ids = [randIds(rng, 30), randIds(rng, 30), randIds(rng, 30)];
      const ref = refCombine([await a.logits(ids), await b.logits(ids)], w, 'logits');
      expect(maxAbsDiff(await fused.logits(ids), ref)).toBeLessThan(1e-6);
    });

    it('loss is the mean cross-entropy of the fused distribution (ignored targets left out), no leaks', async () => {
      const rng = new Rng(12);
      const rows = [randIds(rng, 21), randIds(rng, 21)];
      const ids = rows.map((r) => r.slice(0, 20));
      const targets = rows.map((r, b) => r.slice(1).map((t, i) => (b === 1 && i % 3 === 0 ? -1 : t)));
      const ref = refCombine([await a.logits(ids), await b.logits(ids)], w, 'logits');
      let sum = 0;
      let n = 0;
      targets.forEach((tr, bi) => tr.forEach((tok, t) => {
        if (tok < 0) return;
        const off = (bi * 20 + t) * 97;
        let mx = -Infinity;
        for (let v = 0; v < 97; v++) mx = Math.max(mx, ref[off + v]);
        let s = 0;
        for (let v = 0; v < 97; v++) s += Math.exp(ref[off + v] - mx);
        sum += -(ref[off + tok] - mx - Math.log(s));
        n++;
      }));
      const n0 = tf.memory().numTensors;
      const l = fused.loss(ids, targets);
      const v = (await l.data())[0];
      l.dispose();
      expect(tf.memory().numTensors).toBe(n0);
      expect(Math.abs(v - sum / n)).toBeLessThan(1e-5);
      expect(() => fused.loss(ids, targets.map((r) => r.map(() => -1)))).toThrow(/every target is ignored/);
      expect(() => fused.loss(ids, [targets[0]])).toThrow(/does not match ids shape/);
    });

    it("average 'probs' gives the log of the weighted mean of the members' probabilities", async () => {
      const p = await fuseModels([createModel(cfgA, { embedding: table(1), seed: 11, ...shard }), createModel(cfgB, { embedding: table(1), seed: 12, ...shard })], { weights: [1, 3], average: 'probs' });
      try {
        const ids = [randIds(new Rng(6), 20)];
        const ref = refCombine([await a.logits(ids), await b.logits(ids)], w, 'probs');
        expect(maxAbsDiff(await p.logits(ids), ref)).toBeLessThan(1e-5);
        // logprobs of the mixture are log(sum w p) itself (already normalised)
        const ctx = ids[0].slice(0, 10);
        const [r] = await p.logprobs([{ context: ctx, continuation: [ids[0][10], ids[0][11]] }]);
        expect(r.tokens[0]).toBeCloseTo(ref[9 * 97 + ids[0][10]], 5);
        expect(r.tokens[1]).toBeCloseTo(ref[10 * 97 + ids[0][11]], 5);
      } finally {
        p.dispose();
      }
    });

    it.skipIf(slow)('logprobs are log_softmax of the averaged logits (batches, shared prefixes, prefix cache on and off)', async () => {
      const rng = new Rng(7);
      const common = randIds(rng, 12);
      const reqs = [
        { context: [...common, 3, 4], continuation: [5] },
        { context: [...common, 3, 4], continuation: [6, 7, 8] },
        { context: [...common, 9], continuation: [1] },
        { context: randIds(rng, 20), continuation: randIds(rng, 4) },
        { context: [2], continuation: [40, 41] },
      ];
      const out = await fused.logprobs(reqs, { batchSize: 2 });
      const noCache = await fused.logprobs(reqs, { prefixCache: false, batchSize: 16 });
      for (let i = 0; i < reqs.length; i++) {
        const { context, continuation } = reqs[i];
        const seq = [...context, ...continuation].slice(0, -1);
        const ref = refCombine([await a.logits([seq]), await b.logits([seq])], w, 'logits');
        let sum = 0;
        let greedy = true;
        continuation.forEach((tok, j) => {
          const off = (context.length - 1 + j) * 97;
          let mx = -Infinity;
          for (let v = 0; v < 97; v++) mx = Math.max(mx, ref[off + v]);
          let s = 0;
          for (let v = 0; v < 97; v++) s += Math.exp(ref[off + v] - mx);
          const lp = ref[off + tok] - mx - Math.log(s);
          expect(Math.abs(out[i].tokens[j] - lp)).toBeLessThan(1e-5);
          expect(Math.abs(noCache[i].tokens[j] - lp)).toBeLessThan(1e-5);
          sum += lp;
          if (argmax(ref, off, 97) !== tok) greedy = false;
        });
        expect(Math.abs(out[i].sum - sum)).toBeLessThan(1e-4);
        expect(out[i].isGreedy).toBe(greedy);
      }
      // MMLU-like: a shared few-shot prefix, items of 4 one-token choices, one item per batch (the prefix cache is
      // extended and cut back from batch to batch): same numbers as without the cache, no tensor left behind
      const shots = randIds(rng, 20);
      const items = [0, 1, 2].flatMap((q) => {
        const question = randIds(rng, 3 + q);
        return [10, 11, 12, 13].map((c) => ({ context: [...shots, ...question], continuation: [c] }));
      });
      const n0 = tf.memory().numTensors;
      const cachedRes = await fused.logprobs(items, { batchSize: 4 });
      expect(tf.memory().numTensors).toBe(n0);
      const plain = await fused.logprobs(items, { prefixCache: false });
      cachedRes.forEach((r, i) => expect(Math.abs(r.sum - plain[i].sum)).toBeLessThan(1e-5));
      // a continuation that is the fused argmax is greedy
      const ctx = common.slice(0, 6);
      const ref = refCombine([await a.logits([ctx]), await b.logits([ctx])], w, 'logits');
      const [g] = await fused.logprobs([{ context: ctx, continuation: [argmax(ref, 5 * 97, 97)] }]);
      expect(g.isGreedy).toBe(true);
    });

    it.skipIf(slow)('greedy generate is the argmax of the averaged logits at every step (both decode paths, across cache merges)', async () => {
      const prompt = randIds(new Rng(8), 5);
      const ref = await greedyReference([a, b], w, prompt, 40);
      expect(await collect(fused.generate(prompt, { maxNewTokens: 40 }))).toEqual(ref);
      expect(await collect(fused.generate(prompt, { maxNewTokens: 40, fastDecode: false }))).toEqual(ref);
      // stop ids end the stream and are not yielded
      expect(await collect(fused.generate(prompt, { maxNewTokens: 40, stop: ref[3] }))).toEqual(ref.slice(0, ref.indexOf(ref[3])));
    });

    it.skipIf(slow)('a one-member fusion generates exactly as its member (greedy and seeded sampling)', async () => {
      const solo = await fuseModels([createModel(cfgA, { embedding: table(1), seed: 11, ...shard })]);
      try {
        const prompt = [1, 2, 3];
        for (const opts of [{ maxNewTokens: 20 }, { maxNewTokens: 20, temperature: 0.9, topK: 20, topP: 0.9, seed: 4 }, { maxNewTokens: 20, temperature: 1.3, seed: 9 }]) {
          expect(await collect(solo.generate(prompt, opts))).toEqual(await collect(a.generate(prompt, opts)));
        }
      } finally {
        solo.dispose();
      }
    });

    it.skipIf(slow)('seeded sampling is reproducible and differs between seeds', async () => {
      const o = { maxNewTokens: 24, temperature: 1.5 };
      const s1 = await collect(fused.generate([7, 8], { ...o, seed: 1 }));
      expect(await collect(fused.generate([7, 8], { ...o, seed: 1 }))).toEqual(s1);
      expect(await collect(fused.generate([7, 8], { ...o, seed: 2 }))).not.toEqual(s1);
    });

    it.skipIf(slow)('leaks no tensors (generate to the end, stopped early, never read; logprobs; forward)', async () => {
      await collect(fused.generate([1, 2], { maxNewTokens: 3 })); // warm up backend caches
      const n0 = tf.memory().numTensors;
      await collect(fused.generate([1, 2, 3], { maxNewTokens: 35 }));
      await collect(fused.generate([1, 2, 3], { maxNewTokens: 35, fastDecode: false }));
      for await (const t of fused.generate([4, 5], { maxNewTokens: 30 })) if (t >= 0) break;
      fused.generate([4, 5], { maxNewTokens: 30 });
      await fused.logprobs([{ context: [1, 2, 3], continuation: [4, 5] }, { context: [1, 2, 9], continuation: [4] }]);
      await fused.logits([[1, 2, 3]]);
      expect(tf.memory().numTensors).toBe(n0);
    });

    it('bad input is refused before any work, naming the field', async () => {
      const n0 = tf.memory().numTensors;
      expect(() => fused.generate(Array(40).fill(1), { maxNewTokens: 9 })).toThrow(/blockSize 48/);
      expect(() => fused.generate([97])).toThrow(/generate prompt\[0\]: id 97/);
      expect(() => fused.generate([1], { maxNewTokens: 4, headPool: { logits: async (x) => x } })).toThrow(/headPool/);
      await expect(fused.logprobs([{ context: [1], continuation: Array(49).fill(2) }])).rejects.toThrow(/request 0.*49 tokens exceed the fused model.s blockSize 48/);
      expect(() => fused.forward([Array(49).fill(1)])).toThrow(/longer than blockSize 48/);
      expect(tf.memory().numTensors).toBe(n0);
    });
  });
}

describe('fuseModels: members that do not belong together', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });
  it('errors name the member and the field', async () => {
    const base = createModel(cfgA, { embedding: table(1), seed: 1 });
    const models: GPT[] = [base];
    const make = (c: ModelConfig, e: EmbeddingMatrix | 'trainable', seed = 2) => {
      const m = createModel(c, { embedding: e, seed });
      models.push(m);
      return m;
    };
    try {
      const other = { ...cfgA, vocabSize: 98 };
      const wide = make(other, { ...table(1), rows: 98, data: new Float32Array(98 * 16) });
      const same = make(cfgA, table(1), 3);
      const stranger = make(cfgA, table(2));
      const trainable = make(cfgA, 'trainable');
      const otherTok = make(cfgA, table(1, { recipe: 'test', tokenizerFingerprint: 'tok-2' }));
      const ok = make(cfgA, table(1), 4);
      const n0 = tf.memory().numTensors;
      await expect(fuseModels([base, wide])).rejects.toThrow(/member 1 has config.vocabSize 98, member 0 has 97/);
      await expect(fuseModels([base, same, stranger])).rejects.toThrow(/member 2's input table differs from member 0's/);
      await expect(fuseModels([base, trainable])).rejects.toThrow(/member 1 has a trainable input table/);
      await expect(fuseModels([base, otherTok])).rejects.toThrow(/member 1 was built for tokenizer tok-2.*member 0 for tok-1/);
      await expect(fuseModels([base, base])).rejects.toThrow(/same model object appears twice/);
      await expect(fuseModels([base, ok], { weights: [1] })).rejects.toThrow(/one number per member \(2\)/);
      await expect(fuseModels([base, ok], { weights: [1, -1] })).rejects.toThrow(/weights\[1\] must be a finite number >= 0/);
      await expect(fuseModels([base, ok], { weights: [0, 0] })).rejects.toThrow(/all zero/);
      await expect(fuseModels([base, ok], { average: 'median' as 'logits' })).rejects.toThrow(/average must be "logits" or "probs"/);
      await expect(fuseModels([])).rejects.toThrow(FusionError);
      await expect(fuseModels([base, {} as GPT])).rejects.toThrow(/member 1 is not a transformer-core GPT/);
      expect(tf.memory().numTensors).toBe(n0);
      // trainable tables with allowTrainableTables: identical tables fuse, different ones do not
      const t1 = make(cfgA, 'trainable', 5);
      const t2 = await loadCheckpoint(await saveCheckpoint(t1));
      models.push(t2);
      const f = await fuseModels([t1, t2], { allowTrainableTables: true });
      expect(f.embeddingKind).toBe('trainable');
      await expect(fuseModels([t1, make(cfgA, 'trainable', 6)], { allowTrainableTables: true })).rejects.toThrow(/member 1's input table differs/);
    } finally {
      models.forEach((m) => m.dispose());
    }
  });
});

describe('saveFused / loadFused', () => {
  let dir: string;
  beforeAll(async () => {
    await useBackend('wasm');
    dir = mkdtempSync(join(tmpdir(), 'glyphlm-fuse-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a folder of member checkpoints plus fused.json, loaded back bit for bit; replaced atomically', async () => {
    const f = await fuseModels([createModel(cfgA, { embedding: table(1), seed: 21 }), createModel(cfgB, { embedding: table(1), seed: 22 })], { weights: [2, 1], average: 'probs' });
    const out = join(dir, 'fused');
    try {
      await saveFused(f, out);
      expect(readdirSync(out).sort()).toEqual(['fused.json', 'member-0', 'member-1']);
      expect(readdirSync(dir)).toEqual(['fused']); // no temp folder left
      const manifest = JSON.parse(readFileSync(join(out, 'fused.json'), 'utf8'));
      expect(manifest).toMatchObject({ format: 'glyphlm-fused', formatVersion: 1, average: 'probs', tableFingerprint: f.tableFingerprint, tokenizerFingerprint: 'tok-1' });
      expect(manifest.weights[0]).toBeCloseTo(2 / 3, 12);
      expect(manifest.members.map((m: { dir: string; nLayer: number }) => [m.dir, m.nLayer])).toEqual([['member-0', 2], ['member-1', 1]]);
      const g = await loadFused(out);
      try {
        const ids = [randIds(new Rng(3), 16)];
        expect(Array.from(await g.logits(ids))).toEqual(Array.from(await f.logits(ids)));
        expect(g.weights).toEqual(f.weights);
        expect(g.average).toBe('probs');
      } finally {
        g.dispose();
      }
      // a member folder is an ordinary checkpoint
      const m1 = await loadCheckpoint(join(out, 'member-1'));
      expect(m1.config.nLayer).toBe(1);
      m1.dispose();
      // saving again replaces the fused folder whole
      const f2 = await fuseModels([createModel(cfgA, { embedding: table(1), seed: 31 })]);
      await saveFused(f2, out);
      f2.dispose();
      expect(readdirSync(out).sort()).toEqual(['fused.json', 'member-0']);
      expect(readdirSync(dir)).toEqual(['fused']);
      // bytes round trip (browsers)
      const bytes = await saveFused(f);
      const h = await loadFused(bytes);
      expect(h.members.length).toBe(2);
      h.dispose();
    } finally {
      f.dispose();
    }
  });

  it('refuses a foreign folder, bad manifests and a member whose table is not the recorded one, naming the file', async () => {
    const foreign = join(dir, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'x');
    const f = await fuseModels([createModel(cfgA, { embedding: table(1), seed: 41 }), createModel(cfgA, { embedding: table(1), seed: 42 })]);
    const out = join(dir, 'bad');
    try {
      await expect(saveFused(f, foreign)).rejects.toThrow(/not empty and holds no fused.json/);
      expect(readdirSync(foreign)).toEqual(['notes.txt']);
      await saveFused(f, out);
    } finally {
      f.dispose();
    }
    const mf = join(out, 'fused.json');
    const good = readFileSync(mf, 'utf8');
    const n0 = tf.memory().numTensors;
    const edit = async (change: (m: Record<string, unknown>) => void, re: RegExp) => {
      const m = JSON.parse(good);
      change(m);
      writeFileSync(mf, JSON.stringify(m));
      await expect(loadFused(out)).rejects.toThrow(re);
    };
    await edit((m) => { m.format = 'x'; }, /fused.json: format is "x"/);
    await edit((m) => { m.weights = [1]; }, /fused.json: weights must hold one number per member \(2\)/);
    await edit((m) => { (m.members as Array<{ dir: string }>)[1].dir = '../elsewhere'; }, /members\[1\].dir must be a plain folder name/);
    await edit((m) => { m.average = 'max'; }, /average must be "logits" or "probs"/);
    writeFileSync(mf, '{not json');
    await expect(loadFused(out)).rejects.toThrow(/fused.json: invalid JSON/);
    writeFileSync(mf, good);
    // a member trained on another table, dropped into the folder
    const stranger = createModel(cfgA, { embedding: table(9), seed: 43 });
    await saveCheckpoint(stranger, join(out, 'member-1'));
    stranger.dispose();
    await expect(loadFused(out)).rejects.toThrow(/member-1: the member's input table .* is not the one .*fused.json records/);
    rmSync(join(out, 'member-1'), { recursive: true });
    await expect(loadFused(out)).rejects.toThrow(/member-1\/config.json: cannot read/);
    expect(tf.memory().numTensors).toBe(n0);
    expect(existsSync(join(dir, 'nothing', 'fused.json'))).toBe(false);
    await expect(loadFused(join(dir, 'nothing'))).rejects.toThrow(/nothing\/fused.json: cannot read/);
  });
});
