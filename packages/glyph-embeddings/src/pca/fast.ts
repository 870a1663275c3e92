// wasm-kernel versions of the two O(rows * dim^2) steps for bit rows: the exact co-occurrence scatter X^T X
// (column bitsets, AND + popcount) and the projection E = X V - mu V (sum of component rows of the set bits,
// f32x4). Both are exact/deterministic and produce the same bytes in Node and browsers.
import type { WasmKernels } from '../compute/kernels.js';
import type { RowMatrix } from '../recipes/registry.js';
import type { PcaModel } from './model.js';

type Bits = Extract<RowMatrix, { kind: 'bits' }>;

/**
 * Exact X^T X (integer counts as float64) and column sums of a bit matrix. `cols` = [i0, i1) restricts the work
 * to entries (i, j) with i0 <= i < i1, i <= j (both triangles written; for splitting across threads); `gram` may be
 * passed in (e.g. a shared buffer).
 */
export function scatterBitsWasm(kern: WasmKernels, m: Bits, cols: [number, number] = [0, m.dim], gramOut?: Float64Array): { sums: Float64Array; gram: Float64Array } {
  const r0 = 0, r1 = m.rows;
  const { dim, wordsPerRow, words } = m;
  const rows = r1 - r0;
  const rowsPad = Math.max(256, Math.ceil(rows / 256) * 256);
  const colBytes = rowsPad / 8, w64 = rowsPad / 64;
  kern.reserve(dim * colBytes);
  const u32 = new Uint32Array(kern.memory.buffer, 0, (dim * colBytes) / 4);
  u32.fill(0);
  const colWords = colBytes / 4;
  for (let r = 0; r < rows; r++) {
    const base = (r0 + r) * wordsPerRow, rw = r >>> 5, rb = 1 << (r & 31);
    for (let w = 0; w < wordsPerRow; w++) {
      let v = words[base + w];
      while (v !== 0) {
        const t = v & -v;
        const d = (w << 5) + (31 - Math.clz32(t));
        v ^= t;
        u32[d * colWords + rw] |= rb;
      }
    }
  }
  const gram = gramOut ?? new Float64Array(dim * dim);
  const tileCols = Math.max(8, Math.min(64, Math.floor((1 << 19) / colBytes))); // columns i per pass: their bitsets stay in cache
  for (let i0 = cols[0]; i0 < cols[1]; i0 += tileCols) {
    const i1 = Math.min(cols[1], i0 + tileCols);
    for (let j = i0; j < dim; j++) {
      const cj = j * colBytes;
      const iEnd = Math.min(i1, j + 1);
      for (let i = i0; i < iEnd; i++) {
        const c = kern.popdot(i * colBytes, cj, w64);
        gram[i * dim + j] = c;
        gram[j * dim + i] = c;
      }
    }
  }
  const sums = new Float64Array(dim);
  for (let i = 0; i < dim; i++) sums[i] = gram[i * dim + i];
  return { sums, gram };
}

/**
 * Projection of bit rows r0..r1 onto the model: out[r][j] = f32(sum_{d set} V[j][d] (f32 accumulation, in d order)
 * - (mu . V_j)). `out` is row-major with stride model.k, indexed from row r0.
 */
export function projectBitsWasm(kern: WasmKernels, m: Bits, model: PcaModel, out: Float32Array, r0 = 0, r1 = m.rows, onRows?: (done: number) => void): void {
  const { dim, k: kept, mean, components: V } = model;
  const kpad = Math.ceil(kept / 16) * 16;
  const ROWS_PER_BLOCK = 512;
  const vtBytes = dim * kpad * 4, idxOff = vtBytes, idxBytes = ROWS_PER_BLOCK * dim * 4, outOff = idxOff + idxBytes;
  kern.reserve(outOff + ROWS_PER_BLOCK * kpad * 4);
  const buf = kern.memory.buffer;
  const VT = new Float32Array(buf, 0, dim * kpad);
  VT.fill(0);
  for (let j = 0; j < kept; j++) for (let d = 0; d < dim; d++) VT[d * kpad + j] = V[j * dim + d];
  const muV = new Float64Array(kept);
  for (let j = 0; j < kept; j++) { let s = 0; for (let d = 0; d < dim; d++) s += mean[d] * V[j * dim + d]; muV[j] = s; }
  const idx = new Int32Array(buf, idxOff, ROWS_PER_BLOCK * dim);
  const acc = new Float32Array(buf, outOff, ROWS_PER_BLOCK * kpad);
  const start = new Int32Array(ROWS_PER_BLOCK + 1);
  // k-blocks so that the V^T block (dim x kb floats) stays in cache
  const kb = Math.max(16, Math.min(kpad, Math.floor((4 << 20) / (dim * 4)) & ~15)); // V^T block ~4 MB: measured best
  const { wordsPerRow, words } = m;
  for (let b0 = r0; b0 < r1; b0 += ROWS_PER_BLOCK) {
    const nb = Math.min(ROWS_PER_BLOCK, r1 - b0);
    let p = 0;
    for (let r = 0; r < nb; r++) {
      start[r] = p;
      const base = (b0 + r) * wordsPerRow;
      for (let w = 0; w < wordsPerRow; w++) {
        let v = words[base + w];
        while (v !== 0) {
          const t = v & -v;
          idx[p++] = (w << 5) + (31 - Math.clz32(t));
          v ^= t;
        }
      }
    }
    start[nb] = p;
    acc.fill(0, 0, nb * kpad);
    for (let c0 = 0; c0 < kpad; c0 += kb) {
      const len = Math.min(kb, kpad - c0);
      for (let r = 0; r < nb; r++) {
        const n = start[r + 1] - start[r];
        if (n > 0) kern.rowsum(outOff + (r * kpad + c0) * 4, idxOff + start[r] * 4, n, c0 * 4, kpad * 4, len * 4);
      }
    }
    for (let r = 0; r < nb; r++) {
      const o = (b0 - r0 + r) * kept, a = r * kpad;
      for (let j = 0; j < kept; j++) out[o + j] = acc[a + j] - muV[j];
    }
    onRows?.(b0 + nb);
  }
}
