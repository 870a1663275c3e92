// Linear-time exact BPE for merge lists ordered by result length (longest first), as the bvv241 merges are.
//
// With that order, every merge whose result is 3+ characters outranks every merge of two single characters.
// So the lowest-rank-first loop (ties leftmost) of Hugging Face's `merge_all` is equivalent to:
//   1. sort the initial adjacent single-character pairs that merge by (rank, position) — this set only shrinks;
//   2. take them in that order, skipping pairs whose characters were already absorbed; after each such merge,
//      "cascade": the new token is the only place where a longer merge can now apply, so repeatedly merge it with
//      its left or right neighbour, whichever pair has the lower rank, until neither merges.
// Each merge removes one symbol, so the work is O(n) plus the sort (a counting sort for long words).
import type { MergeTable } from './merge-table.js';

let prevBuf = new Int32Array(0), nextBuf = new Int32Array(0), singleBuf = new Uint8Array(0);
let posBuf = new Int32Array(0), rankBuf = new Int32Array(0), orderBuf = new Int32Array(0), keyBuf = new Float64Array(0);
let countBuf = new Int32Array(0);

/** Merges ids[0..n) in place; returns the new length. `rankCount` bounds the ranks (the merge list's length). */
export function mergeWordLinear(table: MergeTable, ids: Int32Array, n: number, rankCount: number): number {
  if (n < 2) return n;
  if (prevBuf.length < n) {
    prevBuf = new Int32Array(n); nextBuf = new Int32Array(n); singleBuf = new Uint8Array(n);
    posBuf = new Int32Array(n); rankBuf = new Int32Array(n); orderBuf = new Int32Array(n);
  }
  const prev = prevBuf, next = nextBuf, single = singleBuf;
  for (let i = 0; i < n; i++) { prev[i] = i - 1; next[i] = i + 1 < n ? i + 1 : -1; single[i] = 1; }
  const m = sortedPairs(table, ids, n, rankCount);
  const order = orderBuf;

  const merge = (left: number, right: number, merged: number) => {
    ids[left] = merged; single[left] = 0; single[right] = 0; ids[right] = -1;
    const nn = next[right];
    next[left] = nn;
    if (nn >= 0) prev[nn] = left;
  };
  for (let q = 0; q < m; q++) {
    const i = order[q];
    const j = i + 1;
    if (!single[i] || !single[j] || next[i] !== j) continue;
    const slot = table.find(ids[i], ids[j]);
    merge(i, j, table.mergedAt(slot));
    let active = i;
    for (;;) {
      const p = prev[active], nx = next[active];
      const ls = p >= 0 ? table.find(ids[p], ids[active]) : -1;
      const rs = nx >= 0 ? table.find(ids[active], ids[nx]) : -1;
      if (ls < 0 && rs < 0) break;
      if (rs < 0 || (ls >= 0 && table.rankAt(ls) < table.rankAt(rs))) { merge(p, active, table.mergedAt(ls)); active = p; }
      else merge(active, nx, table.mergedAt(rs));
    }
  }
  let k = 0;
  for (let i = 0; i >= 0; i = next[i]) ids[k++] = ids[i];
  return k;
}

/** Writes into orderBuf the positions i of the initial pairs (ids[i], ids[i+1]) that merge, sorted by (rank, i). */
function sortedPairs(table: MergeTable, ids: Int32Array, n: number, rankCount: number): number {
  const pos = posBuf, rank = rankBuf, out = orderBuf;
  let m = 0;
  for (let i = 0; i + 1 < n; i++) {
    const s = table.find(ids[i], ids[i + 1]);
    if (s >= 0) { pos[m] = i; rank[m] = table.rankAt(s); m++; }
  }
  if (m * 8 < rankCount) {
    if (keyBuf.length < m) keyBuf = new Float64Array(Math.max(m, keyBuf.length * 2));
    const keys = keyBuf.subarray(0, m);
    for (let k = 0; k < m; k++) keys[k] = rank[k] * 134217728 + pos[k];
    keys.sort();
    for (let k = 0; k < m; k++) out[k] = keys[k] % 134217728;
    return m;
  }
  if (countBuf.length < rankCount + 1) countBuf = new Int32Array(rankCount + 1);
  const count = countBuf;
  count.fill(0, 0, rankCount + 1);
  for (let k = 0; k < m; k++) count[rank[k] + 1]++;
  for (let r = 0; r < rankCount; r++) count[r + 1] += count[r];
  for (let k = 0; k < m; k++) out[count[rank[k]]++] = pos[k];
  return m;
}

/** True if every merge's result is at most as long as the previous merge's (the precondition above). */
export function isLengthOrdered(resultLengths: ArrayLike<number>): boolean {
  for (let k = 1; k < resultLengths.length; k++) if (resultLengths[k] > resultLengths[k - 1]) return false;
  return true;
}
