// The bvv241 tokenizers (bvv241-2-3, bvv241-max, bvv241-abs): exact re-implementations of the reference
// tokenizer.json (BPE over the whole text, no pre-tokenizer, specials matched verbatim, one <unk> per unknown
// code point), with a word cache and boundary splitting that keep encoding linear, and an optional lossless mode.
import type { Tokenizer } from '../types.js';
import { MergeTable } from '../bpe/merge-table.js';
import { badId, checkIds, checkText, unitsToString } from '../ids.js';
import { PairSet } from '../bpe/pair-set.js';
import { readEscape } from '../lossless.js';
import { bpeTokenizerJson } from '../hf/export-json.js';
import { sha256String } from '../sha256.js';
import { Utf8Fill } from '../wasm/utf8-fill.js';
import { UnitEncoder, type IdBuffer } from './encoder.js';
import { PRIMING_TEXT, sharedFromTables, specialTables, type Bvv241Tables, type TransferredTables } from './tables.js';
import {
  FILLER_FIRST, FILLER_LAST, SPECIAL_BASE, SPECIAL_TOKENS, bvv241Layout, bvv241MergeTriples, bvv241MergesFromNgrams, bvv241Ngrams,
  monogramId, type Bvv241Layout, type Bvv241Variant,
} from './layout.js';

export type { Bvv241Tables } from './tables.js';

export interface Bvv241Options {
  /** Escape characters the reference maps to <unk> so that decode(encode(s)) === s for every string. */
  lossless?: boolean;
  /**
   * The encoding tables of the same vocabulary from another thread's tokenizer (`encodingTables()`), used instead
   * of building them (a worker thread then starts encoding ~0.1 s sooner). Ignored when this thread already has them.
   */
  tables?: Bvv241Tables;
}

interface Utf8Pool { offsets: Int32Array; bytes: Uint8Array; lens: Uint8Array; words: Uint32Array }

const utf8 = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

interface Shared extends TransferredTables {
  /** the whole id layout (token strings), built on first use: encoding does not need it */
  layout?: Bvv241Layout;
  /** the merge list (rank order), made on first use when the tables came from another thread */
  merges?: Array<[number, number, number]>;
  utf8?: Utf8Pool;
  /** the wasm decode kernel's tables, default and lossless mode (null: no wasm SIMD here) */
  fill?: Utf8Fill | null;
  fillLossless?: Utf8Fill | null;
  poolOffsets?: Int32Array;
  poolUnits?: Uint16Array;
  /** whether PRIMING_TEXT has been encoded in this thread */
  primed?: boolean;
}

const shared = new Map<string, Shared>();

/**
 * The encoding tables of a vocabulary, built from its n-grams alone (typed arrays and one small map; the 65,536
 * or 131,072 token strings of the layout are made only when decoding or listing tokens needs them).
 */
function getShared(variant: Bvv241Variant, tables?: Bvv241Tables): Shared {
  const key = variant === 'abs' ? 'max' : variant;
  let s = shared.get(key);
  if (s) return s;
  if (tables) {
    s = sharedFromTables(key, tables);
    shared.set(key, s);
    return s;
  }
  const { ngrams, ids } = bvv241Ngrams(key);
  const triples = bvv241MergeTriples(key); // flat (left, right, merged) in rank order; the tuples only on demand
  const mergeCount = triples.length / 3;
  const mergeable = new Uint8Array(0x10000);
  const innerPairs = new PairSet(2 * ngrams.length);
  // a merge's result is the n-gram it was made from, so its length is that n-gram's (the first n-gram of an id)
  const resultLength = new Int32Array(key === '2-3' ? 0x10000 : 0x20000);
  for (let k = 0; k < ngrams.length; k++) {
    const g = ngrams[k];
    if (resultLength[ids[k]] === 0) resultLength[ids[k]] = g.length;
    let prev = g.charCodeAt(0);
    if (monogramId(prev) >= 0) mergeable[prev] = 1;
    for (let j = 1; j < g.length; j++) {
      const c = g.charCodeAt(j);
      if (monogramId(c) >= 0) mergeable[c] = 1;
      innerPairs.add(prev, c);
      prev = c;
    }
  }
  let lengthOrdered = true;
  for (let r = 1; r < mergeCount && lengthOrdered; r++) lengthOrdered = resultLength[triples[3 * r + 2]] <= resultLength[triples[3 * r - 1]];
  s = {
    variant: key, vocabSize: key === '2-3' ? 0x10000 : 0x20000, mergeCount, table: MergeTable.fromTriples(triples),
    mergeable, lengthOrdered, innerPairs, ...specialTables(mergeable),
  };
  shared.set(key, s);
  return s;
}

/** The merge list of the shared tables (rebuilt from the n-grams when the tables came from another thread). */
function mergesOf(s: Shared): Array<[number, number, number]> {
  s.merges ??= bvv241MergesFromNgrams(s.variant);
  return s.merges;
}

/**
 * sha256 of the vocabulary text that `fingerprint` stands for (abs shares max's vocabulary and encodes
 * identically, so it shares max's fingerprint). Computed once and kept below: hashing the token list in portable
 * JS costs ~60 ms at every start; golden.test.ts recomputes each value.
 */
export function computeFingerprint(variant: '2-3' | 'max', lossless: boolean): string {
  return sha256String(`glyphlm-tokenizer/bvv241/${variant}/lossless=${lossless}\n${bvv241Layout(variant).tokens.join('\n')}`);
}

export const FINGERPRINTS: Readonly<Record<string, string>> = {
  '2-3/lossless=false': 'c0462b635350545a19eaab2700e7370bf8d66341ce1b30cfc89c9bf8071ec2d9',
  '2-3/lossless=true': '26e37481165782de5de8601a32a5e71a808ac0b187e7adbc389265411548fcde',
  'max/lossless=false': 'ef04742618cdd0ce5ea0acd37d982d051a825423289afcbcaac75973dc212713',
  'max/lossless=true': 'a66d6664edb6d899e59068263fb4e1e9b92e5ee993198610522fc354538e861b',
};

/** The token strings of the shared tables' vocabulary (built once, on first use). */
function layoutOf(s: Shared): Bvv241Layout {
  s.layout ??= bvv241Layout(s.variant);
  return s.layout;
}


export class Bvv241Tokenizer implements Tokenizer {
  readonly name: string;
  readonly vocabSize: number;
  readonly specialTokens: Readonly<Record<string, number>>;
  readonly lossless: boolean;
  readonly variant: Bvv241Variant;
  private readonly s: Shared;
  private readonly encoder: UnitEncoder;
  private fp: string | undefined;

  constructor(variant: Bvv241Variant, options: Bvv241Options = {}) {
    if (variant !== '2-3' && variant !== 'max' && variant !== 'abs') {
      throw new RangeError(`unknown bvv241 variant ${JSON.stringify(variant)}: expected '2-3', 'max' or 'abs'`);
    }
    this.variant = variant;
    this.s = getShared(variant, options.tables);
    this.lossless = options.lossless === true;
    this.encoder = new UnitEncoder(this.s, this.lossless);
    this.name = `bvv241-${variant}${this.lossless ? '+lossless' : ''}`;
    this.vocabSize = this.s.vocabSize;
    const specials: Record<string, number> = {};
    SPECIAL_TOKENS.forEach((t, k) => { specials[t] = SPECIAL_BASE + k; });
    this.specialTokens = Object.freeze(specials);
    if (!this.s.primed) { this.s.primed = true; this.encode(PRIMING_TEXT); this.encodeUtf8(utf8Encoder.encode(PRIMING_TEXT)); }
  }

  get fingerprint(): string {
    this.fp ??= FINGERPRINTS[`${this.s.variant}/lossless=${this.lossless}`] ?? computeFingerprint(this.s.variant, this.lossless);
    return this.fp;
  }

  /**
   * This vocabulary's encoding tables (shared, do not modify), for `bvv241(variant, { tables })` in another thread:
   * structured clone copies them (~1 MB for 2-3) in far less time than building them.
   */
  encodingTables(): Bvv241Tables {
    const s = this.s;
    return {
      variant: s.variant, mergeEntries: s.table.entries, mergeCount: s.mergeCount, lengthOrdered: s.lengthOrdered,
      mergeable: s.mergeable, innerPairs: s.innerPairs.slots(),
    };
  }

  /** The merge list in rank order, as token strings. */
  merges(): Array<[string, string]> {
    const t = layoutOf(this.s).tokens;
    return mergesOf(this.s).map(([a, b]) => [t[a], t[b]]);
  }

  /**
   * The ids of a text. With `into` ({ ids, length }: a buffer of the caller's), they are appended at `length` as
   * `encodeUtf8(bytes, into)` appends them (`ids` replaced by a larger copy when full, `length` advanced) and the
   * returned array is a view of them there: a corpus can be encoded straight into its token stream.
   */
  encode(text: string, into?: IdBuffer): Uint32Array {
    checkText(text);
    flatten(text);
    return this.encoder.encodeString(text, into ?? null);
  }

  /**
   * Encodes UTF-8 bytes without making a JS string of them (faster for file contents): the ids are exactly
   * `encode(new TextDecoder('utf-8', { fatal: true }).decode(bytes))` (a leading byte order mark is dropped) and
   * `chars` is that text's length in UTF-16 code units. Invalid UTF-8 is a TypeError naming the byte offset.
   * With `into` ({ ids, length }: a buffer of the caller's), the ids are appended at `length` (`ids` replaced by a
   * larger copy when full, `length` advanced) and the returned `ids` is a view of them: a batch of files then needs
   * no array per file.
   */
  encodeUtf8(bytes: Uint8Array, into?: IdBuffer): { ids: Uint32Array; chars: number } {
    if (!(bytes instanceof Uint8Array)) throw new TypeError(`encodeUtf8 expects a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
    return this.encoder.encodeUtf8(bytes, into ?? null);
  }

  decode(ids: ArrayLike<number>): string {
    if (ids == null || typeof (ids as { length?: unknown }).length !== 'number') checkIds(ids, this.vocabSize);
    return this.decodeUtf8(ids) ?? this.decodeUtf16(ids);
  }

  /**
   * Fast path: each token's UTF-8 bytes concatenated by the wasm fill kernel (wasm/utf8-fill.ts), decoded by
   * TextDecoder; the JS loop below where wasm SIMD is missing. Returns null if a lossless escape yields a lone
   * surrogate, which UTF-8 cannot carry.
   */
  private decodeUtf8(ids: ArrayLike<number>): string | null {
    const fill = this.fillKernel();
    if (!fill) return this.decodeUtf8Js(ids);
    const u = this.utf8Pool();
    return fill.decode(ids, (all, i) => {
      const id = all[i];
      if (this.lossless && id >= FILLER_FIRST && id <= FILLER_LAST) {
        const esc = readEscape(all, i);
        if (esc) {
          const [t, used] = esc;
          const c = t.charCodeAt(0);
          if (t.length === 1 && c >= 0xd800 && c < 0xe000) return null;
          return { bytes: utf8Encoder.encode(t), used };
        }
      }
      return { bytes: u.bytes.subarray(u.offsets[id], u.offsets[id + 1]), used: 1 };
    });
  }

  private fillKernel(): Utf8Fill | null {
    const key = this.lossless ? 'fillLossless' : 'fill';
    if (this.s[key] === undefined) {
      const u = this.utf8Pool();
      const lossless = this.lossless;
      this.s[key] = Utf8Fill.create(this.vocabSize, (id) => u.bytes.subarray(u.offsets[id], u.offsets[id + 1]),
        (id) => lossless && id >= FILLER_FIRST && id <= FILLER_LAST);
    }
    return this.s[key]!;
  }

  /** The same in JS: token bytes (up to 16 written as 32-bit words) into one buffer, one TextDecoder call. */
  private decodeUtf8Js(ids: ArrayLike<number>): string | null {
    const u = this.utf8Pool();
    const V = this.vocabSize, n = ids.length;
    let out: Uint8Array = new Uint8Array(n * 8 + 64);
    let view = new DataView(out.buffer);
    let k = 0;
    const escFirst = this.lossless ? FILLER_FIRST : V; // no id is an escape outside lossless mode
    const { lens, words } = u;
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      if (!(id >= 0 && id < V && (id | 0) === id)) badId(id, i, V);
      if (k + 16 > out.length) { out = grow8(out, k + 16); view = new DataView(out.buffer); }
      const len = lens[id];
      const escape = id >= escFirst && id <= FILLER_LAST;
      if (len <= 16 && !escape) {
        const w = id * 4;
        view.setUint32(k, words[w], true);
        if (len > 4) {
          view.setUint32(k + 4, words[w + 1], true);
          if (len > 8) { view.setUint32(k + 8, words[w + 2], true); view.setUint32(k + 12, words[w + 3], true); }
        }
        k += len;
        continue;
      }
      if (escape) {
        const esc = readEscape(ids, i);
        if (esc) {
          const [t, used] = esc;
          const c = t.charCodeAt(0);
          if (t.length === 1 && c >= 0xd800 && c < 0xe000) return null;
          const cp = t.codePointAt(0)!;
          if (cp < 0x10000) { out[k++] = 0xe0 | (cp >> 12); out[k++] = 0x80 | ((cp >> 6) & 63); out[k++] = 0x80 | (cp & 63); }
          else { out[k++] = 0xf0 | (cp >> 18); out[k++] = 0x80 | ((cp >> 12) & 63); out[k++] = 0x80 | ((cp >> 6) & 63); out[k++] = 0x80 | (cp & 63); }
          i += used - 1;
          continue;
        }
      }
      let a = u.offsets[id];
      const b = u.offsets[id + 1];
      if (k + (b - a) > out.length) { out = grow8(out, k + (b - a)); view = new DataView(out.buffer); }
      for (; a < b; a++) out[k++] = u.bytes[a];
    }
    return utf8.decode(out.subarray(0, k));
  }

  /** Slow path for lossless output with lone surrogates: UTF-16 code units. */
  private decodeUtf16(ids: ArrayLike<number>): string {
    const { poolOffsets: off, poolUnits: pool } = this.pool();
    const V = this.vocabSize, n = ids.length;
    let out: Uint16Array = new Uint16Array(n * 2 + 64);
    let k = 0, loneSurrogates = false;
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      if (!(id >= 0 && id < V && (id | 0) === id)) badId(id, i, V);
      let a = off[id];
      const b = off[id + 1];
      if (this.lossless && id >= FILLER_FIRST && id <= FILLER_LAST) {
        const esc = readEscape(ids, i);
        if (esc) {
          const [t, used] = esc;
          if (k + 2 > out.length) out = grow16(out, k + 2);
          out[k++] = t.charCodeAt(0);
          if (t.length === 2) out[k++] = t.charCodeAt(1); else if (t.charCodeAt(0) >= 0xd800 && t.charCodeAt(0) < 0xe000) loneSurrogates = true;
          i += used - 1;
          continue;
        }
      }
      if (k + (b - a) > out.length) out = grow16(out, k + (b - a));
      for (; a < b; a++) out[k++] = pool[a];
    }
    return unitsToString(out, k, loneSurrogates);
  }

  /** Every token's UTF-8 bytes: a pool with offsets, lengths, and the first 16 bytes as four little-endian words. */
  private utf8Pool(): Utf8Pool {
    if (!this.s.utf8) {
      const t = layoutOf(this.s).tokens, V = t.length;
      const enc = new TextEncoder();
      const each = t.map((x) => enc.encode(x));
      const offsets = new Int32Array(V + 1);
      for (let id = 0; id < V; id++) offsets[id + 1] = offsets[id] + each[id].length;
      const bytes = new Uint8Array(offsets[V]);
      const lens = new Uint8Array(V), words = new Uint32Array(V * 4);
      for (let id = 0; id < V; id++) {
        const b = each[id];
        bytes.set(b, offsets[id]);
        lens[id] = Math.min(255, b.length);
        for (let j = 0; j < Math.min(16, b.length); j++) words[id * 4 + (j >> 2)] |= b[j] << (8 * (j & 3));
      }
      this.s.utf8 = { offsets, bytes, lens, words };
    }
    return this.s.utf8;
  }

  /** All token strings as one UTF-16 pool with offsets (built on first decode). */
  private pool(): { poolOffsets: Int32Array; poolUnits: Uint16Array } {
    if (!this.s.poolUnits) {
      const t = layoutOf(this.s).tokens;
      const off = new Int32Array(t.length + 1);
      for (let id = 0; id < t.length; id++) off[id + 1] = off[id] + t[id].length;
      const units = new Uint16Array(off[t.length]);
      for (let id = 0; id < t.length; id++) for (let j = 0; j < t[id].length; j++) units[off[id] + j] = t[id].charCodeAt(j);
      this.s.poolOffsets = off;
      this.s.poolUnits = units;
    }
    return { poolOffsets: this.s.poolOffsets!, poolUnits: this.s.poolUnits };
  }

  tokenString(id: number): string {
    checkIds([id], this.vocabSize);
    return layoutOf(this.s).tokens[id];
  }

  isSpecial(id: number): boolean {
    checkIds([id], this.vocabSize);
    const t = layoutOf(this.s).tokens[id];
    return (id >= SPECIAL_BASE && id <= FILLER_LAST) || (t.startsWith('<unused_') && t === `<unused_${id}>`);
  }

  toHuggingFaceJSON(): string {
    const t = layoutOf(this.s).tokens;
    return bpeTokenizerJson({
      tokens: t,
      merges: mergesOf(this.s).map(([a, b]) => [t[a], t[b]] as const),
      unkToken: '<unk>',
      addedTokens: SPECIAL_TOKENS.map((content, k) => ({ id: SPECIAL_BASE + k, content, special: true })),
      decoder: { type: 'Sequence', decoders: [] },
    });
  }
}

/**
 * Strings built by concatenation are rope-like "cons strings" in V8, and reading them code unit by code unit is
 * about 2x slower than reading a flat string. Converting to a number makes the engine flatten the string in place
 * (the trick of the `flatstr` package); the result is discarded.
 */
function flatten(text: string): void {
  if (text.length > 64) void Number(text);
}

function grow8(a: Uint8Array, min: number): Uint8Array {
  const b = new Uint8Array(Math.max(min, a.length * 2));
  b.set(a);
  return b;
}

function grow16(a: Uint16Array, min: number): Uint16Array {
  const b = new Uint16Array(Math.max(min, a.length * 2));
  b.set(a);
  return b;
}

/** The bvv241 tokenizers of the paper: '2-3' (65,536 ids), 'max' and 'abs' (131,072 ids, same vocabulary). */
export function bvv241(variant: Bvv241Variant = '2-3', options: Bvv241Options = {}): Bvv241Tokenizer {
  return new Bvv241Tokenizer(variant, options);
}
