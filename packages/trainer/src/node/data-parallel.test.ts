// Worker-thread tokenizing gives exactly the single-thread corpus (texts, async texts, files; 1 and 2 workers),
// and bad files are errors naming the file.
import { describe, expect, test } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bvv241, fromHuggingFace } from '@glyphlm/unicode-tokenizer';
import { tokenizeCorpus } from '../data/corpus.js';
import { tokenizeCorpusParallel, tokenizeFiles } from './data-parallel.js';
import { seededDocuments } from '../data/testing.js';
import { compactVocabulary } from '../data/compact-vocab.js';

describe('tokenizing on worker threads', () => {
  const tok = bvv241('2-3');
  const docs = seededDocuments(5, 40, 1500);
  const sft = { examples: [{ prompt: 'Q: 2+2? A:', response: ' 4' }, { prompt: 'Q: capital of France? A:', response: ' Paris' }, { prompt: 'Вопрос: да? Ответ:', response: ' да' }], ratio: 0.1, maskPrompt: true };
  const want = tokenizeCorpus(tok, docs, { valFraction: 0.1, seed: 3, sft });

  test('texts, 1 to 3 threads, small batches: identical to tokenizeCorpus', async () => {
    for (const workers of [1, 2, 3]) {
      const got = await tokenizeCorpusParallel(tok, docs, { valFraction: 0.1, seed: 3, sft, workers, batchChars: 20_000 });
      expect(got.meta).toEqual(want.meta);
      expect(got.train).toEqual(want.train);
      expect(got.val).toEqual(want.val);
      expect(got.trainMask).toEqual(want.trainMask);
    }
  });

  test('files and globs: identical to tokenizeCorpus over the same texts in glob order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glyphlm-files-'));
    try {
      docs.forEach((d, i) => writeFileSync(join(dir, `doc-${String(i).padStart(3, '0')}.txt`), d));
      const got = await tokenizeFiles(tok, ['*.txt'], { cwd: dir, valFraction: 0.1, seed: 3, sft, workers: 2, batchChars: 30_000 });
      expect(got.meta.fingerprint).toBe(want.meta.fingerprint);
      writeFileSync(join(dir, 'bad.txt'), new Uint8Array([0x61, 0xff, 0xfe]));
      await expect(tokenizeFiles(tok, join(dir, 'bad.txt'), { workers: 1 })).rejects.toThrow(/bad\.txt is not valid UTF-8/);
      await expect(tokenizeFiles(tok, [join(dir, 'doc-000.txt'), join(dir, 'bad.txt')], { workers: 2, batchChars: 1 })).rejects.toThrow(/bad\.txt is not valid UTF-8/);
      await expect(tokenizeFiles(tok, join(dir, 'missing.txt'))).rejects.toThrow(/missing\.txt does not exist/);
      await expect(tokenizeFiles(tok, '*.md', { cwd: dir })).rejects.toThrow(/\*\.md matches no file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('files without SFT go straight into their split streams: identical to tokenizeCorpus; a tokenizer with more ids than bytes falls back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glyphlm-files-'));
    try {
      docs.forEach((d, i) => writeFileSync(join(dir, `doc-${String(i).padStart(3, '0')}.txt`), d));
      // more ids than UTF-8 bytes: every id three times (no tokenizer.json form, so it runs on this thread)
      const triple = { ...tok, name: 'triple', vocabSize: tok.vocabSize, specialTokens: tok.specialTokens, fingerprint: 'triple',
        encode: (t: string) => { const ids = tok.encode(t); const out = new Uint32Array(ids.length * 3); ids.forEach((id, i) => out.fill(id, 3 * i, 3 * i + 3)); return out; },
        decode: (ids: ArrayLike<number>) => tok.decode(ids), tokenString: (id: number) => tok.tokenString(id),
        isSpecial: (id: number) => tok.isSpecial(id), toHuggingFaceJSON: (): string => { throw new Error('no json'); } };
      const cases: Array<[typeof tok | typeof triple, Record<string, unknown>]> = [
        [tok, { valFraction: 0.1, seed: 3 }], [tok, { valFraction: 0 }], [tok, { valFraction: 0.2, split: 'tail' }],
        [tok, { valFraction: 0.1, seed: 5, separatorId: null, blockSize: 64 }], [triple, { valFraction: 0.1, seed: 3 }],
      ];
      for (const [t, opts] of cases) {
        const ref = tokenizeCorpus(t, docs, opts);
        for (const workers of [1, 2]) {
          const got = await tokenizeFiles(t, ['*.txt'], { cwd: dir, workers, batchChars: 20_000, ...opts });
          expect(got.meta, `${t.name} ${JSON.stringify(opts)} workers ${workers}`).toEqual(ref.meta);
          expect(got.train).toEqual(ref.train);
          expect(got.val).toEqual(ref.val);
        }
      }
      await expect(tokenizeFiles(tok, ['*.txt'], { cwd: dir, valFraction: 0.1, blockSize: 1_000_000 })).rejects.toThrow(/the train split has \d+ tokens; blockSize 1000000/);
      await expect(tokenizeFiles({ ...triple, vocabSize: 3, name: 'tiny', encode: () => new Uint32Array([1, 5]) } as never, ['*.txt'], { cwd: dir, workers: 1, separatorId: null }))
        .rejects.toThrow(/document 0, token 1: id 5 is outside the vocabulary \(0\.\.2\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('files read as bytes (bvv241 encodes UTF-8 directly): byte order marks, a compact vocabulary, 1 and 2 threads, as the decoded texts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glyphlm-files-'));
    try {
      const bom = [0xef, 0xbb, 0xbf];
      const enc = new TextEncoder();
      // no BOM, one, two (the string path always dropped both), a lone U+FEFF at the start of the text, a BOM-only file
      const prefixes = [[], bom, [...bom, ...bom], [], bom];
      const files = docs.slice(0, 30).map((d, i) => new Uint8Array([...prefixes[i % 5], ...enc.encode(i % 7 ? d : `\ufeff${d}`)]));
      files.push(new Uint8Array(bom));
      files.forEach((b, i) => writeFileSync(join(dir, `doc-${String(i).padStart(3, '0')}.txt`), b));
      // what the files mean: TextDecoder's text (one BOM dropped), less one more leading U+FEFF
      const decoded = files.map((b) => new TextDecoder('utf-8', { fatal: true }).decode(b).replace(/^\ufeff/, ''));
      const cv = compactVocabulary(tok, tokenizeCorpus(tok, docs.slice(0, 10)), { minCount: 2 });
      for (const t of [tok, bvv241('2-3', { lossless: true }), cv.tokenizer]) {
        const ref = tokenizeCorpus(t, decoded, { valFraction: 0.1, seed: 4 });
        for (const workers of [1, 2]) {
          const got = await tokenizeFiles(t, ['*.txt'], { cwd: dir, valFraction: 0.1, seed: 4, workers, batchChars: 5_000 });
          expect(got.meta, `${t.name} workers ${workers}`).toEqual(ref.meta);
          expect(got.train).toEqual(ref.train);
          expect(got.val).toEqual(ref.val);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a Hugging Face tokenizer is rebuilt in the workers from its tokenizer.json', async () => {
    const chars = [...new Set(docs.join(''))].sort();
    const vocab: Record<string, number> = { '[UNK]': 0 };
    chars.forEach((c, i) => { vocab[c] = i + 1; });
    const hf = fromHuggingFace({ model: { type: 'BPE', vocab, merges: [], unk_token: '[UNK]' } });
    const ref = tokenizeCorpus(hf, docs.slice(0, 20));
    const got = await tokenizeCorpusParallel(hf, docs.slice(0, 20), { workers: 2, batchChars: 10_000 });
    expect(got.meta.fingerprint).toBe(ref.meta.fingerprint);
  });

  test('a tokenizer without a tokenizer.json form is tokenized on the calling thread, same result', async () => {
    const custom = { ...tok, name: 'custom', vocabSize: tok.vocabSize, specialTokens: tok.specialTokens, fingerprint: 'custom',
      encode: (t: string) => tok.encode(t), decode: (ids: ArrayLike<number>) => tok.decode(ids), tokenString: (id: number) => tok.tokenString(id),
      isSpecial: (id: number) => tok.isSpecial(id), toHuggingFaceJSON: (): string => { throw new Error('no json'); } };
    const got = await tokenizeCorpusParallel(custom, docs, { workers: 2, batchChars: 10_000 });
    expect(got.meta.fingerprint).toBe(tokenizeCorpus(custom, docs).meta.fingerprint);
  });

  test('a compact vocabulary is rebuilt over its base tokenizer in the workers', async () => {
    const cv = compactVocabulary(tok, tokenizeCorpus(tok, docs.slice(0, 10)), { minCount: 2 });
    const ref = tokenizeCorpus(cv.tokenizer, docs);
    const got = await tokenizeCorpusParallel(cv.tokenizer, docs, { workers: 2, batchChars: 10_000 });
    expect(got.meta.fingerprint).toBe(ref.meta.fingerprint);
    expect(got.train).toEqual(ref.train);
  });
});
