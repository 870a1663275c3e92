// bvv241's encoder: BPE over UTF-16 code units held in a small reused buffer, fed either from a string (copied in
// pieces) or from UTF-8 bytes (decoded in pieces, never made into a JS string: a file's text then costs neither
// TextDecoder's string, nor the fresh heap memory and garbage collection of a string of its size). Pieces are cut
// only where no merge and no special token can span the cut (see `findCut`), so encoding piece by piece gives
// exactly the ids of the whole text, and a giant word is still read in pieces that stay in the CPU caches.
import { findPair, type MergeTable } from '../bpe/merge-table.js';
import { mergeWord } from '../bpe/merge-word.js';
import { mergeWordLinear } from '../bpe/merge-word-linear.js';
import { WordCache } from '../bpe/word-cache.js';
import type { PairSet } from '../bpe/pair-set.js';
import { escapeInto, needsEscape } from '../lossless.js';
import { decodeUtf8Into } from '../utf8-units.js';
import { UNK_ID } from './specials.js';

/** What the encoder needs of a vocabulary's tables (shared by every tokenizer of the vocabulary in a thread). */
export interface EncoderTables {
  table: MergeTable;
  mergeCount: number;
  /** 1 where the code unit can take part in a merge; a mergeable unit is a monogram whose id is the unit */
  mergeable: Uint8Array;
  /** merges ordered longest result first: the linear-time merge applies */
  lengthOrdered: boolean;
  /** adjacent code-unit pairs that occur inside some token */
  innerPairs: PairSet;
  /** the special tokens, matched verbatim wherever they occur */
  specials: ReadonlyArray<readonly [string, number]>;
  /** 1 where a piece may start (see cutSafeUnits) */
  cutSafe: Uint8Array;
}

/**
 * Units before which a text can be cut without changing its encoding: not mergeable (the word before ends there),
 * in no special token (no special spans the cut) and not a surrogate (no pair is split).
 */
export function cutSafeUnits(mergeable: Uint8Array, specials: ReadonlyArray<readonly [string, number]>): Uint8Array {
  const safe = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) safe[c] = mergeable[c] || (c >= 0xd800 && c < 0xe000) ? 0 : 1;
  for (const [t] of specials) for (let j = 0; j < t.length; j++) safe[t.charCodeAt(j)] = 0;
  return safe;
}

/** Words longer than this are first cut at pair boundaries no token spans. */
const LINEAR_FROM = 24;
/** Ids per output chunk (256 KiB: stays in L2). */
const OUT_CHUNK = 1 << 16;
/** Code units per piece (128 KiB). */
const PIECE = 1 << 16;
/** The longest special token's length minus one: a special spanning a cut starts at most this far before it. */
const SPECIAL_REACH = 15;
/** A units buffer grown for a text without cuts ('abab…') is kept up to this many units (8 MiB). */
const KEEP_UNITS = 1 << 22;

/** A growable id buffer of the caller's: `ids[0, length)` are in use; encoding appends and may replace `ids`. */
export interface IdBuffer { ids: Uint32Array; length: number }

/** A special token as code units, for matching in the units buffer. */
interface Special { units: Uint16Array; id: number }

export class UnitEncoder {
  private readonly cache = new WordCache();
  private scratch = new Int32Array(256);
  private readonly outBuf = new Uint32Array(OUT_CHUNK);
  private units: Uint16Array = new Uint16Array(PIECE);
  /** specials starting with '<' and with '[', longest first */
  private readonly angle: Special[];
  private readonly square: Special[];
  // output of the call in progress: ids written to `out` up to `k`, full buffers copied out to `chunks`
  private out: Uint32Array = this.outBuf;
  private k = 0;
  private chunks: Uint32Array[] = [];
  /** the caller's buffer of the call in progress, if it gave one */
  private into: IdBuffer | null = null;
  /** units written by the last decodeUtf8Into call */
  private filled = 0;

  constructor(private readonly s: EncoderTables, private readonly lossless: boolean) {
    if (s.specials.some(([t]) => t.length > SPECIAL_REACH + 1)) throw new RangeError('UnitEncoder: a special token is longer than SPECIAL_REACH + 1');
    const by = (first: number) => s.specials.filter(([t]) => t.charCodeAt(0) === first)
      .map(([t, id]) => ({ units: Uint16Array.from(t, (ch) => ch.charCodeAt(0)), id }))
      .sort((a, b) => b.units.length - a.units.length);
    this.angle = by(0x3c);
    this.square = by(0x5b);
  }

  /** Ids of a string (flat: see the tokenizer's `flatten`); with `into`, appended there as encodeUtf8 does. */
  encodeString(text: string, into: IdBuffer | null = null): Uint32Array {
    const n = text.length;
    let pos = 0, carry = 0;
    this.begin(into);
    for (;;) {
      let u = this.units;
      const take = Math.min(n - pos, u.length - carry);
      for (let j = 0; j < take; j++) u[carry + j] = text.charCodeAt(pos + j);
      pos += take;
      const filled = carry + take;
      if (pos >= n) { this.scan(u, filled); break; }
      const cut = this.findCut(u, filled);
      if (cut === 0) { u = this.unitBuffer(2 * u.length, filled); carry = filled; continue; } // no cut: more room
      this.scan(u, cut);
      u.copyWithin(0, cut, filled);
      carry = filled - cut;
    }
    return this.finish();
  }

  /**
   * Ids of UTF-8 bytes, exactly those of `encodeString(new TextDecoder('utf-8', { fatal: true }).decode(bytes))`
   * (a leading byte order mark is dropped, as TextDecoder does), and the text's length in UTF-16 code units.
   * Invalid UTF-8 is a TypeError naming the byte offset. With `into`, the ids are appended to the caller's buffer
   * (grown when full) and the returned `ids` is a view of them there.
   */
  encodeUtf8(bytes: Uint8Array, into: IdBuffer | null = null): { ids: Uint32Array; chars: number } {
    const end = bytes.length;
    let pos = end >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    let carry = 0, chars = 0;
    this.begin(into);
    for (;;) {
      let u = this.units;
      pos = decodeUtf8Into(bytes, pos, u, carry, this);
      const filled = this.filled;
      if (pos >= end) { this.scan(u, filled); chars += filled; break; }
      const cut = this.findCut(u, filled);
      if (cut === 0) { u = this.unitBuffer(2 * u.length, filled); carry = filled; continue; }
      this.scan(u, cut);
      chars += cut;
      u.copyWithin(0, cut, filled);
      carry = filled - cut;
    }
    return { ids: this.finish(), chars };
  }

  /**
   * The last position p in [1, filled) before which the units can be cut without changing their encoding (0 if
   * none): a cut-safe unit, or, inside a run of mergeable units, a pair that occurs inside no token (so no merge
   * spans it, as encode's own cutting of long words) with no '<' or '[' close enough before it to start a special
   * token that spans it.
   */
  private findCut(u: Uint16Array, filled: number): number {
    const { cutSafe: safe, mergeable, innerPairs } = this.s;
    for (let p = filled - 1; p > 0; p--) {
      const c = u[p];
      if (safe[c]) return p;
      if (p > SPECIAL_REACH && mergeable[c] && mergeable[u[p - 1]] && !innerPairs.has(u[p - 1], c)) {
        let q = p - SPECIAL_REACH;
        while (q < p && u[q] !== 0x3c && u[q] !== 0x5b) q++;
        if (q === p) return p;
      }
    }
    return 0;
  }

  /** Called by decodeUtf8Into with the number of units it left in the buffer. */
  setFilled(n: number): void { this.filled = n; }

  /** A larger units buffer (at least `len` units) that starts with the current one's first `keep` units. */
  private unitBuffer(len: number, keep: number): Uint16Array {
    const u = new Uint16Array(Math.max(len, 2 * this.units.length));
    u.set(this.units.subarray(0, keep));
    this.units = u; // given back at the end of the call when above KEEP_UNITS
    return u;
  }

  /** Starts a call: ids go to `into` (after its `length` ids) or to the reused buffer and chunks. */
  private begin(into: IdBuffer | null): void {
    if (into && !(into.ids instanceof Uint32Array && Number.isInteger(into.length) && into.length >= 0 && into.length <= into.ids.length)) {
      throw new TypeError('encode: into must be { ids: Uint32Array, length: an integer in 0..ids.length }');
    }
    this.into = into;
    this.out = into ? into.ids : this.outBuf;
    this.k = into ? into.length : 0;
    this.chunks = [];
    if (into && into.ids.length - into.length < 4) this.k = this.makeRoom(this.k, 0);
  }

  /** Ends a call: the ids of the call (joined chunks, or a view of what was appended to `into`); state reset. */
  private finish(): Uint32Array {
    const { chunks, out, k, into } = this;
    this.chunks = [];
    this.out = this.outBuf;
    this.into = null;
    if (this.units.length > KEEP_UNITS) this.units = new Uint16Array(PIECE);
    if (into) { const from = into.length; into.length = k; return out.subarray(from, k); }
    if (chunks.length === 0) return out.slice(0, k);
    let total = k;
    for (const c of chunks) total += c.length;
    const ids = new Uint32Array(total);
    let at = 0;
    for (const c of chunks) { ids.set(c, at); at += c.length; }
    ids.set(out.subarray(0, k), at);
    return ids;
  }

  /** Encodes the units u[0, n) (a whole piece: no word or special crosses its end), appending to the output. */
  private scan(u: Uint16Array, n: number): void {
    const { mergeable } = this.s;
    // Ids go into a small reused buffer that stays in the CPU caches; a full buffer is copied out as one chunk,
    // and the chunks are joined at the end. (Writing into a fresh n-sized array instead costs page faults on
    // 4 bytes per input unit, about 2.5x the bytes of the result, and made time grow faster than the input.)
    let out = this.out;
    // Room kept free at every write for the longest single write that is not a word: three ids (an escape).
    let limit = out.length - 3;
    let k = this.k, wordStart = -1, hash = WordCache.SEED, i = 0;
    while (i < n) {
      const c = u[i];
      if (c === 0x3c || c === 0x5b) {
        const list = c === 0x3c ? this.angle : this.square;
        let hit = -1, len = 0;
        for (let q = 0; q < list.length; q++) {
          const t = list[q].units, m = t.length;
          if (i + m > n) continue;
          let j = 1;
          while (j < m && u[i + j] === t[j]) j++;
          if (j === m) { hit = list[q].id; len = m; break; }
        }
        if (hit >= 0) {
          if (wordStart >= 0) {
            if (k + i - wordStart > limit) { k = this.makeRoom(k, i - wordStart); out = this.out; limit = out.length - 3; }
            k = this.encodeWord(u, wordStart, i, hash, out, k); wordStart = -1;
          }
          if (k > limit) { k = this.makeRoom(k, 0); out = this.out; limit = out.length - 3; }
          out[k++] = hit; i += len; continue;
        }
      }
      if (mergeable[c]) {
        if (wordStart < 0) { wordStart = i; hash = WordCache.SEED; }
        hash = WordCache.step(hash, c);
        i++; continue;
      }
      if (wordStart >= 0) {
        if (k + i - wordStart > limit) { k = this.makeRoom(k, i - wordStart); out = this.out; limit = out.length - 3; }
        k = this.encodeWord(u, wordStart, i, hash, out, k); wordStart = -1;
      }
      if (k > limit) { k = this.makeRoom(k, 0); out = this.out; limit = out.length - 3; }
      if (c < 0xd800 || (c >= 0xf900 && c < 0xffff)) { out[k++] = c; i++; continue; } // a monogram: id = unit
      // Not in the vocabulary: a surrogate (pair or lone), PUA or U+FFFF.
      let cp = c, units = 1;
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
        const d = u[i + 1];
        if (d >= 0xdc00 && d < 0xe000) { cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); units = 2; }
      }
      if (this.lossless && needsEscape(cp)) k = escapeInto(cp, out, k);
      else out[k++] = UNK_ID;
      i += units;
    }
    if (wordStart >= 0) {
      if (k + n - wordStart > limit) { k = this.makeRoom(k, n - wordStart); out = this.out; }
      k = this.encodeWord(u, wordStart, n, hash, out, k);
    }
    this.k = k;
  }

  /**
   * Makes room in `this.out` for `need` ids plus the 3 of any single write after `k` ids; returns the new fill.
   * Into a caller's buffer: a larger copy of it. Else the ids so far go to a chunk and the reused buffer starts
   * again (or, for a giant word, a buffer of its own).
   */
  private makeRoom(k: number, need: number): number {
    const out = this.out;
    if (this.into) {
      const grown = new Uint32Array(Math.max(2 * out.length, k + need + 64));
      grown.set(out.subarray(0, k));
      this.out = this.into.ids = grown;
      return k;
    }
    if (k > 0) this.chunks.push(out === this.outBuf ? out.slice(0, k) : out.subarray(0, k));
    this.out = need + 3 > this.outBuf.length ? new Uint32Array(need + 16) : this.outBuf;
    return 0;
  }

  /** BPE of u[from, to), a run of mergeable BMP code units whose FNV hash is `hash`; writes at out[k]. */
  private encodeWord(u: Uint16Array, from: number, to: number, hash: number, out: Uint32Array, k: number): number {
    const len = to - from;
    if (len === 1) { out[k] = u[from]; return k + 1; } // mergeable units are their own ids
    if (len <= 3 && this.s.lengthOrdered) return this.encodeShortWord(u, from, len, out, k);
    if (len > LINEAR_FROM) return this.encodeLongWord(u, from, to, out, k);
    const hit = this.cache.get(u, from, to, hash, out, k);
    if (hit >= 0) return hit;
    return this.mergeInto(u, from, to, hash, out, k);
  }

  /**
   * Two or three units, merged directly (cheaper than a cache lookup). With length-ordered merges this is what
   * mergeWordLinear does: the lower-ranked of the two initial pairs (ties: the left one) merges, then the new
   * token merges with the remaining unit if that pair merges.
   */
  private encodeShortWord(u: Uint16Array, from: number, len: number, out: Uint32Array, k: number): number {
    const table = this.s.table;
    const e = table.entries, mask = table.mask;
    const a = u[from], b = u[from + 1]; // mergeable units are their own ids
    const ab = findPair(e, mask, a, b);
    if (len === 2) {
      if (ab >= 0) { out[k] = e[ab + 3]; return k + 1; }
      out[k] = a; out[k + 1] = b; return k + 2;
    }
    const c = u[from + 2];
    const bc = findPair(e, mask, b, c);
    if (ab >= 0 && (bc < 0 || e[ab + 2] <= e[bc + 2])) {
      const m = e[ab + 3];
      const abc = findPair(e, mask, m, c);
      if (abc >= 0) { out[k] = e[abc + 3]; return k + 1; }
      out[k] = m; out[k + 1] = c; return k + 2;
    }
    if (bc >= 0) {
      const m = e[bc + 3];
      const abc = findPair(e, mask, a, m);
      if (abc >= 0) { out[k] = e[abc + 3]; return k + 1; }
      out[k] = a; out[k + 1] = m; return k + 2;
    }
    out[k] = a; out[k + 1] = b; out[k + 2] = c; return k + 3;
  }

  /**
   * A long run is first cut where two adjacent characters never occur next to each other inside any token: no
   * merge can cross such a point, so the pieces are independent (and short pieces hit the cache). What remains
   * long ('aaaa…') goes through the linear-time merge.
   */
  private encodeLongWord(u: Uint16Array, from: number, to: number, out: Uint32Array, k: number): number {
    const pairs = this.s.innerPairs;
    let start = from, hash = WordCache.step(WordCache.SEED, u[from]);
    for (let j = from + 1; j <= to; j++) {
      const c = j < to ? u[j] : 0;
      if (j === to || !pairs.has(u[j - 1], c)) {
        const len = j - start;
        if (len === 1) out[k++] = u[start];
        else k = this.mergeInto(u, start, j, hash, out, k, false);
        start = j; hash = WordCache.SEED;
      }
      hash = WordCache.step(hash, c);
    }
    return k;
  }

  private mergeInto(u: Uint16Array, from: number, to: number, hash: number, out: Uint32Array, k: number, cache = true): number {
    const len = to - from;
    if (this.scratch.length < len) this.scratch = new Int32Array(Math.max(len, this.scratch.length * 2));
    const ids = this.scratch;
    for (let j = 0; j < len; j++) ids[j] = u[from + j]; // mergeable units are their own ids
    const m = this.s.lengthOrdered
      ? mergeWordLinear(this.s.table, ids, len, this.s.mergeCount)
      : mergeWord(this.s.table, ids, len);
    if (cache) this.cache.set(u, from, to, hash, ids, m);
    for (let j = 0; j < m; j++) out[k + j] = ids[j];
    return k + m;
  }
}
