// Compact vocabulary on tiny shakespeare (../shared): ~1,800 distinct bvv241-2-3 ids, exact round trips, the
// restricted tokenizer's encode/decode, rows of a matrix, the fallback rule and its errors.
import { describe, expect, test } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { bvv241, fromHuggingFace } from '@glyphlm/unicode-tokenizer';
import type { EmbeddingMatrix } from '@glyphlm/glyph-embeddings';
import { tokenizeCorpus } from './corpus.js';
import { compactVocabulary } from './compact-vocab.js';
import { corpusFingerprint } from './fingerprint.js';
import { seededDocuments } from './testing.js';

const SHAKESPEARE = '../../../shared/data/tinyshakespeare/input.txt';

describe('compactVocabulary', () => {
  const tok = bvv241('2-3');

  test('tiny shakespeare: ~1,800 ids, exact round trips, same text through the compact tokenizer', () => {
    const text = existsSync(SHAKESPEARE) ? readFileSync(SHAKESPEARE, 'utf8') : null;
    if (!text) console.warn(`compact-vocab.test: ${SHAKESPEARE} absent; using seeded text instead`);
    const corpusText = text ?? seededDocuments(3, 50, 2000).join('\n');
    const data = tokenizeCorpus(tok, corpusText);
    const cv = compactVocabulary(tok, data);
    const distinct = new Set([...data.train, ...data.val]).size;
    expect(cv.size).toBe(distinct + (new Set([...data.train, ...data.val]).has(cv.fullIds[cv.fallbackId]) ? 0 : 1));
    if (text) {
      expect(cv.size).toBeGreaterThan(1600);
      expect(cv.size).toBeLessThan(2000);
      console.log(`compact-vocab.test: tiny shakespeare uses ${distinct} distinct bvv241-2-3 ids; compact vocabulary ${cv.size}`);
    }
    expect(Array.from(cv.fullIds)).toEqual([...cv.fullIds].sort((a, b) => a - b));
    const c = cv.toCompact(data.train, { strict: true });
    expect(c.reduce((a, b) => Math.max(a, b), 0)).toBeLessThan(cv.size);
    expect(cv.toFull(c)).toEqual(data.train);
    // the compact tokenizer encodes the corpus to the compact ids and decodes back to the same text
    const sample = corpusText.slice(0, 20_000);
    expect(cv.tokenizer.encode(sample)).toEqual(cv.toCompact(tok.encode(sample)));
    expect(cv.tokenizer.decode(cv.tokenizer.encode(sample))).toBe(tok.decode(tok.encode(sample)));
    expect(cv.tokenizer.vocabSize).toBe(cv.size);
    expect(cv.tokenizer.specialTokens['</s>']).toBe(cv.toCompact([tok.specialTokens['</s>']])[0]);
    expect(cv.tokenizer.specialTokens['<unk>']).toBe(cv.fallbackId);
    for (let k = 0; k < cv.size; k += 97) expect(cv.tokenizer.tokenString(k)).toBe(tok.tokenString(cv.fullIds[k]));
    // a corpus in compact ids keeps its masks, records the compaction, and has a recomputed fingerprint
    const cd = cv.compactCorpus(data);
    expect(cd.vocabSize).toBe(cv.size);
    expect(cd.meta.fingerprint).toBe(corpusFingerprint(cd));
    expect(cd.meta.tokenizerFingerprint).toBe(cv.fingerprint);
  });

  test('dropped ids become the fallback; strict mode and bad ids are errors', () => {
    const cv = compactVocabulary(tok, tok.encode('aaa bbb'), { keep: ['</s>', 65] });
    expect(cv.toFull(cv.tokenizer.encode('zzz'))).toEqual(new Uint32Array(tok.encode('zzz').length).fill(tok.specialTokens['<unk>']));
    expect(cv.tokenizer.decode(cv.tokenizer.encode('a A z'))).toBe('a A <unk>');
    expect(() => cv.toCompact([97, 122], { strict: true })).toThrow('toCompact: id 122 at position 1 is not in the compact vocabulary');
    expect(() => cv.toCompact([70000])).toThrow(/id 70000 at position 0 is outside the vocabulary of bvv241-2-3/);
    expect(() => cv.toFull([0, cv.size])).toThrow(`toFull: id ${cv.size} at position 1 is outside the compact vocabulary (0..${cv.size - 1})`);
    expect(() => compactVocabulary(tok, [1, 2], { keep: ['<nope>'] })).toThrow('keep "<nope>" is not a special token of bvv241-2-3');
    expect(() => compactVocabulary(tok, [1, 70000])).toThrow('compactVocabulary: corpus position 1: id 70000 is outside the vocabulary of bvv241-2-3 (0..65535)');
    expect(() => compactVocabulary(tok, [1], { minCount: 0 })).toThrow(/minCount/);
    const vocab: Record<string, number> = { a: 0, b: 1, c: 2 };
    const noUnk = fromHuggingFace({ model: { type: 'BPE', vocab, merges: [] } });
    expect(() => compactVocabulary(noUnk, [0, 1])).toThrow(/has no unknown token .* pass options\.fallback/);
    expect(compactVocabulary(noUnk, [0, 1], { fallback: 0 }).size).toBe(2);
    // minCount drops rare ids
    const counted = compactVocabulary(tok, [97, 97, 98], { minCount: 2 });
    expect(Array.from(counted.fullIds)).toEqual([97, tok.specialTokens['<unk>']]);
  });

  test('selectRows takes the matching rows and records the compaction', () => {
    const dim = 3;
    const full: EmbeddingMatrix = { rows: tok.vocabSize, dim, data: Float32Array.from({ length: tok.vocabSize * dim }, (_, i) => i), meta: { recipe: 'test', tokenizer: tok.name, tokenizerFingerprint: tok.fingerprint } };
    const cv = compactVocabulary(tok, tok.encode('to be or not to be'));
    const m = cv.selectRows(full);
    expect(m.rows).toBe(cv.size);
    for (let k = 0; k < cv.size; k++) expect(Array.from(m.data.subarray(k * dim, (k + 1) * dim))).toEqual([0, 1, 2].map((j) => cv.fullIds[k] * dim + j));
    expect(m.meta.tokenizerFingerprint).toBe(cv.fingerprint);
    expect((m.meta as Record<string, unknown>).compactVocabulary).toMatchObject({ size: cv.size, fullVocabSize: 65536, baseTokenizer: 'bvv241-2-3' });
    expect(() => cv.selectRows({ ...full, rows: 100, data: new Float32Array(300) })).toThrow('selectRows: matrix has 100 rows; bvv241-2-3 has 65536 ids');
    expect(() => cv.selectRows({ ...full, meta: { recipe: 'x', tokenizerFingerprint: 'abc' } })).toThrow(/meta.tokenizerFingerprint abc is not bvv241-2-3's/);
  });
});
