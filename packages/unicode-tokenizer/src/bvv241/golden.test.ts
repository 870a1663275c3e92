// Golden encodings and layout facts of the reference bvv241 tokenizers (reference-impl §1.1-1.2).
import { describe, expect, test } from 'vitest';
import { bvv241 } from '../index.js';
import { bvv241Layout, bvv241Merges, bvv241MergesFromNgrams, monogramId } from './layout.js';
import { FINGERPRINTS, computeFingerprint } from './tokenizer.js';

const GOLDEN: Array<[string, number[], number[]]> = [
  ['hello the test', [104, 56035, 111, 32, 57811, 32, 116, 56117], [70960, 32, 113757, 32, 99060]],
  ['Hello, World!', [60506, 56703, 44, 32, 55540, 60964, 33], [63315, 44, 32, 66153, 33]],
  ['Привет, мир', [61726, 1080, 58484, 44, 32, 1084, 61848], [115411, 115528, 44, 32, 115862]],
  ['你好世界', [20320, 22909, 63197], [20320, 22909, 129557]],
  ['😀 emoji', [57347, 32, 60765, 111, 60916], [57347, 32, 110636, 123452]],
  ['<s>ok</s>', [57345, 61082, 57346], [57345, 123771, 57346]],
  ['\uE000x', [57347, 120], [57347, 120]],
  ['tab\tnew\nline', [57773, 9, 110, 60775, 10, 108, 56428], [113697, 9, 112388, 10, 94969]],
  ['ﬁ', [64257], [64257]],
];

describe('golden encodings', () => {
  const t23 = bvv241('2-3'), tmax = bvv241('max'), tabs = bvv241('abs');
  test.each(GOLDEN)('%j', (text, ids23, idsMax) => {
    expect([...t23.encode(text)]).toEqual(ids23);
    expect([...tmax.encode(text)]).toEqual(idsMax);
    expect([...tabs.encode(text)]).toEqual(idsMax);
  });
  test('decode of the notebook example', () => {
    expect(t23.decode(t23.encode('hello the test'))).toBe('hello the test');
    expect(tmax.decode([70960, 32, 113757, 32, 99060])).toBe('hello the test');
  });
  test('token strings of the golden ids', () => {
    expect([104, 56035, 111, 32, 57811, 32, 116, 56117].map((id) => t23.tokenString(id))).toEqual(['h', 'ell', 'o', ' ', 'the', ' ', 't', 'est']);
    expect([61726, 1080, 58484].map((id) => t23.tokenString(id)).join('·')).toBe('Пр·и·вет');
  });
});

describe('layout', () => {
  test('bvv241-2-3', () => {
    const t = bvv241('2-3');
    expect(t.vocabSize).toBe(65536);
    expect(t.specialTokens['<pad>']).toBe(57344);
    expect(t.specialTokens['<s>']).toBe(57345);
    expect(t.specialTokens['</s>']).toBe(57346);
    expect(t.specialTokens['<unk>']).toBe(57347);
    expect(t.specialTokens['[FILE_SEP]']).toBe(57366);
    expect(Object.keys(t.specialTokens)).toHaveLength(23);
    expect(t.tokenString(57367)).toBe('<special_token_57367>');
    expect(t.tokenString(57599)).toBe('<special_token_57599>');
    expect(t.tokenString(0xffff)).toBe('<unused_65535>');
    expect(t.tokenString(0xf8f1)).toBe('<unused_63729>');
    expect(t.tokenString(0xf8f0)).not.toMatch(/^<unused/);
    expect(t.tokenString(0xd800)).toHaveLength(3); // trigrams fill the surrogate range first
    expect(t.tokenString(0x41)).toBe('A');
    expect(t.tokenString(0xfffe)).toBe('\ufffe');
    let unused = 0;
    for (let id = 0; id < t.vocabSize; id++) if (t.tokenString(id).startsWith('<unused_')) unused++;
    expect(unused).toBe(16);
    expect(t.merges()).toHaveLength(12224);
    expect(t.isSpecial(57347)).toBe(true);
    expect(t.isSpecial(57400)).toBe(true);
    expect(t.isSpecial(65535)).toBe(true);
    expect(t.isSpecial(65)).toBe(false);
  });
  test('bvv241-max / abs', () => {
    const t = bvv241('max');
    expect(t.vocabSize).toBe(131072);
    expect(t.merges()).toHaveLength(182678);
    expect(t.tokenString(0xd800)).toBe('*'.repeat(72));
    expect(t.tokenString(0x1fffe)).not.toMatch(/^<unused/);
    expect(t.tokenString(0x1ffff)).toBe('<unused_131071>');
    expect(t.tokenString(0xffff)).toBe('<unused_65535>');
    const abs = bvv241('abs');
    expect(abs.vocabSize).toBe(131072);
    expect(abs.toHuggingFaceJSON()).toBe(t.toHuggingFaceJSON());
    expect(abs.fingerprint).toBe(t.fingerprint);
    expect(bvv241('2-3').fingerprint).not.toBe(t.fingerprint);
    expect(bvv241('2-3', { lossless: true }).fingerprint).not.toBe(bvv241('2-3').fingerprint);
  });
  test('merge order: longer results first, then code-point order, then split position', () => {
    const m = bvv241('2-3').merges();
    const lens = m.map(([a, b]) => a.length + b.length);
    for (let k = 1; k < lens.length; k++) expect(lens[k] <= lens[k - 1]).toBe(true);
    expect(m[m.length - 1][0].length + m[m.length - 1][1].length).toBe(2);
  });
});

describe('encoding tables built from the n-grams alone', () => {
  test.each(['2-3', 'max'] as const)('bvv241-%s: same merges and monogram ids as a token-to-id map over the whole layout', (variant) => {
    const layout = bvv241Layout(variant);
    const tokenToId = new Map<string, number>();
    layout.tokens.forEach((t, id) => { if (!tokenToId.has(t)) tokenToId.set(t, id); });
    expect(bvv241MergesFromNgrams(variant)).toEqual(bvv241Merges(layout, tokenToId));
    for (let c = 0; c < 0x10000; c++) {
      const id = c >= 0xd800 && c < 0xe000 ? -1 : tokenToId.get(String.fromCharCode(c)) ?? -1;
      if (monogramId(c) !== id) expect(`U+${c.toString(16)}: ${monogramId(c)}`).toBe(`U+${c.toString(16)}: ${id}`);
    }
  });
  test('the stored fingerprints are the hashes of the vocabularies', () => {
    for (const variant of ['2-3', 'max'] as const) for (const lossless of [false, true]) {
      expect(FINGERPRINTS[`${variant}/lossless=${lossless}`]).toBe(computeFingerprint(variant, lossless));
      expect(bvv241(variant, { lossless }).fingerprint).toBe(computeFingerprint(variant, lossless));
    }
    expect(Object.keys(FINGERPRINTS)).toHaveLength(4);
  });
});
