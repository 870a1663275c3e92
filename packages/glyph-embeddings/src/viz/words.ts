// The 40-word, 7-group English set for the paper's 2-D map analysis (reference-impl.md §5 says "40 English words
// in 7 groups" without listing them; this is our own list with the same shape), and a tiny tokenizer over any
// list of strings so a word set can go through buildEmbeddings / glyphSheet like a vocabulary.
import { sha256Hex } from '../sha256.js';
import type { TokenizerLike } from '../types.js';

export const MAP_WORD_GROUPS: Readonly<Record<string, readonly string[]>> = {
  animals: ['cat', 'dog', 'horse', 'cow', 'mouse', 'lion'],
  colours: ['red', 'blue', 'green', 'yellow', 'black', 'white'],
  numbers: ['one', 'two', 'three', 'four', 'five', 'six'],
  family: ['mother', 'father', 'sister', 'brother', 'son', 'daughter'],
  countries: ['France', 'Germany', 'Italy', 'Spain', 'China'],
  verbs: ['run', 'walk', 'jump', 'swim', 'eat', 'sleep'],
  fruit: ['apple', 'banana', 'orange', 'grape', 'pear'],
};

/** The 40 words and their group names, in a fixed order. */
export function mapWords(): { words: string[]; groups: string[] } {
  const words: string[] = [], groups: string[] = [];
  for (const [g, ws] of Object.entries(MAP_WORD_GROUPS)) for (const w of ws) { words.push(w); groups.push(g); }
  return { words, groups };
}

/** A TokenizerLike whose token i is strings[i] (none special); fingerprint = SHA-256 of the JSON list. */
export async function stringListTokenizer(strings: readonly string[], name = 'string-list'): Promise<TokenizerLike> {
  const list = [...strings];
  const fingerprint = await sha256Hex(new TextEncoder().encode(JSON.stringify(list)));
  return {
    name,
    vocabSize: list.length,
    fingerprint,
    tokenString(id: number): string {
      if (!Number.isInteger(id) || id < 0 || id >= list.length) throw new RangeError(`${name}: id ${id} is out of range 0..${list.length - 1}`);
      return list[id];
    },
    isSpecial: () => false,
  };
}
