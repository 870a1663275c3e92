// PCA for embedding rows: exact scatter (integer co-occurrence counts for 0/1 rows), covariance, symmetric
// eigensolver (eigen.ts), projection onto k components, explained variance, and row L2 normalisation.
// Conventions: components sorted by descending variance; variance = eigenvalue of the covariance with the
// (n-1) divisor (as sklearn); sign convention as in eigen.ts (largest-|entry| of each component positive).
import type { RowMatrix } from '../recipes/registry.js';
import { wasmKernels, type WasmKernels } from '../compute/kernels.js';
import { symmetricEigen, type SymmetricEigen } from './eigen.js';
import { scatterBitsWasm } from './fast.js';
import type { PcaModel } from './model.js';

export { symmetricEigen, applySignConvention, type SymmetricEigen } from './eigen.js';
export type { PcaModel } from './model.js';

export const SIGN_CONVENTION = 'largest-abs-entry-positive (sklearn svd_flip, u_based_decision=False)';

/** Column sums and the scatter X^T X (dim x dim, float64). Exact integers for bit rows (counted, not multiplied). */
export function scatter(m: RowMatrix, opts: { kernels?: WasmKernels | null } = {}): { sums: Float64Array; gram: Float64Array } {
  if (m.kind === 'float') return scatterFloat(m);
  const kern = opts.kernels === undefined ? wasmKernels() : opts.kernels;
  return kern ? scatterBitsWasm(kern, m) : scatterBits(m);
}

function scatterBits(m: Extract<RowMatrix, { kind: 'bits' }>): { sums: Float64Array; gram: Float64Array } {
  const { rows, dim, wordsPerRow, words } = m;
  // Upper-triangle co-occurrence counts C[i][j] (i <= j) = #rows with bit i and bit j set.
  const counts = new Int32Array(dim * dim);
  const set = new Int32Array(dim);
  for (let r = 0; r < rows; r++) {
    let ns = 0;
    const base = r * wordsPerRow;
    for (let w = 0; w < wordsPerRow; w++) {
      let v = words[base + w];
      while (v !== 0) {
        const t = v & -v;
        set[ns++] = (w << 5) + (31 - Math.clz32(t));
        v ^= t;
      }
    }
    for (let a = 0; a < ns; a++) {
      const ro = set[a] * dim;
      for (let b = a; b < ns; b++) counts[ro + set[b]]++;
    }
  }
  const gram = new Float64Array(dim * dim);
  const sums = new Float64Array(dim);
  for (let i = 0; i < dim; i++) {
    sums[i] = counts[i * dim + i];
    for (let j = i; j < dim; j++) {
      const v = counts[i * dim + j];
      gram[i * dim + j] = v;
      gram[j * dim + i] = v;
    }
  }
  return { sums, gram };
}

function scatterFloat(m: Extract<RowMatrix, { kind: 'float' }>): { sums: Float64Array; gram: Float64Array } {
  const { rows, dim, data } = m;
  const gram = new Float64Array(dim * dim);
  const sums = new Float64Array(dim);
  const x = new Float64Array(dim);
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    for (let i = 0; i < dim; i++) { x[i] = data[o + i]; sums[i] += x[i]; }
    for (let i = 0; i < dim; i++) {
      const xi = x[i];
      if (xi === 0) continue;
      const ro = i * dim;
      for (let j = i; j < dim; j++) gram[ro + j] += xi * x[j];
    }
  }
  for (let i = 0; i < dim; i++) for (let j = i + 1; j < dim; j++) gram[j * dim + i] = gram[i * dim + j];
  return { sums, gram };
}

/** Covariance (divisor n-1) and mean from a scatter: C = (G - n mu mu^T) / (n - 1). */
export function covarianceFromScatter(gram: Float64Array, sums: Float64Array, n: number): { cov: Float64Array; mean: Float64Array } {
  const dim = sums.length;
  const mean = new Float64Array(dim);
  for (let i = 0; i < dim; i++) mean[i] = sums[i] / n;
  const cov = new Float64Array(dim * dim);
  const div = n > 1 ? n - 1 : 1;
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      const v = (gram[i * dim + j] - sums[i] * mean[j]) / div;
      cov[i * dim + j] = v;
      cov[j * dim + i] = v;
    }
  }
  return { cov, mean };
}

/** Fits PCA from a covariance + mean (e.g. built in parallel elsewhere), keeping k components. */
export function pcaFromCovariance(cov: Float64Array, mean: Float64Array, samples: number, k: number | 'full'): PcaModel {
  checkComponents(mean.length, k);
  return pcaFromEigen(symmetricEigen(cov, mean.length), mean, samples, k);
}

function checkComponents(dim: number, k: number | 'full'): number {
  const kk = k === 'full' ? dim : k;
  if (!Number.isInteger(kk) || kk < 1 || kk > dim) throw new RangeError(`PCA: components must be an integer in 1..${dim} or 'full', got ${k}`);
  return kk;
}

/** Builds the model from an eigen-decomposition of the covariance (descending, sign convention applied). */
export function pcaFromEigen(eig: SymmetricEigen, mean: Float64Array, samples: number, k: number | 'full'): PcaModel {
  const dim = mean.length;
  const kk = checkComponents(dim, k);
  let total = 0;
  for (let i = 0; i < dim; i++) total += Math.max(0, eig.values[i]);
  const explainedVariance = new Float64Array(kk);
  const explainedVarianceRatio = new Float64Array(kk);
  for (let i = 0; i < kk; i++) {
    explainedVariance[i] = Math.max(0, eig.values[i]);
    explainedVarianceRatio[i] = total > 0 ? explainedVariance[i] / total : 0;
  }
  return { dim, k: kk, mean, components: eig.vectors.slice(0, kk * dim), explainedVariance, explainedVarianceRatio, totalVariance: total, samples };
}

/** Fits PCA on rows (bits or floats), keeping k components ('full' = dim). */
export function fitPca(m: RowMatrix, k: number | 'full'): PcaModel {
  if (m.rows < 2) throw new RangeError(`PCA: need at least 2 rows, got ${m.rows}`);
  const { sums, gram } = scatter(m);
  const { cov, mean } = covarianceFromScatter(gram, sums, m.rows);
  return pcaFromCovariance(cov, mean, m.rows, k);
}

/**
 * Projects rows r0..r1 onto the model's components in float64 plain JS: out[r][j] = sum_d (x_rd - mu_d) V_jd,
 * written as float32 into `out` (row-major, stride k). Deterministic on every platform.
 */
export function projectRowsJS(m: RowMatrix, model: PcaModel, out: Float32Array, r0 = 0, r1 = m.rows): void {
  const { dim, k, mean, components: V } = model;
  const acc = new Float64Array(k);
  if (m.kind === 'bits') {
    // x V - mu V: accumulate the component columns of the set bits; VT[d*k + j] = V[j*dim + d].
    const VT = new Float64Array(dim * k);
    for (let j = 0; j < k; j++) for (let d = 0; d < dim; d++) VT[d * k + j] = V[j * dim + d];
    const muV = new Float64Array(k);
    for (let j = 0; j < k; j++) { let s = 0; for (let d = 0; d < dim; d++) s += mean[d] * V[j * dim + d]; muV[j] = s; }
    const { wordsPerRow, words } = m;
    for (let r = r0; r < r1; r++) {
      for (let j = 0; j < k; j++) acc[j] = -muV[j];
      const base = r * wordsPerRow;
      for (let w = 0; w < wordsPerRow; w++) {
        let v = words[base + w];
        while (v !== 0) {
          const t = v & -v;
          const d = (w << 5) + (31 - Math.clz32(t));
          v ^= t;
          const o = d * k;
          for (let j = 0; j < k; j++) acc[j] += VT[o + j];
        }
      }
      const oo = r * k;
      for (let j = 0; j < k; j++) out[oo + j] = acc[j];
    }
  } else {
    const x = new Float64Array(dim);
    for (let r = r0; r < r1; r++) {
      const o = r * dim;
      for (let d = 0; d < dim; d++) x[d] = m.data[o + d] - mean[d];
      const oo = r * k;
      for (let j = 0; j < k; j++) {
        let s = 0;
        const vo = j * dim;
        for (let d = 0; d < dim; d++) s += x[d] * V[vo + d];
        out[oo + j] = s;
      }
    }
  }
}

/** Row i of a bit matrix as float32 0/1 (centred if `mean` is given) into `out` at `offset`. */
export function bitsRowToFloat(m: Extract<RowMatrix, { kind: 'bits' }>, r: number, out: Float32Array, offset: number, mean?: Float64Array | Float32Array): void {
  const { dim, wordsPerRow, words } = m;
  const base = r * wordsPerRow;
  for (let d = 0; d < dim; d++) {
    const bit = (words[base + (d >> 5)] >>> (d & 31)) & 1;
    out[offset + d] = mean ? bit - mean[d] : bit;
  }
}

/** Scales every row to unit L2 norm in place (all-zero rows stay zero). Norms accumulate in float64. */
export function l2NormalizeRows(data: Float32Array, rows: number, dim: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    let s = 0;
    for (let j = 0; j < dim; j++) s += data[o + j] * data[o + j];
    if (s > 0) {
      const inv = 1 / Math.sqrt(s);
      for (let j = 0; j < dim; j++) data[o + j] *= inv;
    }
  }
}
