// Seeded random strings for property and parity tests: many scripts, specials, controls, PUA, astral
// characters, lone surrogates and fragments of real vocabulary entries. Test-only (not built into dist).

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'the', 'and', 'hello', 'world', 'tokenizer', 'glyph', 'Привет', 'мир', 'человек', '你好', '世界', '人民', 'مرحبا', 'السلام',
  'שלום', 'नमस्ते', 'ভাষা', '안녕하세요', 'こんにちは', 'カタカナ', 'Ελλάδα', 'Հայաստան', 'საქართველო', 'Việt', 'façade',
  'naïve', 'Straße', 'İstanbul', 'ﬁ', 'œuvre', '١٢٣', '123', '3.14', 'e=mc²', '#include', 'x->y', '/* */',
];
const SPECIALS = ['<pad>', '<s>', '</s>', '<unk>', '[INST]', '[/INST]', '<think>', '[FIM_PAD]', '<special_token_57400>', '<unused_65535>', '<s', '[INST', '</'];
const RANGES: Array<[number, number]> = [
  [0x20, 0x7e], [0x00, 0x1f], [0x7f, 0x9f], [0xa0, 0x24f], [0x370, 0x3ff], [0x400, 0x52f], [0x530, 0x58f], [0x590, 0x6ff],
  [0x900, 0x9ff], [0x3040, 0x30ff], [0x4e00, 0x9fff], [0xac00, 0xd7a3], [0xe000, 0xf8ff], [0xf900, 0xffff],
  [0x1f300, 0x1faff], [0x10000, 0x10ffff], [0x20000, 0x2a6df], [0x0300, 0x036f],
];

export interface RandomTextOptions { maxPieces?: number; vocab?: readonly string[]; loneSurrogates?: boolean }

/** A random string of up to `maxPieces` pieces. */
export function randomText(r: () => number, opts: RandomTextOptions = {}): string {
  const pieces = 1 + Math.floor(r() * (opts.maxPieces ?? 12));
  let s = '';
  for (let k = 0; k < pieces; k++) {
    const kind = r();
    if (kind < 0.3) s += WORDS[Math.floor(r() * WORDS.length)];
    else if (kind < 0.45) s += ' \n\t  '[Math.floor(r() * 5)];
    else if (kind < 0.55) s += SPECIALS[Math.floor(r() * SPECIALS.length)];
    else if (kind < 0.7 && opts.vocab) s += opts.vocab[Math.floor(r() * opts.vocab.length)];
    else if (kind < 0.75 && opts.loneSurrogates !== false) s += String.fromCharCode(0xd800 + Math.floor(r() * 0x800));
    else {
      const [a, b] = RANGES[Math.floor(r() * RANGES.length)];
      let cp = a + Math.floor(r() * (b - a + 1));
      if (cp >= 0xd800 && cp < 0xe000) cp = 0x41;
      const n = 1 + Math.floor(r() * 4);
      for (let j = 0; j < n; j++) s += String.fromCodePoint(cp + (j % 3));
    }
  }
  return s;
}

/** Uniformly random UTF-16 code units (any JS string, surrogates included). */
export function randomCodeUnits(r: () => number, maxLen: number): string {
  const n = Math.floor(r() * (maxLen + 1));
  const units = new Array<number>(n);
  for (let k = 0; k < n; k++) {
    const x = r();
    units[k] = x < 0.5 ? 0x20 + Math.floor(r() * 0x60) : x < 0.7 ? 0xd800 + Math.floor(r() * 0x800) : Math.floor(r() * 0x10000);
  }
  return String.fromCharCode(...units);
}
