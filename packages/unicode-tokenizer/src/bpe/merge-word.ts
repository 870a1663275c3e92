// Rank-based BPE over one word of symbol ids, exactly as Hugging Face's `Word::merge_all`: repeatedly merge the
// adjacent pair with the lowest rank (ties: leftmost). A binary heap keeps it O(n log n) for any word length.
import type { MergeTable } from './merge-table.js';

const SMALL = 12;

/** Merges `ids[0..n)` in place; returns the new length. */
export function mergeWord(table: MergeTable, ids: Int32Array, n: number): number {
  if (n < 2) return n;
  return n <= SMALL ? mergeSmall(table, ids, n) : mergeHeap(table, ids, n);
}

/** Quadratic scan; fastest for the short words that dominate natural text. */
function mergeSmall(table: MergeTable, ids: Int32Array, n: number): number {
  for (;;) {
    let best = -1, bestRank = 0x7fffffff, bestSlot = -1;
    for (let i = 0; i + 1 < n; i++) {
      const slot = table.find(ids[i], ids[i + 1]);
      if (slot >= 0) {
        const r = table.rankAt(slot);
        if (r < bestRank) { bestRank = r; best = i; bestSlot = slot; }
      }
    }
    if (best < 0) return n;
    ids[best] = table.mergedAt(bestSlot);
    ids.copyWithin(best + 1, best + 2, n);
    n--;
  }
}

// Scratch buffers reused across calls (grown on demand).
let prevBuf = new Int32Array(0), nextBuf = new Int32Array(0);
let heapRank = new Int32Array(0), heapPos = new Int32Array(0), heapLeft = new Int32Array(0), heapRight = new Int32Array(0);

function ensure(n: number): void {
  if (prevBuf.length >= n) return;
  const cap = Math.max(n, prevBuf.length * 2);
  prevBuf = new Int32Array(cap); nextBuf = new Int32Array(cap);
  heapRank = new Int32Array(cap * 2); heapPos = new Int32Array(cap * 2);
  heapLeft = new Int32Array(cap * 2); heapRight = new Int32Array(cap * 2);
}

/** Linked list of symbols + a min-heap of candidate merges keyed by (rank, position). */
function mergeHeap(table: MergeTable, ids: Int32Array, n: number): number {
  ensure(n + 1);
  const prev = prevBuf, next = nextBuf;
  let hr = heapRank, hp = heapPos, hl = heapLeft, hrt = heapRight;
  let size = 0;
  const less = (i: number, j: number) => hr[i] < hr[j] || (hr[i] === hr[j] && hp[i] < hp[j]);
  const swap = (i: number, j: number) => {
    let t = hr[i]; hr[i] = hr[j]; hr[j] = t;
    t = hp[i]; hp[i] = hp[j]; hp[j] = t;
    t = hl[i]; hl[i] = hl[j]; hl[j] = t;
    t = hrt[i]; hrt[i] = hrt[j]; hrt[j] = t;
  };
  const push = (rank: number, pos: number, left: number, right: number) => {
    if (size >= hr.length) {
      const grow = (a: Int32Array) => { const b = new Int32Array(a.length * 2); b.set(a); return b; };
      hr = heapRank = grow(hr); hp = heapPos = grow(hp); hl = heapLeft = grow(hl); hrt = heapRight = grow(hrt);
    }
    let i = size++;
    hr[i] = rank; hp[i] = pos; hl[i] = left; hrt[i] = right;
    while (i > 0) { const p = (i - 1) >> 1; if (!less(i, p)) break; swap(i, p); i = p; }
  };
  const pop = () => {
    size--;
    if (size > 0) {
      swap(0, size);
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < size && less(l, m)) m = l;
        if (r < size && less(r, m)) m = r;
        if (m === i) break;
        swap(i, m); i = m;
      }
    }
  };
  for (let i = 0; i < n; i++) { prev[i] = i - 1; next[i] = i + 1 < n ? i + 1 : -1; }
  for (let i = 0; i + 1 < n; i++) {
    const slot = table.find(ids[i], ids[i + 1]);
    if (slot >= 0) push(table.rankAt(slot), i, ids[i], ids[i + 1]);
  }
  while (size > 0) {
    const rank = hr[0], pos = hp[0], left = hl[0], right = hrt[0];
    pop();
    // Skip stale entries: the symbol at pos or its right neighbour changed since the entry was pushed.
    if (ids[pos] !== left) continue;
    const nx = next[pos];
    if (nx < 0 || ids[nx] !== right) continue;
    const slot = table.find(left, right);
    if (slot < 0 || table.rankAt(slot) !== rank) continue;
    const mergedId = table.mergedAt(slot);
    ids[pos] = mergedId;
    ids[nx] = -1; // dead
    const nn = next[nx];
    next[pos] = nn;
    if (nn >= 0) prev[nn] = pos;
    const pv = prev[pos];
    if (pv >= 0) {
      const s = table.find(ids[pv], mergedId);
      if (s >= 0) push(table.rankAt(s), pv, ids[pv], mergedId);
    }
    if (nn >= 0) {
      const s = table.find(mergedId, ids[nn]);
      if (s >= 0) push(table.rankAt(s), pos, mergedId, ids[nn]);
    }
  }
  let k = 0;
  for (let i = 0; i >= 0; i = next[i]) ids[k++] = ids[i];
  return k;
}
