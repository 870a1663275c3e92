// Symmetric eigensolver: Householder tridiagonalisation + implicit QL (the EISPACK tred2/tql2 pair, as in JAMA),
// on flat Float64Arrays laid out so every inner loop is contiguous. One tred2, whose O(n) inner spans run either in
// plain JS or as wasm kernel calls (TridiagonalSpanOps); the QL iteration logs its Givens rotations, which are then
// replayed on the vectors (in JS, or by the wasm kernel, optionally split across threads by columns).
// Eigenvalues are returned in descending order with the sign convention below.
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
  const kern = opts.kernels === undefined ? wasmKernels() : opts.kernels;
  if (kern && n >= 16) return sortAndSign(n, ...eigenWasm(kern, a, n));
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

/**
 * The four O(n) span operations inside the tridiagonalisation's O(n^3) loops, over W (row-major, row offsets
 * given) and the work vectors d and e. Two implementations: plain JS (jsSpanOps) and the wasm kernels on W, d, e
 * in kernel memory (wasmSpanOps; SIMD lanes, so the sums round differently from JS, each one deterministic).
 */
interface TridiagonalSpanOps {
  /** Returns g + sum_{k=lo..hi} W[row+k] d[k], and adds W[row+k] f to e[k] for the same k. */
  dotAndUpdateE(g: number, row: number, lo: number, hi: number, f: number): number;
  /** W[row+k] -= f e[k] + g d[k] for k = lo..hi (the rank-2 update of the reduced matrix). */
  subtractRankTwo(row: number, lo: number, hi: number, f: number, g: number): void;
  /** sum_{k<len} W[rowA+k] W[rowB+k]. */
  rowDot(rowA: number, rowB: number, len: number): number;
  /** W[row+k] -= g d[k] for k < len. */
  subtractScaledD(row: number, len: number, g: number): void;
}

function jsSpanOps(W: Float64Array, d: Float64Array, e: Float64Array): TridiagonalSpanOps {
  return {
    dotAndUpdateE(g, row, lo, hi, f) {
      for (let k = lo; k <= hi; k++) {
        const v = W[row + k];
        g += v * d[k];
        e[k] += v * f;
      }
      return g;
    },
    subtractRankTwo(row, lo, hi, f, g) {
      for (let k = lo; k <= hi; k++) W[row + k] -= f * e[k] + g * d[k];
    },
    rowDot(rowA, rowB, len) {
      let g = 0;
      for (let k = 0; k < len; k++) g += W[rowA + k] * W[rowB + k];
      return g;
    },
    subtractScaledD(row, len, g) {
      for (let k = 0; k < len; k++) W[row + k] -= g * d[k];
    },
  };
}

/**
 * The span operations as wasm kernel calls on even-length spans (the kernels take pairs of float64), the odd tail
 * element in JS. W, d and e must be views of kernel memory at the byte offsets wOff, dOff, eOff.
 */
function wasmSpanOps(kern: WasmKernels, W: Float64Array, d: Float64Array, e: Float64Array, wOff: number, dOff: number, eOff: number): TridiagonalSpanOps {
  const F64 = Float64Array.BYTES_PER_ELEMENT;
  return {
    dotAndUpdateE(g, row, lo, hi, f) {
      const len = hi - lo + 1;
      if (len <= 0) return g + 0;
      const even = len & ~1;
      let sum = even > 0 ? kern.dotaxpy(wOff + (row + lo) * F64, dOff + lo * F64, eOff + lo * F64, f, even * F64) : 0;
      if (even < len) { const v = W[row + hi]; sum += v * d[hi]; e[hi] += v * f; }
      return g + sum;
    },
    subtractRankTwo(row, lo, hi, f, g) {
      const len = hi - lo + 1, even = len & ~1;
      if (even > 0) kern.axpy2(wOff + (row + lo) * F64, eOff + lo * F64, f, dOff + lo * F64, g, even * F64);
      if (even < len) W[row + hi] -= f * e[hi] + g * d[hi];
    },
    rowDot(rowA, rowB, len) {
      const even = len & ~1;
      let g = even > 0 ? kern.dot(wOff + rowA * F64, wOff + rowB * F64, even * F64) : 0;
      if (even < len) g += W[rowA + len - 1] * W[rowB + len - 1];
      return g;
    },
    subtractScaledD(row, len, g) {
      const even = len & ~1;
      if (even > 0) kern.axpy2(wOff + row * F64, dOff, g, dOff, 0, even * F64);
      if (even < len) W[row + len - 1] -= g * d[len - 1];
    },
  };
}

/**
 * Householder tridiagonalisation (EISPACK tred2) of the symmetric matrix in W, in place: afterwards d holds the
 * diagonal, e the sub-diagonal (e[0] = 0), and W the accumulated orthogonal transform Q stored transposed
 * (W[c*n + r] = Q[r][c], so row i of W is column i of Q). `ops` runs the inner loops (default: plain JS).
 */
export function tred2(W: Float64Array, n: number, d: Float64Array, e: Float64Array, ops: TridiagonalSpanOps = jsSpanOps(W, d, e)): void {
  // Q[r][c] == W[c*n + r]
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
      // e = A u (the symmetric matrix-vector product, lower triangle read once per column)
      for (let j = 0; j < i; j++) {
        f = d[j];
        W[i * n + j] = f; // Q[j][i] = f
        const row = j * n;
        e[j] = ops.dotAndUpdateE(e[j] + W[row + j] * f, row, j + 1, i - 1, f);
      }
      f = 0;
      for (let j = 0; j < i; j++) { e[j] /= h; f += e[j] * d[j]; }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      // A -= u e^T + e u^T
      for (let j = 0; j < i; j++) {
        f = d[j]; g = e[j];
        const row = j * n;
        ops.subtractRankTwo(row, j, i - 1, f, g);
        d[j] = W[row + (i - 1)];
        W[row + i] = 0; // Q[i][j] = 0
      }
    }
    d[i] = h;
  }
  // Accumulate the transformations into Q.
  for (let i = 0; i < n - 1; i++) {
    W[i * n + (n - 1)] = W[i * n + i]; // Q[n-1][i] = Q[i][i]
    W[i * n + i] = 1;
    const h = d[i + 1];
    const ri = (i + 1) * n; // Q[k][i+1] = W[ri + k]
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = W[ri + k] / h;
      for (let j = 0; j <= i; j++) {
        const rj = j * n;
        ops.subtractScaledD(rj, i + 1, ops.rowDot(ri, rj, i + 1));
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
function eigenWasm(kern: WasmKernels, a: Float64Array, n: number): [Float64Array, Float64Array] {
  const { W, d, rot } = eigenStages(kern, a, n);
  replayOnColumns(kern, W, n, n, rot);
  return [W, d];
}

/**
 * The first two eigensolver stages: Householder tridiagonalisation (Q accumulated, W layout: row i = column i of
 * Q) and the QL iteration on (d, e) alone. Returns W (a copy), the eigenvalues d (unsorted) and the rotation log
 * still to be replayed on W's rows. Splitting W's columns across threads for the replay gives identical results.
 */
export function eigenStages(kern: WasmKernels, a: Float64Array, n: number): { W: Float64Array; d: Float64Array; rot: RotationLog } {
  const wOff = 0, dOff = n * n * 8, eOff = dOff + n * 8, end = eOff + n * 8;
  kern.reserve(end);
  const heapW = new Float64Array(kern.memory.buffer, wOff, n * n);
  const d = new Float64Array(kern.memory.buffer, dOff, n);
  const e = new Float64Array(kern.memory.buffer, eOff, n);
  heapW.set(a);
  tred2(heapW, n, d, e, wasmSpanOps(kern, heapW, d, e, wOff, dOff, eOff));
  const dd = Float64Array.from(d), ee = Float64Array.from(e);
  const W = Float64Array.from(heapW);
  return { W, d: dd, rot: tql2Rotations(n, dd, ee) };
}

/**
 * Replays the rotation log on a row-major matrix M of `n` rows x `cols` columns (a column slice of W), in place,
 * with the wasm kernel; IEEE-identical to the scalar update.
 */
export function replayOnColumns(kern: WasmKernels, M: Float64Array, n: number, cols: number, rot: { n: number; idx: Int32Array; cs: Float64Array }): void {
  const wOff = 0, idxOff = n * cols * 8, csOff = idxOff + Math.ceil((rot.n * 4) / 16) * 16;
  kern.reserve(csOff + rot.n * 16);
  const heapW = new Float64Array(kern.memory.buffer, wOff, n * cols);
  heapW.set(M.subarray(0, n * cols));
  new Int32Array(kern.memory.buffer, idxOff, rot.n).set(rot.idx.subarray(0, rot.n));
  new Float64Array(kern.memory.buffer, csOff, 2 * rot.n).set(rot.cs.subarray(0, 2 * rot.n));
  const blockCols = Math.max(16, Math.floor((1 << 20) / n) & ~1); // ~8 MB of W per block (L3): measured best
  const stride = cols * 8;
  for (let c0 = 0; c0 < cols; c0 += blockCols) {
    const c1 = Math.min(cols, c0 + blockCols);
    const len = (c1 - c0) & ~1;
    if (len > 0) kern.replay(wOff, stride, idxOff, csOff, rot.n, c0 * 8, len * 8);
    if (len < c1 - c0) {
      const col = c1 - 1; // odd tail column: scalar update (same arithmetic)
      for (let q = 0; q < rot.n; q++) {
        const c = rot.cs[2 * q], s = rot.cs[2 * q + 1];
        const r0 = rot.idx[q] * cols + col, r1 = r0 + cols;
        const hv = heapW[r1], v = heapW[r0];
        heapW[r1] = s * v + c * hv;
        heapW[r0] = c * v - s * hv;
      }
    }
  }
  M.set(heapW);
}

/** Sorts eigenpairs (descending) and applies the sign convention; W rows are the eigenvectors. */
export function finishEigen(n: number, W: Float64Array, d: Float64Array): SymmetricEigen {
  return sortAndSign(n, W, d);
}
