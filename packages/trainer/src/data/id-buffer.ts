// A growable Uint32Array of token ids with document boundaries: where encoded documents accumulate before the
// train/val split is decided.

export class DocumentIds {
  private buf = new Uint32Array(1 << 16);
  private len = 0;
  private ends: number[] = [];
  /** Characters of text read (UTF-16 code units). */
  chars = 0;

  get length(): number { return this.len; }
  get documents(): number { return this.ends.length; }

  /** Append one document's ids. */
  push(ids: ArrayLike<number>, chars = 0): void {
    this.reserve(ids.length);
    if (ids instanceof Uint32Array) this.buf.set(ids, this.len);
    else for (let i = 0; i < ids.length; i++) this.buf[this.len + i] = ids[i];
    this.len += ids.length;
    this.ends.push(this.len);
    this.chars += chars;
  }

  /** Ids of document `d` (a view, valid until the next push). */
  doc(d: number): Uint32Array {
    const start = d === 0 ? 0 : this.ends[d - 1];
    return this.buf.subarray(start, this.ends[d]);
  }

  private reserve(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + extra) cap *= 2;
    const next = new Uint32Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
}

/** A growable id stream with an optional parallel mask (what one split is assembled into). */
export class StreamBuilder {
  ids: Uint32Array;
  mask: Uint8Array | null;
  length = 0;

  constructor(capacity: number, withMask: boolean) {
    this.ids = new Uint32Array(Math.max(16, capacity));
    this.mask = withMask ? new Uint8Array(this.ids.length) : null;
  }

  append(ids: ArrayLike<number>, maskValue: number): void {
    this.reserve(ids.length);
    if (ids instanceof Uint32Array) this.ids.set(ids, this.length);
    else for (let i = 0; i < ids.length; i++) this.ids[this.length + i] = ids[i];
    if (this.mask) this.mask.fill(maskValue, this.length, this.length + ids.length);
    this.length += ids.length;
  }

  appendOne(id: number, maskValue: number): void {
    this.reserve(1);
    this.ids[this.length] = id;
    if (this.mask) this.mask[this.length] = maskValue;
    this.length++;
  }

  finish(): { ids: Uint32Array; mask: Uint8Array | undefined } {
    const ids = this.ids.length === this.length ? this.ids : this.ids.slice(0, this.length);
    const mask = this.mask ? (this.mask.length === this.length ? this.mask : this.mask.slice(0, this.length)) : undefined;
    return { ids, mask };
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.ids.length) return;
    let cap = this.ids.length * 2;
    while (cap < this.length + extra) cap *= 2;
    const next = new Uint32Array(cap);
    next.set(this.ids.subarray(0, this.length));
    this.ids = next;
    if (this.mask) { const m = new Uint8Array(cap); m.set(this.mask.subarray(0, this.length)); this.mask = m; }
  }
}
