// The train/val streams of a 'documents' split without SFT, built while the documents arrive (in order): each
// document's ids are copied into its split's stream at once and can then be dropped, so the corpus is not held
// twice (per-document arrays plus final streams). Fresh memory is slow on small VMs (page faults: DEVELOPERS.md),
// and this way the copying happens while other threads still tokenize instead of after them.
// The streams are sized from an upper bound of each document's ids (its UTF-8 bytes for files); only the pages
// written are touched. A split that outgrows its bound hands everything to DocumentIds and the usual assembly.
import type { Tokenizer } from '@glyphlm/unicode-tokenizer';
import type { CorpusData, CorpusMeta } from './types.js';
import type { ResolvedOptions } from './corpus-options.js';
import { DocumentIds, type DocumentSink } from './id-buffer.js';
import { isValDocument } from './split.js';
import { assembleCorpus } from './assemble.js';
import { corpusFingerprint, type HashParts } from './fingerprint.js';

/** Encodes a text, appending its ids to `into` (bvv241's `encode(text, into)`), and returns a view of them there. */
export type EncodeInto = (text: string, into: { ids: Uint32Array; length: number }) => Uint32Array;

/**
 * bvv241's `encode(text, into)` when the tokenizer is bvv241's own (the same rule as for its encodeUtf8 in
 * node/data-read.ts: an object made from a bvv241 tokenizer with its own `encode` is not trusted to append).
 */
export function encodeIntoOf(tokenizer: Tokenizer): EncodeInto | null {
  const proto = Object.getPrototypeOf(tokenizer) as { encode?: unknown; encodeUtf8?: unknown } | null;
  if (!tokenizer.name.startsWith('bvv241-') || !proto || proto.encode !== tokenizer.encode || tokenizer.encode.length < 2) return null;
  if (!Object.prototype.hasOwnProperty.call(proto, 'encodeUtf8')) return null;
  const encode = tokenizer.encode as (text: string, into: { ids: Uint32Array; length: number }) => Uint32Array;
  return (text, into) => encode.call(tokenizer, text, into);
}

export class SplitStreams implements DocumentSink {
  private readonly streams: [Uint32Array, Uint32Array];
  private readonly fill = [0, 0];
  private readonly docs = [0, 0];
  /** per document: split (0 train, 1 val), start in its stream, id count, characters (for the fallback) */
  private readonly where: Array<[number, number, number, number]> = [];
  private chars = 0;
  private fallback: DocumentIds | null = null;

  private constructor(private readonly o: ResolvedOptions, private readonly valDoc: Uint8Array, capacity: [number, number]) {
    this.streams = [new Uint32Array(capacity[0]), new Uint32Array(capacity[1])];
  }

  /**
   * Streams for `count` documents whose ids number at most `bounds[d]` each, or null where the split is not a
   * fixed 'documents' split without SFT (tail split, SFT mix, or a seed that puts all or none into val).
   */
  static plan(o: ResolvedOptions, bounds: ArrayLike<number>): SplitStreams | null {
    const count = bounds.length;
    if (o.sft || o.split === 'tail' || count === 0) return null;
    const valDoc = new Uint8Array(count);
    let nVal = 0;
    for (let d = 0; d < count; d++) if (isValDocument(o.seed, d, o.valFraction)) { valDoc[d] = 1; nVal++; }
    if (o.valFraction > 0 && (nVal === 0 || nVal === count)) return null; // the usual assembly decides (tail or an error)
    const sepLen = o.separatorId === null ? 0 : 1;
    const capacity: [number, number] = [0, 0];
    for (let d = 0; d < count; d++) capacity[valDoc[d]] += bounds[d] + sepLen;
    capacity[0] += 64; capacity[1] += 64; // room for the encoder's look-ahead when it appends in place (pushText)
    return new SplitStreams(o, valDoc, capacity);
  }

  /** Pushed ids are copied into the streams (until a split outgrows its bound and the fallback keeps them). */
  get copiesIds(): boolean { return this.fallback === null; }

  push(ids: Uint32Array, chars = 0): void {
    const d = this.where.length;
    if (d >= this.valDoc.length) throw new RangeError(`SplitStreams: more than the ${this.valDoc.length} documents planned`);
    if (this.fallback) { this.chars += chars; this.fallback.push(ids, chars); this.where.push([0, 0, 0, chars]); return; }
    this.checkIds(d, ids);
    const s = this.valDoc[d];
    const stream = this.streams[s];
    const at = this.fill[s];
    if (at + ids.length + (this.o.separatorId === null ? 0 : 1) > stream.length) {
      this.chars += chars; this.spill(); this.fallback!.push(ids, chars); this.where.push([0, 0, 0, chars]); return;
    }
    stream.set(ids, at);
    this.commit(s, at, ids.length, chars);
  }

  /**
   * Encodes the next document straight into its split's stream with `encodeInto` (bvv241's `encode(text, into)`:
   * no id array per document, no copy), else as push(encode(text)). The same corpus as push either way.
   */
  pushText(text: string, encode: (text: string) => Uint32Array, encodeInto: EncodeInto | null): void {
    const d = this.where.length;
    if (encodeInto === null || this.fallback || d >= this.valDoc.length) { this.push(encode(text), text.length); return; }
    const s = this.valDoc[d];
    const stream = this.streams[s];
    const at = this.fill[s];
    const into = { ids: stream, length: at };
    const ids = encodeInto(text, into);
    // outgrew the stream (the encoder then wrote to a larger copy): push copies the ids or hands over to the fallback
    if (into.ids !== stream || at + ids.length + (this.o.separatorId === null ? 0 : 1) > stream.length) { this.push(ids, text.length); return; }
    this.checkIds(d, ids);
    this.commit(s, at, ids.length, text.length);
  }

  private checkIds(d: number, ids: Uint32Array): void {
    const V = this.o.vocabSize;
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] >= V) throw new RangeError(`tokenizeCorpus: document ${d}, token ${i}: id ${ids[i]} is outside the vocabulary (0..${V - 1})`);
    }
  }

  /** The next document's n ids are at stream s from `at`: recorded, and the separator written after them. */
  private commit(s: number, at: number, n: number, chars: number): void {
    const sep = this.o.separatorId;
    const stream = this.streams[s];
    this.chars += chars;
    this.where.push([s, at, n, chars]);
    this.fill[s] = at + n;
    if (sep !== null) stream[this.fill[s]++] = sep;
    this.docs[s]++;
  }

  pushChunk(ids: Uint32Array, lengths: ArrayLike<number>, chars: ArrayLike<number>): void {
    let o = 0;
    for (let i = 0; i < lengths.length; i++) { this.push(ids.subarray(o, o + lengths[i]), chars[i]); o += lengths[i]; }
    if (o !== ids.length) throw new RangeError(`DocumentIds: document lengths sum to ${o}, the chunk has ${ids.length} ids`);
  }

  /** A document outgrew its split's bound: from here on, DocumentIds (views of what is already written). */
  private spill(): void {
    const docs = new DocumentIds();
    for (const [s, at, n, chars] of this.where) docs.push(this.streams[s].subarray(at, at + n), chars);
    this.fallback = docs;
  }

  /** The corpus: exactly what assembleCorpus gives for the same documents and options. */
  finish(tokenizer: Tokenizer, hash?: HashParts): CorpusData {
    const o = this.o;
    if (this.where.length !== this.valDoc.length) throw new RangeError(`SplitStreams: ${this.where.length} of ${this.valDoc.length} documents arrived`);
    if (this.fallback) return assembleCorpus(tokenizer, this.fallback, null, o, hash);
    const sepLen = o.separatorId === null ? 0 : 1;
    const total = this.fill[0] + this.fill[1] - this.where.length * sepLen;
    if (total === 0) throw new RangeError(`tokenizeCorpus: empty corpus (${this.where.length} documents, ${this.chars} characters, 0 tokens)`);
    // views of the written part (the rest of each buffer was never touched)
    const train = this.streams[0].subarray(0, this.fill[0]);
    const val = this.streams[1].subarray(0, this.fill[1]);
    if (train.length === 0) throw new RangeError('tokenizeCorpus: the train split is empty');
    if (o.blockSize !== undefined) {
      if (train.length < o.blockSize + 1) {
        throw new RangeError(`tokenizeCorpus: the train split has ${train.length} tokens; blockSize ${o.blockSize} needs at least ${o.blockSize + 1}`);
      }
      if (o.valFraction > 0 && val.length < o.blockSize + 1) {
        throw new RangeError(`tokenizeCorpus: the val split has ${val.length} tokens; blockSize ${o.blockSize} needs at least ${o.blockSize + 1}`);
      }
    }
    const meta: CorpusMeta = {
      tokenizer: tokenizer.name,
      tokenizerFingerprint: tokenizer.fingerprint,
      fingerprint: '',
      separatorId: o.separatorId ?? -1,
      documents: { train: this.docs[0], val: this.docs[1] },
      chars: this.chars,
      tokens: { train: train.length, val: val.length },
      split: { mode: 'documents', valFraction: o.valFraction, seed: o.seed },
    };
    const data: CorpusData = { train, val, vocabSize: o.vocabSize, meta };
    meta.fingerprint = corpusFingerprint(data, hash);
    return data;
  }
}
