// The bvv241 tokenizers (bvv241-2-3, bvv241-max, bvv241-abs): exact re-implementations of the reference
// tokenizer.json (BPE over the whole text, no pre-tokenizer, specials matched verbatim, one <unk> per unknown
// code point), with a word cache and boundary splitting that keep encoding linear, and an optional lossless mode.
import type { Tokenizer } from '../types.js';
import { MergeTable } from '../bpe/merge-table.js';
import { mergeWord } from '../bpe/merge-word.js';
import { IdBuffer, checkIds, checkText } from '../ids.js';
import { escapeIds, needsEscape, readEscape } from '../lossless.js';
import { bpeTokenizerJson } from '../hf/export-json.js';
import { sha256String } from '../sha256.js';
import {
  FILLER_FIRST, FILLER_LAST, SPECIAL_BASE, SPECIAL_TOKENS, UNK_ID, bvv241Layout, bvv241Merges,
  type Bvv241Layout, type Bvv241Variant,
} from './layout.js';

export interface Bvv241Options {
  /** Escape characters the reference maps to <unk> so that decode(encode(s)) === s for every string. */
  lossless?: boolean;
}

interface Shared {
  layout: Bvv241Layout;
  tokenToId: Map<string, number>;
  merges: Array<[number, number, number]>;
  table: MergeTable;
  /** id of each BMP code unit as a single-char token, or -1 */
  charId: Int32Array;
  /** 1 where the code unit can take part in a merge (appears in a multi-char token and is in the vocabulary) */
  mergeable: Uint8Array;
  /** specials by first char ('<' or '['), longest first */
  specialsByFirst: Map<number, Array<[string, number]>>;
}

const shared = new Map<string, Shared>();

function getShared(variant: Bvv241Variant): Shared {
  const key = variant === 'abs' ? 'max' : variant;
  let s = shared.get(key);
  if (s) return s;
  const layout = bvv241Layout(variant);
  const tokenToId = new Map<string, number>();
  layout.tokens.forEach((t, id) => { if (!tokenToId.has(t)) tokenToId.set(t, id); });
  const merges = bvv241Merges(layout, tokenToId);
  const charId = new Int32Array(0x10000).fill(-1);
  for (let c = 0; c < 0x10000; c++) {
    const id = tokenToId.get(String.fromCharCode(c));
    if (id !== undefined && !(c >= 0xd800 && c < 0xe000)) charId[c] = id;
  }
  const mergeable = new Uint8Array(0x10000);
  for (const g of layout.ngrams) for (let k = 0; k < g.length; k++) { const c = g.charCodeAt(k); if (charId[c] >= 0) mergeable[c] = 1; }
  const specialsByFirst = new Map<number, Array<[string, number]>>();
  SPECIAL_TOKENS.forEach((t, k) => {
    const c = t.charCodeAt(0);
    if (!specialsByFirst.has(c)) specialsByFirst.set(c, []);
    specialsByFirst.get(c)!.push([t, SPECIAL_BASE + k]);
  });
  for (const list of specialsByFirst.values()) list.sort((a, b) => b[0].length - a[0].length);
  s = { layout, tokenToId, merges, table: new MergeTable(merges), charId, mergeable, specialsByFirst };
  shared.set(key, s);
  return s;
}

const CACHE_MAX_WORD = 64;
const CACHE_MAX_ENTRIES = 1 << 17;

export class Bvv241Tokenizer implements Tokenizer {
  readonly name: string;
  readonly vocabSize: number;
  readonly specialTokens: Readonly<Record<string, number>>;
  readonly lossless: boolean;
  readonly variant: Bvv241Variant;
  private readonly s: Shared;
  private readonly cache = new Map<string, Int32Array>();
  private scratch = new Int32Array(256);
  private fp: string | undefined;

  constructor(variant: Bvv241Variant, options: Bvv241Options = {}) {
    if (variant !== '2-3' && variant !== 'max' && variant !== 'abs') {
      throw new RangeError(`unknown bvv241 variant ${JSON.stringify(variant)}: expected '2-3', 'max' or 'abs'`);
    }
    this.variant = variant;
    this.s = getShared(variant);
    this.lossless = options.lossless === true;
    this.name = `bvv241-${variant}${this.lossless ? '+lossless' : ''}`;
    this.vocabSize = this.s.layout.vocabSize;
    const specials: Record<string, number> = {};
    SPECIAL_TOKENS.forEach((t, k) => { specials[t] = SPECIAL_BASE + k; });
    this.specialTokens = Object.freeze(specials);
  }

  get fingerprint(): string {
    // abs shares max's vocabulary and encodes identically, so it shares the fingerprint's vocabulary part.
    this.fp ??= sha256String(`glyphlm-tokenizer/bvv241/${this.variant === 'abs' ? 'max' : this.variant}/` +
      `lossless=${this.lossless}\n${this.s.layout.tokens.join('\n')}`);
    return this.fp;
  }

  /** The merge list in rank order, as token strings. */
  merges(): Array<[string, string]> {
    const t = this.s.layout.tokens;
    return this.s.merges.map(([a, b]) => [t[a], t[b]]);
  }

  encode(text: string): Uint32Array {
    checkText(text);
    const { charId, mergeable, specialsByFirst } = this.s;
    const out = new IdBuffer(text.length + 16);
    const n = text.length;
    let wordStart = -1;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x3c || c === 0x5b) {
        const list = specialsByFirst.get(c)!;
        let hit = -1, len = 0;
        for (const [t, id] of list) if (text.startsWith(t, i)) { hit = id; len = t.length; break; }
        if (hit >= 0) {
          if (wordStart >= 0) { this.encodeWord(text, wordStart, i, out); wordStart = -1; }
          out.push(hit); i += len; continue;
        }
      }
      if (mergeable[c]) { if (wordStart < 0) wordStart = i; i++; continue; }
      if (wordStart >= 0) { this.encodeWord(text, wordStart, i, out); wordStart = -1; }
      const id = charId[c];
      if (id >= 0) { out.push(id); i++; continue; }
      // Not in the vocabulary: a surrogate (pair or lone), PUA or U+FFFF.
      let cp = c, units = 1;
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d < 0xe000) { cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); units = 2; }
      }
      if (this.lossless && needsEscape(cp)) escapeIds(cp, out);
      else out.push(UNK_ID);
      i += units;
    }
    if (wordStart >= 0) this.encodeWord(text, wordStart, n, out);
    return out.result();
  }

  /** BPE of text[from, to), a run of mergeable BMP code units. */
  private encodeWord(text: string, from: number, to: number, out: IdBuffer): void {
    const len = to - from;
    if (len === 1) { out.push(this.s.charId[text.charCodeAt(from)]); return; }
    const cacheable = len <= CACHE_MAX_WORD;
    let key = '';
    if (cacheable) {
      key = text.slice(from, to);
      const hit = this.cache.get(key);
      if (hit) { out.pushAll(hit); return; }
    }
    if (this.scratch.length < len) this.scratch = new Int32Array(Math.max(len, this.scratch.length * 2));
    const ids = this.scratch;
    const charId = this.s.charId;
    for (let k = 0; k < len; k++) ids[k] = charId[text.charCodeAt(from + k)];
    const m = mergeWord(this.s.table, ids, len);
    if (cacheable) {
      if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.clear();
      this.cache.set(key, ids.slice(0, m));
    }
    out.pushAll(ids, m);
  }

  decode(ids: ArrayLike<number>): string {
    checkIds(ids, this.vocabSize);
    const tokens = this.s.layout.tokens;
    const parts: string[] = new Array(ids.length);
    let k = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (this.lossless && id >= FILLER_FIRST && id <= FILLER_LAST) {
        const esc = readEscape(ids, i);
        if (esc) { parts[k++] = esc[0]; i += esc[1] - 1; continue; }
      }
      parts[k++] = tokens[id];
    }
    parts.length = k;
    return parts.join('');
  }

  tokenString(id: number): string {
    checkIds([id], this.vocabSize);
    return this.s.layout.tokens[id];
  }

  isSpecial(id: number): boolean {
    checkIds([id], this.vocabSize);
    const t = this.s.layout.tokens[id];
    return (id >= SPECIAL_BASE && id <= FILLER_LAST) || (t.startsWith('<unused_') && t === `<unused_${id}>`);
  }

  toHuggingFaceJSON(): string {
    const t = this.s.layout.tokens;
    return bpeTokenizerJson({
      tokens: t,
      merges: this.s.merges.map(([a, b]) => [t[a], t[b]] as const),
      unkToken: '<unk>',
      addedTokens: SPECIAL_TOKENS.map((content, k) => ({ id: SPECIAL_BASE + k, content, special: true })),
      decoder: { type: 'Sequence', decoders: [] },
    });
  }
}

/** The bvv241 tokenizers of the paper: '2-3' (65,536 ids), 'max' and 'abs' (131,072 ids, same vocabulary). */
export function bvv241(variant: Bvv241Variant = '2-3', options: Bvv241Options = {}): Bvv241Tokenizer {
  return new Bvv241Tokenizer(variant, options);
}
