// tokenizeCorpus: exact split contents, SFT ratio and masks, sync/async equality, fingerprints (checked against
// Python's hashlib), and the errors for bad input.
import { describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { bvv241, fromHuggingFace, type Tokenizer } from '@glyphlm/unicode-tokenizer';
import { tokenizeCorpus, tokenizeCorpusAsync } from './corpus.js';
import { encodeIntoOf } from './split-streams.js';
import { isValDocument } from './split.js';
import { corpusFingerprint, fingerprintParts, sha256Parts } from './fingerprint.js';
import { createHash } from 'node:crypto';
import { seededDocuments } from './testing.js';

const SHAKESPEARE = '../../../shared/data/tinyshakespeare/input.txt';

/** A character-level tokenizer over the given characters ('|' is the separator used in tests). */
function charTokenizer(text: string): Tokenizer {
  const chars = [...new Set(text + '|ΩЖ')].sort();
  const vocab: Record<string, number> = { '[UNK]': 0 };
  chars.forEach((c, i) => { vocab[c] = i + 1; });
  return fromHuggingFace({ model: { type: 'BPE', vocab, merges: [], unk_token: '[UNK]' } });
}

/** Decode by joining token strings (the BPE decoder would put spaces between characters). */
function dec(t: Tokenizer, ids: ArrayLike<number>): string {
  return Array.from(ids as ArrayLike<number>, (id) => t.tokenString(id)).join('');
}

function concat(parts: ArrayLike<number>[]): number[] {
  const out: number[] = [];
  for (const p of parts) for (let i = 0; i < p.length; i++) out.push(p[i]);
  return out;
}

async function* asyncOf<T>(xs: T[]): AsyncGenerator<T> { for (const x of xs) { await Promise.resolve(); yield x; } }

describe('tokenizeCorpus', () => {
  const tok = bvv241('2-3');
  const SEP = tok.specialTokens['</s>'];
  const docs = seededDocuments(11, 200, 300);

  test('documents mode: each document lands whole in the split its seeded hash names, in order, then </s>', () => {
    for (const seed of [1, 2, 99]) {
      const d = tokenizeCorpus(tok, docs, { valFraction: 0.2, seed });
      expect(d.meta.split).toEqual({ mode: 'documents', valFraction: 0.2, seed });
      const want = { train: [] as Uint32Array[], val: [] as Uint32Array[] };
      docs.forEach((t, i) => want[isValDocument(seed, i, 0.2) ? 'val' : 'train'].push(tok.encode(t), new Uint32Array([SEP])));
      expect(Array.from(d.train)).toEqual(concat(want.train));
      expect(Array.from(d.val)).toEqual(concat(want.val));
      expect(d.meta.documents.train + d.meta.documents.val).toBe(200);
      expect(Math.abs(d.meta.documents.val / 200 - 0.2)).toBeLessThan(0.07);
      expect(d.meta.separatorId).toBe(SEP);
    }
    const a = tokenizeCorpus(tok, docs, { seed: 1 }), b = tokenizeCorpus(tok, docs, { seed: 1 }), c = tokenizeCorpus(tok, docs, { seed: 2 });
    expect(a.meta.fingerprint).toBe(b.meta.fingerprint);
    expect(a.meta.fingerprint).not.toBe(c.meta.fingerprint);
  });

  test('one text: the last valFraction of its tokens is val (nanoGPT), and the split tokens are the whole text', () => {
    const text = docs.slice(0, 20).join('\n');
    const d = tokenizeCorpus(tok, text, { valFraction: 0.1 });
    const all = [...tok.encode(text), SEP];
    const cut = Math.floor(all.length * 0.9);
    expect(d.meta.split?.mode).toBe('tail');
    expect(Array.from(d.train)).toEqual(all.slice(0, cut));
    expect(Array.from(d.val)).toEqual(all.slice(cut));
    expect(tokenizeCorpus(tok, text, { valFraction: 0 }).val.length).toBe(0);
    expect(tokenizeCorpus(tok, text, { separatorId: null, valFraction: 0 }).train).toEqual(tok.encode(text));
  });

  test('tiny shakespeare (../shared): a 10 % tail val split', () => {
    if (!existsSync(SHAKESPEARE)) { console.warn(`corpus.test: ${SHAKESPEARE} absent; skipped`); return; }
    const text = readFileSync(SHAKESPEARE, 'utf8');
    const d = tokenizeCorpus(tok, text, { valFraction: 0.1, blockSize: 256 });
    const n = d.train.length + d.val.length;
    expect(d.train.length).toBe(Math.floor(n * 0.9));
    expect(d.meta.chars).toBe(text.length);
    expect(tok.decode(d.val).startsWith(tok.decode(d.val.subarray(0, 50)))).toBe(true);
    expect(tok.decode(d.train) + tok.decode(d.val)).toBe(text + '</s>');
    // the one-buffer portable hash, the chunked copy and node:crypto agree (the train split spans several chunks)
    expect(corpusFingerprint(d, sha256Parts)).toBe(d.meta.fingerprint);
    expect(corpusFingerprint(d, (parts) => { const h = createHash('sha256'); for (const p of parts) h.update(p); return h.digest('hex'); })).toBe(d.meta.fingerprint);
  });

  test('SFT mix: token share within 1 % of the ratio, repeat and subsample modes, prompt masks exact', () => {
    const text = docs.join(' ');
    const ctok = charTokenizer(text);
    const sep = ctok.encode('|')[0];
    const mk = (n: number) => Array.from({ length: n }, (_, i) => ({ prompt: 'Ω'.repeat(3 + (i % 7)), response: 'Ж'.repeat(1 + (i % 5)) }));
    const plain = tokenizeCorpus(ctok, docs, { valFraction: 0.1, separatorId: sep });
    for (const [count, mode] of [[5, 'repeat'], [20_000, 'subsample']] as const) {
      for (const ratio of [0.02, 0.1, 0.3]) {
        const d = tokenizeCorpus(ctok, docs, { valFraction: 0.1, separatorId: sep, sft: { examples: mk(count), ratio, maskPrompt: true } });
        const sft = d.meta.sft!;
        expect(sft.mode).toBe(mode);
        expect([d.train.byteLength, d.trainMask!.byteLength]).toEqual([d.train.buffer.byteLength, d.trainMask!.buffer.byteLength]); // own buffers, exact
        expect(Math.abs(sft.ratio - ratio)).toBeLessThan(0.01);
        expect(Math.abs(sft.valRatio! - ratio)).toBeLessThan(0.03);
        for (const split of ['train', 'val'] as const) {
          const ids = d[split], mask = split === 'train' ? d.trainMask! : d.valMask!;
          const got = dec(ctok, ids);
          // prompt characters (Ω) and only they have mask 0
          for (let i = 0; i < ids.length; i++) expect(mask[i]).toBe(got[i] === 'Ω' ? 0 : 1);
          // every example is whole and ends with the separator; without them the split is the plain split, plus a
          // separator in front of each example placed inside a document
          const want = dec(ctok, plain[split]);
          const rest = got.replace(/Ω+Ж+\|/g, '');
          expect(rest.replaceAll('|', '')).toBe(want.replaceAll('|', ''));
          expect(got.match(/Ω+Ж+\|/g)!.length).toBe(sft.inserted![split]);
          if (sft.placement![split] === 'documents') expect(rest).toBe(want); // between documents, documents whole
          if (ratio === 0.02 && split === 'train') expect(sft.placement!.train).toBe('documents');
          if (ratio === 0.3) expect(sft.placement![split]).toBe('tokens');
        }
      }
    }
    // without maskPrompt there are no masks
    const d = tokenizeCorpus(ctok, docs, { separatorId: sep, sft: { examples: mk(5), ratio: 0.1 } });
    expect(d.trainMask).toBeUndefined();
  });

  test('SFT mix into one text: examples at seeded token positions, fenced by separators; template applied', () => {
    const text = docs.slice(0, 30).join(' ');
    const ctok = charTokenizer(text + 'QA:');
    const sep = ctok.encode('|')[0];
    const d = tokenizeCorpus(ctok, text, { valFraction: 0.1, separatorId: sep, sft: { examples: [{ prompt: 'ΩΩ', response: 'Ж' }], ratio: 0.1, template: 'Q:{prompt}A:{response}' } });
    const s = dec(ctok, d.train);
    const rest = s.replace(/Q:ΩΩA:Ж\|/g, '');
    const want = dec(ctok, tokenizeCorpus(ctok, text, { valFraction: 0.1, separatorId: sep }).train);
    expect(rest.replaceAll('|', '')).toBe(want.replaceAll('|', ''));
    expect(s).toMatch(/[^|]\|Q:ΩΩA:Ж\|/); // placed inside the text, fenced by separators
    expect(Math.abs(d.meta.sft!.ratio - 0.1)).toBeLessThan(0.01);
  });

  test('an array (streamed into its splits) gives the same corpus as an iterable (assembled at the end)', () => {
    // lossless escapes give three ids per private-use character: more ids than code units, so the array spills
    const lossless = bvv241('2-3', { lossless: true });
    const pua = docs.map((d, i) => (i % 3 === 0 ? d + '\ue000\ue001'.repeat(200) : d));
    const cases: Array<[typeof tok, string[], Record<string, unknown>]> = [
      [tok, docs, { valFraction: 0.2, seed: 4 }], [tok, docs, { valFraction: 0 }], [tok, docs, { separatorId: null, seed: 7 }],
      [tok, docs.slice(0, 2), { valFraction: 0.1 }], [lossless, pua, { valFraction: 0.1, seed: 3 }],
      // every document outgrows its bound: the encoder's in-place append overflows the stream at once
      [lossless, docs.map((d) => d + '\ue000'.repeat(2 * d.length + 100)), { valFraction: 0.2, seed: 5 }],
      // an object over bvv241 with its own encode is not trusted to append in place: encode + copy
      [Object.assign(Object.create(tok) as typeof tok, { encode: (s: string) => tok.encode(s) }), docs, { valFraction: 0.2, seed: 4 }],
    ];
    expect(encodeIntoOf(tok)).not.toBeNull(); // bvv241 encodes straight into the streams
    expect(encodeIntoOf(cases[cases.length - 1][0])).toBeNull();
    for (const [t, texts, opts] of cases) {
      const viaArray = tokenizeCorpus(t, texts, opts), viaIterable = tokenizeCorpus(t, new Set(texts), opts);
      expect(viaArray.meta, JSON.stringify(opts)).toEqual(viaIterable.meta);
      expect(viaArray.train).toEqual(viaIterable.train);
      expect(viaArray.val).toEqual(viaIterable.val);
    }
    expect(() => tokenizeCorpus(tok, ['', ''], { valFraction: 0 })).toThrow(/empty corpus \(2 documents, 0 characters, 0 tokens\)/);
  });

  test('async input (texts and examples) gives the same corpus as sync input', async () => {
    const examples = [{ prompt: 'Q: a', response: ' b' }, { prompt: 'Q: c', response: ' d' }, { prompt: 'Q: e', response: ' f' }];
    const sync = tokenizeCorpus(tok, docs, { sft: { examples, ratio: 0.2, maskPrompt: true } });
    const viaAsync = await tokenizeCorpus(tok, asyncOf(docs), { sft: { examples: asyncOf(examples), ratio: 0.2, maskPrompt: true } });
    expect(viaAsync).toEqual(sync);
    expect(await tokenizeCorpusAsync(tok, new Set(docs), { sft: { examples, ratio: 0.2, maskPrompt: true } })).toEqual(sync);
    expect(tokenizeCorpus(tok, asyncOf(docs))).toBeInstanceOf(Promise);
  });

  test('fingerprint = SHA-256 of the documented bytes (checked with Python hashlib)', () => {
    const d = tokenizeCorpus(tok, docs.slice(0, 30), { sft: { examples: [{ prompt: 'x', response: 'y' }], ratio: 0.1, maskPrompt: true } });
    const script = `
import hashlib, json, struct, sys
d = json.loads(sys.stdin.read())
h = f"glyphlm-corpus/1 vocab={d['vocab']} train={len(d['train'])} val={len(d['val'])} masks=1\\n".encode()
f = '<%dH' if d['vocab'] <= 65536 else '<%dI'
b = h + struct.pack(f % len(d['train']), *d['train']) + struct.pack(f % len(d['val']), *d['val']) + bytes(d['tm']) + bytes(d['vm'])
print(hashlib.sha256(b).hexdigest())`;
    let py: string;
    try {
      py = execFileSync('python3', ['-c', script], { input: JSON.stringify({ vocab: d.vocabSize, train: Array.from(d.train), val: Array.from(d.val), tm: Array.from(d.trainMask!), vm: Array.from(d.valMask!) }), encoding: 'utf8' }).trim();
    } catch (e) { console.warn(`corpus.test: python3 unavailable (${(e as Error).message.split('\n')[0]}); skipped`); return; }
    expect(d.meta.fingerprint).toBe(py);
    expect([...fingerprintParts(d)].map((c) => c.length)).toEqual([expect.any(Number), 2 * d.train.length, 2 * d.val.length, d.train.length, d.val.length]);
  });

  test('pinned fingerprint (data.browser.test.ts expects the same in Chromium)', () => {
    const d = tokenizeCorpus(tok, seededDocuments(11, 60, 300), { sft: { examples: [{ prompt: 'Q: a', response: ' b' }, { prompt: 'Q: c', response: ' d' }], ratio: 0.1, maskPrompt: true } });
    expect(d.meta.fingerprint).toBe('d445e6b87f6f85d400c05f7a75e25139993da109f029e052b029e937a031ddba');
    expect([d.train.length, d.val.length]).toEqual([15269, 1756]);
  });

  test('bad input: clear errors before any work', () => {
    const small = charTokenizer('abc');
    expect(() => tokenizeCorpus(tok, '')).toThrow('empty corpus (1 documents, 0 characters, 0 tokens)');
    expect(() => tokenizeCorpus(tok, [])).toThrow(/empty corpus \(0 documents/);
    expect(() => tokenizeCorpus(tok, ['a', 5 as unknown as string])).toThrow('document 1 is number, not a string');
    expect(() => tokenizeCorpus(tok, 'abc', { valFraction: 1 })).toThrow('valFraction must be in [0, 1), got 1');
    expect(() => tokenizeCorpus(tok, 'abc', { valFraction: -0.1 })).toThrow(/valFraction must be in \[0, 1\)/);
    expect(() => tokenizeCorpus(tok, 'abc', { sft: { examples: [], ratio: 1 } })).toThrow('sft.ratio must be in [0, 1), got 1');
    expect(() => tokenizeCorpus(tok, 'abc', { sft: { examples: [], ratio: NaN } })).toThrow(/sft.ratio/);
    expect(() => tokenizeCorpus(tok, 'abc', { sft: { examples: [{ prompt: 'a' } as never] } })).toThrow('sft example 0: field "response" must be a string');
    expect(() => tokenizeCorpus(tok, 'abc', { sft: { examples: [], template: '{prompt}' } })).toThrow(/template must contain \{response\}/);
    expect(() => tokenizeCorpus(tok, 'hello world', { blockSize: 64 })).toThrow(/train split has \d+ tokens; blockSize 64 needs at least 65/);
    expect(() => tokenizeCorpus(small, 'abcabcabcabcabcabcabcabcabcabc', { blockSize: 20, separatorId: null })).toThrow('the val split has 3 tokens; blockSize 20 needs at least 21');
    expect(() => tokenizeCorpus(tok, ['a', 'hello'], { vocabSize: 1000, separatorId: null })).toThrow(/document 1, token 1: id 56035 is outside the vocabulary \(0\.\.999\)/);
    expect(() => tokenizeCorpus(tok, 'abc', { separatorId: 70000 })).toThrow(/separatorId 70000 is outside the vocabulary/);
    expect(() => tokenizeCorpus(tok, ['a', 'b'], { split: 'documents', valFraction: 0.1 })).toThrow(/split 'documents' put \d of 2 documents into val/);
    expect(() => tokenizeCorpus(tok, 42 as unknown as string)).toThrow(/texts must be a string/);
    // a bad SFT example fails before any document is read
    let read = 0;
    function* texts() { read++; yield 'never tokenized'; }
    expect(() => tokenizeCorpus(tok, texts(), { sft: { examples: [{ prompt: 'a', response: 'b' }, { prompt: 'c', response: 5 as unknown as string }] } }))
      .toThrow('sft example 1: field "response" must be a string');
    expect(read).toBe(0);
  });
});
