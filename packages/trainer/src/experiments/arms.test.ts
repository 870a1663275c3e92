// Arms: tables built for the config, clear errors naming the arm, and models that differ only in the table.
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW, useBackend, type EmbeddingMatrix } from '@glyphlm/transformer-core';
import { idBitsCodes } from '@glyphlm/glyph-embeddings';
import { createArmModel, resolveArm, type ArmSpec } from './arms.js';

const config = { vocabSize: 97, nEmbed: 16, dModel: 32, nLayer: 2, nHead: 4, blockSize: 32 };

function table(seed: number, rows = 97, dim = 16): EmbeddingMatrix {
  let s = seed;
  const data = Float32Array.from({ length: rows * dim }, () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5);
  return { rows, dim, data, meta: { recipe: `test-${seed}` } };
}

beforeAll(async () => {
  await useBackend('wasm');
});

describe('resolveArm', () => {
  it('builds ablation codes at the config width (narrower codes lifted by repeat_interleave)', () => {
    const idb = resolveArm('ids', { ablation: 'id-bits', bits: 8 }, config);
    expect(idb).toMatchObject({ embedding: 'frozen', kind: 'id-bits' });
    expect(idb.table!.dim).toBe(16);
    const raw = idBitsCodes(97, 8);
    for (let r = 0; r < 97; r++) for (let j = 0; j < 16; j++) expect(idb.table!.data[r * 16 + j]).toBe(raw.data[r * 8 + (j >> 1)]);
    const rb = resolveArm('rb', { ablation: 'random-binary', seed: 4 }, config);
    expect(rb.table!.data.every((v) => v === 0 || v === 1)).toBe(true);
    expect(resolveArm('rb2', { ablation: 'random-binary', seed: 4 }, config).describe.hash).toBe(rb.describe.hash);
    expect(resolveArm('rb3', { ablation: 'random-binary', seed: 5 }, config).describe.hash).not.toBe(rb.describe.hash);
    const rf = resolveArm('rf', { ablation: 'random-float', seed: 1 }, config);
    for (let r = 0; r < 97; r++) {
      let s = 0;
      for (let j = 0; j < 16; j++) s += rf.table!.data[r * 16 + j] ** 2;
      expect(Math.sqrt(s)).toBeCloseTo(1, 5);
    }
  });
  it('rejects bad arms, naming the arm and the field', () => {
    const bad: Array<[string, ArmSpec, RegExp]> = [
      ['narrow', table(1, 97, 8), /arm 'narrow': matrix.dim 8 != config.nEmbed 16/],
      ['short', table(1, 90, 16), /arm 'short': matrix.rows 90 != config.vocabSize 97/],
      ['from', { trainableFrom: table(1, 97, 32) }, /arm 'from': trainableFrom.dim 32/],
      ['bits', { ablation: 'id-bits', bits: 4 }, /arm 'bits': idBitsCodes: 97 rows do not fit in 4 bits/],
      ['odd', { ablation: 'random-binary', bits: 6 }, /arm 'odd': bits 6 must divide config.nEmbed 16/],
      ['kind', { ablation: 'glyphs' } as unknown as ArmSpec, /arm 'kind': ablation must be/],
      ['extra', { ablation: 'id-bits', bitz: 4 } as unknown as ArmSpec, /arm 'extra': unknown field 'bitz'/],
      ['what', 'frozen' as unknown as ArmSpec, /arm 'what': must be an EmbeddingMatrix, 'trainable'/],
      ['a/b', 'trainable', /arm name "a\/b"/],
    ];
    for (const [name, spec, re] of bad) expect(() => resolveArm(name, spec, config), name).toThrow(re);
    const nan = table(2);
    nan.data[16 * 5 + 3] = NaN;
    expect(() => resolveArm('nan', nan, config)).toThrow(/arm 'nan': matrix.data\[83\] \(row 5\) is not finite/);
  });
});

describe('createArmModel', () => {
  it('gives every arm the same non-embedding weights for a seed, and the requested table', async () => {
    const glyph = table(7);
    const specs: Record<string, ArmSpec> = { frozen: glyph, trainable: 'trainable', from: { trainableFrom: glyph }, ids: { ablation: 'id-bits' } };
    const states = new Map<string, Map<string, { data: Float32Array }>>();
    for (const [name, spec] of Object.entries(specs)) {
      const m = createArmModel(resolveArm(name, spec, config), config, 5);
      states.set(name, await m.stateDict());
      expect(m.trainableNames.includes('tok_embedding.weight'), name).toBe(name === 'trainable' || name === 'from');
      m.dispose();
    }
    const ref = states.get('frozen')!;
    for (const [name, st] of states) {
      for (const [k, v] of ref) if (k !== 'tok_embedding.weight') expect(Buffer.from(st.get(k)!.data.buffer).equals(Buffer.from(v.data.buffer)), `${name} ${k}`).toBe(true);
    }
    expect(states.get('frozen')!.get('tok_embedding.weight')!.data).toEqual(glyph.data);
    expect(states.get('from')!.get('tok_embedding.weight')!.data).toEqual(glyph.data);
    expect(states.get('trainable')!.get('tok_embedding.weight')!.data).not.toEqual(glyph.data);
    const other = createArmModel(resolveArm('frozen', glyph, config), config, 6);
    expect((await other.stateDict()).get('lm_head.weight')!.data).not.toEqual(ref.get('lm_head.weight')!.data);
    other.dispose();
  });
  it('trains a trainable-from table without touching the matrix it started from', async () => {
    const glyph = table(9);
    const copy = glyph.data.slice();
    const m = createArmModel(resolveArm('from', { trainableFrom: glyph }, config), config, 1);
    const opt = new AdamW({ lr: 1e-2, weightDecay: 0 });
    const ids = [[1, 2, 3, 4, 5, 6]], targets = [[2, 3, 4, 5, 6, 7]];
    opt.minimize(() => m.loss(ids, targets), m.trainableVariables).dispose();
    const after = (await m.stateDict()).get('tok_embedding.weight')!.data;
    expect(glyph.data).toEqual(copy);
    expect(after).not.toEqual(copy);
    expect(after.subarray(16 * 50, 16 * 51)).toEqual(copy.subarray(16 * 50, 16 * 51)); // row 50 unused: no gradient, no decay
    opt.dispose();
    m.dispose();
  });
});
