// A set of (code unit, code unit) pairs in an open-addressing Int32 table.

export class PairSet {
  private keys: Int32Array;
  private mask: number;
  private count = 0;

  /** `expected`: about how many pairs will be added (sizes the table once instead of growing it). */
  constructor(expected = 0) {
    let cap = 1 << 12;
    while (cap < 2 * expected) cap <<= 1;
    this.keys = new Int32Array(cap);
    this.mask = cap - 1;
  }

  private static hash(key: number): number { return Math.imul(key, 0x9e3779b1) >>> 0; }

  /** The slot array (a copy), from which `fromSlots` rebuilds an equal set without re-adding the pairs. */
  slots(): Int32Array { return this.keys.slice(); }

  /** A set from another set's `slots()` (a power-of-two length, as made by this class). */
  static fromSlots(slots: Int32Array): PairSet {
    const n = slots.length;
    if (n < 2 || (n & (n - 1)) !== 0) throw new RangeError(`PairSet.fromSlots: ${n} slots is not a power of two`);
    const set = new PairSet();
    set.keys = slots;
    set.mask = n - 1;
    let count = 0;
    for (let i = 0; i < n; i++) if (slots[i] !== 0) count++;
    set.count = count;
    return set;
  }

  add(a: number, b: number): void {
    const key = ((a << 16) | b) + 1 | 0; // never 0, which marks an empty slot
    if ((this.count + 1) * 2 > this.keys.length) this.grow();
    let h = PairSet.hash(key) & this.mask;
    while (this.keys[h] !== 0) { if (this.keys[h] === key) return; h = (h + 1) & this.mask; }
    this.keys[h] = key; this.count++;
  }

  has(a: number, b: number): boolean {
    const key = ((a << 16) | b) + 1 | 0;
    let h = PairSet.hash(key) & this.mask;
    for (;;) {
      const k = this.keys[h];
      if (k === key) return true;
      if (k === 0) return false;
      h = (h + 1) & this.mask;
    }
  }

  private grow(): void {
    const old = this.keys;
    this.keys = new Int32Array(old.length * 2);
    this.mask = this.keys.length - 1;
    this.count = 0;
    for (const key of old) if (key !== 0) {
      let h = PairSet.hash(key) & this.mask;
      while (this.keys[h] !== 0) h = (h + 1) & this.mask;
      this.keys[h] = key; this.count++;
    }
  }
}
