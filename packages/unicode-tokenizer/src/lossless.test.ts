// Lossless mode: decode(encode(s)) === s for every JS string, vocabulary unchanged, BMP text encoded as by default.
import { describe, expect, test } from 'vitest';
import { bvv241 } from './index.js';
import { ESCAPE_BASE, readEscape } from './lossless.js';
import { randomCodeUnits, randomText, rng } from './testing/random-text.js';

const EDGE_CASES = [
  '', 'a', '😀', '👩‍👩‍👧‍👦', '🇺🇦', '\ud800', '\udfff', '\udc00\ud800', 'a\ud800', '\ud83d', '\ude00', '\ud83d\ude00\ud83d',
  '\ue000', '\uf8ff', '\ue017', '\uffff', '\ufffe', '\ufffd', '\u0000', '\u0000\u0000', '\n\r\t', '\u2028\u2029',
  '𠀀𪛖', '\u{10ffff}', '\u{10000}', '\u{1f000}', '\u{1faff}', '\u{1fb00}', '\u{e0001}\u{e007f}', '\u{f0000}\u{10fffd}',
  '<unk>', '<special_token_57367>', '<special_token_57367><special_token_57367>', '<unused_65535>', '<s></s><pad>',
  '[INST]😀[/INST]', 'x'.repeat(1000), '😀'.repeat(300), '\ud800'.repeat(100), 'e\u0301', '\u0915\u094d\u0937', '🏳️‍🌈',
];

describe.each(['2-3', 'max'] as const)('bvv241-%s lossless', (variant) => {
  const plain = bvv241(variant);
  const tok = bvv241(variant, { lossless: true });

  test('same vocabulary size and a distinct name', () => {
    expect(tok.vocabSize).toBe(plain.vocabSize);
    expect(tok.name).toBe(`bvv241-${variant}+lossless`);
  });

  test.each(EDGE_CASES.map((s) => [s]))('round-trips %j', (s) => {
    expect(tok.decode(tok.encode(s))).toBe(s);
  });

  test('round-trips 100,000 seeded random strings', () => {
    const r = rng(variant === '2-3' ? 42 : 43);
    let failures = 0;
    for (let k = 0; k < 100_000; k++) {
      const s = k % 2 ? randomText(r, { maxPieces: 8 }) : randomCodeUnits(r, 24);
      if (tok.decode(tok.encode(s)) !== s) {
        failures++;
        if (failures <= 3) expect(tok.decode(tok.encode(s))).toBe(s);
      }
    }
    expect(failures).toBe(0);
  });

  test('encodes exactly as the default mode, with each <unk> of an unrepresentable character escaped', () => {
    const r = rng(5);
    for (let k = 0; k < 20_000; k++) {
      const s = k % 3 ? randomText(r, { maxPieces: 8 }) : randomCodeUnits(r, 16);
      const base = [...plain.encode(s)];
      const ids = tok.encode(s);
      const collapsed: number[] = [];
      for (let i = 0; i < ids.length; i++) {
        const esc = readEscape(ids, i);
        if (esc) { collapsed.push(57347); i += esc[1] - 1; } else collapsed.push(ids[i]);
      }
      expect(collapsed).toEqual(base);
      if (!base.includes(57347)) expect([...ids]).toEqual(base);
    }
  });

  test('an escaped character costs 2 ids (PUA, lone surrogates, emoji) or 3 (other astral)', () => {
    expect(tok.encode('\ue000')).toHaveLength(2);
    expect(tok.encode('\ud800')).toHaveLength(2);
    expect(tok.encode('\uffff')).toHaveLength(2);
    expect(tok.encode('😀')).toHaveLength(2);
    expect(tok.encode('𠀀')).toHaveLength(3);
    expect(tok.encode('\u{10ffff}')).toHaveLength(3);
    for (const id of tok.encode('😀𠀀\ue000')) expect(id >= 57367 && id < 57367 + ESCAPE_BASE).toBe(true);
  });

  test('any id sequence still decodes: stray filler ids give their literal text', () => {
    expect(tok.decode([57367])).toBe('<special_token_57367>');
    expect(tok.decode([57367 + 60, 57367])).toBe('<special_token_57427><special_token_57367>');
    expect(tok.decode([57599, 57599])).toBe('<special_token_57599><special_token_57599>');
    expect(readEscape([57367 + 48, 57367 + 232], 0)).toBeNull(); // beyond the 2-id value range
    const r = rng(9);
    for (let k = 0; k < 2000; k++) {
      const ids = Array.from({ length: 1 + Math.floor(r() * 8) }, () => (r() < 0.7 ? 57367 + Math.floor(r() * 233) : Math.floor(r() * tok.vocabSize)));
      expect(typeof tok.decode(ids)).toBe('string');
    }
  });
});
