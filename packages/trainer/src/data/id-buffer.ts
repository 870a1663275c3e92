// Where encoded documents accumulate before the train/val split is decided (DocumentIds: references to the
// tokenizer's or a worker's id arrays, no copying), and the builder of one split's packed stream (StreamBuilder).
// Large allocations are slow on small VMs (page faults), so the corpus is copied once, into its final arrays.

/** Where encoded documents go, in document order. */
export interface DocumentSink {
  /** One document's ids (kept by reference or copied at once: the caller must not change them afterwards). */
  push(ids: Uint32Array, chars?: number): void;
  /** Several documents packed back to back in one array (a worker's batch). */
  pushChunk(ids: Uint32Array, lengths: ArrayLike<number>, chars: ArrayLike<number>): void;
  /** True while pushed ids are copied at once (their arrays may then be reused for other ids). */
  readonly copiesIds?: boolean;
}

export class DocumentIds implements DocumentSink {
  private chunks: Uint32Array[] = [];
  private docChunk: number[] = [];
  private docStart: number[] = [];
  private docLen: number[] = [];
  private total = 0;
  /** Characters of text read (UTF-16 code units). */
  chars = 0;

  get length(): number { return this.total; }
  get documents(): number { return this.docLen.length; }

  /** Append one document's ids (kept by reference: the caller must not change them afterwards). */
  push(ids: Uint32Array, chars = 0): void {
    this.pushChunk(ids, [ids.length], [chars]);
  }

  /** Append several documents packed back to back in one array (a worker's batch). */
  pushChunk(ids: Uint32Array, lengths: ArrayLike<number>, chars: ArrayLike<number>): void {
    const c = this.chunks.length;
    this.chunks.push(ids);
    let o = 0;
    for (let i = 0; i < lengths.length; i++) {
      this.docChunk.push(c);
      this.docStart.push(o);
      this.docLen.push(lengths[i]);
      o += lengths[i];
      this.chars += chars[i];
    }
    if (o !== ids.length) throw new RangeError(`DocumentIds: document lengths sum to ${o}, the chunk has ${ids.length} ids`);
    this.total += o;
  }

  /** Ids of document `d` (a view). */
  doc(d: number): Uint32Array {
    const s = this.docStart[d];
    return this.chunks[this.docChunk[d]].subarray(s, s + this.docLen[d]);
  }

  docLength(d: number): number { return this.docLen[d]; }
}

/** One split's packed stream with an optional parallel mask, written into arrays of a known maximum size. */
export class StreamBuilder {
  readonly ids: Uint32Array;
  readonly mask: Uint8Array | null;
  length = 0;

  constructor(capacity: number, withMask: boolean) {
    this.ids = new Uint32Array(capacity);
    this.mask = withMask ? new Uint8Array(capacity) : null;
  }

  append(ids: Uint32Array, maskValue: number): void {
    if (this.length + ids.length > this.ids.length) throw new RangeError('StreamBuilder: capacity exceeded');
    this.ids.set(ids, this.length);
    if (this.mask) this.mask.fill(maskValue, this.length, this.length + ids.length);
    this.length += ids.length;
  }

  appendOne(id: number, maskValue: number): void {
    if (this.length >= this.ids.length) throw new RangeError('StreamBuilder: capacity exceeded');
    this.ids[this.length] = id;
    if (this.mask) this.mask[this.length] = maskValue;
    this.length++;
  }

  /** The stream: the arrays themselves when full (the usual case), else exact-length copies. */
  finish(): { ids: Uint32Array; mask: Uint8Array | undefined } {
    const full = this.length === this.ids.length;
    return {
      ids: full ? this.ids : this.ids.slice(0, this.length),
      mask: this.mask ? (full ? this.mask : this.mask.slice(0, this.length)) : undefined,
    };
  }
}
