// A bvv241 vocabulary's encoding tables sent between threads: their transferable form (`Bvv241Tables`), its
// checked rebuild into what the encoder needs, and the text that primes a thread's encoder. Nothing here loads the
// n-gram data, so a worker that receives the tables (encode-only.ts) starts without it.
import { MergeTable } from '../bpe/merge-table.js';
import { PairSet } from '../bpe/pair-set.js';
import { cutSafeUnits, type EncoderTables } from './encoder.js';
import { SPECIAL_BASE, SPECIAL_TOKENS, monogramId } from './specials.js';

/** A vocabulary's encoding tables as plain typed arrays, for postMessage / workerData (structured clone). */
export interface Bvv241Tables {
  variant: '2-3' | 'max';
  /** MergeTable entries: [left, right, rank, merged] per slot */
  mergeEntries: Int32Array;
  /** number of merges (the ranks are 0 .. mergeCount - 1) */
  mergeCount: number;
  lengthOrdered: boolean;
  mergeable: Uint8Array;
  /** PairSet slots of the adjacent pairs inside tokens */
  innerPairs: Int32Array;
}

/** The encoder's tables of one vocabulary, with its variant and size. */
export interface TransferredTables extends EncoderTables {
  variant: '2-3' | 'max';
  vocabSize: number;
}

/**
 * Encoded once per thread when the first tokenizer of a vocabulary is made: a few hundred code units that take
 * every branch of encode (specials, unknown code points, surrogates, words cut at pair boundaries, long pieces,
 * words too long for the cache). V8 then compiles encode with type feedback for all of them; without it, the
 * optimised code was thrown away each time a document first took one of these branches (about a dozen
 * deoptimisations, ~60 ms, in the first megabytes of multilingual text).
 */
export const PRIMING_TEXT = [
  'The quick brown fox, <s>[INST] jumps</s> over [EOT] the <lazy> [dog].', 'Привет, мир! 你好世界 مرحبا नमस्ते 안녕하세요',
  '\ue000\uf8ff\uffff \ud83d\ude00 \ud800 x \udc00', 'abcdefghijklmnopqrstuvwxyzabcdefghijklm', 'a'.repeat(40),
  'internationalisation', 'tion'.repeat(12), '<pad><unk>[FIM_PREFIX]<',
].join(' \n');

/** The special tokens with their ids, and the units before which a text may be cut into pieces. */
export function specialTables(mergeable: Uint8Array): { specials: Array<[string, number]>; cutSafe: Uint8Array } {
  const specials = SPECIAL_TOKENS.map((t, k): [string, number] => [t, SPECIAL_BASE + k]);
  return { specials, cutSafe: cutSafeUnits(mergeable, specials) };
}

/** Shared tables over another thread's (checked for shape: a wrong object is an error naming the field). */
export function sharedFromTables(variant: '2-3' | 'max', t: Bvv241Tables): TransferredTables {
  const bad = (field: string, why: string) => { throw new TypeError(`bvv241: options.tables.${field} ${why}`); };
  if (t === null || typeof t !== 'object') throw new TypeError('bvv241: options.tables must be the object encodingTables() returns');
  if (t.variant !== variant) bad('variant', `is ${JSON.stringify(t.variant)}, not ${JSON.stringify(variant)}`);
  if (!(t.mergeEntries instanceof Int32Array)) bad('mergeEntries', 'is not an Int32Array');
  if (!(t.mergeable instanceof Uint8Array) || t.mergeable.length !== 0x10000) bad('mergeable', 'is not a Uint8Array of 65,536');
  for (let c = 0; c < 0x10000; c++) if (t.mergeable[c] && monogramId(c) < 0) bad('mergeable', `marks U+${c.toString(16).toUpperCase()}, which is no token`);
  if (!(t.innerPairs instanceof Int32Array)) bad('innerPairs', 'is not an Int32Array');
  if (!Number.isInteger(t.mergeCount) || t.mergeCount < 0) bad('mergeCount', 'is not a count');
  if (typeof t.lengthOrdered !== 'boolean') bad('lengthOrdered', 'is not a boolean');
  const table = MergeTable.fromEntries(t.mergeEntries);
  if (table.size > t.mergeCount) bad('mergeEntries', `hold ${table.size} pairs, more than mergeCount ${t.mergeCount}`);
  return {
    variant, vocabSize: variant === '2-3' ? 0x10000 : 0x20000, mergeCount: t.mergeCount, table,
    mergeable: t.mergeable, lengthOrdered: t.lengthOrdered, ...specialTables(t.mergeable),
    innerPairs: PairSet.fromSlots(t.innerPairs),
  };
}
