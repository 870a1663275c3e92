// A fixed, seeded multi-script sample of token strings (single code points from many BMP blocks, Latin and
// Cyrillic n-grams, Arabic and Hebrew words, combining sequences, CJK pairs, emoji, mixed-direction strings).
// Used by the Node/browser parity tests, the bench and the demo pictures; the same n always gives the same list.
import { seededRng } from '../ablations/rng.js';

const BLOCKS: [number, number][] = [
  [0x21, 0x7e], [0xa1, 0x24f], [0x370, 0x3ff], [0x400, 0x4ff], [0x531, 0x587], [0x5d0, 0x5ea], [0x621, 0x64a],
  [0x905, 0x939], [0xe01, 0xe30], [0x10d0, 0x10fa], [0x1e00, 0x1eff], [0x2190, 0x21ff], [0x2200, 0x22ff], [0x2500, 0x257f],
  [0x3041, 0x3096], [0x30a1, 0x30fa], [0x4e00, 0x9fff], [0xac00, 0xd7a3], [0xff01, 0xff5e],
];
const WORDS = ['the', 'and', 'ing', 'tion', 'при', 'ого', 'мир', 'مرحبا', 'سلام', 'كتاب', 'שלום', 'ab', 'Qu', 'ß', 'ﬁ', '→', '12', '٣٤'];
const MARKS = [0x300, 0x301, 0x302, 0x303, 0x308, 0x323, 0x64e, 0x650, 0x5b4];
const EMOJI = [0x1f600, 0x1f680, 0x1f34e, 0x1f431, 0x1f44d];

/** n token strings, deterministic. */
export function sampleTokenStrings(n: number, seed = 2025): string[] {
  const r = seededRng(seed);
  const pick = (): string => { const [a, b] = BLOCKS[r.below(BLOCKS.length)]; return String.fromCodePoint(a + r.below(b - a + 1)); };
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = r.below(20);
    if (k < 9) out.push(pick());
    else if (k < 12) out.push(pick() + pick());
    else if (k < 15) out.push(WORDS[r.below(WORDS.length)]);
    else if (k < 17) out.push(pick() + String.fromCodePoint(MARKS[r.below(MARKS.length)]));
    else if (k < 18) out.push(String.fromCodePoint(EMOJI[r.below(EMOJI.length)]));
    else if (k < 19) out.push(WORDS[r.below(WORDS.length)] + ' ' + WORDS[r.below(WORDS.length)]);
    else out.push(String.fromCodePoint(MARKS[r.below(MARKS.length)]));
  }
  return out;
}
