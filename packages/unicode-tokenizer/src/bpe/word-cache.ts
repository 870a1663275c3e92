// A string-free cache from words (runs of UTF-16 code units inside a larger text) to their BPE ids. Words are
// hashed while the encoder scans them and compared unit by unit, so a cache hit allocates nothing. Each slot is
// 8 consecutive Int32s (one cache line holds two slots): hash, word offset, lengths, ids offset, and up to four
// ids inline, so a typical hit touches one slot line and the word's units.

const STRIDE = 8;
const INLINE_IDS = 4;
const EMPTY = -1;

export class WordCache {
  private mask: number;
  private slots: Int32Array;
  private units: Uint16Array = new Uint16Array(1 << 16);
  private ids: Int32Array = new Int32Array(1 << 14);
  private unitsUsed = 0;
  private idsUsed = 0;
  private count = 0;

  constructor(private readonly maxEntries = 1 << 18, private readonly maxWordLength = 64) {
    const cap = 1 << 12;
    this.mask = cap - 1;
    this.slots = newSlots(cap);
  }

  /** FNV-1a step; the encoder folds each code unit of a word into its hash with this. */
  static step(h: number, unit: number): number { return Math.imul(h ^ unit, 16777619); }
  static readonly SEED = 0x811c9dc5 | 0;

  /** Copies the cached ids of text[from, to) into out at k and returns the new k, or -1 on a miss. */
  get(text: string, from: number, to: number, hash: number, out: Uint32Array, k: number): number {
    const len = to - from;
    const slots = this.slots;
    let s = (hash & this.mask) * STRIDE;
    for (;;) {
      const wo = slots[s + 1];
      if (wo === EMPTY) return -1;
      if (slots[s] === hash && (slots[s + 2] >>> 8) === len) {
        const u = this.units;
        let j = 0;
        while (j < len && u[wo + j] === text.charCodeAt(from + j)) j++;
        if (j === len) {
          const n = slots[s + 2] & 0xff;
          if (n <= INLINE_IDS) for (let q = 0; q < n; q++) out[k + q] = slots[s + 4 + q];
          else { const io = slots[s + 3], ids = this.ids; for (let q = 0; q < n; q++) out[k + q] = ids[io + q]; }
          return k + n;
        }
      }
      s = (s + STRIDE) & (this.mask * STRIDE + STRIDE - 1);
    }
  }

  set(text: string, from: number, to: number, hash: number, ids: Int32Array, n: number): void {
    const len = to - from;
    if (len > this.maxWordLength || this.count >= this.maxEntries) return; // full: keep the words seen first
    if ((this.count + 1) * 2 > this.mask + 1) this.rehash((this.mask + 1) * 2);
    if (this.unitsUsed + len > this.units.length) this.units = grow16(this.units, this.unitsUsed + len);
    for (let j = 0; j < len; j++) this.units[this.unitsUsed + j] = text.charCodeAt(from + j);
    let s = (hash & this.mask) * STRIDE;
    while (this.slots[s + 1] !== EMPTY) s = (s + STRIDE) & (this.mask * STRIDE + STRIDE - 1);
    const slots = this.slots;
    slots[s] = hash; slots[s + 1] = this.unitsUsed; slots[s + 2] = (len << 8) | n;
    if (n <= INLINE_IDS) for (let q = 0; q < n; q++) slots[s + 4 + q] = ids[q];
    else {
      if (this.idsUsed + n > this.ids.length) this.ids = grow32(this.ids, this.idsUsed + n);
      this.ids.set(ids.subarray(0, n), this.idsUsed);
      slots[s + 3] = this.idsUsed;
      this.idsUsed += n;
    }
    this.unitsUsed += len; this.count++;
  }

  private rehash(cap: number): void {
    const old = this.slots;
    this.mask = cap - 1;
    this.slots = newSlots(cap);
    const wrap = this.mask * STRIDE + STRIDE - 1;
    for (let t = 0; t < old.length; t += STRIDE) {
      if (old[t + 1] === EMPTY) continue;
      let s = (old[t] & this.mask) * STRIDE;
      while (this.slots[s + 1] !== EMPTY) s = (s + STRIDE) & wrap;
      this.slots.set(old.subarray(t, t + STRIDE), s);
    }
  }
}

function newSlots(cap: number): Int32Array {
  const a = new Int32Array(cap * STRIDE);
  for (let s = 1; s < a.length; s += STRIDE) a[s] = EMPTY;
  return a;
}
function grow16(a: Uint16Array, min: number): Uint16Array { const b = new Uint16Array(Math.max(min, a.length * 2)); b.set(a); return b; }
function grow32(a: Int32Array, min: number): Int32Array { const b = new Int32Array(Math.max(min, a.length * 2)); b.set(a); return b; }
