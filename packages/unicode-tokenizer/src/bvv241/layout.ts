// The bvv241 id layout (reference-impl §1.1): low BMP monograms, 23 specials, filler specials, high BMP monograms,
// n-grams in the surrogate range, the rest of the Private Use Area and (max/abs) plane 1, then <unused_N> padding.
import { NGRAMS_2_3, NGRAMS_MAX } from '../generated/bvv241-ngrams.js';
import { FILLER_FIRST, FILLER_LAST, SPECIAL_BASE, SPECIAL_TOKENS, monogramId } from './specials.js';

export { FILLER_FIRST, FILLER_LAST, SPECIAL_BASE, SPECIAL_TOKENS, UNK_ID, monogramId } from './specials.js';

export type Bvv241Variant = '2-3' | 'max' | 'abs';

export interface Bvv241Layout {
  readonly variant: Bvv241Variant;
  readonly vocabSize: number;
  /** id -> token string */
  readonly tokens: string[];
  /** the placed n-grams in rank order (longest first, then code-point order) */
  readonly ngrams: string[];
}

const cache = new Map<string, Bvv241Layout>();

export function bvv241Layout(variant: Bvv241Variant): Bvv241Layout {
  const key = variant === 'abs' ? 'max' : variant;
  let layout = cache.get(key);
  if (!layout) { layout = buildLayout(key as '2-3' | 'max'); cache.set(key, layout); }
  return variant === layout.variant ? layout : { ...layout, variant };
}

/** The n-gram slots of each vocabulary: [first id, end id) ranges filled in rank order. */
function ngramSlots(variant: '2-3' | 'max'): Array<[number, number]> {
  const slots: Array<[number, number]> = [[0xd800, 0xe000], [0xe100, 0xf900]];
  if (variant === 'max') slots.push([0x10000, 0x1ffff]);
  return slots;
}

export interface Bvv241Ngrams {
  /** the placed n-grams in rank order */
  readonly ngrams: string[];
  /** the id of each n-gram */
  readonly ids: Int32Array;
}

const ngramCache = new Map<string, Bvv241Ngrams>();

/** The n-grams and their ids, without building the whole token list (what encoding needs). */
export function bvv241Ngrams(variant: Bvv241Variant): Bvv241Ngrams {
  const key = variant === 'abs' ? 'max' : variant;
  let r = ngramCache.get(key);
  if (r) return r;
  const ngrams = (key === '2-3' ? NGRAMS_2_3 : NGRAMS_MAX).split('\n');
  const ids = new Int32Array(ngrams.length);
  let k = 0;
  for (const [from, to] of ngramSlots(key as '2-3' | 'max')) for (let id = from; id < to && k < ngrams.length; id++) ids[k++] = id;
  if (k !== ngrams.length) throw new Error(`bvv241-${key}: ${ngrams.length - k} n-grams did not fit`);
  r = { ngrams, ids };
  ngramCache.set(key, r);
  return r;
}

/**
 * bvv241Merges computed from the n-grams alone: a half of one code unit is a monogram, a longer half is looked up
 * among the multi-unit tokens (n-grams and specials) by the lowest id, as a token-to-id map over the whole layout
 * does (a test checks that both give the same list).
 */
export function bvv241MergesFromNgrams(variant: Bvv241Variant): Array<[number, number, number]> {
  const key = variant === 'abs' ? 'max' : variant;
  const cached = mergeCache.get(key);
  if (cached) return cached;
  const triples = bvv241MergeTriples(key);
  const merges: Array<[number, number, number]> = new Array(triples.length / 3);
  for (let r = 0; r < merges.length; r++) merges[r] = [triples[3 * r], triples[3 * r + 1], triples[3 * r + 2]];
  mergeCache.set(key, merges);
  return merges;
}

const mergeCache = new Map<string, Array<[number, number, number]>>();
const tripleCache = new Map<string, Int32Array>();

/**
 * The same merge list as flat (left, right, merged) triples in rank order: what the encoding tables are built from.
 * It runs once per thread, in cold code, so it avoids what the interpreter is slow at (array destructuring,
 * Map lookups by keys above 2^30, a tuple per merge): two-unit tokens go into an open-addressing Int32 table,
 * only tokens of three or more units into a Map by string.
 */
export function bvv241MergeTriples(variant: Bvv241Variant): Int32Array {
  const key = variant === 'abs' ? 'max' : variant;
  const cached = tripleCache.get(key);
  if (cached) return cached;
  const { ngrams, ids } = bvv241Ngrams(key);
  const n = ngrams.length;
  let cap = 1 << 10;
  while (cap < 2 * n) cap <<= 1;
  const mask = cap - 1;
  const pairKeys = new Int32Array(cap); // (a << 16 | b) + 1; 0 marks an empty slot
  const pairIds = new Int32Array(cap);
  const slotOf = (a: number, b: number): number => {
    const k = ((a << 16) | b) + 1 | 0;
    let h = (Math.imul(k, 0x9e3779b1) >>> 0) & mask;
    while (pairKeys[h] !== 0 && pairKeys[h] !== k) h = (h + 1) & mask;
    return h;
  };
  const longer = new Map<string, number>();
  const add = (t: string, id: number) => {
    if (t.length === 2) {
      const h = slotOf(t.charCodeAt(0), t.charCodeAt(1));
      if (pairKeys[h] === 0) { pairKeys[h] = ((t.charCodeAt(0) << 16) | t.charCodeAt(1)) + 1 | 0; pairIds[h] = id; }
      else if (id < pairIds[h]) pairIds[h] = id;
    } else {
      const had = longer.get(t);
      if (had === undefined || id < had) longer.set(t, id);
    }
  };
  for (let k = 0; k < n; k++) add(ngrams[k], ids[k]);
  for (let k = 0; k < SPECIAL_TOKENS.length; k++) add(SPECIAL_TOKENS[k], SPECIAL_BASE + k);
  for (let id = FILLER_FIRST; id <= FILLER_LAST; id++) add(`<special_token_${id}>`, id);
  const idOf = (s: string, from: number, to: number): number => {
    if (to - from === 1) return monogramId(s.charCodeAt(from));
    if (to - from === 2) {
      const h = slotOf(s.charCodeAt(from), s.charCodeAt(from + 1));
      return pairKeys[h] === 0 ? -1 : pairIds[h];
    }
    return longer.get(s.slice(from, to)) ?? -1;
  };
  let out = new Int32Array(3 * 2 * n);
  let m = 0;
  for (let k = 0; k < n; k++) {
    const s = ngrams[k];
    const id = idOf(s, 0, s.length);
    for (let i = 1; i < s.length; i++) {
      const a = idOf(s, 0, i), b = idOf(s, i, s.length);
      if (a < 0 || b < 0) continue;
      if (m + 3 > out.length) { const g = new Int32Array(2 * out.length); g.set(out); out = g; }
      out[m] = a; out[m + 1] = b; out[m + 2] = id; m += 3;
    }
  }
  const triples = out.slice(0, m);
  tripleCache.set(key, triples);
  return triples;
}

function buildLayout(variant: '2-3' | 'max'): Bvv241Layout {
  const vocabSize = variant === '2-3' ? 0x10000 : 0x20000;
  const tokens: string[] = new Array(vocabSize);
  for (let cp = 0; cp < 0xd800; cp++) tokens[cp] = String.fromCharCode(cp);
  SPECIAL_TOKENS.forEach((s, k) => { tokens[SPECIAL_BASE + k] = s; });
  for (let id = FILLER_FIRST; id <= FILLER_LAST; id++) tokens[id] = `<special_token_${id}>`;
  for (let cp = 0xf900; cp < 0xffff; cp++) tokens[cp] = String.fromCharCode(cp);
  const ngrams = (variant === '2-3' ? NGRAMS_2_3 : NGRAMS_MAX).split('\n');
  const slots = ngramSlots(variant);
  let k = 0;
  for (const [from, to] of slots) for (let id = from; id < to && k < ngrams.length; id++) tokens[id] = ngrams[k++];
  if (k !== ngrams.length) throw new Error(`bvv241-${variant}: ${ngrams.length - k} n-grams did not fit`);
  for (let id = 0; id < vocabSize; id++) if (tokens[id] === undefined) tokens[id] = `<unused_${id}>`;
  return { variant, vocabSize, tokens, ngrams };
}

/** The merge list (reference-impl §1.2): for each n-gram in rank order, every split into two in-vocab halves. */
export function bvv241Merges(layout: Bvv241Layout, tokenToId: Map<string, number>): Array<[number, number, number]> {
  const merges: Array<[number, number, number]> = [];
  for (const s of layout.ngrams) {
    const id = tokenToId.get(s)!;
    for (let i = 1; i < s.length; i++) {
      const a = tokenToId.get(s.slice(0, i)), b = tokenToId.get(s.slice(i));
      if (a !== undefined && b !== undefined) merges.push([a, b, id]);
    }
  }
  return merges;
}
