// evaluate() on the bundled MMLU with a tiny random-weight model over the real bvv241-2-3 tokenizer: each protocol's
// numbers equal a direct computation through the model's own logprobs / logits / generate, shots are dropped and
// prompts truncated (and counted) as specified, the request cache resumes and never crosses models, bad input fails
// before any work.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { useBackend, createModel, AdamW, type GPT } from '@glyphlm/transformer-core';
import { bvv241 } from '@glyphlm/unicode-tokenizer';
import { loadMMLU } from '../data/load.js';
import type { MMLU, McqItem } from '../data/types.js';
import { evaluate, argmax } from './evaluate.js';
import { memoryRequestCache, type RequestCache } from './cache.js';
import { harnessContext, harnessDescription, harnessContinuations, paperPromptMMLU, paperPromptMultiline, clozeContext, clozeContinuations } from './prompts.js';
import { encodePair } from './requests.js';
import { itemSeed } from './paper.js';
import { parsePaperAnswer } from './paper-parse.js';

const tok = bvv241('2-3');

function table(rows: number, dim: number, seed: number): { rows: number; dim: number; data: Float32Array } {
  const data = new Float32Array(rows * dim);
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 32 - 0.5;
  }
  return { rows, dim, data };
}

function tinyModel(seed: number, blockSize = 256): GPT {
  return createModel({ vocabSize: tok.vocabSize, nEmbed: 8, dModel: 16, nLayer: 1, nHead: 2, blockSize }, { embedding: table(tok.vocabSize, 8, seed), seed });
}

let mmlu: MMLU;
let model: GPT;
const subjects = ['abstract_algebra', 'high_school_european_history', 'world_religions'];

beforeAll(async () => {
  await useBackend('wasm');
  mmlu = await loadMMLU();
  model = tinyModel(1);
});
afterAll(() => model?.dispose());

function dev(subject: string): McqItem[] {
  return mmlu.dev.filter((d) => d.subject === subject).sort((a, b) => a.index - b.index);
}

async function directLogliks(m: GPT, context: string, conts: string[]): Promise<number[]> {
  const out: number[] = [];
  for (const c of conts) {
    const p = encodePair(tok, context, c);
    out.push((await m.logprobs([{ context: p.context, continuation: p.continuation }], { prefixCache: false }))[0].sum);
  }
  return out;
}

describe('harness', () => {
  it('logliks equal a direct per-request computation; shots are the most that fit', async () => {
    const progress: number[] = [];
    const r = await evaluate(model, tok, mmlu, { protocol: 'harness', split: 'test', shots: 5, subjects, limitPerSubject: 3, onProgress: (p) => progress.push(p.done) });
    expect(r.items.length).toBe(9);
    expect(r.items.map((i) => `${i.subject}#${i.index}`)).toEqual(subjects.flatMap((s) => [0, 1, 2].map((i) => `${s}#${i}`)));
    expect(progress.at(-1)).toBe(36);
    let reduced = 0;
    for (const it of r.items) {
      const item = mmlu.test.find((t) => t.subject === it.subject && t.index === it.index)!;
      // the most shots whose prompt + ' X' fits in 256 tokens
      let k = 5;
      const fits = (k: number) => tok.encode(harnessContext(item, dev(item.subject).slice(0, k), harnessDescription(item.subject))).length + 1 <= 256;
      while (k > 0 && !fits(k)) k--;
      expect(it.shots).toBe(k);
      if (k < 5) reduced++;
      if (!fits(0)) continue; // left-truncated items are checked in their own test
      const want = await directLogliks(model, harnessContext(item, dev(item.subject).slice(0, k), harnessDescription(item.subject)), harnessContinuations(item));
      for (let j = 0; j < 4; j++) expect(Math.abs(it.logliks![j] - want[j])).toBeLessThan(1e-4);
      expect(it.pred).toBe(argmax(it.logliks!));
      expect(it.gold).toBe(item.answer);
    }
    expect(reduced).toBeGreaterThan(0); // european history prompts never fit 5 shots in 256 tokens
    expect(r.counts.shotsReduced).toBe(reduced);
    expect(r.accuracy.n).toBe(9);
    expect(r.accuracy.micro).toBeCloseTo(r.items.filter((i) => i.pred === i.gold).length / 9, 12);
    expect(r.accuracy.chance).toBe(0.25);
    expect(r.promptsHash).toMatch(/^[0-9a-f]{64}$/);
    expect(r.schema).toBe('glyphlm.mmlu-eval.result/1');
  });

  it('left-truncates only when zero shots do not fit, and counts those items; truncate: false names the item', async () => {
    const small = tinyModel(2, 64);
    try {
      const r = await evaluate(small, tok, mmlu, { protocol: 'harness', shots: 2, subjects: ['high_school_european_history', 'abstract_algebra'], limitPerSubject: 4 });
      const need0 = r.items.map((it) => {
        const item = mmlu.test.find((t) => t.subject === it.subject && t.index === it.index)!;
        return tok.encode(harnessContext(item, [], harnessDescription(item.subject))).length + 1;
      });
      expect(r.items.map((it) => it.truncated === true)).toEqual(need0.map((n) => n > 64));
      expect(r.counts.truncated).toBe(need0.filter((n) => n > 64).length);
      expect(r.counts.truncated).toBeGreaterThan(0);
      for (const [i, it] of r.items.entries()) if (it.truncated) expect(it.shots).toBe(0);
      // a truncated item scores its context's last 63 tokens
      const i = r.items.findIndex((x) => x.truncated);
      const item = mmlu.test.find((t) => t.subject === r.items[i].subject && t.index === r.items[i].index)!;
      const ctx = tok.encode(harnessContext(item, [], harnessDescription(item.subject)));
      const sp = encodePair(tok, 'Answer:', ' A').continuation;
      const direct = (await small.logprobs([{ context: ctx.slice(ctx.length - 63), continuation: sp }], { prefixCache: false }))[0].sum;
      expect(Math.abs(r.items[i].logliks![0] - direct)).toBeLessThan(1e-4);

      let progressed = false;
      await expect(evaluate(small, tok, mmlu, { protocol: 'harness', shots: 2, subjects: ['abstract_algebra', 'high_school_european_history'], limitPerSubject: 4, truncate: false, onProgress: () => (progressed = true) }))
        .rejects.toThrow(/item abstract_algebra#0: prompt of \d+ tokens .* exceeds the model's blockSize 64 with 0 shots, and truncate is false/);
      expect(progressed).toBe(false);
    } finally {
      small.dispose();
    }
  });

  it('prefix cache on and off give the same logliks', async () => {
    const on = await evaluate(model, tok, mmlu, { protocol: 'harness', shots: 5, subjects: ['anatomy'], limitPerSubject: 6 });
    const off = await evaluate(model, tok, mmlu, { protocol: 'harness', shots: 5, subjects: ['anatomy'], limitPerSubject: 6, prefixCache: false });
    for (const [i, it] of on.items.entries()) for (let j = 0; j < 4; j++) expect(Math.abs(it.logliks![j] - off.items[i].logliks![j])).toBeLessThan(1e-4);
    expect(on.items.map((i) => i.pred)).toEqual(off.items.map((i) => i.pred));
  });

  it('one forward per item: the continuations share all but their last token; same logliks as the cache off, to 1e-5', async () => {
    // the premise of the fast path: in bvv241-2-3 ` A`..` D` are a space then the letter, so an item's four
    // requests have one model input (context + space) and differ only in the target at the last position
    const item = mmlu.test.find((t) => t.subject === 'anatomy')!;
    const conts = harnessContinuations(item).map((c) => encodePair(tok, harnessContext(item, [], harnessDescription('anatomy')), c).continuation);
    expect(conts.map((c) => c.length)).toEqual([2, 2, 2, 2]);
    expect(new Set(conts.map((c) => c[0])).size).toBe(1);
    expect(new Set(conts.map((c) => c[1])).size).toBe(4);
    // heads of 16 dims, so that items of more than 16 new tokens take the joined-keys attention, and a context of
    // 128 that left-truncates some prompts: the cache is cut back and extended across items of two subjects
    for (const blockSize of [256, 128]) {
      const m = createModel({ vocabSize: tok.vocabSize, nEmbed: 16, dModel: 64, nLayer: 2, nHead: 4, blockSize }, { embedding: table(tok.vocabSize, 16, 7), seed: 7 });
      try {
        const opts = { protocol: 'harness' as const, shots: 5, subjects: ['anatomy', 'high_school_european_history'], limitPerSubject: 6 };
        const on = await evaluate(m, tok, mmlu, opts);
        const off = await evaluate(m, tok, mmlu, { ...opts, prefixCache: false });
        if (blockSize === 128) expect(on.counts.truncated).toBeGreaterThan(0);
        let maxDiff = 0;
        for (const [i, it] of on.items.entries()) for (let j = 0; j < 4; j++) maxDiff = Math.max(maxDiff, Math.abs(it.logliks![j] - off.items[i].logliks![j]));
        expect(maxDiff).toBeLessThan(1e-5);
        expect(on.items.map((i) => i.pred)).toEqual(off.items.map((i) => i.pred));
      } finally {
        m.dispose();
      }
    }
  });
});

describe('cloze', () => {
  it('acc and acc_norm (by characters) from direct logliks', async () => {
    const r = await evaluate(model, tok, mmlu, { protocol: 'cloze', subjects: ['anatomy', 'marketing'], limitPerSubject: 3 });
    let norm = 0;
    for (const it of r.items) {
      const item = mmlu.test.find((t) => t.subject === it.subject && t.index === it.index)!;
      const want = await directLogliks(model, clozeContext(item), clozeContinuations(item));
      for (let j = 0; j < 4; j++) expect(Math.abs(it.logliks![j] - want[j])).toBeLessThan(1e-4);
      expect(it.predNorm).toBe(argmax(want.map((v, j) => v / [...item.choices[j]].length)));
      if (it.predNorm === it.gold) norm++;
      expect(it.shots).toBeUndefined();
    }
    expect(r.accuracy.microNorm).toBeCloseTo(norm / 6, 12);
  });
});

describe('paper', () => {
  it('greedy: the output is the argmax next token, parsed the author\'s way', async () => {
    const r = await evaluate(model, tok, mmlu, { protocol: 'paper', subjects: ['anatomy', 'virology'], limitPerSubject: 3, temperature: 0 });
    let invalid = 0;
    for (const it of r.items) {
      const item = mmlu.test.find((t) => t.subject === it.subject && t.index === it.index)!;
      const ids = Array.from(tok.encode(paperPromptMMLU(item)));
      const logits = await model.logits([ids]);
      const V = tok.vocabSize;
      const last = logits.subarray((ids.length - 1) * V, ids.length * V);
      const next = argmax(Array.from(last));
      expect(it.output).toBe(tok.decode([...ids, next]).slice(tok.decode(ids).length));
      const p = parsePaperAnswer(it.output!, ['A', 'B', 'C', 'D']);
      expect(it.pred).toBe(p.pred);
      if (p.pred < 0) invalid++;
    }
    expect(r.accuracy.invalidRate).toBeCloseTo(invalid / 6, 12);
    expect(r.variant).toBe('faithful');
  });

  it('seeded runs: each run is model.generate with the item seed; mean ± 1.96σ/√runs', async () => {
    const r = await evaluate(model, tok, mmlu, { protocol: 'paper', subjects: ['anatomy'], limitPerSubject: 4, runs: 3, seed: 5, temperature: 1 });
    for (const it of r.items) {
      const item = mmlu.test.find((t) => t.subject === it.subject && t.index === it.index)!;
      const ids = Array.from(tok.encode(paperPromptMMLU(item)));
      for (let run = 0; run < 3; run++) {
        const out: number[] = [];
        for await (const id of model.generate(ids, { maxNewTokens: 1, temperature: 1, seed: itemSeed(5, run, item.subject, item.index) })) out.push(id);
        expect(it.outputs![run]).toBe(tok.decode([...ids, ...out]).slice(tok.decode(ids).length));
      }
    }
    expect(r.accuracy.runs!.length).toBe(3);
    for (let run = 0; run < 3; run++) expect(r.accuracy.runs![run]).toBeCloseTo(r.items.filter((it) => it.preds![run] === it.gold).length / 4, 12);
    for (const it of r.items) expect(it.preds).toEqual(it.outputs!.map((o) => parsePaperAnswer(o, ['A', 'B', 'C', 'D']).pred));
    const accs = r.accuracy.runs!;
    const mean = accs.reduce((a, b) => a + b, 0) / 3;
    const half = (1.96 * Math.sqrt(accs.reduce((a, v) => a + (v - mean) ** 2, 0) / 3)) / Math.sqrt(3);
    expect(r.accuracy.micro).toBeCloseTo(mean, 12);
    expect(r.accuracy.ci95[0]).toBeCloseTo(Math.max(0, mean - half), 12);
    expect(r.accuracy.ci95[1]).toBeCloseTo(Math.min(1, mean + half), 12);
    const again = await evaluate(model, tok, mmlu, { protocol: 'paper', subjects: ['anatomy'], limitPerSubject: 4, runs: 3, seed: 5, temperature: 1 });
    expect(again.items).toEqual(r.items);
  });

  it('firstNonSpace reads on to the first non-space character', async () => {
    const faithful = await evaluate(model, tok, mmlu, { protocol: 'paper', subjects: ['anatomy'], limitPerSubject: 5 });
    const r = await evaluate(model, tok, mmlu, { protocol: 'paper', subjects: ['anatomy'], limitPerSubject: 5, firstNonSpace: true, maxExtraTokens: 3 });
    expect(r.variant).toBe('firstNonSpace');
    for (const [i, it] of r.items.entries()) {
      const f = faithful.items[i].output!;
      expect(it.output!.startsWith(f)).toBe(true);
      if (f.trim() !== '') expect(it.output).toBe(f);
      const item = mmlu.test.find((t) => t.subject === it.subject && t.index === it.index)!;
      const ids = Array.from(tok.encode(paperPromptMMLU(item)));
      const out: number[] = [];
      for await (const id of model.generate(ids, { maxNewTokens: 4 })) {
        out.push(id);
        if (tok.decode([...ids, ...out]).slice(tok.decode(ids).length).trim() !== '') break;
      }
      expect(it.output).toBe(tok.decode([...ids, ...out]).slice(tok.decode(ids).length));
    }
  });
});

describe('paper on a tiny trained model that answers " A" (a space, then the letter)', () => {
  it('faithful reads only the space (invalid); firstNonSpace reads the letter', async () => {
    // four anatomy items whose answer is A; the model learns to continue "Answer:" with " A"
    const items = mmlu.test.filter((t) => t.subject === 'anatomy' && t.answer === 0).slice(0, 4);
    const data = { ...mmlu, subjects: ['anatomy'], test: items };
    const m = tinyModel(11, 256);
    const opt = new AdamW({ lr: 3e-2, weightDecay: 0 });
    try {
      const seqs = items.map((it) => Array.from(tok.encode(`${paperPromptMMLU(it)} A`)));
      const space = tok.encode(' ')[0];
      expect(seqs.every((s) => s.at(-2) === space)).toBe(true); // bvv241-2-3: ' A' is a space then the letter
      for (let step = 0; step < 40; step++) {
        const s = seqs[step % seqs.length];
        const targets = s.slice(1).map((id, i) => (i >= s.length - 3 ? id : -1)); // only the space and the letter
        opt.minimize(() => m.loss([s.slice(0, -1)], [targets]), m.trainableVariables)?.dispose();
      }
      const o = { protocol: 'paper' as const, subjects: ['anatomy'] };
      const faithful = await evaluate(m, tok, data, o);
      expect(faithful.items.map((i) => i.output)).toEqual([' ', ' ', ' ', ' ']);
      expect(faithful.accuracy.invalidRate).toBe(1);
      expect(faithful.accuracy.micro).toBe(0);
      const read = await evaluate(m, tok, data, { ...o, firstNonSpace: true });
      expect(read.items.map((i) => i.output)).toEqual([' A', ' A', ' A', ' A']);
      expect(read.accuracy.micro).toBe(1);
      expect(read.accuracy.invalidRate).toBe(0);
    } finally {
      opt.dispose();
      m.dispose();
    }
  });
});

describe('ARC-style items (labels 1-4, paper multi-line prompt, 2 tokens)', () => {
  it('the paper protocol reads two greedy tokens after the multi-line prompt', async () => {
    const items: McqItem[] = [
      { subject: 'ARC-Easy', index: 0, question: 'Which is a gas?', choices: ['ice', 'steam', 'rock', 'wood'], answer: 1, labels: ['1', '2', '3', '4'] },
      { subject: 'ARC-Easy', index: 1, question: 'What do plants need?', choices: ['light', 'salt', 'sand'], answer: 0 },
    ];
    const arc = { name: 'arc-easy', source: 'test fixture', subjects: ['ARC-Easy'], dev: [], val: [], test: items };
    const r = await evaluate(model, tok, arc, { protocol: 'paper' });
    for (const [i, it] of r.items.entries()) {
      const prompt = paperPromptMultiline(items[i]);
      const ids = Array.from(tok.encode(prompt));
      const out: number[] = [];
      for await (const id of model.generate(ids, { maxNewTokens: 2 })) out.push(id);
      expect(it.output).toBe(tok.decode([...ids, ...out]).slice(tok.decode(ids).length));
      expect(it.nChoices).toBe(items[i].choices.length);
    }
    expect(r.accuracy.chance).toBeCloseTo((1 / 4 + 1 / 3) / 2, 12);
    expect(r.options.maxNewTokens).toBe(2);
    expect(r.options.paperFormat).toBe('multi-line');
    const h = await evaluate(model, tok, arc, { protocol: 'harness', shots: 0 });
    expect(h.items[1].logliks!.length).toBe(3);
  });
});

describe('onProgress', () => {
  it('reports done/total per chunk with a rate and an ETA', async () => {
    const seen: { done: number; total: number; subject: string; etaMs: number; requestsPerSecond: number }[] = [];
    await evaluate(model, tok, mmlu, { protocol: 'cloze', subjects: ['anatomy', 'virology'], limitPerSubject: 2, onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => [p.done, p.total, p.subject])).toEqual([[8, 16, 'anatomy'], [16, 16, 'virology']]);
    expect(seen[0].requestsPerSecond).toBeGreaterThan(0);
    expect(seen[0].etaMs).toBeCloseTo((8 / seen[0].requestsPerSecond) * 1000, 6);
    expect(seen[1].etaMs).toBe(0);
  });
});

describe('request cache', () => {
  function counting(inner: RequestCache): RequestCache & { hits: number; puts: number } {
    const c = {
      hits: 0,
      puts: 0,
      async open(fp: string) {
        const s = await inner.open(fp);
        return { loaded: s.loaded, get: (k: string) => { const v = s.get(k); if (v !== undefined) c.hits++; return v; }, put: (k: string, v: unknown) => { c.puts++; return s.put(k, v); } };
      },
    };
    return c;
  }

  it('a second run is answered from the cache; a different model sees zero hits', async () => {
    const cache = counting(memoryRequestCache());
    const o = { protocol: 'harness' as const, shots: 1, subjects: ['anatomy'], limitPerSubject: 3, cache };
    const a = await evaluate(model, tok, mmlu, o);
    expect(cache.puts).toBe(12);
    expect(a.timing.cacheHits).toBe(0);
    const b = await evaluate(model, tok, mmlu, o);
    expect(b.timing.cacheHits).toBe(12);
    expect(b.items).toEqual(a.items);
    const other = tinyModel(9);
    try {
      cache.hits = 0;
      const c = await evaluate(other, tok, mmlu, o);
      expect(cache.hits).toBe(0);
      expect(c.timing.cacheHits).toBe(0);
      expect(c.model.fingerprint).not.toBe(a.model.fingerprint);
    } finally {
      other.dispose();
    }
  });
});

describe('bad input, before any work', () => {
  it('tokenizer vocabulary != model vocabulary', async () => {
    const m = createModel({ vocabSize: 97, nEmbed: 8, dModel: 16, nLayer: 1, nHead: 2, blockSize: 64 }, { embedding: table(97, 8, 1), seed: 1 });
    try {
      await expect(evaluate(m, tok, mmlu, { protocol: 'harness' })).rejects.toThrow("evaluate: tokenizer bvv241-2-3 has 65536 ids but the model's config.vocabSize is 97");
    } finally {
      m.dispose();
    }
  });
  it('options, subjects, shots, splits', async () => {
    await expect(evaluate(model, tok, mmlu, { protocol: 'mmlu' as never })).rejects.toThrow(/option protocol must be one of harness, paper, cloze/);
    await expect(evaluate(model, tok, mmlu, { protocol: 'harness', subjects: ['astrology'] })).rejects.toThrow(/unknown subject 'astrology'/);
    await expect(evaluate(model, tok, mmlu, { protocol: 'harness', shots: 6, subjects: ['anatomy'] })).rejects.toThrow(/subject 'anatomy' has 5 dev items, fewer than shots = 6/);
    await expect(evaluate(model, tok, mmlu, { protocol: 'paper', shots: 5 })).rejects.toThrow(/option shots must be 0 for the paper protocol/);
    await expect(evaluate(model, tok, mmlu, { protocol: 'harness', runs: 3 })).rejects.toThrow(/option runs must be 1 for the harness protocol/);
    await expect(evaluate(model, tok, mmlu, { protocol: 'harness', limitPerSubject: 0 })).rejects.toThrow(/option limitPerSubject must be an integer >= 1/);
    await expect(evaluate(model, tok, mmlu, { protocol: 'harness', shot: 5 } as never)).rejects.toThrow(/option shot is unknown/);
    await expect(evaluate(model, tok, mmlu, { protocol: 'harness', subjects: ['anatomy', 'anatomy'] })).rejects.toThrow(/option subjects lists 'anatomy' twice/);
    await expect(evaluate(model, tok, mmlu, { protocol: 'paper', maxExtraTokens: 2 })).rejects.toThrow(/option maxExtraTokens needs firstNonSpace: true/);
    const empty = { ...mmlu, val: [] };
    await expect(evaluate(model, tok, empty, { protocol: 'cloze', split: 'val' })).rejects.toThrow(/split 'val' is empty/);
    const badItem = { ...mmlu, test: [{ ...mmlu.test[0], answer: 4 }] };
    await expect(evaluate(model, tok, badItem, { protocol: 'cloze', subjects: [mmlu.test[0].subject] })).rejects.toThrow(/item abstract_algebra#0.*field answer: answer must be an integer in 0..3, got 4/);
  });
});
