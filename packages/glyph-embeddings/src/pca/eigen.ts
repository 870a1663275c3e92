// Symmetric eigensolver: Householder tridiagonalisation + implicit QL (the EISPACK tred2/tql2 pair, as in JAMA),
// on flat Float64Arrays laid out so every inner loop is contiguous. Eigenvalues are returned in descending order
// with the sign convention below.
//
// Sign convention: each eigenvector is flipped so that its entry of largest absolute value is positive (ties: the
// lowest index). This is sklearn's svd_flip(u_based_decision=False) rule applied to PCA components (sklearn >= 1.5).

import { wasmKernels, type WasmKernels } from '../compute/kernels.js';

export interface SymmetricEigen {
  n: number;
  /** Eigenvalues, descending. */
  values: Float64Array;
  /** Eigenvectors, row-major `n x n`: row i is the unit eigenvector of values[i]. */
  vectors: Float64Array;
}

/** Applies the sign convention in place to `count` row vectors of length n. */
export function applySignConvention(vectors: Float64Array, n: number, count = vectors.length / n): void {
  for (let r = 0; r < count; r++) {
    const o = r * n;
    let best = 0, bi = 0;
    for (let k = 0; k < n; k++) {
      const a = Math.abs(vectors[o + k]);
      if (a > best) { best = a; bi = k; }
    }
    if (vectors[o + bi] < 0) for (let k = 0; k < n; k++) vectors[o + k] = -vectors[o + k];
  }
}

/**
 * Eigen-decomposition of a symmetric `n x n` matrix (row-major; only symmetry is assumed, both triangles are
 * read as given). The input is not modified.
 */
export function symmetricEigen(a: Float64Array, n: number, opts: { kernels?: WasmKernels | null } = {}): SymmetricEigen {
  if (a.length !== n * n) throw new RangeError(`symmetricEigen: matrix has ${a.length} entries, expected ${n}x${n}`);
  const k = opts.kernels === undefined ? wasmKernels() : opts.kernels;
  if (k && n >= 16) return sortAndSign(n, ...eigenWasm(k, a, n));
  // W holds V transposed (W[j*n+k] = V[k][j]); A is symmetric so W starts as A.
  const W = Float64Array.from(a);
  const d = new Float64Array(n), e = new Float64Array(n);
  tred2(W, n, d, e);
  tql2(W, n, d, e);
  return sortAndSign(n, W, d);
}

function sortAndSign(n: number, W: Float64Array, d: Float64Array): SymmetricEigen {
  // Rows of W are the eigenvectors (columns of V). Sort descending.
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[y] - d[x] || x - y);
  const values = new Float64Array(n), vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = d[src];
    vectors.set(W.subarray(src * n, src * n + n), dst * n);
  });
  applySignConvention(vectors, n);
  return { n, values, vectors };
}

export function tred2(W: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  // V[r][c] == W[c*n + r]
  for (let j = 0; j < n; j++) d[j] = W[j * n + (n - 1)];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0, h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = W[j * n + (i - 1)];
        W[j * n + i] = 0;
        W[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) { d[k] /= scale; h += d[k] * d[k]; }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        W[i * n + j] = f; // V[j][i] = f
        const row = j * n;
        g = e[j] + W[row + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          const v = W[row + k];
          g += v * d[k];
          e[k] += v * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) { e[j] /= h; f += e[j] * d[j]; }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j]; g = e[j];
        const row = j * n;
        for (let k = j; k <= i - 1; k++) W[row + k] -= f * e[k] + g * d[k];
        d[j] = W[row + (i - 1)];
        W[row + i] = 0; // V[i][j] = 0
      }
    }
    d[i] = h;
  }
  // Accumulate transformations.
  for (let i = 0; i < n - 1; i++) {
    W[i * n + (n - 1)] = W[i * n + i]; // V[n-1][i] = V[i][i]
    W[i * n + i] = 1;
    const h = d[i + 1];
    const ri = (i + 1) * n; // V[k][i+1] = W[ri + k]
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = W[ri + k] / h;
      for (let j = 0; j <= i; j++) {
        const rj = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += W[ri + k] * W[rj + k];
        for (let k = 0; k <= i; k++) W[rj + k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) W[ri + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = W[j * n + (n - 1)];
    W[j * n + (n - 1)] = 0;
  }
  W[(n - 1) * n + (n - 1)] = 1;
  e[0] = 0;
}

/** Growable log of Givens rotations (row pair i, i+1; cosine c, sine s), replayed on the vectors afterwards. */
export class RotationLog {
  idx = new Int32Array(1 << 16);
  cs = new Float64Array(1 << 17);
  n = 0;
  push(i: number, c: number, s: number): void {
    if (this.n === this.idx.length) {
      const idx = new Int32Array(this.idx.length * 2); idx.set(this.idx); this.idx = idx;
      const cs = new Float64Array(this.cs.length * 2); cs.set(this.cs); this.cs = cs;
    }
    this.idx[this.n] = i;
    this.cs[2 * this.n] = c;
    this.cs[2 * this.n + 1] = s;
    this.n++;
  }
}

/**
 * Replays the logged rotations on rows of W (row i = vector i), one block of columns at a time so the block stays
 * in cache: V[k][i+1] = s*V[k][i] + c*V[k][i+1], V[k][i] = c*V[k][i] - s*V[k][i+1] (JAMA tql2's update).
 */
export function applyRotations(W: Float64Array, n: number, rot: RotationLog, k0 = 0, k1 = n, block = 64): void {
  const { idx, cs } = rot, count = rot.n;
  for (let b0 = k0; b0 < k1; b0 += block) {
    const b1 = Math.min(k1, b0 + block);
    for (let q = 0; q < count; q++) {
      const c = cs[2 * q], s = cs[2 * q + 1];
      const r0 = idx[q] * n, r1 = r0 + n;
      for (let k = b0; k < b1; k++) {
        const hv = W[r1 + k], v = W[r0 + k];
        W[r1 + k] = s * v + c * hv;
        W[r0 + k] = c * v - s * hv;
      }
    }
  }
}

function tql2(W: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  applyRotations(W, n, tql2Rotations(n, d, e));
}

/** The implicit-QL iteration on (d, e) alone; returns the Givens rotations to replay on the vectors. */
export function tql2Rotations(n: number, d: Float64Array, e: Float64Array): RotationLog {
  const rot = new RotationLog();
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0, tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 300) throw new Error(`symmetricEigen: QL did not converge for eigenvalue ${l}`);
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1, c2 = 1, c3 = 1, s = 0, s2 = 0;
        const el1 = e[l + 1];
        for (let i = m - 1; i >= l; i--) {
          c3 = c2; c2 = c; s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          rot.push(i, c, s);
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
  return rot;
}

/** tred2 + tql2 with the inner loops in the wasm kernels (W, d, e live in the kernel memory). */
function eigenWasm(k: WasmKernels, a: Float64Array, n: number): [Float64Array, Float64Array] {
  const { W, d, rot } = eigenStages(k, a, n);
  replayOnColumns(k, W, n, n, rot);
  return [W, d];
}

/**
 * The first two eigensolver stages: Householder tridiagonalisation (Q accumulated, W layout: row i = column i of
 * Q) and the QL iteration on (d, e) alone. Returns W (a copy), the eigenvalues d (unsorted) and the rotation log
 * still to be replayed on W's rows. Splitting W's columns across threads for the replay gives identical results.
 */
export function eigenStages(k: WasmKernels, a: Float64Array, n: number): { W: Float64Array; d: Float64Array; rot: RotationLog } {
  const wOff = 0, dOff = n * n * 8, eOff = dOff + n * 8, end = eOff + n * 8;
  k.reserve(end);
  const Wk = new Float64Array(k.memory.buffer, wOff, n * n);
  const d = new Float64Array(k.memory.buffer, dOff, n);
  const e = new Float64Array(k.memory.buffer, eOff, n);
  Wk.set(a);
  tred2Wasm(k, Wk, n, d, e, wOff, dOff, eOff);
  const dd = Float64Array.from(d), ee = Float64Array.from(e);
  const W = Float64Array.from(Wk);
  return { W, d: dd, rot: tql2Rotations(n, dd, ee) };
}

/**
 * Replays the rotation log on a row-major matrix M of `n` rows x `cols` columns (a column slice of W), in place,
 * with the wasm kernel; IEEE-identical to the scalar update.
 */
export function replayOnColumns(k: WasmKernels, M: Float64Array, n: number, cols: number, rot: { n: number; idx: Int32Array; cs: Float64Array }): void {
  const wOff = 0, idxOff = n * cols * 8, csOff = idxOff + Math.ceil((rot.n * 4) / 16) * 16;
  k.reserve(csOff + rot.n * 16);
  const Wk = new Float64Array(k.memory.buffer, wOff, n * cols);
  Wk.set(M.subarray(0, n * cols));
  new Int32Array(k.memory.buffer, idxOff, rot.n).set(rot.idx.subarray(0, rot.n));
  new Float64Array(k.memory.buffer, csOff, 2 * rot.n).set(rot.cs.subarray(0, 2 * rot.n));
  const blockCols = Math.max(16, Math.floor((1 << 20) / n) & ~1); // ~8 MB of W per block (L3): measured best
  const stride = cols * 8;
  for (let c0 = 0; c0 < cols; c0 += blockCols) {
    const c1 = Math.min(cols, c0 + blockCols);
    const len = (c1 - c0) & ~1;
    if (len > 0) k.replay(wOff, stride, idxOff, csOff, rot.n, c0 * 8, len * 8);
    if (len < c1 - c0) {
      const col = c1 - 1; // odd tail column: scalar update (same arithmetic)
      for (let q = 0; q < rot.n; q++) {
        const c = rot.cs[2 * q], s = rot.cs[2 * q + 1];
        const r0 = rot.idx[q] * cols + col, r1 = r0 + cols;
        const hv = Wk[r1], v = Wk[r0];
        Wk[r1] = s * v + c * hv;
        Wk[r0] = c * v - s * hv;
      }
    }
  }
  M.set(Wk);
}

/** Sorts eigenpairs (descending) and applies the sign convention; W rows are the eigenvectors. */
export function finishEigen(n: number, W: Float64Array, d: Float64Array): SymmetricEigen {
  return sortAndSign(n, W, d);
}

/** tred2 of this file with the O(n^3) loops as kernel calls on even-length spans (odd tail element in JS). */
function tred2Wasm(k: WasmKernels, W: Float64Array, n: number, d: Float64Array, e: Float64Array, wOff: number, dOff: number, eOff: number): void {
  const dotaxpy = (row: number, lo: number, hi: number, f: number): number => {
    // sum_{k=lo..hi} W[row+k]*d[k], e[k] += W[row+k]*f
    const len = hi - lo + 1;
    if (len <= 0) return 0;
    const even = len & ~1;
    let g = even > 0 ? k.dotaxpy(wOff + (row + lo) * 8, dOff + lo * 8, eOff + lo * 8, f, even * 8) : 0;
    if (even < len) { const v = W[row + hi]; g += v * d[hi]; e[hi] += v * f; }
    return g;
  };
  for (let j = 0; j < n; j++) d[j] = W[j * n + (n - 1)];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0, h = 0;
    for (let q = 0; q < i; q++) scale += Math.abs(d[q]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = W[j * n + (i - 1)];
        W[j * n + i] = 0;
        W[i * n + j] = 0;
      }
    } else {
      for (let q = 0; q < i; q++) { d[q] /= scale; h += d[q] * d[q]; }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        W[i * n + j] = f;
        const row = j * n;
        g = e[j] + W[row + j] * f;
        g += dotaxpy(row, j + 1, i - 1, f);
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) { e[j] /= h; f += e[j] * d[j]; }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j]; g = e[j];
        const row = j * n;
        const len = i - j, even = len & ~1;
        if (even > 0) k.axpy2(wOff + (row + j) * 8, eOff + j * 8, f, dOff + j * 8, g, even * 8);
        if (even < len) W[row + i - 1] -= f * e[i - 1] + g * d[i - 1];
        d[j] = W[row + (i - 1)];
        W[row + i] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    W[i * n + (n - 1)] = W[i * n + i];
    W[i * n + i] = 1;
    const h = d[i + 1];
    const ri = (i + 1) * n;
    if (h !== 0) {
      for (let q = 0; q <= i; q++) d[q] = W[ri + q] / h;
      const len = i + 1, even = len & ~1;
      for (let j = 0; j <= i; j++) {
        const rj = j * n;
        let g = even > 0 ? k.dot(wOff + ri * 8, wOff + rj * 8, even * 8) : 0;
        if (even < len) g += W[ri + i] * W[rj + i];
        if (even > 0) k.axpy2(wOff + rj * 8, dOff, g, dOff, 0, even * 8);
        if (even < len) W[rj + i] -= g * d[i];
      }
    }
    for (let q = 0; q <= i; q++) W[ri + q] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = W[j * n + (n - 1)];
    W[j * n + (n - 1)] = 0;
  }
  W[(n - 1) * n + (n - 1)] = 1;
  e[0] = 0;
}
