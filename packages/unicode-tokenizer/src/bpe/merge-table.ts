// An open-addressing hash table from an adjacent id pair (left, right) to its merge rank and merged id.
// Faster than Map<string, ...> on the BPE hot path and free of string allocation. Each slot is four consecutive
// Int32s (left, right, rank, merged), so a probe touches one cache line instead of one line in each of four arrays.
export class MergeTable {
  /** mask over slot numbers (capacity - 1) */
  readonly mask: number;
  /** slots: [left, right, rank, merged] * capacity; left = -1 marks an empty slot */
  readonly entries: Int32Array;
  readonly size: number;

  /**
   * merges[k] = [leftId, rightId, mergedId]; k is the rank (lower merges first). Or another table's `entries`
   * (as `MergeTable.fromEntries` passes them), taken as they are.
   */
  constructor(merges: ReadonlyArray<readonly [number, number, number]> | Int32Array) {
    if (merges instanceof Int32Array) {
      const cap = merges.length / 4;
      if (cap < 1 || (cap & (cap - 1)) !== 0) throw new RangeError(`MergeTable: ${merges.length} entries is not 4 times a power of two`);
      this.mask = cap - 1;
      this.entries = merges;
      let size = 0;
      for (let s = 0; s < merges.length; s += 4) if (merges[s] !== -1) size++;
      this.size = size;
      return;
    }
    let cap = 1;
    while (cap < merges.length * 2 + 2) cap <<= 1;
    this.mask = cap - 1;
    const e = new Int32Array(cap * 4);
    for (let s = 0; s < e.length; s += 4) e[s] = -1;
    let size = 0;
    for (let rank = 0; rank < merges.length; rank++) {
      const [a, b, m] = merges[rank];
      let h = MergeTable.hash(a, b) & this.mask;
      while (e[h * 4] !== -1 && !(e[h * 4] === a && e[h * 4 + 1] === b)) h = (h + 1) & this.mask;
      if (e[h * 4] === -1) {
        e[h * 4] = a; e[h * 4 + 1] = b; e[h * 4 + 2] = rank; e[h * 4 + 3] = m; size++;
      } // a duplicate pair keeps its first (lowest) rank, as Hugging Face does
    }
    this.entries = e;
    this.size = size;
  }

  /**
   * A table from merges given as flat (left, right, merged) triples in rank order: the same table as the tuple
   * form, without a tuple per merge (the bvv241 tables are built this way, once per thread, in cold code).
   */
  static fromTriples(triples: Int32Array): MergeTable {
    const count = triples.length / 3;
    if (!Number.isInteger(count)) throw new RangeError(`MergeTable.fromTriples: ${triples.length} values is not a multiple of 3`);
    let cap = 1;
    while (cap < count * 2 + 2) cap <<= 1;
    const mask = cap - 1;
    const e = new Int32Array(cap * 4).fill(-1, 0); // left = -1 marks an empty slot (the other fields are set on use)
    for (let rank = 0; rank < count; rank++) {
      const a = triples[3 * rank], b = triples[3 * rank + 1];
      let h = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b)) & mask;
      while (e[h << 2] !== -1 && !(e[h << 2] === a && e[(h << 2) + 1] === b)) h = (h + 1) & mask;
      if (e[h << 2] === -1) { const s = h << 2; e[s] = a; e[s + 1] = b; e[s + 2] = rank; e[s + 3] = triples[3 * rank + 2]; }
    }
    return new MergeTable(e);
  }

  /** A table over another table's `entries` (e.g. sent to a worker thread), without rebuilding it. */
  static fromEntries(entries: Int32Array): MergeTable { return new MergeTable(entries); }

  static hash(a: number, b: number): number {
    return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b)) >>> 0;
  }

  /** Slot of the pair (an index into `entries`, a multiple of 4), or -1 if the pair does not merge. */
  find(a: number, b: number): number {
    return findPair(this.entries, this.mask, a, b);
  }

  rankAt(slot: number): number { return this.entries[slot + 2]; }
  mergedAt(slot: number): number { return this.entries[slot + 3]; }
}

/** Slot of the pair (a, b) in a table's entries, or -1: MergeTable.find as a plain function for the hot loops. */
export function findPair(e: Int32Array, mask: number, a: number, b: number): number {
  // MergeTable.hash written out: in encode's large inlined loops V8 had run out of inlining budget for the call
  let h = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b)) & mask;
  for (;;) {
    const s = h << 2;
    const l = e[s];
    if (l === -1) return -1;
    if (l === a && e[s + 1] === b) return s;
    h = (h + 1) & mask;
  }
}
