// Linear-time exact BPE for merge lists ordered by result length (longest first), as the bvv241 merges are.
//
// With that order, every merge whose result is 3+ characters outranks every merge of two single characters.
// So the lowest-rank-first loop (ties leftmost) of Hugging Face's `merge_all` is equivalent to:
//   1. sort the initial adjacent single-character pairs that merge by (rank, position) — this set only shrinks;
//   2. take them in that order, skipping pairs whose characters were already absorbed; after each such merge,
//      "cascade": the new token is the only place where a longer merge can now apply, so repeatedly merge it with
//      its left or right neighbour, whichever pair has the lower rank, until neither merges.
// Each merge removes one symbol, so the work is O(n) plus the ordering of step 1: an insertion sort for short
// words (the usual case: a few keys, no allocation), a key sort or a counting sort for long ones.
import { findPair as find, type MergeTable } from './merge-table.js';

/** Words up to this length (< 32) take the initial pairs by an insertion sort of (rank, position) keys. */
const SELECT_MAX = 24;

let prevBuf = new Int32Array(64), nextBuf = new Int32Array(64), singleBuf = new Uint8Array(64);
let posBuf = new Int32Array(64), rankBuf = new Int32Array(64), orderBuf = new Int32Array(64), keyBuf = new Float64Array(0);
let countBuf = new Int32Array(0);

/** Merges ids[0..n) in place; returns the new length. `rankCount` bounds the ranks (the merge list's length). */
export function mergeWordLinear(table: MergeTable, ids: Int32Array, n: number, rankCount: number): number {
  if (n < 2) return n;
  if (prevBuf.length < n) {
    const cap = Math.max(n, prevBuf.length * 2);
    prevBuf = new Int32Array(cap); nextBuf = new Int32Array(cap); singleBuf = new Uint8Array(cap);
    posBuf = new Int32Array(cap); rankBuf = new Int32Array(cap); orderBuf = new Int32Array(cap);
  }
  const e = table.entries, mask = table.mask;
  const prev = prevBuf, next = nextBuf, single = singleBuf;
  if (n <= SELECT_MAX) {
    // the initial pairs that merge, insertion-sorted by (rank, position) as one key; each one's slot kept
    const keys = rankBuf, slots = posBuf;
    let m = 0;
    for (let i = 0; i + 1 < n; i++) {
      const s = find(e, mask, ids[i], ids[i + 1]);
      if (s < 0) continue;
      slots[i] = s;
      const key = e[s + 2] * 32 + i; // i < 32
      let q = m++;
      while (q > 0 && keys[q - 1] > key) { keys[q] = keys[q - 1]; q--; }
      keys[q] = key;
    }
    if (m === 0) return n;
    for (let i = 0; i < n; i++) { prev[i] = i - 1; next[i] = i + 1; single[i] = 1; }
    next[n - 1] = -1;
    for (let q = 0; q < m; q++) {
      const i = keys[q] & 31;
      if (single[i] && single[i + 1]) mergeAt(e, mask, ids, prev, next, single, i, slots[i]);
    }
  } else {
    for (let i = 0; i < n; i++) { prev[i] = i - 1; next[i] = i + 1; single[i] = 1; }
    next[n - 1] = -1;
    const m = sortedPairs(e, mask, ids, n, rankCount);
    const order = orderBuf;
    for (let q = 0; q < m; q++) applyPair(e, mask, ids, prev, next, single, order[q]);
  }
  let k = 0;
  for (let i = 0; i >= 0; i = next[i]) ids[k++] = ids[i];
  return k;
}

/**
 * Merges the initial pair (i, i + 1) if both are still single characters, then cascades: the new token merges
 * with its left or right neighbour (the lower rank first) until neither pair merges.
 */
function applyPair(e: Int32Array, mask: number, ids: Int32Array, prev: Int32Array, next: Int32Array, single: Uint8Array, i: number): void {
  const j = i + 1;
  if (!single[i] || !single[j] || next[i] !== j) return;
  mergeAt(e, mask, ids, prev, next, single, i, find(e, mask, ids[i], ids[j]));
}

/** Merges the single characters at i and i + 1 (their pair's slot is `slot`), then cascades. */
function mergeAt(e: Int32Array, mask: number, ids: Int32Array, prev: Int32Array, next: Int32Array, single: Uint8Array, i: number, slot: number): void {
  const j = i + 1;
  ids[i] = e[slot + 3]; single[i] = 0; single[j] = 0; ids[j] = -1;
  let nn = next[j];
  next[i] = nn;
  if (nn >= 0) prev[nn] = i;
  let active = i;
  for (;;) {
    const p = prev[active];
    nn = next[active];
    const ls = p >= 0 ? find(e, mask, ids[p], ids[active]) : -1;
    const rs = nn >= 0 ? find(e, mask, ids[active], ids[nn]) : -1;
    if (ls < 0 && rs < 0) return;
    let left: number, right: number, merged: number;
    if (rs < 0 || (ls >= 0 && e[ls + 2] < e[rs + 2])) { left = p; right = active; merged = e[ls + 3]; active = p; }
    else { left = active; right = nn; merged = e[rs + 3]; }
    ids[left] = merged; single[left] = 0; single[right] = 0; ids[right] = -1;
    const after = next[right];
    next[left] = after;
    if (after >= 0) prev[after] = left;
  }
}

/** Writes into orderBuf the positions i of the initial pairs (ids[i], ids[i+1]) that merge, sorted by (rank, i). */
function sortedPairs(e: Int32Array, mask: number, ids: Int32Array, n: number, rankCount: number): number {
  const pos = posBuf, rank = rankBuf, out = orderBuf;
  let m = 0;
  for (let i = 0; i + 1 < n; i++) {
    const s = find(e, mask, ids[i], ids[i + 1]);
    if (s >= 0) { pos[m] = i; rank[m] = e[s + 2]; m++; }
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
