// The data layer in Chromium (vitest browser mode): tokenizeCorpus (sync and async, with the SFT mix), the
// sampler, shard bytes and the compact vocabulary run without Node and give the same numbers as in Node
// (fingerprints and golden sampler values pinned by the Node tests).
import { describe, expect, it } from 'vitest';
import { bvv241 } from '@glyphlm/unicode-tokenizer';
import {
  compactVocabulary, decodeShard, encodeShard, hash32, rowOffset, sampleBatch, shardIds, tokenizeCorpus, tokenizeCorpusAsync,
} from './index.js';
import { seededDocuments } from './testing.js';

/** The same corpus's fingerprint in Node (corpus.test.ts pins it too). */
const NODE_FINGERPRINT = 'd445e6b87f6f85d400c05f7a75e25139993da109f029e052b029e937a031ddba';

async function* asyncOf<T>(xs: T[]): AsyncGenerator<T> { for (const x of xs) yield x; }

describe('data layer in the browser', () => {
  it('tokenizes, samples, encodes shards and compacts the vocabulary', async () => {
    const tok = bvv241('2-3');
    const docs = seededDocuments(11, 60, 300);
    const sft = { examples: [{ prompt: 'Q: a', response: ' b' }, { prompt: 'Q: c', response: ' d' }], ratio: 0.1, maskPrompt: true };
    const d = tokenizeCorpus(tok, docs, { sft });
    expect(await tokenizeCorpusAsync(tok, asyncOf(docs), { sft: { ...sft, examples: asyncOf(sft.examples) } })).toEqual(d);
    expect(d.meta.fingerprint).toBe(NODE_FINGERPRINT);
    expect([d.train.length, d.val.length]).toEqual([15269, 1756]);
    expect(Math.abs(d.meta.sft!.ratio - 0.1)).toBeLessThan(0.02);
    // golden values shared with the Node tests and the Python twin
    expect(hash32(12345)).toBe(2435775735);
    expect([0, 1, 2, 3].map((r) => rowOffset(1, 0, r, 1_000_000, 256))).toEqual([724582, 858045, 781414, 93177]);
    const b = sampleBatch(d.train, d.trainMask, { seed: 1, batchIndex: 3, batchSize: 4, blockSize: 32 });
    expect(b.ids.length).toBe(128);
    const bytes = encodeShard(d.train, { vocabSize: d.vocabSize, meta: { split: 'train' } });
    expect(shardIds(decodeShard(bytes, { file: 'train-00000.bin', vocabSize: 65536 }))).toEqual(d.train);
    bytes[1030] ^= 1;
    expect(() => decodeShard(bytes, { file: 'train-00000.bin' })).toThrow(/train-00000\.bin: crc32/);
    const cv = compactVocabulary(tok, d);
    expect(cv.toFull(cv.toCompact(d.train))).toEqual(d.train);
    expect(cv.compactCorpus(d).vocabSize).toBe(cv.size);
  });
});
