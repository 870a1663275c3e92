// PCA module: eigensolver accuracy (residual, orthogonality, descending order, sign convention) on seeded random
// symmetric matrices, wasm kernels vs plain JS (scatter exact, eigen/projection within rounding), explained variance.
import { describe, expect, it } from 'vitest';
import { createWasmKernels } from '../compute/kernels.js';
import { MT19937 } from '../random/mt19937.js';
import { allocBits } from '../recipes/registry.js';
import { symmetricEigen } from './eigen.js';
import { projectBitsWasm, scatterBitsWasm } from './fast.js';
import { covarianceFromScatter, fitPca, l2NormalizeRows, pcaFromCovariance, projectRowsJS, scatter } from './pca.js';

function randomSym(n: number, seed: number): Float64Array {
  const g = MT19937.initGenrand(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) { const v = g.random() - 0.5; a[i * n + j] = v; a[j * n + i] = v; }
  return a;
}

function randomBits(rows: number, dim: number, p: number, seed: number) {
  const m = allocBits(rows, dim);
  const g = MT19937.initGenrand(seed);
  for (let r = 0; r < rows; r++) for (let k = 0; k < dim; k++) if (g.random() < p * (1 + Math.sin(k))) m.words[r * m.wordsPerRow + (k >> 5)] |= 1 << (k & 31);
  for (let i = 0; i < m.words.length; i++) m.words[i] >>>= 0;
  return m;
}

const kern = createWasmKernels();

describe('symmetricEigen', () => {
  it.each([[5, 1], [37, 2], [160, 3]])('n=%i: A v = lambda v, orthonormal, descending, sign convention (JS and wasm)', (n, seed) => {
    const a = randomSym(n, seed);
    for (const kernels of [null, kern]) {
      const { values, vectors } = symmetricEigen(a, n, { kernels });
      for (let i = 1; i < n; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
      for (let q = 0; q < n; q++) {
        let maxAbs = 0, arg = 0, norm = 0;
        for (let k = 0; k < n; k++) {
          norm += vectors[q * n + k] ** 2;
          if (Math.abs(vectors[q * n + k]) > maxAbs) { maxAbs = Math.abs(vectors[q * n + k]); arg = k; }
        }
        expect(Math.abs(norm - 1)).toBeLessThan(1e-12);
        expect(vectors[q * n + arg]).toBeGreaterThan(0);
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += a[i * n + k] * vectors[q * n + k];
          expect(Math.abs(s - values[q] * vectors[q * n + i])).toBeLessThan(1e-12 * n);
        }
      }
      for (let p = 0; p < n; p += 7) for (let q = p + 1; q < n; q += 5) {
        let s = 0;
        for (let k = 0; k < n; k++) s += vectors[p * n + k] * vectors[q * n + k];
        expect(Math.abs(s)).toBeLessThan(1e-12);
      }
    }
  });
  it('diagonal matrix: eigenvalues sorted, unit vectors', () => {
    const a = new Float64Array([1, 0, 0, 0, 3, 0, 0, 0, 2]);
    const r = symmetricEigen(a, 3, { kernels: null });
    expect(Array.from(r.values)).toEqual([3, 2, 1]);
    expect(Array.from(r.vectors)).toEqual([0, 1, 0, 0, 0, 1, 1, 0, 0]);
  });
});

describe('scatter and projection', () => {
  it('wasm popcount scatter equals JS pair counting exactly (also with rows not a multiple of 256)', () => {
    const m = randomBits(777, 96, 0.2, 4);
    const a = scatter(m, { kernels: null });
    const b = scatterBitsWasm(kern!, m);
    expect(Array.from(b.gram)).toEqual(Array.from(a.gram));
    expect(Array.from(b.sums)).toEqual(Array.from(a.sums));
    // vs dense float
    const dense = new Float32Array(777 * 96);
    for (let r = 0; r < 777; r++) for (let k = 0; k < 96; k++) dense[r * 96 + k] = (m.words[r * m.wordsPerRow + (k >> 5)] >>> (k & 31)) & 1;
    const c = scatter({ kind: 'float', rows: 777, dim: 96, data: dense });
    expect(Array.from(c.gram)).toEqual(Array.from(a.gram));
  });
  it('full-rank PCA preserves centred Gram (cosines), wasm projection equals float64 JS within 1e-5', () => {
    const m = randomBits(600, 64, 0.25, 5);
    const model = fitPca(m, 'full');
    expect(model.explainedVarianceRatio.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    const js = new Float32Array(600 * 64), wa = new Float32Array(600 * 64);
    projectRowsJS(m, model, js);
    projectBitsWasm(kern!, m, model, wa);
    let maxd = 0;
    for (let i = 0; i < js.length; i++) maxd = Math.max(maxd, Math.abs(js[i] - wa[i]));
    expect(maxd).toBeLessThan(1e-5);
    // dot products of projected rows = dot products of centred rows
    const x = (r: number, k: number) => ((m.words[r * m.wordsPerRow + (k >> 5)] >>> (k & 31)) & 1) - model.mean[k];
    for (const [i, j] of [[0, 1], [5, 300], [599, 42]]) {
      let ref = 0, got = 0;
      for (let k = 0; k < 64; k++) { ref += x(i, k) * x(j, k); got += js[i * 64 + k] * js[j * 64 + k]; }
      expect(Math.abs(ref - got)).toBeLessThan(1e-4);
    }
    l2NormalizeRows(js, 600, 64);
    let s = 0;
    for (let k = 0; k < 64; k++) s += js[k] ** 2;
    expect(Math.abs(s - 1)).toBeLessThan(1e-6);
  });
  it('k < dim keeps the top components and reports explained variance', () => {
    const m = randomBits(400, 48, 0.3, 6);
    const { sums, gram } = scatter(m);
    const { cov, mean } = covarianceFromScatter(gram, sums, 400);
    const full = pcaFromCovariance(cov, mean, 400, 'full');
    const top = pcaFromCovariance(cov, mean, 400, 8);
    expect(top.k).toBe(8);
    expect(Array.from(top.explainedVariance)).toEqual(Array.from(full.explainedVariance.subarray(0, 8)));
    let tr = 0;
    for (let i = 0; i < 48; i++) tr += cov[i * 48 + i];
    expect(full.totalVariance).toBeCloseTo(tr, 9);
    expect(() => pcaFromCovariance(cov, mean, 400, 49)).toThrow(/components must be an integer in 1\.\.48/);
  });
});
