// The encode-only entry (what tokenizing worker threads load): over another thread's tables it gives exactly the
// ids of bvv241 itself, from strings and from UTF-8 bytes, in both modes, loads no n-gram data, and checks its input.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { bvv241 } from '../index.js';
import { bvv241Encoder } from './encode-only.js';
import { randomCodeUnits, randomText, rng } from '../testing/random-text.js';
import { udhrTexts } from '../testing/udhr.js';

describe.each(['2-3', 'max'] as const)('bvv241Encoder %s', (variant) => {
  test('same ids as bvv241 from strings and UTF-8, default and lossless', () => {
    const tables = structuredClone(bvv241(variant).encodingTables());
    const enc = bvv241Encoder(variant, tables), encLossless = bvv241Encoder(variant, tables, { lossless: true });
    const own = bvv241(variant), ownLossless = bvv241(variant, { lossless: true });
    expect(enc.name).toBe(own.name);
    expect(encLossless.name).toBe(ownLossless.name);
    expect(enc.vocabSize).toBe(own.vocabSize);
    const r = rng(variant === '2-3' ? 51 : 52);
    const texts = [
      ...udhrTexts(['en', 'ru', 'zh', 'ar', 'hi', 'ko', 'vi']).map((u) => u.text),
      ...Array.from({ length: 150 }, () => randomText(r)),
      ...Array.from({ length: 150 }, () => randomCodeUnits(r, 200)),
      'a'.repeat(3000), '<s>[INST] x [/INST]</s>',
    ];
    const utf8 = new TextEncoder();
    for (const [k, s] of texts.entries()) {
      expect([...enc.encode(s)], `text ${k}`).toEqual([...own.encode(s)]);
      expect([...encLossless.encode(s)], `text ${k} lossless`).toEqual([...ownLossless.encode(s)]);
      if (!/[\ud800-\udfff]/.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) expect([...enc.encodeUtf8(utf8.encode(s)).ids], `text ${k} utf8`).toEqual([...own.encodeUtf8(utf8.encode(s)).ids]);
    }
  });
});

test('loads no n-gram data (the point of this entry)', () => {
  // the import graph of encode-only.ts, followed through its relative runtime imports
  const seen = new Set<string>();
  const visit = (url: URL) => {
    if (seen.has(url.href)) return;
    seen.add(url.href);
    const src = readFileSync(fileURLToPath(url), 'utf8');
    for (const m of src.matchAll(/^import (?!type )[^;]*?from '(\.[^']+)'/gm)) visit(new URL(m[1].replace(/\.js$/, '.ts'), url));
  };
  visit(new URL('./encode-only.ts', import.meta.url));
  const files = [...seen].map((h) => h.split('/src/')[1]);
  expect(files).toContain('bvv241/encoder.ts');
  expect(files.filter((f) => /layout|generated|hf\//.test(f))).toEqual([]);
});

test('bad input is an error naming it', () => {
  const good = bvv241('2-3').encodingTables();
  expect(() => bvv241Encoder('2-3', { ...good, variant: 'max' })).toThrow(/options\.tables\.variant is "max", not "2-3"/);
  expect(() => bvv241Encoder('big' as never, good)).toThrow(/unknown bvv241 variant "big"/);
  const enc = bvv241Encoder('2-3', good);
  expect(() => enc.encode(5 as never)).toThrow(TypeError);
  expect(() => enc.encodeUtf8('x' as never)).toThrow(/encodeUtf8 expects a Uint8Array, got string/);
});
