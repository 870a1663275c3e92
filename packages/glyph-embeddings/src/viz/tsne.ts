// Exact t-SNE (van der Maaten & Hinton 2008) for small point sets (the paper's 40-word analysis), seeded and
// deterministic: perplexity-calibrated Gaussian affinities (binary search on beta), symmetrised P, Student-t Q,
// early exaggeration 12 for the first 250 iterations, momentum 0.5 -> 0.8, per-coordinate gains (as in
// sklearn's exact method), learning rate max(n / 12 / 4, 50) ('auto'). O(n^2) per iteration: meant for n <= ~2,000.
// exp/log are the engine-independent detExp/detLog, so a layout is bit-identical in Node and browsers.
import { seededRng } from '../ablations/rng.js';
import { detExp, detLog } from '../ablations/detmath.js';

export interface TsneOptions {
  perplexity?: number;
  iterations?: number;
  seed?: number;
  learningRate?: number;
  /** 'pca' (default, as sklearn >= 1.2): the top-2 PCA scores scaled to std 1e-4; 'random': N(0, 1e-4^2) from the seed. */
  init?: 'pca' | 'random';
}

/** Squared Euclidean distances between the n rows (float64). */
export function squaredDistances(x: Float64Array, n: number, dim: number): Float64Array {
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
    let s = 0;
    for (let k = 0; k < dim; k++) { const t = x[i * dim + k] - x[j * dim + k]; s += t * t; }
    d[i * n + j] = s; d[j * n + i] = s;
  }
  return d;
}

function affinities(d2: Float64Array, n: number, perplexity: number): Float64Array {
  const p = new Float64Array(n * n);
  const target = detLog(perplexity);
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let beta = 1, lo = -Infinity, hi = Infinity;
    for (let it = 0; it < 100; it++) {
      let sum = 0, hsum = 0;
      for (let j = 0; j < n; j++) { const v = j === i ? 0 : detExp(-d2[i * n + j] * beta); row[j] = v; sum += v; hsum += d2[i * n + j] * v; }
      if (sum === 0) sum = 1e-300;
      const h = detLog(sum) + beta * hsum / sum; // entropy in nats
      const diff = h - target;
      if (Math.abs(diff) < 1e-5) break;
      if (diff > 0) { lo = beta; beta = hi === Infinity ? beta * 2 : (beta + hi) / 2; } else { hi = beta; beta = lo === -Infinity ? beta / 2 : (beta + lo) / 2; }
    }
    let sum = 0;
    for (let j = 0; j < n; j++) sum += row[j];
    for (let j = 0; j < n; j++) p[i * n + j] = sum > 0 ? row[j] / sum : 0;
  }
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s[i * n + j] = Math.max((p[i * n + j] + p[j * n + i]) / (2 * n), 1e-12);
  return s;
}

/** Embeds n points (row-major `x`, n x dim) in 2-D; `pcaInit` (n x 2) is used when init is 'pca'. Returns n x 2. */
export function tsne(x: Float64Array, n: number, dim: number, pcaInit: Float64Array | null, opts: TsneOptions = {}): Float64Array {
  if (n > 5000) throw new RangeError(`tsne: exact t-SNE is O(n^2) per iteration; ${n} points is too many (max 5,000; use method 'umap')`);
  const perplexity = opts.perplexity ?? Math.min(30, (n - 1) / 3);
  if (!(perplexity > 0 && perplexity < n)) throw new RangeError(`tsne: perplexity ${perplexity} must be in (0, n=${n})`);
  const iters = opts.iterations ?? 1000;
  const eta = opts.learningRate ?? Math.max(n / 12 / 4, 50);
  const P = affinities(squaredDistances(x, n, dim), n, perplexity);
  const Y = new Float64Array(n * 2);
  if ((opts.init ?? 'pca') === 'pca' && pcaInit) {
    let m0 = 0, m1 = 0; for (let i = 0; i < n; i++) { m0 += pcaInit[2 * i]; m1 += pcaInit[2 * i + 1]; }
    m0 /= n; m1 /= n;
    let sd = 0; for (let i = 0; i < n; i++) sd += (pcaInit[2 * i] - m0) ** 2;
    sd = Math.sqrt(sd / n) || 1;
    for (let i = 0; i < n; i++) { Y[2 * i] = (pcaInit[2 * i] - m0) / sd * 1e-4; Y[2 * i + 1] = (pcaInit[2 * i + 1] - m1) / sd * 1e-4; }
  } else {
    const r = seededRng(opts.seed ?? 0);
    for (let i = 0; i < 2 * n; i++) Y[i] = 1e-4 * r.normal();
  }
  const gains = new Float64Array(n * 2).fill(1), upd = new Float64Array(n * 2), grad = new Float64Array(n * 2);
  const num = new Float64Array(n * n);
  for (let it = 0; it < iters; it++) {
    const exag = it < 250 ? 12 : 1, mom = it < 250 ? 0.5 : 0.8;
    let qsum = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
      const dx = Y[2 * i] - Y[2 * j], dy = Y[2 * i + 1] - Y[2 * j + 1];
      const v = 1 / (1 + dx * dx + dy * dy); num[i * n + j] = v; num[j * n + i] = v; qsum += 2 * v;
    }
    grad.fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const v = num[i * n + j];
      const m = 4 * (exag * P[i * n + j] - Math.max(v / qsum, 1e-12)) * v;
      grad[2 * i] += m * (Y[2 * i] - Y[2 * j]); grad[2 * i + 1] += m * (Y[2 * i + 1] - Y[2 * j + 1]);
    }
    for (let k = 0; k < 2 * n; k++) {
      gains[k] = Math.sign(grad[k]) !== Math.sign(upd[k]) ? gains[k] + 0.2 : Math.max(gains[k] * 0.8, 0.01);
      upd[k] = mom * upd[k] - eta * gains[k] * grad[k];
      Y[k] += upd[k];
    }
  }
  return Y;
}

/** KL(P || Q) of a 2-D layout (for tests and reports). */
export function tsneKl(x: Float64Array, n: number, dim: number, y: Float64Array, perplexity: number): number {
  const P = affinities(squaredDistances(x, n, dim), n, perplexity);
  let qsum = 0; const num = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) {
    const v = 1 / (1 + (y[2 * i] - y[2 * j]) ** 2 + (y[2 * i + 1] - y[2 * j + 1]) ** 2); num[i * n + j] = v; qsum += v;
  }
  let kl = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) { const p = P[i * n + j]; kl += p * detLog(p / Math.max(num[i * n + j] / qsum, 1e-12)); }
  return kl;
}
