// A string-free cache from words (runs of UTF-16 code units inside a larger text) to their BPE ids. Words are
// hashed while the encoder scans them and compared unit by unit, so a cache hit allocates nothing.

const EMPTY = -1;

export class WordCache {
  private mask: number;
  private hashes: Int32Array;
  private wordOff: Int32Array;   // offset into units, or EMPTY
  private wordLen: Int32Array;
  private idsOff: Int32Array;
  private idsLen: Int32Array;
  private units: Uint16Array = new Uint16Array(1 << 16);
  private ids: Int32Array = new Int32Array(1 << 15);
  private unitsUsed = 0;
  private idsUsed = 0;
  private count = 0;

  constructor(private readonly maxEntries = 1 << 18, private readonly maxWordLength = 64) {
    const cap = 1 << 12;
    this.mask = cap - 1;
    this.hashes = new Int32Array(cap);
    this.wordOff = new Int32Array(cap).fill(EMPTY);
    this.wordLen = new Int32Array(cap);
    this.idsOff = new Int32Array(cap);
    this.idsLen = new Int32Array(cap);
  }

  /** FNV-1a step; the encoder folds each code unit of a word into its hash with this. */
  static step(h: number, unit: number): number { return Math.imul(h ^ unit, 16777619); }
  static readonly SEED = 0x811c9dc5 | 0;

  /** Copies the cached ids of text[from, to) into out at k and returns the new k, or -1 on a miss. */
  get(text: string, from: number, to: number, hash: number, out: Uint32Array, k: number): number {
    const len = to - from;
    let s = hash & this.mask;
    for (;;) {
      const wo = this.wordOff[s];
      if (wo === EMPTY) return -1;
      if (this.hashes[s] === hash && this.wordLen[s] === len) {
        const u = this.units;
        let j = 0;
        while (j < len && u[wo + j] === text.charCodeAt(from + j)) j++;
        if (j === len) {
          const io = this.idsOff[s], n = this.idsLen[s], ids = this.ids;
          for (let q = 0; q < n; q++) out[k + q] = ids[io + q];
          return k + n;
        }
      }
      s = (s + 1) & this.mask;
    }
  }

  set(text: string, from: number, to: number, hash: number, ids: Int32Array, n: number): void {
    const len = to - from;
    if (len > this.maxWordLength) return;
    if (this.count >= this.maxEntries) return; // full: keep the (typically most frequent) words seen first
    if ((this.count + 1) * 2 > this.mask + 1) this.rehash((this.mask + 1) * 2);
    if (this.unitsUsed + len > this.units.length) this.units = grow16(this.units, this.unitsUsed + len);
    if (this.idsUsed + n > this.ids.length) this.ids = grow32(this.ids, this.idsUsed + n);
    let s = hash & this.mask;
    while (this.wordOff[s] !== EMPTY) s = (s + 1) & this.mask;
    for (let j = 0; j < len; j++) this.units[this.unitsUsed + j] = text.charCodeAt(from + j);
    this.ids.set(ids.subarray(0, n), this.idsUsed);
    this.hashes[s] = hash; this.wordOff[s] = this.unitsUsed; this.wordLen[s] = len;
    this.idsOff[s] = this.idsUsed; this.idsLen[s] = n;
    this.unitsUsed += len; this.idsUsed += n; this.count++;
  }

  clear(): void {
    this.wordOff.fill(EMPTY);
    this.unitsUsed = this.idsUsed = this.count = 0;
  }

  private rehash(cap: number): void {
    const old = { h: this.hashes, wo: this.wordOff, wl: this.wordLen, io: this.idsOff, il: this.idsLen };
    this.mask = cap - 1;
    this.hashes = new Int32Array(cap); this.wordOff = new Int32Array(cap).fill(EMPTY);
    this.wordLen = new Int32Array(cap); this.idsOff = new Int32Array(cap); this.idsLen = new Int32Array(cap);
    for (let t = 0; t < old.wo.length; t++) {
      if (old.wo[t] === EMPTY) continue;
      let s = old.h[t] & this.mask;
      while (this.wordOff[s] !== EMPTY) s = (s + 1) & this.mask;
      this.hashes[s] = old.h[t]; this.wordOff[s] = old.wo[t]; this.wordLen[s] = old.wl[t];
      this.idsOff[s] = old.io[t]; this.idsLen[s] = old.il[t];
    }
  }
}

function grow16(a: Uint16Array, min: number): Uint16Array { const b = new Uint16Array(Math.max(min, a.length * 2)); b.set(a); return b; }
function grow32(a: Int32Array, min: number): Int32Array { const b = new Int32Array(Math.max(min, a.length * 2)); b.set(a); return b; }
