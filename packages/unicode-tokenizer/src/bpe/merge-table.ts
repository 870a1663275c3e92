// An open-addressing hash table from an adjacent id pair (left, right) to its merge rank and merged id.
// Faster than Map<string, ...> on the BPE hot path and free of string allocation.

export class MergeTable {
  private readonly mask: number;
  private readonly lefts: Int32Array;
  private readonly rights: Int32Array;
  private readonly ranks: Int32Array;
  private readonly merged: Int32Array;
  readonly size: number;

  /** merges[k] = [leftId, rightId, mergedId]; k is the rank (lower merges first). */
  constructor(merges: ReadonlyArray<readonly [number, number, number]>) {
    let cap = 1;
    while (cap < merges.length * 2 + 2) cap <<= 1;
    this.mask = cap - 1;
    this.lefts = new Int32Array(cap).fill(-1);
    this.rights = new Int32Array(cap);
    this.ranks = new Int32Array(cap);
    this.merged = new Int32Array(cap);
    let size = 0;
    for (let rank = 0; rank < merges.length; rank++) {
      const [a, b, m] = merges[rank];
      let h = MergeTable.hash(a, b) & this.mask;
      while (this.lefts[h] !== -1 && !(this.lefts[h] === a && this.rights[h] === b)) h = (h + 1) & this.mask;
      if (this.lefts[h] === -1) {
        this.lefts[h] = a; this.rights[h] = b; this.ranks[h] = rank; this.merged[h] = m; size++;
      } // a duplicate pair keeps its first (lowest) rank, as Hugging Face does
    }
    this.size = size;
  }

  private static hash(a: number, b: number): number {
    return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b)) >>> 0;
  }

  /** Slot of the pair, or -1 if the pair does not merge. */
  find(a: number, b: number): number {
    let h = MergeTable.hash(a, b) & this.mask;
    for (;;) {
      const l = this.lefts[h];
      if (l === -1) return -1;
      if (l === a && this.rights[h] === b) return h;
      h = (h + 1) & this.mask;
    }
  }
  rankAt(slot: number): number { return this.ranks[slot]; }
  mergedAt(slot: number): number { return this.merged[slot]; }
}
