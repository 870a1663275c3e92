// A set of (code unit, code unit) pairs in an open-addressing Int32 table.

export class PairSet {
  private keys = new Int32Array(1 << 12);
  private mask = (1 << 12) - 1;
  private count = 0;

  private static hash(key: number): number { return Math.imul(key, 0x9e3779b1) >>> 0; }

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
