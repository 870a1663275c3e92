// 2-D maps of a set of embedding rows: 'pca' (top-2 principal components, computed on the small centred Gram
// matrix by deflated power iteration), 'tsne' (exact t-SNE, tsne.ts) and 'umap' (umap-js, seeded through our
// generator). All deterministic per seed. Rows are L2-normalised first (cosine geometry), as in the paper's analysis.
import { seededRng } from '../ablations/rng.js';
import { tsne } from './tsne.js';
import type { DenseRows } from '../nearest.js';

export type Map2dMethod = 'pca' | 'umap' | 'tsne';

export interface Map2dOptions {
  method?: Map2dMethod;
  seed?: number;
  /** t-SNE perplexity (default min(30, (n-1)/3); the paper's notebook uses 7 for 40 words). */
  perplexity?: number;
  iterations?: number;
  /** t-SNE start: 'pca' (default; the seed then does not matter) or 'random' (from the seed). */
  init?: 'pca' | 'random';
  /** UMAP neighbours (default min(15, n-1)) and min distance (default 0.1). */
  nNeighbors?: number;
  minDist?: number;
  /** L2-normalise rows before mapping (default true). */
  normalize?: boolean;
}

export interface Map2dPoint {
  id: number;
  x: number;
  y: number;
}

/** Gathers rows `ids` as float64, optionally L2-normalised. */
export function gatherRows(m: DenseRows, ids: ArrayLike<number>, normalize = true): Float64Array {
  const n = ids.length, dim = m.dim, out = new Float64Array(n * dim);
  for (let t = 0; t < n; t++) {
    const id = ids[t];
    if (!Number.isInteger(id) || id < 0 || id >= m.rows) throw new RangeError(`map2d: id ${id} (position ${t}) is out of range 0..${m.rows - 1}`);
    let s = 0;
    for (let j = 0; j < dim; j++) { const v = m.data[id * dim + j]; out[t * dim + j] = v; s += v * v; }
    if (normalize && s > 0) { const k = 1 / Math.sqrt(s); for (let j = 0; j < dim; j++) out[t * dim + j] *= k; }
  }
  return out;
}

/**
 * Top-2 PCA scores (n x 2) of n rows: eigenvectors of the centred Gram matrix G = Xc Xc^T (n x n), found by
 * power iteration with deflation from a fixed start; score_k = sqrt(lambda_k) u_k. Sign convention: the
 * largest-|.| score of each component is positive. Also returns the two eigenvalues and the total variance.
 */
export function pca2(x: Float64Array, n: number, dim: number): { scores: Float64Array; eig: [number, number]; total: number } {
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] += x[i * dim + j] / n;
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = i; k < n; k++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += (x[i * dim + j] - mean[j]) * (x[k * dim + j] - mean[j]);
    g[i * n + k] = s; g[k * n + i] = s;
  }
  let total = 0; for (let i = 0; i < n; i++) total += g[i * n + i];
  const scores = new Float64Array(n * 2);
  const eig: [number, number] = [0, 0];
  const vecs: Float64Array[] = [];
  for (let c = 0; c < 2; c++) {
    let v = new Float64Array(n); for (let i = 0; i < n; i++) v[i] = 1 + ((i * 7919) % 13) / 13; // fixed start
    let lambda = 0;
    for (let it = 0; it < 2000; it++) {
      for (const u of vecs) { let d = 0; for (let i = 0; i < n; i++) d += u[i] * v[i]; for (let i = 0; i < n; i++) v[i] -= d * u[i]; }
      const w = new Float64Array(n);
      for (let i = 0; i < n; i++) { let s = 0; for (let k = 0; k < n; k++) s += g[i * n + k] * v[k]; w[i] = s; }
      for (const u of vecs) { let d = 0; for (let i = 0; i < n; i++) d += u[i] * w[i]; for (let i = 0; i < n; i++) w[i] -= d * u[i]; }
      let nw = 0; for (let i = 0; i < n; i++) nw += w[i] * w[i];
      nw = Math.sqrt(nw);
      if (nw === 0) { v.fill(0); lambda = 0; break; }
      let delta = 0; for (let i = 0; i < n; i++) { const t = w[i] / nw; delta = Math.max(delta, Math.abs(t - v[i])); w[i] = t; }
      v = w; const prev = lambda; lambda = nw;
      if (delta < 1e-12 || (it > 50 && Math.abs(lambda - prev) <= 1e-14 * lambda)) break;
    }
    let big = 0; for (let i = 0; i < n; i++) if (Math.abs(v[i]) > Math.abs(v[big])) big = i;
    if (v[big] < 0) for (let i = 0; i < n; i++) v[i] = -v[i];
    vecs.push(v); eig[c] = lambda;
    const s = Math.sqrt(Math.max(lambda, 0));
    for (let i = 0; i < n; i++) scores[2 * i + c] = v[i] * s;
  }
  return { scores, eig, total };
}

/** Coordinates of the rows `ids` of `m` on a 2-D map. Deterministic for a given seed. */
export async function map2d(m: DenseRows, ids: ArrayLike<number>, opts: Map2dOptions = {}): Promise<Map2dPoint[]> {
  const n = ids.length;
  if (n < 3) throw new RangeError(`map2d: need at least 3 ids, got ${n}`);
  const method = opts.method ?? 'pca';
  const x = gatherRows(m, ids, opts.normalize ?? true);
  const { scores } = pca2(x, n, m.dim);
  let y: Float64Array;
  if (method === 'pca') y = scores;
  else if (method === 'tsne') y = tsne(x, n, m.dim, scores, { perplexity: opts.perplexity, iterations: opts.iterations, seed: opts.seed ?? 0, init: opts.init });
  else if (method === 'umap') {
    const { UMAP } = await import('umap-js');
    const rng = seededRng(opts.seed ?? 0);
    const rows: number[][] = [];
    for (let i = 0; i < n; i++) rows.push(Array.from(x.subarray(i * m.dim, (i + 1) * m.dim)));
    const umap = new UMAP({ nComponents: 2, nNeighbors: opts.nNeighbors ?? Math.min(15, n - 1), minDist: opts.minDist ?? 0.1, nEpochs: opts.iterations, random: () => rng.float() });
    const e = umap.fit(rows);
    y = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) { y[2 * i] = e[i][0]; y[2 * i + 1] = e[i][1]; }
  } else throw new RangeError(`map2d: unknown method '${String(method)}' (expected pca, umap or tsne)`);
  return Array.from({ length: n }, (_, i) => ({ id: ids[i], x: y[2 * i], y: y[2 * i + 1] }));
}
