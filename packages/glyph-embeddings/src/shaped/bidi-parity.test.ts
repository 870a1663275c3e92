// Parity of the shaped recipe's bidi pass (itemize.ts bidiLevels) with bidi-js, a full implementation of UAX #9,
// on seeded random strings over every bidi class the pass handles (no explicit controls, no brackets; BMP only,
// since bidi-js classifies UTF-16 code units and so treats each half of a surrogate pair as L).
import { describe, expect, it } from 'vitest';
import bidiModule from 'bidi-js';
import { bidiLevels } from './itemize.js';
import { seededRng } from '../ablations/rng.js';

// bidi-js ships CJS-typed declarations with a default export: normalise the interop shape
type BidiFactory = typeof import('bidi-js').default;
const mod = bidiModule as unknown as BidiFactory & { default?: BidiFactory };
const bidiFactory: BidiFactory = (mod as { default?: BidiFactory }).default ?? mod;
const bidi = bidiFactory();
const ALPHABET: Record<string, string[]> = {
  L: ['a', 'b', 'Z', 'ж', 'ф', 'α', '你'], R: ['א', 'ב', 'ש'], AL: ['ب', 'م', 'ر'], EN: ['0', '5', '9', '²'], AN: ['٠', '٣'],
  ES: ['+', '-'], ET: ['$', '%', '#', '€'], CS: [',', '.', ':', '/'], WS: [' '], ON: ['!', '?', '"', '*', ';', '&', '@', '♥'],
  NSM: ['\u0301', '\u064e', '\u05b4'],
};
const classes = Object.keys(ALPHABET);

describe('bidiLevels vs bidi-js (UAX #9)', () => {
  it('the alphabet has the expected bidi classes in bidi-js', () => {
    for (const [c, chars] of Object.entries(ALPHABET)) for (const ch of chars) expect(`${ch}:${bidi.getBidiCharTypeName(ch)}`).toBe(`${ch}:${c}`);
  });
  it.each(['auto', 'ltr', 'rtl'] as const)('agrees on every level of 4,000 seeded random strings (direction %s)', (dir) => {
    const r = seededRng(dir.length * 1000 + 7);
    let bad = 0; const examples: string[] = [];
    for (let t = 0; t < 4000; t++) {
      const len = 1 + r.below(12);
      let s = '';
      for (let i = 0; i < len; i++) { const c = classes[r.below(classes.length)]; const chars = ALPHABET[c]; s += chars[r.below(chars.length)]; }
      const ours = bidiLevels(s, dir);
      const ref = bidi.getEmbeddingLevels(s, dir);
      // bidi-js levels are per UTF-16 unit: take the first unit of each code point
      const refLevels: number[] = []; let u = 0;
      for (const ch of s) { refLevels.push(ref.levels[u]); u += ch.length; }
      if (ours.levels.join() !== refLevels.join() || ours.paragraph !== ref.paragraphs[0].level) {
        bad++; if (examples.length < 5) examples.push(`${JSON.stringify(s)} ours ${ours.levels} ref ${refLevels}`);
      }
    }
    expect(examples).toEqual([]);
    expect(bad).toBe(0);
  });
});
