// The three merge loops (quadratic for short words, heap, linear for length-ordered merges) must agree exactly,
// and the bvv241 encoder must match tokenizers.js on long single-word inputs that exercise the linear path.
import { describe, expect, test } from 'vitest';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { MergeTable } from './merge-table.js';
import { mergeWord } from './merge-word.js';
import { mergeWordLinear } from './merge-word-linear.js';
import { bvv241 } from '../index.js';
import { rng } from '../testing/random-text.js';

/** Random length-ordered merge lists over a small alphabet, as bvv241's are (longer results first). */
function randomMerges(r: () => number) {
  const alphabet = 'abcd';
  const vocab = new Map<string, number>();
  for (const c of alphabet) vocab.set(c, vocab.size);
  const tokens = new Set<string>();
  for (let k = 0; k < 60; k++) {
    let t = '';
    const len = 2 + Math.floor(r() * 4);
    for (let j = 0; j < len; j++) t += alphabet[Math.floor(r() * alphabet.length)];
    tokens.add(t);
  }
  const sorted = [...tokens].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  for (const t of sorted) vocab.set(t, vocab.size);
  const merges: Array<[number, number, number]> = [];
  for (const t of sorted) for (let i = 1; i < t.length; i++) {
    const a = vocab.get(t.slice(0, i)), b = vocab.get(t.slice(i));
    if (a !== undefined && b !== undefined) merges.push([a, b, vocab.get(t)!]);
  }
  return { vocab, merges };
}

describe('merge loops agree', () => {
  test('quadratic/heap vs linear on 3,000 random length-ordered merge lists and words', () => {
    const r = rng(21);
    for (let trial = 0; trial < 3000; trial++) {
      const { vocab, merges } = randomMerges(r);
      const table = new MergeTable(merges);
      const n = 1 + Math.floor(r() * 80);
      const word = Int32Array.from({ length: n }, () => Math.floor(r() * 4));
      const a = word.slice(), b = word.slice();
      const na = mergeWord(table, a, n), nb = mergeWordLinear(table, b, n, merges.length);
      expect([...b.subarray(0, nb)], `trial ${trial}`).toEqual([...a.subarray(0, na)]);
      expect(vocab.size).toBeGreaterThan(4);
    }
  });
});

describe.each(['2-3', 'max'] as const)('bvv241-%s long words', (variant) => {
  const tok = bvv241(variant);
  const hf = new HfTokenizer(JSON.parse(tok.toHuggingFaceJSON()), {});
  const r = rng(variant === '2-3' ? 31 : 32);
  const makers: Array<[string, () => string]> = [
    ['random letters', () => Array.from({ length: 3000 }, () => 'etaoinshrdlucmfwyp'[Math.floor(r() * 18)]).join('')],
    ['repeated char', () => 'a'.repeat(2000 + Math.floor(r() * 100))],
    ['periodic', () => 'ab'.repeat(700) + 'tion'.repeat(300)],
    ['vocabulary fragments', () => Array.from({ length: 400 }, () => tok.tokenString(0xd800 + Math.floor(r() * 8000))).join('')],
    ['CJK run', () => Array.from({ length: 2000 }, () => String.fromCharCode(0x4e00 + Math.floor(r() * 300))).join('')],
    ['Cyrillic run', () => Array.from({ length: 2000 }, () => 'оеаинтсрвлкм'[Math.floor(r() * 12)]).join('')],
  ];
  test.each(makers)('%s: same ids as tokenizers.js', (_name, make) => {
    for (let k = 0; k < 3; k++) {
      const s = make();
      expect([...tok.encode(s)]).toEqual(hf.encode(s, { add_special_tokens: false }).ids);
    }
  });
});
