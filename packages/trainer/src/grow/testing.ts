// Test helpers of src/grow (not exported by index.ts): a learnable synthetic token stream, a corpus around it and a
// seeded stand-in for a glyph table.
import type { ModelConfig, EmbeddingMatrix } from '@glyphlm/transformer-core';
import type { CorpusData } from '../data/types.js';
import { hash32 } from '../data/sampler.js';

/** Runs of +1 / +3 steps mod V, restarted at seeded positions. */
export function stream(n: number, V: number, seed: number): Uint32Array {
  const a = new Uint32Array(n);
  let x = hash32(seed);
  let step = 1;
  for (let i = 0; i < n; i++) {
    x = hash32(x + i);
    if (i === 0 || x % 7 === 0) {
      a[i] = x % V;
      step = (x >>> 8) % 2 ? 1 : 3;
    } else a[i] = (a[i - 1] + step) % V;
  }
  return a;
}

export function testCorpus(V = 32, seed = 1, n = 6000): CorpusData {
  const trainIds = stream(n, V, seed);
  const val = stream(Math.ceil(n / 5), V, seed + 100);
  return {
    train: trainIds, val, vocabSize: V,
    meta: {
      tokenizer: 'test', tokenizerFingerprint: 'tok-1', fingerprint: `data-${seed}-${n}`, separatorId: 0,
      documents: { train: 1, val: 1 }, chars: n, tokens: { train: trainIds.length, val: val.length },
    },
  };
}

export function glyphTable(c: ModelConfig, seed: number): EmbeddingMatrix {
  const data = new Float32Array(c.vocabSize * c.nEmbed);
  for (let i = 0; i < data.length; i++) data[i] = (hash32(seed * 1000003 + i) / 2 ** 32 - 0.5) * 0.5;
  return { rows: c.vocabSize, dim: c.nEmbed, data, meta: { recipe: 'test' } };
}

