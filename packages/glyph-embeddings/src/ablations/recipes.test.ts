import { describe, expect, it } from 'vitest';
import { buildEmbeddings } from '../build.js';
import { listRecipes } from '../recipes/registry.js';
import { ensureBuiltinRecipes } from '../recipes/builtins.js';
import { liftRepeatInterleave } from './lift.js';
import { randomFloatCodes } from './codes.js';
import type { TokenizerLike } from '../types.js';

function idTokenizer(vocabSize: number): TokenizerLike {
  return { name: `ids-${vocabSize}`, vocabSize, fingerprint: `ids-${vocabSize}`, tokenString: (id) => String(id), isSpecial: () => false };
}
function rowKeys(m: { rows: number; dim: number; data: Float32Array }): Set<string> {
  const s = new Set<string>();
  for (let i = 0; i < m.rows; i++) s.add(Array.from(m.data.subarray(i * m.dim, (i + 1) * m.dim)).join(','));
  return s;
}

describe('ablation recipes through buildEmbeddings', () => {
  it('are registered', () => {
    ensureBuiltinRecipes();
    expect(listRecipes()).toEqual(expect.arrayContaining(['random-binary', 'id-bits', 'random-float', 'shaped']));
  });
  it('id-bits: 65,536 x 16, exact bits, no PCA, no normalisation', async () => {
    const m = await buildEmbeddings(idTokenizer(65536), { recipe: 'id-bits' });
    expect([m.rows, m.dim, m.meta.pca, m.meta.normalise]).toEqual([65536, 16, null, 'none']);
    let bad = 0;
    for (let id = 0; id < 65536; id++) { let v = 0; for (let j = 0; j < 16; j++) v = 2 * v + m.data[id * 16 + j]; if (v !== id) bad++; }
    expect(bad).toBe(0);
    const pm = await buildEmbeddings(idTokenizer(8), { recipe: 'id-bits', bits: 3, encoding: 'pm1' });
    expect(Array.from(pm.data.subarray(5 * 3, 6 * 3))).toEqual([1, -1, 1]);
    await expect(buildEmbeddings(idTokenizer(9), { recipe: 'id-bits', bits: 3 })).rejects.toThrow(/9 ids does not fit in 3 bits/);
  });
  it('random-binary: collision-free, seeded, deterministic', async () => {
    const a = await buildEmbeddings(idTokenizer(4000), { recipe: 'random-binary', bits: 64, seed: 7 });
    const b = await buildEmbeddings(idTokenizer(4000), { recipe: 'random-binary', bits: 64, seed: 7 });
    const c = await buildEmbeddings(idTokenizer(4000), { recipe: 'random-binary', bits: 64, seed: 8 });
    expect(a.dim).toBe(64);
    expect(rowKeys(a).size).toBe(4000);
    expect(Buffer.from(a.data.buffer).equals(Buffer.from(b.data.buffer))).toBe(true);
    expect(Buffer.from(a.data.buffer).equals(Buffer.from(c.data.buffer))).toBe(false);
    const full = await buildEmbeddings(idTokenizer(65536), { recipe: 'random-binary', bits: 16, seed: 1 });
    expect(rowKeys(full).size).toBe(65536);
    await expect(buildEmbeddings(idTokenizer(10), { recipe: 'random-binary', bits: 0 })).rejects.toThrow(/option 'bits' must be an integer in 1..4096, got 0/);
  });
  it('random-float: PCA (full) + L2 keeps the centred cosine geometry exactly; k < n reports explained variance', async () => {
    const n = 600, d = 16, seed = 3;
    const m = await buildEmbeddings(idTokenizer(n), { recipe: 'random-float', dim: d, seed });
    expect([m.rows, m.dim, m.meta.normalise]).toEqual([n, d, 'l2']);
    expect(m.meta.pca?.components).toBe(16);
    expect(m.meta.pca?.explainedVariance).toBeCloseTo(1, 12);
    // independent float64 reference: cos(b_i - mu, b_j - mu) from the raw seeded codes
    const raw = randomFloatCodes(n, d, seed).data;
    const mu = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j] += raw[i * d + j] / n;
    let worst = 0;
    for (let t = 0; t < 2000; t++) {
      const i = (t * 7919) % n, k = (t * 104729 + 13) % n;
      let dot = 0, ni = 0, nk = 0, dote = 0;
      for (let j = 0; j < d; j++) {
        const x = raw[i * d + j] - mu[j], y = raw[k * d + j] - mu[j]; dot += x * y; ni += x * x; nk += y * y;
        dote += m.data[i * d + j] * m.data[k * d + j];
      }
      worst = Math.max(worst, Math.abs(dot / Math.sqrt(ni * nk) - dote));
    }
    expect(worst).toBeLessThan(1e-5);
    const k8 = await buildEmbeddings(idTokenizer(n), { recipe: 'random-float', dim: d, seed, components: 8 });
    expect(k8.dim).toBe(8);
    expect(k8.meta.pca!.explainedVariance).toBeGreaterThan(0.5);
    expect(k8.meta.pca!.explainedVariance).toBeLessThan(1);
    const again = await buildEmbeddings(idTokenizer(n), { recipe: 'random-float', dim: d, seed });
    expect(Buffer.from(again.data.buffer).equals(Buffer.from(m.data.buffer))).toBe(true);
  });
  it('lifts a built 16-bit matrix to d_model 1024 by repeat_interleave', async () => {
    const m = await buildEmbeddings(idTokenizer(1000), { recipe: 'id-bits' });
    const l = liftRepeatInterleave(m, 1024);
    expect([l.rows, l.dim]).toEqual([1000, 1024]);
    let bad = 0;
    for (let i = 0; i < 1000; i++) for (let j = 0; j < 1024; j++) if (l.data[i * 1024 + j] !== m.data[i * 16 + (j >> 6)]) bad++;
    expect(bad).toBe(0);
    expect(l.meta.recipe).toBe('id-bits');
  });
});
